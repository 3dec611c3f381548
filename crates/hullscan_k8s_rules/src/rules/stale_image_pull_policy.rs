//! HS815: a mutable image that nodes will not pull again.

use hullscan_diagnostics::{Location, declare_rule};

use super::unpinned_image::{Pin, pin};
use crate::{Checker, at, describe, range};

declare_rule! {
    /// ## What it does
    /// Finds a container whose image is `latest` or untagged and whose `imagePullPolicy` is
    /// `IfNotPresent` or `Never`.
    ///
    /// ## Why is this bad?
    /// Kubernetes pulls `latest` and untagged images on every start (`Always`) precisely
    /// because they change. Overriding that with `IfNotPresent` makes each node run whichever
    /// `latest` it pulled first: replicas of one Deployment then run different code, and a new
    /// push is never picked up by nodes that already have an old copy.
    ///
    /// ## Example
    /// ```yaml
    /// image: example/app:latest
    /// imagePullPolicy: IfNotPresent
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// image: example/app:1.4.2
    /// imagePullPolicy: IfNotPresent
    /// ```
    ///
    /// ## References
    /// - [Images: updating images](https://kubernetes.io/docs/concepts/containers/images/#updating-images)
    pub static STALE_IMAGE_PULL_POLICY = {
        code: "HS815",
        name: "stale-image-pull-policy",
        aliases: [],
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "A `latest` or untagged image is not pulled again (`imagePullPolicy` is `IfNotPresent` or `Never`)",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&STALE_IMAGE_PULL_POLICY) {
        return;
    }
    let mut found = Vec::new();
    for (object, _, container) in checker.containers() {
        let (Some(image), Some(policy)) = (container.image, container.image_pull_policy) else {
            continue;
        };
        if !matches!(pin(image.value), Pin::Latest | Pin::None)
            || !matches!(policy.value, "IfNotPresent" | "Never")
        {
            continue;
        }
        found.push(
            at(
                &STALE_IMAGE_PULL_POLICY,
                format!(
                    "{}: `imagePullPolicy: {}` on the mutable image `{}` lets nodes run stale copies",
                    describe(object, container),
                    policy.value,
                    image.value
                ),
                range(policy.node),
            )
            .with_related(Location::Text(range(image.node)), "the image")
            .with_help("Pin the image to a version tag or digest (or use `imagePullPolicy: Always`)"),
        );
    }
    found.into_iter().for_each(|d| checker.report(d));
}
