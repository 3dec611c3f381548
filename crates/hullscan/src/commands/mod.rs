//! One module per subcommand; each owns its clap arguments and a `run` function.

pub mod context;
pub mod db;
pub mod debug;
pub mod explain;
pub mod image;
pub mod lint;
pub mod lint_compose;
pub mod lint_context;
pub mod lint_yaml;
pub mod rules;
pub mod sbom;
pub mod secrets;
