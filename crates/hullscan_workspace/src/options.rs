//! The configuration file schemas: `hullscan.toml` / `.hullscan.toml`, and `.hadolint.yaml` for
//! projects that have not switched yet. Both read into one [`Configuration`], where every rule
//! name still carries where it was written so that an unknown one can be reported precisely.

use std::collections::BTreeMap;
use std::path::Path;

use hullscan_diagnostics::Severity;
use serde::Deserialize;
use toml::Spanned;

use crate::error::{ConfigError, NameOrigin};

/// A rule name (code, name, alias or prefix) as the user wrote it, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub origin: NameOrigin,
}

/// A configuration file read but not yet resolved against the registry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Configuration {
    pub select: Option<Vec<Named>>,
    pub extend_select: Vec<Named>,
    pub ignore: Vec<Named>,
    /// Severity overrides, in file order.
    pub severity: Vec<(Named, Severity)>,
    /// Whether a severity override also turns a rule on (hadolint's `override` does; hullscan's
    /// `[severity]` table does not).
    pub severity_enables: bool,
    pub failure_threshold: Option<Severity>,
    pub no_fail: Option<bool>,
    /// `(glob, names)`: globs are relative to the configuration file's directory.
    pub per_path_ignores: Vec<(Spanned<String>, Vec<Named>)>,
    pub trusted_registries: Vec<String>,
    pub label_schema: BTreeMap<String, String>,
    pub strict_labels: bool,
    pub disable_ignore_pragma: bool,
    /// Whether RUN scripts also go through ShellCheck (`shellcheck = true`; off by default).
    pub shellcheck: Option<bool>,
    /// The `[secrets]` table.
    pub secrets: SecretsConfiguration,
    /// `[dockerfiles]`: image name → the Dockerfile that builds it (relative to the
    /// configuration file's directory), for the Kubernetes rules that compare a container with
    /// its image's Dockerfile; `--dockerfile IMAGE=PATH` adds to it.
    pub dockerfiles: BTreeMap<String, String>,
}

/// The `[secrets]` table: findings of the secret detector that are accepted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecretsConfiguration {
    /// Finding fingerprints (16 hex digits, as printed), with where each was written.
    pub allow_fingerprints: Vec<Named>,
    /// Globs, relative to the configuration file's directory; a glob without `/` matches the
    /// file name in any directory.
    pub allow_paths: Vec<String>,
    /// Detector ids, HS7xx codes or secrets rule names, with where each was written.
    pub allow_detectors: Vec<Named>,
    /// The key of secret fingerprints (`fingerprint-salt`); `None`: the documented default.
    pub fingerprint_salt: Option<String>,
}

/// The `[secrets]` table as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct SecretsOptions {
    #[serde(default)]
    allow_fingerprints: Vec<Spanned<String>>,
    #[serde(default)]
    allow_paths: Vec<String>,
    #[serde(default)]
    allow_detectors: Vec<Spanned<String>>,
    #[serde(default)]
    fingerprint_salt: Option<String>,
}

/// The `hullscan.toml` schema. Keys are kebab-case; unknown keys are errors.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct HullscanOptions {
    /// Rules to run instead of the defaults (codes, names, aliases, prefixes such as `HS1`, or
    /// `ALL`).
    select: Option<Vec<Spanned<String>>>,
    /// Rules to run in addition to `select` or the defaults.
    #[serde(default)]
    extend_select: Vec<Spanned<String>>,
    /// Rules never to run.
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    /// `rule = "error" | "warning" | "info" | "style"`.
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    /// The lowest severity that fails the run (exit 1).
    failure_threshold: Option<Spanned<String>>,
    /// Always exit 0 on findings.
    no_fail: Option<bool>,
    /// `"glob" = ["rule", ...]`.
    #[serde(default)]
    per_path_ignores: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    #[serde(default)]
    trusted_registries: Vec<String>,
    #[serde(default)]
    label_schema: BTreeMap<String, String>,
    #[serde(default)]
    strict_labels: bool,
    #[serde(default)]
    disable_ignore_pragma: bool,
    /// Run ShellCheck over RUN scripts (needs the `shellcheck` program).
    shellcheck: Option<bool>,
    /// `[secrets]`: `allow-fingerprints`, `allow-paths`, `allow-detectors`.
    #[serde(default)]
    secrets: SecretsOptions,
    /// `[dockerfiles]`: `"image" = "path/to/Dockerfile"`.
    #[serde(default)]
    dockerfiles: BTreeMap<String, String>,
}

