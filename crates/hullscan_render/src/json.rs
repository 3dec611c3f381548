//! The JSON format: one array of findings across every file, the stable contract documented in
//! `docs/json-format.md`. Field names and meanings only ever grow; a change that removes or
//! redefines a field is a breaking change of hullscan.

use std::io;

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

pub(crate) fn render(reports: &[FileReport], out: &mut dyn io::Write) -> io::Result<()> {
    let findings: Vec<Finding<'_>> = reports
        .iter()
        .flat_map(|report| {
            report
                .diagnostics
                .iter()
                .map(move |diagnostic| finding(report, diagnostic))
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &findings)?;
    out.write_all(b"\n")
}
