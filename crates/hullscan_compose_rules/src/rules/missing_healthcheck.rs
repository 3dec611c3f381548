//! HS901: a service others reach or wait for, built from a Dockerfile without HEALTHCHECK,
//! and no `healthcheck:` either.

use hullscan_compose::{Kind, Project};
use hullscan_diagnostics::declare_rule;

use crate::{Finding, ServiceCheck};

declare_rule! {
    /// ## What it does
    /// Finds a Compose service with no `healthcheck:` whose image, built from a Dockerfile in
    /// the repository (`build:`), has no `HEALTHCHECK` either, when something depends on the
    /// service being up: it publishes `ports:`, or another service `depends_on` it (other
    /// than as a job that must complete, `condition: service_completed_successfully`).
    ///
    /// ## Why is this bad?
    /// Without a health check Docker only knows whether the process runs, not whether it
    /// serves: `depends_on: condition: service_healthy` cannot wait for it, `docker compose
    /// up --wait` returns before it serves, orchestrators and rolling updates cannot tell a
    /// hung service from a healthy one, and `docker ps` shows no health.
    ///
    /// Services nothing reaches nor waits for (background workers, schedulers, one-shot
    /// jobs, benchmark runners) are not reported: Compose itself does not restart an
    /// unhealthy container, so for them a health check would only decorate `docker ps`.
    /// Services built elsewhere (an `image:` only) are not judged either: their image may
    /// carry a HEALTHCHECK hullscan cannot see.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     build: .          # its Dockerfile has no HEALTHCHECK
    ///     ports:
    ///       - "8080:8080"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     build: .
    ///     ports:
    ///       - "8080:8080"
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
        summary: "Service others reach or wait for has no healthcheck and neither has its Dockerfile",
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
    let publishes = check
        .service
        .get("ports")
        .and_then(|ports| ports.items())
        .is_some_and(|items| !items.is_empty());
    let waited_for = waiting_service(check.project, &check.service.name);
    let why = match (publishes, waited_for) {
        (true, _) => "it publishes ports".to_owned(),
        (false, Some(other)) => format!("`{other}` depends on it"),
        (false, None) => return,
    };
    out.push(check.finding(
        &MISSING_HEALTHCHECK,
        check.service_site(),
        format!(
            "service `{}` has no healthcheck, and its Dockerfile {} has no HEALTHCHECK, though {why}",
            check.service.name, dockerfile.path
        ),
    ));
}

/// The first service that `depends_on` `name` to be up (short list form, or a condition other
/// than `service_completed_successfully`, which marks `name` as a one-shot job).
fn waiting_service<'p>(project: &'p Project, name: &str) -> Option<&'p str> {
    project.services.iter().find_map(|service| {
        let depends_on = service.get("depends_on")?;
        let waits = match &depends_on.kind {
            Kind::Seq(items) => items.iter().any(|item| item.as_str() == Some(name)),
            Kind::Map(entries) => entries.iter().any(|(key, spec)| {
                key.name == name
                    && spec.get("condition").and_then(|c| c.as_str())
                        != Some("service_completed_successfully")
            }),
            _ => false,
        };
        waits.then_some(service.name.as_str())
    })
}
