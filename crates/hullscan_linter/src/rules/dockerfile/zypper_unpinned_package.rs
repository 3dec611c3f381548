//! HS253: `zypper install` of a package without a version.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::zypper;

use super::shell_facts::run_commands;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds packages given to `zypper install` (`zypper in`) without a version constraint
    /// (`=`, `>=`, `>`, `<=`, `<`), other than local `.rpm` files.
    ///
    /// ## Why is this bad?
    /// Without a version, each build installs whatever the repository holds that day. The same
    /// Dockerfile then produces different images over time, and a new upstream release can break
    /// a build (or the application) with no change on your side.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install tomcat && zypper clean
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install tomcat=9.0.85 && zypper clean
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3037`
    pub static ZYPPER_UNPINNED_PACKAGE = {
        code: "HS253",
        name: "zypper-unpinned-package",
        aliases: ["DL3037"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`zypper install` of a package without a version",
    };
}

fn is_pinned(package: &str) -> bool {
    package.contains(['=', '>', '<']) || package.ends_with(".rpm")
}

/// HS253
pub(crate) fn zypper_unpinned_package(checker: &mut Checker, index: usize, _: &Instruction) {
    for command in run_commands(checker, index) {
        let Some(zypper) = zypper(&command.invocation) else {
            continue;
        };
        if !(zypper.is("install") || zypper.is("in")) {
            continue;
        }
        let unpinned: Vec<String> = zypper
            .packages
            .iter()
            .map(|package| package.value())
            .filter(|text| !is_pinned(text))
            .map(|text| format!("`{text}`"))
            .collect();
        if unpinned.is_empty() {
            continue;
        }
        checker.report_at(
            &ZYPPER_UNPINNED_PACKAGE,
            format!("unpinned zypper package(s): {}", unpinned.join(", ")),
            command.range(),
            Some("Pin each package as `name=version` (see `zypper info <name>`)"),
        );
    }
}
