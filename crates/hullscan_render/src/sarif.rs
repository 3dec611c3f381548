//! SARIF 2.1.0, as read by GitHub code scanning, GitLab, Azure DevOps and IDE viewers.
//!
//! Hand-written serde types for the part of the schema we fill (the full schema has ~100
//! types). A test validates the output against the official OASIS JSON schema. Columns are
//! character columns, declared with `columnKind: unicodeCodePoints` (SARIF's default counts
//! UTF-16 code units). Image findings have no file to point at, so they carry
//! `logicalLocations` naming the image, layer and path, and a `physicalLocation` whose artifact
//! is the image reference (code scanning accepts no result without one).

use std::collections::BTreeMap;
use std::io;

use hullscan_diagnostics::{Diagnostic, FileReport, Location as FindingLocation, Severity};
use serde::Serialize;

use crate::RenderOptions;
use crate::position::{Span, image_location_full_label, location_span, range_span};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'a str>,
    rules: Vec<ReportingDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text<'a>>,
    default_configuration: ReportingConfiguration,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RuleProperties<'a>>,
}

/// SARIF `message` and `multiformatMessageString` (we only fill `text`).
#[derive(Serialize)]
struct Text<'a> {
    text: std::borrow::Cow<'a, str>,
}

impl<'a> Text<'a> {
    fn new(text: impl Into<std::borrow::Cow<'a, str>>) -> Self {
        Self { text: text.into() }
    }
}

#[derive(Serialize)]
struct ReportingConfiguration {
    level: &'static str,
}

/// Upstream names of the rule, in the property bag SARIF leaves to tools.
#[derive(Serialize)]
struct RuleProperties<'a> {
    aliases: &'a [&'static str],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: Vec<Location<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<Fix<'a>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

impl From<Span> for Region {
    fn from(span: Span) -> Self {
        Region {
            start_line: span.start.line,
            start_column: span.start.column,
            end_line: span.end.line,
            end_column: span.end.column,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    name: &'a str,
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fix<'a> {
    description: Text<'a>,
    artifact_changes: [ArtifactChange<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: Text<'a>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "note",
    }
}

/// A relative or absolute path as a URI reference: `/` separators, and every byte outside
/// RFC 3986's unreserved and path characters percent-encoded (spaces, `#`, `%`, non-ASCII).
fn path_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b'@' => uri.push(byte as char),
            // A colon is a path character, but in a relative reference's first segment it
            // would read as a scheme (`C:/x`, `a:b`), so it is encoded everywhere.
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

fn location<'a>(
    report: &'a FileReport,
    finding_location: &'a FindingLocation,
    message: Option<&'a str>,
    id: Option<usize>,
) -> Location<'a> {
    let mut location = Location {
        id,
        physical_location: None,
        logical_locations: Vec::new(),
        message: message.map(Text::new),
    };
    match finding_location {
        FindingLocation::Image(image) => {
            let (name, kind) = if let Some(path) = &image.path {
                (path.as_str(), "resource")
            } else if let Some(pointer) = &image.config_pointer {
                (pointer.as_str(), "property")
            } else if let Some(layer) = &image.layer {
                (layer.digest.as_str(), "module")
            } else {
                (image.image.as_str(), "module")
            };
            location.logical_locations.push(LogicalLocation {
                name,
                fully_qualified_name: image_location_full_label(image),
                kind,
            });
            // GitHub code scanning rejects a result without a physical location: the image
            // (the report's path, its reference) is the artifact, at its first "line".
            location.physical_location = Some(PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: path_uri(&report.path),
                },
                region: Some(Region {
                    start_line: 1,
                    start_column: 1,
                    end_line: 1,
                    end_column: 1,
                }),
            });
        }
        FindingLocation::Text(_) | FindingLocation::File => {
            location.physical_location = Some(PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: path_uri(&report.path),
                },
                region: location_span(report, finding_location).map(Region::from),
            });
        }
    }
    location
}

fn fix<'a>(report: &'a FileReport, fix: &'a hullscan_diagnostics::Fix) -> Option<Fix<'a>> {
    let source = report.source.as_deref()?;
    let replacements = fix
        .edits()
        .iter()
        .map(|edit| Replacement {
            deleted_region: range_span(source, edit.range).into(),
            inserted_content: Text::new(&*edit.content),
        })
        .collect();
    Some(Fix {
        description: Text::new(fix.title.as_str()),
        artifact_changes: [ArtifactChange {
            artifact_location: ArtifactLocation {
                uri: path_uri(&report.path),
            },
            replacements,
        }],
    })
}

/// The rules list: every rule that has a finding, in order of first appearance, described from
/// the registry when the caller passed it, else from the finding.
struct Rules<'a> {
    descriptors: Vec<ReportingDescriptor<'a>>,
    index: BTreeMap<&'a str, usize>,
}

impl<'a> Rules<'a> {
    fn index_of(&mut self, diagnostic: &'a Diagnostic, options: &RenderOptions) -> usize {
        if let Some(&index) = self.index.get(&*diagnostic.code) {
            return index;
        }
        let meta = options.rule(&diagnostic.code);
        let summary = meta.map_or(&*diagnostic.name, |meta| meta.summary);
        let severity = meta.map_or(diagnostic.severity, |meta| meta.severity);
        let index = self.descriptors.len();
        self.descriptors.push(ReportingDescriptor {
            id: &diagnostic.code,
            name: &diagnostic.name,
            short_description: Text::new(summary),
            full_description: meta.map(|meta| Text::new(meta.docs_text())),
            default_configuration: ReportingConfiguration {
                level: level(severity),
            },
            properties: (!diagnostic.aliases.is_empty()).then_some(RuleProperties {
                aliases: diagnostic.aliases,
            }),
        });
        self.index.insert(&diagnostic.code, index);
        index
    }
}

pub(crate) fn render(
    reports: &[crate::SafeReport<'_>],
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let mut rules = Rules {
        descriptors: Vec::new(),
        index: BTreeMap::new(),
    };
    let mut results = Vec::new();
    for report in reports {
        for diagnostic in &report.diagnostics {
            let rule_index = rules.index_of(diagnostic, options);
            let related_locations = diagnostic
                .related
                .iter()
                .enumerate()
                .map(|(id, related)| {
                    location(
                        report,
                        &related.location,
                        Some(&related.message),
                        Some(id + 1),
                    )
                })
                .collect();
            let mut message = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            results.push(SarifResult {
                rule_id: &diagnostic.code,
                rule_index,
                level: level(diagnostic.severity),
                message: Text::new(message),
                locations: vec![location(report, &diagnostic.location, None, None)],
                related_locations,
                fixes: diagnostic
                    .fix
                    .as_ref()
                    .and_then(|f| fix(report, f))
                    .into_iter()
                    .collect(),
                partial_fingerprints: diagnostic
                    .fingerprint
                    .as_deref()
                    .map(|fingerprint| ("hullscan/v1", fingerprint))
                    .into_iter()
                    .collect(),
            });
        }
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "hullscan",
                    version: &options.tool_version,
                    information_uri: options.information_uri.as_deref(),
                    rules: rules.descriptors,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}
