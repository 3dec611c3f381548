//! The Compose rules (HS9xx). Each rule is one file: a `declare_rule!` static with its docs and
//! a pure check over one service of a loaded [`Project`], with the facts of the Dockerfile the
//! service builds when the caller could read it. No rule touches the file system: the CLI
//! reads the Dockerfiles and hands their text to [`DockerfileFacts::from_text`].

use std::collections::HashMap;

use hullscan_compose::{FileId, Project, Service, Site};
use hullscan_diagnostics::{Diagnostic, Location, RuleMeta};
use hullscan_text::TextRange;

mod dockerfile_facts;
mod rules;

pub use dockerfile_facts::DockerfileFacts;
pub use rules::*;

/// Every Compose rule, in code order.
pub static RULES: &[&RuleMeta] = &[
    &MISSING_HEALTHCHECK,
    &HEALTHCHECK_DISABLED,
    &SHORT_STOP_GRACE_PERIOD,
    &RUNS_AS_ROOT,
    &UNPINNED_IMAGE,
    &SECRET_IN_ENVIRONMENT,
    &PRIVILEGED,
    &DOCKER_SOCKET_MOUNTED,
    &SENSITIVE_HOST_PATH,
    &CAPABILITY_ADDED,
    &MISSING_READ_ONLY,
    &MULTIPLE_PROCESSES,
    &PORT_NOT_EXPOSED,
    &STATE_OUTSIDE_VOLUMES,
];

/// A finding in one of the project's files.
#[derive(Clone, Debug)]
pub struct Finding {
    pub file: FileId,
    pub diagnostic: Diagnostic,
}

/// What one rule looks at: a service, the project it is in, and its Dockerfile's facts.
pub struct ServiceCheck<'a> {
    pub project: &'a Project,
    pub service: &'a Service,
    pub dockerfile: Option<&'a DockerfileFacts>,
}

impl ServiceCheck<'_> {
    /// A finding of `rule` at `site`, labelled with the service's profiles.
    pub(crate) fn finding(&self, rule: &RuleMeta, site: Site, message: String) -> Finding {
        let message = if self.service.profiles.is_empty() {
            message
        } else {
            format!("{message} [profiles: {}]", self.service.profiles.join(", "))
        };
        let range = site.span.bytes();
        Finding {
            file: site.file,
            diagnostic: Diagnostic::new(
                rule,
                message,
                Location::Text(TextRange::from_usize(range.start, range.end)),
            ),
        }
    }

    /// Where the service is named.
    pub(crate) fn service_site(&self) -> Site {
        self.service.key.at
    }
}

/// Runs the rules `enabled` accepts over every service. `dockerfiles` holds the facts of the
/// Dockerfile each service builds, by service name.
pub fn check_project(
    project: &Project,
    dockerfiles: &HashMap<String, DockerfileFacts>,
    enabled: &dyn Fn(&RuleMeta) -> bool,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for service in &project.services {
        let check = ServiceCheck {
            project,
            service,
            dockerfile: dockerfiles.get(&service.name),
        };
        rules::run(&check, enabled, &mut out);
    }
    out
}
