//! HS804: a container that may run as root.

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, container_range, describe};

declare_rule! {
    /// ## What it does
    /// Finds a container for which neither the container's nor the Pod's `securityContext`
    /// sets `runAsNonRoot: true` or a `runAsUser` other than 0. (An explicit `runAsUser: 0` is
    /// HS805.)
    ///
    /// ## Why is this bad?
    /// The container then runs as whatever user the image says, which is root unless its
    /// Dockerfile has a `USER`. A root process that escapes the container (a kernel or runtime
    /// bug, a writable host mount) is root on the node. `runAsNonRoot: true` makes the kubelet
    /// refuse to start an image that would run as root.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: example/app:1.4
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   runAsNonRoot: true
    ///   runAsUser: 10001
    /// containers:
    ///   - name: app
    ///     image: example/app:1.4
    /// ```
    ///
    /// ## References
    /// - [Configure a security context](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    /// - [Pod Security Standards: restricted](https://kubernetes.io/docs/concepts/security/pod-security-standards/)
    pub static MISSING_RUN_AS_NON_ROOT = {
        code: "HS804",
        name: "missing-run-as-non-root",
        aliases: ["CKV_K8S_23"],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "A container may run as root: no `runAsNonRoot: true` and no non-zero `runAsUser`",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&MISSING_RUN_AS_NON_ROOT) {
        return;
    }
    let mut found = Vec::new();
    for (object, pod, container) in checker.containers() {
        let non_root = pod.run_as_non_root(container).is_some_and(|f| f.value);
        let user = pod.run_as_user(container).map(|f| f.value);
        if non_root || user.is_some_and(|u| u != 0) || user == Some(0) {
            continue;
        }
        found.push(
            at(
                &MISSING_RUN_AS_NON_ROOT,
                format!(
                    "{} may run as root: neither `runAsNonRoot: true` nor a non-zero `runAsUser` is set",
                    describe(object, container)
                ),
                container_range(container),
            )
            .with_help("Set `securityContext.runAsNonRoot: true` (and a `runAsUser` above 10000) on the Pod or container"),
        );
    }
    found.into_iter().for_each(|d| checker.report(d));
}
