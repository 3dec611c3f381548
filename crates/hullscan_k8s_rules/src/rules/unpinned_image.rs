//! HS814: an image without a tag, or `:latest`.

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, describe, range};

declare_rule! {
    /// ## What it does
    /// Finds a container image with no tag (`nginx`) or the `latest` tag (`nginx:latest`),
    /// unless it is pinned by digest.
    ///
    /// ## Why is this bad?
    /// `latest` is whatever was pushed last: two nodes can run different code under one
    /// Deployment, a rollback goes nowhere, and a restart can pick up an untested release. A
    /// version tag says what runs; a digest (`@sha256:...`) makes it immutable.
    ///
    /// ## Example
    /// ```yaml
    /// image: nginx
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// image: nginx:1.27.3
    /// ```
    ///
    /// ## References
    /// - [Images: image names](https://kubernetes.io/docs/concepts/containers/images/#image-names)
    pub static UNPINNED_IMAGE = {
        code: "HS814",
        name: "unpinned-image",
        aliases: ["CKV_K8S_14"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "A container image has no tag or uses `latest`",
    };
}

/// How an image reference is pinned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pin {
    Digest,
    Tag,
    Latest,
    None,
}

pub(crate) fn pin(image: &str) -> Pin {
    if image.contains('@') {
        return Pin::Digest;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, "latest")) => Pin::Latest,
        Some((_, tag)) if !tag.is_empty() => Pin::Tag,
        _ => Pin::None,
    }
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&UNPINNED_IMAGE) {
        return;
    }
    let mut found = Vec::new();
    for (object, _, container) in checker.containers() {
        let Some(image) = container.image else {
            continue;
        };
        let message = match pin(image.value) {
            Pin::Digest | Pin::Tag => continue,
            Pin::Latest => format!(
                "{} uses the `latest` tag of `{}`",
                describe(object, container),
                image.value
            ),
            Pin::None => format!(
                "{} uses `{}` without a tag (so `latest`)",
                describe(object, container),
                image.value
            ),
        };
        found.push(
            at(&UNPINNED_IMAGE, message, range(image.node))
                .with_help("Use a version tag, or pin the digest (`image:1.2.3@sha256:...`)"),
        );
    }
    found.into_iter().for_each(|d| checker.report(d));
}
