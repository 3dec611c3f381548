//! HS269: a `spdx` label (per the label schema) with a value of the wrong form.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;

use super::label_schema::{check_typed_labels, is_spdx};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds a label the schema types as `spdx` whose value is not a valid SPDX licence expression. Only runs when the label schema (`label-schema` in the configuration)
    /// gives a label this type. Values that use a variable are only known at build time and are
    /// not checked.
    ///
    /// ## Why is this bad?
    /// Licence scanners match SPDX identifiers exactly; `Apache 2` or `BSD` is not one, so the image is reported as unlicensed or needs manual review.
    ///
    /// ## Example
    /// With `label-schema: { "org.opencontainers.image.licenses": spdx }`:
    /// <!-- hullscan-test: label-schema=org.opencontainers.image.licenses:spdx -->
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.licenses="Apache 2"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.licenses="Apache-2.0"
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3054`
    pub static LABEL_NOT_SPDX = {
        code: "HS269",
        name: "label-not-spdx",
        aliases: ["DL3054"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`spdx` label value is not an SPDX licence",
    };
}

/// HS269
pub(crate) fn label_not_spdx(checker: &mut Checker, _: usize, instruction: &Instruction) {
    check_typed_labels(
        checker,
        instruction,
        "spdx",
        &LABEL_NOT_SPDX,
        is_spdx,
        "an SPDX licence expression",
    );
}
