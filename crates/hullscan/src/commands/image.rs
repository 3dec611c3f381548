//! `hullscan image REF`: read an image from an archive, an OCI layout or the docker daemon,
//! run the HS6xx rules and the size analyses, print findings, gate CI.

use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::Args;
use hullscan_diagnostics::{FileReport, Severity, Subject};
use hullscan_image::analysis::{human_size, parse_size};
use hullscan_image::layer::Limits;
use hullscan_image::{Image, Platform, ReadOptions, Selection};
use hullscan_image_rules::{ImageRuleSettings, check_image};
use hullscan_text::SourceFile;

use crate::ExitStatus;
use crate::output::OutputArgs;

#[derive(Debug, Args)]
#[command(
    mut_arg("select", |arg| arg.help("Run only these rules (codes, names, aliases, prefixes like `HS6`, or `ALL`), replacing the configuration's `select`, as for `hullscan lint`. Comma-separated or repeated")),
    mut_arg("config", |arg| arg.help("Use this configuration file (`hullscan.toml`) instead of the one found from the current directory upwards")),
)]
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
    /// Take the layer digests a local image states instead of hashing every layer to check
    /// them (hashing is most of the time a large image takes). Layers pulled from a registry
    /// are always checked, and nothing read unchecked is kept in the inventory cache.
    #[arg(long)]
    pub no_verify_digests: bool,
    /// Registry requests: the deadline of one manifest, config or token request (`60s`, `2m`).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "60s")]
    pub timeout: std::time::Duration,
    /// Registry requests: the longest one read may wait for data before the request fails.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "30s")]
    pub read_timeout: std::time::Duration,
    /// Registry requests: the deadline of one layer download.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "1h")]
    pub layer_timeout: std::time::Duration,
    /// Do not print the size summary to stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Do not take the package inventory (no package counts, no --sbom).
    #[arg(long, conflicts_with_all = ["sbom", "with_inventory"])]
    pub no_inventory: bool,
    /// Also write the image's SBOM to this file, from the same single read of the layers.
    #[arg(long, value_name = "FILE")]
    pub sbom: Option<std::path::PathBuf>,
    /// The format of --sbom.
    #[arg(long, value_enum, default_value = "cyclonedx", requires = "sbom")]
    pub sbom_format: super::sbom::SbomFormat,
    /// With --format json: add `inventory`, the SBOM in hullscan's JSON form
    /// (docs/sbom-json.md), to the printed object beside `image` and `findings`.
    #[arg(long)]
    pub with_inventory: bool,
    /// How many of the files with the most hidden bytes the report names (`wasted_files` in
    /// --format json, the largest 10 of them in the summary); the totals count every file.
    #[arg(long, value_name = "N", default_value_t = hullscan_image::merge::DEFAULT_TOP_FILES)]
    pub wasted_files: usize,
    #[command(flatten)]
    pub rules: super::selection::RuleSelectionArgs,
    #[command(flatten)]
    pub config: super::selection::ConfigFileArgs,
    /// Accept a finding with this fingerprint (as printed with it), like the configuration's
    /// `[secrets] allow-fingerprints`. Repeatable.
    #[arg(long = "allow-fingerprint", value_name = "FINGERPRINT")]
    pub allow_fingerprints: Vec<String>,
    #[command(flatten)]
    pub cache: InventoryCacheArgs,
    /// Do not match the package inventory against the vulnerability database (matched by
    /// default when one exists; `hullscan db update` makes one).
    #[arg(long)]
    pub no_vulns: bool,
    #[command(flatten)]
    pub vulns: super::vulns::VulnFilterArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Where the per-layer inventory cache lives, shared by `hullscan image` and `hullscan sbom`.
