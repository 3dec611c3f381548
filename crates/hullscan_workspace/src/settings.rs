//! Resolving a [`Configuration`] plus command-line overrides into [`Settings`].

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobBuilder, GlobMatcher};
use hullscan_diagnostics::Severity;
use hullscan_linter::registry::{self, RuleSet};
use hullscan_linter::settings::LinterSettings;

use crate::error::{ConfigError, NameOrigin};
use crate::options::{Configuration, Named};
use crate::secrets::SecretsAllowlist;

/// What the command line says about rules and failure, applied on top of any configuration file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CliOverrides {
    /// `--select`: replaces the configuration's `select`.
    pub select: Option<Vec<String>>,
    /// `--extend-select`: adds to it.
    pub extend_select: Vec<String>,
    /// `--ignore`: adds to the configuration's `ignore`.
    pub ignore: Vec<String>,
    /// `--fail-on` / `--failure-threshold`.
    pub failure_threshold: Option<Severity>,
    /// `--no-fail` / `--exit-zero`.
    pub no_fail: bool,
}

impl CliOverrides {
    /// Checks every name, so a typo on the command line is reported once, before any file.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let flags = [
            ("--select", self.select.iter().flatten().collect::<Vec<_>>()),
            ("--extend-select", self.extend_select.iter().collect()),
            ("--ignore", self.ignore.iter().collect()),
        ];
        for (flag, names) in flags {
            for name in names {
                resolve(&Named {
                    name: name.clone(),
                    origin: NameOrigin::Flag(flag),
                })?;
            }
        }
        Ok(())
    }
}

/// The default failure threshold, hadolint's: findings of severity `info` and above fail the
/// run; `style`-only results exit 0.
pub const DEFAULT_FAILURE_THRESHOLD: Severity = Severity::Info;

/// Everything needed to lint the files one configuration applies to.
#[derive(Debug)]
pub struct Settings {
    pub linter: Arc<LinterSettings>,
    /// Findings at or above this severity make the run fail (exit 1).
    pub failure_threshold: Severity,
    /// Exit 0 whatever the findings.
    pub no_fail: bool,
    /// Whether RUN scripts also go through ShellCheck (the configuration's `shellcheck`).
    pub shellcheck: bool,
    /// The configuration file these settings come from (`None`: built-in defaults).
    pub config_path: Option<PathBuf>,
    /// The `[secrets]` allow-list (globs relative to the configuration's directory).
    pub secrets: SecretsAllowlist,
    /// `[dockerfiles]`: image name → Dockerfile path, resolved against the configuration's
    /// directory.
    pub dockerfiles: Vec<(String, PathBuf)>,
    /// Globs (relative to the configuration's directory), the rules they turn off and the
    /// ShellCheck codes or prefixes they ignore.
    per_path_ignores: Vec<(GlobMatcher, RuleSet, Vec<String>)>,
    /// The directory per-path globs are relative to.
    root: PathBuf,
}

impl Settings {
    /// Resolves `config` (read from `config_path`, or `None` for defaults) with `overrides`.
    pub fn resolve(
        config: &Configuration,
        config_path: Option<&Path>,
        overrides: &CliOverrides,
        root: PathBuf,
    ) -> Result<Settings, ConfigError> {
        let mut rules = match (&overrides.select, &config.select) {
            (Some(select), _) => union(select.iter().map(|name| Named {
                name: name.clone(),
                origin: NameOrigin::Flag("--select"),
            }))?,
            (None, Some(select)) => union(select.iter().cloned())?,
            (None, None) => RuleSet::defaults(),
        };
        rules = rules.union(&union(config.extend_select.iter().cloned())?);
        rules = rules.union(&union(overrides.extend_select.iter().map(|name| Named {
            name: name.clone(),
            origin: NameOrigin::Flag("--extend-select"),
        }))?);

        let mut severities = Vec::with_capacity(config.severity.len());
        for (named, severity) in &config.severity {
            let selected = resolve(named)?;
            if config.severity_enables {
                rules = rules.union(&selected);
            }
            severities.push((selected, *severity));
        }

        rules = rules.difference(&union(config.ignore.iter().cloned())?);
        rules = rules.difference(&union(overrides.ignore.iter().map(|name| Named {
            name: name.clone(),
            origin: NameOrigin::Flag("--ignore"),
        }))?);

        let mut linter = LinterSettings::with_rules(rules);
        for (selected, severity) in &severities {
            linter.set_severity(selected, *severity);
        }
        linter.trusted_registries = config.trusted_registries.clone();
        linter.label_schema = config.label_schema.clone();
        linter.strict_labels = config.strict_labels;
        linter.disable_ignore_pragma = config.disable_ignore_pragma;
        // ShellCheck codes are not registry rules; the `--shellcheck` pass matches them by code.
        linter.shellcheck_select = shellcheck_select(config, overrides);
        linter.shellcheck_ignore = config
            .ignore
            .iter()
            .map(|named| named.name.as_str())
            .chain(overrides.ignore.iter().map(String::as_str))
            .filter(|name| LinterSettings::is_shellcheck_selector(name))
            .map(|name| name.trim().to_owned())
            .collect();
        linter.shellcheck_severity = config
            .severity
            .iter()
            .filter(|(named, _)| LinterSettings::is_shellcheck_selector(&named.name))
            .map(|(named, severity)| (named.name.trim().to_owned(), *severity))
            .collect();

        let mut per_path_ignores = Vec::with_capacity(config.per_path_ignores.len());
        for (glob, names) in &config.per_path_ignores {
            let matcher = compile_glob(glob.get_ref()).map_err(|err| ConfigError::Value {
                path: config_path.map(Path::to_owned).unwrap_or_default(),
                line: None,
                message: format!(
                    "invalid glob `{}` in `per-path-ignores`: {err}",
                    glob.get_ref()
                ),
            })?;
            let shellcheck: Vec<String> = names
                .iter()
                .map(|named| named.name.trim())
                .filter(|name| LinterSettings::is_shellcheck_selector(name))
                .map(str::to_owned)
                .collect();
            per_path_ignores.push((matcher, union(names.iter().cloned())?, shellcheck));
        }

        let secrets = SecretsAllowlist::resolve(&config.secrets, config_path, root.clone())?;
        linter.fingerprint_key = secrets.fingerprint_key().clone();

        Ok(Settings {
            linter: Arc::new(linter),
            failure_threshold: overrides
                .failure_threshold
                .or(config.failure_threshold)
                .unwrap_or(DEFAULT_FAILURE_THRESHOLD),
            no_fail: overrides.no_fail || config.no_fail.unwrap_or(false),
            shellcheck: config.shellcheck.unwrap_or(false),
            config_path: config_path.map(Path::to_owned),
            secrets,
            dockerfiles: config
                .dockerfiles
                .iter()
                .map(|(image, path)| (image.clone(), root.join(path)))
                .collect(),
            per_path_ignores,
            root,
        })
    }

