//! HS276: an instruction other than ARG before the first FROM.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Keyword;

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds instructions other than `ARG` before the first `FROM` (comments and parser
    /// directives are not instructions).
    ///
    /// ## Why is this bad?
    /// Only `ARG` may come before `FROM`: it declares variables the `FROM` lines can use.
    /// Anything else has no stage to apply to, and the build fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL maintainer="platform@example.com"
    /// FROM alpine:3.20
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer="platform@example.com"
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3061`
    pub static INSTRUCTION_BEFORE_FROM = {
        code: "HS276",
        name: "instruction-before-from",
        aliases: ["DL3061"],
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "Instruction other than `ARG` before the first `FROM`",
    };
}

/// HS276
pub(crate) fn instruction_before_from(checker: &mut Checker) {
    for instruction in checker.instructions() {
        match instruction.keyword {
            Keyword::From => return,
            Keyword::Arg => {}
            _ => checker.report_at(
                &INSTRUCTION_BEFORE_FROM,
                format!(
                    "`{}` before the first `FROM`: only `ARG` may come first",
                    instruction.keyword_text
                ),
                instruction.range,
                None,
            ),
        }
    }
}
