//! Querying the database: find a package's affected entries by binary search, decide whether the
//! installed version is affected, and merge results that name the same vulnerability.

use std::cmp::Ordering;
use std::path::Path;

use hullscan_version::Scheme;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::format::{EventKind, NONE, SECTION_COUNT, Section, View};
use crate::severity::{Level, Severity};
use crate::{DbError, Meta, normalize_name};

enum Bytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(map) => map,
            Bytes::Owned(vec) => vec,
        }
    }
}

/// An open database.
pub struct Database {
    bytes: Bytes,
    sections: [(usize, usize); SECTION_COUNT],
    built_at: i64,
}

/// A package to look up: OS packages by the image's release ecosystem (`Debian:12`) and their
/// *source* package name and version; language packages by ecosystem, name and version.
#[derive(Debug, Clone, Copy)]
pub struct Query<'q> {
    pub ecosystem: &'q str,
    pub name: &'q str,
    pub version: &'q str,
}

/// One vulnerability affecting the queried package.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    pub id: String,
    /// Other ids of the same vulnerability: the record's aliases and upstream ids, and the ids of
    /// records merged into this one.
    pub aliases: Vec<String>,
    pub ecosystem: String,
    pub package: String,
    pub version: String,
    /// The lowest fixed version above the installed one; `None` means no fix yet.
    pub fixed: Option<String>,
    pub severity: Option<Severity>,
    pub summary: String,
    /// For RustSec notices: `unmaintained`, `unsound` or `notice` (not a vulnerability).
    pub informational: Option<String>,
    pub modified: String,
}

impl Finding {
    /// The fixed version, or "no fix yet".
    pub fn fixed_display(&self) -> &str {
        self.fixed.as_deref().unwrap_or("no fix yet")
    }
}

/// Sizes of the database's tables.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Stats {
    pub vulnerabilities: u32,
    pub packages: u32,
    pub affected: u32,
    pub bytes: usize,
}