    /// The linter settings for one file: these settings minus any per-path ignores matching it.
    pub fn linter_for(&self, path: &Path) -> Cow<'_, LinterSettings> {
        if self.per_path_ignores.is_empty() {
            return Cow::Borrowed(&self.linter);
        }
        // Globs are relative to the configuration's directory, which is absolute.
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        let relative = absolute.strip_prefix(&self.root).unwrap_or(path);
        let file_name = path.file_name().map(Path::new);
        let mut ignored = RuleSet::EMPTY;
        let mut shellcheck_ignored: Vec<&String> = Vec::new();
        for (matcher, rules, shellcheck) in &self.per_path_ignores {
            if matcher.is_match(relative) || file_name.is_some_and(|name| matcher.is_match(name)) {
                ignored = ignored.union(rules);
                shellcheck_ignored.extend(shellcheck);
            }
        }
        if ignored.is_empty() && shellcheck_ignored.is_empty() {
            return Cow::Borrowed(&self.linter);
        }
        let mut narrowed = LinterSettings::clone(&self.linter);
        narrowed.rules = narrowed.rules.difference(&ignored);
        narrowed
            .shellcheck_ignore
            .extend(shellcheck_ignored.into_iter().cloned());
        Cow::Owned(narrowed)
    }

    /// Whether a finding of `severity` fails the run.
    pub fn fails_on(&self, severity: Severity) -> bool {
        !self.no_fail && severity >= self.failure_threshold
    }
}

fn compile_glob(glob: &str) -> Result<GlobMatcher, globset::Error> {
    // `*` stays within one path component; `**` crosses them, as in .gitignore.
    let built: Glob = GlobBuilder::new(glob).literal_separator(true).build()?;
    Ok(built.compile_matcher())
}

/// The ShellCheck codes and prefixes selected, as [`LinterSettings::shellcheck_select`] holds
/// them: `None` without a `select` (every code), otherwise the `select` and `extend-select` names
/// that are ShellCheck selectors (`ALL` as `SC`), plus the ones a severity override enables.
fn shellcheck_select(config: &Configuration, overrides: &CliOverrides) -> Option<Vec<String>> {
    let select: Vec<&str> = match (&overrides.select, &config.select) {
        (Some(select), _) => select.iter().map(String::as_str).collect(),
        (None, Some(select)) => select.iter().map(|named| named.name.as_str()).collect(),
        (None, None) => return None,
    };
    let severity_enabled = config
        .severity
        .iter()
        .filter(|_| config.severity_enables)
        .map(|(named, _)| named.name.as_str());
    let names = select
        .into_iter()
        .chain(config.extend_select.iter().map(|named| named.name.as_str()))
        .chain(overrides.extend_select.iter().map(String::as_str))
        .chain(severity_enabled);
    Some(
        names
            .filter_map(|name| {
                let name = name.trim();
                if name.eq_ignore_ascii_case("all") {
                    Some("SC".to_owned())
                } else {
                    LinterSettings::is_shellcheck_selector(name).then(|| name.to_owned())
                }
            })
            .collect(),
    )
}

fn resolve(named: &Named) -> Result<RuleSet, ConfigError> {
    registry::lookup_selector(&named.name)
        .map(|selection| selection.rules())
        .map_err(|error| ConfigError::UnknownRule {
            origin: named.origin.clone(),
            error,
        })
}

fn union(names: impl IntoIterator<Item = Named>) -> Result<RuleSet, ConfigError> {
    let mut set = RuleSet::EMPTY;
    for named in names {
        set = set.union(&resolve(&named)?);
    }
    Ok(set)
}
