//! hullscan's Dockerfile parser.
//!
//! [`parse`] turns a Dockerfile into a [`Dockerfile`] tree exactly as BuildKit's parser
//! (`frontend/dockerfile/parser`, Dockerfile frontend 1.26) would, but lossless and
//! error-tolerant: every node has a byte span, and a syntax error is recorded in
//! [`Parse::errors`] while the rest of the file is still parsed.
//!
//! The parser is only BuildKit's first layer: it knows nothing about stages, does no variable
//! expansion and does not validate flags or argument counts (those are rules / the semantic
//! model). [`to_buildkit_result`] prints a parse in the exact text form of BuildKit's parser
//! test `result` files. [`detect_syntax`] and [`find_directive`] are BuildKit's separate
//! directive readers (frontend selection and the file-level `# check=` configuration), which
//! differ from the main parser in small ways.
//!
//! Error tolerance: BuildKit stops at its first error; hullscan records it and goes on with the
//! next line, so later instructions are still available to rules. The first entry of
//! [`Parse::errors`] (they are sorted by position) is normally the one BuildKit reports.
//!
//! Text handling: [`parse`] takes `&str`; a UTF-8 BOM at the start is skipped (and kept in the
//! offsets). [`parse_bytes`] accepts raw bytes: invalid UTF-8 is replaced lossily (so offsets
//! after it shift) and recorded as a [`ParseErrorKind::InvalidUtf8`] error.

mod ast;
mod directives;
mod dump;
mod file_name;
mod heredoc_lex;
mod json;
mod parser;

pub use ast::*;
pub use directives::{DetectedDirective, detect_syntax, find_directive};
pub use dump::{buildkit_values, to_buildkit_result};
pub use file_name::is_dockerfile_name;
pub use parser::{parse, parse_bytes};

/// How many `ONBUILD` levels the parser nests (`ONBUILD ONBUILD … RUN x`). BuildKit rejects any
/// chaining in its instructions layer; past this depth the parser records that error
/// ([`ParseErrorKind::OnbuildChain`]) instead of nesting further.
pub const MAX_ONBUILD_DEPTH: usize = 8;
