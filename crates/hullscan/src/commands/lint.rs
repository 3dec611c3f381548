//! `hullscan lint`: find Dockerfiles, resolve their configuration, lint them in parallel, print
//! the findings, and turn them into an exit code.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use hullscan_diagnostics::{FileReport, Severity};
use hullscan_linter::shellcheck::ShellcheckFn;
use hullscan_linter::shellcheck::runner::{
    Cache, Finding, ProcessRunner, ScriptInput, ShellcheckError, ShellcheckRunner, check_scripts,
};
use hullscan_text::SourceFile;
use hullscan_workspace::{CliOverrides, ConfigMode, Resolver, Settings};
use rayon::prelude::*;

use crate::ExitStatus;
use crate::output::OutputArgs;

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Dockerfiles and directories to lint (directories are searched recursively for
    /// `Dockerfile`, `Containerfile`, `Dockerfile.*`, `*.Dockerfile`, ..., honouring
    /// `.gitignore`). `-` reads a Dockerfile from stdin. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// The path to report, and to find configuration for, when reading stdin.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Run only these rules (codes, names, aliases, prefixes like `HS1`, or `ALL`), replacing
    /// the configuration's `select`. Comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Option<Vec<String>>,
    /// Run these rules in addition to the selected ones.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub extend_select: Vec<String>,
    /// Never run these rules (added to the configuration's `ignore`).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
    /// The lowest severity that makes the run fail with exit code 1: error, warning, info,
    /// style. Default `info` (as hadolint: style-only findings exit 0).
    #[arg(
        long = "fail-on",
        visible_alias = "failure-threshold",
        short = 't',
        value_name = "SEVERITY",
        value_parser = parse_threshold
    )]
    pub fail_on: Option<Severity>,
    /// Exit 0 even when there are findings or unreadable files.
    #[arg(long, visible_alias = "exit-zero")]
    pub no_fail: bool,
    /// Use this configuration file (`hullscan.toml`, or a `.hadolint.yaml`) for every file
    /// instead of discovering one per directory.
    #[arg(long, short = 'c', value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore all configuration files.
    #[arg(long)]
    pub no_config: bool,
    /// The build context for the context rules (HS5xx), for every Dockerfile linted. By
    /// default a Dockerfile's context is its own directory when that directory holds a
    /// `.dockerignore` (or `<Dockerfile>.dockerignore`) or one of its COPY/ADD sources (`COPY .`
    /// counts when the directory holds more than Dockerfiles); otherwise the context rules are
    /// skipped for it.
    #[arg(long, value_name = "DIR", conflicts_with = "no_context")]
    pub context: Option<PathBuf>,
    /// Do not run the build-context rules.
    #[arg(long)]
    pub no_context: bool,
    /// Also check RUN scripts with ShellCheck (needs the `shellcheck` program; findings are
    /// `SC####` codes, suppressed like any rule). `shellcheck = true` in hullscan.toml does the same.
    #[arg(long)]
    pub shellcheck: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// A severity, or hadolint's `none`/`ignore` (which fail on everything, so mean `style`).
fn parse_threshold(value: &str) -> Result<Severity, String> {
    match value.to_ascii_lowercase().as_str() {
        "none" | "ignore" => Ok(Severity::Style),
        other => other
            .parse()
            .map_err(|err: hullscan_diagnostics::ParseSeverityError| err.to_string()),
    }
}

/// One thing to lint.
enum Input {
    File(PathBuf),
    Stdin,
}

struct Job {
    input: Input,
    /// Where configuration is looked up from, and the name shown in reports.
    path: PathBuf,
    settings: Arc<Settings>,
}

