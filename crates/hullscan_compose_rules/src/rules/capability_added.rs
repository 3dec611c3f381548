//! HS910: `cap_add` beyond NET_BIND_SERVICE.

use hullscan_diagnostics::declare_rule;

use crate::{Finding, ServiceCheck};

declare_rule! {
    /// ## What it does
    /// Finds capabilities added with `cap_add` other than `NET_BIND_SERVICE` (the one a
    /// non-root service needs to listen on a port below 1024).
    ///
    /// ## Why is this bad?
    /// Each capability is a slice of root: `SYS_ADMIN` is nearly all of it, `NET_ADMIN`
    /// rewrites the network, `SYS_PTRACE` reads other processes' memory, `ALL` is
    /// `privileged` without the devices. Add one only with a reason, and prefer `cap_drop:
    /// [ALL]` plus the few needed.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     cap_add: [SYS_ADMIN]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     cap_drop: [ALL]
    ///     cap_add: [NET_BIND_SERVICE]
    /// ```
    pub static CAPABILITY_ADDED = {
        code: "HS910",
        name: "compose-capability-added",
        aliases: [],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "Service adds a capability beyond NET_BIND_SERVICE",
    };
}

pub(crate) fn check(check: &ServiceCheck<'_>, out: &mut Vec<Finding>) {
    let Some(items) = check.service.get("cap_add").and_then(|n| n.items()) else {
        return;
    };
    for item in items {
        let Some(text) = item.as_str() else { continue };
        let upper = text.trim().to_ascii_uppercase();
        let name = upper.strip_prefix("CAP_").unwrap_or(&upper);
        if name == "NET_BIND_SERVICE" {
            continue;
        }
        out.push(check.finding(
            &CAPABILITY_ADDED,
            item.at,
            format!(
                "service `{}` adds the capability {name}",
                check.service.name
            ),
        ));
    }
}
