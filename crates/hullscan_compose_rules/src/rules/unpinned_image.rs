//! HS905: `:latest` or untagged images.

use hullscan_diagnostics::declare_rule;

use crate::{Finding, ServiceCheck};

declare_rule! {
    /// ## What it does
    /// Finds `image:` references with no tag or the `latest` tag (and no digest). Services
    /// that also have `build:` are skipped (their `image:` names what the build produces), and
    /// so are images whose value depends on an unset variable without a default.
    ///
    /// ## Why is this bad?
    /// `latest` is whatever was pushed last: two machines running the same file get different
    /// software, a rollback cannot go back, and an upstream release can break or compromise
    /// the deployment unnoticed. Pin a version tag, or a digest for full reproducibility.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     image: redis:7.4-alpine
    /// ```
    pub static UNPINNED_IMAGE = {
        code: "HS905",
        name: "compose-unpinned-image",
        aliases: ["CL-0004"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "Service image is untagged or :latest",
    };
}

/// `Some("latest")`/`Some("")` for an unpinned reference, `None` when it is pinned.
fn unpinned(reference: &str) -> Option<&'static str> {
    if reference.contains('@') {
        return None;
    }
    let last = reference.rsplit('/').next().unwrap_or(reference);
    match last.rsplit_once(':') {
        Some((_, "latest")) => Some("the `latest` tag"),
        Some((_, tag)) if !tag.is_empty() => None,
        _ => Some("no tag"),
    }
}

pub(crate) fn check(check: &ServiceCheck<'_>, out: &mut Vec<Finding>) {
    if check.service.get("build").is_some() {
        return;
    }
    let Some(node) = check.service.image() else {
        return;
    };
    let Some(scalar) = node.scalar() else { return };
    if scalar.unknown || scalar.text.trim().is_empty() {
        return;
    }
    if let Some(what) = unpinned(scalar.text.trim()) {
        out.push(check.finding(
            &UNPINNED_IMAGE,
            node.at,
            format!(
                "service `{}` uses image `{}` with {what}: pin a version or digest",
                check.service.name,
                hullscan_secrets::redact(scalar.text.trim())
            ),
        ));
    }
}
