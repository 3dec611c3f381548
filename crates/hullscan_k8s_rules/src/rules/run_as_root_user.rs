//! HS805: `runAsUser: 0`.

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, describe, range};

declare_rule! {
    /// ## What it does
    /// Finds a container whose effective `runAsUser` (its own, else the Pod's) is 0.
    ///
    /// ## Why is this bad?
    /// The container runs as root whatever the image's `USER` says, so a non-root image is
    /// turned back into a root one. With `runAsNonRoot: true` as well, the Pod does not start at
    /// all (`container's runAsUser breaks non-root policy`).
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 10001
    ///   runAsNonRoot: true
    /// ```
    ///
    /// ## References
    /// - [Configure a security context](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    pub static RUN_AS_ROOT_USER = {
        code: "HS805",
        name: "run-as-root-user",
        aliases: ["KSV105"],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "A container runs as root (`runAsUser: 0`)",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&RUN_AS_ROOT_USER) {
        return;
    }
    let mut found = Vec::new();
    for (object, pod, container) in checker.containers() {
        let Some(user) = pod.run_as_user(container) else {
            continue;
        };
        if user.value != 0 {
            continue;
        }
        let mut message = format!(
            "{} runs as root (`runAsUser: 0`)",
            describe(object, container)
        );
        if pod.run_as_non_root(container).is_some_and(|f| f.value) {
            message.push_str(", which contradicts `runAsNonRoot: true`: the Pod will not start");
        }
        found.push(
            at(&RUN_AS_ROOT_USER, message, range(user.node))
                .with_help("Use a non-zero `runAsUser` (above 10000) and `runAsNonRoot: true`"),
        );
    }
    found.into_iter().for_each(|d| checker.report(d));
}
