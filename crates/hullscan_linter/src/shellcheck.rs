//! The optional ShellCheck pass (`--shellcheck`): which RUN scripts go to ShellCheck, with what
//! shell and variables, and how its findings become diagnostics at their Dockerfile position.
//!
//! Pure: the caller supplies a function that answers ShellCheck's findings for a batch of
//! scripts, so process spawning stays in the binary. A caller linting many files first collects
//! every file's scripts with [`for_each_script_input`], checks the distinct ones in a few large
//! runs (see [`hullscan_shell::shellcheck::check_all`]), then lints each file with a function
//! that looks the findings up.

use std::borrow::Cow;

use hullscan_diagnostics::{Diagnostic, Location, Severity};
use hullscan_dockerfile::{Arguments, Instruction, Keyword, Parse};
use hullscan_semantic::{BindingKind, SemanticModel, Shell};
use hullscan_shell::shellcheck::{Finding, Level, ScriptInput, ShellcheckError};
use hullscan_text::TextSize;

use crate::run_script::{RunScripts, run_of};

/// The ShellCheck runner, cache and JSON mapping, re-exported so callers need no direct
/// dependency on the shell crate.
pub use hullscan_shell::shellcheck as runner;

/// Runs ShellCheck over a batch of scripts: one result per input, `None` for a skipped shell.
pub type ShellcheckFn<'f> =
    dyn Fn(&[ScriptInput<'_>]) -> Result<Vec<Option<Vec<Finding>>>, ShellcheckError> + Sync + 'f;

/// The ARG and ENV names a RUN at `index` can see, as hadolint exports them to ShellCheck: the
/// ARGs and ENVs declared earlier in its stage and in the stages it is built `FROM`. A meta ARG
/// (before the first `FROM`) is not among them unless the stage declares it again, because
/// BuildKit does not pass it to RUN either. Outside any stage (a fragment without `FROM`),
/// every earlier ARG and ENV counts.
fn names_in_scope<'m>(
    instructions: &'m [Instruction],
    model: &'m SemanticModel<'_>,
    index: usize,
) -> Vec<&'m str> {
    let Some(stage) = model.stage_of(index) else {
        let mut names = Vec::new();
        for instruction in &instructions[..index] {
            match &instruction.args {
                Arguments::Arg(pairs) => names.extend(pairs.iter().map(|pair| pair.key.as_str())),
                Arguments::KeyValues(list) if instruction.keyword == Keyword::Env => {
                    names.extend(list.pairs.iter().map(|pair| pair.key.as_str()));
                }
                _ => {}
            }
        }
        return names;
    };
    let mut names = Vec::new();
    let mut current = Some(stage.index);
    // Within the RUN's own stage only what comes before it; parents count whole.
    let mut before = Some(index);
    let mut hops = 0;
    while let Some(stage) = current {
        for binding in model.stage_bindings(stage) {
            let declared_before = binding
                .instruction
                .is_some_and(|at| before.is_none_or(|limit| at < limit));
            if declared_before && matches!(binding.kind, BindingKind::Arg | BindingKind::Env) {
                names.push(binding.name.as_ref());
            }
        }
        current = model.stage(stage).and_then(|stage| stage.parent());
        before = None;
        // Parents come earlier in the file, so the chain ends; the bound is for odd models.
        hops += 1;
        if hops > model.stages().len() {
            break;
        }
    }
    names
}

/// The shell of a RUN outside any stage: the latest exec-form SHELL before it, else the
/// default.
fn fragment_shell(instructions: &[Instruction], index: usize) -> Shell<'_> {
    instructions[..index]
        .iter()
        .enumerate()
        .rev()
        .find_map(|(at, instruction)| match &instruction.args {
            Arguments::Exec(exec)
                if instruction.keyword == Keyword::Shell && !exec.words.is_empty() =>
            {
                Some(Shell::Custom {
                    instruction: at,
                    args: &exec.words,
                })
            }
            _ => None,
        })
        .unwrap_or(Shell::Default(hullscan_semantic::Os::Linux))
}

/// The shells named by `# hadolint shell=<name>` comments, with where each comment starts.
fn shell_pragmas(parse: &Parse) -> Vec<(TextSize, &str)> {
    parse
        .dockerfile
        .comments
        .iter()
        .filter_map(|comment| {
            let body = comment.text.trim_start_matches('#').trim();
            let rest = body.strip_prefix("hadolint")?.trim_start();
            let value = rest.strip_prefix("shell")?.trim_start().strip_prefix('=')?;
            Some((comment.range.start(), value.trim()))
        })
        .filter(|(_, shell)| !shell.is_empty())
        .collect()
}

