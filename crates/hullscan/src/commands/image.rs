//! `hullscan image REF`: read an image from an archive, an OCI layout or the docker daemon,
//! run the HS6xx rules and the size analyses, print findings, gate CI.

use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::Args;
use hullscan_diagnostics::{FileReport, Severity, Subject};
use hullscan_image::analysis::{human_size, parse_size};
use hullscan_image::layer::Limits;
use hullscan_image::rules::{ImageRuleSettings, check_image};
use hullscan_image::{Image, Platform, ReadOptions, Selection};
use hullscan_text::SourceFile;

use crate::ExitStatus;
use crate::output::OutputArgs;

#[derive(Debug, Args)]
pub struct ImageArgs {
    /// The image: a `docker save` or OCI archive tar, an OCI layout directory (`oci:DIR[:TAG]`),
    /// `docker-daemon:NAME`, `docker://NAME` (registry), or a bare name (the local docker
    /// daemon, then, with --remote, its registry).
    pub reference: String,
    /// Allow a bare name that the daemon does not have to be pulled from its registry.
    #[arg(long)]
    pub remote: bool,
    /// Allow plain HTTP to a registry that is not on loopback.
    #[arg(long)]
    pub plain_http: bool,
    /// The Dockerfile that built the image: each layer is tied to the instruction that made it,
    /// and a finding an instruction caused (a secret file it added, a build argument it
    /// recorded) is reported on that instruction's line, with its place in the image as a note.
    #[arg(long, value_name = "PATH")]
    pub dockerfile: Option<std::path::PathBuf>,
    /// With --dockerfile: the stage that was built (`docker build --target`); default the last.
    #[arg(long, value_name = "STAGE", requires = "dockerfile")]
    pub target: Option<String>,
    /// Platform to pick from a multi-platform index, as `os/arch[/variant]`.
    #[arg(long)]
    pub platform: Option<String>,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, default_value = "warning", value_parser = parse_severity)]
    pub fail_on: Severity,
    /// Fail when efficiency (visible bytes / all layer bytes) is below this: `0.9` or `90%`.
    #[arg(long, value_parser = parse_ratio)]
    pub min_efficiency: Option<f64>,
    /// Fail when more than this many bytes are hidden or deleted by later layers (`20MB`).
    #[arg(long, value_parser = parse_bytes)]
    pub max_wasted: Option<u64>,
    /// Fail when the layers hold more than this many bytes of files (`500MB`).
    #[arg(long, value_parser = parse_bytes)]
    pub max_size: Option<u64>,
    /// Accept this setuid/setgid file (absolute path; repeatable).
    #[arg(long = "allow-setuid", value_name = "PATH")]
    pub allow_setuid: Vec<String>,
    /// Largest uncompressed size one layer may have before reading stops (decompression bombs).
    #[arg(long, value_parser = parse_bytes, default_value = "64GiB")]
    pub max_layer_size: u64,
    /// Do not print the size summary to stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    text.parse::<Severity>().map_err(|err| err.to_string())
}

