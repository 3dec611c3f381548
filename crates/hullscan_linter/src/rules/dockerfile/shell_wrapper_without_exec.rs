//! HS409: exec-form `["sh", "-c", "…"]` CMD/ENTRYPOINT whose last command is not `exec`'d.

use hullscan_diagnostics::{Applicability, Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::{Arguments, Instruction};
use hullscan_shell::{CommandKind, SimpleCommand, tools::is_shell_name};
use hullscan_text::TextSize;

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `CMD` and `ENTRYPOINT` in exec form that start a shell with a script
    /// (`["sh", "-c", "…"]`, `["/bin/bash", "-c", "…"]`) whose last command is a plain program
    /// run, not `exec program`.
    ///
    /// ## Why is this bad?
    /// The shell is PID 1 and the program its child. `docker stop` sends `SIGTERM` to PID 1; a
    /// shell does not pass it on, so the program never hears it, cannot shut down cleanly and
    /// is killed with `SIGKILL` after the timeout (dropped requests, half-written files). With
    /// `exec` the shell replaces itself with the program, which becomes PID 1 and receives the
    /// signals. Some shells do this on their own for a lone command, but not all shells and
    /// not after `&&` or `;`; writing `exec` makes it certain.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// CMD ["sh", "-c", "node migrate.js && node server.js"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// CMD ["sh", "-c", "node migrate.js && exec node server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts `exec ` before the last command when it is a simple command at the top
    /// level of the script without variable assignments or redirections, and the JSON string
    /// has no escapes. It is safe: nothing runs after
    /// the last command, and the exit status is the program's either way. Scripts that set a
    /// `trap` get no fix (exec drops the trap).
    ///
    /// ## References
    /// - [Dockerfile reference: ENTRYPOINT, exec form and signals](https://docs.docker.com/reference/dockerfile/#exec-form-entrypoint-example)
    pub static SHELL_WRAPPER_WITHOUT_EXEC = {
        code: "HS409",
        name: "shell-wrapper-without-exec",
        aliases: [],
        severity: Warning,
        category: BestPractice,
        fix: Sometimes,
        summary: "`[\"sh\", \"-c\", …]` command does not `exec` its program, so it misses stop signals",
    };
}

/// HS409
pub(crate) fn shell_wrapper_without_exec(
    checker: &mut Checker,
    _index: usize,
    instruction: &Instruction,
) {
    let Arguments::Exec(exec) = &instruction.args else {
        return;
    };
    let Some((shell, rest)) = exec.words.split_first() else {
        return;
    };
    if !is_shell_name(&shell.value) || shell.value.ends_with("busybox") {
        return;
    }
    // `sh -c SCRIPT` / `bash -ec SCRIPT`: the script is the word after the option cluster.
    let mut script_word = None;
    let mut saw_c = false;
    for word in rest {
        match word.value.strip_prefix('-') {
            Some(flags) if !flags.starts_with('-') && !flags.is_empty() => {
                saw_c |= flags.contains('c')
            }
            Some(_) => {}
            None => {
                if saw_c {
                    script_word = Some(word);
                }
                break;
            }
        }
    }
    let Some(word) = script_word else {
        return;
    };
    let script = hullscan_shell::parse(&word.value);
    if script.has_errors() {
        return;
    }
    let Some(list) = script.body.lists.last() else {
        return;
    };
    if list.is_background() {
        return;
    }
    let Some(pipeline) = list.pipelines.last() else {
        return;
    };
    if pipeline.commands.len() != 1 {
        return;
    }
    let Some(command) = pipeline.commands.first() else {
        return;
    };
    let CommandKind::Simple(simple) = &command.kind else {
        return;
    };
    let Some(name) = simple.name_word() else {
        return;
    };
    let program = name.value();
    if program == "exec" || NOT_PROGRAMS.contains(&program) || prints_usage(simple) {
        return;
    }
    let mut diagnostic = Diagnostic::new(
        &SHELL_WRAPPER_WITHOUT_EXEC,
        format!(
            "`{}` runs `{program}` as a child of the shell, so the shell, not `{program}`, receives stop signals",
            instruction.keyword.as_str()
        ),
        Location::Text(word.range),
    );
    // The JSON string maps one to one to its value when it has no escapes.
    let raw = checker.slice(word.range);
    let raw_inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default();
    // With `NAME=value program`, `exec` would have to go between the two; leave that by hand.
    let fixable = raw_inner == word.value
        && !word.value.contains("trap")
        && simple.assignments.is_empty()
        && command.redirects.is_empty();
    if fixable {
        let at = word.range.start() + TextSize::new(1) + name.range.start();
        let title = format!("Run it with `exec {program}`");
        diagnostic = diagnostic.with_help(title.clone()).with_fix(Fix::new(
            title,
            vec![Edit::insertion("exec ", at)],
            Applicability::Safe,
        ));
    } else {
        diagnostic = diagnostic.with_help(format!(
            "Start the last command with `exec`: `exec {program} …`"
        ));
    }
    checker.report(diagnostic);
}

/// Whether the command asks its program for help or its version (`tool -h`, `tool --help`,
/// `tool version`): it prints and exits at once, so no stop signal ever reaches it. Tool
/// images use such a `CMD` to show their usage (`["sh", "-c", "a -h && b -h"]`). A lone `-h`
/// counts only as the last word: `postgres -h 0.0.0.0` names a host.
fn prints_usage(command: &SimpleCommand<'_>) -> bool {
    let args: Vec<&str> = command.args().iter().map(|word| word.value()).collect();
    args.iter()
        .any(|arg| matches!(*arg, "--help" | "-help" | "--version" | "-version"))
        || args.last() == Some(&"-h")
        || matches!(args.as_slice(), ["help" | "version"])
}

/// Builtins and keywords that are not a program to exec.
const NOT_PROGRAMS: &[&str] = &[
    ".", ":", "cd", "echo", "exit", "export", "printf", "read", "return", "set", "shift", "source",
    "test", "[", "true", "false", "trap", "wait", "unset", "sleep",
];

#[cfg(test)]
mod tests {
    use hullscan_diagnostics::Applicability;

    use super::SHELL_WRAPPER_WITHOUT_EXEC;
    use crate::rules::dockerfile::buildkit_facts::testing;

    fn fixed(text: &str) -> String {
        testing::fixed_at(&SHELL_WRAPPER_WITHOUT_EXEC, text, Applicability::Safe)
    }

    #[test]
    fn inserts_exec_before_the_last_command() {
        assert_eq!(
            fixed("FROM a\nCMD [\"sh\", \"-c\", \"node m.js && node s.js\"]\n"),
            "FROM a\nCMD [\"sh\", \"-c\", \"node m.js && exec node s.js\"]\n"
        );
        // Assignments, redirections and escaped strings are left alone.
        for text in [
            "FROM a\nCMD [\"sh\", \"-c\", \"PORT=1 node s.js\"]\n",
            "FROM a\nCMD [\"sh\", \"-c\", \"node s.js > /dev/null\"]\n",
            "FROM a\nCMD [\"sh\", \"-c\", \"node \\\"s.js\\\"\"]\n",
        ] {
            assert_eq!(fixed(text), text);
        }
    }
}
