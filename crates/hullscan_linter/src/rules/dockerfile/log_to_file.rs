//! HS412: the main process logs to a file inside the container.

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};

use crate::checker::Checker;
use crate::rules::dockerfile::practice_facts;

declare_rule! {
    /// ## What it does
    /// Finds a final `CMD`/`ENTRYPOINT` that sends the main program's output (or any output to
    /// a file named like a log) to a file in the container (`> /var/log/app.log`,
    /// `>> app.log 2>&1`), keeps the container alive with
    /// `tail -f` of a log file, or passes a log-file option pointing into the container
    /// (`--log-file /var/log/app.log`, `--access-logfile /tmp/access.log`). `/dev/stdout`,
    /// `/dev/stderr`, `/proc/self/fd/*` and `-` are fine.
    ///
    /// ## Why is this bad?
    /// Docker collects what PID 1 writes to stdout and stderr: `docker logs`, log drivers and
    /// every log shipper read that stream. A log file inside the container is invisible to
    /// them, grows in the container's writable layer until the disk fills, and disappears with
    /// the container. `tail -f` as the main process hides the real program from signals and
    /// from the engine's restart logic. Log to stdout/stderr; if an old program insists on a
    /// file, link the file to `/dev/stdout`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["sh", "-c", "exec python app.py >> /var/log/app.log 2>&1"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["python", "app.py"]
    /// ```
    ///
    /// ## References
    /// - [Docker docs: view container logs](https://docs.docker.com/engine/logging/)
    pub static LOG_TO_FILE = {
        code: "HS412",
        name: "log-to-file",
        aliases: [],
        severity: Info,
        category: BestPractice,
        fix: None,
        summary: "The container logs to a file instead of stdout/stderr",
    };
}

/// HS412
pub(crate) fn log_to_file(checker: &mut Checker) {
    let Some((instruction, reason)) = practice_facts::main_process_reason(checker, reason) else {
        return;
    };
    checker.report(
        Diagnostic::new(&LOG_TO_FILE, format!("`{}` {reason}", instruction.keyword.as_str()), Location::Text(instruction.range))
            .with_help("Log to stdout/stderr, which `docker logs` and log drivers collect; link a required log file to `/dev/stdout`"),
    );
}

fn is_stream(path: &str) -> bool {
    path == "-"
        || path.starts_with("/dev/")
        || path.starts_with("/proc/self/fd")
        || path.starts_with('&')
        || path.starts_with('$')
}

fn reason(text: &str) -> Option<String> {
    practice_facts::in_command_or_shell_script(text, script_reason)
}

fn script_reason(script: &hullscan_shell::Script<'_>) -> Option<String> {
    {
        let contexts = script.commands_with_context();
        let last = contexts.len().saturating_sub(1);
        for (position, context) in contexts.iter().enumerate() {
            for redirect in context.redirects {
                let fd_is_output = matches!(redirect.fd, None | Some(1) | Some(2));
                let target = redirect.target.value();
                // Earlier commands often render a config file (`envsubst < t > nginx.conf`);
                // only the main (last) command's output, or a file named like a log, counts.
                let is_log = position == last || target.to_ascii_lowercase().contains("log");
                if redirect.op.writes_file() && fd_is_output && !is_stream(target) && is_log {
                    return Some(format!(
                        "writes its output to the file `{}`",
                        redirect.target.value()
                    ));
                }
            }
            let Some(invocation) = context.command.invocation() else {
                continue;
            };
            let args: Vec<&str> = invocation.arg_values().collect();
            if invocation.name == "tail"
                && args
                    .iter()
                    .any(|a| a.starts_with('-') && (a.contains('f') || a.contains('F')))
                && let Some(file) = args.iter().find(|a| !a.starts_with('-') && !is_stream(a))
            {
                return Some(format!(
                    "follows the log file `{file}` with `tail -f` as its main process"
                ));
            }
            for (i, arg) in args.iter().enumerate() {
                let lower = arg.to_ascii_lowercase();
                if !(lower.starts_with('-')
                    && lower.contains("log")
                    && (lower.contains("file") || lower.contains("path")))
                {
                    continue;
                }
                let value = match lower.split_once('=') {
                    Some(_) => arg.split_once('=').map(|(_, v)| v),
                    None => args.get(i + 1).copied(),
                };
                if let Some(value) = value
                    && !is_stream(value)
                    && (value.starts_with('/') || value.ends_with(".log"))
                {
                    return Some(format!(
                        "logs to the file `{value}` (`{}`)",
                        arg.split('=').next().unwrap_or(arg)
                    ));
                }
            }
        }
    }
    None
}
