//! HS261: `useradd` with a large UID and without `--no-log-init`.

use hullscan_diagnostics::{Applicability, Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::{UserTool, useradd};

use super::shell_facts::run_commands;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `useradd` with a UID of more than five digits and without `-l`/`--no-log-init`.
    /// A UID given as a variable is judged by the value its `ARG`/`ENV` sets.
    ///
    /// ## Why is this bad?
    /// `useradd` records each new user in `/var/log/lastlog` and `/var/log/faillog`, sparse
    /// files indexed by UID. Docker's layer format does not keep files sparse, so a UID such as
    /// 1000000 writes hundreds of megabytes of zeros into the layer, and very large UIDs can
    /// fill the disk during the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN useradd -u 1000000 app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN useradd --no-log-init -u 1000000 app
    /// ```
    ///
    /// ## Fix safety
    /// Adding `--no-log-init` is safe: it only skips the lastlog/faillog entries, which nothing
    /// in a container reads.
    ///
    /// ## References
    /// - hadolint `DL3046`
    pub static USERADD_WITHOUT_NO_LOG_INIT = {
        code: "HS261",
        name: "useradd-without-no-log-init",
        aliases: ["DL3046"],
        severity: Warning,
        category: Performance,
        fix: Always,
        summary: "`useradd` with a large UID and no `--no-log-init` bloats the layer",
    };
}

/// HS261
pub(crate) fn useradd_without_no_log_init(checker: &mut Checker, index: usize, _: &Instruction) {
    for command in run_commands(checker, index) {
        let Some(user) = useradd(&command.invocation) else {
            continue;
        };
        if user.tool != UserTool::Useradd || user.no_log_init {
            continue;
        }
        let Some(uid) = user.uid else {
            continue;
        };
        // A UID from a variable counts with the value its ARG/ENV gives it; one that cannot be
        // resolved to a number is not judged.
        let resolved = if uid.contains('$') {
            match checker.model.expand(index, uid) {
                Ok(expansion) if expansion.unmatched.is_empty() => expansion.value.into_owned(),
                _ => continue,
            }
        } else {
            uid.to_owned()
        };
        if resolved.len() <= 5 || !resolved.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let at = command
            .script
            .file_range(command.invocation.name_word.range)
            .end();
        let title = "Add `--no-log-init`";
        checker.report(
            Diagnostic::new(
                &USERADD_WITHOUT_NO_LOG_INIT,
                format!("`useradd -u {resolved}` without `--no-log-init` writes a huge sparse lastlog into the layer"),
                Location::Text(command.range()),
            )
            .with_help(title)
            .with_fix(Fix::new(title, vec![Edit::insertion(" --no-log-init", at)], Applicability::Safe)),
        );
    }
}
