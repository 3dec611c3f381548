//! HS903: `stop_grace_period` missing or shorter than the stop work the service shows.

use std::time::Duration;

use hullscan_compose::duration::{format_duration, parse_duration};
use hullscan_diagnostics::declare_rule;

use crate::rules::command_text;
use crate::{Finding, ServiceCheck};

declare_rule! {
    /// ## What it does
    /// Finds services whose visible shutdown work takes longer than `stop_grace_period`
    /// (10 s when not set). Stop work is seen in the command's drain/graceful-shutdown flags
    /// (`--graceful-timeout 30`, `--shutdown-timeout=45s`, `--drain-timeout`,
    /// `--timeout-graceful-shutdown`, `--grace-period`) and in a `pre_stop` hook's `sleep N`.
    ///
    /// ## Why is this bad?
    /// On `docker compose stop` (and every redeploy) Docker sends the stop signal, waits
    /// `stop_grace_period`, then sends SIGKILL. If the application is told to drain for longer
    /// than that, it is killed mid-drain: in-flight requests fail and buffers are lost.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: example/web:2
    ///     command: gunicorn --graceful-timeout 30 app:app
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     command: gunicorn --graceful-timeout 30 app:app
    ///     stop_grace_period: 40s
    /// ```
    pub static SHORT_STOP_GRACE_PERIOD = {
        code: "HS903",
        name: "compose-short-stop-grace-period",
        aliases: [],
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "stop_grace_period is shorter than the service's shutdown work",
    };
}

const DRAIN_FLAGS: &[&str] = &[
    "--graceful-timeout",
    "--shutdown-timeout",
    "--drain-timeout",
    "--timeout-graceful-shutdown",
    "--grace-period",
    "--shutdown-grace-period",
    "--graceful-shutdown-timeout",
];

const DEFAULT_GRACE: Duration = Duration::from_secs(10);

/// `30` (seconds) or a Go duration (`45s`, `1m`).
fn seconds_or_duration(text: &str) -> Option<Duration> {
    let text = text.trim_matches(['"', '\'', ',']);
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    parse_duration(text)
}

/// The longest drain the command asks for, with the flag that asks.
fn drain_in_command(text: &str) -> Option<(Duration, String)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut best: Option<(Duration, String)> = None;
    for (i, word) in words.iter().enumerate() {
        for flag in DRAIN_FLAGS {
            let value = if let Some(rest) = word.strip_prefix(flag) {
                match rest.strip_prefix('=') {
                    Some(value) => Some(value),
                    None if rest.is_empty() => words.get(i + 1).copied(),
                    None => None,
                }
            } else {
                None
            };
            if let Some(duration) = value.and_then(seconds_or_duration)
                && best.as_ref().is_none_or(|(d, _)| duration > *d)
            {
                best = Some((duration, format!("{flag} {}", format_duration(duration))));
            }
        }
    }
    best
}

/// `sleep N` in a `pre_stop` hook's command.
fn sleep_in_pre_stop(check: &ServiceCheck<'_>) -> Option<(Duration, String)> {
    let hooks = check.service.get("pre_stop")?.items()?;
    let mut best: Option<(Duration, String)> = None;
    for hook in hooks {
        let command = hook.get("command")?;
        let text = match command.items() {
            Some(items) => items
                .iter()
                .filter_map(|n| n.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            None => command.as_str()?.to_owned(),
        };
        let words: Vec<&str> = text.split_whitespace().collect();
        for pair in words.windows(2) {
            if pair[0] == "sleep"
                && let Some(duration) = seconds_or_duration(pair[1])
                && best.as_ref().is_none_or(|(d, _)| duration > *d)
            {
                best = Some((duration, format!("pre_stop `sleep {}`", pair[1])));
            }
        }
    }
    best
}

pub(crate) fn check(check: &ServiceCheck<'_>, out: &mut Vec<Finding>) {
    let from_command = command_text(check).and_then(|(text, _)| drain_in_command(&text));
    let work = match (from_command, sleep_in_pre_stop(check)) {
        (Some(a), Some(b)) => Some(if a.0 >= b.0 { a } else { b }),
        (a, b) => a.or(b),
    };
    let Some((work, what)) = work else { return };
    let (grace, site, written) = match check.service.stop_grace_period() {
        Some((_, None)) => return,
        Some((node, Some(grace))) => (grace, node.at, true),
        None => (DEFAULT_GRACE, check.service_site(), false),
    };
    if grace > work {
        return;
    }
    let grace_text = if written {
        format!("stop_grace_period {}", format_duration(grace))
    } else {
        "the default stop_grace_period of 10s".to_owned()
    };
    out.push(check.finding(
        &SHORT_STOP_GRACE_PERIOD,
        site,
        format!(
            "service `{}` asks for {what} of shutdown work, but {grace_text} kills it first; set stop_grace_period above {}",
            check.service.name,
            format_duration(work)
        ),
    ));
}
