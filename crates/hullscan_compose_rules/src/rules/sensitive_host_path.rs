//! HS909: a sensitive host path mounted writable.

use hullscan_diagnostics::declare_rule;

use crate::rules::docker_socket_mounted::is_docker_socket;
use crate::{Finding, ServiceCheck};

declare_rule! {
    /// ## What it does
    /// Finds writable bind mounts of host paths that hold the host's system or credentials:
    /// `/`, `/etc`, `/root`, `/boot`, `/dev`, `/proc`, `/sys`, `/usr`, `/lib`, `/var/lib/docker`,
    /// `/var/run`, `/run`, and `~/.ssh`, `~/.aws`, `~/.kube`, `~/.docker` (the Docker socket
    /// has its own rule, HS908). Read-only mounts (`:ro`) are not reported.
    ///
    /// ## Why is this bad?
    /// A process in the container that can write there can change the host: add a cron job or
    /// an SSH key, replace a binary, or read and reuse credentials. Mount only the
    /// sub-directory the service needs, read-only where possible.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   backup:
    ///     image: example/backup:2
    ///     volumes:
    ///       - /etc:/host-etc
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     volumes:
    ///       - /etc/myapp:/host-etc/myapp:ro
    /// ```
    pub static SENSITIVE_HOST_PATH = {
        code: "HS909",
        name: "compose-sensitive-host-path",
        aliases: ["CL-0025"],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "Service mounts a sensitive host path writable",
    };
}

const SYSTEM: &[&str] = &[
    "/",
    "/etc",
    "/root",
    "/boot",
    "/dev",
    "/proc",
    "/sys",
    "/usr",
    "/lib",
    "/lib64",
    "/bin",
    "/sbin",
    "/var/lib/docker",
    "/var/run",
    "/run",
];
const HOME_SECRETS: &[&str] = &["/.ssh", "/.aws", "/.kube", "/.docker", "/.gnupg"];

fn is_sensitive(source: &str) -> bool {
    let trimmed = source.trim_end_matches('/');
    let path = if trimmed.is_empty() { "/" } else { trimmed };
    if SYSTEM.contains(&path) {
        return true;
    }
    [
        "/etc/",
        "/root/",
        "/boot/",
        "/proc/",
        "/sys/",
        "/var/lib/docker/",
    ]
    .iter()
    .any(|prefix| path.starts_with(prefix))
        || HOME_SECRETS.iter().any(|s| path.contains(s))
}

pub(crate) fn check(check: &ServiceCheck<'_>, out: &mut Vec<Finding>) {
    for mount in check.service.mounts() {
        if mount.kind != "bind" || mount.read_only {
            continue;
        }
        let Some(source) = &mount.source else {
            continue;
        };
        if is_docker_socket(source) || !is_sensitive(source) {
            continue;
        }
        out.push(check.finding(
            &SENSITIVE_HOST_PATH,
            mount.at,
            format!(
                "service `{}` mounts the host path {source} writable at {}",
                check.service.name, mount.target
            ),
        ));
    }
}
