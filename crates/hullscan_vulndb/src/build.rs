//! Compiling OSV records into the database image: withdrawn records dropped, GIT ranges dropped,
//! events sorted with the ecosystem's own version order, severities scored, strings shared.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use hullscan_version::Scheme;
use rustc_hash::FxHashMap;

use crate::format::{self, EventKind, NONE, SECTION_COUNT, Section};
use crate::osv::{Affected, Event, Record};
use crate::{Meta, normalize_name, severity};

/// What happened to a record given to [`Builder::add`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// Indexed under at least one package.
    Indexed,
    /// Retracted (`withdrawn` set): left out.
    Withdrawn,
    /// No affected package with an ecosystem and a name.
    NoPackage,
}

struct AffectedRow {
    vuln: u32,
    first_range: u32,
    range_count: u32,
    first_version: u32,
    version_count: u32,
    severity: u32,
}

/// Collects records and writes the database image.
#[derive(Default)]
pub struct Builder {
    strings: Vec<u8>,
    interned: FxHashMap<String, (u32, u32)>,
    packages: BTreeMap<(String, String), Vec<AffectedRow>>,
    ranges: Vec<u8>,
    range_count: u32,
    events: Vec<u8>,
    event_count: u32,
    str_refs: Vec<u8>,
    str_ref_count: u32,
    vulns: Vec<u8>,
    vuln_count: u32,
    severities: Vec<u8>,
    severity_count: u32,
}

fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, (offset, len): (u32, u32)) {
    put_u32(out, offset);
    put_u32(out, len);
}

/// Sorts a range's events in version order; `introduced: "0"` first, and on equal versions
/// `introduced` before `last_affected` before `fixed` before `limit`, so an empty interval stays
/// empty.
fn sort_events(scheme: Scheme, events: &mut [(EventKind, String)]) {
    events.sort_by(|(kind_a, a), (kind_b, b)| {
        let zero_a = *kind_a == EventKind::Introduced && a == "0";
        let zero_b = *kind_b == EventKind::Introduced && b == "0";
        match (zero_a, zero_b) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => scheme.compare(a, b).then(kind_a.cmp(kind_b)),
        }
    });
}

fn event_of(event: &Event) -> Option<(EventKind, String)> {
    if let Some(v) = &event.introduced {
        Some((EventKind::Introduced, v.clone()))
    } else if let Some(v) = &event.fixed {
        Some((EventKind::Fixed, v.clone()))
    } else if let Some(v) = &event.last_affected {
        Some((EventKind::LastAffected, v.clone()))
    } else {
        event.limit.as_ref().map(|v| (EventKind::Limit, v.clone()))
    }
}

fn is_distro(ecosystem: &str) -> bool {
    matches!(
        Scheme::for_ecosystem(ecosystem),
        Some(Scheme::Dpkg | Scheme::Apk | Scheme::Rpm)
    )
}

impl Builder {
    pub fn new() -> Builder {
        Builder::default()
    }

    fn intern(&mut self, text: &str) -> (u32, u32) {
        if let Some(&found) = self.interned.get(text) {
            return found;
        }
        let reference = (self.strings.len() as u32, text.len() as u32);
        self.strings.extend_from_slice(text.as_bytes());
        self.interned.insert(text.to_owned(), reference);
        reference
    }

