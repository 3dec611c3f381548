//! HS315: `FROM --platform=$TARGETPLATFORM` (BuildKit's `RedundantTargetPlatform`).

use hullscan_diagnostics::{Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_text::{TextRange, TextSize};

use crate::checker::Checker;
use crate::rules::dockerfile::buildkit_facts;

declare_rule! {
    /// ## What it does
    /// Finds `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`), where the flag names
    /// only that variable, as BuildKit's `RedundantTargetPlatform` check does.
    ///
    /// ## Why is this bad?
    /// Building for the target platform is what `FROM` does without the flag, so it only adds
    /// noise, and readers may think it changes something. (`--platform=$BUILDPLATFORM` is
    /// different and useful for cross-compiling.)
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM alpine:3.20
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes the flag, which is safe: the stage is built for the same platform.
    ///
    /// ## References
    /// - [BuildKit check RedundantTargetPlatform](https://docs.docker.com/reference/build-checks/redundant-target-platform/)
    pub static REDUNDANT_TARGET_PLATFORM = {
        code: "HS315",
        name: "redundant-target-platform",
        aliases: ["RedundantTargetPlatform", "DL3065"],
        severity: Warning,
        category: Style,
        fix: Always,
        summary: "`FROM --platform=$TARGETPLATFORM` is the default",
    };
}

/// HS315
pub(crate) fn redundant_target_platform(
    checker: &mut Checker,
    index: usize,
    _instruction: &Instruction,
) {
    let model = checker.model;
    let Some((_, platform, expansion)) = buildkit_facts::from_platform(checker, index) else {
        return;
    };
    if expansion.matched != ["TARGETPLATFORM"] || !expansion.unmatched.is_empty() {
        return;
    }
    if model.value_of(index, "TARGETPLATFORM") != Some(expansion.value.as_ref()) {
        return;
    }
    let flag = platform.flag;
    let written = flag.value.as_deref().unwrap_or_default();
    // Remove the flag and the blanks after it.
    let text = checker.source.text();
    let rest = &text[flag.range.end().to_usize()..];
    let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let end = flag.range.end() + TextSize::new(u32::try_from(blanks).unwrap_or(0));
    let title = "Remove the `--platform` flag";
    checker.report(
        Diagnostic::new(
            &REDUNDANT_TARGET_PLATFORM,
            format!("Setting platform to predefined {written} in FROM is redundant as this is the default behavior"),
            Location::Text(flag.range),
        )
        .with_help(title)
        .with_fix(Fix::safe(title, Edit::deletion(TextRange::new(flag.range.start(), end)))),
    );
}

#[cfg(test)]
mod tests {
    use super::REDUNDANT_TARGET_PLATFORM as RULE;
    use crate::rules::dockerfile::buildkit_facts::testing::{fixed, messages};
    use crate::tests::assert_silent;

    #[test]
    fn only_the_bare_variable_is_redundant() {
        assert_eq!(
            messages(&RULE, "FROM --platform=${TARGETPLATFORM} a\n"),
            [
                "Setting platform to predefined ${TARGETPLATFORM} in FROM is redundant as this is the default behavior"
            ]
        );
        assert_silent(
            &RULE,
            "FROM --platform=$TARGETPLATFORM$BUILDOS a\nFROM --platform=$BUILDPLATFORM a\n",
        );
        assert_eq!(
            fixed(&RULE, "FROM --platform=$TARGETPLATFORM  a AS b\n"),
            "FROM a AS b\n"
        );
    }
}
