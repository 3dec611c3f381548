//! Applying the fixes diagnostics carry: `hullscan fix`, `hullscan lint --fix`, and anything
//! else (an editor's "fix all") that wants a file's text with its findings fixed.
//!
//! Pure: text and a lint function in, text and an account of what was done out. The caller
//! reads and writes files.
//!
//! How a file is fixed ([`fix_text`]):
//! 1. lint the text; take every fix at least as applicable as asked (safe, or safe + unsafe;
//!    display-only fixes are never applied);
//! 2. apply them in position order, skipping any fix whose bytes overlap or touch a fix already
//!    taken in this round ([`apply_round`]): two rules rewriting the same words cannot both be
//!    right about the result, and the skipped one is re-judged on the next round's text;
//! 3. re-lint the new text and repeat until no fix applies, at most
//!    [`FixOptions::max_rounds`] rounds (a rule whose fix re-triggers itself cannot loop forever);
//! 4. re-parse the result: if it has a syntax error the input did not have, the input is kept
//!    unchanged and the file reported as failed.
//!
//! Line endings and BOM are the file's own: inserted newlines follow the file's (CRLF files stay
//! CRLF) and nothing is inserted before a UTF-8 BOM.

use std::collections::BTreeMap;

pub use hullscan_diagnostics::Applicability;
use hullscan_diagnostics::{Diagnostic, Edit};
use hullscan_linter::LinterSettings;
use hullscan_text::{SourceFile, TextRange};

/// The most lint → fix rounds per file by default. Fixes in hullscan settle in two or three
/// (one fix making room for another); ten leaves room without letting a cycle run long.
pub const DEFAULT_MAX_ROUNDS: usize = 10;

/// What to apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixOptions {
    /// The least applicable fix applied: [`Applicability::Safe`] by default,
    /// [`Applicability::Unsafe`] with `--unsafe-fixes`. Display-only fixes are never applied,
    /// whatever this says.
    pub at_least: Applicability,
    /// The most lint → fix rounds.
    pub max_rounds: usize,
    /// Rule codes whose unsafe fixes apply even below [`Applicability::Unsafe`]: the user opted
    /// in to them by name (`--resolve-digests` for `base-image-without-digest`), not to every
    /// unsafe fix.
    pub unsafe_opt_in: &'static [&'static str],
}

impl Default for FixOptions {
    fn default() -> Self {
        Self {
            at_least: Applicability::Safe,
            max_rounds: DEFAULT_MAX_ROUNDS,
            unsafe_opt_in: &[],
        }
    }
}

impl FixOptions {
    /// Safe fixes, plus unsafe ones when `unsafe_fixes`.
    pub fn new(unsafe_fixes: bool) -> Self {
        Self {
            at_least: if unsafe_fixes {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            },
            ..Self::default()
        }
    }

    /// Whether a fix of this applicability is applied (to any rule).
    pub fn applies(&self, applicability: Applicability) -> bool {
        applicability != Applicability::DisplayOnly && applicability >= self.at_least
    }

    /// Whether rule `code`'s fix of this applicability is applied: as [`Self::applies`], or an
    /// unsafe fix of a rule in [`Self::unsafe_opt_in`].
    pub fn applies_to(&self, code: &str, applicability: Applicability) -> bool {
        self.applies(applicability)
            || (applicability == Applicability::Unsafe && self.unsafe_opt_in.contains(&code))
    }
}

/// One fix that was applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedFix {
    pub code: String,
    pub name: String,
    pub title: String,
    pub applicability: Applicability,
}

/// The outcome of fixing one text.
#[derive(Clone, Debug)]
pub struct FixedText {
    /// The fixed text; the input itself when nothing applied or the fixes failed.
    pub text: String,
    /// The fixes applied, in the order applied (empty when the fixes failed).
    pub applied: Vec<AppliedFix>,
    /// The findings of [`Self::text`]: what is left to fix by hand (or with unsafe fixes).
    pub remaining: Vec<Diagnostic>,
    /// Lint → fix rounds that applied something.
    pub rounds: usize,
    /// Whether the last lint found nothing more to apply. `false` when the round limit was hit
    /// or the fixes went in a circle; the text is then the last round's (it still parses).
    pub converged: bool,
    /// Why the fixes were not kept: they introduced a syntax error. The text is then the input.
    pub failure: Option<String>,
}

