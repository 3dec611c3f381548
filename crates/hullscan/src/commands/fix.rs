//! `hullscan fix` (and `hullscan lint --fix`): apply the fixes findings carry, file by file, in
//! parallel. The fixing itself is `hullscan_fix` (pure); this module reads the files, lints them
//! with their own configuration and build context, and writes the results atomically.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use hullscan_diagnostics::{Applicability, Diagnostic};
use hullscan_fix::{FixOptions, FixedText};
use hullscan_linter::CheckExtras;
use hullscan_linter::registry::RuleSet;
use hullscan_linter::rules::dockerfile::base_image_without_digest::{
    BASE_IMAGE_WITHOUT_DIGEST, images_to_pin,
};
use hullscan_linter::settings::LinterSettings;
use hullscan_text::SourceFile;
use hullscan_workspace::Resolver;
use rayon::prelude::*;

use super::lint::{self, Input};
use super::lint_context::{self, ContextChoice};
use super::selection::{ConfigFileArgs, RuleSelectionArgs};
use crate::ExitStatus;
use crate::output::safe_message;

#[derive(Debug, Args)]
#[command(
    mut_arg("select", |arg| arg.help("Fix only these rules' findings (codes, names, aliases, prefixes, `ALL`), replacing the configuration's `select`")),
    mut_arg("extend_select", |arg| arg.help("Also fix these rules' findings")),
    mut_arg("ignore", |arg| arg.help("Never fix (nor run) these rules")),
    mut_arg("config", |arg| arg.help("Use this configuration file for every file instead of discovering one per directory")),
)]
pub struct FixArgs {
    /// Dockerfiles and directories to fix (directories are searched as by `hullscan lint`).
    /// `-` reads a Dockerfile from stdin and prints the fixed text. Default: the current
    /// directory.
    pub paths: Vec<PathBuf>,
    /// Also apply unsafe fixes: those that can change what the build does (a non-root user,
    /// shell form to exec form where the shell mattered, `.dockerignore` entries, ...).
    /// Display-only suggestions are never applied.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print a unified diff of the changes instead of writing them; exit 1 when there are any.
    #[arg(long)]
    pub diff: bool,
    /// Pin every image named by tag (`FROM debian:12`, `COPY --from=org/tool:1`) to the digest
    /// the tag points to now (`debian:12@sha256:…`), asking the registry, or the local daemon
    /// when the registry cannot be reached. The only option of `fix` that uses the network.
    /// Opts in to this one unsafe fix (the build is frozen on today's image); images that
    /// cannot be resolved get a warning and are left as they are.
    #[arg(long)]
    pub resolve_digests: bool,
    #[command(flatten)]
    pub rules: RuleSelectionArgs,
    #[command(flatten)]
    pub config: ConfigFileArgs,
    /// The build context (as for `hullscan lint`); its `.dockerignore` gets the entries the
    /// context rules ask for (with `--unsafe-fixes`).
    #[arg(long, value_name = "DIR", conflicts_with = "no_context")]
    pub context: Option<PathBuf>,
    /// Do not run the build-context rules.
    #[arg(long)]
    pub no_context: bool,
    /// The summary's format: `human` on stderr, or `json` on stdout.
    #[arg(long, value_enum, default_value = "human")]
    pub summary: SummaryFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    Human,
    Json,
}

/// What to fix and how, shared by `hullscan fix` and `hullscan lint --fix`.
pub struct FixRun<'a> {
    pub paths: &'a [PathBuf],
    pub resolver: &'a Resolver,
    pub context: ContextChoice,
    pub options: FixOptions,
    /// Write the results (otherwise print diffs).
    pub write: bool,
    /// Look up the digests of tag-only images first and pin them (`--resolve-digests`).
    pub resolve_digests: bool,
}

/// The fix options for `--unsafe-fixes` and `--resolve-digests`: the latter opts in to the
/// digest rule's unsafe fix alone.
pub fn fix_options(unsafe_fixes: bool, resolve_digests: bool) -> FixOptions {
    let mut options = FixOptions::new(unsafe_fixes);
    if resolve_digests {
        options.unsafe_opt_in = std::slice::from_ref(&BASE_IMAGE_WITHOUT_DIGEST.code);
    }
    options
}

