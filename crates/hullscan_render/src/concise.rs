//! One line per finding, for grep and editors' quickfix lists:
//! `Dockerfile:1:6: warning[HS101] Base image has no tag`.

use std::io::{self, Write};

use crate::position::location_label;

pub(crate) fn render(reports: &[crate::SafeReport<'_>], out: &mut dyn io::Write) -> io::Result<()> {
    crate::render_parts_in_parallel(
        reports,
        |report, part, buffer| {
            for diagnostic in &report.diagnostics[part] {
                let line = format!(
                    "{}: {}[{}] {}",
                    location_label(report, &diagnostic.location),
                    diagnostic.severity,
                    diagnostic.code,
                    diagnostic.message,
                );
                // Messages and paths are one line by convention; a stray newline must not
                // split a record.
                writeln!(buffer, "{}", one_line(&line))?;
            }
            Ok(())
        },
        |_, _, drawn| out.write_all(drawn),
    )
}

/// `text` on one line, with control characters (terminal escape sequences included) replaced,
/// since this format is read on terminals and a file name can hold anything.
fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(|c: char| c.is_control() && c != '\t') {
        return text.into();
    }
    text.replace("\r\n", " ")
        .chars()
        .map(|c| match c {
            '\n' | '\r' => ' ',
            '\t' => c,
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect::<String>()
        .into()
}
