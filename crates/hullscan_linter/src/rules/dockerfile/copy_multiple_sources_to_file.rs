//! HS221: `COPY` of several sources to a destination without a trailing `/`.

use hullscan_diagnostics::{Applicability, Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_text::TextSize;

use super::shell_facts::{copy_words, unquote};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `COPY` instructions with more than one source whose destination does not end
    /// in `/`.
    ///
    /// ## Why is this bad?
    /// Several sources can only go into a directory, and Docker requires the destination to
    /// say so with a trailing `/`. Without it the build fails ("When using COPY with more than
    /// one source file, the destination must be a directory and end with a /").
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY package.json package-lock.json /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY package.json package-lock.json /app/
    /// ```
    ///
    /// ## Fix safety
    /// Adding the `/` is safe: it is what the instruction needs to work at all.
    ///
    /// ## References
    /// - hadolint `DL3021`
    pub static COPY_MULTIPLE_SOURCES_TO_FILE = {
        code: "HS221",
        name: "copy-multiple-sources-to-file",
        aliases: ["DL3021"],
        severity: Error,
        category: Correctness,
        fix: Always,
        summary: "`COPY` of several sources needs a destination ending in `/`",
    };
}

/// HS221
pub(crate) fn copy_multiple_sources_to_file(
    checker: &mut Checker,
    _: usize,
    instruction: &Instruction,
) {
    let words = copy_words(instruction);
    let Some(((destination, range), sources)) = words.split_last() else {
        return;
    };
    let destination_text = unquote(destination);
    if sources.len() < 2 || destination_text.ends_with('/') || destination_text.contains('$') {
        return;
    }
    // Insert the `/` inside a closing quote (`"dir"` → `"dir/"`).
    let quoted = destination.len() > destination_text.len();
    let at = if quoted || instruction.is_json() {
        range.end() - TextSize::new(1)
    } else {
        range.end()
    };
    checker.report(
        Diagnostic::new(
            &COPY_MULTIPLE_SOURCES_TO_FILE,
            format!(
                "`COPY` with {} sources needs a directory destination ending in `/`",
                sources.len()
            ),
            Location::Text(*range),
        )
        .with_help("End the destination with `/`")
        .with_fix(Fix::new(
            "Add a trailing `/`",
            vec![Edit::insertion("/", at)],
            Applicability::Safe,
        )),
    );
}
