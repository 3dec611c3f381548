//! HS902: `healthcheck: disable` on a service whose Dockerfile has a HEALTHCHECK.

use hullscan_diagnostics::declare_rule;

use crate::{Finding, ServiceCheck};

declare_rule! {
    /// ## What it does
    /// Finds a Compose service that turns its image's health check off (`disable: true` or
    /// `test: ["NONE"]`) when the Dockerfile it is built from defines a `HEALTHCHECK`.
    ///
    /// ## Why is this bad?
    /// The image's author wrote a health check for a reason; disabling it in Compose hides a
    /// hung service from `depends_on: service_healthy`, restarts and `docker ps`. Often it was
    /// disabled during debugging and never turned back on.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     build: .            # Dockerfile: HEALTHCHECK CMD curl -f http://localhost/
    ///     healthcheck:
    ///       disable: true
    /// ```
    ///
    /// Use instead: remove the `healthcheck:` override, or tune its `interval`/`timeout`.
    pub static HEALTHCHECK_DISABLED = {
        code: "HS902",
        name: "compose-healthcheck-disabled",
        aliases: [],
        severity: Warning,
        category: Suspicious,
        fix: None,
        summary: "Service disables the HEALTHCHECK its Dockerfile defines",
    };
}

pub(crate) fn check(check: &ServiceCheck<'_>, out: &mut Vec<Finding>) {
    let Some(healthcheck) = check.service.healthcheck() else {
        return;
    };
    if !healthcheck.disabled {
        return;
    }
    let Some(dockerfile) = check.dockerfile else {
        return;
    };
    let Some(line) = dockerfile.healthcheck_line else {
        return;
    };
    out.push(check.finding(
        &HEALTHCHECK_DISABLED,
        healthcheck.at,
        format!(
            "the healthcheck is disabled, but {}:{line} defines a HEALTHCHECK",
            dockerfile.path
        ),
    ));
}
