//! HS311: more than one `CMD` in a stage (BuildKit's `MultipleInstructionsDisallowed`,
//! hadolint's DL4003).

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Keyword;

use crate::checker::Checker;
use crate::rules::dockerfile::buildkit_facts::report_repeated;

declare_rule! {
    /// ## What it does
    /// Finds a `CMD` that a later `CMD` in the same stage replaces, as BuildKit's
    /// `MultipleInstructionsDisallowed` check does for `CMD` (and hadolint's DL4003). Like
    /// BuildKit, the finding is on the earlier instruction, the one that has no effect. A stage
    /// built `FROM` another starts afresh.
    ///
    /// `# check=skip=MultipleInstructionsDisallowed` skips this rule together with its
    /// siblings for the other instructions BuildKit's check covers.
    ///
    /// ## Why is this bad?
    /// Only the last `CMD` of a stage sets the image's default command; the earlier ones do nothing but suggest that several commands run.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// CMD ["nginx", "-t"]
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## References
    /// - [BuildKit check MultipleInstructionsDisallowed](https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/)
    /// - hadolint `DL4003`
    pub static MULTIPLE_CMD = {
        code: "HS311",
        name: "multiple-cmd",
        aliases: ["MultipleInstructionsDisallowed", "DL4003"],
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "`CMD` is replaced by a later `CMD` in the same stage",
    };
}

/// HS311
pub(crate) fn multiple_cmd(checker: &mut Checker) {
    report_repeated(checker, Keyword::Cmd, &MULTIPLE_CMD);
}

#[cfg(test)]
mod tests {
    use super::MULTIPLE_CMD as RULE;
    use crate::rules::dockerfile::buildkit_facts::testing::messages;
    use crate::tests::{assert_fires, assert_silent};

    #[test]
    fn reports_each_replaced_cmd_at_the_earlier_one() {
        assert_fires(&RULE, "FROM a\nCMD x\nCMD y\nCMD z\n", &[2, 3]);
        assert_fires(
            &RULE,
            "FROM a AS one\nCMD x\nRUN y\nCMD z\nFROM a AS two\nCMD w\n",
            &[2],
        );
        assert_silent(&RULE, "FROM a AS one\nCMD x\nFROM one\nCMD y\n");
        assert_eq!(
            messages(&RULE, "FROM a\ncmd x\ncmd y\n"),
            [
                "Multiple cmd instructions should not be used in the same stage because only the last one will be used"
            ]
        );
    }
}
