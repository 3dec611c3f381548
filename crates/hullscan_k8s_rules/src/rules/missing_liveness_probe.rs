//! HS801: a container without a liveness probe.

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, container_range, describe};

declare_rule! {
    /// ## What it does
    /// Finds a container of a Pod or workload that has no `livenessProbe`.
    ///
    /// ## Why is this bad?
    /// Kubernetes ignores the Dockerfile's `HEALTHCHECK`. Without a liveness probe, a process
    /// that hangs (deadlock, exhausted pool) but does not exit is never restarted: it keeps its
    /// place and serves nothing. A liveness probe lets the kubelet restart it.
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
    /// containers:
    ///   - name: app
    ///     image: example/app:1.4
    ///     livenessProbe:
    ///       httpGet: {path: /healthz, port: 8080}
    /// ```
    ///
    /// ## References
    /// - [Configure liveness, readiness and startup probes](https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/)
    pub static MISSING_LIVENESS_PROBE = {
        code: "HS801",
        name: "missing-liveness-probe",
        aliases: ["CKV_K8S_8"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "A container has no liveness probe",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&MISSING_LIVENESS_PROBE) {
        return;
    }
    let found: Vec<_> = checker
        .pods()
        .flat_map(|(object, pod)| pod.regular_containers().map(move |c| (object, c)))
        .filter(|(_, c)| c.liveness_probe.is_none())
        .map(|(object, c)| {
            at(
                &MISSING_LIVENESS_PROBE,
                format!("{} has no liveness probe", describe(object, c)),
                container_range(c),
            )
            .with_help("Add a `livenessProbe` (httpGet, tcpSocket, grpc or exec) so a hung process is restarted")
        })
        .collect();
    found.into_iter().for_each(|d| checker.report(d));
}