fn parse_ratio(text: &str) -> Result<f64, String> {
    let (number, scale) = match text.strip_suffix('%') {
        Some(number) => (number, 100.0),
        None => (text, 1.0),
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a ratio (0.9) or a percentage (90%)"))?;
    let ratio = value / scale;
    if !(0.0..=1.0).contains(&ratio) {
        return Err(format!("`{text}` is outside 0–1 (0–100%)"));
    }
    Ok(ratio)
}

fn parse_bytes(text: &str) -> Result<u64, String> {
    parse_size(text).ok_or_else(|| format!("`{text}` is not a size (e.g. 20MB, 1.5GiB, 1000)"))
}

pub fn run(args: ImageArgs) -> anyhow::Result<ExitStatus> {
    let platform = match &args.platform {
        Some(text) => Some(
            Platform::parse(text)
                .with_context(|| format!("--platform `{text}` is not os/arch[/variant]"))?,
        ),
        None => None,
    };
    let progress_bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} reading layers: {bytes} ({bytes_per_sec})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    });
    let on_bytes = |n: u64| {
        if let Some(bar) = &progress_bar {
            bar.inc(n);
        }
    };
    // Once the manifest says how much there is to read, the spinner becomes a bar.
    let on_total = |total: u64| {
        if let Some(bar) = &progress_bar {
            bar.set_length(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "reading layers [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
        }
    };
    let options = ReadOptions {
        selection: Selection {
            platform,
            tag: None,
        },
        limits: Limits {
            max_layer_bytes: args.max_layer_size,
            ..Limits::default()
        },
        progress: Some(&on_bytes),
        total_bytes: Some(&on_total),
        allow_network: args.remote,
        registry: hullscan_image::registry::RegistryOptions {
            allow_plain_http: args.plain_http,
            ..Default::default()
        },
    };
    let result = hullscan_image::open(&args.reference, &options);
    if let Some(bar) = &progress_bar {
        bar.finish_and_clear();
    }
    let (mut image, mut note) = match result {
        Ok(found) => found,
        Err(err) => bail!("{err}"),
    };
    let mut dockerfile_source = None;
    if let Some(path) = &args.dockerfile {
        let text =
            hullscan_workspace::input::read_file_to_string(path).context("reading --dockerfile")?;
        let name = path.display().to_string();
        let matched =
            hullscan_image::dockerfile::attribute(&mut image, &name, &text, args.target.as_deref());
        note.push_str(&format!(
            "; {matched} history entries matched to {name}, {} base-image layer(s)",
            image.base_layer_count
        ));
        dockerfile_source = Some(Arc::new(SourceFile::new(name, text)));
    }

    let settings = ImageRuleSettings {
        min_efficiency: args.min_efficiency,
        max_wasted: args.max_wasted,
        max_size: args.max_size,
        setuid_allowlist: args.allow_setuid.clone(),
    };
    let diagnostics = check_image(&image, &settings);
    if !args.quiet {
        print_summary(&image, &note);
    }
    let failed = diagnostics.iter().any(|d| d.severity >= args.fail_on);
    // With --dockerfile, findings made by one of its instructions are shown on that line.
    let (diagnostics, on_dockerfile) = match &dockerfile_source {
        Some(_) => hullscan_image::dockerfile::attribute_findings(&image, diagnostics),
        None => (diagnostics, Vec::new()),
    };
    let mut reports = vec![FileReport {
        path: args.reference.clone(),
        subject: Subject::Image,
        source: None,
        diagnostics,
    }];
    if let Some(source) = dockerfile_source
        && !on_dockerfile.is_empty()
    {
        let mut report = FileReport::for_source(source, on_dockerfile);
        report.sort();
        reports.push(report);
    }
    args.output.print(&reports)?;
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// The size report, on stderr so machine-readable stdout stays clean.
fn print_summary(image: &Image, note: &str) {
    let analysis = &image.analysis;
    eprintln!("hullscan: {note}");
    eprintln!(
        "  {} layers ({} from the base image), {} of files, config {}",
        image.layers.len(),
        image.base_layer_count,
        human_size(analysis.total_content),
        image.config_digest.short()
    );
    for (layer, stats) in image.layers.iter().zip(&analysis.layers) {
        let instruction = image
            .layer_instruction(layer.index)
            .map(|text| {
                let masked = hullscan_image::rules::masked_instruction(text);
                let text = masked.as_str();
                let short: String = text.chars().take(60).collect();
                if short.len() < text.len() {
                    format!("{short}…")
                } else {
                    short
                }
            })
            .unwrap_or_default();
        eprintln!(
            "  layer {:>2}  {:>9}  {:>9} {:<4}  hidden later {:>9}  {instruction}",
            layer.index,
            human_size(stats.content_size),
            human_size(stats.blob_size),
            layer.compression.as_str(),
            human_size(stats.hidden_bytes),
        );
    }
    eprintln!(
        "  efficiency {:.2} %, wasted {} (counted once); dive: efficiency {:.2} %, wasted {}, user wasted {:.1} %",
        analysis.efficiency * 100.0,
        human_size(analysis.wasted_bytes),
        analysis.dive_efficiency * 100.0,
        human_size(analysis.dive_wasted_bytes),
        analysis.dive_user_wasted_ratio * 100.0
    );
}
