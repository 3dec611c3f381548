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
use hullscan_semantic::SemanticModel;
use hullscan_shell::shellcheck::{Finding, Level, ScriptInput, ShellcheckError};

use crate::run_script::{RunScripts, run_of};

/// The ShellCheck runner, cache and JSON mapping, re-exported so callers need no direct
/// dependency on the shell crate.
pub use hullscan_shell::shellcheck as runner;

/// Runs ShellCheck over a batch of scripts: one result per input, `None` for a skipped shell.
pub type ShellcheckFn<'f> =
    dyn Fn(&[ScriptInput<'_>]) -> Result<Vec<Option<Vec<Finding>>>, ShellcheckError> + Sync + 'f;

/// The names ARG and ENV instructions declare before instruction `index` (anywhere earlier in
/// the file: over-approximating the scope only silences SC2154 for names the build defines).
fn declared_names(instructions: &[Instruction], index: usize) -> Vec<&str> {
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
    names
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

/// The RUNs whose scripts go to ShellCheck: non-POSIX shells and non-shell heredocs are skipped.
fn runs_to_check<'i>(
    instructions: &'i [Instruction],
    model: &SemanticModel<'_>,
    scripts: &RunScripts<'_>,
) -> Vec<RunToCheck<'i>> {
    let mut runs = Vec::new();
    for (index, instruction) in instructions.iter().enumerate() {
        let (Some(_), Some(script)) = (run_of(instruction), scripts.get(index)) else {
            continue;
        };
        let shell = model.shell_at(index);
        // PowerShell, cmd and non-shell heredocs (`#!/usr/bin/env python3`) are not shell.
        if !hullscan_shell::shellcheck::is_supported_shell(shell.program())
            || !hullscan_shell::shellcheck::is_shell_script(script.script.source)
        {
            continue;
        }
        runs.push(RunToCheck {
            index,
            shell: shell.program().to_owned(),
            variables: declared_names(instructions, index),
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
    let runs = runs_to_check(instructions, model, &scripts);
    for input in inputs_of(&runs, &scripts) {
        visit(&input);
    }
}

/// Sends every RUN script of the file to `run` in one batch (non-POSIX shells and non-shell
/// heredocs are skipped) and returns the findings as diagnostics.
pub(crate) fn check_runs(
    instructions: &[Instruction],
    model: &SemanticModel<'_>,
    scripts: &RunScripts<'_>,
    run: &ShellcheckFn<'_>,
) -> Result<Vec<Diagnostic>, ShellcheckError> {
    let runs = runs_to_check(instructions, model, scripts);
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

    #[test]
    fn powershell_runs_are_not_sent() {
        let text = "FROM alpine\nSHELL [\"pwsh\", \"-c\"]\nRUN echo $foo\n";
        let (_, diagnostics) = check(text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }
}
