//! HS211: `EXPOSE` of a port above 65535.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::{Arguments, Instruction};

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `EXPOSE` ports (or ends of port ranges) above 65535, the largest TCP/UDP port.
    /// Ports written with a variable are not checked.
    ///
    /// ## Why is this bad?
    /// Such a port cannot exist. The number is a typo (an extra digit) or a mix-up, and the
    /// image documents a port the application cannot be listening on.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80800
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 8080
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3011`
    pub static EXPOSE_PORT_OUT_OF_RANGE = {
        code: "HS211",
        name: "expose-port-out-of-range",
        aliases: ["DL3011"],
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "`EXPOSE` of a port number above 65535",
    };
}

/// The port numbers in an EXPOSE word that are out of range (`80000`, both ends of
/// `40000-80000/tcp`); words with variables are skipped.
fn out_of_range_ports(word: &str) -> Vec<u64> {
    if word.contains('$') {
        return Vec::new();
    }
    let port = word.split('/').next().unwrap_or(word);
    // `ip:host:container` and `host:container` mappings: the container port is last.
    let port = port.rsplit(':').next().unwrap_or(port);
    port.split('-')
        .filter(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|part| part.parse::<u64>().ok().or(Some(u64::MAX)))
        .filter(|number| *number > 65535)
        .collect()
}

/// HS211
pub(crate) fn expose_port_out_of_range(checker: &mut Checker, _: usize, instruction: &Instruction) {
    let Arguments::Words(words) = &instruction.args else {
        return;
    };
    for word in words {
        if let Some(port) = out_of_range_ports(&word.value).first() {
            let shown = if *port == u64::MAX {
                word.value.clone()
            } else {
                port.to_string()
            };
            checker.report_at(
                &EXPOSE_PORT_OUT_OF_RANGE,
                format!("port {shown} is out of range: ports go up to 65535"),
                word.range,
                Some("Use a port number between 1 and 65535"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::out_of_range_ports;

    #[test]
    fn ports() {
        assert_eq!(out_of_range_ports("80000"), [80000]);
        assert_eq!(out_of_range_ports("40000-80000/tcp"), [80000]);
        assert!(out_of_range_ports("60000").is_empty());
        assert!(out_of_range_ports("40000-${X}").is_empty());
        assert!(out_of_range_ports("8080:80/udp").is_empty());
        assert_eq!(out_of_range_ports("99999999999999999999999"), [u64::MAX]);
    }
}