/// Reads a `hullscan.toml`.
pub fn read_hullscan_toml(path: &Path, text: &str) -> Result<Configuration, ConfigError> {
    let lines = LineStarts::new(text);
    let line_of_offset = |_: &str, offset: usize| lines.line_of(offset);
    let options: HullscanOptions = toml::from_str(text).map_err(|err| ConfigError::Syntax {
        path: path.to_owned(),
        line: err.span().map(|span| line_of_offset(text, span.start)),
        message: err.message().to_owned(),
    })?;
    let named = |spanned: Spanned<String>| Named {
        origin: NameOrigin::File {
            path: path.to_owned(),
            line: Some(line_of_offset(text, spanned.span().start)),
        },
        name: spanned.into_inner(),
    };
    let severity_value = |value: Spanned<String>| -> Result<Severity, ConfigError> {
        value
            .get_ref()
            .parse()
            .map_err(
                |err: hullscan_diagnostics::ParseSeverityError| ConfigError::Value {
                    path: path.to_owned(),
                    line: Some(line_of_offset(text, value.span().start)),
                    message: err.to_string(),
                },
            )
    };
    let mut severity = Vec::with_capacity(options.severity.len());
    for (name, value) in options.severity {
        severity.push((named(name), severity_value(value)?));
    }
    Ok(Configuration {
        select: options
            .select
            .map(|names| names.into_iter().map(named).collect()),
        extend_select: options.extend_select.into_iter().map(named).collect(),
        ignore: options.ignore.into_iter().map(named).collect(),
        severity,
        severity_enables: false,
        failure_threshold: options.failure_threshold.map(severity_value).transpose()?,
        no_fail: options.no_fail,
        per_path_ignores: options
            .per_path_ignores
            .into_iter()
            .map(|(glob, names)| (glob, names.into_iter().map(named).collect()))
            .collect(),
        trusted_registries: options.trusted_registries,
        label_schema: options.label_schema,
        strict_labels: options.strict_labels,
        disable_ignore_pragma: options.disable_ignore_pragma,
        shellcheck: options.shellcheck,
        secrets: SecretsConfiguration {
            allow_fingerprints: options
                .secrets
                .allow_fingerprints
                .into_iter()
                .map(named)
                .collect(),
            allow_paths: options.secrets.allow_paths,
            allow_detectors: options
                .secrets
                .allow_detectors
                .into_iter()
                .map(named)
                .collect(),
            fingerprint_salt: options.secrets.fingerprint_salt,
        },
        dockerfiles: options.dockerfiles,
    })
}

/// The `.hadolint.yaml` keys hadolint 2.15 reads. Keys hadolint knows but that only affect its
/// own output (`no-color`, `format`, `formats`, `verbose`) are accepted and ignored; anything
/// else is an error, where hadolint would silently ignore it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct HadolintOptions {
    #[serde(default)]
    ignored: Vec<String>,
    #[serde(default, rename = "override")]
    override_: HadolintOverride,
    #[serde(default, rename = "trustedRegistries")]
    trusted_registries: Vec<String>,
    #[serde(default)]
    label_schema: BTreeMap<String, String>,
    #[serde(default)]
    strict_labels: bool,
    failure_threshold: Option<String>,
    no_fail: Option<bool>,
    #[serde(default)]
    disable_ignore_pragma: bool,
    #[serde(default, rename = "no-color")]
    _no_color: Option<bool>,
    #[serde(default, rename = "format")]
    _format: Option<String>,
    #[serde(default, rename = "formats")]
    _formats: Option<Vec<String>>,
    #[serde(default, rename = "verbose")]
    _verbose: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HadolintOverride {
    #[serde(default)]
    error: Vec<String>,
    #[serde(default)]
    warning: Vec<String>,
    #[serde(default)]
    info: Vec<String>,
    #[serde(default)]
    style: Vec<String>,
}