/// One file's outcome.
struct FileOutcome {
    display: String,
    fixed: Option<FixedText>,
    /// Whether the Dockerfile's text changed (and was written, unless diffing).
    changed: bool,
    /// The ignore file's findings whose fixes apply, with the ignore file's path.
    ignore_fixes: Option<(PathBuf, Vec<Diagnostic>)>,
    diff: String,
    errors: Vec<String>,
}

/// The whole run's outcome.
#[derive(Default)]
pub struct Summary {
    pub files_changed: usize,
    pub fixed: usize,
    /// Per rule code: what was fixed and what is left.
    pub per_rule: BTreeMap<String, RuleCounts>,
    pub errors: Vec<String>,
    /// Problems that leave a file as it is without failing the run (an image whose digest
    /// could not be resolved).
    pub warnings: Vec<String>,
    pub not_converged: Vec<String>,
}

#[derive(Default, serde::Serialize)]
pub struct RuleCounts {
    pub name: String,
    pub fixed: usize,
    pub remaining: usize,
    /// Remaining findings whose fix `--unsafe-fixes` would apply.
    pub unsafe_fixable: usize,
}

pub fn run(args: FixArgs) -> anyhow::Result<ExitStatus> {
    let resolver = Resolver::new(args.config.mode(), args.rules.overrides())?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let options = fix_options(args.unsafe_fixes, args.resolve_digests);
    if paths.iter().any(|path| path.as_os_str() == "-") {
        return fix_stdin(&args, &resolver, &options);
    }
    let summary = fix_paths(&FixRun {
        paths: &paths,
        resolver: &resolver,
        context: ContextChoice::from_args(args.context.as_deref(), args.no_context),
        options,
        write: !args.diff,
        resolve_digests: args.resolve_digests,
    })?;
    match args.summary {
        SummaryFormat::Human => print_summary(&summary, args.diff, args.unsafe_fixes),
        SummaryFormat::Json => {
            let json = serde_json::json!({
                "files_changed": summary.files_changed,
                "fixed": summary.fixed,
                "remaining": summary.per_rule.values().map(|c| c.remaining).sum::<usize>(),
                "rules": summary.per_rule,
                "errors": summary.errors.iter().map(|e| safe_message(e)).collect::<Vec<_>>(),
                "warnings": summary.warnings.iter().map(|w| safe_message(w)).collect::<Vec<_>>(),
                "not_converged": summary.not_converged,
            });
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", serde_json::to_string_pretty(&json)?)?;
            for warning in &summary.warnings {
                eprintln!("hullscan: warning: {}", safe_message(warning));
            }
            for error in &summary.errors {
                eprintln!("hullscan: error: {}", safe_message(error));
            }
        }
    }
    Ok(if !summary.errors.is_empty() {
        ExitStatus::Error
    } else if args.diff && summary.files_changed > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// `hullscan fix -`: the fixed text (or the diff) on stdout, the summary on stderr.
fn fix_stdin(
    args: &FixArgs,
    resolver: &Resolver,
    options: &FixOptions,
) -> anyhow::Result<ExitStatus> {
    let bytes = hullscan_workspace::input::read_stdin()?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("-: not UTF-8; not fixed (a fix would replace bytes)"))?;
    let settings = resolver.settings_for(Path::new("-"))?;
    let mut linter = settings.linter_for(Path::new("-")).into_owned();
    if args.resolve_digests {
        let mut warnings = Vec::new();
        let digests = resolve_digests(&[text.as_str()], &mut warnings);
        for warning in &warnings {
            eprintln!("hullscan: warning: {}", safe_message(warning));
        }
        with_digests(&mut linter, &digests);
    }
    let fixed = hullscan_fix::fix_dockerfile("-", &text, &linter, options);
    let mut out = std::io::stdout().lock();
    if args.diff {
        let diff = hullscan_fix::unified_diff("-", &text, &fixed.text);
        out.write_all(safe_message(&diff).as_bytes())?;
    } else {
        // The user's own text back, fixed: printed as is (it is their file, not a report).
        out.write_all(fixed.text.as_bytes())?;
    }
    out.flush()?;
    if let Some(failure) = &fixed.failure {
        eprintln!("hullscan: error: -: {}", safe_message(failure));
        return Ok(ExitStatus::Error);
    }
    eprintln!(
        "Fixed {} finding(s), {} remaining.",
        fixed.applied.len(),
        fixed.remaining.len()
    );
    Ok(if args.diff && fixed.text != text {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Fixes every Dockerfile under `run.paths`; with `run.write` the changed files are rewritten,
/// otherwise their diffs go to stdout.
pub fn fix_paths(run: &FixRun<'_>) -> anyhow::Result<Summary> {
    let mut summary = Summary::default();
    let mut inputs = Vec::new();
    for path in run.paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                lint::discover_dockerfiles(path, &mut inputs, &mut summary.errors)
            }
            Ok(_) => inputs.push((Input::File(path.clone()), path.clone())),
            Err(_) => summary
                .errors
                .push(format!("{}: no such file or directory", path.display())),
        }
    }
    let mut jobs = Vec::with_capacity(inputs.len());
    for (_, path) in inputs {
        let settings = run.resolver.settings_for(&path)?;
        jobs.push((path, settings));
    }
    // The network, when asked: every image the files name, looked up once before any fixing.
    let digests = if run.resolve_digests {
        let texts: Vec<String> = jobs
            .iter()
            .filter_map(|(path, _)| hullscan_workspace::input::read_file_to_string(path).ok())
            .collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        resolve_digests(&texts, &mut summary.warnings)
    } else {
        BTreeMap::new()
    };
    let outcomes: Vec<FileOutcome> = jobs
        .par_iter()
        .map(|(path, settings)| {
            let mut linter = settings.linter_for(path);
            if run.resolve_digests {
                with_digests(linter.to_mut(), &digests);
            }
            fix_file(path, &linter, run)
        })
        .collect();

    let mut stdout = std::io::stdout().lock();
    // Several Dockerfiles can share one context and its ignore file: fix it once.
    let mut ignore_files_done: Vec<PathBuf> = Vec::new();
    for outcome in outcomes {
        summary.errors.extend(outcome.errors);
        if !outcome.diff.is_empty() {
            stdout.write_all(safe_message(&outcome.diff).as_bytes())?;
        }
        if let Some((ignore_path, fixes)) = outcome.ignore_fixes
            && !ignore_files_done.contains(&ignore_path)
        {
            match fix_ignore_file(&ignore_path, &fixes, run, &mut stdout) {
                Ok(applied) => {
                    if !applied.is_empty() {
                        summary.files_changed += 1;
                    }
                    for diagnostic in applied {
                        summary.fixed += 1;
                        let counts = summary
                            .per_rule
                            .entry(diagnostic.code.to_string())
                            .or_default();
                        counts.name = diagnostic.name.to_string();
                        counts.fixed += 1;
                    }
                }
                Err(message) => summary.errors.push(message),
            }
            ignore_files_done.push(ignore_path);
        }
        let Some(fixed) = outcome.fixed else { continue };
        if outcome.changed {
            summary.files_changed += 1;
        }
        if !fixed.converged && fixed.failure.is_none() && !fixed.applied.is_empty() {
            summary.not_converged.push(outcome.display.clone());
        }
        for applied in &fixed.applied {
            summary.fixed += 1;
            let counts = summary.per_rule.entry(applied.code.clone()).or_default();
            counts.name.clone_from(&applied.name);
            counts.fixed += 1;
        }
        for diagnostic in &fixed.remaining {
            let counts = summary
                .per_rule
                .entry(diagnostic.code.to_string())
                .or_default();
            counts.name = diagnostic.name.to_string();
            counts.remaining += 1;
            if diagnostic
                .fix
                .as_ref()
                .is_some_and(|fix| fix.applicability == Applicability::Unsafe)
            {
                counts.unsafe_fixable += 1;
            }
        }
    }
    stdout.flush()?;
    Ok(summary)
}

/// The digests of the tag-only images in `texts` (Dockerfiles) that the digest rule can pin,
/// looked up in the registry (or the daemon), each image once; one warning per image that
/// could not be resolved.
fn resolve_digests(texts: &[&str], warnings: &mut Vec<String>) -> BTreeMap<String, String> {
    let mut images: Vec<String> = Vec::new();
    for text in texts {
        let parse = hullscan_dockerfile::parse(text);
        let model = hullscan_semantic::SemanticModel::new(&parse.dockerfile);
        for image in images_to_pin(&model) {
            if !images.contains(&image) {
                images.push(image);
            }
        }
    }
    let options = hullscan_image::registry::RegistryOptions::default();
    let resolved: Vec<(String, Result<String, String>)> = images
        .into_par_iter()
        .map(|image| {
            let digest = hullscan_image::pin::resolve_digest(&image, &options)
                .map(|resolved| resolved.digest.to_string());
            (image, digest)
        })
        .collect();
    let mut digests = BTreeMap::new();
    for (image, digest) in resolved {
        match digest {
            Ok(digest) => {
                digests.insert(image, digest);
            }
            Err(why) => warnings.push(format!(
                "cannot resolve the digest of `{image}`, left as it is: {why}"
            )),
        }
    }
    digests
}

/// `linter` running the digest rule with `digests` to pin.
fn with_digests(linter: &mut LinterSettings, digests: &BTreeMap<String, String>) {
    linter.rules = linter.rules.union(&RuleSet::of(&BASE_IMAGE_WITHOUT_DIGEST));
    linter.resolved_digests.clone_from(digests);
}

/// Reads, fixes and (when asked) writes one Dockerfile.
fn fix_file(path: &Path, linter: &LinterSettings, run: &FixRun<'_>) -> FileOutcome {
    let display = path.to_string_lossy().into_owned();
    let mut outcome = FileOutcome {
        display: display.clone(),
        fixed: None,
        changed: false,
        ignore_fixes: None,
        diff: String::new(),
        errors: Vec::new(),
    };
    let original = match hullscan_workspace::input::read_file(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => {
                outcome
                    .errors
                    .push(format!("{display}: not UTF-8; not fixed"));
                return outcome;
            }
        },
        Err(err) => {
            outcome.errors.push(err.to_string());
            return outcome;
        }
    };
    let parse = hullscan_dockerfile::parse(&original);
    let context_dir = run.context.context_for(path, &parse.dockerfile);
    drop(parse);
    let mut context_errors = Vec::new();
    let mut lint_text = |text: &str| -> Vec<Diagnostic> {
        let parse = hullscan_dockerfile::parse(text);
        let mut external = Vec::new();
        let mut copied_secret_verdicts = Vec::new();
        if let Some(dir) = &context_dir {
            match lint_context::context_findings(dir, path, &parse.dockerfile, linter) {
                Ok(found) => {
                    external = found.dockerfile;
                    copied_secret_verdicts = found.copied_secret_verdicts;
                }
                Err(message) => context_errors.push(message),
            }
        }
        let model = hullscan_semantic::SemanticModel::new(&parse.dockerfile);
        let source = SourceFile::new(display.clone(), text);
        hullscan_linter::check_dockerfile_with(
            &source,
            &parse,
            &model,
            linter,
            CheckExtras {
                shellcheck: None,
                external,
                copied_secret_verdicts,
            },
        )
        // Without a ShellCheck runner the check cannot fail.
        .unwrap_or_default()
    };
    let fixed = hullscan_fix::fix_text(
        &original,
        &run.options,
        &mut lint_text,
        &hullscan_fix::dockerfile_syntax_errors,
    );
    context_errors.dedup();
    outcome.errors.extend(context_errors);
    if let Some(failure) = &fixed.failure {
        outcome.errors.push(format!("{display}: {failure}"));
    }
    // The ignore file's fixes, judged on the fixed Dockerfile.
    if let Some(dir) = &context_dir
        && run.options.applies(Applicability::Unsafe)
    {
        let parse = hullscan_dockerfile::parse(&fixed.text);
        if let Ok(found) = lint_context::context_findings(dir, path, &parse.dockerfile, linter)
            && let Some(report) = found.ignore_file
        {
            let fixes: Vec<Diagnostic> = report
                .diagnostics
                .into_iter()
                .filter(|d| {
                    d.fix
                        .as_ref()
                        .is_some_and(|f| run.options.applies(f.applicability))
                })
                .collect();
            if !fixes.is_empty() {
                let ignore_path = hullscan_context::find_ignore_file(dir, path)
                    .map(|(found, _)| found)
                    .unwrap_or_else(|| dir.join(".dockerignore"));
                outcome.ignore_fixes = Some((ignore_path, fixes));
            }
        }
    }
    outcome.changed = fixed.text != original;
    if outcome.changed {
        if run.write {
            if let Err(message) = write_if_unchanged(path, &original, &fixed.text) {
                outcome.errors.push(message);
                outcome.changed = false;
            }
        } else {
            outcome.diff = hullscan_fix::unified_diff(&display, &original, &fixed.text);
        }
    }
    outcome.fixed = Some(fixed);
    outcome
}

