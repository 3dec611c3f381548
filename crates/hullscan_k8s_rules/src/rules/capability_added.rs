//! HS809: capabilities added beyond `NET_BIND_SERVICE`.

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, describe, range};

declare_rule! {
    /// ## What it does
    /// Finds a capability in `securityContext.capabilities.add` other than
    /// `NET_BIND_SERVICE`.
    ///
    /// ## Why is this bad?
    /// `NET_BIND_SERVICE` (binding ports below 1024) is the only capability the Pod Security
    /// Standards' restricted profile lets a container add. The others widen what a compromised
    /// process can do to the node: `SYS_ADMIN` is nearly root, `NET_ADMIN` rewrites the
    /// network, `SYS_PTRACE` reads other processes.
    ///
    /// ## Example
    /// ```yaml
    /// capabilities:
    ///   drop: [ALL]
    ///   add: [SYS_ADMIN]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// capabilities:
    ///   drop: [ALL]
    ///   add: [NET_BIND_SERVICE]
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: restricted](https://kubernetes.io/docs/concepts/security/pod-security-standards/)
    pub static CAPABILITY_ADDED = {
        code: "HS809",
        name: "capability-added",
        aliases: ["CKV_K8S_39"],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "A container adds a capability other than `NET_BIND_SERVICE`",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&CAPABILITY_ADDED) {
        return;
    }
    let mut found = Vec::new();
    for (object, _, container) in checker.containers() {
        for capability in &container.security_context.capabilities_add {
            let name = hullscan_k8s::capability_name(capability.value);
            if name.eq_ignore_ascii_case("NET_BIND_SERVICE") {
                continue;
            }
            found.push(
                at(
                    &CAPABILITY_ADDED,
                    format!("{} adds capability `{name}`", describe(object, container)),
                    range(capability.node),
                )
                .with_help("Add only `NET_BIND_SERVICE`, or none; run what needs more elsewhere"),
            );
        }
    }
    found.into_iter().for_each(|d| checker.report(d));
}
