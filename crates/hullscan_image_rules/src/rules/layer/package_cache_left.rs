//! HS614: a package manager's cache left in the final image.

use hullscan_diagnostics::{Diagnostic, declare_rule};
use hullscan_image::analysis::human_size;
use hullscan_image::model::Image;

use crate::{describe_layer, file_location};

declare_rule! {
    /// ## What it does
    /// Flags package-manager caches left in the final filesystem: apt lists and archives,
    /// apk, yum/dnf/zypper caches, pip, npm, yarn and Go build caches.
    ///
    /// ## Why is this bad?
    /// The cache is only needed while installing. Left behind it adds megabytes to every
    /// pull. It must be removed in the same `RUN` that created it (or kept out with a cache
    /// mount), since a later `RUN rm` only hides it.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    pub static PACKAGE_CACHE_LEFT = {
        code: "HS614",
        name: "package-cache-left-in-image",
        aliases: ["DKL-DI-0005"],
        severity: Warning,
        category: Performance,
        fix: None,
        summary: "Package manager cache left in the final image",
    };
}

pub(super) fn check(image: &Image, out: &mut Vec<Diagnostic>) {
    for cache in &image.analysis.caches {
        out.push(
            Diagnostic::new(
                &PACKAGE_CACHE_LEFT,
                format!(
                    "{} cache /{} left in the image: {} file(s), {}, mostly from {}",
                    cache.manager,
                    cache.dir,
                    cache.files,
                    human_size(cache.bytes),
                    describe_layer(image, cache.layer as usize)
                ),
                file_location(image, Some(cache.layer as usize), cache.dir),
            )
            .with_help(
                "clean the cache in the same RUN that fills it, or use `RUN --mount=type=cache`",
            ),
        );
    }
}
