//! HS410: more than one long-running process in one container.

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_shell::Script;

use crate::checker::Checker;
use crate::rules::dockerfile::practice_facts;
use crate::rules::dockerfile::service_without_healthcheck::SERVERS;

declare_rule! {
    /// ## What it does
    /// Finds a final image whose `CMD`/`ENTRYPOINT` starts several long-running processes: a
    /// process supervisor (`supervisord`, s6's `s6-svscan` or `/init`, runit's `runsvdir`,
    /// phusion's `my_init`), `service X start` followed by another program, a command put in
    /// the background with `&`, or two known daemons (such as `sshd` and a web server).
    ///
    /// ## Why is this bad?
    /// A container is meant to run one service. With several, the engine only sees PID 1:
    /// when another process dies nothing notices or restarts it, its logs do not reach
    /// `docker logs`, the processes cannot be scaled, updated or limited separately, and a
    /// backgrounded program is killed without a chance to shut down. Run each service in its
    /// own container and connect them with Compose or your orchestrator.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// CMD service nginx start && php-fpm -F
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM php:8.3-fpm
    /// CMD ["php-fpm", "-F"]
    /// ```
    ///
    /// ## References
    /// - [Docker docs: run multiple processes in a container](https://docs.docker.com/engine/containers/multi-service_container/)
    pub static MULTIPLE_PROCESSES = {
        code: "HS410",
        name: "multiple-processes",
        aliases: [],
        severity: Info,
        category: BestPractice,
        fix: None,
        summary: "The container starts several long-running processes",
    };
}

const SUPERVISORS: &[&str] = &[
    "supervisord",
    "s6-svscan",
    "runsvdir",
    "my_init",
    "runit",
    "s6-overlay",
    "pm2-runtime",
    "forego",
    "honcho",
];

/// HS410
pub(crate) fn multiple_processes(checker: &mut Checker) {
    let Some((instruction, reason)) = practice_facts::main_process_reason(checker, reason) else {
        return;
    };
    checker.report(
        Diagnostic::new(
            &MULTIPLE_PROCESSES,
            format!("`{}` {reason}", instruction.keyword.as_str()),
            Location::Text(instruction.range),
        )
        .with_help(
            "Run one service per container and connect them with Compose or your orchestrator",
        ),
    );
}

fn reason(text: &str) -> Option<String> {
    // The program itself may be a supervisor (exec form, or the first word).
    let first = text.split_whitespace().next().unwrap_or_default();
    let first_name = first.rsplit('/').next().unwrap_or_default();
    if SUPERVISORS.contains(&first_name) || first == "/init" {
        return Some(format!("starts the process supervisor `{first_name}`"));
    }
    // The command as a script, and any script it hands to `sh -c "…"`.
    practice_facts::in_command_or_shell_script(text, script_reason)
}

fn script_reason(script: &Script<'_>) -> Option<String> {
    let commands = script.simple_commands();
    let names: Vec<&str> = commands
        .iter()
        .filter_map(|command| command.invocation())
        .map(|invocation| invocation.name)
        .collect();
    if let Some(supervisor) = names.iter().find(|name| SUPERVISORS.contains(name)) {
        return Some(format!("starts the process supervisor `{supervisor}`"));
    }
    let lists = &script.body.lists;
    if let Some(list) = lists
        .iter()
        .take(lists.len().saturating_sub(1))
        .find(|list| list.is_background())
    {
        let text = script.text(list.range);
        return Some(format!(
            "puts `{}` in the background and runs more after it",
            text.trim_end_matches('&').trim()
        ));
    }
    let starts_service = commands
        .iter()
        .filter_map(|command| command.invocation())
        .any(|invocation| {
            let args: Vec<&str> = invocation.arg_values().collect();
            (invocation.name == "service" && args.get(1) == Some(&"start"))
                || (matches!(invocation.name, "rc-service" | "systemctl")
                    && args.contains(&"start"))
        });
    if starts_service && names.len() > 1 {
        return Some("starts a service with `service … start` and then another program".to_owned());
    }
    let daemons: Vec<&str> = names
        .iter()
        .copied()
        .filter(|name| SERVERS.contains(name) || *name == "cron" || *name == "crond")
        .collect();
    if daemons.len() > 1 && daemons.first() != daemons.last() {
        return Some(format!(
            "starts both `{}` and `{}`",
            daemons[0],
            daemons[daemons.len() - 1]
        ));
    }
    None
}
