//! HS208: `apt-get install` of packages without a version.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::{AptTool, apt};

use super::shell_facts::run_commands;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `apt-get install` (and `apt install`) of packages given without a version:
    /// `curl` instead of `curl=7.88.1-10+deb12u5`. Release forms (`curl/bookworm-backports`)
    /// and local `.deb` files count as pinned; the value of `-t`/`--target-release` is not a
    /// package.
    ///
    /// ## Why is this bad?
    /// Without a version, every rebuild installs whatever the mirror has that day. Two builds
    /// of the same Dockerfile can then behave differently, and a broken or vulnerable update
    /// arrives silently with an unrelated change. Pinning makes rebuilds repeatable and
    /// updates deliberate (a bot can bump the pins).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3008` (which looks at `apt-get` only)
    pub static UNPINNED_APT_PACKAGE = {
        code: "HS208",
        name: "unpinned-apt-package",
        aliases: ["DL3008"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`apt-get install` of a package without a pinned version",
    };
}

/// Whether an apt package argument names a version (`pkg=1.2`), a release (`pkg/stable`) or a
/// local `.deb` file.
pub(crate) fn is_pinned_apt_package(text: &str) -> bool {
    text.contains('=') || text.contains('/') || text.ends_with(".deb")
}

/// HS208
pub(crate) fn unpinned_apt_package(checker: &mut Checker, index: usize, _: &Instruction) {
    // One finding per RUN, at its first unpinned install, as hadolint reports.
    let mut unpinned_in_run: Vec<String> = Vec::new();
    let mut first_range = None;
    for command in run_commands(checker, index) {
        let Some(apt) = apt(&command.invocation) else {
            continue;
        };
        if apt.tool == AptTool::Aptitude || !apt.is("install") {
            continue;
        }
        let unpinned: Vec<&str> = apt
            .packages
            .iter()
            .map(|package| package.word.value())
            .filter(|text| !is_pinned_apt_package(text))
            .collect();
        if unpinned.is_empty() {
            continue;
        }
        first_range.get_or_insert(command.range());
        unpinned_in_run.extend(unpinned.iter().map(|name| format!("`{name}`")));
    }
    if let Some(range) = first_range {
        checker.report_at(
            &UNPINNED_APT_PACKAGE,
            format!("unpinned apt package(s): {}", unpinned_in_run.join(", ")),
            range,
            Some("Pin each package as `name=version` (see `apt-cache policy <name>`)"),
        );
    }
}
