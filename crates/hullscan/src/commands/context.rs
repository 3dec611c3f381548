//! `hullscan context`: what `docker build` would send, and what each COPY costs the cache.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use hullscan_context::analysis::{
    self, CacheBust, DirTotal, context_copies, copy_files, human_bytes, thousands,
};
use hullscan_context::rules::{ContextCheck, ContextFindings, ContextSettings, check_context};
use hullscan_context::{BuildContext, EntryKind, IgnoreFileKind, WalkOptions, load_context_with};
use hullscan_diagnostics::{Diagnostic, Location, Severity};
use serde::Serialize;

use crate::ExitStatus;
use crate::output::safe_field;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ContextFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct ContextArgs {
    /// The build context directory.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The Dockerfile (default: `<DIR>/Dockerfile`); `<name>.dockerignore` beside it replaces
    /// the context's `.dockerignore`, as in BuildKit.
    #[arg(short = 'f', long = "file", value_name = "DOCKERFILE")]
    pub file: Option<PathBuf>,
    /// Output format; `json` lists every path that would be sent under `files`.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ContextFormat,
    /// How many of the largest directories and files to show.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Reproduce Docker Engine before 23, which never reads an excluded directory unless an
    /// exception names a path inside it (even for exceptions with wildcards).
    #[arg(long)]
    pub legacy_walk: bool,
    /// Report a context larger than this many MiB (large-build-context).
    #[arg(long, default_value_t = 256, value_name = "MIB")]
    pub max_size_mib: u64,
}

