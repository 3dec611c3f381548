//! The JSON format: one array of findings across every file, the stable contract documented in
//! `docs/json-format.md`. Field names and meanings only ever grow; a change that removes or
//! redefines a field is a breaking change of hullscan.

use std::io;
use std::ops::Range;

use hullscan_diagnostics::{Diagnostic, FileReport, Fix, ImageLocation, Location, Severity};
use serde::Serialize;

use crate::position::{Span, location_span, range_span};

#[derive(Serialize)]
struct Finding<'a> {
    code: &'a str,
    name: &'a str,
    aliases: &'a [&'static str],
    severity: Severity,
    file: &'a str,
    #[serde(flatten)]
    position: Position,
    message: &'a str,
    help: Option<&'a str>,
    fix: Option<JsonFix<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<&'a str>,
    #[serde(flatten)]
    image: Option<Image<'a>>,
    related: Vec<Related<'a>>,
}

/// A text position; every field is `null` for locations that are not text.
#[derive(Serialize, Default)]
struct Position {
    line: Option<u32>,
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
}

impl From<Option<Span>> for Position {
    fn from(span: Option<Span>) -> Self {
        span.map_or_else(Position::default, |span| Position {
            line: Some(span.start.line),
            column: Some(span.start.column),
            end_line: Some(span.end.line),
            end_column: Some(span.end.column),
        })
    }
}

#[derive(Serialize)]
struct Image<'a> {
    image: &'a str,
    layer: Option<Layer<'a>>,
    path: Option<&'a str>,
    config_pointer: Option<&'a str>,
}

#[derive(Serialize)]
struct Layer<'a> {
    index: u32,
    digest: &'a str,
}

#[derive(Serialize)]
struct Related<'a> {
    message: &'a str,
    file: &'a str,
    #[serde(flatten)]
    position: Position,
    #[serde(flatten)]
    image: Option<Image<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    applicability: &'static str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    start: LineColumn,
    end: LineColumn,
    content: &'a str,
}

#[derive(Serialize)]
struct LineColumn {
    line: u32,
    column: u32,
}

fn image(location: &Location) -> Option<Image<'_>> {
    let Location::Image(ImageLocation {
        image,
        layer,
        path,
        config_pointer,
    }) = location
    else {
        return None;
    };
    Some(Image {
        image,
        layer: layer.as_ref().map(|layer| Layer {
            index: layer.index,
            digest: &layer.digest,
        }),
        path: path.as_deref(),
        config_pointer: config_pointer.as_deref(),
    })
}

fn fix<'a>(report: &'a FileReport, fix: &'a Fix) -> JsonFix<'a> {
    // Edits are text positions; without the source there is nothing to position them in.
    let edits = report.source.as_deref().map_or_else(Vec::new, |source| {
        fix.edits()
            .iter()
            .map(|edit| {
                let span = range_span(source, edit.range);
                JsonEdit {
                    start: LineColumn {
                        line: span.start.line,
                        column: span.start.column,
                    },
                    end: LineColumn {
                        line: span.end.line,
                        column: span.end.column,
                    },
                    content: &edit.content,
                }
            })
            .collect()
    });
    JsonFix {
        title: &fix.title,
        applicability: fix.applicability.as_str(),
        edits,
    }
}

fn finding<'a>(report: &'a FileReport, diagnostic: &'a Diagnostic) -> Finding<'a> {
    Finding {
        code: &diagnostic.code,
        name: &diagnostic.name,
        aliases: diagnostic.aliases,
        severity: diagnostic.severity,
        file: &report.path,
        position: location_span(report, &diagnostic.location).into(),
        message: &diagnostic.message,
        help: diagnostic.help.as_deref(),
        fix: diagnostic.fix.as_ref().map(|f| fix(report, f)),
        fingerprint: diagnostic.fingerprint.as_deref(),
        image: image(&diagnostic.location),
        related: diagnostic
            .related
            .iter()
            .map(|related| Related {
                message: &related.message,
                file: &report.path,
                position: location_span(report, &related.location).into(),
                image: image(&related.location),
            })
            .collect(),
    }
}

