//! HS255: `dnf install` without `dnf clean all` afterwards.

use hullscan_diagnostics::{Applicability, Diagnostic, Fix, Location, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::{RpmTool, rm, rpm};

use super::shell_facts::{RunCommand, append_to_run, has_cache_mount, run_commands};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `dnf`/`microdnf` commands that download packages (`install`/`in`,
    /// `upgrade`/`up`, `upgrade-minimal`/`up-min`, `reinstall`/`rei`) not followed, in the same
    /// RUN, by `<same tool> clean all` or an `rm -rf` of dnf's cache directory
    /// (`/var/cache/libdnf5`, `/var/cache/dnf` or `/var/cache/yum`). A RUN with a cache or tmpfs
    /// mount on the libdnf5 cache is fine.
    ///
    /// ## Why is this bad?
    /// dnf keeps repository metadata and packages in its cache. Unless the same RUN removes
    /// them, they are stored in the layer and shipped with the image; a clean in a later RUN
    /// cannot shrink the earlier layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf -y install mariadb-10.11.8
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf -y install mariadb-10.11.8 && dnf clean all
    /// ```
    ///
    /// ## Fix safety
    /// The fix appends `&& <tool> clean all` to the end of the RUN's script, after everything
    /// else it does. It is safe: nothing in the image uses the cache, and a later `dnf` fetches
    /// the metadata again. There is no fix when the script cannot be extended mechanically
    /// (exec form, a heredoc, a last command in the background, a trailing comment) or when
    /// the tool runs through `sudo` or another wrapper (the clean would run without it).
    ///
    /// ## References
    /// - hadolint `DL3040`
    pub static DNF_CACHE_NOT_CLEANED = {
        code: "HS255",
        name: "dnf-cache-not-cleaned",
        aliases: ["DL3040"],
        severity: Warning,
        category: Performance,
        fix: Always,
        summary: "`dnf install` without `dnf clean all` leaves the package cache in the layer",
    };
}

const DOWNLOADING: &[&str] = &[
    "install",
    "in",
    "upgrade",
    "up",
    "upgrade-minimal",
    "up-min",
    "reinstall",
    "rei",
];

const CACHE_DIRS: &[&str] = &["/var/cache/libdnf5", "/var/cache/dnf", "/var/cache/yum"];

/// Whether `command` removes the dnf cache: `<tool> clean all` or `rm -r` of a cache directory.
fn cleans(command: &RunCommand, tool: RpmTool) -> bool {
    if let Some(rpm) = rpm(&command.invocation) {
        return rpm.tool == tool && rpm.clean_all;
    }
    rm(&command.invocation).is_some_and(|rm| {
        rm.recursive
            && rm
                .paths
                .iter()
                .any(|path| CACHE_DIRS.iter().any(|dir| path.value().starts_with(dir)))
    })
}

/// HS255
pub(crate) fn dnf_cache_not_cleaned(
    checker: &mut Checker,
    index: usize,
    instruction: &Instruction,
) {
    if has_cache_mount(instruction, |target| target.contains("cache/libdnf5")) {
        return;
    }
    let commands = run_commands(checker, index);
    for (position, command) in commands.iter().enumerate() {
        let Some(rpm) = rpm(&command.invocation) else {
            continue;
        };
        if rpm.tool == RpmTool::Yum
            || !rpm
                .subcommand
                .is_some_and(|w| DOWNLOADING.contains(&w.value()))
        {
            continue;
        }
        if commands[position + 1..]
            .iter()
            .any(|later| cleans(later, rpm.tool))
        {
            continue;
        }
        let program = command.invocation.name;
        let mut diagnostic = Diagnostic::new(
            &DNF_CACHE_NOT_CLEANED,
            format!("`{program}` without a later `{program} clean all` in the same RUN keeps the package cache in the image"),
            Location::Text(command.range()),
        )
        .with_help(format!("Add `&& {program} clean all` after it, or use a cache mount on `/var/cache/libdnf5`"));
        if command.invocation.wrappers.is_empty()
            && let Some(edit) =
                append_to_run(checker, index, instruction, &format!("{program} clean all"))
        {
            diagnostic = diagnostic.with_fix(Fix::new(
                format!("Append `&& {program} clean all`"),
                vec![edit],
                Applicability::Safe,
            ));
        }
        checker.report(diagnostic);
    }
}
