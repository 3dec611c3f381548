//! HS251: `zypper dist-upgrade` in a RUN.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::zypper;

use super::shell_facts::run_commands;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `zypper dist-upgrade` (`zypper dup`) in a RUN.
    ///
    /// ## Why is this bad?
    /// A distribution upgrade moves every package of the base image to whatever the
    /// repositories hold on the day of the build, possibly a new release. Two builds of the same
    /// Dockerfile then differ, and the result is a different system from the one the base
    /// image's maintainers tested. Pick a newer base image instead, or update single packages.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.5
    /// RUN zypper --non-interactive dup
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3035`
    pub static ZYPPER_DIST_UPGRADE = {
        code: "HS251",
        name: "zypper-dist-upgrade",
        aliases: ["DL3035"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`zypper dist-upgrade` makes the build depend on the day it runs",
    };
}

/// HS251
pub(crate) fn zypper_dist_upgrade(checker: &mut Checker, index: usize, _: &Instruction) {
    for command in run_commands(checker, index) {
        let Some(zypper) = zypper(&command.invocation) else {
            continue;
        };
        if zypper.is("dist-upgrade") || zypper.is("dup") {
            checker.report_at(
                &ZYPPER_DIST_UPGRADE,
                "`zypper dist-upgrade` upgrades the whole distribution at build time",
                command.range(),
                Some("Use a newer base image, or upgrade only the packages you need"),
            );
        }
    }
}