#[derive(Debug, Args)]
pub struct InventoryCacheArgs {
    /// Do not read or write the per-layer inventory cache.
    #[arg(long)]
    pub no_cache: bool,
    /// The inventory cache directory (default `$HULLSCAN_CACHE_DIR/inventory`,
    /// `$XDG_CACHE_HOME/hullscan/inventory` or `~/.cache/hullscan/inventory`).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<std::path::PathBuf>,
    /// Largest total size of the inventory cache; least recently used layers go first.
    #[arg(long, value_parser = parse_bytes, default_value = "512MiB", value_name = "SIZE")]
    pub cache_size: u64,
}

impl InventoryCacheArgs {
    /// The cache, unless turned off or impossible to open (then a warning, and no cache).
    pub fn open_for(&self, wanted: bool) -> Option<hullscan_inventory_cache::DiskCache> {
        if self.no_cache || !wanted {
            return None;
        }
        let dir = self
            .cache_dir
            .clone()
            .or_else(hullscan_inventory_cache::default_dir)?;
        match hullscan_inventory_cache::DiskCache::open(&dir, self.cache_size) {
            Ok(cache) => Some(cache),
            Err(err) => {
                eprintln!(
                    "hullscan: warning: inventory cache {} is not usable ({err}); reading every layer",
                    dir.display()
                );
                None
            }
        }
    }
}

/// `; inventory cache: 3 of 5 layers reused` plus any problems the cache met.
pub fn cache_summary(image: &Image, cache: &hullscan_inventory_cache::DiskCache) -> String {
    for problem in cache.notes() {
        eprintln!("hullscan: warning: {problem}");
    }
    format!(
        "; inventory cache: {} of {} layer(s) reused",
        image.inventory_cache_hits,
        image.layers.len()
    )
}

/// `--dockerfile PATH [--target STAGE]`: ties the image's history (so its layers, findings and
/// packages) to the instructions that made it, and says how many matched in `note`. Returns
/// the Dockerfile's name and text.
pub fn attribute_dockerfile(
    image: &mut Image,
    path: &std::path::Path,
    target: Option<&str>,
    note: &mut String,
) -> anyhow::Result<(String, String)> {
    let text =
        hullscan_workspace::input::read_file_to_string(path).context("reading --dockerfile")?;
    let name = path.display().to_string();
    if let Some(target) = target {
        let stages = hullscan_image::dockerfile::stage_names(&text);
        if !stages.iter().any(|s| s.eq_ignore_ascii_case(target)) {
            bail!(
                "--target `{target}`: {name} has no such stage (its named stages: {})",
                if stages.is_empty() {
                    "none".to_owned()
                } else {
                    stages.join(", ")
                }
            );
        }
    }
    let matched = hullscan_image::dockerfile::attribute(image, &name, &text, target);
    note.push_str(&format!(
        "; {matched} history entries matched to {name}, {} base-image layer(s)",
        image.base_layer_count
    ));
    Ok((name, text))
}

/// What names the image and how to reach it, shared by `hullscan image` and `hullscan sbom`.
pub struct SourceArgs<'a> {
    pub reference: &'a str,
    pub platform: Option<Platform>,
    pub remote: bool,
    pub plain_http: bool,
    pub max_layer_size: u64,
    /// Whether file contents are scanned for secrets (the audit needs it; an SBOM does not).
    pub scan_secrets: bool,
    /// Registry request deadlines and the idle read timeout.
    pub timeouts: hullscan_image::registry::Timeouts,
    /// Whether local layers are hashed to check their stated digests (`--no-verify-digests`).
    pub verify_digests: bool,
    /// How many wasted (and dive-inefficient) files the analysis keeps by name.
    pub top_files: usize,
}