    /// Appends a run of string references; returns (first, count).
    fn string_list<'s>(&mut self, items: impl IntoIterator<Item = &'s str>) -> (u32, u32) {
        let first = self.str_ref_count;
        for item in items {
            let reference = self.intern(item);
            put_str(&mut self.str_refs, reference);
            self.str_ref_count += 1;
        }
        (first, self.str_ref_count - first)
    }

    fn add_severity(&mut self, severity: Option<severity::Severity>) -> u32 {
        let Some(severity) = severity else {
            return NONE;
        };
        let source = self.intern(&severity.source);
        let vector = self.intern(severity.vector.as_deref().unwrap_or(""));
        put_u32(&mut self.severities, severity.level.to_code());
        put_u32(
            &mut self.severities,
            severity.score.unwrap_or(f32::NAN).to_bits(),
        );
        put_str(&mut self.severities, source);
        put_str(&mut self.severities, vector);
        self.severity_count += 1;
        self.severity_count - 1
    }

    /// Indexes one record.
    pub fn add(&mut self, record: &Record) -> Added {
        if record.is_withdrawn() {
            return Added::Withdrawn;
        }
        let packaged: Vec<&Affected> = record
            .affected
            .iter()
            .filter(|a| {
                a.package
                    .as_ref()
                    .is_some_and(|p| !p.ecosystem.is_empty() && !p.name.is_empty())
            })
            .collect();
        if packaged.is_empty() {
            return Added::NoPackage;
        }
        let vuln = self.vuln_count;
        self.vuln_count += 1;
        let id = self.intern(&record.id);
        let summary = self.intern(record.summary.as_deref().unwrap_or("").trim());
        let modified = self.intern(&record.modified);
        let aliases = self.string_list(record.aliases.iter().map(String::as_str));
        let upstream = self.string_list(record.upstream.iter().map(String::as_str));
        let informational = packaged
            .iter()
            .find_map(|a| a.database_specific.as_ref()?.get("informational")?.as_str())
            .unwrap_or("");
        let informational = self.intern(informational);
        let mut row = Vec::with_capacity(48);
        put_str(&mut row, id);
        put_str(&mut row, summary);
        put_str(&mut row, modified);
        put_str(&mut row, aliases);
        put_str(&mut row, upstream);
        put_str(&mut row, informational);
        self.vulns.extend_from_slice(&row);

        for affected in packaged {
            let Some(package) = &affected.package else {
                continue;
            };
            let scheme = Scheme::for_ecosystem(&package.ecosystem);
            let severity = severity::for_affected(record, affected, is_distro(&package.ecosystem));
            let severity = self.add_severity(severity);
            let first_range = self.range_count;
            for range in &affected.ranges {
                let kind = match range.kind.as_str() {
                    "ECOSYSTEM" => 0,
                    "SEMVER" => 1,
                    // GIT ranges need the repository's commit graph; osv.dev turns them into
                    // `versions`, which are matched below.
                    _ => continue,
                };
                // Without a known ordering only exact `versions` can match.
                let Some(scheme) = scheme else { continue };
                let mut events: Vec<(EventKind, String)> =
                    range.events.iter().filter_map(event_of).collect();
                sort_events(scheme, &mut events);
                let first_event = self.event_count;
                for (event_kind, version) in &events {
                    let version = self.intern(version);
                    put_u32(&mut self.events, *event_kind as u32);
                    put_str(&mut self.events, version);
                    self.event_count += 1;
                }
                put_u32(&mut self.ranges, kind);
                put_u32(&mut self.ranges, first_event);
                put_u32(&mut self.ranges, self.event_count - first_event);
                self.range_count += 1;
            }
            let (first_version, version_count) =
                self.string_list(affected.versions.iter().map(String::as_str));
            let key = (
                package.ecosystem.clone(),
                normalize_name(&package.ecosystem, &package.name).into_owned(),
            );
            self.packages.entry(key).or_default().push(AffectedRow {
                vuln,
                first_range,
                range_count: self.range_count - first_range,
                first_version,
                version_count,
                severity,
            });
        }
        Added::Indexed
    }

    /// Writes the database image, with `meta` for `db status`.
    pub fn finish(mut self, meta: &Meta) -> Vec<u8> {
        let meta_json = serde_json::to_vec(meta).unwrap_or_default();
        let packages = std::mem::take(&mut self.packages);
        let mut package_rows = Vec::with_capacity(packages.len() * 24);
        let mut affected_rows = Vec::new();
        let mut affected_count = 0u32;
        for ((ecosystem, name), rows) in packages {
            let ecosystem = self.intern(&ecosystem);
            let name = self.intern(&name);
            put_str(&mut package_rows, ecosystem);
            put_str(&mut package_rows, name);
            put_u32(&mut package_rows, affected_count);
            put_u32(&mut package_rows, rows.len() as u32);
            for row in rows {
                for value in [
                    row.vuln,
                    row.first_range,
                    row.range_count,
                    row.first_version,
                    row.version_count,
                    row.severity,
                    0,
                ] {
                    put_u32(&mut affected_rows, value);
                }
                affected_count += 1;
            }
        }
        let sections: [Vec<u8>; SECTION_COUNT] = [
            self.strings,
            package_rows,
            affected_rows,
            self.ranges,
            self.events,
            self.str_refs,
            self.vulns,
            self.severities,
            meta_json,
        ];
        debug_assert_eq!(Section::Meta as usize, SECTION_COUNT - 1);
        format::assemble(sections, meta.built_at)
    }
}
