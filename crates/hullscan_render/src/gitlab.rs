//! GitLab code quality report (a Code Climate subset): a JSON array of issues with a
//! description, check name, severity, location and fingerprint.
//!
//! GitLab compares fingerprints between the base and head pipelines to show new and fixed
//! findings, so the fingerprint must survive edits elsewhere in the file: it hashes the rule,
//! path, message and the *content* of the finding's line, never the line number. Identical
//! findings on identical lines get an occurrence counter so fingerprints stay unique.

use std::collections::HashMap;
use std::io;

use hullscan_diagnostics::{Diagnostic, FileReport, Location, Severity};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::position::{image_location_full_label, image_location_label, line_text, location_span};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation<'a>,
}

#[derive(Serialize)]
struct IssueLocation<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Style => "info",
        Severity::Info => "minor",
        Severity::Warning => "major",
        Severity::Error => "critical",
    }
}

/// What identifies a finding across commits: rule, file, message and what it points at.
fn identity(report: &FileReport, diagnostic: &Diagnostic) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in [
        diagnostic.code.as_bytes(),
        report.path.as_bytes(),
        diagnostic.message.as_bytes(),
    ] {
        hasher.update(part);
        hasher.update([0]);
    }
    match &diagnostic.location {
        Location::Text(_) => {
            if let (Some(source), Some(span)) = (
                report.source.as_deref(),
                location_span(report, &diagnostic.location),
            ) {
                for line in span.start.line..=span.end.line {
                    // The redacted line: a hash of a line with a weak password in it could be
                    // brute-forced back to the password.
                    let text = hullscan_secrets::redact(line_text(source, line));
                    hasher.update(text.trim().as_bytes());
                    hasher.update([b'\n']);
                }
            }
        }
        Location::Image(image) => hasher.update(image_location_full_label(image).as_bytes()),
        Location::File => {}
    }
    hasher.update([0]);
    if let Some(fingerprint) = &diagnostic.fingerprint {
        hasher.update(fingerprint.as_bytes());
    }
    hasher.finalize().into()
}

pub(crate) fn render(reports: &[crate::SafeReport<'_>], out: &mut dyn io::Write) -> io::Result<()> {
    let mut seen: HashMap<[u8; 32], u32> = HashMap::new();
    let mut issues = Vec::new();
    for report in reports {
        for diagnostic in &report.diagnostics {
            let identity = identity(report, diagnostic);
            let occurrence = seen.entry(identity).or_insert(0);
            *occurrence += 1;
            let fingerprint = if *occurrence == 1 {
                hex::encode(&identity[..16])
            } else {
                let mut hasher = Sha256::new();
                hasher.update(identity);
                hasher.update(occurrence.to_le_bytes());
                hex::encode(&hasher.finalize()[..16])
            };
            let span = location_span(report, &diagnostic.location);
            let description = match &diagnostic.location {
                Location::Image(image) => {
                    format!("{}: {}", image_location_label(image), diagnostic.message)
                }
                Location::Text(_) | Location::File => diagnostic.message.clone(),
            };
            issues.push(Issue {
                description,
                check_name: &diagnostic.code,
                fingerprint,
                severity: severity(diagnostic.severity),
                location: IssueLocation {
                    path: &report.path,
                    lines: Lines {
                        begin: span.map_or(1, |span| span.start.line),
                        end: span.map_or(1, |span| span.end.line),
                    },
                },
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    out.write_all(b"\n")
}
