//! HS907: `privileged: true`.

use hullscan_diagnostics::declare_rule;

use crate::{Finding, ServiceCheck};

declare_rule! {
    /// ## What it does
    /// Finds services with `privileged: true`.
    ///
    /// ## Why is this bad?
    /// A privileged container gets every capability, all host devices and no seccomp or
    /// AppArmor confinement: a process that escapes it owns the host. Grant the one capability
    /// or device the service needs instead.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:1.2
    ///     privileged: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:1.2
    ///     cap_add: [NET_ADMIN]
    /// ```
    pub static PRIVILEGED = {
        code: "HS907",
        name: "compose-privileged",
        aliases: ["CL-0002"],
        severity: Error,
        category: Security,
        fix: None,
        summary: "Service runs privileged",
    };
}

pub(crate) fn check(check: &ServiceCheck<'_>, out: &mut Vec<Finding>) {
    let Some(node) = check.service.get("privileged") else {
        return;
    };
    if node.as_bool() == Some(true) {
        out.push(check.finding(
            &PRIVILEGED,
            node.at,
            format!("service `{}` runs privileged", check.service.name),
        ));
    }
}
