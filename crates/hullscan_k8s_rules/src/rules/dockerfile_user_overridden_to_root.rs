//! HS822: the Dockerfile's non-root USER overridden with `runAsUser: 0`.

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, describe, range};

declare_rule! {
    /// ## What it does
    /// For a container whose image is built by a Dockerfile you name (`--dockerfile
    /// IMAGE=PATH`), finds `runAsUser: 0` (on the
    /// container or the Pod) while the Dockerfile's final `USER` is a non-root user.
    ///
    /// ## Why is this bad?
    /// The image was built to run unprivileged, and the deployment silently turns it back into
    /// root: files the image made for its user still work, so nothing shows the change until
    /// something escapes the container as root.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER app
    /// ```
    /// ```yaml
    /// securityContext: {runAsUser: 0}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext: {runAsNonRoot: true}
    /// ```
    pub static DOCKERFILE_USER_OVERRIDDEN_TO_ROOT = {
        code: "HS822",
        name: "dockerfile-user-overridden-to-root",
        aliases: [],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "`runAsUser: 0` overrides the image's non-root Dockerfile USER",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&DOCKERFILE_USER_OVERRIDDEN_TO_ROOT) || checker.options.images.is_empty()
    {
        return;
    }
    let mut found = Vec::new();
    for (object, pod, container) in checker.containers() {
        let Some(facts) = checker.dockerfile_facts(container) else {
            continue;
        };
        let Some(user) = pod.run_as_user(container) else {
            continue;
        };
        if user.value != 0 || !facts.user_is_non_root() {
            continue;
        }
        let (name, line) = facts.user.clone().unwrap_or_default();
        found.push(
            at(
                &DOCKERFILE_USER_OVERRIDDEN_TO_ROOT,
                format!(
                    "{} runs as root (`runAsUser: 0`), overriding `USER {name}` of its Dockerfile ({}:{line})",
                    describe(object, container),
                    facts.dockerfile
                ),
                range(user.node),
            )
            .with_help("Drop `runAsUser: 0` and set `runAsNonRoot: true`"),
        );
    }
    found.into_iter().for_each(|d| checker.report(d));
}
