//! `hullscan vulns TARGET`: the vulnerabilities of an image (any source `hullscan image` reads),
//! a directory tree (`dir:PATH`) or a stored SBOM (CycloneDX, SPDX or hullscan JSON), matched
//! against the local database (`hullscan db update`), filtered, and gated with `--fail-on`.
//!
//! The edge work lives here (reading the target, the ignore file, VEX documents, the clock);
//! matching and filtering are `hullscan_vulns`, pure.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};
use hullscan_diagnostics::{FileReport, Subject};
use hullscan_image::Image;
use hullscan_image::analysis::parse_size;
use hullscan_inventory::Inventory;
use hullscan_text::SourceFile;
use hullscan_vulndb::{Database, Level};
use hullscan_vulns::{Filters, Report, SeveritySelection, Suppression, VulnFinding};
use serde::Serialize;

use super::db::{DbDirArgs, db_dir, open_database};
use super::image::InventoryCacheArgs;
use super::inventory_target::{self, ImageSourceArgs};
use crate::ExitStatus;
use crate::output::{ColorArg, FormatArg, OutputArgs, safe_field};

/// Ignore files read from the current directory when `--ignore-file` is not given.
const DEFAULT_IGNORE_FILES: &[&str] = &[
    ".hullscan-vulns.toml",
    ".hullscan-vulns.yaml",
    ".hullscan-vulns.yml",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum VulnsFormat {
    /// A table for people.
    Human,
    /// hullscan's vulnerability JSON (docs/vulnerabilities.md): findings, suppressed findings
    /// with their reasons, notes.
    Json,
    /// One line per finding.
    Concise,
    Sarif,
    Checkstyle,
    Gitlab,
    Github,
    Junit,
}

/// The level `--fail-on` gates on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any finding (UNKNOWN and above).
    Unknown,
    Low,
    Medium,
    High,
    Critical,
    /// Never fail on findings.
    Never,
}

impl FailOn {
    fn level(self) -> Option<Level> {
        Some(match self {
            FailOn::Unknown => Level::Unknown,
            FailOn::Low => Level::Low,
            FailOn::Medium => Level::Medium,
            FailOn::High => Level::High,
            FailOn::Critical => Level::Critical,
            FailOn::Never => return None,
        })
    }
}

