//! Accepted findings: by fingerprint, by path glob, by detector (or rule).

use std::collections::HashSet;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::Finding;

/// An allow-list pattern that is not a valid glob.
#[derive(Debug, thiserror::Error)]
#[error("invalid allow-list path pattern `{pattern}`: {source}")]
pub struct AllowlistError {
    pub pattern: String,
    #[source]
    pub source: globset::Error,
}

/// Findings the user accepted, as configured in `hullscan.toml` (`[secrets]`
/// `allow-fingerprints`, `allow-paths`, `allow-detectors`) or on the command line.
#[derive(Clone, Debug, Default)]
pub struct Allowlist {
    fingerprints: HashSet<String>,
    detectors: HashSet<String>,
    path_patterns: Vec<String>,
    paths: GlobSet,
}

impl Allowlist {
    /// Builds an allow-list.
    ///
    /// - `fingerprints`: finding fingerprints (16 hex digits, as printed), case-insensitive.
    /// - `paths`: globs (`**/testdata/**`, `*.pem`) matched against the path as reported; a
    ///   pattern without `/` also matches the file name in any directory.
    /// - `detectors`: detector ids (`github-pat`), rule codes (`HS705`) or rule names
    ///   (`saas-token`), case-insensitive.
    ///
    /// # Errors
    /// A path pattern that is not a valid glob.
    pub fn from_lists<F, P, D>(
        fingerprints: F,
        paths: P,
        detectors: D,
    ) -> Result<Self, AllowlistError>
    where
        F: IntoIterator,
        F::Item: AsRef<str>,
        P: IntoIterator,
        P::Item: AsRef<str>,
        D: IntoIterator,
        D::Item: AsRef<str>,
    {
        let mut builder = GlobSetBuilder::new();
        let mut path_patterns = Vec::new();
        for pattern in paths {
            let pattern = pattern.as_ref();
            let error = |source| AllowlistError {
                pattern: pattern.to_owned(),
                source,
            };
            builder.add(Glob::new(pattern).map_err(error)?);
            if !pattern.contains('/') {
                builder.add(Glob::new(&format!("**/{pattern}")).map_err(error)?);
            }
            path_patterns.push(pattern.to_owned());
        }
        let paths = builder.build().map_err(|source| AllowlistError {
            pattern: path_patterns.join(", "),
            source,
        })?;
        Ok(Self {
            fingerprints: fingerprints
                .into_iter()
                .map(|f| f.as_ref().trim().to_ascii_lowercase())
                .collect(),
            detectors: detectors
                .into_iter()
                .map(|d| d.as_ref().trim().to_ascii_lowercase())
                .collect(),
            path_patterns,
            paths,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty() && self.detectors.is_empty() && self.path_patterns.is_empty()
    }

    /// Whether every finding in `path` is accepted (lets callers skip reading the file).
    pub fn allows_path(&self, path: &str) -> bool {
        let path = path.strip_prefix("./").unwrap_or(path);
        !self.path_patterns.is_empty() && self.paths.is_match(path)
    }

    /// Whether a finding with this detector and fingerprint, in `path` (if any), is accepted.
    pub fn allows(&self, path: Option<&str>, finding: &Finding) -> bool {
        if path.is_some_and(|p| self.allows_path(p)) {
            return true;
        }
        if self.fingerprints.contains(&finding.fingerprint) {
            return true;
        }
        let rule = finding.rule();
        [finding.detector.id, rule.code, rule.name]
            .iter()
            .any(|name| self.detectors.contains(&name.to_ascii_lowercase()))
    }
}
