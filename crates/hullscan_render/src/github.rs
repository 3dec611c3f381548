//! GitHub Actions workflow commands: each finding becomes an annotation on the pull request.
//!
//! `::warning file=Dockerfile,line=1,col=6,endLine=1,endColumn=12,title=HS101::Base image has no tag`
//!
//! GitHub decodes `%25`, `%0D`, `%0A` in the message, and additionally `%3A` and `%2C` in
//! property values (where `:` and `,` would end the property), so those are what we encode.

use std::io::{self, Write};
use std::ops::Range;

use hullscan_diagnostics::{FileReport, Location, Severity};

use crate::position::{image_location_label, location_span};

/// Annotation kinds: GitHub has `error`, `warning` and `notice`.
fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "notice",
    }
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub(crate) fn render(reports: &[crate::SafeReport<'_>], out: &mut dyn io::Write) -> io::Result<()> {
    crate::render_parts_in_parallel(reports, write_report, |_, _, drawn| out.write_all(drawn))
}

fn write_report(report: &FileReport, part: Range<usize>, out: &mut Vec<u8>) -> io::Result<()> {
    for diagnostic in &report.diagnostics[part] {
        let mut properties = Vec::new();
        let mut message = String::new();
        match &diagnostic.location {
            // An annotation needs a file in the repository; an image finding becomes a
            // run-level annotation that names the image in its message.
            Location::Image(image) => {
                message.push_str(&image_location_label(image));
                message.push_str(": ");
            }
            Location::Text(_) | Location::File => {
                properties.push(format!("file={}", escape_property(&report.path)));
                if let Some(span) = location_span(report, &diagnostic.location) {
                    properties.push(format!("line={}", span.start.line));
                    properties.push(format!("col={}", span.start.column));
                    properties.push(format!("endLine={}", span.end.line));
                    properties.push(format!("endColumn={}", span.end.column));
                }
            }
        }
        properties.push(format!("title={}", escape_property(&diagnostic.code)));
        message.push_str(&diagnostic.message);
        if let Some(help) = &diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::{} {}::{}",
            command(diagnostic.severity),
            properties.join(","),
            escape_data(&message)
        )?;
    }
    Ok(())
}
