//! The OSV record model (ossf/osv-schema 1.7), only the fields matching and reporting use.
//! Unknown fields are ignored, so newer schema versions still load.

use serde::Deserialize;

/// One advisory.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Record {
    pub id: String,
    pub modified: String,
    pub published: Option<String>,
    /// Set when the record was retracted; such records are never matched.
    pub withdrawn: Option<String>,
    /// The same vulnerability under other ids (symmetric).
    pub aliases: Vec<String>,
    /// Ids this record derives from (distro records name the CVE here, not in `aliases`).
    pub upstream: Vec<String>,
    pub summary: Option<String>,
    pub details: Option<String>,
    pub severity: Vec<Severity>,
    pub affected: Vec<Affected>,
    pub database_specific: Option<serde_json::Value>,
}

/// A severity entry: the score is a vector string (`CVSS:3.1/AV:N/...`), not a number.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Severity {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

/// One affected package of a record.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Affected {
    pub package: Option<Package>,
    pub severity: Vec<Severity>,
    pub ranges: Vec<Range>,
    /// Exact affected version strings (compared byte for byte).
    pub versions: Vec<String>,
    pub ecosystem_specific: Option<serde_json::Value>,
    pub database_specific: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Package {
    pub ecosystem: String,
    pub name: String,
    pub purl: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Range {
    /// `ECOSYSTEM`, `SEMVER` or `GIT`.
    #[serde(rename = "type")]
    pub kind: String,
    pub repo: Option<String>,
    pub events: Vec<Event>,
}

/// An event object carries exactly one of these keys.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Event {
    pub introduced: Option<String>,
    pub fixed: Option<String>,
    pub last_affected: Option<String>,
    pub limit: Option<String>,
}

impl Record {
    /// Parses one record; the error says what is wrong.
    pub fn from_json(bytes: &[u8]) -> Result<Record, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn.as_deref().is_some_and(|w| !w.is_empty())
    }
}
