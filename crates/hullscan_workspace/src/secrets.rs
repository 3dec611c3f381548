//! Resolving the `[secrets]` table into the allow-list `hullscan secrets` (and every other secret
//! check) applies to the files under one configuration.

use std::path::{Path, PathBuf};

use hullscan_secrets::{Allowlist, Finding, FingerprintKey, Scanner};

use crate::error::{ConfigError, NameOrigin};
use crate::options::{Named, SecretsConfiguration};

/// The secret findings one configuration accepts.
#[derive(Debug, Default)]
pub struct SecretsAllowlist {
    allowlist: Allowlist,
    /// The key fingerprints are computed with (`fingerprint-salt`).
    fingerprint_key: FingerprintKey,
    /// The directory `allow-paths` globs are relative to (the configuration file's).
    root: PathBuf,
    /// `allow-fingerprints`, lower-cased, for findings that are not secrets-engine findings
    /// (`hullscan image`'s).
    fingerprints: Vec<String>,
}

impl SecretsAllowlist {
    /// Validates and compiles a `[secrets]` table read from `config_path` (`None`: defaults),
    /// whose path globs are relative to `root`.
    ///
    /// # Errors
    /// A detector that does not exist, a fingerprint that is not 16 hex digits, or a path
    /// pattern that is not a valid glob; each names the file (and line when known).
    pub fn resolve(
        config: &SecretsConfiguration,
        config_path: Option<&Path>,
        root: PathBuf,
    ) -> Result<SecretsAllowlist, ConfigError> {
        for fingerprint in &config.allow_fingerprints {
            check_fingerprint(fingerprint)?;
        }
        for detector in &config.allow_detectors {
            check_detector(detector)?;
        }
        let allowlist = Allowlist::from_lists(
            config.allow_fingerprints.iter().map(|named| &named.name),
            &config.allow_paths,
            config.allow_detectors.iter().map(|named| &named.name),
        )
        .map_err(|err| ConfigError::Value {
            path: config_path.map(Path::to_owned).unwrap_or_default(),
            line: None,
            message: format!("[secrets] allow-paths: {err}"),
        })?;
        let fingerprint_key = config
            .fingerprint_salt
            .as_deref()
            .map_or_else(FingerprintKey::default, FingerprintKey::from_salt);
        Ok(SecretsAllowlist {
            allowlist,
            fingerprint_key,
            root,
            fingerprints: config
                .allow_fingerprints
                .iter()
                .map(|named| named.name.trim().to_ascii_lowercase())
                .collect(),
        })
    }

    /// The key this configuration's fingerprints are computed with.
    pub fn fingerprint_key(&self) -> &FingerprintKey {
        &self.fingerprint_key
    }

    pub fn is_empty(&self) -> bool {
        self.allowlist.is_empty()
    }

    /// Whether `allow-fingerprints` lists `fingerprint` (a finding's fingerprint as printed).
    pub fn allows_fingerprint(&self, fingerprint: &str) -> bool {
        let fingerprint = fingerprint.trim().to_ascii_lowercase();
        self.fingerprints.contains(&fingerprint)
    }

    /// Whether every finding in the file at `path` is accepted, so it need not be read.
    pub fn allows_path(&self, path: &Path) -> bool {
        !self.allowlist.is_empty() && self.allowlist.allows_path(&self.relative(path))
    }

    /// Whether `finding`, in the file at `path` (`None`: stdin or a non-file source), is
    /// accepted.
    pub fn allows(&self, path: Option<&Path>, finding: &Finding) -> bool {
        if self.allowlist.is_empty() {
            return false;
        }
        let relative = path.map(|path| self.relative(path));
        self.allowlist.allows(relative.as_deref(), finding)
    }

    /// `path` relative to the configuration's directory, `/`-separated, as globs are written.
    fn relative(&self, path: &Path) -> String {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        let relative = absolute.strip_prefix(&self.root).unwrap_or(path);
        let text = relative.to_string_lossy();
        if std::path::MAIN_SEPARATOR == '/' {
            text.into_owned()
        } else {
            text.replace(std::path::MAIN_SEPARATOR, "/")
        }
    }
}

/// Checks that `named` is a secret detector id (`github-pat`), an HS7xx rule code (`HS705`) or
/// a secrets rule name (`saas-token`), case-insensitively, as the allow-list matches them.
///
/// # Errors
/// [`ConfigError::UnknownDetector`] naming it and where it was written.
pub fn check_detector(named: &Named) -> Result<(), ConfigError> {
    let name = named.name.trim();
    let known = Scanner::global()
        .detectors()
        .any(|detector| detector.id.eq_ignore_ascii_case(name))
        || hullscan_secrets::rules::RULES.iter().any(|rule| {
            rule.code.eq_ignore_ascii_case(name) || rule.name.eq_ignore_ascii_case(name)
        });
    if known {
        Ok(())
    } else {
        Err(ConfigError::UnknownDetector {
            origin: named.origin.clone(),
            name: named.name.clone(),
        })
    }
}

