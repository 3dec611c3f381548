//! The one finding type every hullscan checker emits and every renderer reads.
//!
//! A [`Diagnostic`] names its rule (code, kebab-case name, upstream aliases), a severity, a
//! message, a [`Location`] and optionally a help line, related locations and a [`Fix`].
//! Diagnostics are grouped per file or image in a [`FileReport`], which carries the source text
//! the text locations point into, so renderers can draw snippets.

mod fix;
mod rule;
mod severity;

use std::borrow::Cow;
use std::sync::Arc;

pub use fix::{Applicability, Edit, Fix, FixOutcome, apply_fixes};
use hullscan_text::{SourceFile, TextRange};
pub use rule::{Category, FixAvailability, RuleMeta};
pub use severity::{ParseSeverityError, Severity};

/// Where a finding is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A byte range in the report's source text.
    Text(TextRange),
    /// The report's file as a whole (a file that should not be in a build context, say).
    File,
    /// Something inside a container image.
    Image(ImageLocation),
}

/// A place in a container image: the image itself, one of its layers, a file in a layer, or a
/// field of its config (as a JSON pointer, e.g. `/config/User`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageLocation {
    /// The image reference or file the user named.
    pub image: String,
    /// The layer, when the finding is in one.
    pub layer: Option<LayerRef>,
    /// An absolute path inside the layer or the merged filesystem.
    pub path: Option<String>,
    /// A JSON pointer into the image config.
    pub config_pointer: Option<String>,
}

/// A layer by its 0-based position and digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerRef {
    pub index: u32,
    pub digest: String,
}

/// A secondary location that explains the primary one ("the secret was added here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable rule code, e.g. `HS001`, or `SC2086` for ShellCheck findings.
    pub code: Cow<'static, str>,
    /// The kebab-case rule name.
    pub name: Cow<'static, str>,
    /// Upstream names of the same check (hadolint `DLxxxx`, BuildKit check names, ...).
    pub aliases: &'static [&'static str],
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    /// One line on how to fix it.
    pub help: Option<String>,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
    /// A stable identity for allow-listing (secrets findings set it; it never holds the secret).
    pub fingerprint: Option<String>,
}

impl Diagnostic {
    /// A finding of `rule` with its default severity.
    pub fn new(rule: &RuleMeta, message: impl Into<String>, location: Location) -> Self {
        Self {
            code: Cow::Borrowed(rule.code),
            name: Cow::Borrowed(rule.name),
            aliases: rule.aliases,
            severity: rule.severity,
            message: message.into(),
            location,
            help: None,
            related: Vec::new(),
            fix: None,
            fingerprint: None,
        }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    #[must_use]
    pub fn with_related(mut self, location: Location, message: impl Into<String>) -> Self {
        self.related.push(Related {
            location,
            message: message.into(),
        });
        self
    }

    #[must_use]
    pub fn with_fingerprint(mut self, fingerprint: impl Into<String>) -> Self {
        self.fingerprint = Some(fingerprint.into());
        self
    }

    /// The text range, when the finding has one.
    pub fn range(&self) -> Option<TextRange> {
        match self.location {
            Location::Text(range) => Some(range),
            _ => None,
        }
    }

    /// Whether `selector` names this finding's rule: its code, name or one of its aliases,
    /// compared without regard to ASCII case.
    pub fn matches_rule(&self, selector: &str) -> bool {
        self.code.eq_ignore_ascii_case(selector)
            || self.name.eq_ignore_ascii_case(selector)
            || self
                .aliases
                .iter()
                .any(|alias| alias.eq_ignore_ascii_case(selector))
    }
}

/// What the report is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A file on disk (or `-` for stdin).
    File,
    /// A container image; the report's `path` is the reference the user gave.
    Image,
}

/// The findings for one file or image, with the text their ranges point into.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// The path as the user should see it (relative when the user gave a relative path).
    pub path: String,
    pub subject: Subject,
    /// The file's text, when the findings have text locations.
    pub source: Option<Arc<SourceFile>>,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    pub fn for_source(source: Arc<SourceFile>, diagnostics: Vec<Diagnostic>) -> Self {
        Self {
            path: source.name().to_owned(),
            subject: Subject::File,
            source: Some(source),
            diagnostics,
        }
    }

    /// Sorts findings by position, then code, so output is stable across runs and threads.
    pub fn sort(&mut self) {
        let order = |a: &Diagnostic, b: &Diagnostic| {
            let key = |d: &Diagnostic| d.range().map(|r| (r.start(), r.end()));
            key(a)
                .cmp(&key(b))
                .then_with(|| a.code.cmp(&b.code))
                .then_with(|| a.message.cmp(&b.message))
        };
        let diagnostics = &mut self.diagnostics;
        if diagnostics.is_sorted_by(|a, b| order(a, b).is_le()) {
            return;
        }
        // A stable sort of the findings themselves takes scratch space for half of them (a
        // million findings: half a million copies); sorting their positions takes a word each.
        let mut positions: Vec<usize> = (0..diagnostics.len()).collect();
        positions.sort_by(|&a, &b| order(&diagnostics[a], &diagnostics[b]));
        // Moves `diagnostics[positions[i]]` to `i`, one cycle of the permutation at a time.
        for start in 0..positions.len() {
            let mut current = start;
            while positions[current] != usize::MAX {
                let next = positions[current];
                positions[current] = usize::MAX;
                if next == start {
                    break;
                }
                diagnostics.swap(current, next);
                current = next;
            }
        }
    }
}
