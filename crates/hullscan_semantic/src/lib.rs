//! hullscan's Dockerfile semantics, on top of the parser's flat instruction list.
//!
//! - [`lex`]: BuildKit's shell-word lexer (`ProcessWord` / `ProcessWords`): `$VAR`,
//!   `${VAR:-x}`, `${VAR#pat}`, `${VAR/pat/repl}`, quotes, the escape token, word splitting and
//!   the matched/unmatched variable sets that BuildKit's UndefinedVar checks use.
//! - [`model`]: the [`SemanticModel`]: stages, the stage graph, ARG/ENV scopes, and the SHELL,
//!   USER and WORKDIR in effect at each instruction.
//! - [`image_ref`]: Docker's image reference normalisation ([`ImageRef`]).
//!
//! ```
//! use hullscan_semantic::{Base, SemanticModel};
//!
//! let parse = hullscan_dockerfile::parse(
//!     "ARG GO=1.22\nFROM golang:${GO} AS build\nRUN go build\nFROM scratch\nCOPY --from=build /app /\n",
//! );
//! let model = SemanticModel::new(&parse.dockerfile);
//! let build = &model.stages()[0];
//! assert_eq!(build.base_name(), Some("golang:1.22"));
//! assert_eq!(
//!     build.image_ref().unwrap().unwrap().to_string(),
//!     "docker.io/library/golang:1.22"
//! );
//! assert_eq!(model.final_stage().unwrap().base, Base::Scratch);
//! assert!(model.is_reachable(0));
//! assert_eq!(model.shell_at(2).args(), ["/bin/sh", "-c"]);
//! ```

pub mod image_ref;
pub mod lex;
pub mod model;

pub use image_ref::{ImageRef, ImageRefError};
pub use lex::{
    EmptyEnv, Env, ExpandError, ExpandErrorKind, Expansion, LexOptions, Lexer, MAX_EXPANSION_LEN,
    MAX_NESTING, MAX_TOTAL_EXPANSION,
};
pub use model::{
    Base, Binding, BindingKind, BuildOptions, Dependency, DependencyKind, ExpandableWord,
    GlobalEnv, InstructionEnv, Lookup, ModelError, Os, Platform, PlatformFlag, ScopeEnv,
    SemanticModel, Shell, SourceRef, Stage, UserSetting, WordRole, WorkdirSetting,
};
