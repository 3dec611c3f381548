//! One file per rule; [`run`] calls each enabled one for a service.

use hullscan_diagnostics::RuleMeta;

use crate::{Finding, ServiceCheck};

mod capability_added;
mod docker_socket_mounted;
mod healthcheck_disabled;
mod missing_healthcheck;
mod missing_read_only;
mod multiple_processes;
mod port_not_exposed;
mod privileged;
mod runs_as_root;
mod secret_in_environment;
mod sensitive_host_path;
mod short_stop_grace_period;
mod state_outside_volumes;
mod unpinned_image;

pub use capability_added::CAPABILITY_ADDED;
pub use docker_socket_mounted::DOCKER_SOCKET_MOUNTED;
pub use healthcheck_disabled::HEALTHCHECK_DISABLED;
pub use missing_healthcheck::MISSING_HEALTHCHECK;
pub use missing_read_only::MISSING_READ_ONLY;
pub use multiple_processes::MULTIPLE_PROCESSES;
pub use port_not_exposed::PORT_NOT_EXPOSED;
pub use privileged::PRIVILEGED;
pub use runs_as_root::RUNS_AS_ROOT;
pub use secret_in_environment::SECRET_IN_ENVIRONMENT;
pub use sensitive_host_path::SENSITIVE_HOST_PATH;
pub use short_stop_grace_period::SHORT_STOP_GRACE_PERIOD;
pub use state_outside_volumes::STATE_OUTSIDE_VOLUMES;
pub use unpinned_image::UNPINNED_IMAGE;

type Check = fn(&ServiceCheck<'_>, &mut Vec<Finding>);

pub(crate) fn run(
    check: &ServiceCheck<'_>,
    enabled: &dyn Fn(&RuleMeta) -> bool,
    out: &mut Vec<Finding>,
) {
    let all: &[(&RuleMeta, Check)] = &[
        (&MISSING_HEALTHCHECK, missing_healthcheck::check),
        (&HEALTHCHECK_DISABLED, healthcheck_disabled::check),
        (&SHORT_STOP_GRACE_PERIOD, short_stop_grace_period::check),
        (&RUNS_AS_ROOT, runs_as_root::check),
        (&UNPINNED_IMAGE, unpinned_image::check),
        (&SECRET_IN_ENVIRONMENT, secret_in_environment::check),
        (&PRIVILEGED, privileged::check),
        (&DOCKER_SOCKET_MOUNTED, docker_socket_mounted::check),
        (&SENSITIVE_HOST_PATH, sensitive_host_path::check),
        (&CAPABILITY_ADDED, capability_added::check),
        (&MISSING_READ_ONLY, missing_read_only::check),
        (&MULTIPLE_PROCESSES, multiple_processes::check),
        (&PORT_NOT_EXPOSED, port_not_exposed::check),
        (&STATE_OUTSIDE_VOLUMES, state_outside_volumes::check),
    ];
    for (rule, run) in all {
        if enabled(rule) {
            run(check, out);
        }
    }
}

/// The service's command (`command`, else `entrypoint`) as one shell-ish text.
pub(crate) fn command_text(check: &ServiceCheck<'_>) -> Option<(String, hullscan_compose::Site)> {
    for field in ["command", "entrypoint"] {
        let Some(node) = check.service.get(field) else {
            continue;
        };
        if let Some(text) = node.as_str() {
            return Some((shell_script(text), node.at));
        }
        if let Some(items) = node.items() {
            let words: Vec<&str> = items.iter().filter_map(|n| n.as_str()).collect();
            // `sh -c "script"`: the script is what runs.
            if words.len() >= 3
                && matches!(words[0], "sh" | "bash" | "/bin/sh" | "/bin/bash")
                && words[1] == "-c"
            {
                return Some((words[2..].join(" "), node.at));
            }
            return Some((words.join(" "), node.at));
        }
    }
    None
}

/// The script of a string command `sh -c "script"` (quotes removed), else the text itself.
fn shell_script(text: &str) -> String {
    let trimmed = text.trim();
    for shell in ["sh -c ", "bash -c ", "/bin/sh -c ", "/bin/bash -c "] {
        if let Some(rest) = trimmed.strip_prefix(shell) {
            let rest = rest.trim();
            for quote in ['"', '\''] {
                if let Some(inner) = rest.strip_prefix(quote).and_then(|r| r.strip_suffix(quote)) {
                    return inner.to_owned();
                }
            }
            return rest.to_owned();
        }
    }
    trimmed.to_owned()
}
