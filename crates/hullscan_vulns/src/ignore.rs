//! The ignore file: vulnerabilities a team has looked at and accepted, each with a reason and,
//! optionally, an expiry date after which it is reported again (so an accepted risk is
//! re-examined rather than forgotten).
//!
//! TOML (`.hullscan-vulns.toml`):
//!
//! ```toml
//! [[ignore]]
//! id = "CVE-2023-4911"          # the advisory id or any alias
//! reason = "no setuid binaries in this image"
//! expires = "2027-01-31"        # optional, YYYY-MM-DD (UTC); the last day it applies
//! package = "glibc"             # optional: only this package (source package for OS ones)
//! ```
//!
//! YAML (`.hullscan-vulns.yaml`) has the same fields under `ignore:`.

use serde::Deserialize;

use crate::VulnFinding;

/// One accepted vulnerability.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreEntry {
    pub id: String,
    pub reason: String,
    #[serde(default)]
    pub expires: Option<String>,
    #[serde(default)]
    pub package: Option<String>,
}

impl IgnoreEntry {
    /// Whether the entry names `finding` (expired or not).
    pub fn applies_to(&self, finding: &VulnFinding) -> bool {
        finding.is_named(&self.id)
            && self
                .package
                .as_deref()
                .is_none_or(|p| p.eq_ignore_ascii_case(&finding.package))
    }

    /// Whether the expiry date is before `today` (both `YYYY-MM-DD`, which sort as text).
    pub fn expired(&self, today: &str) -> bool {
        self.expires
            .as_deref()
            .is_some_and(|expires| !today.is_empty() && expires < today)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreFile {
    #[serde(default)]
    ignore: Vec<IgnoreEntry>,
}

/// Reads an ignore file's text; `name` (the file name) picks YAML for `.yaml`/`.yml`, TOML
/// otherwise. Errors name the file and the problem.
pub fn parse(name: &str, text: &str) -> Result<Vec<IgnoreEntry>, String> {
    let lower = name.to_ascii_lowercase();
    let file: IgnoreFile = if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        serde_yaml_ng::from_str(text).map_err(|e| format!("{name}: {e}"))?
    } else {
        toml::from_str(text).map_err(|e| format!("{name}: {e}"))?
    };
    for (index, entry) in file.ignore.iter().enumerate() {
        let at = format!("{name}: ignore entry {} ({})", index + 1, entry.id);
        if entry.id.trim().is_empty() {
            return Err(format!(
                "{name}: ignore entry {} has an empty id",
                index + 1
            ));
        }
        if entry.reason.trim().is_empty() {
            return Err(format!("{at}: a reason is required"));
        }
        if let Some(expires) = &entry.expires
            && !crate::date::is_date(expires)
        {
            return Err(format!(
                "{at}: expires `{expires}` is not a date (YYYY-MM-DD)"
            ));
        }
    }
    Ok(file.ignore)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_and_yaml() {
        let toml = "[[ignore]]\nid = \"CVE-1\"\nreason = \"r\"\nexpires = \"2026-01-31\"\n";
        let entries = parse("x.toml", toml).unwrap();
        assert_eq!(entries[0].expires.as_deref(), Some("2026-01-31"));
        assert!(entries[0].expired("2026-02-01"));
        assert!(!entries[0].expired("2026-01-31"));
        let yaml = "ignore:\n  - id: CVE-2\n    reason: accepted\n    expires: 2030-12-01\n";
        let entries = parse("x.yaml", yaml).unwrap();
        assert_eq!(entries[0].expires.as_deref(), Some("2030-12-01"));
    }

    #[test]
    fn rejects_bad_entries() {
        assert!(
            parse("x.toml", "[[ignore]]\nid = \"CVE-1\"\nreason = \"\"\n")
                .unwrap_err()
                .contains("reason is required")
        );
        assert!(
            parse(
                "x.toml",
                "[[ignore]]\nid = \"CVE-1\"\nreason = \"r\"\nexpires = \"soon\"\n"
            )
            .unwrap_err()
            .contains("not a date")
        );
        assert!(parse("x.toml", "[[ignore]]\nid = \"CVE-1\"\n").is_err());
    }
}
