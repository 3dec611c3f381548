//! HS312: more than one `ENTRYPOINT` in a stage (BuildKit's `MultipleInstructionsDisallowed`,
//! hadolint's DL4004).

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Keyword;

use crate::checker::Checker;
use crate::rules::dockerfile::buildkit_facts::report_repeated;

declare_rule! {
    /// ## What it does
    /// Finds a `ENTRYPOINT` that a later `ENTRYPOINT` in the same stage replaces, as BuildKit's
    /// `MultipleInstructionsDisallowed` check does for `ENTRYPOINT` (and hadolint's DL4004). Like
    /// BuildKit, the finding is on the earlier instruction, the one that has no effect. A stage
    /// built `FROM` another starts afresh.
    ///
    /// `# check=skip=MultipleInstructionsDisallowed` skips this rule together with its
    /// siblings for the other instructions BuildKit's check covers.
    ///
    /// ## Why is this bad?
    /// Only the last `ENTRYPOINT` of a stage takes effect; the earlier ones do nothing but suggest that several programs run.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENTRYPOINT ["/usr/local/bin/setup"]
    /// ENTRYPOINT ["/usr/local/bin/server"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENTRYPOINT ["/usr/local/bin/server"]
    /// ```
    ///
    /// ## References
    /// - [BuildKit check MultipleInstructionsDisallowed](https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/)
    /// - hadolint `DL4004`
    pub static MULTIPLE_ENTRYPOINT = {
        code: "HS312",
        name: "multiple-entrypoint",
        aliases: ["MultipleInstructionsDisallowed", "DL4004"],
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "`ENTRYPOINT` is replaced by a later `ENTRYPOINT` in the same stage",
    };
}

/// HS312
pub(crate) fn multiple_entrypoint(checker: &mut Checker) {
    report_repeated(checker, Keyword::Entrypoint, &MULTIPLE_ENTRYPOINT);
}
