//! HS201: commands that make no sense during an image build (`ssh`, `vim`, `service`, ...).

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;

use super::shell_facts::run_commands;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `RUN` commands that only make sense on a running machine with a person at it:
    /// `free`, `ifconfig`, `kill`, `mount`, `ps`, `service`, `shutdown`, `ssh`, `top` and `vim`.
    ///
    /// ## Why is this bad?
    /// A build step has no terminal, no init system and no long-lived processes. An editor or
    /// `top` hangs or fails, `service x start` starts a daemon that dies when the step ends, and
    /// `ps`, `free` or `ifconfig` only print facts about the build container that no one sees.
    /// Such a line is either a leftover from debugging or a sign that the image is being treated
    /// like a virtual machine.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN service nginx start
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3001` (which names `ifconfig` in its message but does not check it)
    pub static POINTLESS_COMMAND_IN_RUN = {
        code: "HS201",
        name: "pointless-command-in-run",
        aliases: ["DL3001"],
        severity: Info,
        category: BestPractice,
        fix: None,
        summary: "A command such as `ssh`, `vim`, `top` or `service` makes no sense in a build step",
    };
}

const POINTLESS: &[&str] = &[
    "free", "ifconfig", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim",
];

/// HS201
pub(crate) fn pointless_command_in_run(checker: &mut Checker, index: usize, _: &Instruction) {
    for command in run_commands(checker, index) {
        let name = command.invocation.name;
        if POINTLESS.contains(&name) {
            checker.report_at(
                &POINTLESS_COMMAND_IN_RUN,
                format!("`{name}` makes no sense in a build step: nothing is running and no one is watching"),
                command.range(),
                Some("Remove the command; start long-running programs from `CMD`/`ENTRYPOINT`"),
            );
            // One finding per RUN, as hadolint reports.
            return;
        }
    }
}
