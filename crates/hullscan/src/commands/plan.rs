//! `hullscan plan`: lint a Dockerfile (with its build context, and its image when given) and
//! print the findings as an ordered remediation plan (`hullscan_plan`).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use hullscan_diagnostics::{Diagnostic, Location};
use hullscan_linter::CheckExtras;
use hullscan_plan::{FixInfo, Origin, PlanFinding};
use hullscan_text::SourceFile;
use hullscan_workspace::Resolver;

use super::lint::{self, Input};
use super::lint_context::{self, ContextChoice};
use super::selection::{ConfigFileArgs, RuleSelectionArgs};
use crate::ExitStatus;
use crate::output::safe_message;

#[derive(Debug, Args)]
#[command(
    mut_arg("select", |arg| arg.help("Plan only these rules' findings")),
    mut_arg("extend_select", |arg| arg.help("Plan these rules' findings too")),
    mut_arg("ignore", |arg| arg.help("Leave these rules out")),
    mut_arg("config", |arg| arg.help("Use this configuration file for every file")),
)]
pub struct PlanArgs {
    /// Dockerfiles, or directories searched for them as by `hullscan lint`. Default: the
    /// current directory.
    pub paths: Vec<PathBuf>,
    /// Also audit this built image (a docker-save tar, an OCI layout, `docker:NAME` from the
    /// local daemon) and plan its findings with the Dockerfile's.
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// Allow `--image` to be pulled from a registry.
    #[arg(long, requires = "image")]
    pub remote: bool,
    #[command(flatten)]
    pub rules: RuleSelectionArgs,
    #[command(flatten)]
    pub config: ConfigFileArgs,
    /// The build context (as for `hullscan lint`).
    #[arg(long, value_name = "DIR", conflicts_with = "no_context")]
    pub context: Option<PathBuf>,
    /// Do not run the build-context rules.
    #[arg(long)]
    pub no_context: bool,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    pub format: PlanFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Human,
    Json,
}

pub fn run(args: PlanArgs) -> anyhow::Result<ExitStatus> {
    let resolver = Resolver::new(args.config.mode(), args.rules.overrides())?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut errors = Vec::new();
    let mut inputs = Vec::new();
    for path in &paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => lint::discover_dockerfiles(path, &mut inputs, &mut errors),
            Ok(_) => inputs.push((Input::File(path.clone()), path.clone())),
            Err(_) => errors.push(format!("{}: no such file or directory", path.display())),
        }
    }
    let image_findings = match &args.image {
        Some(reference) => image_findings(reference, args.remote)?,
        None => Vec::new(),
    };
    let context = ContextChoice::from_args(args.context.as_deref(), args.no_context);
    let mut plans = Vec::new();
    for (_, path) in &inputs {
        match plan_file(
            path,
            &resolver,
            &context,
            &image_findings,
            args.image.as_deref(),
        ) {
            Ok(plan) => plans.push(plan),
            Err(message) => errors.push(message),
        }
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        PlanFormat::Human => {
            for plan in &plans {
                out.write_all(safe_message(&hullscan_plan::render_human(plan)).as_bytes())?;
            }
        }
        PlanFormat::Json => {
            let json = serde_json::to_string_pretty(&plans)?;
            out.write_all(safe_message(&json).as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    for error in &errors {
        eprintln!("hullscan: error: {}", safe_message(error));
    }
    Ok(if errors.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}

/// Lints one Dockerfile with its context and plans its findings with the image's.
fn plan_file(
    path: &Path,
    resolver: &Resolver,
    context: &ContextChoice,
    image_findings: &[PlanFinding],
    image: Option<&str>,
) -> Result<hullscan_plan::Plan, String> {
    let display = path.to_string_lossy().into_owned();
    let text = hullscan_workspace::input::read_file_to_string(path).map_err(|e| e.to_string())?;
    let settings = resolver
        .settings_for(path)
        .map_err(|err| format!("{display}: {err}"))?;
    let linter = settings.linter_for(path);
    let parse = hullscan_dockerfile::parse(&text);
    let mut findings = Vec::new();
    let mut external = Vec::new();
    let mut copied_secret_verdicts = Vec::new();
    if let Some(dir) = context.context_for(path, &parse.dockerfile) {
        let found = lint_context::context_findings(&dir, path, &parse.dockerfile, &linter)?;
        external = found.dockerfile;
        copied_secret_verdicts = found.copied_secret_verdicts;
        if let Some(report) = found.ignore_file
            && let Some(source) = &report.source
        {
            findings.extend(
                report
                    .diagnostics
                    .iter()
                    .map(|d| plan_finding(d, Origin::Context, Some(source))),
            );
        }
    }
    let model = hullscan_semantic::SemanticModel::new(&parse.dockerfile);
    let source = SourceFile::new(display.clone(), text);
    let diagnostics = hullscan_linter::check_dockerfile_with(
        &source,
        &parse,
        &model,
        &linter,
        CheckExtras {
            shellcheck: None,
            external,
            copied_secret_verdicts,
        },
    )
    .unwrap_or_default();
    findings.extend(
        diagnostics
            .iter()
            .map(|d| plan_finding(d, Origin::Dockerfile, Some(&source))),
    );
    findings.extend(image_findings.iter().cloned());
    Ok(hullscan_plan::build_plan(&display, image, findings))
}

/// Audits the image and returns its findings.
fn image_findings(reference: &str, remote: bool) -> anyhow::Result<Vec<PlanFinding>> {
    let source = super::image::SourceArgs {
        reference,
        platform: None,
        remote,
        plain_http: false,
        max_layer_size: 64 << 30,
        scan_secrets: true,
        verify_digests: true,
        timeouts: hullscan_image::registry::Timeouts::default(),
        top_files: hullscan_image::merge::DEFAULT_TOP_FILES,
    };
    let inventory = hullscan_image::InventoryOptions {
        enabled: false,
        ..Default::default()
    };
    let (image, _) = super::image::open_with_progress(&source, inventory)?;
    let diagnostics = hullscan_image_rules::check_image(
        &image,
        &hullscan_image_rules::ImageRuleSettings::default(),
    );
    Ok(diagnostics
        .iter()
        .map(|d| plan_finding(d, Origin::Image, None))
        .collect())
}

fn plan_finding(
    diagnostic: &Diagnostic,
    origin: Origin,
    source: Option<&SourceFile>,
) -> PlanFinding {
    let line = match (&diagnostic.location, source) {
        (Location::Text(range), Some(source)) => {
            Some(source.line_column(range.start()).line as usize)
        }
        _ => None,
    };
    PlanFinding {
        code: diagnostic.code.to_string(),
        name: diagnostic.name.to_string(),
        severity: diagnostic.severity.to_string(),
        message: diagnostic.message.clone(),
        origin,
        line,
        help: diagnostic.help.clone(),
        fix: diagnostic
            .fix
            .as_ref()
            .map(|fix| FixInfo::new(fix.title.clone(), fix.applicability)),
    }
}