/// Writes the findings as one pretty-printed array, exactly as `serde_json::to_writer_pretty`
/// would, but with each file's findings drawn in parallel: a finding is drawn on its own and
/// indented one level (a JSON string never holds a raw newline, so indenting after every
/// newline is safe).
pub(crate) fn render(reports: &[crate::SafeReport<'_>], out: &mut dyn io::Write) -> io::Result<()> {
    let mut first = true;
    out.write_all(b"[")?;
    crate::render_parts_in_parallel(reports, write_findings, |_, _, drawn| {
        if drawn.is_empty() {
            return Ok(());
        }
        out.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        out.write_all(drawn)
    })?;
    out.write_all(if first { b"]\n" } else { b"\n]\n" })
}

/// Some of one file's findings (the `part` range) as array elements at the first indentation
/// level, `,\n`-separated.
fn write_findings(report: &FileReport, part: Range<usize>, out: &mut Vec<u8>) -> io::Result<()> {
    let mut element = Vec::new();
    for (index, diagnostic) in report.diagnostics[part].iter().enumerate() {
        if index > 0 {
            out.extend_from_slice(b",\n");
        }
        element.clear();
        serde_json::to_writer_pretty(&mut element, &finding(report, diagnostic))?;
        out.extend_from_slice(b"  ");
        let mut lines = element.split(|&byte| byte == b'\n');
        if let Some(first) = lines.next() {
            out.extend_from_slice(first);
        }
        for line in lines {
            out.extend_from_slice(b"\n  ");
            out.extend_from_slice(line);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::sync::Arc;

    use hullscan_diagnostics::{Edit, Fix, ImageLocation, Subject};
    use hullscan_text::{SourceFile, TextRange, TextSize};

    use super::*;

    fn diagnostic(code: &'static str, message: &str, location: Location) -> Diagnostic {
        Diagnostic {
            code: Cow::Borrowed(code),
            name: Cow::Borrowed("some-rule"),
            aliases: &["DL3000"],
            severity: Severity::Warning,
            message: message.to_owned(),
            location,
            help: Some("line one\nline two".to_owned()),
            related: Vec::new(),
            fix: None,
            fingerprint: None,
        }
    }

    /// Reports of every shape: findings with fixes, related locations, newlines and quotes
    /// in strings, image locations, clean files between them, and enough files to span
    /// several parallel batches.
    fn reports() -> Vec<FileReport> {
        let text = "FROM ubuntu\nRUN echo \"hi\"\n";
        let mut reports = Vec::new();
        for index in 0..1_300 {
            let source = Arc::new(SourceFile::new(format!("dir/{index}/Dockerfile"), text));
            let diagnostics = match index % 4 {
                0 => Vec::new(),
                1 => vec![
                    diagnostic(
                        "HS101",
                        "no tag\n\"quoted\"",
                        Location::Text(TextRange::from_usize(5, 11)),
                    )
                    .with_fix(Fix::safe(
                        "Pin",
                        Edit::insertion(":24.04", TextSize::from(11)),
                    ))
                    .with_related(Location::Text(TextRange::from_usize(12, 15)), "here"),
                    diagnostic("HS102", "whole file", Location::File),
                ],
                2 => vec![diagnostic(
                    "HS103",
                    "one",
                    Location::Text(TextRange::from_usize(12, 26)),
                )],
                _ => vec![diagnostic(
                    "HS601",
                    "image finding",
                    Location::Image(ImageLocation {
                        image: "alpine:3".to_owned(),
                        layer: None,
                        path: Some("/etc/shadow".to_owned()),
                        config_pointer: None,
                    }),
                )],
            };
            let mut report = FileReport::for_source(source, diagnostics);
            if index % 4 == 3 {
                report.subject = Subject::Image;
            }
            reports.push(report);
        }
        reports
    }

    fn borrowed(reports: &[FileReport]) -> Vec<Cow<'_, FileReport>> {
        reports.iter().map(Cow::Borrowed).collect()
    }

    #[test]
    fn parallel_output_is_exactly_serde_json_pretty_output() {
        let reports = reports();
        let mut drawn = Vec::new();
        render(&borrowed(&reports), &mut drawn).unwrap();
        let findings: Vec<Finding<'_>> = reports
            .iter()
            .flat_map(|report| report.diagnostics.iter().map(move |d| finding(report, d)))
            .collect();
        let mut expected = serde_json::to_vec_pretty(&findings).unwrap();
        expected.push(b'\n');
        assert_eq!(
            String::from_utf8(drawn).unwrap(),
            String::from_utf8(expected).unwrap()
        );
    }

    #[test]
    fn no_findings_is_an_empty_array() {
        let mut reports = reports();
        reports
            .iter_mut()
            .for_each(|report| report.diagnostics.clear());
        let mut drawn = Vec::new();
        render(&borrowed(&reports), &mut drawn).unwrap();
        assert_eq!(drawn, b"[]\n");
        drawn.clear();
        render(&[], &mut drawn).unwrap();
        assert_eq!(drawn, b"[]\n");
    }
}
