//! HS254: `dnf`/`microdnf install` without `-y`.

use hullscan_diagnostics::{Applicability, Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::{RpmTool, rpm};

use super::shell_facts::run_commands;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `dnf` and `microdnf` `install`, `groupinstall` and `localinstall` without
    /// `-y`/`--assumeyes`.
    ///
    /// ## Why is this bad?
    /// dnf asks "Is this ok [y/N]" before installing. A build has no one to answer, so dnf reads
    /// end-of-file, takes the default "no" and the step fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install httpd-2.4.62 && dnf clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf -y install httpd-2.4.62 && dnf clean all
    /// ```
    ///
    /// ## Fix safety
    /// Adding `-y` right after the program name is safe: without it the step fails at the
    /// prompt, with it dnf does what the line asks.
    ///
    /// ## References
    /// - hadolint `DL3038`
    pub static DNF_WITHOUT_ASSUME_YES = {
        code: "HS254",
        name: "dnf-without-assume-yes",
        aliases: ["DL3038"],
        severity: Warning,
        category: Correctness,
        fix: Always,
        summary: "`dnf install` without `-y` stops at a prompt no one can answer",
    };
}

/// HS254
pub(crate) fn dnf_without_assume_yes(checker: &mut Checker, index: usize, _: &Instruction) {
    for command in run_commands(checker, index) {
        let Some(rpm) = rpm(&command.invocation) else {
            continue;
        };
        if rpm.tool == RpmTool::Yum || rpm.assume_yes {
            continue;
        }
        let Some(subcommand) = rpm.subcommand else {
            continue;
        };
        if !matches!(
            subcommand.value(),
            "install" | "groupinstall" | "localinstall"
        ) {
            continue;
        }
        let program = command.invocation.name;
        let at = command
            .script
            .file_range(command.invocation.name_word.range)
            .end();
        checker.report(
            Diagnostic::new(
                &DNF_WITHOUT_ASSUME_YES,
                format!(
                    "`{program} {}` without `-y` fails at its confirmation prompt",
                    subcommand.value()
                ),
                Location::Text(command.range()),
            )
            .with_help("Add `-y`")
            .with_fix(Fix::new(
                "Add `-y`",
                vec![Edit::insertion(" -y", at)],
                Applicability::Safe,
            )),
        );
    }
}
