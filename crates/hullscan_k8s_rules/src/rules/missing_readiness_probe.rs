//! HS802: a container without a readiness probe.

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, container_range, describe};

declare_rule! {
    /// ## What it does
    /// Finds a container of a Pod or workload that has no `readinessProbe`.
    ///
    /// ## Why is this bad?
    /// Without a readiness probe a Pod receives traffic as soon as its containers start, before
    /// the application listens, and keeps receiving it while it is overloaded or shutting
    /// down. Rolling updates then drop requests. A readiness probe takes the Pod out of its
    /// Services until it answers.
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
    ///     readinessProbe:
    ///       httpGet: {path: /ready, port: 8080}
    /// ```
    ///
    /// ## References
    /// - [Configure liveness, readiness and startup probes](https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/)
    pub static MISSING_READINESS_PROBE = {
        code: "HS802",
        name: "missing-readiness-probe",
        aliases: ["CKV_K8S_9"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "A container has no readiness probe",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&MISSING_READINESS_PROBE) {
        return;
    }
    let found: Vec<_> = checker
        .pods()
        .flat_map(|(object, pod)| pod.regular_containers().map(move |c| (object, c)))
        .filter(|(_, c)| c.readiness_probe.is_none())
        .map(|(object, c)| {
            at(
                &MISSING_READINESS_PROBE,
                format!("{} has no readiness probe", describe(object, c)),
                container_range(c),
            )
            .with_help("Add a `readinessProbe` so the Pod gets traffic only while it can serve it")
        })
        .collect();
    found.into_iter().for_each(|d| checker.report(d));
}
