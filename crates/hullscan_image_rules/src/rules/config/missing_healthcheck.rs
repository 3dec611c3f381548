//! HS602: no `HEALTHCHECK` in the image config.

use hullscan_diagnostics::{Diagnostic, declare_rule};
use hullscan_image::model::Image;

use crate::config_location;

declare_rule! {
    /// ## What it does
    /// Flags images without a `HEALTHCHECK`. An explicit `HEALTHCHECK NONE` is the author's
    /// stated decision (a command-line tool, a batch job, or a service whose orchestrator
    /// probes it instead) and is not reported.
    ///
    /// ## Why is this bad?
    /// Without a health check, Docker and orchestrators that read it only know whether the
    /// process is alive, not whether it works.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// HEALTHCHECK CMD ["wget", "-q", "-O-", "http://localhost/"]
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    pub static MISSING_HEALTHCHECK = {
        code: "HS602",
        name: "image-missing-healthcheck",
        aliases: ["CIS-DI-0006", "DS-0026"],
        severity: Info,
        category: BestPractice,
        fix: None,
        summary: "Image has no HEALTHCHECK",
    };
}

pub(super) fn check(image: &Image, out: &mut Vec<Diagnostic>) {
    let test = image
        .container_config()
        .healthcheck
        .and_then(|h| h.test)
        .unwrap_or_default();
    // `HEALTHCHECK NONE` (test `["NONE"]`) was chosen on purpose; only a missing one is reported.
    if test.is_empty() {
        out.push(Diagnostic::new(
            &MISSING_HEALTHCHECK,
            "the image has no HEALTHCHECK",
            config_location(image, "/config/Healthcheck"),
        ));
    }
}
