//! HS252: `zypper install` without `zypper clean` afterwards.

use hullscan_diagnostics::{Applicability, Diagnostic, Fix, Location, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::zypper;

use super::shell_facts::{append_to_run, has_cache_mount, run_commands};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `zypper install` (`zypper in`) that is not followed, in the same RUN, by
    /// `zypper clean` (`zypper cc`). A RUN with a cache or tmpfs mount on `/var/cache/zypp` is
    /// fine.
    ///
    /// ## Why is this bad?
    /// zypper keeps repository metadata and downloaded packages under `/var/cache/zypp`. Unless
    /// the same RUN removes them, they are saved in the layer and shipped with every copy of the
    /// image, although nothing at run time needs them. A clean in a later RUN does not help:
    /// the earlier layer still holds the files.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install mariadb=10.11.6
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install mariadb=10.11.6 && zypper clean --all
    /// ```
    ///
    /// ## Fix safety
    /// The fix appends `&& zypper clean` to the end of the RUN's script, after everything else
    /// it does. It is safe: nothing in the image uses the cache, and a later `zypper` refreshes
    /// the metadata again. There is no fix when the script cannot be extended mechanically
    /// (exec form, a heredoc, a last command in the background, a trailing comment) or when
    /// zypper runs through `sudo` or another wrapper (the clean would run without it).
    ///
    /// ## References
    /// - hadolint `DL3036`
    pub static ZYPPER_CACHE_NOT_CLEANED = {
        code: "HS252",
        name: "zypper-cache-not-cleaned",
        aliases: ["DL3036"],
        severity: Warning,
        category: Performance,
        fix: Always,
        summary: "`zypper install` without `zypper clean` leaves the package cache in the layer",
    };
}

/// HS252
pub(crate) fn zypper_cache_not_cleaned(
    checker: &mut Checker,
    index: usize,
    instruction: &Instruction,
) {
    if has_cache_mount(instruction, |target| target.contains("/var/cache/zypp")) {
        return;
    }
    let commands = run_commands(checker, index);
    for (position, command) in commands.iter().enumerate() {
        let Some(install) = zypper(&command.invocation) else {
            continue;
        };
        if !(install.is("install") || install.is("in")) {
            continue;
        }
        let cleaned = commands[position + 1..]
            .iter()
            .any(|later| zypper(&later.invocation).is_some_and(|z| z.is("clean") || z.is("cc")));
        if !cleaned {
            let mut diagnostic = Diagnostic::new(
                &ZYPPER_CACHE_NOT_CLEANED,
                "`zypper install` without a later `zypper clean` in the same RUN keeps the package cache in the image",
                Location::Text(command.range()),
            )
            .with_help("Add `&& zypper clean --all` after the install, or use `RUN --mount=type=cache,target=/var/cache/zypp`");
            if command.invocation.wrappers.is_empty()
                && let Some(edit) = append_to_run(checker, index, instruction, "zypper clean")
            {
                diagnostic = diagnostic.with_fix(Fix::new(
                    "Append `&& zypper clean`",
                    vec![edit],
                    Applicability::Safe,
                ));
            }
            checker.report(diagnostic);
        }
    }
}