pub fn run(args: LintArgs) -> anyhow::Result<ExitStatus> {
    let mode = match (&args.config, args.no_config) {
        (Some(path), _) => ConfigMode::Pinned(path.clone()),
        (None, true) => ConfigMode::None,
        (None, false) => ConfigMode::Discover,
    };
    let overrides = CliOverrides {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        failure_threshold: args.fail_on,
        no_fail: args.no_fail,
    };
    let resolver = Resolver::new(mode, overrides)?;

    let mut io_errors: Vec<String> = Vec::new();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut inputs = Vec::new();
    for path in &paths {
        if path.as_os_str() == "-" {
            let name = args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("-"));
            inputs.push((Input::Stdin, name));
        } else if path.is_dir() {
            discover(path, &mut inputs, &mut io_errors);
        } else if path.exists() {
            // A file named explicitly is linted whatever its name.
            inputs.push((Input::File(path.clone()), path.clone()));
        } else {
            io_errors.push(format!("{}: no such file or directory", path.display()));
        }
    }
    if inputs.is_empty() && io_errors.is_empty() {
        eprintln!("hullscan: warning: no Dockerfiles found under the given paths");
    }

    let mut jobs = Vec::with_capacity(inputs.len());
    for (input, path) in inputs {
        let settings = resolver.settings_for(&path)?;
        jobs.push(Job {
            input,
            path,
            settings,
        });
    }

    let shellcheck = if args.shellcheck || jobs.iter().any(|job| job.settings.shellcheck) {
        let runner = ProcessRunner::default();
        // Asked once up front, so a missing program is one clear error (exit 2), not one per file.
        let version = runner.version().map_err(anyhow::Error::new)?;
        Some(ShellcheckPass { runner, version })
    } else {
        None
    };
    let results: Vec<Result<FileReport, String>> = jobs
        .par_iter()
        .map(|job| {
            let pass = shellcheck
                .as_ref()
                .filter(|_| args.shellcheck || job.settings.shellcheck);
            lint_job(job, pass)
        })
        .collect();

    let mut reports = Vec::with_capacity(results.len());
    let mut failed = false;
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok(report) => {
                failed |= report
                    .diagnostics
                    .iter()
                    .any(|diagnostic| job.settings.fails_on(diagnostic.severity));
                reports.push(report);
            }
            Err(message) => io_errors.push(message),
        }
    }
    failed |= run_context_rules(&args, &jobs, &mut reports, &mut io_errors);
    args.output.print(&reports)?;
    for message in &io_errors {
        eprintln!("hullscan: error: {message}");
    }
    Ok(if args.no_fail {
        ExitStatus::Success
    } else if !io_errors.is_empty() {
        ExitStatus::Error
    } else if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Runs the build-context rules for every linted file that has a context (see `--context`),
/// merging findings into `reports`; returns whether any reaches the file's failure threshold.
fn run_context_rules(
    args: &LintArgs,
    jobs: &[Job],
    reports: &mut Vec<FileReport>,
    io_errors: &mut Vec<String>,
) -> bool {
    use super::lint_context::{ContextChoice, add_context_findings, default_context};
    let choice = ContextChoice::from_args(args.context.as_deref(), args.no_context);
    let mut failed = false;
    for job in jobs {
        let Input::File(path) = &job.input else {
            continue;
        };
        let dir = match &choice {
            ContextChoice::Off => continue,
            ContextChoice::Dir(dir) => dir.clone(),
            ContextChoice::Auto => {
                let Ok(text) = std::fs::read_to_string(path) else {
                    continue;
                };
                match default_context(path, &text) {
                    Some(dir) => dir,
                    None => continue,
                }
            }
        };
        let display = job.path.to_string_lossy().into_owned();
        let linter = job.settings.linter_for(&job.path);
        let before: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
        if let Err(message) = add_context_findings(reports, &display, &dir, path, &linter) {
            io_errors.push(message);
        }
        let after: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
        if after > before {
            // The new findings are the context's; any at or above the threshold fails the run.
            failed |= reports
                .iter()
                .flat_map(|r| &r.diagnostics)
                .any(|d| registry_is_context(&d.code) && job.settings.fails_on(d.severity));
        }
    }
    failed
}

fn registry_is_context(code: &str) -> bool {
    code.starts_with("HS5")
}

/// The ShellCheck program and its version, shared by every file of the run.
struct ShellcheckPass {
    runner: ProcessRunner,
    version: String,
}

impl ShellcheckPass {
    /// One batched ShellCheck run over one file's scripts (identical scripts run once).
    fn check(
        &self,
        inputs: &[ScriptInput<'_>],
    ) -> Result<Vec<Option<Vec<Finding>>>, ShellcheckError> {
        let mut cache = Cache::default();
        check_scripts(&self.runner, &self.version, &mut cache, inputs)
    }
}

fn lint_job(job: &Job, shellcheck: Option<&ShellcheckPass>) -> Result<FileReport, String> {
    let bytes = match &job.input {
        Input::File(path) => {
            std::fs::read(path).map_err(|err| format!("{}: {err}", path.display()))?
        }
        Input::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|err| format!("stdin: {err}"))?;
            bytes
        }
    };
    let display = job.path.to_string_lossy().into_owned();
    let linter = job.settings.linter_for(&job.path);
    match shellcheck {
        None => Ok(lint_bytes(display, bytes, &linter)),
        Some(pass) => {
            let run = |inputs: &[ScriptInput<'_>]| pass.check(inputs);
            lint_bytes_with(display.clone(), bytes, &linter, Some(&run))
                .map_err(|err| format!("{display}: {err}"))
        }
    }
}

/// Parses, models and checks one file's bytes.
pub fn lint_bytes(
    name: String,
    bytes: Vec<u8>,
    settings: &hullscan_linter::settings::LinterSettings,
) -> FileReport {
    match lint_bytes_with(name, bytes, settings, None) {
        Ok(report) => report,
        // Only the ShellCheck pass can fail, and there is none here.
        Err(err) => unreachable!("lint without ShellCheck failed: {err}"),
    }
}

/// [`lint_bytes`], with RUN scripts also sent to ShellCheck through `shellcheck` when given.
pub fn lint_bytes_with(
    name: String,
    bytes: Vec<u8>,
    settings: &hullscan_linter::settings::LinterSettings,
    shellcheck: Option<&ShellcheckFn<'_>>,
) -> Result<FileReport, ShellcheckError> {
    let (text, parse) = match String::from_utf8(bytes) {
        Ok(text) => {
            let parse = hullscan_dockerfile::parse(&text);
            (text, parse)
        }
        Err(err) => {
            // The parser records the invalid bytes as a syntax error; its offsets are into the
            // same lossy text.
            let parse = hullscan_dockerfile::parse_bytes(err.as_bytes());
            (String::from_utf8_lossy(err.as_bytes()).into_owned(), parse)
        }
    };
    let source = SourceFile::new(name, text);
    let model = hullscan_semantic::SemanticModel::new(&parse.dockerfile);
    let diagnostics = hullscan_linter::check_dockerfile_with_shellcheck(
        &source, &parse, &model, settings, shellcheck,
    )?;
    let mut report = FileReport::for_source(Arc::new(source), diagnostics);
    report.sort();
    if report.diagnostics.is_empty() {
        // Clean files need no text for rendering; dropping it keeps memory flat on big trees.
        report.source = None;
    }
    Ok(report)
}

/// Finds Dockerfiles under `dir`, honouring `.gitignore`/`.ignore` files and skipping hidden
/// entries.
fn discover(dir: &Path, inputs: &mut Vec<(Input, PathBuf)>, errors: &mut Vec<String>) {
    let walker = ignore::WalkBuilder::new(dir)
        .require_git(false)
        .sort_by_file_name(std::cmp::Ord::cmp)
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
                if is_file && is_dockerfile_name(&entry.file_name().to_string_lossy()) {
                    let path = entry.into_path();
                    inputs.push((Input::File(path.clone()), path));
                }
            }
            Err(err) => errors.push(err.to_string()),
        }
    }
}

