//! HS262: `wget` without `--progress` or a quiet option.

use hullscan_diagnostics::{Applicability, Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_semantic::Os;
use hullscan_shell::tools::wget;

use super::shell_facts::run_commands;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `wget` without `--progress=…` and without an option that quiets or redirects its
    /// output (`-q`/`--quiet`, `-nv`/`--no-verbose`, `-o`/`--output-file`,
    /// `-a`/`--append-output`). Windows stages are skipped: there `wget` is PowerShell's alias
    /// of `Invoke-WebRequest`.
    ///
    /// ## Why is this bad?
    /// Without a terminal, GNU wget falls back to its "dot" progress display and prints a line
    /// of dots for every few kilobytes. A large download fills the build log with thousands of
    /// such lines, hiding the output that matters and slowing CI log viewers.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN wget https://example.com/release.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN wget -nv https://example.com/release.tar.gz
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `-nv` (`--no-verbose`) after `wget`: GNU wget then prints one line per
    /// file and still reports errors, and BusyBox wget (Alpine) accepts and ignores it (it
    /// rejects `--progress`, so that is not what the fix writes). It is safe: only the build
    /// log changes. In exec form the flag would land inside a JSON string, so there is no fix.
    ///
    /// ## References
    /// - hadolint `DL3047`
    pub static WGET_WITHOUT_PROGRESS_SETTING = {
        code: "HS262",
        name: "wget-without-progress-setting",
        aliases: ["DL3047"],
        severity: Info,
        category: Style,
        fix: Always,
        summary: "`wget` without `--progress` or `-q` floods the build log",
    };
}

/// HS262
pub(crate) fn wget_without_progress_setting(checker: &mut Checker, index: usize, _: &Instruction) {
    // In Windows images `wget` is PowerShell's alias of `Invoke-WebRequest`, not GNU wget.
    if checker
        .model
        .stage_of(index)
        .is_some_and(|stage| stage.os == Os::Windows)
    {
        return;
    }
    for command in run_commands(checker, index) {
        let Some(wget) = wget(&command.invocation) else {
            continue;
        };
        if wget.progress.is_some()
            || wget.quiet
            || wget.no_verbose
            || wget.log_file.is_some()
            || wget
                .args
                .has(&["progress", "o", "a", "output-file", "append-output"])
        {
            continue;
        }
        // BusyBox wget (Alpine) has `-q` but not `--progress`, so the help names both.
        let mut diagnostic = Diagnostic::new(
            &WGET_WITHOUT_PROGRESS_SETTING,
            "`wget` without `--progress` or `-q` prints a progress line per few kilobytes into the build log",
            Location::Text(command.range()),
        )
        .with_help("Add `-nv`, `--progress=dot:giga` (GNU wget) or `-q`");
        // In exec form the insertion would join the flag to the name's JSON string.
        if command.script.is_shell_text() {
            let at = command
                .script
                .file_range(command.invocation.name_word.range)
                .end();
            diagnostic = diagnostic.with_fix(Fix::new(
                "Add `-nv`",
                vec![Edit::insertion(" -nv", at)],
                Applicability::Safe,
            ));
        }
        checker.report(diagnostic);
    }
}
