//! HS303: an empty line inside a line continuation (BuildKit's `NoEmptyContinuation`).

use hullscan_diagnostics::{Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_text::{TextRange, TextSize};

use crate::checker::Checker;
use crate::rules::dockerfile::buildkit_facts::line_range;

declare_rule! {
    /// ## What it does
    /// Finds instructions whose line continuation runs over an empty (or whitespace-only)
    /// line, as BuildKit's `NoEmptyContinuation` check does. Like BuildKit, the finding is on
    /// the instruction's last line; the empty lines are listed with it.
    ///
    /// ## Why is this bad?
    /// Docker silently skips the empty line and goes on with the instruction, so a line that
    /// looks like the end of an instruction is not. It is easy to misread, and Docker has said
    /// empty continuation lines will become an error.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache \
    ///
    ///     curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache \
    ///     curl
    /// ```
    ///
    /// ## Fix safety
    /// The fix deletes the empty lines. Docker already ignores them, so the instruction stays
    /// exactly the same: safe.
    ///
    /// ## References
    /// - [BuildKit check NoEmptyContinuation](https://docs.docker.com/reference/build-checks/no-empty-continuation/)
    pub static EMPTY_CONTINUATION_LINE = {
        code: "HS303",
        name: "empty-continuation-line",
        aliases: ["NoEmptyContinuation"],
        severity: Warning,
        category: Suspicious,
        fix: Always,
        summary: "Empty line inside a line continuation",
    };
}

/// HS303
pub(crate) fn empty_continuation_line(checker: &mut Checker) {
    let text = checker.source.text();
    for instruction in checker.instructions() {
        if instruction.empty_continuation_lines.is_empty() {
            continue;
        }
        let range = line_range(checker, instruction.end_line).unwrap_or(instruction.range);
        let mut diagnostic = Diagnostic::new(
            &EMPTY_CONTINUATION_LINE,
            "Empty continuation line",
            Location::Text(range),
        );
        let mut edits = Vec::new();
        for empty in &instruction.empty_continuation_lines {
            diagnostic = diagnostic.with_related(Location::Text(*empty), "this line is empty");
            // Delete the line with its line ending.
            let rest = &text[empty.end().to_usize()..];
            let ending = if rest.starts_with("\r\n") {
                2
            } else {
                usize::from(rest.starts_with('\n'))
            };
            let end = empty.end() + TextSize::new(u32::try_from(ending).unwrap_or(0));
            edits.push(Edit::deletion(TextRange::new(empty.start(), end)));
        }
        let title = "Delete the empty continuation lines";
        diagnostic = diagnostic.with_help(title).with_fix(Fix::new(
            title,
            edits,
            hullscan_diagnostics::Applicability::Safe,
        ));
        checker.report(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::EMPTY_CONTINUATION_LINE as RULE;
    use crate::rules::dockerfile::buildkit_facts::testing::fixed;
    use crate::tests::{assert_fires, assert_silent};

    #[test]
    fn reports_on_the_last_line_like_buildkit() {
        assert_fires(&RULE, "FROM a\nRUN a \\\n\n  \\\n\n  b\nRUN c\n", &[6]);
        assert_silent(&RULE, "FROM a\nRUN a \\\n  # comment\n  b\n\nRUN c\n");
    }

    #[test]
    fn fix_deletes_the_empty_lines() {
        assert_eq!(
            fixed(&RULE, "FROM a\nRUN a \\\n\n  b\n"),
            "FROM a\nRUN a \\\n  b\n"
        );
        assert_eq!(
            fixed(&RULE, "FROM a\r\nRUN a \\\r\n \t\r\n  b\r\n"),
            "FROM a\r\nRUN a \\\r\n  b\r\n"
        );
    }
}
