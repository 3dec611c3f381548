//! The context model: what `docker build` sends, as plain data. No I/O here.

use std::sync::Arc;

use hullscan_ignore::{IgnoreFile, IgnoreFileError, PatternMatcher};
use hullscan_text::SourceFile;
use serde::Serialize;

/// What an entry is, as the walk saw it (from the directory entry, never following links).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    File,
    Dir,
    /// Sent as a link (Docker never follows symlinks in the context).
    Symlink,
    /// A socket, FIFO or device node.
    Other,
}

/// One path Docker sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContextEntry {
    /// Slash-separated, relative to the context root.
    pub path: String,
    pub kind: EntryKind,
    /// Bytes for regular files; 0 otherwise.
    pub size: u64,
    /// The link target, for symlinks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_target: Option<String>,
}

/// Which ignore file applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IgnoreFileKind {
    /// `<Dockerfile name>.dockerignore` beside the Dockerfile (replaces the root one).
    DockerfileSpecific,
    /// `<context>/.dockerignore`.
    ContextRoot,
}

/// The ignore file that applied, with its text for diagnostics and fixes.
#[derive(Clone, Debug)]
pub struct AppliedIgnoreFile {
    pub kind: IgnoreFileKind,
    /// The path as the user should see it.
    pub display_path: String,
    pub source: Arc<SourceFile>,
    pub parsed: IgnoreFile,
}

/// How often each pattern mattered during the walk (index = pattern index).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PatternUsage {
    /// The pattern matched (itself or through a parent) at least one path the walk looked at.
    pub applied: Vec<bool>,
    /// The pattern was the *last* applying pattern (the one that decided) for at least one
    /// path the walk looked at.
    pub decided: Vec<bool>,
}

impl PatternUsage {
    pub fn new(patterns: usize) -> Self {
        Self {
            applied: vec![false; patterns],
            decided: vec![false; patterns],
        }
    }

    pub fn merge(&mut self, other: &PatternUsage) {
        for (a, b) in self.applied.iter_mut().zip(&other.applied) {
            *a |= *b;
        }
        for (a, b) in self.decided.iter_mut().zip(&other.decided) {
            *a |= *b;
        }
    }
}

/// A path the walk found excluded (reported for the largest-excluded summary and rules).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExcludedEntry {
    pub path: String,
    pub kind: EntryKind,
    /// Whether the walk skipped the whole subtree without reading it.
    pub subtree_skipped: bool,
}

/// A problem that makes Docker fail while sending the context (an unreadable directory, a
/// pattern Go cannot compile).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WalkProblem {
    pub path: String,
    pub message: String,
}

/// The build context as Docker would send it.
#[derive(Clone, Debug)]
pub struct BuildContext {
    /// The context directory as the user named it.
    pub root_display: String,
    /// The Dockerfile's path relative to the context root, when it lies inside it.
    pub dockerfile_in_context: Option<String>,
    pub ignore_file: Option<AppliedIgnoreFile>,
    /// The compiled patterns (absent when there is no ignore file or it is invalid).
    pub matcher: Option<Arc<PatternMatcher>>,
    /// Why Docker rejects the ignore file (the build fails before anything is sent).
    pub ignore_error: Option<IgnoreFileError>,
    /// Every entry sent, sorted by path.
    pub entries: Vec<ContextEntry>,
    /// Excluded paths the walk met (not their contents when skipped), sorted by path.
    pub excluded: Vec<ExcludedEntry>,
    pub usage: PatternUsage,
    pub problems: Vec<WalkProblem>,
    /// The text of small sent files whose secrecy depends on their content (`.npmrc`,
    /// `.pypirc`), by path.
    pub probed_contents: Vec<(String, String)>,
    /// The patterns of the `.gitignore` at the context root (trimmed, comments and blank
    /// lines left out): what git ignores is what a working tree creates locally.
    pub gitignore_patterns: Vec<String>,
    /// Sent entries that look like credentials (index into `entries`): filled by the loader
    /// from the walk's classification, computed on first use otherwise.
    pub(crate) secrets_cache: std::sync::OnceLock<Vec<(usize, crate::analysis::SecretKind)>>,
    /// Sent directories with the totals below them (see `analysis::dir_totals`): filled by
    /// the loader from the walk, computed on first use otherwise.
    pub(crate) dir_totals_cache: std::sync::OnceLock<Vec<(usize, u64, u64)>>,
}

impl BuildContext {
    /// Bytes of regular files sent.
    pub fn total_bytes(&self) -> u64 {
        self.entries.iter().map(|e| e.size).sum()
    }

    pub fn count(&self, kind: EntryKind) -> usize {
        self.entries.iter().filter(|e| e.kind == kind).count()
    }

    /// The probed content of a sent file, if the loader read it.
    pub fn probed_content(&self, path: &str) -> Option<&str> {
        self.probed_contents
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, c)| c.as_str())
    }

    /// Whether `path` (slash-separated, relative) is sent.
    pub fn contains(&self, path: &str) -> bool {
        self.entries
            .binary_search_by(|e| e.path.as_str().cmp(path))
            .is_ok()
    }

    /// The entries under `dir` (all of them for `""`), using the sorted order.
    pub fn entries_under<'a>(&'a self, dir: &str) -> &'a [ContextEntry] {
        if dir.is_empty() {
            return &self.entries;
        }
        let prefix = format!("{dir}/");
        let start = self
            .entries
            .partition_point(|e| e.path.as_str() < prefix.as_str());
        let end = start
            + self.entries[start..]
                .iter()
                .take_while(|e| e.path.starts_with(&prefix))
                .count();
        &self.entries[start..end]
    }
}