impl Database {
    /// Validates an in-memory image (header, checksum, section table).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Database, DbError> {
        Database::from_storage(Bytes::Owned(bytes))
    }

    pub(crate) fn from_map(map: memmap2::Mmap) -> Result<Database, DbError> {
        Database::from_storage(Bytes::Mapped(map))
    }

    fn from_storage(bytes: Bytes) -> Result<Database, DbError> {
        let (view, header) = View::new(bytes.as_ref())?;
        let sections = view.sections();
        Ok(Database {
            bytes,
            sections,
            built_at: header.built_at,
        })
    }

    /// Opens (maps) the database at `path`.
    pub fn open(path: &Path) -> Result<Database, DbError> {
        crate::store::open(path)
    }

    fn view(&self) -> View<'_> {
        View::validated(self.bytes.as_ref(), self.sections)
    }

    /// Unix seconds when the database was written.
    pub fn built_at(&self) -> i64 {
        self.built_at
    }

    pub fn meta(&self) -> Result<Meta, DbError> {
        serde_json::from_slice(self.view().section(Section::Meta))
            .map_err(|e| DbError::Corrupt(format!("metadata: {e}")))
    }

    pub fn stats(&self) -> Stats {
        let view = self.view();
        Stats {
            vulnerabilities: view.rows(Section::Vulns),
            packages: view.rows(Section::Packages),
            affected: view.rows(Section::Affected),
            bytes: self.bytes.as_ref().len(),
        }
    }

    /// The vulnerabilities affecting one package version, merged by alias and sorted by id. A
    /// query without a version matches nothing (there is nothing to compare).
    pub fn query(&self, query: &Query<'_>) -> Result<Vec<Finding>, DbError> {
        let version = query.version.trim();
        if version.is_empty() {
            return Ok(Vec::new());
        }
        let view = self.view();
        let name = normalize_name(query.ecosystem, query.name.trim());
        let Some(package) = find_package(&view, query.ecosystem, &name)? else {
            return Ok(Vec::new());
        };
        let scheme = Scheme::for_ecosystem(query.ecosystem);
        let first = package.u32(16)?;
        let count = package.u32(20)?;
        // (vuln, fixed, severity index) per affected vulnerability.
        let mut hits: Vec<(u32, Option<&str>, u32)> = Vec::new();
        for i in 0..count {
            let affected = view.row(Section::Affected, first.saturating_add(i))?;
            let vuln = affected.u32(0)?;
            let (first_range, range_count) = (affected.u32(4)?, affected.u32(8)?);
            let (first_version, version_count) = (affected.u32(12)?, affected.u32(16)?);
            let severity = affected.u32(20)?;
            let listed = view.string_list_contains(first_version, version_count, version)?;
            let mut in_range = false;
            let mut fixed: Option<&str> = None;
            for r in 0..range_count {
                let range = view.row(Section::Ranges, first_range.saturating_add(r))?;
                let events = read_events(&view, range.u32(4)?, range.u32(8)?)?;
                let Some(scheme) = scheme else { continue };
                let (affected_here, next_fix) = evaluate(scheme, &events, version);
                in_range |= affected_here;
                if let Some(next_fix) = next_fix
                    && (affected_here || listed)
                {
                    fixed = Some(match fixed {
                        Some(current) if scheme.compare(current, next_fix) != Ordering::Greater => {
                            current
                        }
                        _ => next_fix,
                    });
                }
            }
            if listed || in_range {
                match hits.iter_mut().find(|(v, _, _)| *v == vuln) {
                    Some(hit) => {
                        hit.1 = hit.1.or(fixed);
                        if hit.2 == NONE {
                            hit.2 = severity;
                        }
                    }
                    None => hits.push((vuln, fixed, severity)),
                }
            }
        }
        let mut findings = Vec::with_capacity(hits.len());
        for (vuln, fixed, severity) in hits {
            findings.push(self.finding(&view, query, &name, vuln, fixed, severity)?);
        }
        Ok(merge_aliases(findings))
    }

    fn finding(
        &self,
        view: &View<'_>,
        query: &Query<'_>,
        name: &str,
        vuln: u32,
        fixed: Option<&str>,
        severity: u32,
    ) -> Result<Finding, DbError> {
        let row = view.row(Section::Vulns, vuln)?;
        let mut aliases: Vec<String> = view
            .string_list(row.u32(24)?, row.u32(28)?)?
            .into_iter()
            .chain(view.string_list(row.u32(32)?, row.u32(36)?)?)
            .map(str::to_owned)
            .collect();
        aliases.sort();
        aliases.dedup();
        let informational = view.string(row.str_ref(40)?)?;
        Ok(Finding {
            id: view.string(row.str_ref(0)?)?.to_owned(),
            aliases,
            ecosystem: query.ecosystem.to_owned(),
            package: name.to_owned(),
            version: query.version.trim().to_owned(),
            fixed: fixed.map(str::to_owned),
            severity: read_severity(view, severity)?,
            summary: view.string(row.str_ref(8)?)?.to_owned(),
            informational: (!informational.is_empty()).then(|| informational.to_owned()),
            modified: view.string(row.str_ref(16)?)?.to_owned(),
        })
    }
}

fn find_package<'a>(
    view: &View<'a>,
    ecosystem: &str,
    name: &str,
) -> Result<Option<crate::format::Row<'a>>, DbError> {
    let (mut low, mut high) = (0u32, view.rows(Section::Packages));
    while low < high {
        let mid = low + (high - low) / 2;
        let row = view.row(Section::Packages, mid)?;
        // Byte order is the order the builder sorted by (`String`'s `Ord`).
        let key = (view.bytes(row.str_ref(0)?)?, view.bytes(row.str_ref(8)?)?);
        match key.cmp(&(ecosystem.as_bytes(), name.as_bytes())) {
            Ordering::Less => low = mid + 1,
            Ordering::Greater => high = mid,
            Ordering::Equal => return Ok(Some(row)),
        }
    }
    Ok(None)
}

fn read_events<'a>(
    view: &View<'a>,
    first: u32,
    count: u32,
) -> Result<Vec<(EventKind, &'a str)>, DbError> {
    (0..count)
        .map(|i| {
            let row = view.row(Section::Events, first.saturating_add(i))?;
            let kind = EventKind::from_code(row.u32(0)?)
                .ok_or_else(|| DbError::Corrupt("unknown event kind".to_owned()))?;
            Ok((kind, view.string(row.str_ref(4)?)?))
        })
        .collect()
}

