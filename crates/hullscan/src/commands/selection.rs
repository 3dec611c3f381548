//! The flags that choose the rules and the configuration file, flattened into `lint`, `fix`,
//! `plan` and `image` (and, for the configuration file, `secrets`). The help texts here are
//! `lint`'s; a command that words them for itself replaces them with `mut_arg` (without the
//! final full stop, which clap drops from doc comments), so each command's `--help` stays as
//! it was.

use std::path::PathBuf;

use clap::Args;
use hullscan_workspace::{CliOverrides, ConfigMode};

/// `--select`, `--extend-select`, `--ignore`.
#[derive(Debug, Args)]
pub struct RuleSelectionArgs {
    /// Run only these rules (codes, names, aliases, prefixes like `HS1`, or `ALL`), replacing
    /// the configuration's `select`. Comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Option<Vec<String>>,
    /// Run these rules in addition to the selected ones.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub extend_select: Vec<String>,
    /// Never run these rules (added to the configuration's `ignore`).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
}

impl RuleSelectionArgs {
    /// The selection as configuration overrides (nothing else overridden).
    pub fn overrides(&self) -> CliOverrides {
        CliOverrides {
            select: self.select.clone(),
            extend_select: self.extend_select.clone(),
            ignore: self.ignore.clone(),
            ..CliOverrides::default()
        }
    }
}

/// `--config FILE` / `--no-config`.
#[derive(Debug, Args)]
pub struct ConfigFileArgs {
    /// Use this configuration file (`hullscan.toml`, or a `.hadolint.yaml`) for every file
    /// instead of discovering one per directory.
    #[arg(long, short = 'c', value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore all configuration files.
    #[arg(long)]
    pub no_config: bool,
}

impl ConfigFileArgs {
    /// How configuration is found: the file given, none, or discovered per directory.
    pub fn mode(&self) -> ConfigMode {
        match (&self.config, self.no_config) {
            (Some(path), _) => ConfigMode::Pinned(path.clone()),
            (None, true) => ConfigMode::None,
            (None, false) => ConfigMode::Discover,
        }
    }
}
