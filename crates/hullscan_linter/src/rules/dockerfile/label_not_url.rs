//! HS267: a `url` label (per the label schema) with a value of the wrong form.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;

use super::label_schema::{check_typed_labels, is_uri};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds a label the schema types as `url` whose value is not an absolute URI (`scheme:…`). Only runs when the label schema (`label-schema` in the configuration)
    /// gives a label this type. Values that use a variable are only known at build time and are
    /// not checked.
    ///
    /// ## Why is this bad?
    /// Consumers of the label (registries, dashboards, provenance tools) follow it as a link; a value that is not a URI breaks them or is silently dropped.
    ///
    /// ## Example
    /// With `label-schema: { "org.opencontainers.image.source": url }`:
    /// <!-- hullscan-test: label-schema=org.opencontainers.image.source:url -->
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="github.com/acme/app"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="https://github.com/acme/app"
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3052`
    pub static LABEL_NOT_URL = {
        code: "HS267",
        name: "label-not-url",
        aliases: ["DL3052"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`url` label value is not a URI",
    };
}

/// HS267
pub(crate) fn label_not_url(checker: &mut Checker, _: usize, instruction: &Instruction) {
    check_typed_labels(checker, instruction, "url", &LABEL_NOT_URL, is_uri, "a URL");
}
