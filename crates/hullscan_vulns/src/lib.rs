//! Vulnerability matching: an [`Inventory`] (from an image, a directory or a re-read SBOM)
//! against the compiled OSV [`Database`], then the user's filters.
//!
//! - OS packages are looked up by their **source** package and version, in the image's own
//!   release only (`Debian:12`); with no known release they are not matched at all (an unscoped
//!   query is the most common source of false positives) and a note says so.
//! - Language packages are looked up by their OSV ecosystem and name.
//! - One finding per vulnerability and looked-up package: binary packages built from the same
//!   source share it (their names are listed), and records naming each other by alias or
//!   upstream id are one vulnerability (the database merges them).
//! - Then [`Filters`]: a minimum severity (or a set of levels), `--ignore-unfixed`, an ignore
//!   file ([`ignore`]) and OpenVEX statements ([`vex`]). Ignored and VEX-suppressed findings are
//!   kept in [`Report::suppressed`] with the reason, so the output can show them.
//!
//! [`sbom`] turns a CycloneDX, SPDX or hullscan JSON SBOM back into an inventory, and
//! [`diagnostics`] turns findings into hullscan diagnostics for the shared renderers.
//! Nothing here reads a file or the clock: callers pass bytes and today's date.

pub mod date;
pub mod diagnostics;
pub mod ignore;
mod percent;
mod rule;
pub mod sbom;
pub mod vex;

use std::collections::BTreeMap;

use hullscan_inventory::{Inventory, Package};
use hullscan_vulndb::{Database, DbError, Level, Query, Severity};
use serde::Serialize;

pub use rule::VULNERABLE_PACKAGE;

/// One vulnerability in one looked-up package.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VulnFinding {
    /// The advisory id (`GO-2023-1571`, `PYSEC-2018-28`, `DEBCL-CVE-2023-4911`).
    pub id: String,
    /// Other ids of the same vulnerability (aliases, upstream ids, merged records).
    pub aliases: Vec<String>,
    /// The OSV ecosystem it was looked up in (`Debian:12`, `PyPI`).
    pub ecosystem: String,
    /// The package name looked up: the source package for OS packages.
    pub package: String,
    /// The installed version looked up (the source version for OS packages).
    pub installed: String,
    /// The lowest fixed version above the installed one; `None`: no fix yet.
    pub fixed: Option<String>,
    pub severity: Option<Severity>,
    pub summary: String,
    /// RustSec notices (`unmaintained`, `unsound`, `notice`): not a vulnerability.
    pub informational: Option<String>,
    /// For OS packages: the installed binary packages built from the source, with versions.
    pub binaries: Vec<String>,
    /// The package URL of the (first) installed package.
    pub purl: String,
    /// The lowest layer that put the package in place (images only).
    pub layer: Option<usize>,
    /// Files that evidence the package (relative to the root, no leading `/`).
    pub evidence: Vec<String>,
}

impl VulnFinding {
    /// The fixed version, or "no fix yet".
    pub fn fixed_display(&self) -> &str {
        self.fixed.as_deref().unwrap_or("no fix yet")
    }

    /// The severity level, `UNKNOWN` when the advisory gives none.
    pub fn level(&self) -> Level {
        self.severity.as_ref().map_or(Level::Unknown, |s| s.level)
    }

    /// Whether `id` names this vulnerability (its id or one of its aliases, case-insensitive).
    pub fn is_named(&self, id: &str) -> bool {
        let id = id.trim();
        self.id.eq_ignore_ascii_case(id) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(id))
    }
}

/// Why a finding is not reported.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Suppression {
    /// An ignore-file entry.
    IgnoreFile {
        id: String,
        reason: String,
        expires: Option<String>,
    },
    /// An OpenVEX statement (`not_affected` or `fixed`).
    Vex {
        document: String,
        status: String,
        justification: Option<String>,
        impact_statement: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suppressed {
    pub finding: VulnFinding,
    pub suppression: Suppression,
}

/// Which severity levels are reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SeveritySelection {
    /// Every level, `UNKNOWN` included.
    All,
    /// This level and above (`--severity HIGH`).
    AtLeast(Level),
    /// Exactly these levels (`--severity HIGH,CRITICAL`, Trivy's form).
    Only(Vec<Level>),
}

