//! HS812: the container runtime socket mounted.

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, range};

declare_rule! {
    /// ## What it does
    /// Finds a `hostPath` volume on the container runtime's socket: `docker.sock`,
    /// `containerd.sock`, `crio.sock` (or the directory that holds it, `/var/run`, `/run`).
    ///
    /// ## Why is this bad?
    /// Whoever can talk to the runtime socket can start a privileged container with the host's
    /// root filesystem mounted: it is root on the node, and from there on the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: docker
    ///     hostPath: {path: /var/run/docker.sock}
    /// ```
    ///
    /// Use instead: build images with a daemonless builder (BuildKit rootless, kaniko) and read
    /// container metadata from the Kubernetes API.
    ///
    /// ## References
    /// - [Docker daemon attack surface](https://docs.docker.com/engine/security/#docker-daemon-attack-surface)
    pub static DOCKER_SOCKET_MOUNTED = {
        code: "HS812",
        name: "docker-socket-mounted",
        aliases: ["CKV_K8S_27"],
        severity: Error,
        category: Security,
        fix: None,
        summary: "A Pod mounts the container runtime socket",
    };
}

/// Whether a host path is a container runtime socket or a directory holding one.
pub(crate) fn is_runtime_socket(path: &str) -> bool {
    let path = path.trim_end_matches('/');
    [
        "docker.sock",
        "containerd.sock",
        "crio.sock",
        "dockershim.sock",
    ]
    .iter()
    .any(|socket| path.ends_with(socket))
        || matches!(
            path,
            "/var/run" | "/run" | "/var/run/docker" | "/run/containerd"
        )
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&DOCKER_SOCKET_MOUNTED) {
        return;
    }
    let mut found = Vec::new();
    for (object, pod) in checker.pods() {
        for volume in &pod.volumes {
            let Some(path) = volume.host_path else {
                continue;
            };
            if !is_runtime_socket(path.value) {
                continue;
            }
            found.push(
                at(
                    &DOCKER_SOCKET_MOUNTED,
                    format!(
                        "{} mounts the container runtime socket `{}`",
                        object.display_name(),
                        path.value
                    ),
                    range(path.node),
                )
                .with_help("Do not mount the runtime socket; it gives root on the node"),
            );
        }
    }
    found.into_iter().for_each(|d| checker.report(d));
}
