//! HS204: `sudo` in `RUN`.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;
use hullscan_shell::Wrapper;

use super::shell_facts::run_commands;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `sudo` in `RUN` instructions.
    ///
    /// ## Why is this bad?
    /// Build steps already run as the current `USER`, and switching users is what `USER` is
    /// for. `sudo` needs a TTY and a password or a `sudoers` entry, so it hangs or fails in
    /// many images, and keeping `sudo` in an image gives any process running there an easy
    /// way to become root. Run the privileged steps before switching to the unprivileged
    /// `USER` (or use `gosu`/`su-exec` at start-up when an entrypoint must drop privileges).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// USER app
    /// RUN sudo apt-get update
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update
    /// USER app
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3004`
    pub static SUDO_IN_RUN = {
        code: "HS204",
        name: "sudo-in-run",
        aliases: ["DL3004"],
        severity: Error,
        category: Security,
        fix: None,
        summary: "`sudo` in `RUN`: order the steps around `USER` instead",
    };
}

/// HS204
pub(crate) fn sudo_in_run(checker: &mut Checker, index: usize, _: &Instruction) {
    for command in run_commands(checker, index) {
        let invocation = &command.invocation;
        let via_sudo = invocation
            .wrappers
            .iter()
            .any(|(wrapper, _)| *wrapper == Wrapper::Sudo);
        // A bare `sudo` (or `sudo -v`) has no wrapped command, so it stays the command name.
        if via_sudo || invocation.name == "sudo" {
            checker.report_at(
                &SUDO_IN_RUN,
                "`sudo` in a build step: steps already run as the current `USER`",
                command.range(),
                Some(
                    "Run this step before `USER` switches to an unprivileged user, without `sudo`",
                ),
            );
            // One finding per RUN, as hadolint reports.
            return;
        }
    }
}
