//! HS250: `zypper install`/`remove`/… without `--non-interactive`.

use hullscan_diagnostics::{Applicability, Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::zypper;

use super::shell_facts::run_commands;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `zypper` commands that change packages (`install`/`in`, `remove`/`rm`,
    /// `source-install`/`si`, `patch`) without `-n`/`--non-interactive` or the per-command
    /// `-y`/`--no-confirm`.
    ///
    /// ## Why is this bad?
    /// zypper asks for confirmation before it changes anything. A build cannot answer, so the
    /// step either hangs until it times out or aborts, depending on how standard input is set up.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install httpd=2.4.58 && zypper clean
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive install httpd=2.4.58 && zypper clean
    /// ```
    ///
    /// ## Fix safety
    /// Adding the global `--non-interactive` option right after `zypper` is safe: it only
    /// answers the prompts with their defaults, which is what an unattended build needs.
    ///
    /// ## References
    /// - hadolint `DL3034`
    pub static ZYPPER_WITHOUT_NON_INTERACTIVE = {
        code: "HS250",
        name: "zypper-without-non-interactive",
        aliases: ["DL3034"],
        severity: Warning,
        category: Correctness,
        fix: Always,
        summary: "`zypper` changes packages without `--non-interactive`",
    };
}

const CHANGING: &[&str] = &[
    "install",
    "in",
    "remove",
    "rm",
    "source-install",
    "si",
    "patch",
];

/// HS250
pub(crate) fn zypper_without_non_interactive(checker: &mut Checker, index: usize, _: &Instruction) {
    for command in run_commands(checker, index) {
        let Some(zypper) = zypper(&command.invocation) else {
            continue;
        };
        let Some(subcommand) = zypper.subcommand else {
            continue;
        };
        if !CHANGING.contains(&subcommand.value()) || zypper.non_interactive {
            continue;
        }
        let at = command
            .script
            .file_range(command.invocation.name_word.range)
            .end();
        let title = "Add `--non-interactive`";
        checker.report(
            Diagnostic::new(
                &ZYPPER_WITHOUT_NON_INTERACTIVE,
                format!("`zypper {}` without `--non-interactive` waits for a confirmation no one can give", subcommand.value()),
                Location::Text(command.range()),
            )
            .with_help(title)
            .with_fix(Fix::new(title, vec![Edit::insertion(" --non-interactive", at)], Applicability::Safe)),
        );
    }
}
