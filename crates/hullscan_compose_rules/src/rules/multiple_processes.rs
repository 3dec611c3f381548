//! HS912: a command that starts several long-running processes.

use hullscan_diagnostics::declare_rule;

use crate::rules::command_text;
use crate::{Finding, ServiceCheck};

declare_rule! {
    /// ## What it does
    /// Finds a service whose `command`/`entrypoint` starts several long-running processes: a
    /// process supervisor (`supervisord`, `s6-svscan`, `runsvdir`, `pm2-runtime`, `honcho`,
    /// `forego`), or a program put in the background with `&` before another one.
    ///
    /// ## Why is this bad?
    /// Docker watches only PID 1. A backgrounded process that dies is not restarted, its logs
    /// miss `docker logs`, and on `docker stop` it is killed without a chance to shut down.
    /// Compose exists to run each process as its own service: split them and connect them
    /// with `depends_on`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1
    ///     command: sh -c "worker & exec web"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: example/app:1
    ///     command: web
    ///   worker:
    ///     image: example/app:1
    ///     command: worker
    /// ```
    pub static MULTIPLE_PROCESSES = {
        code: "HS912",
        name: "compose-multiple-processes",
        aliases: [],
        severity: Info,
        category: BestPractice,
        fix: None,
        summary: "Service command starts several long-running processes",
    };
}

const SUPERVISORS: &[&str] = &[
    "supervisord",
    "s6-svscan",
    "runsvdir",
    "pm2-runtime",
    "honcho",
    "forego",
    "my_init",
];

/// Whether a shell text puts a command in the background (`a & b`, not `&&`, `>&`, `&>`).
fn backgrounds_a_command(script: &str) -> bool {
    let bytes = script.as_bytes();
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == b'&' => {
                let prev = i.checked_sub(1).map(|j| bytes[j]);
                let next = bytes.get(i + 1).copied();
                if matches!(prev, Some(b'&') | Some(b'>') | Some(b'<'))
                    || matches!(next, Some(b'&') | Some(b'>'))
                {
                    continue;
                }
                // Something must follow: `cmd &` alone at the end leaves one process... until
                // the shell exits, which ends the container; still report only `a & b`.
                let rest = script[i + 1..].trim_start_matches([' ', '\t', '\n', ';']);
                if !rest.is_empty() && !rest.starts_with("wait") {
                    return true;
                }
                if rest.starts_with("wait") {
                    return true;
                }
            }
            None => {}
        }
    }
    false
}

pub(crate) fn check(check: &ServiceCheck<'_>, out: &mut Vec<Finding>) {
    let Some((text, site)) = command_text(check) else {
        return;
    };
    let first = text.split_whitespace().next().unwrap_or_default();
    let program = first.rsplit('/').next().unwrap_or(first);
    let reason = if SUPERVISORS.contains(&program) {
        format!("runs the process supervisor {program}")
    } else if backgrounds_a_command(&text) {
        "puts a process in the background with `&` and starts another".to_owned()
    } else {
        return;
    };
    out.push(check.finding(
        &MULTIPLE_PROCESSES,
        site,
        format!(
            "service `{}` {reason}: run one process per service",
            check.service.name
        ),
    ));
}
