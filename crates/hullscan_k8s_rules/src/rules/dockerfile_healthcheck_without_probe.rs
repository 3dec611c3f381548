//! HS821: the image's Dockerfile has a HEALTHCHECK; the container has no probe.

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, describe, range};

declare_rule! {
    /// ## What it does
    /// For a container whose image is built by a Dockerfile you name (`--dockerfile
    /// IMAGE=PATH`), finds a final stage with a
    /// `HEALTHCHECK` while the container has neither a liveness nor a readiness probe.
    ///
    /// ## Why is this bad?
    /// Kubernetes ignores `HEALTHCHECK`. The image's authors wrote down how to tell that it
    /// works, and the deployment throws it away: the Pod gets traffic before it is ready and is
    /// never restarted when it hangs. Translate the check into probes.
    ///
    /// ## Example
    /// ```dockerfile
    /// HEALTHCHECK CMD curl -fs http://localhost:8080/healthz || exit 1
    /// ```
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: example/app:1.4
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: example/app:1.4
    ///     livenessProbe: {httpGet: {path: /healthz, port: 8080}}
    ///     readinessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 5}
    /// ```
    pub static DOCKERFILE_HEALTHCHECK_WITHOUT_PROBE = {
        code: "HS821",
        name: "dockerfile-healthcheck-without-probe",
        aliases: [],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "The image's Dockerfile has a HEALTHCHECK, but the container has no probe",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&DOCKERFILE_HEALTHCHECK_WITHOUT_PROBE)
        || checker.options.images.is_empty()
    {
        return;
    }
    let mut found = Vec::new();
    for (object, pod) in checker.pods() {
        for container in pod.regular_containers() {
            let (Some(image), Some(facts)) = (container.image, checker.dockerfile_facts(container))
            else {
                continue;
            };
            let Some(line) = facts.healthcheck_line else {
                continue;
            };
            if container.liveness_probe.is_some() || container.readiness_probe.is_some() {
                continue;
            }
            found.push(
                at(
                    &DOCKERFILE_HEALTHCHECK_WITHOUT_PROBE,
                    format!(
                        "{} has no probe, but its image's Dockerfile ({}:{line}) has a HEALTHCHECK, which Kubernetes ignores",
                        describe(object, container),
                        facts.dockerfile
                    ),
                    range(image.node),
                )
                .with_help("Translate the HEALTHCHECK into a livenessProbe and a readinessProbe"),
            );
        }
    }
    found.into_iter().for_each(|d| checker.report(d));
}
