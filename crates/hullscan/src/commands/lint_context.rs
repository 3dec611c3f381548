//! The build-context part of `hullscan lint`: decides which directory is a Dockerfile's build
//! context, runs the HS5xx rules over it with the file's settings, and merges the findings into
//! the reports (the Dockerfile's own report for COPY/ADD findings, a `.dockerignore` report for
//! the rest).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use hullscan_context::analysis::{clean_source, context_copies};
use hullscan_context::find_ignore_file;
use hullscan_context::rules::{ContextCheck, ContextSettings, check_context};
use hullscan_diagnostics::{Diagnostic, FileReport};
use hullscan_linter::registry;
use hullscan_linter::settings::LinterSettings;
use hullscan_text::SourceFile;

/// How `hullscan lint` chooses build contexts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextChoice {
    /// The Dockerfile's directory, when it looks like the context (see [`default_context`]).
    Auto,
    /// This directory, for every Dockerfile linted.
    Dir(PathBuf),
    /// No context rules.
    Off,
}

impl ContextChoice {
    pub fn from_args(context: Option<&Path>, no_context: bool) -> Self {
        match (context, no_context) {
            (_, true) => ContextChoice::Off,
            (Some(dir), false) => ContextChoice::Dir(dir.to_path_buf()),
            (None, false) => ContextChoice::Auto,
        }
    }
}

/// The directory `dockerfile` is built from by default: its own directory, when that holds an
/// ignore file for it (`.dockerignore` or `<name>.dockerignore`) or when one of its COPY/ADD
/// context sources exists there (`.` counts when the directory holds more than Dockerfiles). Otherwise `None`: a Dockerfile kept apart from its sources
/// (e.g. `docker/app/Dockerfile` built from the repository root) would give false "missing
/// source" findings.
pub fn default_context(dockerfile: &Path, text: &str) -> Option<PathBuf> {
    let dir = match dockerfile.parent() {
        Some(parent) if parent.as_os_str().is_empty() => PathBuf::from("."),
        Some(parent) => parent.to_path_buf(),
        None => return None,
    };
    if find_ignore_file(&dir, dockerfile).is_some() {
        return Some(dir);
    }
    let parsed = hullscan_dockerfile::parse(text);
    let any_source_exists = context_copies(&parsed.dockerfile).iter().any(|copy| {
        copy.sources.iter().any(|(source, _)| {
            let cleaned = clean_source(source.trim_matches(['"', '\'']));
            if cleaned == "." {
                // The directory itself always exists: it counts when it holds more than
                // Dockerfiles.
                return holds_more_than_dockerfiles(&dir);
            }
            !cleaned.starts_with("..")
                && !cleaned.contains(['*', '?', '[', '$'])
                && dir.join(&cleaned).exists()
        })
    });
    any_source_exists.then_some(dir)
}

fn holds_more_than_dockerfiles(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|entry| !super::lint::is_dockerfile_name(&entry.file_name().to_string_lossy()))
    })
}

/// Runs the enabled context rules for one Dockerfile and merges the findings into `reports`
/// (its own report is found by `dockerfile_display`); the caller applies the failure threshold.
pub fn add_context_findings(
    reports: &mut Vec<FileReport>,
    dockerfile_display: &str,
    context_dir: &Path,
    dockerfile_path: &Path,
    settings: &LinterSettings,
) -> Result<(), String> {
    let enabled = |rule: &hullscan_diagnostics::RuleMeta| settings.is_enabled(rule);
    if !hullscan_context::rules::RULES
        .iter()
        .any(|rule| enabled(rule))
    {
        return Ok(());
    }
    let context = hullscan_context::load_context(context_dir, Some(dockerfile_path))
        .map_err(|err| format!("{}: {err}", context_dir.display()))?;
    let text = std::fs::read(dockerfile_path)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map_err(|err| format!("{}: {err}", dockerfile_path.display()))?;
    let parsed = hullscan_dockerfile::parse(&text);
    let findings = check_context(
        &ContextCheck {
            context: &context,
            dockerfile: Some(&parsed.dockerfile),
            settings: ContextSettings::default(),
        },
        &enabled,
    );
    let mut dockerfile_findings = findings.dockerfile;
    let mut ignore_findings = findings.ignore_file;
    apply_severities(&mut dockerfile_findings, settings);
    apply_severities(&mut ignore_findings, settings);

    if !dockerfile_findings.is_empty() {
        let source = Arc::new(SourceFile::new(dockerfile_display.to_owned(), text));
        match reports.iter_mut().find(|r| r.path == dockerfile_display) {
            Some(report) => {
                if report.source.is_none() {
                    report.source = Some(source);
                }
                report.diagnostics.append(&mut dockerfile_findings);
                report.sort();
            }
            None => reports.push(FileReport::for_source(source, dockerfile_findings)),
        }
    }
    if !ignore_findings.is_empty() {
        let path = findings.ignore_source.name().to_owned();
        match reports.iter_mut().find(|r| r.path == path) {
            // Two Dockerfiles sharing a context share its ignore file: report it once.
            Some(_) => {}
            None => {
                let mut report = FileReport::for_source(findings.ignore_source, ignore_findings);
                report.sort();
                reports.push(report);
            }
        }
    }
    Ok(())
}

/// Gives each finding the severity the file's configuration sets for its rule.
fn apply_severities(diagnostics: &mut [Diagnostic], settings: &LinterSettings) {
    for diagnostic in diagnostics {
        if let Some(rule) = registry::by_code(&diagnostic.code) {
            diagnostic.severity = settings.severity_of(rule);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_context_needs_an_ignore_file_or_an_existing_source() {
        let dir = tempfile::tempdir().unwrap();
        let dockerfile = dir.path().join("Dockerfile");
        std::fs::write(&dockerfile, "FROM alpine\nCOPY app.py /app/\n").unwrap();
        let text = "FROM alpine\nCOPY app.py /app/\n";
        assert_eq!(default_context(&dockerfile, text), None);
        std::fs::write(dir.path().join("app.py"), "print()\n").unwrap();
        assert_eq!(
            default_context(&dockerfile, text),
            Some(dir.path().to_path_buf())
        );
        std::fs::remove_file(dir.path().join("app.py")).unwrap();
        std::fs::write(dir.path().join(".dockerignore"), ".git\n").unwrap();
        assert_eq!(
            default_context(&dockerfile, text),
            Some(dir.path().to_path_buf())
        );
    }
}
