//! The Kubernetes manifest rules (HS8xx). Each rule is one file under `rules/`: a
//! `declare_rule!` static with its docs, and a pure check over the [`hullscan_k8s`] model. None
//! does I/O: what the cross-file rules know about a Dockerfile comes in as [`ImageFacts`].
//!
//! [`check`] runs the enabled rules over one parsed manifest file and returns the findings
//! (every one a text range in the file, so a line and column) plus the byte ranges of literal
//! secrets, which the caller masks in the text it keeps for snippets. Selection, suppression
//! comments, the `hullscan.dev/ignore` annotation and severity overrides are applied by the
//! caller (`hullscan_linter::yaml`), from [`ObjectIgnore`]s this crate reads.

mod facts;
pub mod rules;

use std::ops::Range;

use hullscan_diagnostics::{Diagnostic, Location, RuleMeta};
use hullscan_k8s::{Container, Object, PodSpec};
use hullscan_text::TextRange;
use hullscan_yaml::{Node, Stream};

pub use facts::{ImageFacts, image_facts};

/// The annotation that suppresses rules for one object: `hullscan.dev/ignore: HS801,HS802`.
pub const IGNORE_ANNOTATION: &str = "hullscan.dev/ignore";

/// Every Kubernetes rule, in code order.
pub static ALL: &[&RuleMeta] = &[
    &rules::yaml_syntax_error::YAML_SYNTAX_ERROR,
    &rules::missing_liveness_probe::MISSING_LIVENESS_PROBE,
    &rules::missing_readiness_probe::MISSING_READINESS_PROBE,
    &rules::identical_probes::IDENTICAL_PROBES,
    &rules::missing_run_as_non_root::MISSING_RUN_AS_NON_ROOT,
    &rules::run_as_root_user::RUN_AS_ROOT_USER,
    &rules::privilege_escalation_allowed::PRIVILEGE_ESCALATION_ALLOWED,
    &rules::privileged_container::PRIVILEGED_CONTAINER,
    &rules::capabilities_not_dropped::CAPABILITIES_NOT_DROPPED,
    &rules::capability_added::CAPABILITY_ADDED,
    &rules::writable_root_filesystem::WRITABLE_ROOT_FILESYSTEM,
    &rules::host_path_volume::HOST_PATH_VOLUME,
    &rules::docker_socket_mounted::DOCKER_SOCKET_MOUNTED,
    &rules::grace_period_shorter_than_pre_stop::GRACE_PERIOD_SHORTER_THAN_PRE_STOP,
    &rules::unpinned_image::UNPINNED_IMAGE,
    &rules::stale_image_pull_policy::STALE_IMAGE_PULL_POLICY,
    &rules::literal_secret_in_env::LITERAL_SECRET_IN_ENV,
    &rules::missing_resource_requests::MISSING_RESOURCE_REQUESTS,
    &rules::missing_memory_limit::MISSING_MEMORY_LIMIT,
    &rules::missing_cpu_limit::MISSING_CPU_LIMIT,
    &rules::privileged_port_as_non_root::PRIVILEGED_PORT_AS_NON_ROOT,
    &rules::dockerfile_healthcheck_without_probe::DOCKERFILE_HEALTHCHECK_WITHOUT_PROBE,
    &rules::dockerfile_user_overridden_to_root::DOCKERFILE_USER_OVERRIDDEN_TO_ROOT,
    &rules::probe_port_not_exposed::PROBE_PORT_NOT_EXPOSED,
];

/// Rules that run only when selected explicitly: CPU limits are disputed (they throttle a
/// container even when the node is idle; kube-score #30, Checkov #7226).
pub static OFF_BY_DEFAULT: &[&RuleMeta] = &[&rules::missing_cpu_limit::MISSING_CPU_LIMIT];

/// What the rules are told besides the manifest.
#[derive(Clone, Debug)]
pub struct Options {
    /// Seconds a pod needs after its `preStop` hook to finish in-flight work (HS813).
    pub drain_margin_seconds: u64,
    /// Dockerfiles that build the manifests' images, by image name (`--dockerfile IMAGE=PATH`).
    pub images: Vec<ImageFacts>,
    /// The key secret fingerprints are made with (`[secrets] fingerprint-salt`).
    pub fingerprint_key: hullscan_secrets::FingerprintKey,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            drain_margin_seconds: 5,
            images: Vec::new(),
            fingerprint_key: hullscan_secrets::FingerprintKey::default(),
        }
    }
}

/// The findings on one manifest file.
#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    /// Byte ranges of literal secrets in the text: mask them before showing snippets.
    pub secret_ranges: Vec<Range<usize>>,
}

/// One object's `hullscan.dev/ignore` annotation: the names it lists, each with its range, and
/// the object's range they cover.
#[derive(Clone, Debug)]
pub struct ObjectIgnore {
    pub scope: TextRange,
    pub names: Vec<(String, TextRange)>,
}

