//! `hullscan secrets [PATH...]`: scan files and directories (or stdin) for secrets.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use clap::Args;
use hullscan_diagnostics::{FileReport, Location};
use hullscan_secrets::{Allowlist, FileScan, ScanLimits, Scanner};
use hullscan_text::{SourceFile, TextRange};
use hullscan_workspace::{CliOverrides, Resolver, SecretsAllowlist, Settings};
use rayon::prelude::*;

use super::selection::ConfigFileArgs;
use crate::ExitStatus;
use crate::output::{FormatArg, OutputArgs};

#[derive(Debug, Args)]
#[command(
    mut_arg("config", |arg| arg.help("Take the `[secrets]` allow-lists from this configuration file for every path, instead of the nearest `hullscan.toml`/`.hullscan.toml` above each one")),
    mut_arg("no_config", |arg| arg.help("Ignore all configuration files (only the `--allow-*` options apply)")),
)]
pub struct SecretsArgs {
    /// Files and directories to scan (`-` for stdin; pipes and devices such as `/dev/stdin` are
    /// read too). Directories are walked honouring `.ignore` files; hidden files and files listed
    /// in `.gitignore` (a `.env` usually is, and Docker sends it) are scanned, `.git`
    /// directories are not.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Accept the finding with this fingerprint (repeatable; added to `hullscan.toml`'s
    /// `[secrets] allow-fingerprints`).
    #[arg(long = "allow-fingerprint", value_name = "FINGERPRINT")]
    pub allow_fingerprints: Vec<String>,
    /// Skip files whose path matches this glob (repeatable; a pattern without `/` matches the
    /// file name anywhere).
    #[arg(long = "allow-path", value_name = "GLOB")]
    pub allow_paths: Vec<String>,
    /// Accept every finding of a detector id (`github-pat`), rule code (`HS705`) or rule name
    /// (`saas-token`) (repeatable).
    #[arg(long = "allow-detector", value_name = "DETECTOR")]
    pub allow_detectors: Vec<String>,
    /// Scan at most this many bytes of each file; the rest of a larger file is not scanned and
    /// its findings say so.
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_file_size: u64,
    /// Do not honour `.ignore` files (nor `.gitignore` with `--respect-gitignore`).
    #[arg(long)]
    pub no_ignore: bool,
    /// Skip files listed in `.gitignore` (and Git's exclude files); the run says how many.
    #[arg(long, conflicts_with = "no_ignore")]
    pub respect_gitignore: bool,
    /// Exit 0 even when there are findings.
    #[arg(long)]
    pub exit_zero: bool,
    #[command(flatten)]
    pub config: ConfigFileArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// One file to scan: its path on disk (None for stdin) and the path to report.
struct Target {
    disk: Option<PathBuf>,
    display: String,
    /// A pipe, device or socket named on the command line: read as a stream, bounded.
    stream: bool,
}

/// Why a file (or part of one) was not scanned; the run says so instead of passing silently.
enum Skipped {
    /// A NUL byte in the first 8 KiB and no UTF-16 byte-order mark.
    Binary,
    /// Only the first `--max-file-size` bytes were scanned.
    Truncated(String),
}

/// What a file's findings are checked against: the command line's allow-list (path globs
/// match the path as reported) and its configuration's `[secrets]` table (globs relative to
/// the configuration file).
struct Allowed<'a> {
    cli: &'a Allowlist,
    config: &'a SecretsAllowlist,
}

impl Allowed<'_> {
    fn path(&self, target: &Target) -> bool {
        self.cli.allows_path(&target.display)
            || target
                .disk
                .as_deref()
                .is_some_and(|disk| self.config.allows_path(disk))
    }

    fn finding(&self, target: &Target, finding: &hullscan_secrets::Finding) -> bool {
        self.cli.allows(Some(&target.display), finding)
            || self.config.allows(target.disk.as_deref(), finding)
    }
}

