//! HS281: USER given by name rather than numeric UID.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::{Arguments, Instruction};

use super::stage_scan::referenced_names;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `USER` whose user part (before any `:group`) is a name rather than a numeric UID,
    /// unless it comes from a build argument declared earlier (`USER ${APP_UID}`).
    ///
    /// ## Why is this bad?
    /// Kubernetes can only enforce `runAsNonRoot` when it can see a numeric UID: with a name,
    /// it cannot tell whether the user is root and refuses to start the pod. A name also
    /// depends on `/etc/passwd` in the image, which a later base image may change.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN adduser -D -u 10001 app
    /// USER app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN adduser -D -u 10001 app
    /// USER 10001
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3066`
    pub static NON_NUMERIC_USER = {
        code: "HS281",
        name: "non-numeric-user",
        aliases: ["DL3066"],
        severity: Info,
        category: BestPractice,
        fix: None,
        summary: "`USER` by name instead of numeric UID",
    };
}

/// HS281
pub(crate) fn non_numeric_user(checker: &mut Checker, index: usize, instruction: &Instruction) {
    let Arguments::Words(words) = &instruction.args else {
        return;
    };
    let Some(word) = words.first() else {
        return;
    };
    let user = word.value.split(':').next().unwrap_or_default();
    if user.is_empty() || user.bytes().all(|b| b.is_ascii_digit()) {
        return;
    }
    if referenced_names(user)
        .iter()
        .any(|name| checker.arg_declared_before(index, name))
    {
        return;
    }
    checker.report_at(
        &NON_NUMERIC_USER,
        format!(
            "`USER {user}` is a name; use the numeric UID so the platform can tell it is not root"
        ),
        word.range,
        Some("Create the user with a fixed UID (`useradd -u 10001 …`) and use that number"),
    );
}
