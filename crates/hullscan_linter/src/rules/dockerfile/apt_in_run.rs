//! HS227: `apt` (the interactive front end) in `RUN`.

use hullscan_diagnostics::{Applicability, Edit, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::{AptTool, apt};

use super::shell_facts::{RunFinding, run_commands};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `apt` commands in `RUN` instructions.
    ///
    /// ## Why is this bad?
    /// `apt` is the front end for people at a terminal: its output format and behaviour may
    /// change between releases, and it warns that it "does not have a stable CLI interface"
    /// when used in scripts. `apt-get` (and `apt-cache`) are the stable tools for scripts.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt update
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update
    /// ```
    ///
    /// ## Fix safety
    /// For `install`, `update`, `remove`, `purge`, `autoremove` and `clean`, the fix replaces
    /// `apt` with `apt-get`. It is marked unsafe because the two differ in details (progress
    /// output, and `apt` honours a few settings of its own). Other sub-commands (`upgrade`,
    /// `full-upgrade`, `list`, `search`, ...) behave differently or have no `apt-get`
    /// counterpart, so they get no fix.
    ///
    /// ## References
    /// - hadolint `DL3027`
    pub static APT_IN_RUN = {
        code: "HS227",
        name: "apt-in-run",
        aliases: ["DL3027"],
        severity: Warning,
        category: BestPractice,
        fix: Sometimes,
        summary: "`apt` has no stable command-line interface for scripts; use `apt-get`",
    };
}

const SAME_AS_APT_GET: &[&str] = &[
    "install",
    "update",
    "remove",
    "purge",
    "autoremove",
    "clean",
];

/// HS227
pub(crate) fn apt_in_run(checker: &mut Checker, index: usize, _: &Instruction) {
    let mut finding = RunFinding::default();
    for command in run_commands(checker, index) {
        let Some(apt) = apt(&command.invocation) else {
            continue;
        };
        if apt.tool != AptTool::Apt {
            continue;
        }
        let name_word = command.invocation.name_word;
        let edit = (apt
            .subcommand
            .is_some_and(|word| SAME_AS_APT_GET.contains(&word.value()))
            && name_word.value() == "apt")
            .then(|| Edit::replacement("apt-get", command.script.file_range(name_word.range)));
        finding.add(command.range(), edit);
    }
    finding.report(
        checker,
        &APT_IN_RUN,
        "`apt` is meant for interactive use; scripts should use `apt-get`",
        "Use `apt-get` (or `apt-cache` for queries)",
        Applicability::Unsafe,
    );
}