/// Reads a `.hadolint.yaml` / `.hadolint.yml`.
pub fn read_hadolint_yaml(path: &Path, text: &str) -> Result<Configuration, ConfigError> {
    // An empty file is an empty configuration (serde_yaml_ng reads it as null).
    let options: HadolintOptions = if text.trim().is_empty() {
        HadolintOptions::default()
    } else {
        let syntax = |err: serde_yaml_ng::Error| ConfigError::Syntax {
            path: path.to_owned(),
            line: err.location().map(|location| location.line()),
            message: err.to_string(),
        };
        // Aliases are expanded while deserializing, so a small file can stand for a huge
        // document: measure the expanded size first, without keeping anything.
        let limit = yaml_expansion_limit(text);
        let budget = std::cell::Cell::new(limit);
        serde::de::DeserializeSeed::deserialize(
            YamlBudget(&budget),
            serde_yaml_ng::Deserializer::from_str(text),
        )
        .map_err(|err| {
            if budget.get() == 0 {
                ConfigError::Syntax {
                    path: path.to_owned(),
                    line: None,
                    message: format!(
                        "YAML aliases expand this file to more than {limit} bytes; hullscan stops there"
                    ),
                }
            } else {
                syntax(err)
            }
        })?;
        serde_yaml_ng::from_str(text).map_err(syntax)?
    };
    let words = WordLines::new(text);
    let named = |name: String| Named {
        origin: NameOrigin::File {
            path: path.to_owned(),
            line: words.line_of_word(text, &name),
        },
        name,
    };
    let mut severity = Vec::new();
    let overrides = options.override_;
    for (names, level) in [
        (overrides.error, Severity::Error),
        (overrides.warning, Severity::Warning),
        (overrides.info, Severity::Info),
        (overrides.style, Severity::Style),
    ] {
        severity.extend(names.into_iter().map(|name| (named(name), level)));
    }
    let failure_threshold = options
        .failure_threshold
        .map(|value| match value.to_ascii_lowercase().as_str() {
            // hadolint ranks `none`/`ignore` below style: every finding fails the run.
            "none" | "ignore" => Ok(Severity::Style),
            other => other
                .parse()
                .map_err(
                    |err: hullscan_diagnostics::ParseSeverityError| ConfigError::Value {
                        path: path.to_owned(),
                        line: words.line_of_word(text, &value),
                        message: err.to_string(),
                    },
                ),
        })
        .transpose()?;
    Ok(Configuration {
        select: None,
        extend_select: Vec::new(),
        ignore: options.ignored.into_iter().map(named).collect(),
        severity,
        severity_enables: true,
        failure_threshold,
        no_fail: options.no_fail,
        per_path_ignores: Vec::new(),
        trusted_registries: options.trusted_registries,
        label_schema: options.label_schema,
        strict_labels: options.strict_labels,
        disable_ignore_pragma: options.disable_ignore_pragma,
        // hadolint always runs ShellCheck when it is installed; hullscan asks for it explicitly.
        shellcheck: None,
        secrets: SecretsConfiguration::default(),
        dockerfiles: BTreeMap::new(),
    })
}

/// 1-based line of a byte offset.
fn line_of_offset(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    count_newlines(&text.as_bytes()[..offset]) + 1
}

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// Where each line starts, for looking up many offsets in one text (each name of a long
/// `ignore` list asked for its line; counting newlines from the start each time was quadratic).
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(at, _)| at + 1),
            )
            .collect();
        LineStarts(starts)
    }

    /// 1-based line of a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset).max(1)
    }
}

/// The first line of every word in a text, so that each of many names finds its line without
/// searching the whole text again.
struct WordLines<'t> {
    first: std::collections::HashMap<&'t str, usize>,
}

