//! A record's severity, computed once when the database is built: a CVSS base score (scored with
//! the `cvss` crate), the GitHub advisory's own rating, or a distro's urgency, with the source
//! named so a reader knows whose judgement it is.

use std::str::FromStr;

use serde::Serialize;

use crate::osv::{Affected, Record};

/// Qualitative rating, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    Unknown,
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Unknown => "UNKNOWN",
            Level::None => "NONE",
            Level::Low => "LOW",
            Level::Medium => "MEDIUM",
            Level::High => "HIGH",
            Level::Critical => "CRITICAL",
        }
    }

    pub(crate) fn to_code(self) -> u32 {
        self as u32
    }

    pub(crate) fn from_code(code: u32) -> Option<Level> {
        Some(match code {
            0 => Level::Unknown,
            1 => Level::None,
            2 => Level::Low,
            3 => Level::Medium,
            4 => Level::High,
            5 => Level::Critical,
            _ => return None,
        })
    }

    /// Parses `LOW`/`moderate`/... as advisories spell them.
    pub fn parse(text: &str) -> Option<Level> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "none" => Level::None,
            "low" | "unimportant" | "low*" | "low**" => Level::Low,
            "medium" | "moderate" => Level::Medium,
            "high" | "important" => Level::High,
            "critical" => Level::Critical,
            _ => return None,
        })
    }
}

/// A severity with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Severity {
    pub level: Level,
    /// The CVSS base score, when the severity is a CVSS vector.
    pub score: Option<f32>,
    /// `CVSS_V3`, `CVSS_V4`, `CVSS_V2`, `GHSA` (the GitHub advisory's rating) or `Debian urgency`.
    pub source: String,
    /// The CVSS vector the score was computed from.
    pub vector: Option<String>,
}

/// Scores a CVSS vector; `None` when the crate cannot parse it.
fn score_cvss(kind: &str, vector: &str) -> Option<Severity> {
    let cvss = cvss::Cvss::from_str(vector.trim()).ok()?;
    let score = cvss.score();
    let level = match cvss.severity() {
        cvss::Severity::None => Level::None,
        cvss::Severity::Low => Level::Low,
        cvss::Severity::Medium => Level::Medium,
        cvss::Severity::High => Level::High,
        cvss::Severity::Critical => Level::Critical,
    };
    Some(Severity {
        level,
        score: Some(score as f32),
        source: kind.to_owned(),
        vector: Some(vector.to_owned()),
    })
}

fn string_field<'a>(value: Option<&'a serde_json::Value>, key: &str) -> Option<&'a str> {
    value?.get(key)?.as_str()
}

/// The severity to report for `affected` of `record`.
///
/// Order: a distro's own urgency for distro packages (the vendor knows its backports), then CVSS
/// v3, v4, v2 (package-level entries before record-level ones), then the GitHub rating.
pub fn for_affected(record: &Record, affected: &Affected, is_distro: bool) -> Option<Severity> {
    if is_distro
        && let Some(urgency) = string_field(affected.ecosystem_specific.as_ref(), "urgency")
        && let Some(level) = Level::parse(urgency)
    {
        return Some(Severity {
            level,
            score: None,
            source: "Debian urgency".to_owned(),
            vector: None,
        });
    }
    let entries = affected.severity.iter().chain(&record.severity);
    for kind in ["CVSS_V3", "CVSS_V4", "CVSS_V2"] {
        for entry in entries.clone().filter(|e| e.kind == kind) {
            if let Some(severity) = score_cvss(kind, &entry.score) {
                return Some(severity);
            }
        }
    }
    if let Some(rating) = string_field(record.database_specific.as_ref(), "severity")
        && let Some(level) = Level::parse(rating)
    {
        return Some(Severity {
            level,
            score: None,
            source: "GHSA".to_owned(),
            vector: None,
        });
    }
    None
}
