//! `.dockerignore` exactly as Docker reads and applies it.
//!
//! - [`IgnoreFile::parse`] reads a file like Docker's `ignorefile.ReadAll` (BOM, `#` comments
//!   in column 1, trimming, `!` exceptions, `filepath.Clean`, leading `/` removed), keeping
//!   each pattern's line for diagnostics.
//! - [`PatternMatcher`] compiles patterns like moby/patternmatcher (`*`, `?`, `[...]` with Go's
//!   regex class syntax, `**`, `\` escapes) and decides exclusion the way Docker does: the last
//!   pattern that matches the path or one of its parent directories wins. All regex patterns
//!   share one multi-pattern automaton, so a path costs one search.
//!
//! This crate is pure: no file-system access.

mod clean;
mod glob_syntax;
mod go_regex;
mod matcher;
mod pattern;
mod read;

pub use clean::{go_clean, go_dir};
pub use glob_syntax::{BadPattern, go_filepath_match};
pub use matcher::{MatchError, MatchInfo, MatchScratch, PatternError, PatternMatcher};
pub use pattern::{MatchKind, Pattern, compile_go_regex};
pub use read::{
    IgnoreEntry, IgnoreFile, IgnoreFileError, MAX_LINE_LEN, dockerfile_specific_ignore_name,
};

/// Translates a Go (RE2) regular expression as patternmatcher builds it into Rust `regex`
/// syntax with the same meaning; `Err` carries the reason Go would reject it.
pub fn go_regex_to_rust(go: &str) -> Result<String, String> {
    go_regex::translate(go)
}
