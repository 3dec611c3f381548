//! The build-context part of `hullscan lint`: decides which directory is a Dockerfile's build
//! context and runs the HS5xx rules over it with the file's settings. Findings on the
//! Dockerfile's own lines (COPY/ADD) go back into the file's lint, so its suppression comments
//! apply to them; the rest form a report on the `.dockerignore`.

use std::path::{Path, PathBuf};

use hullscan_context::analysis::{clean_source, context_copies};
use hullscan_context::find_ignore_file;
use hullscan_context::rules::{ContextCheck, ContextSettings, check_context};
use hullscan_diagnostics::{Diagnostic, FileReport};
use hullscan_dockerfile::Dockerfile;
use hullscan_linter::registry;
use hullscan_linter::settings::LinterSettings;

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

/// The directory `dockerfile` is built from by default.
///
/// Its own directory, when that holds an ignore file for it (`.dockerignore` or
/// `<name>.dockerignore`) or when one of its COPY/ADD context sources exists there (`.` counts
/// when the directory holds more than Dockerfiles) — unless a directory above it (up to the
/// top of the linted path, or of the git work tree for an absolute path) holds more of the
/// named sources: a Dockerfile kept in `docker/` and built with `docker build -f
/// docker/Dockerfile .` copies `package.json` from the repository root, not from `docker/`.
/// An ancestor is only chosen when at least half the named sources exist there.
///
/// `None` when no directory qualifies: a Dockerfile kept apart from its sources would give
/// false "missing source" findings.
pub fn default_context(dockerfile: &Path, parsed: &Dockerfile) -> Option<PathBuf> {
    let dir = match dockerfile.parent() {
        Some(parent) if parent.as_os_str().is_empty() => PathBuf::from("."),
        Some(parent) => parent.to_path_buf(),
        None => return None,
    };
    let named = named_sources(parsed);
    let own_count = existing(&dir, &named);
    let own_qualifies = find_ignore_file(&dir, dockerfile).is_some()
        || own_count > 0
        || (copies_whole_context(parsed) && holds_more_than_dockerfiles(&dir));
    if dir.join(".dockerignore").is_file() {
        // A `.dockerignore` of its own says this directory is sent as a context.
        return Some(dir);
    }
    // The ancestor holding the most named sources, nearest first on ties.
    let mut best: Option<(PathBuf, usize)> = None;
    for ancestor in ancestors_to_consider(&dir) {
        let count = existing(&ancestor, &named);
        if count > own_count
            && count * 2 >= named.len()
            && best.as_ref().is_none_or(|(_, most)| count > *most)
        {
            best = Some((ancestor, count));
        }
    }
    if let Some((ancestor, _)) = best {
        return Some(ancestor);
    }
    own_qualifies.then_some(dir)
}

/// The context sources the COPY/ADD instructions name literally (no `.`, wildcard, variable
/// or `..`), cleaned.
fn named_sources(parsed: &Dockerfile) -> Vec<String> {
    let mut named: Vec<String> = context_copies(parsed)
        .iter()
        .flat_map(|copy| copy.sources.iter())
        .map(|(source, _)| clean_source(source.trim_matches(['"', '\''])))
        .filter(|cleaned| {
            cleaned != "."
                && !cleaned.is_empty()
                && !cleaned.starts_with("..")
                && !cleaned.contains(['*', '?', '[', '$'])
        })
        .collect();
    named.sort();
    named.dedup();
    named
}

fn copies_whole_context(parsed: &Dockerfile) -> bool {
    context_copies(parsed).iter().any(|copy| {
        copy.sources
            .iter()
            .any(|(source, _)| clean_source(source.trim_matches(['"', '\''])) == ".")
    })
}

fn existing(dir: &Path, named: &[String]) -> usize {
    named
        .iter()
        .filter(|source| dir.join(source).exists())
        .count()
}

