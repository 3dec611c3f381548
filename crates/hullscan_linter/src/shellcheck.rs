//! The optional ShellCheck pass (`--shellcheck`): which RUN scripts go to ShellCheck, with what
//! shell and variables, and how its findings become diagnostics at their Dockerfile position.
//!
//! Pure: the caller supplies a function that runs ShellCheck (see
//! [`hullscan_shell::shellcheck::check_scripts`]), so process spawning stays in the binary.

use std::borrow::Cow;

use hullscan_diagnostics::{Diagnostic, Location, Severity};
use hullscan_dockerfile::{Arguments, Instruction, Keyword};
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

/// Sends every RUN script of the file to `run` in one batch (non-POSIX shells and non-shell
/// heredocs are skipped) and returns the findings as diagnostics.
pub(crate) fn check_runs(
    instructions: &[Instruction],
    model: &SemanticModel<'_>,
    scripts: &RunScripts<'_>,
    run: &ShellcheckFn<'_>,
) -> Result<Vec<Diagnostic>, ShellcheckError> {
    let mut indices = Vec::new();
    let mut shells = Vec::new();
    let mut variables = Vec::new();
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
        indices.push(index);
        shells.push(shell.program().to_owned());
        variables.push(declared_names(instructions, index));
    }
    let inputs: Vec<ScriptInput<'_>> = indices
        .iter()
        .zip(&shells)
        .zip(&variables)
        .filter_map(|((&index, shell), variables)| {
            Some(ScriptInput {
                script: scripts.get(index)?.script.source,
                shell,
                variables,
            })
        })
        .collect();
    if inputs.is_empty() {
        return Ok(Vec::new());
    }
    let results = run(&inputs)?;
    let mut diagnostics = Vec::new();
    for (&index, findings) in indices.iter().zip(results) {
        let (Some(script), Some(findings)) = (scripts.get(index), findings) else {
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
    fn powershell_runs_are_not_sent() {
        let text = "FROM alpine\nSHELL [\"pwsh\", \"-c\"]\nRUN echo $foo\n";
        let (_, diagnostics) = check(text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }
}