/// The rule-running state handed to every rule.
pub struct Checker<'a> {
    pub objects: &'a [Object<'a>],
    pub options: &'a Options,
    enabled: &'a dyn Fn(&RuleMeta) -> bool,
    outcome: Outcome,
}

impl<'a> Checker<'a> {
    pub fn is_enabled(&self, rule: &RuleMeta) -> bool {
        (self.enabled)(rule)
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.outcome.diagnostics.push(diagnostic);
    }

    pub fn mask(&mut self, range: Range<usize>) {
        self.outcome.secret_ranges.push(range);
    }

    /// Every pod with its object.
    pub fn pods(&self) -> impl Iterator<Item = (&'a Object<'a>, &'a PodSpec<'a>)> {
        self.objects
            .iter()
            .filter_map(|object| Some((object, object.pod.as_ref()?)))
    }

    /// The facts of the Dockerfile that builds the container's image (`--dockerfile`), if one
    /// was named for it.
    pub fn dockerfile_facts(&self, container: &Container<'_>) -> Option<&'a ImageFacts> {
        let image = container.image?;
        self.options.images.iter().find(|f| f.matches(image.value))
    }

    /// Every container of every pod, with both.
    pub fn containers(
        &self,
    ) -> impl Iterator<Item = (&'a Object<'a>, &'a PodSpec<'a>, &'a Container<'a>)> {
        self.pods().flat_map(|(object, pod)| {
            pod.containers
                .iter()
                .map(move |container| (object, pod, container))
        })
    }
}

/// The text range of a node: where it is used (an alias site), else where it is written.
pub fn range(node: &Node) -> TextRange {
    let span = node.alias_site.unwrap_or(node.span);
    let bytes = span.bytes();
    TextRange::from_usize(bytes.start, bytes.end)
}

/// Where a finding about a container as a whole points: its `name:` value, else its mapping.
pub fn container_range(container: &Container<'_>) -> TextRange {
    match container.node.get("name") {
        Some(name) => range(name),
        None => start_range(container.node),
    }
}

/// An empty range at a node's start (for mappings, whose span runs over many lines).
pub fn start_range(node: &Node) -> TextRange {
    let start = node.alias_site.unwrap_or(node.span).start.offset;
    TextRange::from_usize(start, start)
}

/// `Deployment/web, container `app``, for messages.
pub fn describe(object: &Object<'_>, container: &Container<'_>) -> String {
    format!("{}: {}", object.display_name(), container.display_name())
}

/// A finding at `range`.
pub fn at(rule: &RuleMeta, message: impl Into<String>, range: TextRange) -> Diagnostic {
    Diagnostic::new(rule, message, Location::Text(range))
}

/// Runs the enabled rules over one parsed manifest file.
pub fn check(stream: &Stream, options: &Options, enabled: &dyn Fn(&RuleMeta) -> bool) -> Outcome {
    let objects = hullscan_k8s::objects(stream);
    let mut checker = Checker {
        objects: &objects,
        options,
        enabled,
        outcome: Outcome::default(),
    };
    rules::run(&mut checker);
    checker.outcome
}

/// The finding for a file that is not valid YAML.
pub fn syntax_error(error: &hullscan_yaml::Error) -> Diagnostic {
    rules::yaml_syntax_error::diagnostic(error)
}

/// The `hullscan.dev/ignore` annotations of a stream's objects.
pub fn object_ignores(stream: &Stream) -> Vec<ObjectIgnore> {
    let mut out = Vec::new();
    for object in hullscan_k8s::objects(stream) {
        let Some((_, value)) = object
            .annotations
            .iter()
            .rev()
            .find(|(key, _)| *key == IGNORE_ANNOTATION)
        else {
            continue;
        };
        let Some(text) = value.as_str() else {
            continue;
        };
        let value_range = range(value);
        // Names keep their ranges when the value is written plainly on one line; otherwise
        // they point at the whole value.
        let exact = value.alias_site.is_none()
            && value.style() == Some(hullscan_yaml::Style::Plain)
            && !text.contains('\n');
        let mut names = Vec::new();
        let mut offset = 0;
        for part in text.split(',') {
            let trimmed = part.trim();
            if !trimmed.is_empty() {
                let lead = part.len() - part.trim_start().len();
                let name_range = if exact {
                    let start = value_range.start().to_usize() + offset + lead;
                    TextRange::from_usize(start, start + trimmed.len())
                } else {
                    value_range
                };
                names.push((trimmed.to_owned(), name_range));
            }
            offset += part.len() + 1;
        }
        out.push(ObjectIgnore {
            scope: range(object.node).cover(value_range),
            names,
        });
    }
    out
}

#[cfg(test)]
mod tests;
