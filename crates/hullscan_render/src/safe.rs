//! What may be printed: every text a report carries from input (paths, messages built from
//! Dockerfile lines or image history, fix titles and contents, image locations, source snippets)
//! passes through the secrets engine's redaction and then [`hullscan_text::printable`] before
//! any format sees it. Doing it here, once for every format, means no renderer, present or
//! future, can print a credential or a terminal control sequence by forgetting to.

use std::borrow::Cow;
use std::ops::Range;

use hullscan_diagnostics::{Diagnostic, Edit, FileReport, Fix, ImageLocation, Location, Related};
use hullscan_text::printable::{Newlines, is_unsafe_char, push_escaped};
use rayon::prelude::*;
use rustc_hash::FxHashSet;

/// `text` as it may be printed: credentials masked, control characters shown as symbols.
/// Borrowed when nothing had to change.
pub fn safe_text(text: &str, newlines: Newlines) -> Cow<'_, str> {
    match hullscan_secrets::redact(text) {
        Cow::Borrowed(text) => hullscan_text::printable(text, newlines),
        Cow::Owned(masked) => Cow::Owned(hullscan_text::printable(&masked, newlines).into_owned()),
    }
}

/// `reports` with every text from input made safe: each report borrowed when none of its texts
/// needed it, so a run where one file had something masked copies that file's report alone.
pub(crate) fn safe_reports(reports: &[FileReport]) -> Vec<Cow<'_, FileReport>> {
    reports
        .par_iter()
        .map_init(KnownSafe::default, |known, report| {
            safe_report(report, known).map_or(Cow::Borrowed(report), Cow::Owned)
        })
        .collect()
}

/// Texts already found to print unchanged, by newline mode. Findings repeat the same messages,
/// help lines and fix contents thousands of times across a run (14,000 findings of the
/// real-world corpus carry 1,800 distinct messages); each repeat is a set lookup instead of a
/// pass of the secrets engine. It holds texts borrowed from the reports being drawn, so it
/// lives for one render and never outgrows them.
#[derive(Default)]
struct KnownSafe<'a> {
    keep: FxHashSet<&'a str>,
    escape: FxHashSet<&'a str>,
}

impl<'a> KnownSafe<'a> {
    /// Whether `text` prints unchanged (see [`safe_text`]).
    fn untouched(&mut self, text: &'a str, newlines: Newlines) -> bool {
        let known = match newlines {
            Newlines::Keep => &mut self.keep,
            Newlines::Escape => &mut self.escape,
        };
        if known.contains(text) {
            return true;
        }
        let untouched = matches!(safe_text(text, newlines), Cow::Borrowed(_));
        if untouched {
            known.insert(text);
        }
        untouched
    }
}

/// A safe copy of `report`, or `None` when it is already safe.
fn safe_report<'a>(report: &'a FileReport, known: &mut KnownSafe<'a>) -> Option<FileReport> {
    let path_is_safe = known.untouched(&report.path, Newlines::Escape);
    // Only the findings that changed, by position: a slot per finding would cost a finding's
    // size for each of a million clean ones.
    let mut changed: Vec<(usize, Diagnostic)> = report
        .diagnostics
        .iter()
        .enumerate()
        .filter_map(|(index, diagnostic)| {
            safe_diagnostic(diagnostic, known).map(|safe| (index, safe))
        })
        .collect();
    if path_is_safe && changed.is_empty() {
        return None;
    }
    let mut diagnostics = report.diagnostics.clone();
    for (index, safe) in changed.drain(..) {
        diagnostics[index] = safe;
    }
    Some(FileReport {
        path: safe_text(&report.path, Newlines::Escape).into_owned(),
        subject: report.subject.clone(),
        source: report.source.clone(),
        diagnostics,
    })
}

/// Applies `safe_text` to `text`, recording whether anything changed.
fn clean(text: &str, newlines: Newlines, changed: &mut bool) -> String {
    match safe_text(text, newlines) {
        Cow::Borrowed(text) => text.to_owned(),
        Cow::Owned(text) => {
            *changed = true;
            text
        }
    }
}

fn safe_diagnostic<'a>(
    diagnostic: &'a Diagnostic,
    known: &mut KnownSafe<'a>,
) -> Option<Diagnostic> {
    // Most findings need nothing; check before copying anything.
    let mut untouched = |text: &'a str, newlines| known.untouched(text, newlines);
    let fix_is_safe = diagnostic.fix.as_ref().is_none_or(|fix| {
        untouched(&fix.title, Newlines::Keep)
            && fix
                .edits()
                .iter()
                .all(|edit| untouched(&edit.content, Newlines::Keep))
    });
    if untouched(&diagnostic.message, Newlines::Keep)
        && diagnostic
            .help
            .as_deref()
            .is_none_or(|help| untouched(help, Newlines::Keep))
        && location_is_safe(&diagnostic.location)
        && diagnostic.related.iter().all(|related| {
            untouched(&related.message, Newlines::Keep) && location_is_safe(&related.location)
        })
        && fix_is_safe
    {
        return None;
    }
    let mut changed = false;
    let mut safe = diagnostic.clone();
    safe.message = clean(&diagnostic.message, Newlines::Keep, &mut changed);
    safe.help = diagnostic
        .help
        .as_deref()
        .map(|help| clean(help, Newlines::Keep, &mut changed));
    safe.location = safe_location(&diagnostic.location);
    safe.related = diagnostic
        .related
        .iter()
        .map(|related| Related {
            location: safe_location(&related.location),
            message: clean(&related.message, Newlines::Keep, &mut changed),
        })
        .collect();
    safe.fix = diagnostic.fix.as_ref().map(|fix| {
        Fix::new(
            clean(&fix.title, Newlines::Keep, &mut changed),
            fix.edits()
                .iter()
                .map(|edit| Edit {
                    range: edit.range,
                    content: clean(&edit.content, Newlines::Keep, &mut changed).into(),
                })
                .collect(),
            fix.applicability,
        )
    });
    Some(safe)
}

