//! HS105: `CMD`/`ENTRYPOINT` in shell form.

use hullscan_diagnostics::{Applicability, Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::{Arguments, Instruction, Keyword};
use hullscan_semantic::Stage;

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `CMD` and `ENTRYPOINT` written in shell form (`CMD node server.js`) in a stage
    /// that does not set `SHELL` itself or through an earlier stage it is built `FROM`, as
    /// BuildKit's `JSONArgsRecommended` check does.
    ///
    /// ## Why is this bad?
    /// Docker runs the shell form as `/bin/sh -c "<command>"`. The shell becomes PID 1 and does
    /// not forward signals, so `docker stop` waits for its timeout and then kills the process
    /// without a clean shutdown. With `ENTRYPOINT`, the shell form also ignores `CMD` and
    /// `docker run` arguments.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// CMD node server.js
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// When the command is plain words (no quotes, variables, globs, redirections, pipes,
    /// `&&`, escapes or other shell syntax), the fix writes it as a JSON array, which is safe:
    /// the same program gets the same arguments, only without a shell in between. Commands
    /// that use the shell get no fix, since they need rewriting by hand (or an explicit
    /// `["/bin/sh", "-c", "..."]`).
    ///
    /// ## References
    /// - [BuildKit check JSONArgsRecommended](https://docs.docker.com/reference/build-checks/json-args-recommended/)
    /// - hadolint `DL3025`
    pub static SHELL_FORM_COMMAND = {
        code: "HS105",
        name: "shell-form-command",
        aliases: ["JSONArgsRecommended", "DL3025"],
        severity: Warning,
        category: BestPractice,
        fix: Sometimes,
        summary: "`CMD`/`ENTRYPOINT` in shell form runs under `/bin/sh -c` and misses signals",
    };
}

/// HS105
pub(crate) fn shell_form_command(checker: &mut Checker, index: usize, instruction: &Instruction) {
    let Arguments::Shell(text) = &instruction.args else {
        return;
    };
    if text.value.trim().is_empty() {
        return;
    }
    let model = checker.model;
    let Some(stage) = model.stage_of(index) else {
        return;
    };
    // A SHELL earlier in the stage chain (BuildKit's check only fires when the image config has
    // no shell).
    if checker.shell_set_before(index) {
        return;
    }
    let keyword = &instruction.keyword_text;
    let message = format!(
        "`{keyword}` in shell form runs under `/bin/sh -c`, which does not pass stop signals to the program"
    );
    let mut diagnostic = Diagnostic::new(
        &SHELL_FORM_COMMAND,
        message,
        Location::Text(instruction.range),
    );
    match exec_form(&text.value) {
        Some(json) => {
            // A shell-form ENTRYPOINT drops CMD; in exec form CMD becomes its arguments, so with
            // a CMD in the stage the conversion changes what runs.
            let applicability =
                if instruction.keyword == Keyword::Entrypoint && stage_has_cmd(checker, stage) {
                    Applicability::Unsafe
                } else {
                    Applicability::Safe
                };
            let title = format!("Use exec form: `{} {json}`", instruction.keyword.as_str());
            diagnostic = diagnostic.with_help(title.clone()).with_fix(Fix::new(
                title,
                vec![Edit::replacement(json, text.range())],
                applicability,
            ));
        }
        None => {
            diagnostic = diagnostic.with_help(format!(
                "Use exec form (`{} [\"program\", \"arg\"]`); for shell features, run a script or `exec` the program last",
                instruction.keyword.as_str()
            ));
        }
    }
    checker.report(diagnostic);
}

fn stage_has_cmd(checker: &Checker, stage: &Stage) -> bool {
    let instructions = checker.instructions();
    stage
        .instructions
        .clone()
        .filter_map(|i| instructions.get(i))
        .any(|instruction| instruction.keyword == Keyword::Cmd)
}

/// Shell builtins and keywords that are not programs, so cannot start an exec-form command.
const NOT_PROGRAMS: &[&str] = &[
    ".", ":", "alias", "builtin", "case", "cd", "command", "declare", "do", "done", "elif", "else",
    "esac", "eval", "exit", "export", "fi", "for", "function", "hash", "if", "let", "local",
    "read", "readonly", "return", "select", "set", "shift", "source", "then", "time", "trap",
    "type", "typeset", "ulimit", "umask", "unalias", "unset", "until", "wait", "while",
];

/// The JSON exec form of a shell command made only of plain words; `None` when the command uses
/// anything the shell would interpret. A leading `exec` is dropped: exec form already replaces
/// the shell.
fn exec_form(command: &str) -> Option<String> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=,@+".contains(c);
    let mut words: Vec<&str> = command
        .split([' ', '\t'])
        .filter(|w| !w.is_empty())
        .collect();
    if words.iter().any(|word| !word.chars().all(plain)) {
        return None;
    }
    if words.first() == Some(&"exec") {
        words.remove(0);
    }
    let program = *words.first()?;
    // `NAME=value program` is an environment assignment, not a program name.
    if program.contains('=') || NOT_PROGRAMS.contains(&program) {
        return None;
    }
    let quoted: Vec<String> = words.iter().map(|word| format!("\"{word}\"")).collect();
    Some(format!("[{}]", quoted.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::exec_form;

    #[test]
    fn converts_only_plain_words() {
        assert_eq!(
            exec_form("node server.js").as_deref(),
            Some(r#"["node", "server.js"]"#)
        );
        assert_eq!(
            exec_form("exec gunicorn --bind=0.0.0.0:8000 app:wsgi").as_deref(),
            Some(r#"["gunicorn", "--bind=0.0.0.0:8000", "app:wsgi"]"#)
        );
        for shell in [
            "node $APP",
            "echo 'hi'",
            "a && b",
            "a | b",
            "a > log",
            "ls *.txt",
            "FOO=1 node x",
            "cd /app",
            "exec",
            "run \\n",
            "if true",
            "a; b",
            "echo ~",
            "echo %PATH%",
        ] {
            assert_eq!(exec_form(shell), None, "{shell}");
        }
    }
}
