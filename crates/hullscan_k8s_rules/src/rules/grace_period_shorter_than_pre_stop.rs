//! HS813: `terminationGracePeriodSeconds` too short for the `preStop` hook.

use hullscan_diagnostics::{Location, declare_rule};

use crate::{Checker, at, describe, range, start_range};

/// Kubernetes' default `terminationGracePeriodSeconds`.
const DEFAULT_GRACE_SECONDS: i64 = 30;

declare_rule! {
    /// ## What it does
    /// Finds a Pod whose `terminationGracePeriodSeconds` (30 when unset) is shorter than a
    /// container's `preStop` sleep plus a drain margin of 5 s for the application to finish
    /// its requests after SIGTERM.
    ///
    /// ## Why is this bad?
    /// The grace period starts when the Pod is asked to stop, and the `preStop` hook runs inside
    /// it. A `preStop: sleep 25` (the usual way to let endpoints and load balancers forget the
    /// Pod) with the default 30 s leaves 5 s for the application to finish its requests after
    /// SIGTERM; with `terminationGracePeriodSeconds: 5` the kubelet kills the container with
    /// SIGKILL while it is still sleeping, and in-flight requests fail. It is the Kubernetes
    /// form of Docker's 10 s stop timeout.
    ///
    /// ## Example
    /// ```yaml
    /// terminationGracePeriodSeconds: 10
    /// containers:
    ///   - name: app
    ///     lifecycle:
    ///       preStop:
    ///         exec: {command: [sleep, "15"]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// terminationGracePeriodSeconds: 30
    /// ```
    ///
    /// ## References
    /// - [Pod lifecycle: termination of Pods](https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination)
    /// - [Container hooks](https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/)
    pub static GRACE_PERIOD_SHORTER_THAN_PRE_STOP = {
        code: "HS813",
        name: "grace-period-shorter-than-pre-stop",
        aliases: [],
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "`terminationGracePeriodSeconds` is shorter than the `preStop` sleep plus a drain margin",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&GRACE_PERIOD_SHORTER_THAN_PRE_STOP) {
        return;
    }
    let margin = i64::try_from(checker.options.drain_margin_seconds).unwrap_or(i64::MAX);
    let mut found = Vec::new();
    for (object, pod) in checker.pods() {
        let grace = pod.termination_grace_period_seconds;
        let grace_seconds = grace.map_or(DEFAULT_GRACE_SECONDS, |f| f.value);
        for container in pod.regular_containers() {
            let Some(sleep) = container.pre_stop.as_ref().and_then(|p| p.sleep_seconds) else {
                continue;
            };
            let sleep_seconds = i64::try_from(sleep.value).unwrap_or(i64::MAX);
            let needed = sleep_seconds.saturating_add(margin);
            if grace_seconds >= needed {
                continue;
            }
            let (message, where_) = match grace {
                Some(field) => (
                    format!(
                        "{}: `terminationGracePeriodSeconds: {grace_seconds}` is shorter than the `preStop` sleep ({sleep_seconds} s) plus {margin} s to drain",
                        describe(object, container)
                    ),
                    range(field.node),
                ),
                None => (
                    format!(
                        "{}: the default grace period ({grace_seconds} s) is shorter than the `preStop` sleep ({sleep_seconds} s) plus {margin} s to drain",
                        describe(object, container)
                    ),
                    start_range(
                        container
                            .pre_stop
                            .as_ref()
                            .map_or(container.node, |p| p.node),
                    ),
                ),
            };
            found.push(
                at(&GRACE_PERIOD_SHORTER_THAN_PRE_STOP, message, where_)
                    .with_related(Location::Text(range(sleep.node)), "the `preStop` sleep")
                    .with_help(format!(
                        "Set `terminationGracePeriodSeconds` to at least {needed}"
                    )),
            );
        }
    }
    found.into_iter().for_each(|d| checker.report(d));
}