impl SeveritySelection {
    /// `HIGH` (a minimum) or `MEDIUM,HIGH,CRITICAL` (a set); names as advisories spell them,
    /// plus `UNKNOWN`.
    pub fn parse(text: &str) -> Result<SeveritySelection, String> {
        let mut levels = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let level = if part.eq_ignore_ascii_case("unknown") {
                Level::Unknown
            } else {
                Level::parse(part).ok_or_else(|| {
                    format!("`{part}` is not a severity (UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL)")
                })?
            };
            levels.push(level);
        }
        match levels.as_slice() {
            [] => Err("no severity given".to_owned()),
            [one] => Ok(SeveritySelection::AtLeast(*one)),
            _ => Ok(SeveritySelection::Only(levels)),
        }
    }

    pub fn admits(&self, level: Level) -> bool {
        match self {
            SeveritySelection::All => true,
            SeveritySelection::AtLeast(min) => level >= *min,
            SeveritySelection::Only(levels) => levels.contains(&level),
        }
    }
}

/// The user's filters.
#[derive(Clone, Debug)]
pub struct Filters {
    pub severity: SeveritySelection,
    /// Drop findings with no fixed version (`--ignore-unfixed`).
    pub ignore_unfixed: bool,
    /// Report RustSec informational notices (unmaintained, unsound) too.
    pub informational: bool,
    pub ignores: Vec<ignore::IgnoreEntry>,
    pub vex: Vec<vex::Statement>,
    /// Today, `YYYY-MM-DD` (UTC), for ignore-entry expiry.
    pub today: String,
}

impl Default for Filters {
    fn default() -> Self {
        Filters {
            severity: SeveritySelection::All,
            ignore_unfixed: false,
            informational: true,
            ignores: Vec::new(),
            vex: Vec::new(),
            today: String::new(),
        }
    }
}

/// The result of a scan.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Reported findings, sorted by severity (most severe first), package, id.
    pub findings: Vec<VulnFinding>,
    /// Findings an ignore entry or a VEX statement suppressed, with the reason.
    pub suppressed: Vec<Suppressed>,
    /// Findings left out by `--severity`, `--ignore-unfixed` or the informational filter.
    pub filtered: usize,
    /// Packages looked up.
    pub packages_checked: usize,
    /// What the scan could not do, and ignore entries that expired.
    pub notes: Vec<String>,
}

/// Binary packages whose source carries every kernel CVE while shipping only headers: matching
/// them reports kernel vulnerabilities in images that run no kernel of their own.
const KERNEL_HEADER_PACKAGES: &[&str] = &["linux-libc-dev", "kernel-headers", "linux-headers"];

/// What one lookup is about: the query and the installed packages behind it.
struct Lookup<'i> {
    ecosystem: String,
    name: &'i str,
    version: &'i str,
    packages: Vec<&'i Package>,
}

/// The lookups for an inventory: one per (ecosystem, name, version), OS packages by source.
fn lookups<'i>(inventory: &'i Inventory, notes: &mut Vec<String>) -> Vec<Lookup<'i>> {
    let os_ecosystem = inventory
        .os
        .as_ref()
        .and_then(|os| os.osv_ecosystem.as_deref());
    let mut unscoped = 0usize;
    let mut map: BTreeMap<(String, &'i str, &'i str), Vec<&'i Package>> = BTreeMap::new();
    for package in &inventory.packages {
        let (ecosystem, name, version) = if package.ecosystem.is_os() {
            if KERNEL_HEADER_PACKAGES.contains(&package.name.as_str()) {
                continue;
            }
            let Some(ecosystem) = os_ecosystem else {
                unscoped += 1;
                continue;
            };
            let (name, version) = match &package.source {
                Some(source) => (source.name.as_str(), source.version.as_str()),
                None => (package.name.as_str(), package.version.as_str()),
            };
            (ecosystem.to_owned(), name, version)
        } else {
            let Some(ecosystem) = package.ecosystem.osv_name() else {
                continue;
            };
            (
                ecosystem.to_owned(),
                package.name.as_str(),
                package.version.as_str(),
            )
        };
        // A Go main module built from a checkout says `(devel)`: there is no version to
        // compare, and guessing one is a known source of false results.
        let version = version.trim();
        if version.is_empty() || version == "(devel)" {
            continue;
        }
        map.entry((ecosystem, name, version))
            .or_default()
            .push(package);
    }
    if unscoped > 0 {
        let os = inventory.os.as_ref().map_or_else(
            || "no OS release was found".to_owned(),
            |os| {
                format!(
                    "the OS release `{}` {} has no known OSV ecosystem",
                    os.id,
                    os.version_id.as_deref().unwrap_or("")
                )
            },
        );
        notes.push(format!(
            "{unscoped} OS package(s) not checked: {os} (advisories are only matched within the image's release)"
        ));
    }
    map.into_iter()
        .map(|((ecosystem, name, version), packages)| Lookup {
            ecosystem,
            name,
            version,
            packages,
        })
        .collect()
}

