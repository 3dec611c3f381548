use hullscan_text::{TextRange, TextSize};

/// One text change: replace `range` with `content` (an insertion when the range is empty, a
/// deletion when `content` is empty).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    pub range: TextRange,
    pub content: Box<str>,
}

impl Edit {
    pub fn replacement(content: impl Into<Box<str>>, range: TextRange) -> Self {
        Self {
            range,
            content: content.into(),
        }
    }

    pub fn insertion(content: impl Into<Box<str>>, at: TextSize) -> Self {
        Self {
            range: TextRange::empty(at),
            content: content.into(),
        }
    }

    pub fn deletion(range: TextRange) -> Self {
        Self {
            range,
            content: "".into(),
        }
    }
}

/// How sure we are that applying a fix keeps the file's meaning. Ordered from least to most
/// applicable, so "apply everything at least this safe" is a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// Shown as a suggestion, never applied.
    DisplayOnly,
    /// Changes behaviour in some cases; applied only when the user opts in to unsafe fixes.
    Unsafe,
    /// Keeps the build's meaning; applied by `hullscan fix`.
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::DisplayOnly => "display-only",
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }
}

/// A set of edits applied together, with a title shown as help ("Pin the tag").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    /// Sorted by range, never overlapping.
    edits: Vec<Edit>,
    pub applicability: Applicability,
}

impl Fix {
    pub fn new(
        title: impl Into<String>,
        mut edits: Vec<Edit>,
        applicability: Applicability,
    ) -> Self {
        edits.sort();
        Self {
            title: title.into(),
            edits,
            applicability,
        }
    }

    pub fn safe(title: impl Into<String>, edit: Edit) -> Self {
        Self::new(title, vec![edit], Applicability::Safe)
    }

    pub fn unsafe_edit(title: impl Into<String>, edit: Edit) -> Self {
        Self::new(title, vec![edit], Applicability::Unsafe)
    }

    pub fn display_only(title: impl Into<String>, edit: Edit) -> Self {
        Self::new(title, vec![edit], Applicability::DisplayOnly)
    }

    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }

    /// The range covering every edit.
    pub fn range(&self) -> Option<TextRange> {
        let first = self.edits.first()?;
        Some(
            self.edits
                .iter()
                .fold(first.range, |acc, edit| acc.cover(edit.range)),
        )
    }
}

/// The result of applying fixes to a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixOutcome {
    pub text: String,
    /// How many fixes were applied.
    pub applied: usize,
    /// How many were skipped because they overlapped one already applied; a second pass over
    /// the re-linted text picks them up.
    pub skipped: usize,
}

/// Applies every fix at least as applicable as `at_least`, in position order, skipping any fix
/// that overlaps one already taken.
pub fn apply_fixes<'a>(
    text: &str,
    fixes: impl IntoIterator<Item = &'a Fix>,
    at_least: Applicability,
) -> FixOutcome {
    let mut chosen: Vec<&Fix> = fixes
        .into_iter()
        .filter(|fix| fix.applicability >= at_least)
        .collect();
    chosen.sort_by_key(|fix| fix.range());
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0usize;
    let (mut applied, mut skipped) = (0, 0);
    for fix in chosen {
        let Some(range) = fix.range() else { continue };
        if range.start().to_usize() < cursor || range.end().to_usize() > text.len() {
            skipped += 1;
            continue;
        }
        for edit in fix.edits() {
            out.push_str(&text[cursor..edit.range.start().to_usize()]);
            out.push_str(&edit.content);
            cursor = edit.range.end().to_usize();
        }
        applied += 1;
    }
    out.push_str(&text[cursor..]);
    FixOutcome {
        text: out,
        applied,
        skipped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(a: usize, b: usize) -> TextRange {
        TextRange::from_usize(a, b)
    }

    #[test]
    fn applies_in_order_and_skips_overlaps() {
        let text = "FROM ubuntu\nUSER root\n";
        let pin = Fix::safe("pin", Edit::insertion(":24.04", TextSize::new(11)));
        let user = Fix::unsafe_edit("user", Edit::replacement("app", range(17, 21)));
        let overlapping = Fix::safe("other", Edit::deletion(range(18, 20)));
        let outcome = apply_fixes(text, [&user, &pin, &overlapping], Applicability::Unsafe);
        assert_eq!(outcome.text, "FROM ubuntu:24.04\nUSER app\n");
        assert_eq!((outcome.applied, outcome.skipped), (2, 1));
    }

    #[test]
    fn respects_applicability_threshold() {
        let text = "abc";
        let unsafe_fix = Fix::unsafe_edit("x", Edit::replacement("X", range(0, 1)));
        let display = Fix::display_only("y", Edit::replacement("Y", range(1, 2)));
        let outcome = apply_fixes(text, [&unsafe_fix, &display], Applicability::Safe);
        assert_eq!(
            outcome,
            FixOutcome {
                text: "abc".into(),
                applied: 0,
                skipped: 0
            }
        );
        assert_eq!(
            apply_fixes(text, [&unsafe_fix, &display], Applicability::Unsafe).text,
            "Xbc"
        );
    }
}
