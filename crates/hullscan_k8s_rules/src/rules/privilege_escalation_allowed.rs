//! HS806: `allowPrivilegeEscalation` not set to false.

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, container_range, describe, range};

declare_rule! {
    /// ## What it does
    /// Finds a container whose `securityContext` does not set `allowPrivilegeEscalation:
    /// false` (it defaults to true).
    ///
    /// ## Why is this bad?
    /// With privilege escalation allowed, a process can gain more privileges than its parent,
    /// through setuid binaries (`sudo`, `su`, `ping` on some images) or file capabilities. Setting
    /// it to false sets the kernel's `no_new_privs` flag, so a compromised non-root process
    /// stays non-root.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   runAsNonRoot: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   runAsNonRoot: true
    ///   allowPrivilegeEscalation: false
    /// ```
    ///
    /// ## References
    /// - [Configure a security context](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    pub static PRIVILEGE_ESCALATION_ALLOWED = {
        code: "HS806",
        name: "privilege-escalation-allowed",
        aliases: ["CKV_K8S_20"],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "A container allows privilege escalation (`allowPrivilegeEscalation` is not false)",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&PRIVILEGE_ESCALATION_ALLOWED) {
        return;
    }
    let mut found = Vec::new();
    for (object, _, container) in checker.containers() {
        let setting = container.security_context.allow_privilege_escalation;
        if setting.is_some_and(|f| !f.value) {
            continue;
        }
        let (message, at_range) = match setting {
            Some(field) => (
                format!(
                    "{} sets `allowPrivilegeEscalation: true`",
                    describe(object, container)
                ),
                range(field.node),
            ),
            None => (
                format!(
                    "{} does not set `allowPrivilegeEscalation: false` (the default allows escalation)",
                    describe(object, container)
                ),
                container_range(container),
            ),
        };
        found.push(
            at(&PRIVILEGE_ESCALATION_ALLOWED, message, at_range)
                .with_help("Set `securityContext.allowPrivilegeEscalation: false`"),
        );
    }
    found.into_iter().for_each(|d| checker.report(d));
}
