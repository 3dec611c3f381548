//! HS271: a `semver` label (per the label schema) with a value of the wrong form.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;

use super::label_schema::{check_typed_labels, is_semver};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds a label the schema types as `semver` whose value is not a semantic version (`1.4.2`, `2.0.0-rc.1`). Only runs when the label schema (`label-schema` in the configuration)
    /// gives a label this type. Values that use a variable are only known at build time and are
    /// not checked.
    ///
    /// ## Why is this bad?
    /// Release tooling compares these versions; `v1.4` or `latest` cannot be ordered, so upgrades and policies based on the label misbehave.
    ///
    /// ## Example
    /// With `label-schema: { "org.opencontainers.image.version": semver }`:
    /// <!-- hullscan-test: label-schema=org.opencontainers.image.version:semver -->
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version="v1.4"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version="1.4.0"
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3056`
    pub static LABEL_NOT_SEMVER = {
        code: "HS271",
        name: "label-not-semver",
        aliases: ["DL3056"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`semver` label value is not a semantic version",
    };
}

/// HS271
pub(crate) fn label_not_semver(checker: &mut Checker, _: usize, instruction: &Instruction) {
    check_typed_labels(
        checker,
        instruction,
        "semver",
        &LABEL_NOT_SEMVER,
        is_semver,
        "a semantic version",
    );
}
