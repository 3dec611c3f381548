//! `hullscan lint`: find Dockerfiles, resolve their configuration, lint them in parallel, print
//! the findings, and turn them into an exit code.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use hullscan_diagnostics::{FileReport, Severity};
use hullscan_linter::CheckExtras;
use hullscan_linter::shellcheck::ShellcheckFn;
use hullscan_linter::shellcheck::runner::{
    CheckedScripts, Finding, PreparedScript, ProcessRunner, ScriptInput, ScriptSet,
    ShellcheckError, ShellcheckRunner, check_all, prepare,
};
use hullscan_text::SourceFile;
use hullscan_workspace::{CliOverrides, ConfigMode, Resolver, Settings};
use rayon::prelude::*;

use super::lint_context::{self, ContextChoice, ContextFindings};
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
    /// counts when the directory holds more than Dockerfiles), unless a directory above it
    /// holds more of the sources its COPY/ADD name (`docker build -f docker/Dockerfile .`);
    /// otherwise the context rules are skipped for it.
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
    // One stat per named path, on every core: with thousands of files on the command line
    // (a CI job passing `git ls-files` output) this was a serial prologue to the parallel lint.
    let kinds: Vec<Option<bool>> = paths
        .par_iter()
        .map(|path| std::fs::metadata(path).ok().map(|meta| meta.is_dir()))
        .collect();
    let mut inputs = Vec::new();
    for (path, is_dir) in paths.iter().zip(kinds) {
        if path.as_os_str() == "-" {
            let name = args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("-"));
            inputs.push((Input::Stdin, name));
        } else if is_dir == Some(true) {
            discover(path, &mut inputs, &mut io_errors);
        } else if is_dir == Some(false) {
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

    // Files whose RUN scripts go to ShellCheck: asked for, and some ShellCheck code selected.
    let checks_scripts = |job: &Job| {
        (args.shellcheck || job.settings.shellcheck) && job.linter().selects_any_shellcheck_code()
    };
    let context = ContextChoice::from_args(args.context.as_deref(), args.no_context);
    let results: Vec<Linted> = if jobs.iter().any(checks_scripts) {
        let runner = ProcessRunner::default();
        // Asked once up front, so a missing program is one clear error (exit 2), not one per file.
        runner.version().map_err(anyhow::Error::new)?;
        lint_with_shellcheck(&jobs, &runner, checks_scripts, &context)
    } else {
        jobs.par_iter()
            .map(|job| match read_job(job) {
                Ok(bytes) => lint_file(job, bytes, None, &context),
                Err(message) => Linted::unreadable(message),
            })
            .collect()
    };

    let mut reports = Vec::with_capacity(results.len());
    // Two Dockerfiles sharing a context share its ignore file: it is reported once.
    let mut ignore_reports: Vec<FileReport> = Vec::new();
    let mut failed = false;
    for (job, result) in jobs.iter().zip(results) {
        let fails = |report: &FileReport| {
            report
                .diagnostics
                .iter()
                .any(|diagnostic| job.settings.fails_on(diagnostic.severity))
        };
        match result.report {
            Ok(report) => {
                failed |= fails(&report);
                reports.push(report);
            }
            Err(message) => io_errors.push(message),
        }
        if let Some(report) = result.ignore_report
            && !ignore_reports.iter().any(|seen| seen.path == report.path)
        {
            failed |= fails(&report);
            ignore_reports.push(report);
        }
        io_errors.extend(result.errors);
    }
    reports.append(&mut ignore_reports);
    args.output.print(&reports)?;
    for message in &io_errors {
        eprintln!("hullscan: error: {}", crate::output::safe_message(message));
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

impl Job {
    fn display(&self) -> String {
        self.path.to_string_lossy().into_owned()
    }

    fn linter(&self) -> std::borrow::Cow<'_, hullscan_linter::settings::LinterSettings> {
        self.settings.linter_for(&self.path)
    }
}

/// One file's outcome: its report (or why it could not be read), the report on its build
/// context's ignore file, and what went wrong without stopping it (ShellCheck failing on some
/// scripts, an unreadable context); the report then lacks only what those would have found.
struct Linted {
    report: Result<FileReport, String>,
    ignore_report: Option<FileReport>,
    errors: Vec<String>,
}

impl Linted {
    fn unreadable(message: String) -> Self {
        Linted {
            report: Err(message),
            ignore_report: None,
            errors: Vec::new(),
        }
    }
}

/// A file's bytes, or why they could not be read.
type ReadResult = Result<Vec<u8>, String>;

fn read_job(job: &Job) -> ReadResult {
    let read = match &job.input {
        Input::File(path) => hullscan_workspace::input::read_file(path),
        Input::Stdin => hullscan_workspace::input::read_stdin(),
    };
    read.map_err(|err| err.to_string())
}

/// Lints `jobs` with ShellCheck over the RUN scripts of those `checks_scripts` picks, in three
/// steps: collect every file's scripts (in parallel), check the distinct ones in a few large
/// ShellCheck runs (about one per core at a time), then lint each file (in parallel) answering
/// its scripts from those results. ShellCheck thus starts a handful of times, not once per
/// file, and a script shared by many files is checked once.
fn lint_with_shellcheck(
    jobs: &[Job],
    runner: &ProcessRunner,
    checks_scripts: impl Fn(&Job) -> bool + Sync,
    context: &ContextChoice,
) -> Vec<Linted> {
    let collected: Vec<(ReadResult, Vec<PreparedScript>)> = jobs
        .par_iter()
        .map(|job| {
            let bytes = read_job(job);
            let scripts = match &bytes {
                Ok(bytes) if checks_scripts(job) => prepared_scripts(bytes),
                _ => Vec::new(),
            };
            (bytes, scripts)
        })
        .collect();
    let mut set = ScriptSet::default();
    let mut loaded = Vec::with_capacity(collected.len());
    for (bytes, scripts) in collected {
        for script in scripts {
            set.insert(script);
        }
        loaded.push(bytes);
    }
    let checked = check_all(runner, set, rayon::current_num_threads());
    jobs.par_iter()
        .zip(loaded)
        .map(|(job, bytes)| match bytes {
            Err(message) => Linted::unreadable(message),
            Ok(bytes) if checks_scripts(job) => lint_with_findings(job, bytes, &checked, context),
            Ok(bytes) => lint_file(job, bytes, None, context),
        })
        .collect()
}

/// The prepared ShellCheck input of every RUN script of the file, as the linter will ask for
/// them.
fn prepared_scripts(bytes: &[u8]) -> Vec<PreparedScript> {
    // Only the tree is needed here: parsed from the borrowed bytes, without copying them.
    let parse = hullscan_dockerfile::parse_bytes(bytes);
    let model = hullscan_semantic::SemanticModel::new(&parse.dockerfile);
    let mut scripts = Vec::new();
    hullscan_linter::shellcheck::for_each_script_input(&parse, &model, &mut |input| {
        scripts.extend(prepare(input));
    });
    scripts
}

/// Lints one file, its ShellCheck findings looked up in `checked`. Scripts whose ShellCheck run
/// failed contribute no findings; the file's other findings are still reported, with the error.
fn lint_with_findings(
    job: &Job,
    bytes: Vec<u8>,
    checked: &CheckedScripts,
    context: &ContextChoice,
) -> Linted {
    let failure: std::sync::Mutex<Option<ShellcheckError>> = std::sync::Mutex::new(None);
    let lookup =
        |inputs: &[ScriptInput<'_>]| -> Result<Vec<Option<Vec<Finding>>>, ShellcheckError> {
            Ok(inputs
                .iter()
                .map(|input| match checked.findings(input) {
                    Ok(findings) => findings.map(<[Finding]>::to_vec),
                    Err(error) => {
                        let mut failure =
                            failure.lock().unwrap_or_else(|poison| poison.into_inner());
                        failure.get_or_insert(error);
                        Some(Vec::new())
                    }
                })
                .collect())
        };
    let mut linted = lint_file(job, bytes, Some(&lookup), context);
    if let Some(error) = failure
        .into_inner()
        .unwrap_or_else(|poison| poison.into_inner())
    {
        linted.errors.push(format!(
            "{}: ShellCheck findings are missing for some RUN scripts: {error}",
            job.display()
        ));
    }
    linted
}

/// Lints one file's bytes: its rules, ShellCheck through `shellcheck` when given, and the
/// build-context rules when `context` gives it a context.
fn lint_file(
    job: &Job,
    bytes: Vec<u8>,
    shellcheck: Option<&ShellcheckFn<'_>>,
    context: &ContextChoice,
) -> Linted {
    let display = job.display();
    let linter = job.linter();
    let (text, parse) = decode(bytes);
    let mut errors = Vec::new();
    let mut context_findings = ContextFindings::default();
    if let Input::File(path) = &job.input
        && let Some(dir) = context.context_for(path, &parse.dockerfile)
    {
        match lint_context::context_findings(&dir, path, &parse.dockerfile, &linter) {
            Ok(found) => context_findings = found,
            Err(message) => errors.push(message),
        }
    }
    let extras = CheckExtras {
        shellcheck,
        external: context_findings.dockerfile,
        copied_secret_verdicts: context_findings.copied_secret_verdicts,
    };
    let report = check_text(display.clone(), text, &parse, &linter, extras)
        .map_err(|err| format!("{display}: {err}"));
    Linted {
        report,
        ignore_report: context_findings.ignore_file,
        errors,
    }
}

/// The text of a file's bytes (invalid UTF-8 replaced) and its parse.
fn decode(bytes: Vec<u8>) -> (String, hullscan_dockerfile::Parse) {
    match String::from_utf8(bytes) {
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
    }
}

/// Models and checks one parsed file.
fn check_text(
    name: String,
    text: String,
    parse: &hullscan_dockerfile::Parse,
    settings: &hullscan_linter::settings::LinterSettings,
    extras: CheckExtras<'_>,
) -> Result<FileReport, ShellcheckError> {
    let source = SourceFile::new(name, text);
    let model = hullscan_semantic::SemanticModel::new(&parse.dockerfile);
    let diagnostics =
        hullscan_linter::check_dockerfile_with(&source, parse, &model, settings, extras)?;
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
    // A bound, so a hostile tree cannot take the walk (and the chain of ignore matchers it
    // keeps per level) arbitrarily deep.
    const MAX_DEPTH: usize = 512;
    let walker = ignore::WalkBuilder::new(dir)
        .require_git(false)
        .sort_by_file_name(std::cmp::Ord::cmp)
        .max_depth(Some(MAX_DEPTH))
        .build();
    for entry in walker {
        match entry {
            Ok(entry) if entry.depth() == MAX_DEPTH && entry.path().is_dir() => {
                errors.push(format!(
                    "{}: directory nested more than {MAX_DEPTH} levels deep; not searched for Dockerfiles",
                    entry.path().display()
                ));
            }
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
    // Extensions that make a `Dockerfile.<ext>`/`dockerfile_<x>.<ext>` name some other kind of
    // file: templates, docs, configs, patches, and source code about Dockerfiles (a
    // `dockerfile_parser.rs`, a `dockerfile.js` helper).
    const NOT_DOCKERFILES: &[&str] = &[
        // templates
        "j2",
        "jinja",
        "jinja2",
        "tmpl",
        "tpl",
        "template",
        "erb",
        "in",
        "mustache",
        "hbs",
        "ejs",
        // documentation and data
        "md",
        "txt",
        "rst",
        "adoc",
        "html",
        "htm",
        "json",
        "yml",
        "yaml",
        "toml",
        "xml",
        "csv",
        "ini",
        "cfg",
        "lock",
        "log",
        "dict",
        "dockerignore",
        // editors, patches, backups
        "orig",
        "bak",
        "swp",
        "rej",
        "patch",
        "diff",
        // source code
        "sh",
        "bash",
        "ps1",
        "bat",
        "go",
        "cs",
        "py",
        "rs",
        "js",
        "mjs",
        "cjs",
        "ts",
        "jsx",
        "tsx",
        "java",
        "kt",
        "scala",
        "rb",
        "php",
        "pl",
        "lua",
        "c",
        "h",
        "cc",
        "cpp",
        "hpp",
        "swift",
        "hs",
        "ex",
        "exs",
        "clj",
        "groovy",
        "gradle",
        "nix",
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
            // Code and data about Dockerfiles.
            "dockerfile_parse.rs",
            "dockerfile.rs",
            "dockerfile.dict",
            "Dockerfile.js",
            "dockerfile_test.go",
            "dockerfile-utils.ts",
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
