//! HS818: no memory limit.

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, container_range, describe};

declare_rule! {
    /// ## What it does
    /// Finds a container (regular or init) without `resources.limits.memory`.
    ///
    /// ## Why is this bad?
    /// Memory is not compressible: a container without a limit that leaks grows until the node
    /// runs out, and the kernel's OOM killer then picks a victim, maybe another team's Pod or a
    /// system daemon. With a limit, only the leaking container is restarted.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   requests: {memory: 128Mi}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// resources:
    ///   requests: {memory: 128Mi}
    ///   limits: {memory: 256Mi}
    /// ```
    ///
    /// ## References
    /// - [Resource management for Pods and containers](https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/)
    pub static MISSING_MEMORY_LIMIT = {
        code: "HS818",
        name: "missing-memory-limit",
        aliases: ["CKV_K8S_13"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "A container has no memory limit",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&MISSING_MEMORY_LIMIT) {
        return;
    }
    let mut found = Vec::new();
    for (object, _, container) in checker.containers() {
        if container.kind == hullscan_k8s::ContainerKind::Ephemeral
            || container.resources.limit("memory").is_some()
        {
            continue;
        }
        found.push(
            at(
                &MISSING_MEMORY_LIMIT,
                format!("{} has no memory limit", describe(object, container)),
                container_range(container),
            )
            .with_help("Set `resources.limits.memory`"),
        );
    }
    found.into_iter().for_each(|d| checker.report(d));
}