impl FixedText {
    /// How many fixes were applied per rule code, in code order.
    pub fn applied_per_rule(&self) -> BTreeMap<&str, usize> {
        let mut counts = BTreeMap::new();
        for fix in &self.applied {
            *counts.entry(fix.code.as_str()).or_insert(0) += 1;
        }
        counts
    }
}

/// The result of one round of [`apply_round`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Round {
    pub text: String,
    /// Indices (into the diagnostics given) of the findings whose fix was applied.
    pub applied: Vec<usize>,
    /// Applicable fixes left for a later round: overlapping or touching one taken, or with an
    /// edit that does not fit the text (past its end, inside a character or the BOM).
    pub skipped: usize,
}

/// Applies, in one pass, every fix of `diagnostics` that `options` allows, in position order,
/// taking a fix only when all its edits lie strictly after the end of the last fix taken (so
/// overlapping fixes, and fixes touching at one point, never both apply).
pub fn apply_round(text: &str, diagnostics: &[Diagnostic], options: &FixOptions) -> Round {
    let crlf = uses_crlf(text);
    let bom = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let mut candidates: Vec<(usize, Vec<Edit>)> = Vec::new();
    let mut skipped = 0;
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        let Some(fix) = &diagnostic.fix else { continue };
        if !options.applies_to(&diagnostic.code, fix.applicability) || fix.edits().is_empty() {
            continue;
        }
        match fitted_edits(text, bom, fix.edits()) {
            Some(edits) => candidates.push((index, edits)),
            None => skipped += 1,
        }
    }
    candidates.sort_by_key(|(index, edits)| {
        let first = edits[0].range;
        let last = edits[edits.len() - 1].range;
        (first.start(), last.end(), *index)
    });

    let mut out = String::with_capacity(text.len() + 64);
    let mut cursor = 0usize;
    let mut applied = Vec::new();
    for (index, edits) in candidates {
        let start = edits[0].range.start().to_usize();
        if !applied.is_empty() && start <= cursor {
            skipped += 1;
            continue;
        }
        for edit in &edits {
            out.push_str(&text[cursor..edit.range.start().to_usize()]);
            push_with_newlines(&mut out, &edit.content, crlf);
            cursor = edit.range.end().to_usize();
        }
        applied.push(index);
    }
    out.push_str(&text[cursor..]);
    Round {
        text: out,
        applied,
        skipped,
    }
}

/// A fix's edits made to fit `text`: an insertion at the very start goes after the BOM; `None`
/// when an edit is past the end, splits a character or the BOM, or the edits overlap.
fn fitted_edits(text: &str, bom: usize, edits: &[Edit]) -> Option<Vec<Edit>> {
    let mut fitted: Vec<Edit> = Vec::with_capacity(edits.len());
    for edit in edits {
        let (mut start, mut end) = (edit.range.start().to_usize(), edit.range.end().to_usize());
        if bom > 0 && start < bom {
            if start == 0 && end == 0 {
                (start, end) = (bom, bom);
            } else {
                return None;
            }
        }
        if end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return None;
        }
        if let Some(previous) = fitted.last()
            && start < previous.range.end().to_usize()
        {
            return None;
        }
        fitted.push(Edit::replacement(
            edit.content.clone(),
            TextRange::from_usize(start, end),
        ));
    }
    Some(fitted)
}

/// Whether the text's lines end in CRLF (judged by its first line end).
fn uses_crlf(text: &str) -> bool {
    text.find('\n')
        .is_some_and(|at| at > 0 && text.as_bytes()[at - 1] == b'\r')
}

