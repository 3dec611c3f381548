//! HS215: `apt-get install` without `--no-install-recommends`.

use hullscan_diagnostics::{Applicability, Edit, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::{AptTool, apt};

use super::shell_facts::{RunFinding, run_commands};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `apt-get install` without `--no-install-recommends` (or
    /// `-o APT::Install-Recommends=false`).
    ///
    /// ## Why is this bad?
    /// By default apt also installs every package the requested ones merely *recommend*:
    /// documentation, optional tools, sometimes whole desktop libraries. They make the image
    /// larger, slower to pull and give scanners more to report, and the program almost never
    /// needs them. Ask for what is needed and add the few recommended packages you do use by
    /// name.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get install -y curl=7.88.1-10+deb12u5
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `--no-install-recommends` after `install`. It is unsafe: it changes which
    /// packages get installed, and the program may rely on one of the recommended ones. In
    /// exec form (`RUN ["apt-get", "install", …]`) the flag would land inside a JSON string, so
    /// there is no fix.
    ///
    /// ## References
    /// - hadolint `DL3015`
    pub static APT_GET_INSTALL_RECOMMENDS = {
        code: "HS215",
        name: "apt-get-install-recommends",
        aliases: ["DL3015"],
        severity: Info,
        category: Performance,
        fix: Always,
        summary: "`apt-get install` without `--no-install-recommends` pulls in optional packages",
    };
}

/// HS215
pub(crate) fn apt_get_install_recommends(checker: &mut Checker, index: usize, _: &Instruction) {
    let mut finding = RunFinding::default();
    for command in run_commands(checker, index) {
        let Some(apt) = apt(&command.invocation) else {
            continue;
        };
        if apt.tool != AptTool::AptGet || !apt.is("install") || apt.no_install_recommends {
            continue;
        }
        let Some(install) = apt.subcommand else {
            continue;
        };
        // In exec form the insertion would join `install` into one argument with the flag.
        let edit = command.script.is_shell_text().then(|| {
            let at = command.script.file_range(install.range).end();
            Edit::insertion(" --no-install-recommends", at)
        });
        finding.add(command.range(), edit);
    }
    finding.report(
        checker,
        &APT_GET_INSTALL_RECOMMENDS,
        "`apt-get install` without `--no-install-recommends` also installs recommended packages",
        "Add `--no-install-recommends`",
        Applicability::Unsafe,
    );
}
