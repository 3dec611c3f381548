//! Checkstyle 4.3 XML, read by Jenkins' warnings plugin, reviewdog and many CI dashboards.
//! Every report is a `<file>`, clean ones included, so consumers see what was checked.

use std::io;

use hullscan_diagnostics::{Location, Severity};

use crate::position::{image_location_label, location_span};
use crate::xml::escape;

/// Checkstyle knows `error`, `warning` and `info` (and `ignore`).
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "info",
    }
}

pub(crate) fn render(reports: &[crate::SafeReport<'_>], out: &mut dyn io::Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    for report in reports {
        if report.diagnostics.is_empty() {
            writeln!(out, r#"  <file name="{}"/>"#, escape(&report.path))?;
            continue;
        }
        writeln!(out, r#"  <file name="{}">"#, escape(&report.path))?;
        for diagnostic in &report.diagnostics {
            let span = location_span(report, &diagnostic.location);
            // Checkstyle has no place for an image path, so it leads the message.
            let message = match &diagnostic.location {
                Location::Image(image) => {
                    format!("{}: {}", image_location_label(image), diagnostic.message)
                }
                Location::Text(_) | Location::File => diagnostic.message.clone(),
            };
            write!(out, "    <error")?;
            // Line is required by most readers; a whole-file finding is reported on line 1
            // without a column.
            write!(out, r#" line="{}""#, span.map_or(1, |span| span.start.line))?;
            if let Some(span) = span {
                write!(out, r#" column="{}""#, span.start.column)?;
            }
            writeln!(
                out,
                r#" severity="{}" message="{}" source="{}"/>"#,
                severity(diagnostic.severity),
                escape(&message),
                escape(&diagnostic.code),
            )?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}
