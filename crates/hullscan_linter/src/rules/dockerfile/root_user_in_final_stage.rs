//! HS104: the final stage's last `USER` is root.

use hullscan_diagnostics::declare_rule;

use crate::checker::Checker;
use crate::rules::dockerfile::final_user::{self, FinalUser};

declare_rule! {
    /// ## What it does
    /// Finds a final stage whose effective user is root: its last `USER` (or, when it has
    /// none, the last `USER` of the earlier stage it is built `FROM`) is `root`, `0`, or
    /// `root`/`0` with any group (`root:root`, `0:0`).
    ///
    /// Unlike hadolint's DL3002, builder stages that do not end up in the image are not
    /// reported: running `apt-get` as root in a builder stage is normal.
    ///
    /// ## Why is this bad?
    /// The image's process runs as root. Any code-execution bug becomes root in the container,
    /// and together with a kernel or runtime bug, on the host.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN useradd --system app
    /// USER root
    /// CMD ["/usr/local/bin/app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN useradd --system app
    /// USER app
    /// CMD ["/usr/local/bin/app"]
    /// ```
    ///
    /// ## References
    /// - [Docker best practices: USER](https://docs.docker.com/build/building/best-practices/#user)
    /// - hadolint `DL3002`
    pub static ROOT_USER_IN_FINAL_STAGE = {
        code: "HS104",
        name: "root-user-in-final-stage",
        aliases: ["DL3002"],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "The final stage's last `USER` is root",
    };
}

/// HS104
pub(crate) fn root_user_in_final_stage(checker: &mut Checker) {
    if let Some(FinalUser::Root {
        user,
        inherited_from,
    }) = final_user::final_user(checker)
    {
        let message = match inherited_from {
            Some(stage) => format!(
                "The final stage inherits `USER {}` from stage `{stage}`, so containers run as root",
                checker.slice(user)
            ),
            None => format!(
                "The final stage's last `USER` is `{}`, so containers run as root",
                checker.slice(user)
            ),
        };
        checker.report_at(
            &ROOT_USER_IN_FINAL_STAGE,
            message,
            user,
            Some(&format!(
                "Switch to a non-root user after the steps that need root. {}",
                crate::rules::dockerfile::practice_facts::create_user_help(
                    crate::rules::dockerfile::practice_facts::final_distro(checker)
                )
            )),
        );
    }
}
