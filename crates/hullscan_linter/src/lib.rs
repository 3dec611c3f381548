//! hullscan's rule engine.
//!
//! - [`registry`]: every rule's metadata, lookups by code, name, alias and prefix, and
//!   [`registry::RuleSet`], the bitset of enabled rules.
//! - [`check_dockerfile`]: runs the enabled rules over one parsed Dockerfile, turns parse errors
//!   into `syntax-error` findings and applies suppression comments (`# hullscan ignore=`,
//!   `# hadolint ignore=`, `# check=skip=`) and severity overrides.
//! - [`settings::LinterSettings`]: the resolved settings the checker reads.
//!
//! Everything here is pure: rules never do I/O.

mod checker;
pub mod registry;
pub mod rules;
pub mod run_script;
pub mod same_problem;
pub mod settings;
pub mod shellcheck;
mod suppression;
pub mod upstream;
pub mod yaml;

pub use checker::{
    CheckExtras, Checker, check_dockerfile, check_dockerfile_with, check_dockerfile_with_shellcheck,
};
pub use settings::LinterSettings;

#[cfg(test)]
mod tests;
