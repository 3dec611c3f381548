//! HS214: `apt-get install` without `-y`.

use hullscan_diagnostics::{Applicability, Edit, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::{AptTool, apt};

use super::shell_facts::{RunFinding, run_commands};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `apt-get install` without `-y`/`--yes`/`--assume-yes` (or `-qq`, which implies it).
    ///
    /// ## Why is this bad?
    /// A build has no one to answer apt's "Do you want to continue? [Y/n]" prompt. apt-get reads
    /// end-of-file from the closed standard input and aborts, so the build fails as soon as the
    /// install needs confirmation (which is almost always).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get install curl=7.88.1-10+deb12u5
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get install -y curl=7.88.1-10+deb12u5
    /// ```
    ///
    /// ## Fix safety
    /// Adding `-y` after `install` is safe: without it the step aborts at the prompt, with it
    /// apt-get does what the line asks.
    ///
    /// ## References
    /// - hadolint `DL3014`
    pub static APT_GET_INSTALL_WITHOUT_YES = {
        code: "HS214",
        name: "apt-get-install-without-yes",
        aliases: ["DL3014"],
        severity: Warning,
        category: Correctness,
        fix: Always,
        summary: "`apt-get install` without `-y` stops at a prompt no one can answer",
    };
}

/// HS214
pub(crate) fn apt_get_install_without_yes(checker: &mut Checker, index: usize, _: &Instruction) {
    let mut finding = RunFinding::default();
    for command in run_commands(checker, index) {
        let Some(apt) = apt(&command.invocation) else {
            continue;
        };
        if apt.tool != AptTool::AptGet || !apt.is("install") || apt.assume_yes {
            continue;
        }
        let Some(install) = apt.subcommand else {
            continue;
        };
        let at = command.script.file_range(install.range).end();
        finding.add(command.range(), Some(Edit::insertion(" -y", at)));
    }
    finding.report(
        checker,
        &APT_GET_INSTALL_WITHOUT_YES,
        "`apt-get install` without `-y` aborts at its confirmation prompt",
        "Add `-y`",
        Applicability::Safe,
    );
}
