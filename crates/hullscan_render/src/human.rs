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
//! the file: 10 000 findings in one long Dockerfile stay linear. A long line is clipped to a
//! bounded window around the span (`…` marks what is cut), so 10 000 findings on one 1 MB line
//! stay linear too; the source is masked for credentials once per file, before any clipping, so
//! a cut can never leave part of a secret unrecognised.

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
    reports: &[crate::SafeReport<'_>],
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let mut totals = Totals::default();
    crate::render_parts_in_parallel(
        reports,
        |report, part, buffer| {
            let renderer = if options.color {
                Renderer::styled()
            } else {
                Renderer::plain()
            };
            // Masked once for the whole file (masking keeps offsets), so each snippet is only
            // cut out and escaped.
            let masked = report
                .source
                .as_deref()
                .filter(|_| !part.is_empty())
                .map(|source| hullscan_secrets::redact(source.text()));
            let view = SourceView {
                report,
                masked: masked.as_deref(),
            };
            for diagnostic in &report.diagnostics[part] {
                let drawn = renderer.render(&diagnostic_groups(&view, diagnostic));
                let drawn = without_empty_origins(&drawn);
                buffer.extend_from_slice(drawn.as_bytes());
                buffer.extend_from_slice(b"\n\n");
            }
            Ok(())
        },
        |report, part, drawn| {
            // A file drawn in several parts counts once.
            if !report.diagnostics.is_empty() && part.start == 0 {
                totals.files += 1;
            }
            for diagnostic in &report.diagnostics[part] {
                totals.count(diagnostic);
            }
            out.write_all(drawn)
        },
    )?;
    writeln!(out, "{}", totals.summary(options.color))
}

/// `drawn` without the bare ` ::: ` lines `annotate-snippets` draws above a snippet that has
/// no path of its own: a clipped snippet's place is given by the origin line before it (see
/// [`span_snippet`]), and a marker naming nothing says nothing.
fn without_empty_origins(drawn: &str) -> Cow<'_, str> {
    if !drawn.contains(":::") {
        return Cow::Borrowed(drawn);
    }
    let visible = |line: &str| {
        // Drop SGR colour sequences (`ESC [ ... m`) before looking at the text.
        let mut text = String::with_capacity(line.len());
        let mut rest = line;
        while let Some(at) = rest.find('\u{1b}') {
            text.push_str(&rest[..at]);
            rest = &rest[at..];
            rest = rest.find('m').map_or("", |end| &rest[end + 1..]);
        }
        text.push_str(rest);
        text
    };
    let kept: Vec<&str> = drawn
        .split_inclusive('\n')
        .filter(|line| visible(line).trim() != ":::")
        .collect();
    Cow::Owned(kept.concat())
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

/// A report with its source text masked for credentials (same length as the source).
struct SourceView<'a> {
    report: &'a FileReport,
    masked: Option<&'a str>,
}

impl<'a> SourceView<'a> {
    /// The source and its masked text, when the report has a source.
    fn source(&self) -> Option<(&'a SourceFile, &'a str)> {
        Some((self.report.source.as_deref()?, self.masked?))
    }
}

fn diagnostic_groups<'a>(view: &SourceView<'a>, diagnostic: &'a Diagnostic) -> Vec<Group<'a>> {
    let report = view.report;
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
    let source = view.source();
    match (&diagnostic.location, source) {
        (Location::Text(range), Some(source)) => {
            group = span_snippet(group, report, source, *range, AnnotationKind::Primary, None);
        }
        (location, _) => {
            group = group.element(Origin::path(location_label(report, location)));
        }
    }
    for related in &diagnostic.related {
        group = match (&related.location, source) {
            (Location::Text(range), Some(source)) => span_snippet(
                group,
                report,
                source,
                *range,
                AnnotationKind::Context,
                Some(Cow::Borrowed(related.message.as_str())),
            ),
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
        groups.push(fix_group(view, fix));
    }
    groups
}

/// Bytes of a long line shown before and after a span.
const CONTEXT_BYTES: usize = 160;
/// Bytes of a long span drawn; the rest of it is cut.
const SPAN_BYTES: usize = 2048;
/// Lines up to this many bytes are drawn whole.
const WHOLE_BYTES: usize = SPAN_BYTES + 2 * CONTEXT_BYTES;

/// The lines a byte range touches (clipped around the range when they are long), made safe to
/// print, and the 1-based first line number.
struct Window<'a> {
    lines: SafeLines<'a>,
    /// Byte offset in the source of the first byte shown.
    offset: usize,
    /// How many bytes of the source are shown.
    len: usize,
    /// Length of the marker before them (`…` when the start of the line is cut).
    head: usize,
    first_line: usize,
    /// Whether the start or the end of the lines was cut.
    clipped: bool,
}