/// Writes `new` over `path` atomically, permissions kept, unless the file no longer holds
/// `old` (someone else changed it since it was read: their change wins, this fix is reported).
fn write_if_unchanged(path: &Path, old: &str, new: &str) -> Result<(), String> {
    let display = path.display();
    match std::fs::read(path) {
        Ok(now) if now == old.as_bytes() => {}
        Ok(_) => {
            return Err(format!(
                "{display}: changed while being fixed; left as it is now"
            ));
        }
        Err(err) => return Err(format!("{display}: {err}")),
    }
    hullscan_fs::rewrite_atomically(path, |out| out.write_all(new.as_bytes()))
        .map_err(|err| format!("{display}: could not write the fixed file: {err}"))
}

/// Applies the ignore-file findings' fixes to the ignore file at `path` (created when missing).
/// Returns the findings whose fix was applied.
fn fix_ignore_file(
    path: &Path,
    fixes: &[Diagnostic],
    run: &FixRun<'_>,
    stdout: &mut dyn Write,
) -> Result<Vec<Diagnostic>, String> {
    let display = path.display().to_string();
    let original = if path.exists() {
        hullscan_workspace::input::read_file_to_string(path).map_err(|err| err.to_string())?
    } else {
        String::new()
    };
    // One round: the context rules judge the ignore file on disk, so a second round would need
    // it written first; the next run re-checks it.
    let round = hullscan_fix::apply_round(&original, fixes, &run.options);
    if round.text == original {
        return Ok(Vec::new());
    }
    if run.write {
        write_if_unchanged_or_missing(path, &original, &round.text)?;
    } else {
        let diff = hullscan_fix::unified_diff(&display, &original, &round.text);
        stdout
            .write_all(safe_message(&diff).as_bytes())
            .map_err(|err| err.to_string())?;
    }
    Ok(round
        .applied
        .iter()
        .map(|&index| fixes[index].clone())
        .collect())
}