impl<'t> WordLines<'t> {
    fn new(text: &'t str) -> Self {
        let mut first = std::collections::HashMap::new();
        let mut line = 1;
        let mut start = None;
        for (at, b) in text
            .bytes()
            .enumerate()
            .chain(std::iter::once((text.len(), b'\n')))
        {
            if is_word_byte(b) {
                start.get_or_insert(at);
                continue;
            }
            if let Some(from) = start.take() {
                first.entry(&text[from..at]).or_insert(line);
            }
            if b == b'\n' {
                line += 1;
            }
        }
        WordLines { first }
    }

    /// As [`line_of_word`]; names made only of word characters are looked up.
    fn line_of_word(&self, text: &str, word: &str) -> Option<usize> {
        if !word.is_empty() && word.bytes().all(is_word_byte) {
            return self.first.get(word).copied();
        }
        line_of_word(text, word)
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// How many bytes of scalars and nodes a `.hadolint.yaml` may expand to: a file without
/// aliases expands to less than its own size.
fn yaml_expansion_limit(text: &str) -> usize {
    text.len().saturating_mul(4).saturating_add(64 << 10)
}

/// Walks a YAML document as serde sees it (aliases expanded), charging each node and scalar
/// byte to the budget and keeping nothing; fails once the budget is spent.
#[derive(Clone, Copy)]
struct YamlBudget<'b>(&'b std::cell::Cell<usize>);

impl YamlBudget<'_> {
    fn charge<E: serde::de::Error>(self, bytes: usize) -> Result<(), E> {
        let left = self.0.get();
        if bytes.saturating_add(1) > left {
            self.0.set(0);
            return Err(E::custom("YAML expands beyond the size limit"));
        }
        self.0.set(left - bytes - 1);
        Ok(())
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for YamlBudget<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for YamlBudget<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.charge(1)
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.charge(8)
    }
    fn visit_i128<E: serde::de::Error>(self, _: i128) -> Result<(), E> {
        self.charge(16)
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.charge(8)
    }
    fn visit_u128<E: serde::de::Error>(self, _: u128) -> Result<(), E> {
        self.charge(16)
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.charge(8)
    }
    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<(), E> {
        self.charge(value.len())
    }
    fn visit_bytes<E: serde::de::Error>(self, value: &[u8]) -> Result<(), E> {
        self.charge(value.len())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.charge(0)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.charge(0)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_newtype_struct<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.charge(0)?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.charge(0)?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        use serde::de::VariantAccess;
        let ((), variant) = data.variant_seed(self)?;
        variant.newtype_variant_seed(self)
    }
}

/// 1-based line of the first whole-word occurrence of `word` (YAML errors for values carry no
/// position, so the name is found in the text).
fn line_of_word(text: &str, word: &str) -> Option<usize> {
    if word.is_empty() {
        return None;
    }
    text.match_indices(word)
        .find(|(at, _)| {
            let before = text.as_bytes().get(at.wrapping_sub(1)).copied();
            let after = text.as_bytes().get(at + word.len()).copied();
            !before.is_some_and(is_word_byte) && !after.is_some_and(is_word_byte)
        })
        .map(|(at, _)| line_of_offset(text, at))
}

#[cfg(test)]
mod bounds_tests {
    use super::*;

    #[test]
    fn many_names_get_their_lines_in_linear_time() {
        let names: Vec<String> = (0..50_000).map(|_| "\"DL3006\"".to_owned()).collect();
        let text = format!("ignore = [\n{}\n]\n", names.join(",\n"));
        let config = read_hullscan_toml(Path::new("hullscan.toml"), &text).unwrap();
        assert_eq!(config.ignore.len(), 50_000);
        let NameOrigin::File { line, .. } = &config.ignore[49_999].origin else {
            panic!("not from a file");
        };
        assert_eq!(*line, Some(50_001));
    }

