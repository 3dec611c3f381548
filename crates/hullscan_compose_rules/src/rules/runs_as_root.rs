//! HS904: a service that runs as root.

use hullscan_diagnostics::declare_rule;

use crate::dockerfile_facts::is_root_user;
use crate::{Finding, ServiceCheck};

declare_rule! {
    /// ## What it does
    /// Finds services that run as root: `user:` set to `root` or `0` (also `root:x`, `0:x`),
    /// or no `user:` where the image gives no non-root user. When the service is built from a
    /// Dockerfile in the repository, its final `USER` decides; a `user: root` that overrides a
    /// non-root Dockerfile `USER` is reported with the Dockerfile line. For a service with only
    /// an `image:`, hullscan cannot see the image's USER and says so.
    ///
    /// ## Why is this bad?
    /// Root in the container is root on the host's kernel: a container escape or a writable
    /// host mount becomes a host compromise. Docker's guidance is to run services as an
    /// unprivileged user.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     build: .        # Dockerfile: USER app
    ///     user: root
    /// ```
    ///
    /// Use instead: drop the override, or set `user: "10001:10001"`.
    pub static RUNS_AS_ROOT = {
        code: "HS904",
        name: "compose-runs-as-root",
        aliases: ["CL-0018"],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "Service runs as root",
    };
}

pub(crate) fn check(check: &ServiceCheck<'_>, out: &mut Vec<Finding>) {
    let name = &check.service.name;
    if let Some(node) = check.service.user() {
        let Some(scalar) = node.scalar() else { return };
        if scalar.unknown || !is_root_user(&scalar.text) {
            return;
        }
        let message = match check.dockerfile.and_then(|d| {
            d.user
                .as_ref()
                .filter(|_| d.runs_as_non_root())
                .map(|(user, line)| (d, user, line))
        }) {
            Some((dockerfile, user, line)) => format!(
                "service `{name}` sets `user: {}`, overriding USER {user} at {}:{line}",
                scalar.text, dockerfile.path
            ),
            None => format!("service `{name}` runs as root (`user: {}`)", scalar.text),
        };
        out.push(check.finding(&RUNS_AS_ROOT, node.at, message));
        return;
    }
    let message = match check.dockerfile {
        Some(dockerfile) if dockerfile.runs_as_non_root() => return,
        Some(dockerfile) => format!(
            "service `{name}` has no `user:` and its Dockerfile {} sets no non-root USER: it runs as root",
            dockerfile.path
        ),
        None if check.service.get("build").is_some() => return,
        None => format!(
            "service `{name}` has no `user:`; it runs as root unless its image sets a non-root USER"
        ),
    };
    out.push(check.finding(&RUNS_AS_ROOT, check.service_site(), message));
}
