//! HS819: no CPU limit (off by default).

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, container_range, describe};

declare_rule! {
    /// ## What it does
    /// Finds a container (regular or init) without `resources.limits.cpu`. **Off by default**:
    /// select it (`--extend-select HS819`) where policy requires CPU limits.
    ///
    /// ## Why is this bad?
    /// Without a CPU limit a busy container can use every idle core, which makes its latency
    /// depend on its neighbours and hides capacity problems until the node is full.
    ///
    /// ## Known problems
    /// CPU limits are disputed: the CFS quota throttles a container even when the node is idle,
    /// which adds tail latency, so many teams set CPU requests only (kube-score #30, Checkov
    /// #7226). That is why this rule is off by default.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   requests: {cpu: 250m}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// resources:
    ///   requests: {cpu: 250m}
    ///   limits: {cpu: "1"}
    /// ```
    ///
    /// ## References
    /// - [Resource management for Pods and containers](https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/)
    pub static MISSING_CPU_LIMIT = {
        code: "HS819",
        name: "missing-cpu-limit",
        aliases: ["CKV_K8S_11"],
        severity: Info,
        category: BestPractice,
        fix: None,
        summary: "A container has no CPU limit (off by default: CPU limits are disputed)",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&MISSING_CPU_LIMIT) {
        return;
    }
    let mut found = Vec::new();
    for (object, _, container) in checker.containers() {
        if container.kind == hullscan_k8s::ContainerKind::Ephemeral
            || container.resources.limit("cpu").is_some()
        {
            continue;
        }
        found.push(
            at(
                &MISSING_CPU_LIMIT,
                format!("{} has no CPU limit", describe(object, container)),
                container_range(container),
            )
            .with_help("Set `resources.limits.cpu`"),
        );
    }
    found.into_iter().for_each(|d| checker.report(d));
}
