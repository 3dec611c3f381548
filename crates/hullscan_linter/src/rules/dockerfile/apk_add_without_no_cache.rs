//! HS219: `apk add` without `--no-cache`.

use hullscan_diagnostics::{Applicability, Edit, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::apk;

use super::shell_facts::{RunFinding, has_cache_mount, run_commands};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `apk add` without `--no-cache`, unless the `RUN` keeps `/var/cache/apk` on a
    /// cache or tmpfs mount.
    ///
    /// ## Why is this bad?
    /// Without `--no-cache`, apk stores the package index (and, with `apk update`, more) under
    /// `/var/cache/apk`, where it stays in the layer for good. `--no-cache` fetches the index
    /// into a temporary place and leaves nothing behind, so no separate `apk update` or
    /// `rm -rf /var/cache/apk/*` is needed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add curl~8.9
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl~8.9
    /// ```
    ///
    /// ## Fix safety
    /// Adding `--no-cache` after `add` is safe: the same packages are installed, only the
    /// index is not kept.
    ///
    /// ## References
    /// - hadolint `DL3019`
    pub static APK_ADD_WITHOUT_NO_CACHE = {
        code: "HS219",
        name: "apk-add-without-no-cache",
        aliases: ["DL3019"],
        severity: Info,
        category: Performance,
        fix: Always,
        summary: "`apk add` without `--no-cache` leaves the package index in the layer",
    };
}

/// HS219
pub(crate) fn apk_add_without_no_cache(
    checker: &mut Checker,
    index: usize,
    instruction: &Instruction,
) {
    if has_cache_mount(instruction, |target| {
        target.trim_end_matches('/') == "/var/cache/apk"
    }) {
        return;
    }
    let mut finding = RunFinding::default();
    for command in run_commands(checker, index) {
        let Some(apk) = apk(&command.invocation) else {
            continue;
        };
        if !apk.is("add") || apk.no_cache {
            continue;
        }
        let Some(add) = apk.subcommand else {
            continue;
        };
        let at = command.script.file_range(add.range).end();
        finding.add(command.range(), Some(Edit::insertion(" --no-cache", at)));
    }
    finding.report(
        checker,
        &APK_ADD_WITHOUT_NO_CACHE,
        "`apk add` without `--no-cache` keeps the package index in this layer",
        "Add `--no-cache`",
        Applicability::Safe,
    );
}
