//! HS901: a service built from a Dockerfile without HEALTHCHECK, and no `healthcheck:` either.

use hullscan_diagnostics::declare_rule;

use crate::{Finding, ServiceCheck};

declare_rule! {
    /// ## What it does
    /// Finds a Compose service with no `healthcheck:` whose image, built from a Dockerfile in
    /// the repository (`build:`), has no `HEALTHCHECK` either.
    ///
    /// ## Why is this bad?
    /// Without a health check Docker only knows whether the process runs, not whether it
    /// serves: `depends_on: condition: service_healthy` cannot wait for it, restarts and
    /// rolling updates cannot tell a hung service from a healthy one, and `docker ps` shows
    /// no health. Services built elsewhere (an `image:` only) are not judged: their image may
    /// carry a HEALTHCHECK hullscan cannot see.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     build: .          # its Dockerfile has no HEALTHCHECK
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     build: .
    ///     healthcheck:
    ///       test: ["CMD", "wget", "-qO-", "http://localhost:8080/health"]
    ///       interval: 30s
    /// ```
    pub static MISSING_HEALTHCHECK = {
        code: "HS901",
        name: "compose-missing-healthcheck",
        aliases: [],
        severity: Info,
        category: BestPractice,
        fix: None,
        summary: "Service has no healthcheck and neither has its Dockerfile",
    };
}

pub(crate) fn check(check: &ServiceCheck<'_>, out: &mut Vec<Finding>) {
    if check.service.get("healthcheck").is_some() {
        return;
    }
    let Some(dockerfile) = check.dockerfile else {
        return;
    };
    if dockerfile.healthcheck_line.is_some() {
        return;
    }
    out.push(check.finding(
        &MISSING_HEALTHCHECK,
        check.service_site(),
        format!(
            "service `{}` has no healthcheck, and its Dockerfile {} has no HEALTHCHECK",
            check.service.name, dockerfile.path
        ),
    ));
}