/// The directories above `dir` a build could use as its context, nearest first: for a relative
/// path, up to the directory it is relative to (the linted tree); for an absolute one, up to
/// the top of its git work tree, or none outside one.
fn ancestors_to_consider(dir: &Path) -> Vec<PathBuf> {
    /// A bound on the walk up, so a deep path costs little.
    const MAX_LEVELS: usize = 8;
    let mut found = Vec::new();
    if dir.is_relative() {
        let mut current = dir;
        while let Some(parent) = current.parent() {
            if found.len() == MAX_LEVELS {
                break;
            }
            found.push(if parent.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                parent.to_path_buf()
            });
            current = parent;
        }
        if dir == Path::new(".") {
            found.clear();
        }
        return found;
    }
    for ancestor in dir.ancestors().skip(1).take(MAX_LEVELS) {
        found.push(ancestor.to_path_buf());
        if ancestor.join(".git").exists() {
            return found;
        }
    }
    // Not inside a git work tree: nothing marks where the project ends.
    Vec::new()
}

fn holds_more_than_dockerfiles(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|entry| !super::lint::is_dockerfile_name(&entry.file_name().to_string_lossy()))
    })
}

impl ContextChoice {
    /// The build context of the Dockerfile at `path` (parsed as `parsed`), if its context
    /// rules run.
    pub fn context_for(&self, path: &Path, parsed: &Dockerfile) -> Option<PathBuf> {
        match self {
            ContextChoice::Off => None,
            ContextChoice::Dir(dir) => Some(dir.clone()),
            ContextChoice::Auto => default_context(path, parsed),
        }
    }
}

/// The context rules' findings for one Dockerfile.
#[derive(Debug, Default)]
pub struct ContextFindings {
    /// Findings on the Dockerfile's own lines (COPY/ADD sources): the caller passes them
    /// through the file's suppressions with its other findings.
    pub dockerfile: Vec<Diagnostic>,
    /// The report on the ignore file (or on the missing one), when it has findings.
    pub ignore_file: Option<FileReport>,
    /// Whether the credential-looking files each COPY/ADD source names hold a credential,
    /// by content (for HS414).
    pub copied_secret_verdicts: Vec<(hullscan_text::TextRange, bool)>,
}

/// Runs the enabled context rules for the Dockerfile at `dockerfile_path`, parsed as
/// `parsed`, over `context_dir`.
pub fn context_findings(
    context_dir: &Path,
    dockerfile_path: &Path,
    parsed: &Dockerfile,
    settings: &LinterSettings,
) -> Result<ContextFindings, String> {
    let enabled = |rule: &hullscan_diagnostics::RuleMeta| settings.is_enabled(rule);
    if !hullscan_context::rules::RULES
        .iter()
        .any(|rule| enabled(rule))
    {
        return Ok(ContextFindings::default());
    }
    let options = hullscan_context::WalkOptions {
        max_ignore_file_bytes: Some(hullscan_workspace::input::max_input_bytes()),
        ..hullscan_context::WalkOptions::default()
    };
    let context = hullscan_context::load_context_with(context_dir, Some(dockerfile_path), options)
        .map_err(|err| format!("{}: {err}", context_dir.display()))?;
    let findings = check_context(
        &ContextCheck {
            context: &context,
            dockerfile: Some(parsed),
            settings: ContextSettings::default(),
        },
        &enabled,
    );
    let mut ignore_findings = findings.ignore_file;
    // The ignore file has no suppression comments; only configured severities apply to it.
    apply_severities(&mut ignore_findings, settings);
    let ignore_file = (!ignore_findings.is_empty()).then(|| {
        let mut report = FileReport::for_source(findings.ignore_source, ignore_findings);
        report.sort();
        report
    });
    Ok(ContextFindings {
        dockerfile: findings.dockerfile,
        ignore_file,
        copied_secret_verdicts: hullscan_context::analysis::copied_secret_verdicts(
            &context, parsed,
        ),
    })
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
        let parse = hullscan_dockerfile::parse("FROM alpine\nCOPY app.py /app/\n");
        let text = &parse.dockerfile;
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
