//! hullscan configuration.
//!
//! - [`options`]: the `hullscan.toml` schema (and `.hullscan.toml`), and `.hadolint.yaml` for
//!   projects coming from hadolint, read into one [`Configuration`].
//! - [`settings`]: resolving a configuration plus command-line overrides into [`Settings`]
//!   (the enabled [`hullscan_linter::registry::RuleSet`], severities, failure threshold,
//!   per-path ignores). Every rule name is validated here; an unknown one is a
//!   [`ConfigError`] naming it and the file and line (or flag) it came from.
//! - [`input`]: bounded reads of the files hullscan is pointed at (regular files only, never
//!   more than a cap), shared by every command.
//! - [`resolver`]: which configuration applies to which file (nearest one above it wins), with
//!   a per-directory cache.
//! - [`secrets`]: the `[secrets]` allow-list, validated (unknown detectors and malformed
//!   fingerprints are errors) and compiled into a [`SecretsAllowlist`] carried by [`Settings`].
//!
//! Example `hullscan.toml`:
//!
//! ```toml
//! select = ["HS1", "HS003"]        # codes, names, aliases (DL3006), prefixes, or "ALL"
//! extend-select = []
//! ignore = ["missing-user"]
//! failure-threshold = "warning"    # error | warning | info | style (default: info)
//! no-fail = false
//! trusted-registries = ["docker.io", "ghcr.io"]
//! strict-labels = false
//!
//! [severity]
//! untagged-base-image = "error"
//!
//! [per-path-ignores]
//! "test/**" = ["HS103"]
//!
//! [label-schema]
//! maintainer = "email"
//!
//! [secrets]                        # findings `hullscan secrets` accepts
//! allow-fingerprints = ["3f9c0a1b2c3d4e5f"]
//! allow-paths = ["testdata/**", "*.pem"]   # relative to this file; no `/`: any file name
//! allow-detectors = ["github-pat", "HS708", "password-hash"]
//! ```

mod error;
pub mod input;
pub mod options;
pub mod resolver;
pub mod secrets;
pub mod settings;

pub use error::{ConfigError, NameOrigin};
pub use input::InputError;
pub use options::Configuration;
pub use resolver::{ConfigMode, Resolver};
pub use secrets::SecretsAllowlist;
pub use settings::{CliOverrides, DEFAULT_FAILURE_THRESHOLD, Settings};

#[cfg(test)]
mod tests;
