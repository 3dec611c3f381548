//! HS612: the image is named by `latest` or without a tag.

use hullscan_diagnostics::{Diagnostic, declare_rule};
use hullscan_image::model::{Image, SourceKind};

use crate::image_location;

declare_rule! {
    /// ## What it does
    /// Flags an image named without a tag or with `:latest` (and no digest). For archives,
    /// flags an image whose only tags are `:latest`.
    ///
    /// ## Why is this bad?
    /// `latest` moves: what was audited is not what runs next week. Pin a version tag or a
    /// digest.
    ///
    /// ## Example
    /// ```sh
    /// hullscan image myapp
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// hullscan image myapp:1.4.2
    /// ```
    pub static LATEST_OR_UNTAGGED_REFERENCE = {
        code: "HS612",
        name: "latest-or-untagged-reference",
        aliases: ["DKL-DI-0006", "DS-0001"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "Image referenced by `latest` or without a tag",
    };
}

pub(super) fn check(image: &Image, out: &mut Vec<Diagnostic>) {
    let reference = image.reference.as_str();
    if image.source == SourceKind::Daemon || !looks_like_path(reference) {
        let name = reference
            .trim_start_matches("docker-daemon:")
            .trim_start_matches("daemon:");
        if name.contains('@') || name.starts_with("sha256:") {
            return;
        }
        let last = name.rsplit('/').next().unwrap_or(name);
        let tag = last.split_once(':').map(|(_, tag)| tag);
        let message = match tag {
            None => format!("`{name}` has no tag, so it means `{name}:latest`"),
            Some("latest") => format!("`{name}` uses the `latest` tag"),
            Some(_) => return,
        };
        out.push(
            Diagnostic::new(
                &LATEST_OR_UNTAGGED_REFERENCE,
                message,
                image_location(image),
            )
            .with_help("audit and deploy a version tag or a digest (`name@sha256:…`)"),
        );
    } else if !image.repo_tags.is_empty()
        && image
            .repo_tags
            .iter()
            .all(|t| t.ends_with(":latest") || t == "latest")
    {
        out.push(Diagnostic::new(
            &LATEST_OR_UNTAGGED_REFERENCE,
            format!(
                "the archive's only tag is `{}`",
                image.repo_tags.join("`, `")
            ),
            image_location(image),
        ));
    }
}

fn looks_like_path(reference: &str) -> bool {
    ["docker-archive:", "oci-archive:", "archive:", "oci:"]
        .iter()
        .any(|p| reference.starts_with(p))
        || std::path::Path::new(reference).exists()
}