/// Reads the image with a progress bar on a terminal: a spinner until the manifest says how
/// many bytes there are to read, then a bar.
pub fn open_with_progress(
    source: &SourceArgs<'_>,
    inventory: hullscan_image::InventoryOptions<'_>,
) -> anyhow::Result<(Image, String)> {
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
            platform: source.platform.clone(),
            tag: None,
        },
        limits: {
            let mut limits = Limits {
                max_layer_bytes: source.max_layer_size,
                verify_digests: source.verify_digests,
                ..Limits::default()
            };
            if !source.scan_secrets {
                limits.secret_scan = None;
            }
            limits
        },
        progress: Some(&on_bytes),
        total_bytes: Some(&on_total),
        allow_network: source.remote,
        registry: hullscan_image::registry::RegistryOptions {
            allow_plain_http: source.plain_http,
            timeouts: source.timeouts,
            ..Default::default()
        },
        inventory,
        analysis: hullscan_image::AnalysisOptions {
            top_files: source.top_files,
        },
    };
    let result = hullscan_image::open(source.reference, &options);
    if let Some(bar) = &progress_bar {
        bar.finish_and_clear();
    }
    result.map_err(|err| anyhow::anyhow!("{err}"))
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
    let value = parse_size(text)
        .ok_or_else(|| format!("`{text}` is not a size (e.g. 20MB, 1.5GiB, 1000)"))?;
    // `parse_size` saturates at u64::MAX: a size that large was not meant literally.
    if value >= u64::MAX / 2 {
        return Err(format!("`{text}` is too large (at most 8 EiB)"));
    }
    Ok(value)
}

/// `30s`, `2m`, `1h`, `500ms` or plain seconds; between 1 ms and a week.
fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (e.g. 30s, 2m, 1h)"))?;
    let seconds = match unit.trim() {
        "" | "s" => value,
        "ms" => value / 1000.0,
        "m" | "min" => value * 60.0,
        "h" => value * 3600.0,
        _ => return Err(format!("`{text}` is not a duration (e.g. 30s, 2m, 1h)")),
    };
    if !(0.001..=7.0 * 86400.0).contains(&seconds) {
        return Err(format!("`{text}` is outside 1ms to 7 days"));
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}

