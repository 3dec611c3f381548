//! HS268: a `rfc3339` label (per the label schema) with a value of the wrong form.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;

use super::label_schema::{check_typed_labels, is_rfc3339};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds a label the schema types as `rfc3339` whose value is not an RFC 3339 date-time (`2024-05-01T12:30:00Z`). Only runs when the label schema (`label-schema` in the configuration)
    /// gives a label this type. Values that use a variable are only known at build time and are
    /// not checked.
    ///
    /// ## Why is this bad?
    /// Tools sort and compare build dates from such labels; a free-form date cannot be parsed, so the image looks undated or is ordered wrongly.
    ///
    /// ## Example
    /// With `label-schema: { "org.opencontainers.image.created": rfc3339 }`:
    /// <!-- hullscan-test: label-schema=org.opencontainers.image.created:rfc3339 -->
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.created="May 1st 2024"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.created="2024-05-01T12:30:00Z"
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3053`
    pub static LABEL_NOT_RFC3339 = {
        code: "HS268",
        name: "label-not-rfc3339",
        aliases: ["DL3053"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`rfc3339` label value is not an RFC 3339 time",
    };
}

/// HS268
pub(crate) fn label_not_rfc3339(checker: &mut Checker, _: usize, instruction: &Instruction) {
    check_typed_labels(
        checker,
        instruction,
        "rfc3339",
        &LABEL_NOT_RFC3339,
        is_rfc3339,
        "an RFC 3339 date-time",
    );
}
