//! The default format: rustc-style findings drawn by `annotate-snippets`, then a summary.
//!
//! ```text
//! warning[HS101 untagged-base-image, DL3006]: [*] Base image has no tag
//!  --> Dockerfile:1:6
//!   |
//! 1 | FROM ubuntu
//!   |      ^^^^^^
//!   |
//!   = help: Pin a tag or digest
//! help: Pin the tag
//!   |
//! 1 | FROM ubuntu:24.04
//!   |            ++++++
//! ```
//!
//! `annotate-snippets` does the layout (margins, multi-line spans, tabs, wide characters,
//! patches); this module decides what goes in. Each snippet is given only the lines its spans
//! touch, with their first line number, so drawing a finding costs the size of its lines, not of
//! the file: 10 000 findings in one long Dockerfile stay linear.

use std::borrow::Cow;
use std::io;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Patch, Renderer, Snippet};
use anstyle::{AnsiColor, Style};
use hullscan_diagnostics::{Applicability, Diagnostic, FileReport, Fix, Location, Severity};
use hullscan_text::{SourceFile, TextRange, TextSize};

use crate::RenderOptions;
use crate::position::{clamp_range, location_label};
use crate::safe::SafeLines;

pub(crate) fn render(
    reports: &[FileReport],
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let mut totals = Totals::default();
    crate::render_parts_in_parallel(
        reports,
        |report, buffer| {
            let renderer = if options.color {
                Renderer::styled()
            } else {
                Renderer::plain()
            };
            for diagnostic in &report.diagnostics {
                let drawn = renderer.render(&diagnostic_groups(report, diagnostic));
                buffer.extend_from_slice(drawn.as_bytes());
                buffer.extend_from_slice(b"\n\n");
            }
            Ok(())
        },
        |report, drawn| {
            if !report.diagnostics.is_empty() {
                totals.files += 1;
            }
            for diagnostic in &report.diagnostics {
                totals.count(diagnostic);
            }
            out.write_all(drawn)
        },
    )?;
    writeln!(out, "{}", totals.summary(options.color))
}

/// The rule as shown in the header's brackets: code, name and upstream aliases, so a user who
/// knows the hadolint code finds it without `hullscan explain`.
pub(crate) fn rule_label(diagnostic: &Diagnostic) -> String {
    let mut label = diagnostic.code.to_string();
    let mut separator = " ";
    if !diagnostic.name.is_empty() && diagnostic.name != diagnostic.code {
        label.push(' ');
        label.push_str(&diagnostic.name);
        separator = ", ";
    }
    for alias in diagnostic.aliases {
        label.push_str(separator);
        label.push_str(alias);
        separator = ", ";
    }
    label
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
        Severity::Style => Level::NOTE.with_name("style"),
    }
}

/// Whether `hullscan fix` applies the finding's fix without opt-in (ruff's `[*]`).
fn is_fixable(diagnostic: &Diagnostic) -> bool {
    diagnostic
        .fix
        .as_ref()
        .is_some_and(|fix| fix.applicability == Applicability::Safe)
}

fn diagnostic_groups<'a>(report: &'a FileReport, diagnostic: &'a Diagnostic) -> Vec<Group<'a>> {
    // Messages, paths and locations were made safe before rendering (`crate::safe`); only the
    // source lines are made safe here, as they are cut out.
    let message = &diagnostic.message;
    let title = if is_fixable(diagnostic) {
        format!("[*] {message}")
    } else {
        message.clone()
    };
    let mut group = Group::with_title(
        level(diagnostic.severity)
            .primary_title(title)
            .id(rule_label(diagnostic)),
    );
    let source = report.source.as_deref();
    match (&diagnostic.location, source) {
        (Location::Text(range), Some(source)) => {
            group = group.element(span_snippet(
                report,
                source,
                *range,
                AnnotationKind::Primary,
                None,
            ));
        }
        (location, _) => {
            group = group.element(Origin::path(location_label(report, location)));
        }
    }
    for related in &diagnostic.related {
        group = match (&related.location, source) {
            (Location::Text(range), Some(source)) => group.element(span_snippet(
                report,
                source,
                *range,
                AnnotationKind::Context,
                Some(Cow::Borrowed(related.message.as_str())),
            )),
            (location, _) => group.element(Level::NOTE.message(format!(
                "{}: {}",
                related.message,
                location_label(report, location)
            ))),
        };
    }
    // The fix group below prints its title as a help line; the same text twice says nothing.
    let fix_title = diagnostic.fix.as_ref().map(|fix| fix.title.as_str());
    if let Some(help) = diagnostic
        .help
        .as_deref()
        .filter(|help| Some(*help) != fix_title)
    {
        group = group.element(Level::HELP.message(help));
    }
    let mut groups = vec![group];
    if let Some(fix) = &diagnostic.fix {
        groups.push(fix_group(report, fix));
    }
    groups
}

/// The lines a byte range touches, made safe to print, and the 1-based first line number.
struct Window<'a> {
    lines: SafeLines<'a>,
    /// Byte offset of the lines in the source.
    offset: usize,
    /// Length of the lines in the source.
    len: usize,
    first_line: usize,
}

impl Window<'_> {
    /// `range` of the source as a range of the safe lines.
    fn local(&self, range: &Range<usize>) -> Range<usize> {
        let local = |offset: usize| offset.saturating_sub(self.offset).min(self.len);
        self.lines
            .map_range(&(local(range.start)..local(range.end)))
    }
}