pub fn run(args: SecretsArgs) -> anyhow::Result<ExitStatus> {
    hullscan_workspace::secrets::check_flags(&args.allow_fingerprints, &args.allow_detectors)?;
    let cli_allowlist = Allowlist::from_lists(
        &args.allow_fingerprints,
        &args.allow_paths,
        &args.allow_detectors,
    )?;
    // The same discovery as `hullscan lint`: the nearest configuration above each file (or the
    // working directory for stdin). Only its `[secrets]` table matters here, but the whole file
    // is validated, as for every command.
    let resolver = Resolver::new(args.config.mode(), CliOverrides::default())?;
    let limits = ScanLimits {
        max_bytes: args.max_file_size,
        ..ScanLimits::default()
    };
    let mut errors: Vec<String> = Vec::new();
    let mut targets = Vec::new();
    let mut gitignored = 0usize;
    // FIFOs, sockets and devices met inside walked directories: never opened (a FIFO would
    // block, a device may never end), but named, so a clean result does not hide them.
    let mut specials: Vec<Special> = Vec::new();
    for path in &args.paths {
        if path.as_os_str() == "-" {
            targets.push(Target {
                disk: None,
                display: "-".to_owned(),
                stream: true,
            });
            continue;
        }
        // A path that cannot be read is reported and skipped; the other paths are still scanned.
        match std::fs::metadata(path) {
            Ok(meta) if !meta.is_dir() && !meta.is_file() => targets.push(Target {
                disk: Some(path.clone()),
                display: path.display().to_string(),
                stream: true,
            }),
            Ok(_) => {
                let walk = Walk {
                    no_ignore: args.no_ignore,
                    gitignore: args.respect_gitignore,
                };
                let before = targets.len();
                collect(path, walk, &mut targets, &mut specials, &mut errors);
                if args.respect_gitignore {
                    let mut all = Vec::new();
                    let everything = Walk {
                        gitignore: false,
                        ..walk
                    };
                    collect(path, everything, &mut all, &mut Vec::new(), &mut Vec::new());
                    gitignored += all.len().saturating_sub(targets.len() - before);
                }
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                errors.push(format!("{}: no such file or directory", path.display()));
            }
            Err(err) => errors.push(format!("{}: cannot access: {err}", path.display())),
        }
    }
    // Settings are resolved up front, so a configuration error stops the run before any output.
    let mut settings: Vec<Arc<Settings>> = Vec::with_capacity(targets.len());
    for target in &targets {
        let lookup = target.disk.as_deref().unwrap_or(Path::new("-"));
        settings.push(resolver.settings_for(lookup)?);
    }
    let scanner = Scanner::global();
    let results: Vec<Result<Scanned, String>> = targets
        .par_iter()
        .zip(settings.par_iter())
        .map(|(target, settings)| {
            let allowed = Allowed {
                cli: &cli_allowlist,
                config: &settings.secrets,
            };
            scan_target(scanner, target, limits, &allowed)
        })
        .collect();
    let mut reports = Vec::new();
    let mut binary: Vec<&str> = Vec::new();
    let mut truncated: Vec<String> = Vec::new();
    for (result, target) in results.into_iter().zip(&targets) {
        match result {
            Ok(scanned) => {
                reports.extend(scanned.report);
                match scanned.skipped {
                    Some(Skipped::Binary) => binary.push(&target.display),
                    Some(Skipped::Truncated(note)) => {
                        truncated.push(format!("{}: {note}", target.display));
                    }
                    None => {}
                }
            }
            Err(message) => errors.push(message),
        }
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    let findings = reports.iter().any(|r| !r.diagnostics.is_empty());
    // The human format's clean summary ("All checks passed.") would be false when a path could
    // not be scanned; the machine formats still print their (empty) document.
    if findings || errors.is_empty() || args.output.format != FormatArg::Human {
        args.output.print(&reports)?;
    }
    for message in &errors {
        eprintln!("hullscan: error: {}", crate::output::safe_message(message));
    }
    // What was not scanned, so a clean result is never claimed for content nobody read.
    if !binary.is_empty() {
        let shown: Vec<&str> = binary.iter().take(3).copied().collect();
        let more = binary.len() - shown.len();
        eprintln!(
            "hullscan: note: {} file{} not scanned because {} binary (a NUL byte in the first 8 KiB, no UTF-16 byte-order mark): {}{}",
            binary.len(),
            if binary.len() == 1 { "" } else { "s" },
            if binary.len() == 1 {
                "it looks"
            } else {
                "they look"
            },
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            },
        );
    }
    for note in &truncated {
        eprintln!("hullscan: note: {note} (raise --max-file-size to scan more)");
    }
    if !specials.is_empty() {
        let shown: Vec<String> = specials
            .iter()
            .take(5)
            .map(|special| {
                format!(
                    "{} (a {})",
                    crate::output::safe_field(&special.display),
                    special.kind
                )
            })
            .collect();
        let more = specials.len() - shown.len();
        eprintln!(
            "hullscan: note: {} special file{} not scanned (FIFOs, sockets and devices inside a directory are never opened: a FIFO would block the scan, a device may never end; name one on the command line to read it as a stream): {}{}",
            specials.len(),
            if specials.len() == 1 { "" } else { "s" },
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            },
        );
    }
    if gitignored > 0 {
        eprintln!(
            "hullscan: note: {gitignored} file{} listed in .gitignore {} not scanned (--respect-gitignore); Docker still sends them unless .dockerignore excludes them",
            if gitignored == 1 { "" } else { "s" },
            if gitignored == 1 { "was" } else { "were" },
        );
    }
    if !errors.is_empty()
        && !findings
        && !targets.is_empty()
        && args.output.format == FormatArg::Human
    {
        eprintln!(
            "hullscan: no secrets found in the files that could be read, but the scan is incomplete ({} error{} above)",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
        );
    }
    Ok(if !errors.is_empty() {
        ExitStatus::Error
    } else if findings && !args.exit_zero {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Which ignore files a directory walk honours.
#[derive(Clone, Copy)]
struct Walk {
    /// Honour none (`--no-ignore`).
    no_ignore: bool,
    /// Honour `.gitignore` and Git's exclude files (`--respect-gitignore`).
    gitignore: bool,
}

/// A FIFO, socket or device found by a directory walk, and not read.
struct Special {
    display: String,
    kind: &'static str,
}

/// What kind of special file `kind` is, or `None` for a regular file, directory or symlink.
fn special_kind(kind: std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("FIFO");
        }
        if kind.is_socket() {
            return Some("socket");
        }
        if kind.is_char_device() {
            return Some("character device");
        }
        if kind.is_block_device() {
            return Some("block device");
        }
    }
    let _ = kind;
    None
}

