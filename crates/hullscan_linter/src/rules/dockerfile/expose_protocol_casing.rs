//! HS320: an `EXPOSE` protocol not in lower case (BuildKit's `ExposeProtoCasing`).

use hullscan_diagnostics::{Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::Instruction;

use super::buildkit_facts::{container_port, exposed_ports};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `EXPOSE` ports whose protocol is not written in lower case (`80/TCP`), as
    /// BuildKit's `ExposeProtoCasing` check does.
    ///
    /// ## Why is this bad?
    /// Docker's protocols are `tcp`, `udp` and `sctp` in lower case. Other tools that read the
    /// image's exposed ports may not recognise `TCP`, and the mixed spelling is inconsistent.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80/TCP
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80/tcp
    /// ```
    ///
    /// ## Fix safety
    /// When the port is written literally (no variables), the fix lower-cases the protocol,
    /// which Docker itself does when it records the port: safe.
    ///
    /// ## References
    /// - [BuildKit check ExposeProtoCasing](https://docs.docker.com/reference/build-checks/expose-proto-casing/)
    pub static EXPOSE_PROTOCOL_CASING = {
        code: "HS320",
        name: "expose-protocol-casing",
        aliases: ["ExposeProtoCasing"],
        severity: Warning,
        category: Style,
        fix: Sometimes,
        summary: "`EXPOSE` protocol is not lower case",
    };
}

/// HS320
pub(crate) fn expose_protocol_casing(
    checker: &mut Checker,
    index: usize,
    instruction: &Instruction,
) {
    for (word, ports) in exposed_ports(checker, index, instruction) {
        for port in &ports {
            // The protocol is what follows the first `/` of the container port.
            let Some(protocol) = container_port(port).split('/').nth(1) else {
                continue;
            };
            let lower = protocol.to_lowercase();
            if lower == protocol {
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                &EXPOSE_PROTOCOL_CASING,
                format!("Defined protocol '{port}' in EXPOSE instruction should be lowercase"),
                Location::Text(word.range),
            );
            if ports.len() == 1 && *port == word.value {
                let fixed = format!("{}{lower}", &port[..port.len() - protocol.len()]);
                let title = format!("Write `{fixed}`");
                diagnostic = diagnostic
                    .with_help(title.clone())
                    .with_fix(Fix::safe(title, Edit::replacement(fixed, word.range)));
            } else {
                diagnostic = diagnostic.with_help(format!("Write the protocol as `{lower}`"));
            }
            checker.report(diagnostic);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EXPOSE_PROTOCOL_CASING as RULE;
    use crate::rules::dockerfile::buildkit_facts::testing::{fixed, messages};

    #[test]
    fn one_finding_per_port_and_a_literal_fix() {
        assert_eq!(
            messages(&RULE, "FROM a\nEXPOSE 80/TcP 8080/TCP 8080/udp\n"),
            [
                "Defined protocol '80/TcP' in EXPOSE instruction should be lowercase",
                "Defined protocol '8080/TCP' in EXPOSE instruction should be lowercase"
            ]
        );
        assert_eq!(
            fixed(&RULE, "FROM a\nEXPOSE 80/TCP 53/Udp\n"),
            "FROM a\nEXPOSE 80/tcp 53/udp\n"
        );
        // A variable's value cannot be fixed in place.
        assert_eq!(
            fixed(&RULE, "FROM a\nENV P=80/TCP\nEXPOSE $P\n"),
            "FROM a\nENV P=80/TCP\nEXPOSE $P\n"
        );
        assert_eq!(
            messages(&RULE, "FROM a\nENV P=80/TCP\nEXPOSE $P\n").len(),
            1
        );
    }
}