/// The options `hullscan vulns` and `hullscan image` share: the database and the filters.
#[derive(Debug, Args)]
pub struct VulnFilterArgs {
    #[command(flatten)]
    pub db: DbDirArgs,
    /// Warn when the database is older than this (`7d`, `36h`).
    #[arg(long, env = "HULLSCAN_DB_MAX_AGE", value_name = "AGE", value_parser = parse_age, default_value = "7d")]
    pub max_db_age: u64,
    /// Leave out findings with no fixed version.
    #[arg(long)]
    pub ignore_unfixed: bool,
    /// Ignore file (TOML or YAML): ids with a reason and an optional expiry date
    /// [default: .hullscan-vulns.toml or .hullscan-vulns.yaml in the current directory].
    #[arg(long, value_name = "FILE")]
    pub ignore_file: Option<PathBuf>,
    /// OpenVEX document: its `not_affected` and `fixed` statements suppress findings
    /// (repeatable).
    #[arg(long, value_name = "FILE")]
    pub vex: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct VulnsArgs {
    /// What to scan: an image (a `docker save` or OCI archive tar, `oci:DIR[:TAG]`,
    /// `docker-daemon:NAME`, `docker://NAME`, a bare name), `dir:PATH` for a directory tree, or
    /// an SBOM file (CycloneDX, SPDX or hullscan JSON) to re-match without the image.
    pub target: String,
    /// Only these severities: one level is a minimum (`HIGH`: HIGH and CRITICAL), a list is
    /// the exact set (`MEDIUM,CRITICAL`).
    #[arg(long, value_name = "LEVELS", value_parser = SeveritySelection::parse)]
    pub severity: Option<SeveritySelection>,
    /// Exit 1 when a reported finding is at or above this level.
    #[arg(long, value_enum, default_value = "unknown", value_name = "LEVEL")]
    pub fail_on: FailOn,
    /// Leave out RustSec informational notices (unmaintained, unsound).
    #[arg(long)]
    pub no_informational: bool,
    #[command(flatten)]
    pub filter: VulnFilterArgs,
    /// The Dockerfile that built the image: each finding names the instruction that installed
    /// the package.
    #[arg(long, value_name = "PATH")]
    pub dockerfile: Option<PathBuf>,
    /// With --dockerfile: the stage that was built; default the last.
    #[arg(long = "target-stage", value_name = "STAGE", requires = "dockerfile")]
    pub target_stage: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    pub format: VulnsFormat,
    /// When to colour the human formats.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorArg,
    #[command(flatten)]
    pub source: ImageSourceArgs,
    /// Largest uncompressed size one layer may have before reading stops.
    #[arg(long, value_parser = parse_bytes, default_value = "64GiB")]
    pub max_layer_size: u64,
    /// Do not print the summary and notes to stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub cache: InventoryCacheArgs,
}

fn parse_bytes(text: &str) -> Result<u64, String> {
    parse_size(text).ok_or_else(|| format!("`{text}` is not a size (e.g. 20MB, 1.5GiB, 1000)"))
}

/// `7d`, `36h`, `90m` or plain seconds, as seconds.
fn parse_age(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not an age (e.g. 7d, 36h)"))?;
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(format!("`{text}` is not an age (e.g. 7d, 36h)")),
    };
    Ok(value.saturating_mul(scale))
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Opens the database (a clear error when there is none) and warns when it is old.
pub fn open_checked(args: &VulnFilterArgs, quiet: bool) -> anyhow::Result<Database> {
    let dir = db_dir(&args.db)?;
    let db = open_database(&dir)?;
    let age = now() - db.built_at();
    // `>=`: a limit of 0 warns about any database, even one built this second.
    if age >= args.max_db_age as i64 && !quiet {
        eprintln!(
            "hullscan: warning: the vulnerability database is {} old (built {} days ago; limit {}); run `hullscan db update`",
            human_age(age),
            age / 86_400,
            human_age(args.max_db_age as i64)
        );
    }
    Ok(db)
}

fn human_age(secs: i64) -> String {
    match secs {
        s if s >= 2 * 86_400 => format!("{}d", s / 86_400),
        s if s >= 3600 => format!("{}h", s / 3600),
        s => format!("{}m", s / 60),
    }
}

/// The filters from the shared options: ignore file, VEX documents, today's date.
pub fn filters(args: &VulnFilterArgs) -> anyhow::Result<Filters> {
    let mut filters = Filters {
        ignore_unfixed: args.ignore_unfixed,
        today: hullscan_vulns::date::utc_date(now()),
        ..Filters::default()
    };
    let ignore_file = args.ignore_file.clone().or_else(|| {
        DEFAULT_IGNORE_FILES
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
    });
    if let Some(path) = ignore_file {
        let text = hullscan_workspace::input::read_file_to_string(&path)
            .with_context(|| format!("reading the ignore file {}", path.display()))?;
        filters.ignores = hullscan_vulns::ignore::parse(&path.display().to_string(), &text)
            .map_err(anyhow::Error::msg)?;
    }
    for path in &args.vex {
        let text = hullscan_workspace::input::read_file_to_string(path)
            .with_context(|| format!("reading the VEX document {}", path.display()))?;
        filters.vex.extend(
            hullscan_vulns::vex::parse(&path.display().to_string(), &text)
                .map_err(anyhow::Error::msg)?,
        );
    }
    Ok(filters)
}

/// `hullscan image`'s vulnerability pass: `None` when there is no database (the audit goes on
/// without it); the report, with the user's ignore file and VEX applied, otherwise.
pub fn audit_inventory(
    args: &VulnFilterArgs,
    inventory: &Inventory,
    quiet: bool,
) -> anyhow::Result<Option<Report>> {
    if !db_dir(&args.db)?.join(super::db::DB_FILE).exists() {
        return Ok(None);
    }
    let db = open_checked(args, quiet)?;
    let filters = filters(args)?;
    let report = hullscan_vulns::scan(&db, inventory, &filters)?;
    if !quiet {
        for note in &report.notes {
            eprintln!("hullscan: note: {}", crate::output::safe_message(note));
        }
    }
    Ok(Some(report))
}

/// What was scanned.
struct Scanned {
    /// How the target was read (for the stderr summary).
    note: String,
    inventory: Inventory,
    /// The image, when the target was one.
    image: Option<Image>,
    /// Layer diff IDs (images and SBOMs that record them).
    layers: Vec<String>,
}

fn read_target(args: &VulnsArgs) -> anyhow::Result<Scanned> {
    let path = Path::new(&args.target);
    if !args.target.starts_with("dir:") && path.is_file() && is_sbom_file(path) {
        let bytes = hullscan_workspace::input::read_file(path)
            .with_context(|| format!("reading the SBOM {}", args.target))?;
        let (kind, sbom) =
            hullscan_vulns::sbom::read(&args.target, &bytes).map_err(anyhow::Error::msg)?;
        return Ok(Scanned {
            note: format!(
                "read the {} SBOM {}{}",
                kind.as_str(),
                args.target,
                sbom.subject
                    .as_deref()
                    .map(|s| format!(" (of {s})"))
                    .unwrap_or_default()
            ),
            inventory: sbom.inventory,
            image: None,
            layers: sbom.layers,
        });
    }
    let target =
        inventory_target::open(&args.target, &args.source, args.max_layer_size, &args.cache)?;
    let layers = target
        .image
        .iter()
        .flat_map(|image| &image.layers)
        .map(|l| l.diff_id.to_string())
        .collect();
    Ok(Scanned {
        note: target.note,
        inventory: target.inventory,
        image: target.image,
        layers,
    })
}

/// A JSON file that starts like an SBOM (an image archive is a tar).
fn is_sbom_file(path: &Path) -> bool {
    use std::io::Read as _;
    let mut head = vec![0u8; 4096];
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(read) = file.read(&mut head) else {
        return false;
    };
    head.truncate(read);
    hullscan_vulns::sbom::looks_like_sbom(&head)
}

pub fn run(args: VulnsArgs) -> anyhow::Result<ExitStatus> {
    // The database and the filter files first: a missing database should not wait for a
    // whole image to be read.
    let db = open_checked(&args.filter, args.quiet)?;
    let mut filters = filters(&args.filter)?;
    if let Some(severity) = &args.severity {
        filters.severity = severity.clone();
    }
    filters.informational = !args.no_informational;
    let mut scanned = read_target(&args)?;
    let mut dockerfile_source = None;
    if let Some(path) = &args.dockerfile {
        let Some(image) = scanned.image.as_mut() else {
            bail!("--dockerfile needs an image target (not a directory or an SBOM)");
        };
        let text =
            hullscan_workspace::input::read_file_to_string(path).context("reading --dockerfile")?;
        let name = path.display().to_string();
        hullscan_image::dockerfile::attribute(image, &name, &text, args.target_stage.as_deref());
        dockerfile_source = Some(Arc::new(SourceFile::new(name, text)));
    }
    let started = std::time::Instant::now();
    let report = hullscan_vulns::scan(&db, &scanned.inventory, &filters)?;
    let elapsed = started.elapsed();
    if !args.quiet {
        eprintln!(
            "hullscan: {}; {} package(s), {} looked up in {:.1} ms",
            crate::output::safe_message(&scanned.note),
            scanned.inventory.packages.len(),
            report.packages_checked,
            elapsed.as_secs_f64() * 1000.0
        );
        for note in scanned.inventory.notes.iter().chain(&report.notes) {
            eprintln!("hullscan: note: {}", crate::output::safe_message(note));
        }
    }
    let failed = args.fail_on.level().is_some_and(|min| {
        report
            .findings
            .iter()
            .any(|f| f.informational.is_none() && f.level() >= min)
    });
    let instructions = instructions(&report.findings, scanned.image.as_ref());
    match args.format {
        VulnsFormat::Human => print_table(&report, &instructions, args.quiet)?,
        VulnsFormat::Json => print_json(&args.target, &db, &report, &instructions)?,
        other => {
            let format = match other {
                VulnsFormat::Concise => FormatArg::Concise,
                VulnsFormat::Sarif => FormatArg::Sarif,
                VulnsFormat::Checkstyle => FormatArg::Checkstyle,
                VulnsFormat::Gitlab => FormatArg::Gitlab,
                VulnsFormat::Github => FormatArg::Github,
                _ => FormatArg::Junit,
            };
            let output = OutputArgs {
                format,
                color: args.color,
                no_color: false,
            };
            let reports = reports(
                &args.target,
                &report.findings,
                &scanned.layers,
                scanned.image.as_ref(),
                dockerfile_source,
            );
            output.print(&reports)?;
        }
    }
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// The findings as diagnostics: on the image, or, with --dockerfile, on the instruction that
/// installed the package.
pub fn reports(
    subject: &str,
    findings: &[VulnFinding],
    layers: &[String],
    image: Option<&Image>,
    dockerfile: Option<Arc<SourceFile>>,
) -> Vec<FileReport> {
    let diagnostics: Vec<_> = findings
        .iter()
        .map(|f| hullscan_vulns::diagnostics::to_diagnostic(f, subject, layers))
        .collect();
    let (on_image, on_dockerfile) = match (image, &dockerfile) {
        (Some(image), Some(_)) => {
            hullscan_image::dockerfile::attribute_findings(image, diagnostics)
        }
        _ => (diagnostics, Vec::new()),
    };
    let mut reports = vec![FileReport {
        path: subject.to_owned(),
        subject: Subject::Image,
        source: None,
        diagnostics: on_image,
    }];
    if let Some(source) = dockerfile
        && !on_dockerfile.is_empty()
    {
        let mut report = FileReport::for_source(source, on_dockerfile);
        report.sort();
        reports.push(report);
    }
    reports
}

/// For each finding, the instruction that installed the package: the Dockerfile line with
/// --dockerfile, else the layer's history entry (credentials masked).
fn instructions(findings: &[VulnFinding], image: Option<&Image>) -> Vec<Option<String>> {
    findings
        .iter()
        .map(|finding| {
            let image = image?;
            let layer = finding.layer?;
            let history = image.layers.get(layer)?.history;
            if let Some(found) = history.and_then(|h| image.attribution.get(h)?.as_ref()) {
                return Some(format!(
                    "{}:{}: {}",
                    found.dockerfile,
                    found.line,
                    hullscan_image_rules::masked_instruction(&found.text)
                ));
            }
            image
                .layer_instruction(layer)
                .filter(|line| !line.trim().is_empty())
                .map(hullscan_image_rules::masked_instruction)
        })
        .collect()
}

fn cut(text: &str, width: usize) -> String {
    let text = safe_field(text);
    if text.chars().count() <= width {
        return text.into_owned();
    }
    let mut short: String = text.chars().take(width.saturating_sub(1)).collect();
    short.push('…');
    short
}

fn print_table(
    report: &Report,
    instructions: &[Option<String>],
    quiet: bool,
) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if report.findings.is_empty() {
        writeln!(out, "no vulnerabilities found")?;
    } else {
        let rows: Vec<[String; 6]> = report
            .findings
            .iter()
            .map(|f| {
                let severity = match &f.informational {
                    Some(kind) => kind.to_uppercase(),
                    None => f.level().as_str().to_owned(),
                };
                [
                    cut(&f.id, 24),
                    severity,
                    cut(&f.package, 28),
                    cut(&f.installed, 24),
                    cut(f.fixed_display(), 24),
                    f.layer.map(|l| l.to_string()).unwrap_or_default(),
                ]
            })
            .collect();
        let headers = ["ID", "SEVERITY", "PACKAGE", "INSTALLED", "FIXED", "LAYER"];
        let mut widths = headers.map(str::len);
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        for (i, h) in headers.iter().enumerate() {
            write!(out, "{h:<w$}  ", w = widths[i])?;
        }
        writeln!(out, "SUMMARY")?;
        for ((row, finding), instruction) in rows.iter().zip(&report.findings).zip(instructions) {
            for (i, cell) in row.iter().enumerate() {
                let pad = widths[i].saturating_sub(cell.chars().count());
                write!(out, "{cell}{}  ", " ".repeat(pad))?;
            }
            writeln!(out, "{}", cut(&finding.summary, 70))?;
            if !finding.aliases.is_empty() {
                writeln!(
                    out,
                    "    aliases: {}",
                    cut(&finding.aliases.join(", "), 120)
                )?;
            }
            if let Some(path) = finding.evidence.first() {
                writeln!(out, "    found in: /{}", cut(path, 120))?;
            }
            if let Some(instruction) = instruction {
                writeln!(out, "    installed by: {}", cut(instruction, 120))?;
            }
        }
    }
    if !report.suppressed.is_empty() {
        writeln!(out, "\nsuppressed ({}):", report.suppressed.len())?;
        for s in &report.suppressed {
            let why = match &s.suppression {
                Suppression::IgnoreFile {
                    reason, expires, ..
                } => format!(
                    "ignore file: {reason}{}",
                    expires
                        .as_deref()
                        .map(|e| format!(" (until {e})"))
                        .unwrap_or_default()
                ),
                Suppression::Vex {
                    document,
                    status,
                    justification,
                    ..
                } => format!(
                    "VEX {document}: {status}{}",
                    justification
                        .as_deref()
                        .map(|j| format!(" ({j})"))
                        .unwrap_or_default()
                ),
            };
            writeln!(
                out,
                "  {} in {} {}: {}",
                cut(&s.finding.id, 40),
                cut(&s.finding.package, 40),
                cut(&s.finding.installed, 40),
                cut(&why, 120)
            )?;
        }
    }
    out.flush()?;
    if !quiet {
        let counts: Vec<String> = hullscan_vulns::counts(&report.findings)
            .into_iter()
            .map(|(level, n)| format!("{n} {}", level.as_str()))
            .collect();
        eprintln!(
            "hullscan: {} vulnerabilit{} ({}); {} suppressed, {} filtered out",
            report.findings.len(),
            if report.findings.len() == 1 {
                "y"
            } else {
                "ies"
            },
            if counts.is_empty() {
                "none".to_owned()
            } else {
                counts.join(", ")
            },
            report.suppressed.len(),
            report.filtered
        );
    }
    Ok(())
}

/// The JSON document (docs/vulnerabilities.md); every string from the target is made safe.
#[derive(Serialize)]
struct JsonReport<'a> {
    format_version: u32,
    subject: String,
    database: JsonDb,
    packages_checked: usize,
    findings: Vec<JsonFinding<'a>>,
    suppressed: Vec<JsonSuppressed<'a>>,
    filtered: usize,
    notes: Vec<String>,
}

