//! HS208: `apt-get install` of packages without a version.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::{AptTool, apt};

use super::shell_facts::report_unpinned_packages;
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
    report_unpinned_packages(
        checker,
        index,
        &UNPINNED_APT_PACKAGE,
        "apt package(s)",
        "Pin each package as `name=version` (see `apt-cache policy <name>`)",
        |command, unpinned| {
            let Some(apt) = apt(&command.invocation) else {
                return;
            };
            if apt.tool == AptTool::Aptitude || !apt.is("install") {
                return;
            }
            unpinned.extend(
                apt.packages
                    .iter()
                    .map(|package| package.word.value())
                    .filter(|text| !is_pinned_apt_package(text)),
            );
        },
    );
}
