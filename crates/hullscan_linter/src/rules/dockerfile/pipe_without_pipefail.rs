//! HS285: a pipe in RUN without `pipefail`.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::{Arguments, Instruction};

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds RUN instructions with a pipe (`a | b`) when the shell does not have `pipefail` on:
    /// no `SHELL [..., "-o", "pipefail", ...]` in the stage (or a stage it is built `FROM`), and
    /// no `set -o pipefail` in the script before the pipe. Stages whose `SHELL` is not a POSIX
    /// shell (PowerShell, `cmd`) are skipped.
    ///
    /// ## Why is this bad?
    /// A pipeline's exit status is that of its *last* command. In
    /// `RUN curl -fsSL https://x/install.sh | sh`, a failed download feeds `sh` an empty
    /// script, which succeeds, and the build carries on without the software. With `pipefail`
    /// the step fails as it should.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN curl -fsSL https://example.com/install.sh | bash
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12-slim
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/install.sh | bash
    /// ```
    ///
    /// ## References
    /// - hadolint `DL4006`
    pub static PIPE_WITHOUT_PIPEFAIL = {
        code: "HS285",
        name: "pipe-without-pipefail",
        aliases: ["DL4006"],
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "Pipe in `RUN` without `pipefail` hides failures of all but the last command",
    };
}

/// Whether an argument list turns `pipefail` on: `-o pipefail`, also in a cluster (`-eo pipefail`).
fn sets_pipefail<'w>(args: impl IntoIterator<Item = &'w str>) -> bool {
    let mut previous: Option<&str> = None;
    for arg in args {
        if arg == "pipefail"
            && previous
                .is_some_and(|p| p.starts_with('-') && !p.starts_with("--") && p.ends_with('o'))
        {
            return true;
        }
        if arg == "-opipefail" {
            return true;
        }
        previous = Some(arg);
    }
    false
}

/// The shell's program name without directory or `.exe`.
fn shell_name(program: &str) -> &str {
    let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
    base.strip_suffix(".exe").unwrap_or(base)
}

fn is_non_posix(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("pwsh") || lower.contains("powershell") || lower == "cmd"
}

/// The `SHELL` words in effect at `index`: latest in the stage, else from the parent chain.
fn shell_at<'i>(checker: &Checker<'i, '_>, index: usize) -> Option<Vec<&'i str>> {
    match &checker.latest_shell_before(index)?.args {
        Arguments::Exec(exec) => Some(exec.words.iter().map(|w| w.value.as_str()).collect()),
        _ => None,
    }
}

/// A `# hadolint shell=<name>` pragma before instruction `index` (it names a non-POSIX shell
/// for files that rely on the base image's SHELL).
fn pragma_shell<'a>(checker: &Checker<'a, '_>, instruction: &Instruction) -> Option<&'a str> {
    checker
        .parse
        .dockerfile
        .comments
        .iter()
        .filter(|comment| comment.range.start() < instruction.range.start())
        .filter_map(|comment| {
            let body = checker.slice(comment.range).trim_start_matches('#').trim();
            let rest = body.strip_prefix("hadolint")?.trim_start();
            Some(
                rest.strip_prefix("shell")?
                    .trim_start()
                    .strip_prefix('=')?
                    .trim(),
            )
        })
        .last()
}

/// HS285
pub(crate) fn pipe_without_pipefail(
    checker: &mut Checker,
    index: usize,
    instruction: &Instruction,
) {
    if !matches!(instruction.args, Arguments::Shell(_)) {
        return;
    }
    let Some(script) = checker.run_script(index) else {
        return;
    };
    let Some(pipe) = script
        .script
        .pipelines()
        .into_iter()
        .find(|pipeline| pipeline.commands.len() > 1)
    else {
        return;
    };
    if let Some(words) = shell_at(checker, index) {
        let name = shell_name(words.first().copied().unwrap_or_default());
        if is_non_posix(name) || sets_pipefail(words.iter().copied()) {
            return;
        }
    } else if pragma_shell(checker, instruction).is_some_and(is_non_posix) {
        return;
    }
    // `set -o pipefail` earlier in the same script.
    let set_before_pipe = script.script.simple_commands().iter().any(|command| {
        command.range.end() <= pipe.range.start()
            && command.command_name() == Some("set")
            && sets_pipefail(command.args().iter().map(|w| w.value()))
    });
    if set_before_pipe {
        return;
    }
    checker.report_at(
        &PIPE_WITHOUT_PIPEFAIL,
        "without `pipefail`, this pipe only fails when its last command fails",
        script.file_range(pipe.range),
        Some("Set `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before this RUN (on Alpine: `[\"/bin/ash\", \"-o\", \"pipefail\", \"-c\"]`), or start the script with `set -o pipefail`"),
    );
}

#[cfg(test)]
mod tests {
    use super::sets_pipefail;

    #[test]
    fn pipefail_options() {
        assert!(sets_pipefail(["/bin/bash", "-o", "pipefail", "-c"]));
        assert!(sets_pipefail(["/bin/bash", "-eo", "pipefail", "-c"]));
        assert!(sets_pipefail([
            "bash", "-o", "errexit", "-o", "pipefail", "-c"
        ]));
        assert!(!sets_pipefail(["/bin/bash", "-c"]));
        assert!(!sets_pipefail(["/bin/bash", "-c", "pipefail"]));
        assert!(!sets_pipefail(["/bin/bash", "--norc", "pipefail"]));
    }
}
