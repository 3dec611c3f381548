//! HS257: `pip install` without `--no-cache-dir`.

use hullscan_diagnostics::{Applicability, Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::pip;

use super::shell_facts::{has_cache_mount, run_commands};
use super::stage_scan::{env_pairs_in_scope, unquoted};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `pip install` (`pip`, `pip3`, `python -m pip`, …) without `--no-cache-dir`, unless
    /// the cache is off another way: `PIP_NO_CACHE_DIR` set to a true value by `ENV` (in this
    /// stage or one it is built on) or in the RUN itself, or a cache/tmpfs mount on pip's cache
    /// directory (`.cache/pip`). `pipx` and `pipenv` are not pip.
    ///
    /// ## Why is this bad?
    /// pip saves every downloaded wheel and source archive under `~/.cache/pip`. In an image
    /// that cache is never used again, but it is stored in the layer and often adds tens of
    /// megabytes to every pull.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install flask==3.0.3
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir flask==3.0.3
    /// ```
    ///
    /// ## Fix safety
    /// Adding `--no-cache-dir` after `install` is safe: pip installs the same packages and only
    /// skips writing its download cache.
    ///
    /// ## References
    /// - hadolint `DL3042`
    pub static PIP_CACHE_NOT_DISABLED = {
        code: "HS257",
        name: "pip-cache-not-disabled",
        aliases: ["DL3042"],
        severity: Warning,
        category: Performance,
        fix: Always,
        summary: "`pip install` without `--no-cache-dir` keeps pip's download cache in the layer",
    };
}

/// pip reads `PIP_NO_CACHE_DIR` as a boolean.
fn is_truthy(value: &str) -> bool {
    ["1", "true", "on", "yes", "y"]
        .iter()
        .any(|truthy| unquoted(value).eq_ignore_ascii_case(truthy))
}

/// Whether `script` sets `PIP_NO_CACHE_DIR` to a true value (`export PIP_NO_CACHE_DIR=1`, a
/// command prefix, or a plain assignment).
fn script_disables_cache(script: &str) -> bool {
    script
        .match_indices("PIP_NO_CACHE_DIR=")
        .any(|(at, matched)| {
            let value: String = script[at + matched.len()..]
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != ';' && *c != '&')
                .collect();
            is_truthy(&value)
        })
}

/// HS257
pub(crate) fn pip_cache_not_disabled(
    checker: &mut Checker,
    index: usize,
    instruction: &Instruction,
) {
    let commands = run_commands(checker, index);
    let mut installs = commands
        .iter()
        .filter_map(|command| Some((command, pip(&command.invocation)?)))
        .filter(|(_, pip)| pip.is("install") && !pip.no_cache_dir)
        .peekable();
    let Some((first, _)) = installs.peek() else {
        return;
    };
    if script_disables_cache(first.script.script.source)
        || has_cache_mount(instruction, |target| target.contains(".cache/pip"))
    {
        return;
    }
    let instructions = checker.instructions();
    // The latest ENV wins.
    if env_pairs_in_scope(instructions, checker.scanned_stages(), index)
        .iter()
        .find(|(key, _)| *key == "PIP_NO_CACHE_DIR")
        .is_some_and(|(_, value)| is_truthy(value))
    {
        return;
    }
    for (command, pip) in installs {
        let Some(install) = pip.subcommand else {
            continue;
        };
        let at = command.script.file_range(install.range).end();
        let title = "Add `--no-cache-dir`";
        checker.report(
            Diagnostic::new(
                &PIP_CACHE_NOT_DISABLED,
                "`pip install` without `--no-cache-dir` stores pip's download cache in the image",
                Location::Text(command.range()),
            )
            .with_help(title)
            .with_fix(Fix::new(
                title,
                vec![Edit::insertion(" --no-cache-dir", at)],
                Applicability::Safe,
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::script_disables_cache;

    #[test]
    fn inline_settings() {
        assert!(script_disables_cache(
            "export PIP_NO_CACHE_DIR=1 && pip install x"
        ));
        assert!(script_disables_cache("PIP_NO_CACHE_DIR=yes pip install x"));
        assert!(!script_disables_cache("PIP_NO_CACHE_DIR=off pip install x"));
        assert!(!script_disables_cache("pip install x"));
    }
}