    #[test]
    fn a_yaml_alias_bomb_is_refused_before_it_expands() {
        // 256 KiB scalar referenced 20,000 times: 5 GB once expanded.
        let anchor = "x".repeat(256 << 10);
        let refs = vec!["*a"; 20_000].join(", ");
        let text = format!("label-schema:\n  k: &a \"{anchor}\"\nignored: [{refs}]\n");
        let err = read_hadolint_yaml(Path::new(".hadolint.yaml"), &text).unwrap_err();
        assert!(err.to_string().contains("YAML aliases expand"), "{err}");
        // Aliases in an ordinary file are fine.
        let ok = "ignored: &x [DL3006]\noverride:\n  error: *x\n";
        let config = read_hadolint_yaml(Path::new(".hadolint.yaml"), ok).unwrap();
        assert_eq!(config.ignore[0].name, "DL3006");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hullscan_toml_with_lines() {
        let text = "select = [\"HS1\"]\nignore = [\n  \"HS103\",\n]\nfailure-threshold = \"warning\"\n\n[severity]\nHS101 = \"error\"\n\n[per-path-ignores]\n\"legacy/**\" = [\"HS105\"]\n";
        let config = read_hullscan_toml(Path::new("hullscan.toml"), text).unwrap();
        let select = config.select.unwrap();
        assert_eq!(select[0].name, "HS1");
        assert_eq!(config.ignore[0].name, "HS103");
        assert_eq!(
            config.ignore[0].origin,
            NameOrigin::File {
                path: "hullscan.toml".into(),
                line: Some(3)
            }
        );
        assert_eq!(config.failure_threshold, Some(Severity::Warning));
        assert_eq!(config.severity[0].1, Severity::Error);
        assert_eq!(
            config.severity[0].0.origin,
            NameOrigin::File {
                path: "hullscan.toml".into(),
                line: Some(8)
            }
        );
        assert_eq!(config.per_path_ignores[0].0.get_ref(), "legacy/**");
        assert_eq!(config.per_path_ignores[0].1[0].name, "HS105");
    }

    #[test]
    fn rejects_unknown_keys_and_bad_values_with_lines() {
        let err =
            read_hullscan_toml(Path::new("h.toml"), "select = []\nselcet = []\n").unwrap_err();
        let message = err.to_string();
        assert!(message.contains("h.toml:2"), "{message}");
        assert!(message.contains("selcet"), "{message}");

        let err = read_hullscan_toml(Path::new("h.toml"), "\nfailure-threshold = \"fatal\"\n")
            .unwrap_err();
        assert!(
            err.to_string().contains("h.toml:2") && err.to_string().contains("fatal"),
            "{err}"
        );
    }

    #[test]
    fn reads_hadolint_yaml() {
        let text = "ignored:\n  - DL3008\n  - SC2086\noverride:\n  error:\n    - DL3006\n  style:\n    - HS103\ntrustedRegistries:\n  - docker.io\nfailure-threshold: none\nno-color: true\n";
        let config = read_hadolint_yaml(Path::new(".hadolint.yaml"), text).unwrap();
        assert_eq!(config.ignore.len(), 2);
        assert_eq!(
            config.ignore[1].origin,
            NameOrigin::File {
                path: ".hadolint.yaml".into(),
                line: Some(3)
            }
        );
        assert_eq!(config.severity.len(), 2);
        assert_eq!(config.severity[0].1, Severity::Error);
        assert!(config.severity_enables);
        assert_eq!(config.trusted_registries, ["docker.io"]);
        assert_eq!(config.failure_threshold, Some(Severity::Style));

        let err =
            read_hadolint_yaml(Path::new(".hadolint.yaml"), "ignore:\n  - DL3008\n").unwrap_err();
        assert!(err.to_string().contains("ignore"), "{err}");
        let err = read_hadolint_yaml(
            Path::new(".hadolint.yaml"),
            "trustedRegistries: docker.io\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains(".hadolint.yaml"), "{err}");
        assert!(read_hadolint_yaml(Path::new(".hadolint.yaml"), "").is_ok());
    }

    #[test]
    fn finds_whole_words() {
        assert_eq!(line_of_word("a: DL30066\nb: DL3006\n", "DL3006"), Some(2));
        assert_eq!(line_of_word("x", "y"), None);
    }
}
