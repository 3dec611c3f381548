//! `hullscan secrets [PATH...]`: scan files and directories (or stdin) for secrets.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use clap::Args;
use hullscan_diagnostics::{FileReport, Location};
use hullscan_secrets::{Allowlist, FileScan, ScanLimits, Scanner};
use hullscan_text::{SourceFile, TextRange};
use rayon::prelude::*;

use crate::ExitStatus;
use crate::output::OutputArgs;

#[derive(Debug, Args)]
pub struct SecretsArgs {
    /// Files and directories to scan (`-` for stdin). Directories are walked honouring
    /// `.gitignore`/`.ignore`; hidden files are scanned, `.git` directories are not.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Accept the finding with this fingerprint (repeatable).
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
    /// Do not honour `.gitignore`, `.ignore` and similar files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Exit 0 even when there are findings.
    #[arg(long)]
    pub exit_zero: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// One file to scan: its path on disk (None for stdin) and the path to report.
struct Target {
    disk: Option<PathBuf>,
    display: String,
}

pub fn run(args: SecretsArgs) -> anyhow::Result<ExitStatus> {
    let allowlist = Allowlist::from_lists(
        &args.allow_fingerprints,
        &args.allow_paths,
        &args.allow_detectors,
    )?;
    let limits = ScanLimits {
        max_bytes: args.max_file_size,
        ..ScanLimits::default()
    };
    let mut errors = 0usize;
    let mut targets = Vec::new();
    for path in &args.paths {
        if path.as_os_str() == "-" {
            targets.push(Target {
                disk: None,
                display: "-".to_owned(),
            });
            continue;
        }
        if !path.exists() {
            eprintln!("hullscan: error: {}: no such file or directory", path.display());
            errors += 1;
            continue;
        }
        collect(path, args.no_ignore, &mut targets, &mut errors);
    }
    let scanner = Scanner::global();
    let results: Vec<Result<Option<FileReport>, String>> = targets
        .par_iter()
        .map(|target| scan_target(scanner, target, limits, &allowlist))
        .collect();
    let mut reports = Vec::new();
    for result in results {
        match result {
            Ok(Some(report)) => reports.push(report),
            Ok(None) => {}
            Err(message) => {
                eprintln!("hullscan: error: {message}");
                errors += 1;
            }
        }
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    args.output.print(&reports)?;
    let findings = reports.iter().any(|r| !r.diagnostics.is_empty());
    Ok(if errors > 0 {
        ExitStatus::Error
    } else if findings && !args.exit_zero {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn collect(root: &Path, no_ignore: bool, targets: &mut Vec<Target>, errors: &mut usize) {
    if root.is_file() {
        targets.push(Target {
            disk: Some(root.to_owned()),
            display: root.display().to_string(),
        });
        return;
    }
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(!no_ignore)
        .git_global(!no_ignore)
        .git_exclude(!no_ignore)
        .ignore(!no_ignore)
        .parents(!no_ignore)
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
                });
            }
            Ok(_) => {}
            Err(err) => {
                eprintln!("hullscan: error: {err}");
                *errors += 1;
            }
        }
    }
}

fn scan_target(
    scanner: &Scanner,
    target: &Target,
    limits: ScanLimits,
    allowlist: &Allowlist,
) -> Result<Option<FileReport>, String> {
    if allowlist.allows_path(&target.display) {
        return Ok(None);
    }
    // Read the scanned window plus one byte, so a larger file is known to be larger.
    let cap = limits.max_bytes.saturating_add(1);
    let (bytes, total) = match &target.disk {
        Some(path) => {
            let file = std::fs::File::open(path)
                .with_context(|| format!("{}: cannot open", target.display))
                .map_err(|e| format!("{e:#}"))?;
            let total = file.metadata().map(|m| m.len()).unwrap_or(0);
            let mut bytes = Vec::new();
            file.take(cap)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("{}: cannot read: {e}", target.display))?;
            let total = total.max(bytes.len() as u64);
            (bytes, total)
        }
        None => {
            let mut bytes = Vec::new();
            let mut stdin = std::io::stdin().lock();
            (&mut stdin)
                .take(cap)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("stdin: cannot read: {e}"))?;
            // Count (and discard) the rest so the truncation note has the real size.
            let rest = std::io::copy(&mut stdin, &mut std::io::sink()).unwrap_or(0);
            let total = bytes.len() as u64 + rest;
            (bytes, total)
        }
    };
    let window = &bytes[..bytes.len().min(usize::try_from(limits.max_bytes).unwrap_or(usize::MAX))];
    // Invalid UTF-8 is scanned after lossy conversion, so ranges index the text the report
    // carries; secrets are ASCII and survive it.
    let text = match std::str::from_utf8(window) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(window).into_owned(),
    };
    let mut scan: FileScan = scanner.scan_content(text.as_bytes(), limits);
    scan.total_bytes = total;
    if scan.binary {
        return Ok(None);
    }
    let note = scan.truncation_note();
    scan.findings
        .retain(|finding| !allowlist.allows(Some(&target.display), finding));
    if scan.findings.is_empty() {
        return Ok(None);
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
    Ok(Some(report))
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