fn severity_of(level: Level) -> Severity {
    match level {
        Level::Error => Severity::Error,
        Level::Warning => Severity::Warning,
        Level::Info => Severity::Info,
        Level::Style => Severity::Style,
    }
}

/// The diagnostic for `finding` in the RUN whose script maps back to the file through `script`.
pub fn finding_diagnostic(
    finding: &Finding,
    script: &crate::run_script::RunScript<'_>,
) -> Diagnostic {
    let code = finding.code_name();
    let name = format!("shellcheck-{}", code.to_ascii_lowercase());
    Diagnostic {
        code: Cow::Owned(code),
        name: Cow::Owned(name),
        aliases: &[],
        severity: severity_of(finding.level),
        message: finding.message.clone(),
        location: Location::Text(script.file_range(finding.range)),
        help: Some(format!(
            "See https://www.shellcheck.net/wiki/SC{:04}",
            finding.code
        )),
        related: Vec::new(),
        fix: None,
        fingerprint: None,
    }
}

/// A RUN that goes to ShellCheck: its instruction index, shell program and the ARG/ENV names
/// declared before it.
struct RunToCheck<'i> {
    index: usize,
    shell: String,
    variables: Vec<&'i str>,
}

/// The RUNs whose scripts go to ShellCheck, as hadolint picks them: shell-form RUN and ONBUILD
/// RUN only (an exec-form RUN runs no shell), and not under PowerShell or cmd, nor heredocs
/// whose `#!` names another interpreter.
///
/// The shell is the stage's `SHELL` (inherited through `FROM <stage>`), unless a later
/// `# hadolint shell=<name>` comment names another; an ONBUILD trigger runs in a child build,
/// so it gets the pragma's shell or `/bin/sh`, and none of this file's ARG/ENV names.
fn runs_to_check<'i>(
    parse: &'i Parse,
    model: &'i SemanticModel<'_>,
    scripts: &RunScripts<'_>,
) -> Vec<RunToCheck<'i>> {
    let instructions = &parse.dockerfile.instructions;
    let pragmas = shell_pragmas(parse);
    let mut runs = Vec::new();
    for (index, instruction) in instructions.iter().enumerate() {
        let (Some(run), Some(script)) = (run_of(instruction), scripts.get(index)) else {
            continue;
        };
        if run.is_json() {
            continue;
        }
        let start = instruction.range.start();
        let pragma = pragmas
            .iter()
            .rev()
            .find(|(at, _)| *at < start)
            .map(|(at, shell)| (*at, *shell));
        let (shell, variables) = if instruction.keyword == Keyword::Onbuild {
            let shell = pragma.map_or(hullscan_shell::shellcheck::DEFAULT_SHELL, |(_, shell)| {
                shell
            });
            (shell.to_owned(), Vec::new())
        } else {
            let stage_shell = match model.stage_of(index) {
                Some(_) => model.shell_at(index),
                // A fragment without FROM (as in hadolint's tests): the latest SHELL before it.
                None => fragment_shell(instructions, index),
            };
            let shell = match (pragma, &stage_shell) {
                (Some((_, shell)), Shell::Default(_)) => shell.to_owned(),
                (Some((at, shell)), Shell::Custom { instruction, .. })
                    if instructions
                        .get(*instruction)
                        .is_some_and(|set| set.range.start() < at) =>
                {
                    shell.to_owned()
                }
                _ => stage_shell.program().to_owned(),
            };
            (shell, names_in_scope(instructions, model, index))
        };
        if !hullscan_shell::shellcheck::is_supported_shell(&shell)
            || !hullscan_shell::shellcheck::is_shell_script(script.script.source)
        {
            continue;
        }
        runs.push(RunToCheck {
            index,
            shell,
            variables,
        });
    }
    runs
}