fn collect(
    root: &Path,
    walk: Walk,
    targets: &mut Vec<Target>,
    specials: &mut Vec<Special>,
    errors: &mut Vec<String>,
) {
    if root.is_file() {
        targets.push(Target {
            disk: Some(root.to_owned()),
            display: root.display().to_string(),
            stream: false,
        });
        return;
    }
    let gitignore = walk.gitignore && !walk.no_ignore;
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(gitignore)
        .git_global(gitignore)
        .git_exclude(gitignore)
        .ignore(!walk.no_ignore)
        .parents(!walk.no_ignore)
        .require_git(false)
        .filter_entry(|entry| entry.file_name() != ".git")
        .build();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                let path = entry.into_path();
                let display = path
                    .strip_prefix("./")
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                targets.push(Target {
                    disk: Some(path),
                    display,
                    stream: false,
                });
            }
            Ok(entry) => {
                if let Some(kind) = entry.file_type().and_then(special_kind) {
                    let path = entry.path();
                    let display = path
                        .strip_prefix("./")
                        .unwrap_or(path)
                        .display()
                        .to_string();
                    specials.push(Special { display, kind });
                }
            }
            Err(err) => errors.push(err.to_string()),
        }
    }
}

/// What scanning one target gave: its findings, and what was not scanned.
struct Scanned {
    report: Option<FileReport>,
    skipped: Option<Skipped>,
}

/// Opens a pipe or device without waiting for a writer: a FIFO nobody writes to then reads
/// as empty instead of hanging the run (the open is non-blocking, the reads are not).
fn open_stream(path: &Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let flags = rustix::fs::fcntl_getfl(&fd)?;
    rustix::fs::fcntl_setfl(&fd, flags - OFlags::NONBLOCK)?;
    Ok(std::fs::File::from(fd))
}

/// Bytes counted (not kept) past the scanned window of a stream, so a note can give its size
/// without reading an endless one (`/dev/zero`) forever.
const STREAM_COUNT_LIMIT: u64 = 1024 * 1024 * 1024;

/// Reads at most `cap` bytes of `reader`, then counts up to [`STREAM_COUNT_LIMIT`] more:
/// `(bytes, total, whether the end was reached)`.
fn read_bounded(mut reader: impl Read, cap: u64) -> std::io::Result<(Vec<u8>, u64, bool)> {
    let mut bytes = Vec::new();
    (&mut reader).take(cap).read_to_end(&mut bytes)?;
    let rest = std::io::copy(
        &mut (&mut reader).take(STREAM_COUNT_LIMIT),
        &mut std::io::sink(),
    )?;
    let ended = rest < STREAM_COUNT_LIMIT;
    let total = bytes.len() as u64 + rest;
    Ok((bytes, total, ended))
}

