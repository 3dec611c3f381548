//! HS273: a `email` label (per the label schema) with a value of the wrong form.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;

use super::label_schema::{check_typed_labels, is_email};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds a label the schema types as `email` whose value is not a valid RFC 5322 email address. Only runs when the label schema (`label-schema` in the configuration)
    /// gives a label this type. Values that use a variable are only known at build time and are
    /// not checked.
    ///
    /// ## Why is this bad?
    /// The label tells people whom to contact about the image; a value that is not an address leaves them with no way to reach the maintainers.
    ///
    /// ## Example
    /// With `label-schema: { "maintainer": email }`:
    /// <!-- hullscan-test: label-schema=maintainer:email -->
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer="the platform team"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer="platform@example.com"
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3058`
    pub static LABEL_NOT_EMAIL = {
        code: "HS273",
        name: "label-not-email",
        aliases: ["DL3058"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`email` label value is not an email address",
    };
}

/// HS273
pub(crate) fn label_not_email(checker: &mut Checker, _: usize, instruction: &Instruction) {
    check_typed_labels(
        checker,
        instruction,
        "email",
        &LABEL_NOT_EMAIL,
        is_email,
        "an email address",
    );
}