fn location_is_safe(location: &Location) -> bool {
    let Location::Image(image) = location else {
        return true;
    };
    let safe = |text: &str| matches!(safe_text(text, Newlines::Escape), Cow::Borrowed(_));
    safe(&image.image)
        && image.layer.as_ref().is_none_or(|layer| safe(&layer.digest))
        && image.path.as_deref().is_none_or(safe)
        && image.config_pointer.as_deref().is_none_or(safe)
}

fn safe_location(location: &Location) -> Location {
    let Location::Image(image) = location else {
        return location.clone();
    };
    let field = |text: &str| safe_text(text, Newlines::Escape).into_owned();
    Location::Image(ImageLocation {
        image: field(&image.image),
        layer: image
            .layer
            .as_ref()
            .map(|layer| hullscan_diagnostics::LayerRef {
                index: layer.index,
                digest: field(&layer.digest),
            }),
        path: image.path.as_deref().map(field),
        config_pointer: image.config_pointer.as_deref().map(field),
    })
}

/// Lines of source drawn in a snippet, made safe, with a map from offsets in the original lines
/// to offsets in the safe text. Redaction keeps lengths; escaping a control character does not,
/// so annotation ranges are moved by the map.
pub(crate) struct SafeLines<'a> {
    pub text: Cow<'a, str>,
    /// (end of an escaped character in the original, how many bytes longer its escape is),
    /// in order.
    growth: Vec<(usize, usize)>,
}

impl SafeLines<'_> {
    pub fn new(lines: &str) -> SafeLines<'_> {
        let masked = hullscan_secrets::redact(lines);
        // A line break written as CRLF stays a line break.
        let unsafe_at = |text: &str, at: usize, c: char| {
            is_unsafe_char(c, Newlines::Keep) && !(c == '\r' && text[at + 1..].starts_with('\n'))
        };
        if !masked
            .char_indices()
            .any(|(at, c)| unsafe_at(&masked, at, c))
        {
            return SafeLines {
                text: masked,
                growth: Vec::new(),
            };
        }
        let mut out = String::with_capacity(masked.len() + 16);
        let mut growth = Vec::new();
        for (at, c) in masked.char_indices() {
            if unsafe_at(&masked, at, c) {
                let before = out.len();
                push_escaped(&mut out, c);
                growth.push((at + c.len_utf8(), out.len() - before - c.len_utf8()));
            } else {
                out.push(c);
            }
        }
        SafeLines {
            text: Cow::Owned(out),
            growth,
        }
    }

    /// [`SafeLines::new`] over lines that may be owned.
    pub fn from_cow(lines: Cow<'_, str>) -> SafeLines<'_> {
        match lines {
            Cow::Borrowed(lines) => SafeLines::new(lines),
            Cow::Owned(lines) => {
                let SafeLines { text, growth } = SafeLines::new(&lines);
                SafeLines {
                    text: Cow::Owned(text.into_owned()),
                    growth,
                }
            }
        }
    }

    /// Where `offset` of the original lines is in the safe text.
    pub fn map(&self, offset: usize) -> usize {
        offset
            + self
                .growth
                .iter()
                .take_while(|(end, _)| *end <= offset)
                .map(|(_, extra)| extra)
                .sum::<usize>()
    }

    pub fn map_range(&self, range: &Range<usize>) -> Range<usize> {
        self.map(range.start)..self.map(range.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_lines_keep_annotation_positions() {
        let lines = "ENV A=\u{1b}[31mx TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\r\n";
        let safe = SafeLines::new(lines);
        assert!(!safe.text.contains('\u{1b}'));
        assert!(!safe.text.contains("aBcDeFgHiJkL"));
        assert!(safe.text.ends_with("\r\n"));
        let token = lines.find("ghp_").unwrap();
        assert_eq!(&safe.text[safe.map(token)..safe.map(token) + 4], "ghp_");
        assert_eq!(safe.map(0), 0);
    }

    #[test]
    fn safe_text_masks_then_escapes() {
        assert_eq!(
            safe_text("a\u{7}b https://u:pw@h", Newlines::Escape),
            "a␇b https://u:**@h"
        );
        assert!(matches!(
            safe_text("FROM alpine:3.20", Newlines::Escape),
            Cow::Borrowed(_)
        ));
    }
}