fn scan_target(
    scanner: &Scanner,
    target: &Target,
    limits: ScanLimits,
    allowed: &Allowed<'_>,
) -> Result<Scanned, String> {
    let nothing = Scanned {
        report: None,
        skipped: None,
    };
    if allowed.path(target) {
        return Ok(nothing);
    }
    let cap = limits.max_bytes;
    let (bytes, total, ended) = match &target.disk {
        Some(path) => {
            // Non-blocking for walked files too: one swapped for a FIFO after the walk must
            // not hang the run.
            let file = open_stream(path)
                .with_context(|| format!("{}: cannot open", target.display))
                .map_err(|e| format!("{e:#}"))?;
            if !target.stream
                && let Some(kind) = file
                    .metadata()
                    .ok()
                    .and_then(|meta| special_kind(meta.file_type()))
            {
                return Err(format!(
                    "{}: not scanned: it became a {kind} after the directory walk",
                    target.display
                ));
            }
            if target.stream {
                read_bounded(file, cap)
                    .map_err(|e| format!("{}: cannot read: {e}", target.display))?
            } else {
                // A regular file: read the window plus one byte, so a larger file is known to
                // be larger; its size comes from its metadata.
                let total = file.metadata().map(|m| m.len()).unwrap_or(0);
                let mut bytes = Vec::new();
                file.take(cap.saturating_add(1))
                    .read_to_end(&mut bytes)
                    .map_err(|e| format!("{}: cannot read: {e}", target.display))?;
                let total = total.max(bytes.len() as u64);
                (bytes, total, true)
            }
        }
        None => read_bounded(std::io::stdin().lock(), cap)
            .map_err(|e| format!("stdin: cannot read: {e}"))?,
    };
    let window = &bytes[..bytes
        .len()
        .min(usize::try_from(limits.max_bytes).unwrap_or(usize::MAX))];
    // UTF-16 with a byte-order mark is decoded (its NUL bytes are not binary); invalid UTF-8
    // is scanned after lossy conversion, so ranges index the text the report carries.
    let text = match hullscan_secrets::decode_utf16_bom(window) {
        Some(decoded) => decoded,
        None => match std::str::from_utf8(window) {
            Ok(text) => text.to_owned(),
            Err(_) => String::from_utf8_lossy(window).into_owned(),
        },
    };
    let mut scan: FileScan = scanner.scan_content(text.as_bytes(), limits);
    scan.scanned_bytes = window.len() as u64;
    scan.total_bytes = total;
    if scan.binary {
        return Ok(Scanned {
            report: None,
            skipped: Some(Skipped::Binary),
        });
    }
    let note = scan.truncation_note().map(|note| {
        if ended {
            note
        } else {
            format!("{note} (the input goes on; it was not read to its end)")
        }
    });
    let skipped = note.clone().map(Skipped::Truncated);
    // Fingerprints are keyed with the project's salt before they are compared or shown.
    for finding in &mut scan.findings {
        finding.set_fingerprint_key(allowed.config.fingerprint_key());
    }
    scan.findings
        .retain(|finding| !allowed.finding(target, finding));
    if scan.findings.is_empty() {
        return Ok(Scanned {
            report: None,
            skipped,
        });
    }
    // The report carries the text for snippets, with every secret masked, so no renderer can
    // print one.
    let masked = mask(&text, scan.findings.iter().map(|f| f.range.clone()));
    let source = Arc::new(SourceFile::new(target.display.clone(), masked));
    let diagnostics = scan
        .findings
        .iter()
        .map(|finding| {
            let range = TextRange::from_usize(finding.range.start, finding.range.end);
            finding.to_diagnostic(Location::Text(range), note.as_deref())
        })
        .collect();
    let mut report = FileReport::for_source(source, diagnostics);
    report.sort();
    // The findings' messages already say the file was not scanned to its end.
    Ok(Scanned {
        report: Some(report),
        skipped: None,
    })
}

/// `text` with every byte of each range (widened to character boundaries) replaced by `*`,
/// keeping the first character so a snippet still shows where the secret starts.
fn mask(text: &str, ranges: impl Iterator<Item = std::ops::Range<usize>>) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for range in ranges {
        let mut start = range.start.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = range.end.min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let keep = text[start..end].chars().next().map_or(0, char::len_utf8);
        for b in &mut bytes[start + keep..end] {
            // Line breaks stay so multi-line secrets (key blocks) keep their line numbers.
            if *b != b'\n' && *b != b'\r' {
                *b = b'*';
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn mask_keeps_lengths_and_lines() {
        let text = "a=Secret1\nk=é€x\n";
        let masked = mask(text, [2..9, 12..15].into_iter());
        assert_eq!(masked.len(), text.len());
        assert!(masked.starts_with("a=S******\n"));
        assert!(!masked.contains("ecret1"));
    }
}
