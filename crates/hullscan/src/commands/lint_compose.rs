//! `hullscan lint` on Compose files: the edge that reads them (and the Dockerfiles their
//! services build), loads the project as Compose would (`.env`, the process environment, the
//! implicit `compose.override.yaml`), runs the Compose rules (HS9xx) and turns their findings
//! into one report per file, with the same selection, severities and `# hullscan ignore=`
//! comments as every YAML file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hullscan_compose::{FileSystem, LoadOptions, ProblemKind, Project};
use hullscan_compose_rules::DockerfileFacts;
use hullscan_diagnostics::FileReport;
use hullscan_linter::settings::LinterSettings;
use hullscan_text::SourceFile;

/// Reads through the workspace's capped reader, so a huge or unreadable file is an error
/// naming it.
struct CappedFileSystem;

impl FileSystem for CappedFileSystem {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        hullscan_workspace::input::read_file_to_string(path)
            .map_err(|err| std::io::Error::other(err.to_string()))
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
}

/// Whether a directory walk should lint `path` as a Compose project: a `compose*.y(a)ml` or
/// `docker-compose*.y(a)ml` file, except an override file whose base sits next to it (the base
/// pulls it in, so its findings come with the merged project).
pub fn is_discovered_compose_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if !hullscan_compose::is_compose_file_name(name) {
        return false;
    }
    if hullscan_compose::is_override_file_name(name) {
        let dir = path.parent().unwrap_or(Path::new(""));
        let base = name.replacen(".override", "", 1);
        let other_ext = if base.ends_with(".yml") {
            base.replace(".yml", ".yaml")
        } else {
            base.replace(".yaml", ".yml")
        };
        return !(dir.join(&base).is_file() || dir.join(other_ext).is_file());
    }
    true
}

/// Whether a file named on the command line is a Compose file: by name, or a YAML file whose
/// top level has `services:` and no `apiVersion:` (a Kubernetes manifest has that).
pub fn is_compose_path(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if hullscan_compose::is_compose_file_name(name) {
        return true;
    }
    let lower = name.to_ascii_lowercase();
    if !(lower.ends_with(".yml") || lower.ends_with(".yaml")) {
        return false;
    }
    let Ok(bytes) = hullscan_workspace::input::read_file(path) else {
        return false;
    };
    let text = String::from_utf8_lossy(&bytes);
    let top_level = |key: &str| text.lines().any(|line| line.starts_with(key));
    top_level("services:") && !top_level("apiVersion:")
}

/// The reports for one Compose project (one per file it read that has findings or is the
/// entry file), and the errors that kept parts of it from being checked.
pub struct ComposeOutcome {
    pub reports: Vec<FileReport>,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

/// Loads and lints the project whose entry file is `path`.
pub fn lint_compose(path: &Path, settings: &LinterSettings) -> ComposeOutcome {
    let options = LoadOptions {
        files: vec![path.to_path_buf()],
        project_dir: None,
        environment: std::env::vars().collect(),
        read_dotenv: true,
        implicit_override: true,
    };
    let project = hullscan_compose::load(&CappedFileSystem, &options);
    let dockerfiles = read_dockerfiles(&project);
    let findings = hullscan_compose_rules::check_project(&project, &dockerfiles, &|rule| {
        settings.is_enabled(rule)
    });
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for problem in &project.problems {
        let file = project.file(problem.file);
        let place = match problem.site {
            Some(site) => format!("{}:{}:{}", file.path.display(), site.line(), site.column()),
            None => file.path.display().to_string(),
        };
        let message = format!("{place}: {}", problem.message);
        // The entry file unreadable, or YAML that does not parse, means nothing was checked
        // there; a missing env file or include leaves the rest checked (a warning).
        let unreadable = problem.message.starts_with("not valid YAML")
            || (problem.file.0 == 0
                && problem.site.is_none()
                && problem.message.starts_with("cannot read"));
        match problem.kind {
            ProblemKind::Error if unreadable => errors.push(message),
            _ => warnings.push(message),
        }
    }
    let mut by_file: HashMap<u32, Vec<hullscan_diagnostics::Diagnostic>> = HashMap::new();
    for finding in findings {
        by_file
            .entry(finding.file.0)
            .or_default()
            .push(finding.diagnostic);
    }
    let mut reports = Vec::new();
    for (index, file) in project.files.iter().enumerate() {
        let diagnostics = by_file.remove(&(index as u32)).unwrap_or_default();
        let is_entry = index == 0;
        if diagnostics.is_empty() && !is_entry {
            continue;
        }
        let source = SourceFile::new(file.path.to_string_lossy(), file.text.to_string());
        let kept =
            hullscan_linter::yaml::finish(&source, &file.comments, &[], diagnostics, settings);
        let mut report = FileReport::for_source(Arc::new(source), kept);
        report.sort();
        if report.diagnostics.is_empty() {
            report.source = None;
        }
        reports.push(report);
    }
    ComposeOutcome {
        reports,
        errors,
        warnings,
    }
}

/// The facts of each service's Dockerfile that exists in the repository (read here, at the
/// edge; the rules never touch the file system).
fn read_dockerfiles(project: &Project) -> HashMap<String, DockerfileFacts> {
    let mut cache: HashMap<PathBuf, Option<DockerfileFacts>> = HashMap::new();
    let mut out = HashMap::new();
    for service in &project.services {
        let Some(build) = service.build(project) else {
            continue;
        };
        let Some(dockerfile) = build.dockerfile else {
            continue;
        };
        let facts = cache
            .entry(dockerfile.clone())
            .or_insert_with(|| {
                let text = hullscan_workspace::input::read_file_to_string(&dockerfile).ok()?;
                Some(DockerfileFacts::from_text(
                    dockerfile.to_string_lossy(),
                    &text,
                ))
            })
            .clone();
        if let Some(facts) = facts {
            out.insert(service.name.clone(), facts);
        }
    }
    out
}