#[derive(Serialize)]
struct JsonDb {
    built_at: i64,
    age_seconds: i64,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    id: &'a str,
    aliases: &'a [String],
    ecosystem: &'a str,
    package: String,
    installed: String,
    fixed: Option<&'a str>,
    fixed_display: &'a str,
    severity: &'static str,
    severity_source: Option<&'a str>,
    score: Option<f32>,
    vector: Option<&'a str>,
    summary: String,
    informational: Option<&'a str>,
    binaries: Vec<String>,
    purl: String,
    layer: Option<usize>,
    evidence: Vec<String>,
    instruction: Option<String>,
}

#[derive(Serialize)]
struct JsonSuppressed<'a> {
    #[serde(flatten)]
    finding: JsonFinding<'a>,
    suppressed_by: &'a Suppression,
}

fn json_finding<'a>(finding: &'a VulnFinding, instruction: Option<String>) -> JsonFinding<'a> {
    let safe = |s: &str| safe_field(s).into_owned();
    JsonFinding {
        id: &finding.id,
        aliases: &finding.aliases,
        ecosystem: &finding.ecosystem,
        package: safe(&finding.package),
        installed: safe(&finding.installed),
        fixed: finding.fixed.as_deref(),
        fixed_display: finding.fixed_display(),
        severity: finding.level().as_str(),
        severity_source: finding.severity.as_ref().map(|s| s.source.as_str()),
        score: finding.severity.as_ref().and_then(|s| s.score),
        vector: finding.severity.as_ref().and_then(|s| s.vector.as_deref()),
        summary: safe(&finding.summary),
        informational: finding.informational.as_deref(),
        binaries: finding.binaries.iter().map(|b| safe(b)).collect(),
        purl: safe(&finding.purl),
        layer: finding.layer,
        evidence: finding
            .evidence
            .iter()
            .map(|p| safe(&format!("/{p}")))
            .collect(),
        instruction: instruction.map(|i| safe(&i)),
    }
}

fn print_json(
    target: &str,
    db: &Database,
    report: &Report,
    instructions: &[Option<String>],
) -> anyhow::Result<()> {
    let document = JsonReport {
        format_version: 1,
        subject: safe_field(target).into_owned(),
        database: JsonDb {
            built_at: db.built_at(),
            age_seconds: now() - db.built_at(),
        },
        packages_checked: report.packages_checked,
        findings: report
            .findings
            .iter()
            .zip(instructions)
            .map(|(f, i)| json_finding(f, i.clone()))
            .collect(),
        suppressed: report
            .suppressed
            .iter()
            .map(|s| JsonSuppressed {
                finding: json_finding(&s.finding, None),
                suppressed_by: &s.suppression,
            })
            .collect(),
        filtered: report.filtered,
        notes: report
            .notes
            .iter()
            .map(|n| safe_field(n).into_owned())
            .collect(),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    serde_json::to_writer_pretty(&mut out, &document)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}
