//! Finding the configuration that applies to each file.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;

use crate::error::ConfigError;
use crate::options::{Configuration, read_hadolint_yaml, read_hullscan_toml};
use crate::settings::{CliOverrides, Settings};

/// hullscan's own configuration file names, in the order they are looked for in a directory.
pub const HULLSCAN_CONFIG_NAMES: [&str; 2] = ["hullscan.toml", ".hullscan.toml"];
/// hadolint configuration file names honoured when no hullscan configuration exists.
pub const HADOLINT_CONFIG_NAMES: [&str; 2] = [".hadolint.yaml", ".hadolint.yml"];

/// How configuration is chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigMode {
    /// For each file, the nearest `hullscan.toml`/`.hullscan.toml` in its directory or above;
    /// when there is none, the nearest `.hadolint.yaml`/`.yml` above it or in the working
    /// directory; else the defaults.
    Discover,
    /// `--config FILE`: one file for everything (TOML, or YAML when named `*.yaml`/`*.yml`).
    Pinned(PathBuf),
    /// `--no-config`: defaults and command-line options only.
    None,
}

/// Resolves and caches settings per directory. Shareable between threads.
#[derive(Debug)]
pub struct Resolver {
    mode: ConfigMode,
    overrides: CliOverrides,
    cwd: PathBuf,
    /// Settings by the directory of the file they were looked up for.
    by_directory: Mutex<FxHashMap<PathBuf, Arc<Settings>>>,
    /// Settings by configuration file (`None` = defaults), so every file under one
    /// configuration shares one resolved value.
    by_config: Mutex<FxHashMap<Option<PathBuf>, Arc<Settings>>>,
}

impl Resolver {
    /// A resolver; validates the command-line names and, for `--config`, reads the file now so
    /// its errors come before any linting.
    pub fn new(mode: ConfigMode, overrides: CliOverrides) -> Result<Resolver, ConfigError> {
        overrides.validate()?;
        let cwd = std::env::current_dir().unwrap_or_default();
        let resolver = Resolver {
            mode,
            overrides,
            cwd,
            by_directory: Mutex::default(),
            by_config: Mutex::default(),
        };
        match &resolver.mode {
            ConfigMode::Pinned(path) => {
                let path = path.clone();
                resolver.settings_from(Some(&path))?;
            }
            ConfigMode::None => {
                resolver.settings_from(None)?;
            }
            ConfigMode::Discover => {}
        }
        Ok(resolver)
    }

    /// The settings for the file at `path` (which need not exist: stdin uses
    /// `--stdin-filename`).
    pub fn settings_for(&self, path: &Path) -> Result<Arc<Settings>, ConfigError> {
        match &self.mode {
            ConfigMode::Pinned(config) => self.settings_from(Some(config)),
            ConfigMode::None => self.settings_from(None),
            ConfigMode::Discover => {
                let absolute = if path.is_absolute() {
                    path.to_owned()
                } else {
                    self.cwd.join(path)
                };
                let directory = absolute
                    .parent()
                    .map_or_else(|| self.cwd.clone(), Path::to_owned);
                if let Some(settings) = lock(&self.by_directory).get(&directory) {
                    return Ok(Arc::clone(settings));
                }
                let config = self.discover(&directory);
                let settings = self.settings_from(config.as_deref())?;
                lock(&self.by_directory).insert(directory, Arc::clone(&settings));
                Ok(settings)
            }
        }
    }

    /// The configuration file for files in `directory`, if any.
    fn discover(&self, directory: &Path) -> Option<PathBuf> {
        let mut nearest_hadolint = None;
        for ancestor in directory.ancestors() {
            for name in HULLSCAN_CONFIG_NAMES {
                let candidate = ancestor.join(name);
                if candidate.is_file() {
                    return Some(candidate);
                }
            }
            if nearest_hadolint.is_none() {
                nearest_hadolint = HADOLINT_CONFIG_NAMES
                    .iter()
                    .map(|name| ancestor.join(name))
                    .find(|candidate| candidate.is_file());
            }
        }
        nearest_hadolint.or_else(|| {
            HADOLINT_CONFIG_NAMES
                .iter()
                .map(|name| self.cwd.join(name))
                .find(|candidate| candidate.is_file())
        })
    }

    fn settings_from(&self, config: Option<&Path>) -> Result<Arc<Settings>, ConfigError> {
        let key = config.map(Path::to_owned);
        if let Some(settings) = lock(&self.by_config).get(&key) {
            return Ok(Arc::clone(settings));
        }
        let (configuration, root) = match config {
            Some(path) => (
                load(path)?,
                path.parent()
                    .filter(|parent| !parent.as_os_str().is_empty())
                    .map_or_else(|| self.cwd.clone(), Path::to_owned),
            ),
            None => (Configuration::default(), self.cwd.clone()),
        };
        let root = if root.is_absolute() {
            root
        } else {
            self.cwd.join(root)
        };
        let settings = Arc::new(Settings::resolve(
            &configuration,
            config,
            &self.overrides,
            root,
        )?);
        lock(&self.by_config).insert(key, Arc::clone(&settings));
        Ok(settings)
    }
}

/// Reads one configuration file, choosing the schema by its name.
pub fn load(path: &Path) -> Result<Configuration, ConfigError> {
    let text = crate::input::read_file_to_string(path)?;
    let is_yaml = path
        .extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml"));
    if is_yaml {
        read_hadolint_yaml(path, &text)
    } else {
        read_hullscan_toml(path, &text)
    }
}

/// A poisoned lock only means another thread panicked mid-insert; the map is still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