/// The ShellCheck input of each run (one per run, in order).
fn inputs_of<'s>(runs: &'s [RunToCheck<'_>], scripts: &'s RunScripts<'_>) -> Vec<ScriptInput<'s>> {
    runs.iter()
        .filter_map(|run| {
            Some(ScriptInput {
                script: scripts.get(run.index)?.script.source,
                shell: &run.shell,
                variables: &run.variables,
            })
        })
        .collect()
}

/// Calls `visit` with every script of the file that [`crate::check_dockerfile_with_shellcheck`]
/// sends to ShellCheck, exactly as it sends them: a caller linting many files collects them all
/// first, checks the distinct ones together, and then answers each file's batch from the
/// results.
pub fn for_each_script_input(
    parse: &Parse,
    model: &SemanticModel<'_>,
    visit: &mut dyn FnMut(&ScriptInput<'_>),
) {
    let instructions = &parse.dockerfile.instructions;
    let joined_exec_runs = crate::run_script::join_exec_runs(instructions);
    let scripts = RunScripts::new(instructions, &joined_exec_runs);
    let runs = runs_to_check(parse, model, &scripts);
    for input in inputs_of(&runs, &scripts) {
        visit(&input);
    }
}

/// Sends every RUN script of the file to `run` in one batch (non-POSIX shells and non-shell
/// heredocs are skipped) and returns the findings as diagnostics.
pub(crate) fn check_runs(
    parse: &Parse,
    model: &SemanticModel<'_>,
    scripts: &RunScripts<'_>,
    run: &ShellcheckFn<'_>,
) -> Result<Vec<Diagnostic>, ShellcheckError> {
    let runs = runs_to_check(parse, model, scripts);
    let inputs = inputs_of(&runs, scripts);
    if inputs.is_empty() {
        return Ok(Vec::new());
    }
    let results = run(&inputs)?;
    let mut diagnostics = Vec::new();
    for (to_check, findings) in runs.iter().zip(results) {
        let (Some(script), Some(findings)) = (scripts.get(to_check.index), findings) else {
            continue;
        };
        diagnostics.extend(
            findings
                .iter()
                .map(|finding| finding_diagnostic(finding, script)),
        );
    }
    Ok(diagnostics)
}

#[cfg(test)]
mod tests {
    use hullscan_semantic::SemanticModel;
    use hullscan_text::{SourceFile, TextRange, TextSize};

    use super::*;
    use crate::settings::LinterSettings;

    /// Pretends to be ShellCheck: SC2086 (info) and SC2154 (warning) at every `$foo`.
    fn fake_run(inputs: &[ScriptInput<'_>]) -> Result<Vec<Option<Vec<Finding>>>, ShellcheckError> {
        Ok(inputs
            .iter()
            .map(|input| {
                let at = input.script.find("$foo")?;
                let range = TextRange::at(TextSize::new(at as u32), TextSize::new(4));
                let finding = |code, level| Finding {
                    code,
                    level,
                    message: format!("fake {code}"),
                    range,
                    fix: Vec::new(),
                };
                Some(vec![
                    finding(2086, Level::Info),
                    finding(2154, Level::Warning),
                ])
            })
            .collect())
    }

    fn check(text: &str) -> (SourceFile, Vec<Diagnostic>) {
        let source = SourceFile::new("Dockerfile".to_owned(), text.to_owned());
        let parse = hullscan_dockerfile::parse(text);
        let model = SemanticModel::new(&parse.dockerfile);
        let settings = LinterSettings::with_rules(crate::registry::RuleSet::EMPTY);
        let diagnostics = crate::check_dockerfile_with_shellcheck(
            &source,
            &parse,
            &model,
            &settings,
            Some(&fake_run),
        )
        .unwrap();
        (source, diagnostics)
    }

    #[test]
    fn findings_land_on_the_continuation_line_and_honour_pragmas() {
        let text = "FROM alpine\n# hullscan ignore=SC2154\nRUN echo a && \\\n  echo $foo\n";
        let (_, diagnostics) = check(text);
        let found: Vec<(&str, &str, Severity, TextRange)> = diagnostics
            .iter()
            .map(|d| (&*d.code, &*d.name, d.severity, d.range().unwrap()))
            .collect();
        let at = TextSize::new(text.find("$foo").unwrap() as u32);
        assert_eq!(
            found,
            vec![(
                "SC2086",
                "shellcheck-sc2086",
                Severity::Info,
                TextRange::at(at, TextSize::new(4))
            )]
        );
    }

    #[test]
    fn collected_inputs_are_exactly_what_the_check_sends() {
        let text = "FROM alpine\nARG V=1\nRUN echo $foo\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n\
                    ENV W=2\nRUN echo $W\nSHELL [\"pwsh\", \"-c\"]\nRUN echo $bar\n";
        let parse = hullscan_dockerfile::parse(text);
        let model = SemanticModel::new(&parse.dockerfile);
        type Owned = (String, String, Vec<String>);
        let own = |input: &ScriptInput<'_>| -> Owned {
            (
                input.script.to_owned(),
                input.shell.to_owned(),
                input
                    .variables
                    .iter()
                    .map(|name| (*name).to_owned())
                    .collect(),
            )
        };
        let mut collected: Vec<Owned> = Vec::new();
        for_each_script_input(&parse, &model, &mut |input| collected.push(own(input)));
        let scripts: Vec<&str> = collected
            .iter()
            .map(|(script, _, _)| script.as_str())
            .collect();
        assert_eq!(
            scripts,
            ["echo $foo", "echo $W"],
            "python heredoc and pwsh left out"
        );
        assert_eq!(collected[0].2, ["V"]);
        assert_eq!(collected[1].2, ["V", "W"]);

        let sent = std::sync::Mutex::new(Vec::new());
        let record = |inputs: &[ScriptInput<'_>]| {
            sent.lock().unwrap().extend(inputs.iter().map(own));
            Ok(inputs.iter().map(|_| Some(Vec::new())).collect())
        };
        let source = SourceFile::new("Dockerfile".to_owned(), text.to_owned());
        let settings = LinterSettings::with_rules(crate::registry::RuleSet::EMPTY);
        crate::check_dockerfile_with_shellcheck(&source, &parse, &model, &settings, Some(&record))
            .unwrap();
        assert_eq!(sent.into_inner().unwrap(), collected);
    }

    /// The scripts the check sends, with their shell and names.
    fn sent(text: &str) -> Vec<(String, String, Vec<String>)> {
        let parse = hullscan_dockerfile::parse(text);
        let model = SemanticModel::new(&parse.dockerfile);
        let mut collected = Vec::new();
        for_each_script_input(&parse, &model, &mut |input| {
            collected.push((
                input.script.to_owned(),
                input.shell.to_owned(),
                input
                    .variables
                    .iter()
                    .map(|name| (*name).to_owned())
                    .collect(),
            ));
        });
        collected
    }

    #[test]
    fn exec_form_runs_are_not_sent() {
        assert!(sent("FROM debian:12\nRUN [\"foobar\", \"$f\"]\n").is_empty());
        assert!(sent("FROM debian:12\nONBUILD RUN [\"foobar\", \"$f\"]\n").is_empty());
    }

    #[test]
    fn meta_args_are_not_in_a_stage_unless_declared_again() {
        let text = "ARG foo=bar\nARG again=1\nFROM debian AS base\nARG again\nENV e=1\n\
                    RUN echo \"$foo\"\nFROM base\nARG late\nRUN echo 2\nFROM debian\nRUN echo 3\n";
        let names: Vec<Vec<String>> = sent(text).into_iter().map(|(_, _, names)| names).collect();
        assert_eq!(
            names,
            [vec!["again", "e"], vec!["late", "again", "e"], vec![]]
        );
        // A fragment without FROM sees every earlier ARG and ENV, as hadolint's tests expect.
        assert_eq!(sent("ARG a\nENV b=1\nRUN echo\n")[0].2, ["a", "b"]);
    }

    #[test]
    fn onbuild_triggers_and_shell_pragmas() {
        let text = "FROM debian:12\nARG a\nSHELL [\"/bin/bash\", \"-c\"]\nONBUILD RUN echo 1\nRUN echo 2\n";
        let sent = sent(text);
        assert_eq!(sent[0].1, "/bin/sh", "a trigger runs in a child build");
        assert!(sent[0].2.is_empty());
        assert_eq!(
            (sent[1].1.as_str(), sent[1].2.clone()),
            ("/bin/bash", vec!["a".to_owned()])
        );
        let text = "# hadolint shell=powershell.exe\nFROM mcr.microsoft.com/foo/windows:10\n\
                    RUN Get-Variable x\nONBUILD RUN Get-Variable y\n";
        assert!(super::tests::sent(text).is_empty());
        let text = "FROM debian:12\n# hadolint shell=bash\nRUN echo $RANDOM\nSHELL [\"/bin/sh\", \"-c\"]\nRUN echo\n";
        let shells: Vec<String> = super::tests::sent(text)
            .into_iter()
            .map(|(_, shell, _)| shell)
            .collect();
        assert_eq!(shells, ["bash", "/bin/sh"]);
    }

    #[test]
    fn powershell_runs_are_not_sent() {
        let text = "FROM alpine\nSHELL [\"pwsh\", \"-c\"]\nRUN echo $foo\n";
        let (_, diagnostics) = check(text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }
}
