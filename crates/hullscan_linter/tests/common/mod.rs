//! What the upstream-conformance harnesses (hadolint cases, BuildKit checks) share: where the
//! data is, how the case files and the differences tables are read, and the per-rule tally.

#![allow(dead_code)] // each test binary uses its own subset

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `../shared` beside the repository, when it is there (a fresh checkout may not have it).
pub fn shared_dir() -> Option<PathBuf> {
    let dir = repo_root().join("../shared");
    dir.is_dir().then_some(dir)
}

/// The non-blank lines of a `.jsonl` file with their 1-based line numbers.
pub fn jsonl_records(path: &Path) -> Vec<(usize, String)> {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| (index + 1, line.to_owned()))
        .collect()
}

/// The rows of every Markdown table in the file at `path` with at least `min_cells` cells:
/// `(1-based line number, trimmed cells)`. A missing file has no rows.
pub fn table_rows(path: &Path, min_cells: usize) -> Vec<(usize, Vec<String>)> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.trim_start().starts_with('|'))
        .map(|(index, line)| {
            let cells = line
                .trim()
                .trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().to_owned())
                .collect::<Vec<_>>();
            (index + 1, cells)
        })
        .filter(|(_, cells)| cells.len() >= min_cells)
        .collect()
}

/// How one rule's cases went.
#[derive(Default)]
pub struct Tally {
    pub total: usize,
    pub passed: usize,
    /// Failed, as a listed difference says it should.
    pub known: usize,
    /// No hullscan rule carries the code.
    pub missing: usize,
    /// Could not run here (a tool or a registry is missing).
    pub skipped: usize,
    pub failures: Vec<String>,
}

impl Tally {
    /// `passed/ran` and the non-zero counts, for a per-rule summary line.
    pub fn summary(&self, ran: usize) -> String {
        let mut line = format!("{:>3}/{:<3}", self.passed, ran);
        for (label, count) in [
            ("known", self.known),
            ("skipped", self.skipped),
            ("missing", self.missing),
            ("FAILED", self.failures.len()),
        ] {
            if count > 0 {
                let _ = write!(line, " {label} {count}");
            }
        }
        line
    }
}