pub fn run(args: ContextArgs) -> anyhow::Result<ExitStatus> {
    let default_dockerfile = args.dir.join("Dockerfile");
    let dockerfile_path = args.file.clone().unwrap_or(default_dockerfile);
    let options = WalkOptions {
        legacy_exception_skip: args.legacy_walk,
        max_ignore_file_bytes: Some(hullscan_workspace::input::max_input_bytes()),
    };
    let context = load_context_with(&args.dir, Some(&dockerfile_path), options)?;
    let dockerfile_text = match hullscan_workspace::input::read_file(&dockerfile_path) {
        Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Err(err) if err.io_kind() == Some(std::io::ErrorKind::NotFound) && args.file.is_none() => {
            None
        }
        Err(err) => return Err(err).context("cannot read the Dockerfile"),
    };
    let parsed = dockerfile_text.as_deref().map(hullscan_dockerfile::parse);
    let dockerfile = parsed.as_ref().map(|p| &p.dockerfile);
    let settings = ContextSettings {
        max_context_bytes: args.max_size_mib.saturating_mul(1024 * 1024),
    };
    // The rules and the report's figures both read the whole context: compute them side by
    // side.
    let (findings, mut report) = rayon::join(
        || {
            check_context(
                &ContextCheck {
                    context: &context,
                    dockerfile,
                    settings,
                },
                &|_| true,
            )
        },
        || {
            Report::build(
                &context,
                dockerfile.map(|d| (d, dockerfile_path.as_path())),
                args.top,
            )
        },
    );
    report.cache_busts = findings
        .cache_busts
        .iter()
        .map(|bust| CacheBustReport {
            message: bust.describe(),
            bust: bust.clone(),
        })
        .collect();
    report.findings = Report::findings(
        &findings,
        report.dockerfile.as_deref(),
        dockerfile_text.as_deref(),
    );

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    match args.format {
        ContextFormat::Json => {
            // File names, patterns and instructions come from the user's tree: every string is
            // made safe (credentials masked, control characters escaped) like any other output.
            let mut json = serde_json::to_value(report.with_files(&context))?;
            make_strings_safe(&mut json);
            serde_json::to_writer_pretty(&mut out, &json)?;
            writeln!(out)?;
        }
        ContextFormat::Human => report.write_human(&mut out)?,
    }
    out.flush()?;

    let failed = context.ignore_error.is_some()
        || !context.problems.is_empty()
        || report.findings.iter().any(|f| f.severity == "error");
    // The process ends right after this command, and handing a large context back to the
    // allocator path by path (then having it purge the pages at exit) costs more than the
    // whole report: let the process exit reclaim it.
    std::mem::forget(context);
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Every string in `value`, keys included, made safe to print.
fn make_strings_safe(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(text) => {
            if let std::borrow::Cow::Owned(safe) = safe_field(text) {
                *text = safe;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(make_strings_safe),
        Value::Object(map) => {
            let unsafe_keys: Vec<String> = map
                .keys()
                .filter(|key| matches!(safe_field(key), std::borrow::Cow::Owned(_)))
                .cloned()
                .collect();
            for key in unsafe_keys {
                if let Some(item) = map.remove(&key) {
                    map.insert(safe_field(&key).into_owned(), item);
                }
            }
            map.values_mut().for_each(make_strings_safe);
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[derive(Serialize)]
struct Totals {
    bytes: u64,
    files: usize,
    dirs: usize,
    symlinks: usize,
    other: usize,
}

#[derive(Serialize)]
struct PatternReport {
    line: u32,
    pattern: String,
    exception: bool,
    /// Matched (itself or through a parent) a path Docker looks at.
    applied: bool,
    /// Was the last matching pattern for at least one such path.
    decided: bool,
}

#[derive(Serialize)]
struct IgnoreReport {
    path: String,
    kind: IgnoreFileKind,
    patterns: Vec<PatternReport>,
}

#[derive(Serialize)]
struct IgnoreErrorReport {
    line: u32,
    message: String,
}

#[derive(Serialize)]
struct ExcludedReport {
    paths: usize,
    /// Excluded directories Docker never reads.
    skipped_dirs: Vec<String>,
}

#[derive(Serialize)]
struct FileSize {
    path: String,
    bytes: u64,
}

#[derive(Serialize)]
struct SecretReport {
    path: String,
    kind: analysis::SecretKind,
    description: &'static str,
}

#[derive(Serialize)]
struct CopyReport {
    line: u32,
    instruction: String,
    sources: Vec<String>,
    files: usize,
    bytes: u64,
}

#[derive(Serialize)]
struct CacheBustReport {
    #[serde(flatten)]
    bust: CacheBust,
    message: String,
}

#[derive(Serialize)]
struct FindingReport {
    code: String,
    name: String,
    severity: &'static str,
    message: String,
    /// The file the finding is in (the ignore file, or the Dockerfile).
    file: String,
    /// 1-based line, for findings at a line.
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<String>,
}

#[derive(Serialize)]
struct Report {
    context: String,
    dockerfile: Option<String>,
    ignore_file: Option<IgnoreReport>,
    ignore_error: Option<IgnoreErrorReport>,
    totals: Totals,
    excluded: ExcludedReport,
    largest_dirs: Vec<DirTotal>,
    largest_files: Vec<FileSize>,
    secrets: Vec<SecretReport>,
    unwanted_dirs: Vec<analysis::UnwantedDir>,
    copies: Vec<CopyReport>,
    cache_busts: Vec<CacheBustReport>,
    findings: Vec<FindingReport>,
    problems: Vec<hullscan_context::WalkProblem>,
}

#[derive(Serialize)]
struct ReportWithFiles<'a> {
    #[serde(flatten)]
    report: &'a Report,
    files: &'a [hullscan_context::ContextEntry],
}

fn line_of(text: &str, diagnostic: &Diagnostic) -> Option<u32> {
    match diagnostic.location {
        Location::Text(range) => {
            let offset = range.start().to_usize().min(text.len());
            Some(text[..offset].matches('\n').count() as u32 + 1)
        }
        _ => None,
    }
}

fn severity_name(severity: Severity) -> &'static str {
    severity.as_str()
}

impl Report {
    fn build(
        context: &BuildContext,
        dockerfile: Option<(&hullscan_dockerfile::Dockerfile, &Path)>,
        top: usize,
    ) -> Self {
        // One pass over the entries rather than one per figure.
        let mut totals = Totals {
            bytes: 0,
            files: 0,
            dirs: 0,
            symlinks: 0,
            other: 0,
        };
        for entry in &context.entries {
            totals.bytes += entry.size;
            *match entry.kind {
                EntryKind::File => &mut totals.files,
                EntryKind::Dir => &mut totals.dirs,
                EntryKind::Symlink => &mut totals.symlinks,
                EntryKind::Other => &mut totals.other,
            } += 1;
        }
        let ignore_file = context.ignore_file.as_ref().map(|file| IgnoreReport {
            path: file.display_path.clone(),
            kind: file.kind,
            patterns: file
                .parsed
                .entries
                .iter()
                .enumerate()
                .map(|(i, e)| PatternReport {
                    line: e.line,
                    pattern: e.pattern.clone(),
                    exception: e.is_exception(),
                    applied: context.usage.applied.get(i).copied().unwrap_or(false),
                    decided: context.usage.decided.get(i).copied().unwrap_or(false),
                })
                .collect(),
        });
        let secrets = analysis::secrets(context)
            .iter()
            .map(|&(index, kind)| SecretReport {
                path: context.entries[index].path.clone(),
                kind,
                description: kind.describe(),
            })
            .collect();
        let copies = match dockerfile {
            Some((parsed, _)) => context_copies(parsed)
                .iter()
                .map(|copy| {
                    let files = copy_files(context, copy);
                    CopyReport {
                        line: copy.instruction.start_line,
                        instruction: copy.instruction.original.clone(),
                        sources: copy.sources.iter().map(|(s, _)| s.clone()).collect(),
                        files: files.len(),
                        bytes: files.iter().map(|e| e.size).sum(),
                    }
                })
                .collect(),
            None => Vec::new(),
        };
        let dockerfile_name = dockerfile.map(|(_, p)| p.display().to_string());
        Report {
            context: context.root_display.clone(),
            dockerfile: dockerfile_name,
            ignore_file,
            ignore_error: context.ignore_error.as_ref().map(|e| IgnoreErrorReport {
                line: e.line,
                message: e.message.clone(),
            }),
            totals,
            excluded: ExcludedReport {
                paths: context.excluded.len(),
                skipped_dirs: context
                    .excluded
                    .iter()
                    .filter(|e| e.subtree_skipped)
                    .map(|e| e.path.clone())
                    .collect(),
            },
            largest_dirs: analysis::largest_dirs(context, top),
            largest_files: analysis::largest_files(context, top)
                .into_iter()
                .map(|e| FileSize {
                    path: e.path.clone(),
                    bytes: e.size,
                })
                .collect(),
            secrets,
            unwanted_dirs: analysis::unwanted_dirs(context),
            copies,
            // Filled from the rules' findings (the dependency-cache-bust rule computes them).
            cache_busts: Vec::new(),
            findings: Vec::new(),
            problems: context.problems.clone(),
        }
    }

    /// The rules' findings, with the file and line each one is in.
    fn findings(
        findings: &ContextFindings,
        dockerfile_name: Option<&str>,
        dockerfile_text: Option<&str>,
    ) -> Vec<FindingReport> {
        let ignore_name = findings.ignore_source.name().to_owned();
        let mut finding_reports: Vec<FindingReport> = Vec::new();
        for (diagnostics, file, text) in [
            (
                &findings.ignore_file,
                ignore_name,
                Some(findings.ignore_source.text()),
            ),
            (
                &findings.dockerfile,
                dockerfile_name.unwrap_or_default().to_owned(),
                dockerfile_text,
            ),
        ] {
            for d in diagnostics {
                finding_reports.push(FindingReport {
                    code: d.code.to_string(),
                    name: d.name.to_string(),
                    severity: severity_name(d.severity),
                    message: d.message.clone(),
                    file: file.clone(),
                    line: text.and_then(|t| line_of(t, d)),
                    fix: d.fix.as_ref().map(|f| f.title.clone()),
                });
            }
        }
        finding_reports
    }

    fn with_files<'a>(&'a self, context: &'a BuildContext) -> ReportWithFiles<'a> {
        ReportWithFiles {
            report: self,
            files: &context.entries,
        }
    }

    /// The human report. Every text from the user's tree (paths, patterns, instructions,
    /// messages) goes through `safe_field`.
    fn write_human(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "Build context: {}", safe_field(&self.context))?;
        if let Some(dockerfile) = &self.dockerfile {
            writeln!(out, "Dockerfile:    {}", safe_field(dockerfile))?;
        }
        match &self.ignore_file {
            Some(file) => {
                let kind = match file.kind {
                    IgnoreFileKind::DockerfileSpecific => {
                        "Dockerfile-specific, replaces .dockerignore"
                    }
                    IgnoreFileKind::ContextRoot => "context root",
                };
                writeln!(
                    out,
                    "Ignore file:   {} ({kind}, {} patterns)",
                    safe_field(&file.path),
                    file.patterns.len()
                )?;
            }
            None => writeln!(out, "Ignore file:   none (everything is sent)")?,
        }
        if let Some(err) = &self.ignore_error {
            writeln!(
                out,
                "  error: Docker rejects the ignore file at line {}: {}",
                err.line,
                safe_field(&err.message)
            )?;
        }
        let t = &self.totals;
        writeln!(
            out,
            "Sent:          {} in {} files, {} directories, {} symlinks{}",
            human_bytes(t.bytes),
            thousands(t.files as u64),
            thousands(t.dirs as u64),
            thousands(t.symlinks as u64),
            if t.other > 0 {
                format!(", {} other", t.other)
            } else {
                String::new()
            }
        )?;
        writeln!(
            out,
            "Excluded:      {} paths ({} directories never read)",
            thousands(self.excluded.paths as u64),
            self.excluded.skipped_dirs.len()
        )?;
        for problem in &self.problems {
            writeln!(
                out,
                "  error: {}: {} (docker build fails)",
                safe_field(&problem.path),
                safe_field(&problem.message)
            )?;
        }

        if !self.largest_dirs.is_empty() {
            writeln!(out, "\nLargest directories:")?;
            for d in &self.largest_dirs {
                writeln!(
                    out,
                    "  {:>10}  {:>9} files  {}/",
                    human_bytes(d.bytes),
                    thousands(d.files),
                    safe_field(&d.path)
                )?;
            }
        }
        if !self.largest_files.is_empty() {
            writeln!(out, "\nLargest files:")?;
            for f in &self.largest_files {
                writeln!(
                    out,
                    "  {:>10}  {}",
                    human_bytes(f.bytes),
                    safe_field(&f.path)
                )?;
            }
        }
        if !self.secrets.is_empty() {
            writeln!(out, "\nSecrets that would be sent:")?;
            for s in &self.secrets {
                writeln!(out, "  {}  ({})", safe_field(&s.path), s.description)?;
            }
        }
        if !self.copies.is_empty() {
            writeln!(out, "\nCOPY/ADD from the context:")?;
            writeln!(
                out,
                "  {:>5}  {:>9}  {:>10}  instruction",
                "line", "files", "bytes"
            )?;
            for c in &self.copies {
                writeln!(
                    out,
                    "  {:>5}  {:>9}  {:>10}  {}",
                    c.line,
                    thousands(c.files as u64),
                    human_bytes(c.bytes),
                    safe_field(&c.instruction)
                )?;
            }
        }
        if !self.cache_busts.is_empty() {
            writeln!(out, "\nCache cost:")?;
            for b in &self.cache_busts {
                writeln!(
                    out,
                    "  line {}: {}",
                    b.bust.copy_line,
                    safe_field(&b.message)
                )?;
            }
        }
        if !self.findings.is_empty() {
            writeln!(out, "\nFindings:")?;
            for f in &self.findings {
                let at = match f.line {
                    Some(line) => format!("{}:{line}", f.file),
                    None => f.file.clone(),
                };
                writeln!(
                    out,
                    "  {} {}[{}] {}: {}",
                    f.severity,
                    f.code,
                    f.name,
                    safe_field(&at),
                    safe_field(&f.message)
                )?;
            }
        }
        Ok(())
    }
}
