//! JUnit XML, for CI systems that show test results but nothing else: one `<testsuite>` per
//! file, one failing `<testcase>` per finding, and a single passing test case for a clean file
//! (so the file shows up as checked).

use std::io;

use crate::position::location_label;
use crate::xml::{escape, escape_text};

pub(crate) fn render(reports: &[crate::SafeReport<'_>], out: &mut dyn io::Write) -> io::Result<()> {
    let findings: usize = reports.iter().map(|report| report.diagnostics.len()).sum();
    let tests: usize = reports
        .iter()
        .map(|report| report.diagnostics.len().max(1))
        .sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="hullscan" tests="{tests}" failures="{findings}" errors="0">"#
    )?;
    for report in reports {
        let path = escape(&report.path);
        let count = report.diagnostics.len();
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{}" failures="{count}" errors="0">"#,
            count.max(1)
        )?;
        if count == 0 {
            writeln!(out, r#"    <testcase name="hullscan" classname="{path}"/>"#)?;
        }
        for diagnostic in &report.diagnostics {
            let location = location_label(report, &diagnostic.location);
            writeln!(
                out,
                r#"    <testcase name="{} {} at {}" classname="{path}">"#,
                escape(&diagnostic.code),
                escape(&diagnostic.name),
                escape(&location),
            )?;
            let mut body = format!(
                "{location}: {}[{}] {}",
                diagnostic.severity, diagnostic.code, diagnostic.message
            );
            if let Some(help) = &diagnostic.help {
                body.push_str("\nhelp: ");
                body.push_str(help);
            }
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{}</failure>"#,
                diagnostic.severity,
                escape(&diagnostic.message),
                escape_text(&body),
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
