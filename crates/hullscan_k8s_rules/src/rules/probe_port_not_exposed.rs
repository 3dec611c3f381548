//! HS823: a probe on a port the Dockerfile does not EXPOSE.

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, describe, start_range};

declare_rule! {
    /// ## What it does
    /// For a container whose image is built by a Dockerfile you name (`--dockerfile
    /// IMAGE=PATH`), finds a liveness, readiness or
    /// startup probe on a port that the Dockerfile's final stage does not `EXPOSE`, when it
    /// exposes some.
    ///
    /// ## Why is this bad?
    /// `EXPOSE` documents where the application listens. A probe on another port usually means
    /// one of the two is out of date; the probe then fails, the Pod is never ready, and the
    /// liveness probe restarts it in a loop.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 8080
    /// ```
    /// ```yaml
    /// livenessProbe: {httpGet: {path: /healthz, port: 3000}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// livenessProbe: {httpGet: {path: /healthz, port: 8080}}
    /// ```
    pub static PROBE_PORT_NOT_EXPOSED = {
        code: "HS823",
        name: "probe-port-not-exposed",
        aliases: [],
        severity: Warning,
        category: Suspicious,
        fix: None,
        summary: "A probe checks a port the image's Dockerfile does not EXPOSE",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&PROBE_PORT_NOT_EXPOSED) || checker.options.images.is_empty() {
        return;
    }
    let mut found = Vec::new();
    for (object, pod) in checker.pods() {
        for container in pod.regular_containers() {
            let Some(facts) = checker.dockerfile_facts(container) else {
                continue;
            };
            if facts.exposed_ports.is_empty() {
                continue;
            }
            for (kind, probe) in [
                ("liveness", &container.liveness_probe),
                ("readiness", &container.readiness_probe),
                ("startup", &container.startup_probe),
            ] {
                let Some(probe) = probe else { continue };
                let Some(port) = probe.port.as_ref().and_then(|p| container.resolve_port(p)) else {
                    continue;
                };
                if facts
                    .exposed_ports
                    .iter()
                    .any(|exposed| i64::from(*exposed) == port)
                {
                    continue;
                }
                let exposed: Vec<String> = facts.exposed_ports.iter().map(u16::to_string).collect();
                let where_ = probe
                    .handler
                    .and_then(|(_, h)| h.get("port"))
                    .map_or_else(|| start_range(probe.node), crate::range);
                found.push(
                    at(
                        &PROBE_PORT_NOT_EXPOSED,
                        format!(
                            "{}: the {kind} probe checks port {port}, but its Dockerfile ({}:{}) exposes {}",
                            describe(object, container),
                            facts.dockerfile,
                            facts.expose_line.unwrap_or(0),
                            exposed.join(", ")
                        ),
                        where_,
                    )
                    .with_help("Probe the port the application listens on, or fix the Dockerfile's EXPOSE"),
                );
            }
        }
    }
    found.into_iter().for_each(|d| checker.report(d));
}
