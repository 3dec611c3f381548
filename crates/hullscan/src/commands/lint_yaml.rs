//! `hullscan lint` on YAML files: which files are Kubernetes manifests (and, next to them,
//! Compose files), and linting one. The reading of Dockerfiles named by `--dockerfile` happens
//! here too (the I/O edge); the rules get only their facts.

use std::path::Path;
use std::sync::Arc;

use hullscan_diagnostics::FileReport;
use hullscan_linter::settings::LinterSettings;
use hullscan_linter::yaml::ScopedIgnore;
use hullscan_text::SourceFile;

/// What kind of YAML file a path holds, as far as `hullscan lint` is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YamlKind {
    Kubernetes,
}

/// Whether a file name is YAML (`*.yaml`, `*.yml`, ASCII case ignored).
pub fn is_yaml_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml")
}

/// The kind of a YAML file found while walking a directory, from its name and, when the name
/// says nothing, its content: a Kubernetes manifest has a top-level `apiVersion` and `kind`.
/// (Compose files are recognised by name: `compose*.y(a)ml`, `docker-compose*.y(a)ml`; that
/// check belongs here, before the content sniff.)
pub fn classify_found(name: &str, bytes: &[u8]) -> Option<YamlKind> {
    if !is_yaml_name(name) {
        return None;
    }
    // Helm and other Go templates are not YAML until rendered (pipe `helm template` to
    // `hullscan lint -`), so a walk skips them.
    if memchr_find(bytes, b"{{") {
        return None;
    }
    looks_like_kubernetes(bytes).then_some(YamlKind::Kubernetes)
}

fn memchr_find(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The kind of a YAML file named explicitly on the command line (linted whatever it holds).
pub fn classify_named(name: &str) -> Option<YamlKind> {
    is_yaml_name(name).then_some(YamlKind::Kubernetes)
}

/// A cheap line test, so directory walks do not parse every YAML file: some line starts with
/// `apiVersion:` and some with `kind:`, at column 0 (top-level keys of a document).
fn looks_like_kubernetes(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let mut api_version = false;
    let mut kind = false;
    for line in text.lines() {
        api_version |= line.starts_with("apiVersion:");
        kind |= line.starts_with("kind:");
        if api_version && kind {
            return true;
        }
    }
    false
}

/// What the Kubernetes rules are told besides the manifest, shared by every file of a run.
pub struct KubernetesOptions {
    pub options: hullscan_k8s_rules::Options,
}

impl KubernetesOptions {
    /// Reads the Dockerfiles named by `--dockerfile IMAGE=PATH`; errors name the argument.
    pub fn from_args(mappings: &[String]) -> anyhow::Result<Self> {
        let mut options = hullscan_k8s_rules::Options::default();
        for mapping in mappings {
            let Some((image, path)) = mapping.split_once('=') else {
                anyhow::bail!("--dockerfile {mapping}: expected IMAGE=PATH");
            };
            let path = Path::new(path);
            let text = hullscan_workspace::input::read_file_to_string(path)
                .map_err(|err| anyhow::anyhow!("--dockerfile {mapping}: {err}"))?;
            let parse = hullscan_dockerfile::parse(&text);
            options.images.push(hullscan_k8s_rules::image_facts(
                image,
                &path.to_string_lossy(),
                &parse.dockerfile,
            ));
        }
        Ok(KubernetesOptions { options })
    }
}

/// Lints one YAML file's text.
pub fn lint(
    kind: YamlKind,
    name: String,
    text: String,
    settings: &LinterSettings,
    k8s: &KubernetesOptions,
) -> FileReport {
    match kind {
        YamlKind::Kubernetes => lint_kubernetes(name, text, settings, k8s),
    }
}

fn lint_kubernetes(
    name: String,
    mut text: String,
    settings: &LinterSettings,
    k8s: &KubernetesOptions,
) -> FileReport {
    let (diagnostics, comments, scoped) = match hullscan_yaml::parse(&text) {
        Err(error) => (
            vec![hullscan_k8s_rules::syntax_error(&error)],
            Vec::new(),
            Vec::new(),
        ),
        Ok(stream) => {
            let mut options = k8s.options.clone();
            options.fingerprint_key = settings.fingerprint_key.clone();
            let outcome =
                hullscan_k8s_rules::check(&stream, &options, &|rule| settings.is_enabled(rule));
            let scoped: Vec<ScopedIgnore> = hullscan_k8s_rules::object_ignores(&stream)
                .into_iter()
                .map(|ignore| ScopedIgnore {
                    scope: ignore.scope,
                    names: ignore.names,
                })
                .collect();
            // Literal secrets are masked in the text kept for snippets (same length, so every
            // range stays true).
            for range in outcome.secret_ranges {
                mask(&mut text, range);
            }
            (outcome.diagnostics, stream.comments, scoped)
        }
    };
    let source = SourceFile::new(name, text);
    let diagnostics =
        hullscan_linter::yaml::finish(&source, &comments, &scoped, diagnostics, settings);
    let mut report = FileReport::for_source(Arc::new(source), diagnostics);
    report.sort();
    if report.diagnostics.is_empty() {
        report.source = None;
    }
    report
}

/// Replaces the characters in `range` with `*` (one per byte, so offsets do not move).
fn mask(text: &mut String, range: std::ops::Range<usize>) {
    let end = range.end.min(text.len());
    if range.start >= end || !text.is_char_boundary(range.start) || !text.is_char_boundary(end) {
        return;
    }
    text.replace_range(range.start..end, &"*".repeat(end - range.start));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_files_are_recognised_by_content() {
        assert_eq!(
            classify_found("app.yaml", b"apiVersion: v1\nkind: Pod\n"),
            Some(YamlKind::Kubernetes)
        );
        assert_eq!(
            classify_found("list.YML", b"# a list\napiVersion: v1\nkind: List\nitems: []\n"),
            Some(YamlKind::Kubernetes)
        );
        // A Helm template is not a manifest until rendered.
        assert_eq!(
            classify_found("deployment.yaml", b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"),
            None
        );
        assert_eq!(classify_found("ci.yaml", b"jobs:\n  build: {}\n"), None);
        assert_eq!(classify_found("pod.json", b"apiVersion: v1\nkind: Pod\n"), None);
    }

    #[test]
    fn masking_keeps_length() {
        let mut text = "value: \"hunter2\"\n".to_owned();
        mask(&mut text, 7..16);
        assert_eq!(text, "value: *********\n");
    }
}
