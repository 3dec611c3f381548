//! HS609: a port below 1024 exposed by an image that runs as non-root.

use hullscan_diagnostics::{Diagnostic, declare_rule};
use hullscan_image::model::Image;

use crate::config_location;

declare_rule! {
    /// ## What it does
    /// Flags ports below 1024 in `ExposedPorts` when the image runs as a non-root user.
    ///
    /// ## Why is this bad?
    /// Binding a port below 1024 needs `CAP_NET_BIND_SERVICE` (or a runtime that lowers
    /// `net.ipv4.ip_unprivileged_port_start`); under a non-root user the server often fails
    /// to start on runtimes that do not.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER app
    /// EXPOSE 80
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// USER app
    /// EXPOSE 8080
    /// ```
    pub static PRIVILEGED_PORT_NON_ROOT = {
        code: "HS609",
        name: "privileged-port-non-root",
        aliases: [],
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "Port below 1024 exposed by an image that runs as non-root",
    };
}

pub(super) fn check(image: &Image, out: &mut Vec<Diagnostic>) {
    if image.root_user_reason().is_some() {
        return;
    }
    let config = image.container_config();
    let mut low: Vec<&str> = config
        .exposed_ports
        .iter()
        .flatten()
        .map(|(port, _)| port.as_str())
        .filter(|port| {
            port.split('/')
                .next()
                .and_then(|p| p.parse::<u32>().ok())
                .is_some_and(|p| p < 1024)
        })
        .collect();
    low.sort_unstable();
    if !low.is_empty() {
        out.push(
            Diagnostic::new(
                &PRIVILEGED_PORT_NON_ROOT,
                format!(
                    "the image exposes {} but runs as non-root user `{}`",
                    low.join(", "),
                    config.user.clone().unwrap_or_default()
                ),
                config_location(image, "/config/ExposedPorts"),
            )
            .with_help("listen on a port ≥ 1024 and map it with `-p 80:8080`"),
        );
    }
}
