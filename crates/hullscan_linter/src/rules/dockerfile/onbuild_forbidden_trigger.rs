//! HS258: `ONBUILD ONBUILD`, `ONBUILD FROM` and `ONBUILD MAINTAINER`.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::{Instruction, Keyword};

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `ONBUILD` triggers that Docker does not allow: `ONBUILD ONBUILD`, `ONBUILD FROM`
    /// and `ONBUILD MAINTAINER`.
    ///
    /// ## Why is this bad?
    /// The trigger only runs when another Dockerfile builds `FROM` this image, and Docker
    /// rejects these three instructions there. The image builds fine, but every image built on
    /// it fails, far away from the line that causes it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// ONBUILD FROM node:22-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// ONBUILD COPY . /app
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3043`
    pub static ONBUILD_FORBIDDEN_TRIGGER = {
        code: "HS258",
        name: "onbuild-forbidden-trigger",
        aliases: ["DL3043"],
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "`ONBUILD` with `ONBUILD`, `FROM` or `MAINTAINER`, which break every child build",
    };
}

/// HS258
pub(crate) fn onbuild_forbidden_trigger(
    checker: &mut Checker,
    _: usize,
    instruction: &Instruction,
) {
    let Some(trigger) = instruction.onbuild.as_deref() else {
        return;
    };
    if matches!(
        trigger.keyword,
        Keyword::Onbuild | Keyword::From | Keyword::Maintainer
    ) {
        checker.report_at(
            &ONBUILD_FORBIDDEN_TRIGGER,
            format!(
                "`ONBUILD {}` is not allowed: every build `FROM` this image will fail",
                trigger.keyword.as_str()
            ),
            instruction.range,
            None,
        );
    }
}
