//! HS209: `apt-get update` without removing `/var/lib/apt/lists` in the same `RUN`.

use hullscan_diagnostics::{Applicability, Diagnostic, Fix, Location, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::{apt, rm};

use super::shell_facts::{
    RUN_KEYWORDS, append_to_run, has_cache_mount, run_commands, stage_is_shipped,
};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds a `RUN` that runs `apt-get update` (or `apt`/`aptitude update`) but does not
    /// `rm -rf /var/lib/apt/lists/*` (or `apt-get dist-clean`) before it ends, in a stage that
    /// ships (the last stage, or one a later stage is built `FROM`). A RUN that keeps the lists
    /// on a cache or tmpfs mount (`/var/lib/apt/lists`, or both `/var/lib/apt` and
    /// `/var/cache/apt`) is fine.
    ///
    /// ## Why is this bad?
    /// `apt-get update` downloads the package index, tens of megabytes that nothing in the
    /// running container needs. Removed in a later `RUN`, they still sit in the earlier layer.
    /// Removing them in the same `RUN` keeps them out of the image, and also stops a later
    /// `apt-get install` from using a stale index from the cache.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// The fix appends `&& rm -rf /var/lib/apt/lists/*` to the end of the RUN's script, so it
    /// runs after everything else there. It is safe: nothing in the image reads the lists,
    /// unless a later RUN installs packages without its own `apt-get update` (it would then
    /// find no lists and fail), in which case the fix is unsafe. There is no fix when the
    /// script cannot be extended mechanically (exec form, a heredoc, a last command in the
    /// background, a trailing comment) or when `apt-get update` runs through `sudo` or another
    /// wrapper (the `rm` would then run without it).
    ///
    /// ## References
    /// - hadolint `DL3009`
    pub static APT_LISTS_NOT_REMOVED = {
        code: "HS209",
        name: "apt-lists-not-removed",
        aliases: ["DL3009"],
        severity: Info,
        category: Performance,
        fix: Sometimes,
        summary: "`apt-get update` leaves its package lists in the layer",
    };
}

/// Whether a cache or tmpfs mount keeps the apt lists out of the layer.
pub(crate) fn apt_lists_on_mount(instruction: &Instruction) -> bool {
    has_cache_mount(instruction, |target| target.contains("/var/lib/apt/lists"))
        || (has_cache_mount(instruction, |target| {
            target.trim_end_matches('/') == "/var/lib/apt"
        }) && has_cache_mount(instruction, |target| {
            target.trim_end_matches('/') == "/var/cache/apt"
        }))
}

/// HS209
pub(crate) fn apt_lists_not_removed(
    checker: &mut Checker,
    index: usize,
    instruction: &Instruction,
) {
    let commands = run_commands(checker, index);
    let Some(update) = commands
        .iter()
        .find(|command| apt(&command.invocation).is_some_and(|apt| apt.is("update")))
    else {
        return;
    };
    // `rm` of the lists, or `apt-get dist-clean` (apt 2.7+), which removes them.
    let removes_lists = commands.iter().any(|command| {
        rm(&command.invocation).is_some_and(|rm| {
            rm.paths
                .iter()
                .any(|path| path.value().starts_with("/var/lib/apt/lists"))
        }) || apt(&command.invocation).is_some_and(|apt| apt.is("dist-clean"))
    });
    if removes_lists || apt_lists_on_mount(instruction) || !stage_is_shipped(checker, index) {
        return;
    }
    let mut diagnostic = Diagnostic::new(
        &APT_LISTS_NOT_REMOVED,
        "`apt-get update` leaves the package lists in this layer",
        Location::Text(update.range()),
    )
    .with_help("End the same `RUN` with `&& rm -rf /var/lib/apt/lists/*`");
    if update.invocation.wrappers.is_empty()
        && let Some(edit) =
            append_to_run(checker, index, instruction, "rm -rf /var/lib/apt/lists/*")
    {
        let applicability = if later_install_needs_lists(checker, index) {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        diagnostic = diagnostic.with_fix(Fix::new(
            "Append `&& rm -rf /var/lib/apt/lists/*`",
            vec![edit],
            applicability,
        ));
    }
    checker.report(diagnostic);
}

/// Whether a RUN after `index` installs with apt without updating the lists itself: it relies
/// on the lists this RUN leaves.
fn later_install_needs_lists(checker: &Checker, index: usize) -> bool {
    let instructions = checker.instructions();
    (index + 1..instructions.len())
        .filter(|&later| RUN_KEYWORDS.contains(&instructions[later].keyword))
        .any(|later| {
            let commands = run_commands(checker, later);
            let installs = commands.iter().any(|command| {
                apt(&command.invocation).is_some_and(|apt| {
                    [
                        "install",
                        "upgrade",
                        "dist-upgrade",
                        "full-upgrade",
                        "build-dep",
                        "source",
                    ]
                    .iter()
                    .any(|verb| apt.is(verb))
                })
            });
            installs
                && !commands
                    .iter()
                    .any(|command| apt(&command.invocation).is_some_and(|apt| apt.is("update")))
        })
}
