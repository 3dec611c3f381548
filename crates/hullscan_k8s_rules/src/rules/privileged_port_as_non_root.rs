//! HS820: a non-root container listening below 1024 without `NET_BIND_SERVICE`.

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, describe, range};

declare_rule! {
    /// ## What it does
    /// Finds a `containerPort` below 1024 in a container that runs as non-root
    /// (`runAsNonRoot: true` or a non-zero `runAsUser`) and does not add `NET_BIND_SERVICE`.
    ///
    /// ## Why is this bad?
    /// Only root, or a process holding `CAP_NET_BIND_SERVICE`, may bind a port below 1024. The
    /// non-root container then fails at start with "permission denied" (runtimes that lower
    /// `net.ipv4.ip_unprivileged_port_start` hide this, others do not). Listen on a high port
    /// and let the Service map 80 to it, or add just that capability.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext: {runAsNonRoot: true, runAsUser: 10001}
    /// ports:
    ///   - containerPort: 80
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext: {runAsNonRoot: true, runAsUser: 10001}
    /// ports:
    ///   - containerPort: 8080
    /// ```
    ///
    /// ## References
    /// - [Linux capabilities: CAP_NET_BIND_SERVICE](https://man7.org/linux/man-pages/man7/capabilities.7.html)
    pub static PRIVILEGED_PORT_AS_NON_ROOT = {
        code: "HS820",
        name: "privileged-port-as-non-root-container",
        aliases: ["KSV117"],
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "A non-root container listens below 1024 without `NET_BIND_SERVICE`",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&PRIVILEGED_PORT_AS_NON_ROOT) {
        return;
    }
    let mut found = Vec::new();
    for (object, pod, container) in checker.containers() {
        let user = pod.run_as_user(container).map(|f| f.value);
        let non_root = match user {
            Some(0) => false,
            Some(_) => true,
            None => pod.run_as_non_root(container).is_some_and(|f| f.value),
        };
        if !non_root || container.security_context.adds("NET_BIND_SERVICE") {
            continue;
        }
        for port in &container.ports {
            let number = port.container_port.value;
            if !(1..1024).contains(&number) {
                continue;
            }
            found.push(
                at(
                    &PRIVILEGED_PORT_AS_NON_ROOT,
                    format!(
                        "{} runs as non-root but listens on port {number}, below 1024, without `NET_BIND_SERVICE`",
                        describe(object, container)
                    ),
                    range(port.container_port.node),
                )
                .with_help("Listen on a port above 1023 (map it in the Service), or add the `NET_BIND_SERVICE` capability"),
            );
        }
    }
    found.into_iter().for_each(|d| checker.report(d));
}