/// Appends `content`, turning its bare `\n` into `\r\n` in a CRLF file.
fn push_with_newlines(out: &mut String, content: &str, crlf: bool) {
    if !crlf {
        out.push_str(content);
        return;
    }
    let mut previous = '\0';
    for c in content.chars() {
        if c == '\n' && previous != '\r' {
            out.push('\r');
        }
        out.push(c);
        previous = c;
    }
}

/// Fixes `text`: lint with `lint`, apply, repeat until stable (see the crate docs). A result on
/// which `syntax_errors` reports an error the input did not have is refused: the input is
/// returned unchanged with [`FixedText::failure`] set.
pub fn fix_text(
    text: &str,
    options: &FixOptions,
    lint: &mut dyn FnMut(&str) -> Vec<Diagnostic>,
    syntax_errors: &dyn Fn(&str) -> Vec<String>,
) -> FixedText {
    let first = lint(text);
    let mut current = text.to_owned();
    let mut diagnostics = first.clone();
    let mut applied = Vec::new();
    let mut rounds = 0;
    let mut seen: Vec<String> = vec![current.clone()];
    let converged = loop {
        let round = apply_round(&current, &diagnostics, options);
        if round.applied.is_empty() {
            break true;
        }
        if rounds == options.max_rounds || seen.contains(&round.text) {
            // Out of rounds, or back to a text already seen: the fixes fight each other.
            break false;
        }
        rounds += 1;
        applied.extend(round.applied.iter().map(|&index| {
            let diagnostic = &diagnostics[index];
            let fix = diagnostic
                .fix
                .as_ref()
                .expect("applied findings have a fix");
            AppliedFix {
                code: diagnostic.code.to_string(),
                name: diagnostic.name.to_string(),
                title: fix.title.clone(),
                applicability: fix.applicability,
            }
        }));
        current = round.text;
        seen.push(current.clone());
        diagnostics = lint(&current);
    };
    if current != text {
        let introduced = new_errors(&syntax_errors(text), &syntax_errors(&current));
        if !introduced.is_empty() {
            return FixedText {
                text: text.to_owned(),
                applied: Vec::new(),
                remaining: first,
                rounds: 0,
                converged: false,
                failure: Some(format!(
                    "the fixes would introduce a syntax error ({}); file left unchanged",
                    introduced.join("; ")
                )),
            };
        }
    }
    FixedText {
        text: current,
        applied,
        remaining: diagnostics,
        rounds,
        converged,
        failure: None,
    }
}

/// The errors of `after` beyond those of `before` (as multisets).
fn new_errors(before: &[String], after: &[String]) -> Vec<String> {
    let mut left: Vec<&String> = before.iter().collect();
    let mut introduced = Vec::new();
    for error in after {
        match left.iter().position(|known| *known == error) {
            Some(at) => {
                left.swap_remove(at);
            }
            None => introduced.push(error.clone()),
        }
    }
    introduced
}

/// The syntax errors BuildKit's parser would report on a Dockerfile, as messages.
pub fn dockerfile_syntax_errors(text: &str) -> Vec<String> {
    hullscan_dockerfile::parse(text)
        .errors
        .into_iter()
        .map(|error| error.message)
        .collect()
}

/// Lints a Dockerfile's text with `settings` (no ShellCheck, no build context): the lint
/// [`fix_dockerfile`] uses.
pub fn lint_dockerfile(name: &str, text: &str, settings: &LinterSettings) -> Vec<Diagnostic> {
    let parse = hullscan_dockerfile::parse(text);
    let model = hullscan_semantic::SemanticModel::new(&parse.dockerfile);
    let source = SourceFile::new(name, text);
    hullscan_linter::check_dockerfile(&source, &parse, &model, settings)
}

/// [`fix_text`] for a Dockerfile with the linter's own rules.
pub fn fix_dockerfile(
    name: &str,
    text: &str,
    settings: &LinterSettings,
    options: &FixOptions,
) -> FixedText {
    fix_text(
        text,
        options,
        &mut |current| lint_dockerfile(name, current, settings),
        &dockerfile_syntax_errors,
    )
}

/// A unified diff from `old` to `new` with `a/<path>` and `b/<path>` headers, three lines of
/// context; empty when the texts are equal.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests;