fn write_if_unchanged_or_missing(path: &Path, old: &str, new: &str) -> Result<(), String> {
    if !path.exists() && old.is_empty() {
        return hullscan_fs::write_atomically(path, |out| out.write_all(new.as_bytes()))
            .map_err(|err| format!("{}: {err}", path.display()));
    }
    write_if_unchanged(path, old, new)
}

/// The human summary, on stderr: totals, then one line per rule with findings.
pub fn print_summary(summary: &Summary, diff: bool, unsafe_fixes: bool) {
    let remaining: usize = summary.per_rule.values().map(|c| c.remaining).sum();
    let unsafe_fixable: usize = summary.per_rule.values().map(|c| c.unsafe_fixable).sum();
    let verb = if diff { "Would fix" } else { "Fixed" };
    eprintln!(
        "{verb} {} finding(s) in {} file(s); {remaining} remaining.",
        summary.fixed, summary.files_changed
    );
    if !summary.per_rule.is_empty() {
        eprintln!(
            "  {:<8} {:<36} {:>6} {:>9}",
            "rule", "name", "fixed", "remaining"
        );
        for (code, counts) in &summary.per_rule {
            eprintln!(
                "  {:<8} {:<36} {:>6} {:>9}",
                code, counts.name, counts.fixed, counts.remaining
            );
        }
    }
    if unsafe_fixable > 0 && !unsafe_fixes {
        eprintln!("{unsafe_fixable} more can be fixed with `--unsafe-fixes`.");
    }
    for warning in &summary.warnings {
        eprintln!("hullscan: warning: {}", safe_message(warning));
    }
    for file in &summary.not_converged {
        eprintln!(
            "hullscan: warning: {}: fixes did not settle within {} rounds; review the result",
            safe_message(file),
            hullscan_fix::DEFAULT_MAX_ROUNDS
        );
    }
    for error in &summary.errors {
        eprintln!("hullscan: error: {}", safe_message(error));
    }
}