impl Window<'_> {
    /// `range` of the source as a range of the safe lines (clamped to what is shown).
    fn local(&self, range: &Range<usize>) -> Range<usize> {
        let local = |offset: usize| self.head + offset.saturating_sub(self.offset).min(self.len);
        self.lines
            .map_range(&(local(range.start)..local(range.end)))
    }

    /// Whether all of `range` of the source is shown.
    fn shows(&self, range: &Range<usize>) -> bool {
        range.start >= self.offset && range.end <= self.offset + self.len
    }
}

fn text_size(offset: usize) -> TextSize {
    TextSize::try_from(offset).unwrap_or(TextSize::new(u32::MAX))
}

/// The window of `masked` (the source's text, credentials masked, same length) under `bytes`.
fn window<'a>(source: &SourceFile, masked: &'a str, bytes: &Range<usize>) -> Window<'a> {
    let index = source.line_index();
    let text = masked;
    let first = index.line_of(text_size(bytes.start));
    let mut last = index.line_of(text_size(bytes.end));
    // A span that ends just after a newline ends on that line, not on the (empty) next one.
    if last > first && index.line_start(last) == Some(text_size(bytes.end)) {
        last -= 1;
    }
    let start = index
        .line_start(first)
        .map_or(text.len(), TextSize::to_usize)
        .min(text.len());
    let end = index
        .line_start(last + 1)
        .map_or(text.len(), TextSize::to_usize)
        .clamp(start, text.len());
    let (mut from, mut to) = (start, end);
    if end - start > WHOLE_BYTES {
        // Drawing whole lines made many findings on one long line quadratic.
        from = floor_char_boundary(text, bytes.start.saturating_sub(CONTEXT_BYTES).max(start));
        let shown_end = bytes.end.min(bytes.start.saturating_add(SPAN_BYTES));
        to = ceil_char_boundary(text, shown_end.saturating_add(CONTEXT_BYTES).min(end)).max(from);
        // A cut right after a line break would put the marker on a line of its own.
        while to < end && to > from && matches!(text.as_bytes()[to - 1], b'\n' | b'\r') {
            to -= 1;
        }
    }
    let head = if from > start { "…" } else { "" };
    let tail = if to < end { "…" } else { "" };
    let shown = &text[from..to];
    let lines = if head.is_empty() && tail.is_empty() {
        Cow::Borrowed(shown)
    } else {
        Cow::Owned(format!("{head}{shown}{tail}"))
    };
    Window {
        lines: SafeLines::from_cow(lines),
        offset: from,
        len: to - from,
        head: head.len(),
        first_line: first + 1,
        clipped: from > start || to < end,
    }
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// `group` with a snippet of the lines under `range`, annotated with `kind` on the range.
fn span_snippet<'a>(
    group: Group<'a>,
    report: &'a FileReport,
    (source, masked): (&'a SourceFile, &'a str),
    range: TextRange,
    kind: AnnotationKind,
    label: Option<Cow<'a, str>>,
) -> Group<'a> {
    let bytes = clamp_range(masked, range);
    let window = window(source, masked, &bytes);
    let span = window.local(&bytes);
    let snippet = Snippet::source(window.lines.text)
        .line_start(window.first_line)
        .annotation(kind.span(span).label(label));
    if window.clipped {
        // The renderer counts columns in the text it is given, which no longer starts where
        // the line does: name the place here instead.
        let at = source.line_column(text_size(bytes.start));
        group
            .element(
                Origin::path(report.path.as_str())
                    .line(at.line as usize)
                    .char_column(at.column as usize),
            )
            .element(snippet)
    } else {
        group.element(snippet.path(report.path.as_str()))
    }
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

fn fix_group<'a>(view: &SourceView<'a>, fix: &'a Fix) -> Group<'a> {
    let report = view.report;
    let title = match fix.applicability {
        Applicability::Safe => fix.title.clone(),
        Applicability::Unsafe => format!("{} (unsafe fix)", fix.title),
        Applicability::DisplayOnly => format!("{} (suggestion only)", fix.title),
    };
    let group = Group::with_title(Level::HELP.secondary_title(title));
    let Some((source, masked)) = view.source() else {
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
    let window = window(source, masked, &cover.to_range());
    // A fix too long to draw in a clipped window is drawn as its title only.
    if !edits.iter().all(|(bytes, _)| window.shows(bytes)) {
        return group;
    }
    let patches: Vec<_> = edits
        .into_iter()
        .map(|(bytes, content)| Patch::new(window.local(&bytes), content))
        .collect();
    let snippet = Snippet::source(window.lines.text)
        .line_start(window.first_line)
        .patches(patches);
    if window.clipped {
        group.element(snippet)
    } else {
        group.element(snippet.path(report.path.as_str()))
    }
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
