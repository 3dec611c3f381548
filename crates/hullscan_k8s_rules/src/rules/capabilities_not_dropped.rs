//! HS808: capabilities not dropped.

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, container_range, describe, start_range};

declare_rule! {
    /// ## What it does
    /// Finds a container whose `securityContext.capabilities.drop` does not hold `ALL`.
    ///
    /// ## Why is this bad?
    /// Container runtimes grant a default set of Linux capabilities (`NET_RAW`, `CHOWN`,
    /// `SETUID`, `DAC_OVERRIDE` and others). Most applications need none of them; each is a
    /// tool for an attacker (`NET_RAW` allows spoofed packets on the node's network). Drop
    /// them all and add back only what is needed.
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
    ///   capabilities:
    ///     drop: [ALL]
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: restricted](https://kubernetes.io/docs/concepts/security/pod-security-standards/)
    pub static CAPABILITIES_NOT_DROPPED = {
        code: "HS808",
        name: "capabilities-not-dropped",
        aliases: ["CKV_K8S_37"],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "A container does not drop all capabilities",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&CAPABILITIES_NOT_DROPPED) {
        return;
    }
    let mut found = Vec::new();
    for (object, _, container) in checker.containers() {
        let context = &container.security_context;
        if context.drops_all() {
            continue;
        }
        let where_ = context
            .capabilities
            .map_or_else(|| container_range(container), start_range);
        found.push(
            at(
                &CAPABILITIES_NOT_DROPPED,
                format!(
                    "{} keeps the runtime's default capabilities (no `capabilities.drop: [ALL]`)",
                    describe(object, container)
                ),
                where_,
            )
            .with_help(
                "Set `securityContext.capabilities.drop: [ALL]` and add back only what is needed",
            ),
        );
    }
    found.into_iter().for_each(|d| checker.report(d));
}