pub fn run(args: ImageArgs) -> anyhow::Result<ExitStatus> {
    // Configuration as `hullscan lint` finds it: the nearest hullscan.toml above the current
    // directory (an image has no path of its own), with the command line's overrides.
    let resolver = hullscan_workspace::Resolver::new(args.config.mode(), args.rules.overrides())?;
    // `settings_for` takes a file's path: a name in the working directory finds the
    // configuration there or above.
    let config =
        resolver.settings_for(&std::env::current_dir().unwrap_or_default().join("image"))?;
    let platform = match &args.platform {
        Some(text) => Some(
            Platform::parse(text)
                .with_context(|| format!("--platform `{text}` is not os/arch[/variant]"))?,
        ),
        None => None,
    };
    let cache = InventoryCacheArgs::open_for(&args.cache, !args.no_inventory);
    let inventory = hullscan_image::InventoryOptions {
        enabled: !args.no_inventory,
        cache: cache
            .as_ref()
            .map(|cache| cache as &dyn hullscan_image::InventoryCache),
        ..Default::default()
    };
    let source = SourceArgs {
        reference: &args.reference,
        platform,
        remote: args.remote,
        plain_http: args.plain_http,
        max_layer_size: args.max_layer_size,
        scan_secrets: true,
        verify_digests: !args.no_verify_digests,
        timeouts: hullscan_image::registry::Timeouts {
            read: args.read_timeout,
            request: args.timeout,
            layer: args.layer_timeout,
            ..Default::default()
        },
        top_files: args.wasted_files,
    };
    let (mut image, mut note) = open_with_progress(&source, inventory)?;
    if let Some(cache) = &cache {
        note.push_str(&cache_summary(&image, cache));
    }
    let mut dockerfile_source = None;
    if let Some(path) = &args.dockerfile {
        let (name, text) =
            attribute_dockerfile(&mut image, path, args.target.as_deref(), &mut note)?;
        dockerfile_source = Some(Arc::new(SourceFile::new(name, text)));
    }

    let settings = ImageRuleSettings {
        min_efficiency: args.min_efficiency,
        max_wasted: args.max_wasted,
        max_size: args.max_size,
        setuid_allowlist: args.allow_setuid.clone(),
    };
    let mut diagnostics = check_image(&image, &settings);
    diagnostics.retain(|diagnostic| {
        let enabled = hullscan_linter::registry::by_code(&diagnostic.code)
            .is_none_or(|rule| config.linter.is_enabled(rule));
        let allowed = diagnostic
            .fingerprint
            .as_deref()
            .is_some_and(|fingerprint| {
                args.allow_fingerprints
                    .iter()
                    .any(|allowed| allowed.trim().eq_ignore_ascii_case(fingerprint))
                    || config.secrets.allows_fingerprint(fingerprint)
            });
        enabled && !allowed
    });
    for diagnostic in &mut diagnostics {
        if let Some(rule) = hullscan_linter::registry::by_code(&diagnostic.code) {
            diagnostic.severity = config.linter.severity_of(rule);
        }
    }
    if !args.no_vulns
        && let Some(inventory) = &image.inventory
    {
        match super::vulns::audit_inventory(&args.vulns, inventory, args.quiet)? {
            Some(report) => {
                note.push_str(&format!(
                    "; {} vulnerabilit{} ({} suppressed)",
                    report.findings.len(),
                    if report.findings.len() == 1 {
                        "y"
                    } else {
                        "ies"
                    },
                    report.suppressed.len()
                ));
                let layers: Vec<String> =
                    image.layers.iter().map(|l| l.diff_id.to_string()).collect();
                diagnostics.extend(report.findings.iter().map(|f| {
                    hullscan_vulns::diagnostics::to_diagnostic(f, &args.reference, &layers)
                }));
            }
            None => note.push_str(
                "; vulnerabilities not checked: no database (`hullscan db update` makes one)",
            ),
        }
    }
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
    if let Some(path) = &args.sbom {
        super::sbom::write_image_sbom(&image, args.sbom_format, path)?;
    }
    if args.output.format == crate::output::FormatArg::Json {
        super::image_report::print_json(&image, &reports, &args.output, args.with_inventory)?;
    } else {
        args.output.print(&reports)?;
    }
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// The size report, on stderr so machine-readable stdout stays clean.
fn print_summary(image: &Image, note: &str) {
    let analysis = &image.analysis;
    eprintln!("hullscan: {}", crate::output::safe_message(note));
    eprintln!(
        "  {} layers ({} from the base image), {} of files, config {}",
        image.layers.len(),
        image.base_layer_count,
        human_size(analysis.total_content),
        image.config_digest.short()
    );
    let packages = super::sbom::packages_per_layer(image);
    for (layer, stats) in image.layers.iter().zip(&analysis.layers) {
        // Masked before cut: a credential cut in half no longer looks like one.
        let instruction = super::image_report::safe_instruction(image, layer.index)
            .map(|text| {
                let short: String = text.chars().take(60).collect();
                if short.len() < text.len() {
                    format!("{short}…")
                } else {
                    short
                }
            })
            .unwrap_or_default();
        let package_count = packages
            .as_ref()
            .map(|counts| format!("  {:>5} pkgs", counts[layer.index]))
            .unwrap_or_default();
        eprintln!(
            "  layer {:>2}  {:>9}  {:>9} {:<4}  hidden later {:>9}{package_count}  {instruction}",
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
    for line in super::image_report::wasted_file_lines(image, 10) {
        eprintln!("{line}");
    }
    if let Some(inventory) = &image.inventory {
        let os = inventory
            .os
            .as_ref()
            .map(|os| {
                format!(
                    " on {}",
                    os.pretty_name.clone().unwrap_or_else(|| os.id.clone())
                )
            })
            .unwrap_or_default();
        eprintln!(
            "  {} installed package(s){os} (`hullscan sbom` lists them)",
            inventory.packages.len()
        );
        for note in &inventory.notes {
            eprintln!("  inventory note: {note}");
        }
    }
}
