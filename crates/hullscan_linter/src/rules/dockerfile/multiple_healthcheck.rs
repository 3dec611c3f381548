//! HS313: more than one `HEALTHCHECK` in a stage (BuildKit's `MultipleInstructionsDisallowed`,
//! hadolint's DL3012).

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Keyword;

use crate::checker::Checker;
use crate::rules::dockerfile::buildkit_facts::report_repeated;

declare_rule! {
    /// ## What it does
    /// Finds a `HEALTHCHECK` that a later `HEALTHCHECK` in the same stage replaces, as BuildKit's
    /// `MultipleInstructionsDisallowed` check does for `HEALTHCHECK` (and hadolint's DL3012). Like
    /// BuildKit, the finding is on the earlier instruction, the one that has no effect. A stage
    /// built `FROM` another starts afresh.
    ///
    /// `# check=skip=MultipleInstructionsDisallowed` skips this rule together with its
    /// siblings for the other instructions BuildKit's check covers.
    ///
    /// ## Why is this bad?
    /// A container has one health check: only the last `HEALTHCHECK` of a stage is kept, so the earlier ones are dead code that readers may trust.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// HEALTHCHECK CMD ["/app/ping"]
    /// HEALTHCHECK CMD ["/app/healthz"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// HEALTHCHECK CMD ["/app/healthz"]
    /// ```
    ///
    /// ## References
    /// - [BuildKit check MultipleInstructionsDisallowed](https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/)
    /// - hadolint `DL3012`
    pub static MULTIPLE_HEALTHCHECK = {
        code: "HS313",
        name: "multiple-healthcheck",
        aliases: ["MultipleInstructionsDisallowed", "DL3012"],
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "`HEALTHCHECK` is replaced by a later `HEALTHCHECK` in the same stage",
    };
}

/// HS313
pub(crate) fn multiple_healthcheck(checker: &mut Checker) {
    report_repeated(checker, Keyword::Healthcheck, &MULTIPLE_HEALTHCHECK);
}
