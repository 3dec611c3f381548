//! HS284: `ln … /bin/sh`.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::ln;

use super::shell_facts::run_commands;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `ln` commands that replace `/bin/sh` with a link to another shell.
    ///
    /// ## Why is this bad?
    /// `/bin/sh` belongs to the base image: its scripts and package hooks expect the shell the
    /// distribution ships. Re-linking it changes them all, silently, and the next base image
    /// update may undo it. To run RUN steps with another shell, say so with `SHELL`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN ln -sf /bin/bash /bin/sh
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12-slim
    /// SHELL ["/bin/bash", "-c"]
    /// ```
    ///
    /// ## References
    /// - hadolint `DL4005`
    pub static RELINK_BIN_SH = {
        code: "HS284",
        name: "relink-bin-sh",
        aliases: ["DL4005"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`ln` over `/bin/sh` instead of `SHELL`",
    };
}

/// HS284
pub(crate) fn relink_bin_sh(checker: &mut Checker, index: usize, _: &Instruction) {
    for command in run_commands(checker, index) {
        let Some(ln) = ln(&command.invocation) else {
            continue;
        };
        if ln.link_name.is_some_and(|name| name.value() == "/bin/sh") {
            checker.report_at(
                &RELINK_BIN_SH,
                "replacing `/bin/sh` changes the shell of every script in the image",
                command.range(),
                Some("Use `SHELL [\"/bin/bash\", \"-c\"]` to choose the shell for RUN"),
            );
        }
    }
}
