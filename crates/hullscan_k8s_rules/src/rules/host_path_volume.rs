//! HS811: a `hostPath` volume.

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, range};

declare_rule! {
    /// ## What it does
    /// Finds a Pod volume of type `hostPath` (the container runtime sockets are HS812).
    ///
    /// ## Why is this bad?
    /// A `hostPath` volume ties the Pod to one node's filesystem and opens it to the
    /// container: writable host paths let a compromised container change the node (`/etc`,
    /// `/var/lib/kubelet`, `/root/.ssh`); even read-only ones leak its secrets. State kept
    /// there is lost when the Pod moves. Use a PersistentVolume, a ConfigMap or an `emptyDir`.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: data
    ///     hostPath: {path: /var/lib/app}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// volumes:
    ///   - name: data
    ///     persistentVolumeClaim: {claimName: app-data}
    /// ```
    ///
    /// ## References
    /// - [Volumes: hostPath](https://kubernetes.io/docs/concepts/storage/volumes/#hostpath)
    pub static HOST_PATH_VOLUME = {
        code: "HS811",
        name: "host-path-volume",
        aliases: ["KSV023"],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "A Pod mounts a host path",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&HOST_PATH_VOLUME) {
        return;
    }
    let mut found = Vec::new();
    for (object, pod) in checker.pods() {
        for volume in &pod.volumes {
            let Some(path) = volume.host_path else {
                continue;
            };
            if super::docker_socket_mounted::is_runtime_socket(path.value) {
                continue;
            }
            found.push(
                at(
                    &HOST_PATH_VOLUME,
                    format!(
                        "{} mounts the host path `{}`",
                        object.display_name(),
                        path.value
                    ),
                    range(path.node),
                )
                .with_help("Use a PersistentVolumeClaim, ConfigMap, Secret or emptyDir instead of hostPath"),
            );
        }
    }
    found.into_iter().for_each(|d| checker.report(d));
}
