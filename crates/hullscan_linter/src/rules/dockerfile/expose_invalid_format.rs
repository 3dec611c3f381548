//! HS321: `EXPOSE` with an IP address or a host port (BuildKit's `ExposeInvalidFormat`).

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::Instruction;

use super::buildkit_facts::{container_port, exposed_ports};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `EXPOSE` entries that name an IP address or a host port (`127.0.0.1:80:80`,
    /// `8080:80`), as BuildKit's `ExposeInvalidFormat` check does.
    ///
    /// ## Why is this bad?
    /// `EXPOSE` only documents which container ports the image listens on; which host address
    /// and port they are published on is decided by `docker run -p`, not by the image. Docker
    /// accepts the mapping syntax for historical reasons but plans to reject it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 8080:80
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80
    /// ```
    ///
    /// ## References
    /// - [BuildKit check ExposeInvalidFormat](https://docs.docker.com/reference/build-checks/expose-invalid-format/)
    pub static EXPOSE_INVALID_FORMAT = {
        code: "HS321",
        name: "expose-invalid-format",
        aliases: ["ExposeInvalidFormat"],
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "`EXPOSE` names an IP address or host port",
    };
}

/// HS321
pub(crate) fn expose_invalid_format(
    checker: &mut Checker,
    index: usize,
    instruction: &Instruction,
) {
    for (word, ports) in exposed_ports(checker, index, instruction) {
        for port in &ports {
            // `[ip:]host:container`: anything before the container port is a mapping.
            if !port.contains(':') {
                continue;
            }
            let container = container_port(port);
            checker.report(
                Diagnostic::new(
                    &EXPOSE_INVALID_FORMAT,
                    format!("EXPOSE instruction should not define an IP address or host-port mapping, found '{port}'"),
                    Location::Text(word.range),
                )
                .with_help(format!("Expose only the container port (`EXPOSE {container}`) and publish it with `docker run -p`")),
            );
        }
    }
}
