//! `hullscan lint`: find Dockerfiles, resolve their configuration, lint them in parallel, print
//! the findings, and turn them into an exit code.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use hullscan_diagnostics::{FileReport, Severity};
pub use hullscan_dockerfile::is_dockerfile_name;
use hullscan_linter::CheckExtras;
use hullscan_linter::shellcheck::ShellcheckFn;
use hullscan_linter::shellcheck::runner::{
    CheckedScripts, Finding, PreparedScript, ProcessRunner, ScriptInput, ScriptSet,
    ShellcheckError, ShellcheckRunner, check_all, prepare,
};
use hullscan_workspace::{CliOverrides, Resolver, Settings};
use rayon::prelude::*;

use super::lint_compose;
use super::lint_context::{self, ContextChoice, ContextFindings};
use super::lint_yaml::{self, KubernetesOptions, YamlKind};
use super::selection::{ConfigFileArgs, RuleSelectionArgs};
use crate::ExitStatus;
use crate::output::OutputArgs;

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Dockerfiles, Kubernetes manifests and directories to lint (directories are searched
    /// recursively for `Dockerfile`, `Containerfile`, `Dockerfile.*`, `*.Dockerfile`, ..., and
    /// for `*.yaml`/`*.yml` files with a top-level `apiVersion` and `kind`, honouring
    /// `.gitignore`). `-` reads a Dockerfile or manifest (e.g. `helm template` output) from
    /// stdin. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// The path to report, and to find configuration for, when reading stdin.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleSelectionArgs,
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
    #[command(flatten)]
    pub config: ConfigFileArgs,
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
    /// Apply the safe fixes first (as `hullscan fix`), then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// With `--fix`, also apply unsafe fixes.
    #[arg(long, requires = "fix")]
    pub unsafe_fixes: bool,
    /// With `--fix`, pin tag-only images to their digests (see `hullscan fix --resolve-digests`).
    #[arg(long, requires = "fix")]
    pub resolve_digests: bool,
    /// The Dockerfile that builds IMAGE, for the Kubernetes rules that compare a container
    /// with its image's Dockerfile (HEALTHCHECK without probes, USER overridden to root,
    /// EXPOSE against probe ports). IMAGE matches manifests' images whatever their tag.
    /// Repeatable.
    #[arg(long = "dockerfile", value_name = "IMAGE=PATH")]
    pub dockerfiles: Vec<String>,
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
pub(crate) enum Input {
    File(PathBuf),
    Stdin,
}

struct Job {
    input: Input,
    /// Set for YAML files (Kubernetes manifests); `None` for Dockerfiles. Stdin is decided
    /// when it is read.
    yaml: Option<YamlKind>,
    /// Where configuration is looked up from, and the name shown in reports.
    path: PathBuf,
    settings: Arc<Settings>,
    k8s: Arc<KubernetesOptions>,
}

pub fn run(args: LintArgs) -> anyhow::Result<ExitStatus> {
    let overrides = CliOverrides {
        failure_threshold: args.fail_on,
        no_fail: args.no_fail,
        ..args.rules.overrides()
    };
    let resolver = Resolver::new(args.config.mode(), overrides)?;

    let mut io_errors: Vec<String> = Vec::new();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    if args.fix {
        let files: Vec<PathBuf> = paths
            .iter()
            .filter(|path| path.as_os_str() != "-")
            .cloned()
            .collect();
        let summary = super::fix::fix_paths(&super::fix::FixRun {
            paths: &files,
            resolver: &resolver,
            context: ContextChoice::from_args(args.context.as_deref(), args.no_context),
            options: super::fix::fix_options(args.unsafe_fixes, args.resolve_digests),
            write: true,
            resolve_digests: args.resolve_digests,
        })?;
        super::fix::print_summary(&summary, false, args.unsafe_fixes);
        // The lint below reports what is left; its errors (unreadable files) come again there.
    }
    // One stat per named path, on every core: with thousands of files on the command line
    // (a CI job passing `git ls-files` output) this was a serial prologue to the parallel lint.
    let kinds: Vec<Option<bool>> = paths
        .par_iter()
        .map(|path| std::fs::metadata(path).ok().map(|meta| meta.is_dir()))
        .collect();
    let mut inputs = Vec::new();
    // Compose entry files, linted as projects (`lint_compose`), not as Dockerfiles.
    let mut compose_inputs: Vec<PathBuf> = Vec::new();
    for (path, is_dir) in paths.iter().zip(kinds) {
        if path.as_os_str() == "-" {
            let name = args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("-"));
            let yaml = lint_yaml::classify_named(&name.to_string_lossy());
            inputs.push((Input::Stdin, name, yaml));
        } else if is_dir == Some(true) {
            discover(path, &mut inputs, &mut compose_inputs, &mut io_errors);
        } else if is_dir == Some(false) && lint_compose::is_compose_path(path) {
            compose_inputs.push(path.clone());
        } else if is_dir == Some(false) {
            // A file named explicitly is linted whatever its name: as a manifest when it is
            // YAML, else as a Dockerfile.
            let yaml = lint_yaml::classify_named(&path.to_string_lossy());
            inputs.push((Input::File(path.clone()), path.clone(), yaml));
        } else {
            io_errors.push(format!("{}: no such file or directory", path.display()));
        }
    }
    if inputs.is_empty() && compose_inputs.is_empty() && io_errors.is_empty() {
        eprintln!(
            "hullscan: warning: no Dockerfiles, Compose files or Kubernetes manifests found under the given paths"
        );
    }

    // The configuration's `[dockerfiles]` (of the configuration that applies in the current
    // directory; one that fails to load is reported for the files it applies to, not here),
    // then the command line's `--dockerfile IMAGE=PATH`.
    let mut dockerfiles: Vec<String> = std::env::current_dir()
        .ok()
        .and_then(|dir| resolver.settings_for(&dir.join("Dockerfile")).ok())
        .map(|settings| {
            settings
                .dockerfiles
                .iter()
                .map(|(image, path)| format!("{image}={}", path.display()))
                .collect()
        })
        .unwrap_or_default();
    dockerfiles.extend(args.dockerfiles.iter().cloned());
    let k8s = Arc::new(KubernetesOptions::from_args(&dockerfiles)?);
    let mut jobs = Vec::with_capacity(inputs.len());
    for (input, path, yaml) in inputs {
        let settings = resolver.settings_for(&path)?;
        jobs.push(Job {
            input,
            yaml,
            path,
            settings,
            k8s: Arc::clone(&k8s),
        });
    }

    // Files whose RUN scripts go to ShellCheck: asked for, and some ShellCheck code selected.
    let checks_scripts = |job: &Job| {
        job.yaml.is_none()
            && (args.shellcheck || job.settings.shellcheck)
            && job.linter().selects_any_shellcheck_code()
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
    for path in &compose_inputs {
        let settings = resolver.settings_for(path)?;
        let outcome = lint_compose::lint_compose(path, &settings.linter_for(path));
        for report in outcome.reports {
            failed |= report
                .diagnostics
                .iter()
                .any(|diagnostic| settings.fails_on(diagnostic.severity));
            reports.push(report);
        }
        io_errors.extend(outcome.errors);
        for warning in outcome.warnings {
            eprintln!(
                "hullscan: warning: {}",
                crate::output::safe_message(&warning)
            );
        }
    }
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
    let yaml = match job.input {
        Input::File(_) => job.yaml,
        // Stdin: by its name, else by content (`helm template ... | hullscan lint -`).
        Input::Stdin => job
            .yaml
            .or_else(|| lint_yaml::classify_found("stdin.yaml", &bytes)),
    };
    if let Some(kind) = yaml {
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
        };
        return Linted {
            report: Ok(lint_yaml::lint(kind, display, text, &linter, &job.k8s)),
            ignore_report: None,
            errors: Vec::new(),
        };
    }
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
    let report = hullscan_linter::lint_parsed(display.clone(), text, &parse, &linter, extras)
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

/// The Dockerfiles [`discover`] finds under `dir`, without the Compose files and manifests it
/// also finds: for the commands that only handle Dockerfiles (`fix`, `plan`).
pub(crate) fn discover_dockerfiles(
    dir: &Path,
    inputs: &mut Vec<(Input, PathBuf)>,
    errors: &mut Vec<String>,
) {
    let mut found = Vec::new();
    let mut compose = Vec::new();
    discover(dir, &mut found, &mut compose, errors);
    inputs.extend(
        found
            .into_iter()
            .filter(|(_, _, yaml)| yaml.is_none())
            .map(|(input, path, _)| (input, path)),
    );
}

/// Finds Dockerfiles under `dir`, honouring `.gitignore`/`.ignore` files and skipping hidden
/// entries.
pub(crate) fn discover(
    dir: &Path,
    inputs: &mut Vec<(Input, PathBuf, Option<YamlKind>)>,
    compose: &mut Vec<PathBuf>,
    errors: &mut Vec<String>,
) {
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
                let name = entry.file_name().to_string_lossy().into_owned();
                if is_file && is_dockerfile_name(&name) {
                    let path = entry.into_path();
                    inputs.push((Input::File(path.clone()), path, None));
                } else if is_file && lint_compose::is_discovered_compose_file(entry.path()) {
                    compose.push(entry.into_path());
                } else if is_file
                    && !hullscan_compose::is_compose_file_name(&name)
                    && lint_yaml::is_yaml_name(&name)
                {
                    // YAML files are recognised by content: read now (a file that cannot be
                    // read is skipped here and not reported, as it may be no manifest at all).
                    let path = entry.into_path();
                    if let Ok(bytes) = hullscan_workspace::input::read_file(&path)
                        && let Some(kind) = lint_yaml::classify_found(&name, &bytes)
                    {
                        inputs.push((Input::File(path.clone()), path, Some(kind)));
                    }
                }
            }
            Err(err) => errors.push(err.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_accepts_hadolint_values() {
        assert_eq!(parse_threshold("none"), Ok(Severity::Style));
        assert_eq!(parse_threshold("Warning"), Ok(Severity::Warning));
        assert!(parse_threshold("fatal").is_err());
    }
}
