//! HS270: a `hash` label (per the label schema) with a value of the wrong form.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;

use super::label_schema::{check_typed_labels, is_git_hash};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds a label the schema types as `hash` whose value is not a short (7) or full (40) lower-case git commit hash. Only runs when the label schema (`label-schema` in the configuration)
    /// gives a label this type. Values that use a variable are only known at build time and are
    /// not checked.
    ///
    /// ## Why is this bad?
    /// The label is meant to tie the image to the exact commit it was built from; any other value cannot be looked up in the repository.
    ///
    /// ## Example
    /// With `label-schema: { "org.opencontainers.image.revision": hash }`:
    /// <!-- hullscan-test: label-schema=org.opencontainers.image.revision:hash -->
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.revision="main"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.revision="43c572f1272b6b3171dd1db9e41b7027128ce080"
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3055`
    pub static LABEL_NOT_GIT_HASH = {
        code: "HS270",
        name: "label-not-git-hash",
        aliases: ["DL3055"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`hash` label value is not a git hash",
    };
}

/// HS270
pub(crate) fn label_not_git_hash(checker: &mut Checker, _: usize, instruction: &Instruction) {
    check_typed_labels(
        checker,
        instruction,
        "hash",
        &LABEL_NOT_GIT_HASH,
        is_git_hash,
        "a git commit hash (7 or 40 lower-case hex digits)",
    );
}
