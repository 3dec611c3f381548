//! HS803: liveness and readiness probes that are the same.

use hullscan_diagnostics::{Location, declare_rule};

use crate::{Checker, at, describe, range, start_range};

declare_rule! {
    /// ## What it does
    /// Finds a container whose `livenessProbe` and `readinessProbe` are identical (same
    /// handler, port, path and timings).
    ///
    /// ## Why is this bad?
    /// The two probes answer different questions. Readiness says "send me traffic now"; it
    /// should fail while the Pod is overloaded or draining. Liveness says "restart me"; it
    /// should fail only when the process is beyond recovery. With the same check, a Pod that is
    /// merely busy is restarted along with the others that fail the same check, and a short
    /// overload turns into a cascade of restarts.
    ///
    /// ## Example
    /// ```yaml
    /// livenessProbe:
    ///   httpGet: {path: /health, port: 8080}
    /// readinessProbe:
    ///   httpGet: {path: /health, port: 8080}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// livenessProbe:
    ///   httpGet: {path: /livez, port: 8080}
    ///   failureThreshold: 6
    /// readinessProbe:
    ///   httpGet: {path: /readyz, port: 8080}
    /// ```
    ///
    /// ## References
    /// - [Configure liveness, readiness and startup probes](https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/)
    pub static IDENTICAL_PROBES = {
        code: "HS803",
        name: "identical-liveness-readiness-probes",
        aliases: ["pod-probes-identical"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "Liveness and readiness probes are identical",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&IDENTICAL_PROBES) {
        return;
    }
    let mut found = Vec::new();
    for (object, _, container) in checker.containers() {
        let (Some(live), Some(ready)) = (&container.liveness_probe, &container.readiness_probe)
        else {
            continue;
        };
        if hullscan_k8s::same_value(live.node, ready.node) {
            let key = container
                .node
                .entry("readinessProbe")
                .map_or_else(|| start_range(ready.node), |e| range(&e.key));
            found.push(
                at(
                    &IDENTICAL_PROBES,
                    format!(
                        "{}: the readiness probe is the same as the liveness probe",
                        describe(object, container)
                    ),
                    key,
                )
                .with_related(
                    Location::Text(start_range(live.node)),
                    "the liveness probe",
                )
                .with_help("Make liveness fail only when the process must be restarted (its own endpoint, a higher failureThreshold)"),
            );
        }
    }
    found.into_iter().for_each(|d| checker.report(d));
}