/// Whether a file name is a Dockerfile's: `Dockerfile`, `Containerfile`, `Dockerfile.*`,
/// `Dockerfile-*`, `Dockerfile_*`, `Containerfile.*`, `*.Dockerfile`, `*.containerfile` (ASCII
/// case ignored), except names with an extension that marks something else (a template, docs,
/// a `.dockerignore`).
pub fn is_dockerfile_name(name: &str) -> bool {
    const NOT_DOCKERFILES: &[&str] = &[
        "dockerignore",
        "md",
        "txt",
        "j2",
        "jinja",
        "jinja2",
        "tmpl",
        "tpl",
        "template",
        "erb",
        "in",
        "sh",
        "json",
        "yml",
        "yaml",
        "toml",
        "go",
        "cs",
        "py",
        "orig",
        "bak",
        "swp",
        "rej",
        "patch",
        "diff",
        "mustache",
        "hbs",
        "ejs",
    ];
    let lower = name.to_ascii_lowercase();
    let matches = lower == "dockerfile"
        || lower == "containerfile"
        || [
            "dockerfile.",
            "dockerfile-",
            "dockerfile_",
            "containerfile.",
        ]
        .iter()
        .any(|prefix| lower.starts_with(prefix))
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile");
    if !matches {
        return false;
    }
    let extension = lower.rsplit_once('.').map(|(_, ext)| ext);
    !extension.is_some_and(|ext| NOT_DOCKERFILES.contains(&ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_dockerfile_names() {
        for name in [
            "Dockerfile",
            "dockerfile",
            "Containerfile",
            "Dockerfile.prod",
            "Dockerfile-windows",
            "Dockerfile_dev",
            "Containerfile.fedora",
            "base.Dockerfile",
            "app.containerfile",
        ] {
            assert!(is_dockerfile_name(name), "{name}");
        }
        for name in [
            "Dockerfile.dockerignore",
            "Dockerfile.j2",
            "Dockerfile.md",
            "README.md",
            "dockerfile-lint.yaml",
            "notadockerfile",
            ".dockerignore",
        ] {
            assert!(!is_dockerfile_name(name), "{name}");
        }
    }

    #[test]
    fn threshold_accepts_hadolint_values() {
        assert_eq!(parse_threshold("none"), Ok(Severity::Style));
        assert_eq!(parse_threshold("Warning"), Ok(Severity::Warning));
        assert!(parse_threshold("fatal").is_err());
    }
}
