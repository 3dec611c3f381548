//! HS203: `cd` inside `RUN` instead of `WORKDIR`.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;

use super::shell_facts::run_commands;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `cd` commands in `RUN` instructions.
    ///
    /// ## Why is this bad?
    /// A `cd` lasts only until the end of its `RUN`: the next instruction starts in the
    /// `WORKDIR` again. Scripts full of `cd` are hard to follow and easy to break when lines are
    /// moved, and a `cd` into a directory that does not exist fails the step. `WORKDIR` states
    /// the directory once, creates it when missing and holds for every later instruction,
    /// including `CMD`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23
    /// RUN cd /src && go build ./...
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23
    /// WORKDIR /src
    /// RUN go build ./...
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3003`
    pub static CD_IN_RUN = {
        code: "HS203",
        name: "cd-in-run",
        aliases: ["DL3003"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`cd` in `RUN` where `WORKDIR` says it once for every later instruction",
    };
}

/// HS203. Like hadolint, only plain `RUN` is checked: an `ONBUILD RUN` has no `WORKDIR` of its
/// own to use instead.
pub(crate) fn cd_in_run(checker: &mut Checker, index: usize, _: &Instruction) {
    for command in run_commands(checker, index) {
        if command.invocation.name == "cd" {
            checker.report_at(
                &CD_IN_RUN,
                "`cd` only lasts until the end of this `RUN`; use `WORKDIR` to change directory",
                command.range(),
                Some("Set the directory with `WORKDIR <dir>` before this instruction"),
            );
            // One finding per RUN, as hadolint reports.
            return;
        }
    }
}
