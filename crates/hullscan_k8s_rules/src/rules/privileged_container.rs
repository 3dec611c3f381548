//! HS807: `privileged: true`.

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, describe, range};

declare_rule! {
    /// ## What it does
    /// Finds a container with `securityContext.privileged: true`.
    ///
    /// ## Why is this bad?
    /// A privileged container gets every capability and every host device, and AppArmor,
    /// SELinux and seccomp are relaxed: it is root on the node in all but name. Grant the one
    /// capability or device the workload needs instead.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   privileged: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     drop: [ALL]
    ///     add: [NET_ADMIN]
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: baseline](https://kubernetes.io/docs/concepts/security/pod-security-standards/)
    pub static PRIVILEGED_CONTAINER = {
        code: "HS807",
        name: "privileged-container",
        aliases: ["CKV_K8S_16"],
        severity: Error,
        category: Security,
        fix: None,
        summary: "A container runs privileged",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&PRIVILEGED_CONTAINER) {
        return;
    }
    let mut found = Vec::new();
    for (object, _, container) in checker.containers() {
        if let Some(field) = container.security_context.privileged
            && field.value
        {
            found.push(
                at(
                    &PRIVILEGED_CONTAINER,
                    format!("{} runs privileged", describe(object, container)),
                    range(field.node),
                )
                .with_help(
                    "Remove `privileged: true`; add only the capabilities the workload needs",
                ),
            );
        }
    }
    found.into_iter().for_each(|d| checker.report(d));
}
