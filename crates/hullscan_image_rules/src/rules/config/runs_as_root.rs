//! HS601: the image runs as root.

use hullscan_diagnostics::{Diagnostic, declare_rule};
use hullscan_image::model::Image;

use crate::config_location;

declare_rule! {
    /// ## What it does
    /// Flags images whose config runs the container as root: no `User`, or `root`, `0`,
    /// `0:0`, `root:root`, or a name that the image's `/etc/passwd` maps to UID 0.
    ///
    /// ## Why is this bad?
    /// A process running as root inside the container is root on the host's kernel. Any
    /// container escape or mounted volume becomes a root compromise. dockle only catches an
    /// empty user or exactly `root`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// CMD ["app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd --system --uid 10001 app
    /// USER 10001
    /// CMD ["app"]
    /// ```
    pub static RUNS_AS_ROOT = {
        code: "HS601",
        name: "image-runs-as-root",
        aliases: ["CIS-DI-0001", "DS-0002"],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "Image runs as root",
    };
}

pub(super) fn check(image: &Image, out: &mut Vec<Diagnostic>) {
    if let Some(reason) = image.root_user_reason() {
        out.push(
            Diagnostic::new(
                &RUNS_AS_ROOT,
                format!("the image runs as root: {reason}"),
                config_location(image, "/config/User"),
            )
            .with_help(
                "add a non-root user and `USER <uid>` (numeric, so Kubernetes can verify it)",
            ),
        );
    }
}
