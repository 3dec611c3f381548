//! HS221: `COPY` of several sources to a destination without a trailing `/`.

use hullscan_diagnostics::{Applicability, Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_text::TextSize;

use hullscan_semantic::Os;

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
    index: usize,
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
    // On Windows `\` separates directories too: `C:\Windows\System32\` is a directory.
    if destination_text.ends_with('\\') && is_windows_destination(checker, index, destination_text)
    {
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

/// A destination in a Windows stage, or one with a drive letter (`C:\\app\\`).
fn is_windows_destination(checker: &Checker, index: usize, destination: &str) -> bool {
    let bytes = destination.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    drive
        || checker
            .model
            .stage_of(index)
            .is_some_and(|stage| stage.os == Os::Windows)
}

#[cfg(test)]
mod tests {
    use super::COPY_MULTIPLE_SOURCES_TO_FILE as RULE;
    use crate::tests::{assert_fires, assert_silent};

    #[test]
    fn windows_directories_end_in_a_backslash() {
        // `\\` at the end of a line is an escaped escape, not a continuation.
        assert_silent(
            &RULE,
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n\
             COPY a.dll b.dll C:\\\\Windows\\\\System32\\\\\n\
             COPY [\"a.dll\", \"b.dll\", \"C:\\\\Windows\\\\System32\\\\\"]\n",
        );
        assert_silent(
            &RULE,
            "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCOPY a b C:\\app\\\n",
        );
        assert_fires(&RULE, "FROM alpine:3.20\nCOPY a b /app\\\\\n", &[2]);
        assert_fires(&RULE, "FROM alpine:3.20\nCOPY a b /app\n", &[2]);
    }
}
