//! HS307: `MAINTAINER` (BuildKit's `MaintainerDeprecated`, hadolint's DL4000).

use hullscan_diagnostics::{Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::{Arguments, Instruction};

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `MAINTAINER` instructions, as BuildKit's `MaintainerDeprecated` check and
    /// hadolint's DL4000 do.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` has been deprecated since Docker 1.13. It fills the image's legacy `Author`
    /// field, which tools no longer read; the OCI annotation
    /// `org.opencontainers.image.authors`, set with `LABEL`, is where registries and scanners
    /// look for the image's authors.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## Fix safety
    /// The fix replaces the instruction with that `LABEL`, quoting the value so that `LABEL`'s
    /// variable expansion leaves it as written. It is safe: the authors stay recorded in the
    /// image, as a label instead of the deprecated `Author` field.
    ///
    /// ## References
    /// - [BuildKit check MaintainerDeprecated](https://docs.docker.com/reference/build-checks/maintainer-deprecated/)
    /// - hadolint `DL4000`
    pub static MAINTAINER_DEPRECATED = {
        code: "HS307",
        name: "maintainer-deprecated",
        aliases: ["MaintainerDeprecated", "DL4000"],
        severity: Error,
        category: BestPractice,
        fix: Sometimes,
        summary: "`MAINTAINER` is deprecated; use `LABEL org.opencontainers.image.authors`",
    };
}

/// HS307
pub(crate) fn maintainer_deprecated(
    checker: &mut Checker,
    _index: usize,
    instruction: &Instruction,
) {
    let mut diagnostic = Diagnostic::new(
        &MAINTAINER_DEPRECATED,
        "Maintainer instruction is deprecated in favor of using label",
        Location::Text(instruction.range),
    );
    let value = match &instruction.args {
        Arguments::Words(words) => words.first().map(|w| w.value.trim()),
        _ => None,
    };
    match value.filter(|v| !v.is_empty()) {
        Some(value) => {
            let escape = checker.parse.dockerfile.escape;
            let mut quoted = String::with_capacity(value.len() + 2);
            quoted.push('"');
            for c in value.chars() {
                // Inside double quotes the expansion lexer treats `"`, `$` and the escape
                // token specially; escaping them keeps the text literal.
                if c == '"' || c == '$' || c == escape {
                    quoted.push(escape);
                }
                quoted.push(c);
            }
            quoted.push('"');
            let replacement = format!("LABEL org.opencontainers.image.authors={quoted}");
            let title = format!("Replace with `{replacement}`");
            diagnostic = diagnostic.with_help(title.clone()).with_fix(Fix::safe(
                title,
                Edit::replacement(replacement, instruction.range),
            ));
        }
        None => {
            diagnostic =
                diagnostic.with_help("Use `LABEL org.opencontainers.image.authors=\"...\"`");
        }
    }
    checker.report(diagnostic);
}

#[cfg(test)]
mod tests {
    use super::MAINTAINER_DEPRECATED as RULE;
    use crate::rules::dockerfile::buildkit_facts::testing::fixed;
    use crate::tests::{assert_fires, assert_silent};

    #[test]
    fn fires_on_every_maintainer() {
        // hadolint also flags a MAINTAINER before the first FROM.
        assert_fires(&RULE, "MAINTAINER a\nFROM b\nmaintainer c\n", &[1, 3]);
        assert_silent(&RULE, "FROM b\nLABEL maintainer=c\n");
    }

    #[test]
    fn fix_writes_a_label_that_keeps_the_text_literal() {
        assert_eq!(
            fixed(&RULE, "FROM b\nMAINTAINER Jane <j@x.org>\n"),
            "FROM b\nLABEL org.opencontainers.image.authors=\"Jane <j@x.org>\"\n"
        );
        assert_eq!(
            fixed(&RULE, "FROM b\nMAINTAINER \"$USER\" \\o/\n"),
            "FROM b\nLABEL org.opencontainers.image.authors=\"\\\"\\$USER\\\" \\\\o/\"\n"
        );
        assert_eq!(
            fixed(&RULE, "# escape=`\nFROM b\nMAINTAINER a`b\n"),
            "# escape=`\nFROM b\nLABEL org.opencontainers.image.authors=\"a``b\"\n"
        );
    }
}