/// Matches `inventory` against `db` and applies `filters`.
pub fn scan(db: &Database, inventory: &Inventory, filters: &Filters) -> Result<Report, DbError> {
    let mut report = Report::default();
    let lookups = lookups(inventory, &mut report.notes);
    report.packages_checked = lookups.len();
    let mut all = Vec::new();
    for lookup in &lookups {
        let found = db.query(&Query {
            ecosystem: &lookup.ecosystem,
            name: lookup.name,
            version: lookup.version,
        })?;
        for finding in found {
            all.push(to_finding(finding, lookup));
        }
    }
    apply_filters(all, filters, &mut report);
    Ok(report)
}

fn to_finding(found: hullscan_vulndb::Finding, lookup: &Lookup<'_>) -> VulnFinding {
    let first = lookup.packages[0];
    let mut binaries: Vec<String> = Vec::new();
    if first.ecosystem.is_os() {
        binaries = lookup
            .packages
            .iter()
            .map(|p| format!("{} {}", p.name, p.version))
            .collect();
        binaries.sort();
        binaries.dedup();
    }
    let mut evidence: Vec<String> = lookup
        .packages
        .iter()
        .flat_map(|p| p.evidence.iter().cloned())
        .collect();
    evidence.sort();
    evidence.dedup();
    VulnFinding {
        id: found.id,
        aliases: found.aliases,
        ecosystem: found.ecosystem,
        package: lookup.name.to_owned(),
        installed: lookup.version.to_owned(),
        fixed: found.fixed,
        severity: found.severity,
        summary: found.summary,
        informational: found.informational,
        binaries,
        purl: first.purl.clone(),
        layer: lookup.packages.iter().filter_map(|p| p.layer).min(),
        evidence,
    }
}

/// Ignore entries and VEX statements first (so what they suppress is shown even when a
/// severity filter would also drop it), then the severity, unfixed and informational filters.
pub fn apply_filters(all: Vec<VulnFinding>, filters: &Filters, report: &mut Report) {
    let mut expired_noted: Vec<&str> = Vec::new();
    for finding in all {
        if let Some(statement) = vex::suppressing(&filters.vex, &finding) {
            report.suppressed.push(Suppressed {
                suppression: Suppression::Vex {
                    document: statement.document.clone(),
                    status: statement.status.clone(),
                    justification: statement.justification.clone(),
                    impact_statement: statement.impact_statement.clone(),
                },
                finding,
            });
            continue;
        }
        if let Some(entry) = filters.ignores.iter().find(|e| e.applies_to(&finding)) {
            if entry.expired(&filters.today) {
                if !expired_noted.contains(&entry.id.as_str()) {
                    expired_noted.push(&entry.id);
                    report.notes.push(format!(
                        "ignore entry for {} expired on {} ({}): reported again",
                        entry.id,
                        entry.expires.as_deref().unwrap_or(""),
                        entry.reason
                    ));
                }
            } else {
                report.suppressed.push(Suppressed {
                    suppression: Suppression::IgnoreFile {
                        id: entry.id.clone(),
                        reason: entry.reason.clone(),
                        expires: entry.expires.clone(),
                    },
                    finding,
                });
                continue;
            }
        }
        let keep = (finding.informational.is_none() || filters.informational)
            && (!filters.ignore_unfixed || finding.fixed.is_some())
            && filters.severity.admits(finding.level());
        if keep {
            report.findings.push(finding);
        } else {
            report.filtered += 1;
        }
    }
    let order = |f: &VulnFinding| {
        (
            std::cmp::Reverse(f.level()),
            f.ecosystem.clone(),
            f.package.clone(),
            f.installed.clone(),
            f.id.clone(),
        )
    };
    report.findings.sort_by_key(order);
    report.suppressed.sort_by_key(|s| order(&s.finding));
}

/// How many findings there are at each level, most severe first (for summaries).
pub fn counts(findings: &[VulnFinding]) -> Vec<(Level, usize)> {
    let mut counts: BTreeMap<std::cmp::Reverse<Level>, usize> = BTreeMap::new();
    for finding in findings {
        *counts
            .entry(std::cmp::Reverse(finding.level()))
            .or_default() += 1;
    }
    counts.into_iter().map(|(l, n)| (l.0, n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_selection() {
        let min = SeveritySelection::parse("high").unwrap();
        assert!(min.admits(Level::Critical) && min.admits(Level::High));
        assert!(!min.admits(Level::Medium));
        let set = SeveritySelection::parse("LOW,CRITICAL").unwrap();
        assert!(set.admits(Level::Low) && !set.admits(Level::High));
        assert!(SeveritySelection::parse("severe").is_err());
        assert!(SeveritySelection::parse("").is_err());
    }
}