/// Checks that `named` is a finding fingerprint: 16 hex digits.
///
/// # Errors
/// [`ConfigError::InvalidFingerprint`] naming it and where it was written.
pub fn check_fingerprint(named: &Named) -> Result<(), ConfigError> {
    let value = named.name.trim();
    if value.len() == 16 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(ConfigError::InvalidFingerprint {
            origin: named.origin.clone(),
            value: named.name.clone(),
        })
    }
}

/// Validates command-line allow-list values, so a typo is reported as the flag it came from.
///
/// # Errors
/// The first unknown detector or malformed fingerprint.
pub fn check_flags(fingerprints: &[String], detectors: &[String]) -> Result<(), ConfigError> {
    for fingerprint in fingerprints {
        check_fingerprint(&Named {
            name: fingerprint.clone(),
            origin: NameOrigin::Flag("--allow-fingerprint"),
        })?;
    }
    for detector in detectors {
        check_detector(&Named {
            name: detector.clone(),
            origin: NameOrigin::Flag("--allow-detector"),
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::read_hullscan_toml;

    fn named(name: &str) -> Named {
        Named {
            name: name.to_owned(),
            origin: NameOrigin::File {
                path: "hullscan.toml".into(),
                line: Some(3),
            },
        }
    }

    #[test]
    fn detectors_by_id_code_or_rule_name() {
        for name in [
            "github-pat",
            "GitHub-PAT",
            "HS705",
            "hs701",
            "saas-token",
            " jwt ",
        ] {
            let result = check_detector(&named(name));
            assert!(result.is_ok(), "{name}: {result:?}");
        }
        let err = check_detector(&named("github-pats")).unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("hullscan.toml:3: "), "{message}");
        assert!(message.contains("`github-pats`"), "{message}");
        assert!(check_detector(&named("HS101")).is_err());
    }

    #[test]
    fn fingerprints_are_sixteen_hex_digits() {
        assert!(check_fingerprint(&named("0123456789abcdef")).is_ok());
        assert!(check_fingerprint(&named("0123456789ABCDEF")).is_ok());
        for bad in [
            "0123456789abcde",
            "0123456789abcdefa",
            "0123456789abcdeg",
            "",
        ] {
            assert!(check_fingerprint(&named(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn table_is_read_validated_and_globs_are_relative_to_the_config() {
        let path = Path::new("/project/hullscan.toml");
        let text = "[secrets]\nallow-paths = [\"fixtures/**\", \"*.pem\"]\nallow-detectors = [\n  \"HS708\",\n  \"nope\",\n]\n";
        let config = read_hullscan_toml(path, text).unwrap();
        assert_eq!(config.secrets.allow_paths, ["fixtures/**", "*.pem"]);
        let err = SecretsAllowlist::resolve(&config.secrets, Some(path), "/project".into())
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("/project/hullscan.toml:5: "), "{err}");

        let text = "[secrets]\nallow-paths = [\"fixtures/**\", \"*.pem\"]\n";
        let config = read_hullscan_toml(path, text).unwrap();
        let allow =
            SecretsAllowlist::resolve(&config.secrets, Some(path), "/project".into()).unwrap();
        assert!(allow.allows_path(Path::new("/project/fixtures/a/b.txt")));
        assert!(allow.allows_path(Path::new("/project/deep/dir/key.pem")));
        assert!(!allow.allows_path(Path::new("/project/src/fixtures.txt")));
        assert!(!allow.allows_path(Path::new("/elsewhere/fixtures/a.txt")));

        let err = read_hullscan_toml(path, "[secrets]\nallow = []\n").unwrap_err();
        assert!(err.to_string().contains("allow"), "{err}");
        let bad_glob = read_hullscan_toml(path, "[secrets]\nallow-paths = [\"a[\"]\n").unwrap();
        let err = SecretsAllowlist::resolve(&bad_glob.secrets, Some(path), "/project".into())
            .unwrap_err();
        assert!(err.to_string().contains("hullscan.toml"), "{err}");
    }

    #[test]
    fn fingerprint_salt_keys_the_fingerprints() {
        let path = Path::new("/project/hullscan.toml");
        let salted =
            read_hullscan_toml(path, "[secrets]\nfingerprint-salt = \"s3cret salt\"\n").unwrap();
        let allow =
            SecretsAllowlist::resolve(&salted.secrets, Some(path), "/project".into()).unwrap();
        assert_eq!(
            allow.fingerprint_key(),
            &FingerprintKey::from_salt("s3cret salt")
        );
        let plain = read_hullscan_toml(path, "").unwrap();
        let allow =
            SecretsAllowlist::resolve(&plain.secrets, Some(path), "/project".into()).unwrap();
        assert_eq!(allow.fingerprint_key(), &FingerprintKey::default());
    }
}
