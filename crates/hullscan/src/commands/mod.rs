//! One module per subcommand; each owns its clap arguments and a `run` function.

pub mod completions;
pub mod context;
pub mod db;
pub mod debug;
pub mod explain;
pub mod fix;
pub mod image;
pub mod image_report;
pub mod inventory_target;
pub mod lint;
pub mod lint_compose;
pub mod lint_context;
pub mod lint_yaml;
pub mod man;
pub mod plan;
pub mod rules;
pub mod sbom;
pub mod secrets;
pub mod selection;
pub mod vulns;
