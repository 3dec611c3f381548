//! HS908: the Docker socket mounted into a service.

use hullscan_diagnostics::declare_rule;

use crate::{Finding, ServiceCheck};

declare_rule! {
    /// ## What it does
    /// Finds services that mount the Docker daemon's socket (`/var/run/docker.sock`,
    /// `/run/docker.sock`, or the rootless/Podman equivalents).
    ///
    /// ## Why is this bad?
    /// Whoever can talk to the socket can start a privileged container with the host's root
    /// filesystem mounted: the service is root on the host, read-only mount or not. Use a
    /// socket proxy that allows only the API calls the service needs, or drop the mount.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ui:
    ///     image: example/ui:1.0
    ///     volumes:
    ///       - /var/run/docker.sock:/var/run/docker.sock
    /// ```
    ///
    /// Use instead: point the service at a filtering proxy (`DOCKER_HOST=tcp://proxy:2375`).
    pub static DOCKER_SOCKET_MOUNTED = {
        code: "HS908",
        name: "compose-docker-socket",
        aliases: ["CL-0001"],
        severity: Error,
        category: Security,
        fix: None,
        summary: "Service mounts the Docker socket",
    };
}

pub(crate) fn is_docker_socket(path: &str) -> bool {
    path.ends_with("/docker.sock")
        || path.ends_with("/podman.sock")
        || path.ends_with("/containerd.sock")
}

pub(crate) fn check(check: &ServiceCheck<'_>, out: &mut Vec<Finding>) {
    for mount in check.service.mounts() {
        if mount.kind != "bind" {
            continue;
        }
        let Some(source) = &mount.source else {
            continue;
        };
        if is_docker_socket(source) {
            out.push(check.finding(
                &DOCKER_SOCKET_MOUNTED,
                mount.at,
                format!(
                    "service `{}` mounts the Docker socket {source}: it can control the host",
                    check.service.name
                ),
            ));
        }
    }
}
