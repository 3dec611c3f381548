//! HS230: `yum install` without `-y`.

use hullscan_diagnostics::{Applicability, Edit, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::{RpmTool, rpm};

use super::shell_facts::{RunFinding, run_commands};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `yum install`, `yum groupinstall` and `yum localinstall` without `-y` or
    /// `--assumeyes`.
    ///
    /// ## Why is this bad?
    /// yum asks "Is this ok [y/N]" before installing. A build cannot answer, so yum takes the
    /// default "no" and the step fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// ## Fix safety
    /// Adding `-y` after the sub-command is safe: without it the step aborts at the prompt.
    ///
    /// ## References
    /// - hadolint `DL3030`
    pub static YUM_INSTALL_WITHOUT_YES = {
        code: "HS230",
        name: "yum-install-without-yes",
        aliases: ["DL3030"],
        severity: Warning,
        category: Correctness,
        fix: Always,
        summary: "`yum install` without `-y` stops at a prompt no one can answer",
    };
}

/// HS230
pub(crate) fn yum_install_without_yes(checker: &mut Checker, index: usize, _: &Instruction) {
    let mut finding = RunFinding::default();
    for command in run_commands(checker, index) {
        let Some(yum) = rpm(&command.invocation) else {
            continue;
        };
        if yum.tool != RpmTool::Yum || yum.assume_yes {
            continue;
        }
        let Some(subcommand) = yum.subcommand else {
            continue;
        };
        if !matches!(
            subcommand.value(),
            "install" | "groupinstall" | "localinstall"
        ) {
            continue;
        }
        let at = command.script.file_range(subcommand.range).end();
        finding.add(command.range(), Some(Edit::insertion(" -y", at)));
    }
    finding.report(
        checker,
        &YUM_INSTALL_WITHOUT_YES,
        "`yum install` without `-y` aborts at its confirmation prompt",
        "Add `-y`",
        Applicability::Safe,
    );
}
