//! HS218: `apk add` of packages without a version.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::apk;

use super::shell_facts::report_unpinned_packages;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `apk add` of packages without a version constraint (`=`, `~`, `>`, `<`): `curl`
    /// instead of `curl=8.9.1-r1` or `curl~8.9`. Local `.apk` files count as pinned; the
    /// values of `--virtual`, `--repository` and `-X` are not packages.
    ///
    /// ## Why is this bad?
    /// Without a version, each build installs whatever the Alpine mirror has that day, so
    /// two builds of the same Dockerfile can differ and a broken update arrives unnoticed.
    /// A fuzzy pin (`~8.9`) still takes security fixes while keeping the version line fixed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl~8.9
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3018`
    pub static UNPINNED_APK_PACKAGE = {
        code: "HS218",
        name: "unpinned-apk-package",
        aliases: ["DL3018"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`apk add` of a package without a pinned version",
    };
}

/// HS218
pub(crate) fn unpinned_apk_package(checker: &mut Checker, index: usize, _: &Instruction) {
    report_unpinned_packages(
        checker,
        index,
        &UNPINNED_APK_PACKAGE,
        "apk package(s)",
        "Pin each package as `name=version` or `name~major.minor`",
        |command, unpinned| {
            let Some(apk) = apk(&command.invocation) else {
                return;
            };
            if !apk.is("add") {
                return;
            }
            unpinned.extend(
                apk.packages
                    .iter()
                    .map(|package| package.word.value())
                    .filter(|text| !text.contains(['=', '~', '>', '<']) && !text.ends_with(".apk")),
            );
        },
    );
}
