//! HS913: a published container port the Dockerfile does not EXPOSE.

use hullscan_compose::{Kind, Node};
use hullscan_diagnostics::declare_rule;

use crate::{Finding, ServiceCheck};

declare_rule! {
    /// ## What it does
    /// For a service built from a Dockerfile in the repository that `EXPOSE`s ports, finds
    /// `ports:` entries whose container port is not one of them.
    ///
    /// ## Why is this bad?
    /// `EXPOSE` documents where the program listens. A published port that differs usually
    /// means one of the two is stale: the mapping goes to a port nothing listens on, and the
    /// service is unreachable (or a healthcheck probes the wrong port).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     build: .        # Dockerfile: EXPOSE 8080
    ///     ports:
    ///       - "80:80"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     ports:
    ///       - "80:8080"
    /// ```
    pub static PORT_NOT_EXPOSED = {
        code: "HS913",
        name: "compose-port-not-exposed",
        aliases: [],
        severity: Warning,
        category: Suspicious,
        fix: None,
        summary: "Published container port is not EXPOSEd by the service's Dockerfile",
    };
}

/// The container port of a `ports:` entry (`"8080"`, `"80:8080"`, `"127.0.0.1:80:8080/tcp"`,
/// or the long form's `target`); ranges give their first port.
fn container_port(node: &Node) -> Option<u16> {
    let text = match &node.kind {
        Kind::Scalar(s) if !s.unknown => s.text.clone(),
        Kind::Map(_) => node.get("target")?.as_str()?.to_owned(),
        _ => return None,
    };
    let without_protocol = text.split('/').next()?;
    let target = without_protocol.rsplit(':').next()?;
    target.split('-').next()?.trim().parse().ok()
}

pub(crate) fn check(check: &ServiceCheck<'_>, out: &mut Vec<Finding>) {
    let Some(dockerfile) = check.dockerfile else {
        return;
    };
    if dockerfile.exposed.is_empty() {
        return;
    }
    let Some(items) = check.service.get("ports").and_then(|n| n.items()) else {
        return;
    };
    for item in items {
        let Some(port) = container_port(item) else {
            continue;
        };
        if dockerfile.exposed.contains(&port) {
            continue;
        }
        let exposed: Vec<String> = dockerfile.exposed.iter().map(u16::to_string).collect();
        out.push(check.finding(
            &PORT_NOT_EXPOSED,
            item.at,
            format!(
                "service `{}` publishes container port {port}, but {} EXPOSEs {}",
                check.service.name,
                dockerfile.path,
                exposed.join(", ")
            ),
        ));
    }
}