fn read_severity(view: &View<'_>, index: u32) -> Result<Option<Severity>, DbError> {
    if index == NONE {
        return Ok(None);
    }
    let row = view.row(Section::Severities, index)?;
    let level = Level::from_code(row.u32(0)?)
        .ok_or_else(|| DbError::Corrupt("unknown severity level".to_owned()))?;
    let score = f32::from_bits(row.u32(4)?);
    let vector = view.string(row.str_ref(16)?)?;
    Ok(Some(Severity {
        level,
        score: (!score.is_nan()).then_some(score),
        source: view.string(row.str_ref(8)?)?.to_owned(),
        vector: (!vector.is_empty()).then(|| vector.to_owned()),
    }))
}

/// The OSV evaluation over events already sorted in version order: an `introduced` at or below
/// the version opens an interval, a `fixed` at or below it closes it, a `last_affected` below it
/// closes it; with `limit` events the version must be below one of them. Returns whether the
/// version is affected and the first `fixed` above it.
pub(crate) fn evaluate<'e>(
    scheme: Scheme,
    events: &[(EventKind, &'e str)],
    version: &str,
) -> (bool, Option<&'e str>) {
    let limits: Vec<&str> = events
        .iter()
        .filter(|(k, _)| *k == EventKind::Limit)
        .map(|(_, v)| *v)
        .collect();
    let below_limit = limits.is_empty()
        || limits
            .iter()
            .any(|limit| *limit == "*" || scheme.compare(version, limit) == Ordering::Less);
    let mut affected = false;
    for &(kind, at) in events {
        match kind {
            EventKind::Introduced => {
                if at == "0" || scheme.compare(version, at) != Ordering::Less {
                    affected = true;
                }
            }
            EventKind::Fixed => {
                if scheme.compare(version, at) != Ordering::Less {
                    affected = false;
                }
            }
            EventKind::LastAffected => {
                if scheme.compare(version, at) == Ordering::Greater {
                    affected = false;
                }
            }
            EventKind::Limit => {}
        }
    }
    let next_fix = events
        .iter()
        .find(|(kind, at)| {
            *kind == EventKind::Fixed && scheme.compare(version, at) == Ordering::Less
        })
        .map(|(_, at)| *at);
    (affected && below_limit, next_fix)
}

/// Whose id names a merged group: an ecosystem's own database first (GO-, RUSTSEC-, PYSEC-,
/// distro ids), then GHSA, then CVE.
fn id_rank(id: &str) -> u8 {
    if id.starts_with("GHSA-") {
        1
    } else if id.starts_with("CVE-") {
        2
    } else {
        0
    }
}

/// Merges findings whose id, aliases or upstream ids overlap into one finding per vulnerability.
/// Ids are looked up in a map, so a package with hundreds of advisories (Go's `stdlib`) stays
/// linear.
fn merge_aliases(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| {
        id_rank(&a.id)
            .cmp(&id_rank(&b.id))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut merged: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut group_of: FxHashMap<String, usize> = FxHashMap::default();
    for finding in findings {
        let found = std::iter::once(&finding.id)
            .chain(&finding.aliases)
            .find_map(|id| group_of.get(id).copied());
        let Some(index) = found else {
            for id in std::iter::once(&finding.id).chain(&finding.aliases) {
                group_of.insert(id.clone(), merged.len());
            }
            merged.push(finding);
            continue;
        };
        for id in std::iter::once(&finding.id).chain(&finding.aliases) {
            group_of.entry(id.clone()).or_insert(index);
        }
        let group = &mut merged[index];
        let mut aliases = std::mem::take(&mut group.aliases);
        aliases.push(finding.id);
        aliases.extend(finding.aliases);
        aliases.retain(|a| *a != group.id);
        aliases.sort();
        aliases.dedup();
        group.aliases = aliases;
        if group.fixed.is_none() {
            group.fixed = finding.fixed;
        }
        if group.severity.is_none() {
            group.severity = finding.severity;
        }
        if group.summary.is_empty() {
            group.summary = finding.summary;
        }
    }
    merged.sort_by(|a, b| a.id.cmp(&b.id));
    merged
}