fn text_size(offset: usize) -> TextSize {
    TextSize::try_from(offset).unwrap_or(TextSize::new(u32::MAX))
}

fn window<'a>(source: &'a SourceFile, bytes: &Range<usize>) -> Window<'a> {
    let index = source.line_index();
    let text = source.text();
    let first = index.line_of(text_size(bytes.start));
    let mut last = index.line_of(text_size(bytes.end));
    // A span that ends just after a newline ends on that line, not on the (empty) next one.
    if last > first && index.line_start(last) == Some(text_size(bytes.end)) {
        last -= 1;
    }
    let start = index
        .line_start(first)
        .map_or(text.len(), TextSize::to_usize);
    let end = index
        .line_start(last + 1)
        .map_or(text.len(), TextSize::to_usize);
    let lines = &text[start..end.max(start)];
    Window {
        lines: SafeLines::new(lines),
        offset: start,
        len: lines.len(),
        first_line: first + 1,
    }
}

/// A snippet of the lines under `range`, with an annotation of `kind` on the range.
fn span_snippet<'a>(
    report: &'a FileReport,
    source: &'a SourceFile,
    range: TextRange,
    kind: AnnotationKind,
    label: Option<Cow<'a, str>>,
) -> Snippet<'a, annotate_snippets::Annotation<'a>> {
    let bytes = clamp_range(source.text(), range);
    let window = window(source, &bytes);
    let span = window.local(&bytes);
    Snippet::source(window.lines.text)
        .line_start(window.first_line)
        .path(report.path.as_str())
        .annotation(kind.span(span).label(label))
}

/// `range` as byte offsets when it lies inside `text` on character boundaries; fixes outside
/// the text are drawn as their title only rather than guessed at.
fn exact_range(text: &str, range: TextRange) -> Option<Range<usize>> {
    let bytes = range.to_range();
    (bytes.end <= text.len()
        && text.is_char_boundary(bytes.start)
        && text.is_char_boundary(bytes.end))
    .then_some(bytes)
}

fn fix_group<'a>(report: &'a FileReport, fix: &'a Fix) -> Group<'a> {
    let title = match fix.applicability {
        Applicability::Safe => fix.title.clone(),
        Applicability::Unsafe => format!("{} (unsafe fix)", fix.title),
        Applicability::DisplayOnly => format!("{} (suggestion only)", fix.title),
    };
    let group = Group::with_title(Level::HELP.secondary_title(title));
    let Some(source) = report.source.as_deref() else {
        return group;
    };
    let text = source.text();
    let edits: Option<Vec<(Range<usize>, &str)>> = fix
        .edits()
        .iter()
        .map(|edit| Some((exact_range(text, edit.range)?, &*edit.content)))
        .collect();
    let (Some(edits), Some(cover)) = (edits, fix.range()) else {
        return group;
    };
    if edits.is_empty() {
        return group;
    }
    let window = window(source, &cover.to_range());
    let patches: Vec<_> = edits
        .into_iter()
        .map(|(bytes, content)| Patch::new(window.local(&bytes), content))
        .collect();
    group.element(
        Snippet::source(window.lines.text)
            .line_start(window.first_line)
            .path(report.path.as_str())
            .patches(patches),
    )
}

/// Counts for the summary line.
#[derive(Default)]
struct Totals {
    by_severity: [usize; 4],
    files: usize,
    fixable: usize,
    unsafe_fixable: usize,
}

impl Totals {
    fn count(&mut self, diagnostic: &Diagnostic) {
        self.by_severity[diagnostic.severity as usize] += 1;
        match diagnostic.fix.as_ref().map(|fix| fix.applicability) {
            Some(Applicability::Safe) => self.fixable += 1,
            Some(Applicability::Unsafe) => self.unsafe_fixable += 1,
            Some(Applicability::DisplayOnly) | None => {}
        }
    }

    fn summary(&self, color: bool) -> String {
        let total: usize = self.by_severity.iter().sum();
        if total == 0 {
            let style = if color {
                AnsiColor::Green.on_default().bold()
            } else {
                Style::new()
            };
            return format!("{style}All checks passed.{style:#}");
        }
        let mut kinds = Vec::new();
        for severity in Severity::ALL.into_iter().rev() {
            let count = self.by_severity[severity as usize];
            if count == 0 {
                continue;
            }
            let word = match (severity, count) {
                (Severity::Error, 1) => "error",
                (Severity::Error, _) => "errors",
                (Severity::Warning, 1) => "warning",
                (Severity::Warning, _) => "warnings",
                (Severity::Info, _) => "info",
                (Severity::Style, _) => "style",
            };
            kinds.push(format!("{count} {word}"));
        }
        let mut line = format!(
            "Found {total} {} ({}) in {} {}",
            plural(total, "problem", "problems"),
            kinds.join(", "),
            self.files,
            plural(self.files, "file", "files"),
        );
        if self.fixable > 0 || self.unsafe_fixable > 0 {
            line.push_str(&format!("; {} fixable", self.fixable));
            if self.unsafe_fixable > 0 {
                line.push_str(&format!(
                    " ({} more with unsafe fixes)",
                    self.unsafe_fixable
                ));
            }
        }
        line.push('.');
        if color {
            let style = Style::new().bold();
            format!("{style}{line}{style:#}")
        } else {
            line
        }
    }
}

fn plural(count: usize, one: &'static str, many: &'static str) -> &'static str {
    if count == 1 { one } else { many }
}
