//! HS817: no CPU or memory request.

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, container_range, describe};

declare_rule! {
    /// ## What it does
    /// Finds a container (regular or init) without a `resources.requests.cpu` or
    /// `resources.requests.memory`.
    ///
    /// ## Why is this bad?
    /// The scheduler places Pods by their requests. Without them a Pod is `BestEffort`: it can
    /// land on a full node, is the first evicted under pressure, and its neighbours cannot be
    /// protected from it.
    ///
    /// ## Example
    /// ```yaml
    /// resources: {}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// resources:
    ///   requests: {cpu: 100m, memory: 128Mi}
    ///   limits: {memory: 128Mi}
    /// ```
    ///
    /// ## References
    /// - [Resource management for Pods and containers](https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/)
    pub static MISSING_RESOURCE_REQUESTS = {
        code: "HS817",
        name: "missing-resource-requests",
        aliases: ["CKV_K8S_10", "CKV_K8S_12"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "A container has no CPU or memory request",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&MISSING_RESOURCE_REQUESTS) {
        return;
    }
    let mut found = Vec::new();
    for (object, _, container) in checker.containers() {
        if container.kind == hullscan_k8s::ContainerKind::Ephemeral {
            continue;
        }
        let missing: Vec<&str> = ["cpu", "memory"]
            .into_iter()
            .filter(|r| container.resources.request(r).is_none())
            .collect();
        if missing.is_empty() {
            continue;
        }
        found.push(
            at(
                &MISSING_RESOURCE_REQUESTS,
                format!(
                    "{} has no {} request",
                    describe(object, container),
                    missing.join(" or ")
                ),
                container_range(container),
            )
            .with_help("Set `resources.requests.cpu` and `resources.requests.memory`"),
        );
    }
    found.into_iter().for_each(|d| checker.report(d));
}
