//! The context walker: a parallel port of the walk BuildKit's sender (fsutil) performs.
//!
//! - Entries are classified from the directory entry's type; symlinks are sent as links and
//!   never followed. Only files that are sent are `stat`ed (for their size).
//! - Each path is decided from its own pattern hits and its parent directory's per-pattern
//!   results (`MatchesUsingParentResults`), which is where the walk can differ from
//!   whole-path matching.
//! - An excluded directory is skipped without being read unless an exception could
//!   re-include something inside it. A re-included file inside an excluded directory brings
//!   the directories on its path with it.

use std::fs;
use std::io;
use std::path::Path;

use hullscan_ignore::{MatchInfo, MatchScratch, PatternMatcher};
use rayon::prelude::*;

use crate::model::{ContextEntry, EntryKind, ExcludedEntry, PatternUsage, WalkProblem};

/// What one walk produced.
#[derive(Debug, Default)]
pub struct WalkOutput {
    pub entries: Vec<ContextEntry>,
    pub excluded: Vec<ExcludedEntry>,
    pub usage: PatternUsage,
    pub problems: Vec<WalkProblem>,
}


/// A directory's walk result before flattening: entries in path order, as a list of runs so
/// results move up the tree without copying every entry at every level.
#[derive(Debug, Default)]
struct DirOutput {
    segments: Vec<Vec<ContextEntry>>,
    excluded: Vec<ExcludedEntry>,
    usage: PatternUsage,
    problems: Vec<WalkProblem>,
}

/// Per-directory state handed to its children.
struct DirState {
    /// Relative path (`""` for the root).
    rel: String,
    info: MatchInfo,
    /// Patterns applying to this directory (matching it or an ancestor).
    applying: Vec<bool>,
}

/// Which engine's walk to reproduce.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WalkOptions {
    /// Reproduce Docker Engine before 23 (BuildKit before 0.11): an excluded directory is
    /// skipped unless an exception names a path inside it, even when some exception has
    /// wildcards. Current engines descend whenever an exception has wildcards.
    pub legacy_exception_skip: bool,
}

/// Walks `root` and returns what Docker would send with `matcher` (none: everything).
pub fn walk(root: &Path, matcher: Option<&PatternMatcher>) -> WalkOutput {
    walk_with(root, matcher, WalkOptions::default())
}

/// [`walk`] with options.
pub fn walk_with(
    root: &Path,
    matcher: Option<&PatternMatcher>,
    options: WalkOptions,
) -> WalkOutput {
    let patterns = matcher.map_or(0, |m| m.patterns().len());
    let state = DirState {
        rel: String::new(),
        info: MatchInfo::default(),
        applying: vec![false; patterns],
    };
    let (tree, _) = walk_dir(root, &state, matcher, options);
    let total = tree.segments.iter().map(Vec::len).sum();
    let mut entries = Vec::with_capacity(total);
    for segment in tree.segments {
        entries.extend(segment);
    }
    debug_assert!(entries.windows(2).all(|w| w[0].path <= w[1].path));
    let mut output = WalkOutput {
        entries,
        excluded: tree.excluded,
        usage: tree.usage,
        problems: tree.problems,
    };
    output.excluded.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    output.problems.sort_by(|a, b| a.path.cmp(&b.path));
    output
}

fn io_problem(rel: &str, err: &io::Error) -> WalkProblem {
    WalkProblem {
        path: if rel.is_empty() {
            ".".to_owned()
        } else {
            rel.to_owned()
        },
        message: err.to_string(),
    }
}

/// One directory item, in the order Docker's sorted path list needs.
struct Item {
    /// The name, with `/` appended for directories.
    key: String,
    kind: EntryKind,
    entry: fs::DirEntry,
}

/// What happened to one item, in sibling order.
enum Outcome {
    /// A sent file, link or other entry.
    Sent(ContextEntry),
    /// A directory: whether it is itself sent, and the index of its walk in `children`.
    Dir {
        rel: String,
        sent: bool,
        child: Option<usize>,
    },
    Excluded,
}

/// Walks one directory; returns its output (entries in path order) and whether anything
/// below it was sent.
fn walk_dir(
    abs: &Path,
    dir: &DirState,
    matcher: Option<&PatternMatcher>,
    options: WalkOptions,
) -> (DirOutput, bool) {
    let patterns = matcher.map_or(0, |m| m.patterns().len());
    let mut output = DirOutput {
        usage: PatternUsage::new(patterns),
        ..DirOutput::default()
    };
    let read = match fs::read_dir(abs) {
        Ok(read) => read,
        Err(err) => {
            output.problems.push(io_problem(&dir.rel, &err));
            return (output, false);
        }
    };
    let mut items: Vec<Item> = Vec::new();
    for item in read {
        let entry = match item {
            Ok(entry) => entry,
            Err(err) => {
                output.problems.push(io_problem(&dir.rel, &err));
                continue;
            }
        };
        let file_type = match entry.file_type() {
            Ok(t) => t,
            Err(err) => {
                let name = entry.file_name().to_string_lossy().into_owned();
                output
                    .problems
                    .push(io_problem(&join(&dir.rel, &name), &err));
                continue;
            }
        };
        let kind = if file_type.is_symlink() {
            EntryKind::Symlink
        } else if file_type.is_dir() {
            EntryKind::Dir
        } else if file_type.is_file() {
            EntryKind::File
        } else {
            EntryKind::Other
        };
        let mut key = entry.file_name().to_string_lossy().into_owned();
        if kind == EntryKind::Dir {
            key.push('/');
        }
        items.push(Item { key, kind, entry });
    }
    items.sort_unstable_by(|a, b| a.key.cmp(&b.key));

    let mut scratch = MatchScratch::default();
    let mut direct: Vec<bool> = Vec::with_capacity(patterns);
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(items.len());
    let mut subdirs: Vec<(std::path::PathBuf, DirState, bool)> = Vec::new();
    let mut sent_any = false;
    for item in items {
        let kind = item.kind;
        let name = item.key.strip_suffix('/').unwrap_or(&item.key);
        let rel = join(&dir.rel, name);

        let mut info = MatchInfo::default();
        let mut excluded = false;
        if let Some(matcher) = matcher {
            matcher.direct_hits_into(&rel, &mut scratch, &mut direct);
            let decision = if kind == EntryKind::Dir {
                matcher
                    .decide(&direct, &dir.info)
                    .map(|(excluded, dir_info)| {
                        info = dir_info;
                        excluded
                    })
            } else {
                matcher.decide_excluded(&direct, &dir.info)
            };
            match decision {
                Ok(decided) => excluded = decided,
                // Docker fails the whole build here; record it and treat the path as sent so
                // the rest of the report stays useful.
                Err(err) => output.problems.push(WalkProblem {
                    path: rel.clone(),
                    message: err.to_string(),
                }),
            }
            // Usage: which patterns apply (directly or through an ancestor), and which one
            // is the last to apply (the one that decides).
            let mut last = None;
            for (index, (hit, inherited)) in direct.iter().zip(&dir.applying).enumerate() {
                if *hit || *inherited {
                    output.usage.applied[index] = true;
                    last = Some(index);
                }
            }
            if let Some(last) = last {
                output.usage.decided[last] = true;
            }
        }

        if kind == EntryKind::Dir {
            let descend = !excluded
                || matcher.is_some_and(|m| {
                    if options.legacy_exception_skip {
                        m.exception_names_path_under(&rel)
                    } else {
                        m.must_descend_into_excluded(&rel)
                    }
                });
            if excluded {
                output.excluded.push(ExcludedEntry {
                    path: rel.clone(),
                    kind,
                    subtree_skipped: !descend,
                });
            } else {
                sent_any = true;
            }
            let child = if descend {
                let applying = direct
                    .iter()
                    .zip(&dir.applying)
                    .map(|(hit, inherited)| *hit || *inherited)
                    .collect();
                subdirs.push((
                    item.entry.path(),
                    DirState {
                        rel: rel.clone(),
                        info,
                        applying,
                    },
                    excluded,
                ));
                Some(subdirs.len() - 1)
            } else {
                None
            };
            outcomes.push(Outcome::Dir {
                rel,
                sent: !excluded,
                child,
            });
            continue;
        }

        if excluded {
            output.excluded.push(ExcludedEntry {
                path: rel,
                kind,
                subtree_skipped: false,
            });
            outcomes.push(Outcome::Excluded);
            continue;
        }
        let (size, link_target) = match kind {
            EntryKind::File => match item.entry.metadata() {
                Ok(meta) => (meta.len(), None),
                Err(err) => {
                    output.problems.push(io_problem(&rel, &err));
                    (0, None)
                }
            },
            EntryKind::Symlink => (
                0,
                fs::read_link(item.entry.path())
                    .ok()
                    .map(|t| t.to_string_lossy().into_owned()),
            ),
            _ => (0, None),
        };
        outcomes.push(Outcome::Sent(ContextEntry {
            path: rel,
            kind,
            size,
            link_target,
        }));
        sent_any = true;
    }

    let mut children: Vec<Option<(DirOutput, bool)>> = subdirs
        .into_par_iter()
        .map(|(path, state, excluded)| {
            let (mut out, below) = walk_dir(&path, &state, matcher, options);
            if excluded {
                // An unreadable excluded directory is fine for Docker (it only fails on
                // permission errors for paths it sends).
                out.problems.retain(|p| p.path != state.rel);
            }
            Some((out, below))
        })
        .collect();

    // Assemble so the entries come out sorted by full path. A directory takes two places
    // among its siblings: its own entry sorts by its name (`a` before `a.txt`), its contents
    // by its name plus `/` (`a/b` after `a.txt`).
    enum Piece {
        Entry(ContextEntry),
        Children(DirOutput),
    }
    let mut pieces: Vec<(String, Piece)> = Vec::with_capacity(outcomes.len() + children.len());
    for outcome in outcomes {
        match outcome {
            Outcome::Sent(entry) => pieces.push((String::new(), Piece::Entry(entry))),
            Outcome::Excluded => {}
            Outcome::Dir { rel, sent, child } => {
                let child = child.and_then(|i| children[i].take());
                let below = child.as_ref().is_some_and(|(_, below)| *below);
                sent_any |= below;
                if let Some((child, _)) = child {
                    pieces.push((format!("{rel}/"), Piece::Children(child)));
                }
                // A re-included path inside an excluded directory brings the directory too.
                if sent || below {
                    pieces.push((
                        String::new(),
                        Piece::Entry(ContextEntry {
                            path: rel,
                            kind: EntryKind::Dir,
                            size: 0,
                            link_target: None,
                        }),
                    ));
                }
            }
        }
    }
    fn key(piece: &(String, Piece)) -> &str {
        match &piece.1 {
            Piece::Entry(entry) => &entry.path,
            Piece::Children(_) => &piece.0,
        }
    }
    pieces.sort_by(|a, b| key(a).cmp(key(b)));
    let mut run: Vec<ContextEntry> = Vec::new();
    for (_, piece) in pieces {
        match piece {
            Piece::Entry(entry) => run.push(entry),
            Piece::Children(child) => {
                if !child.segments.is_empty() {
                    output.segments.push(std::mem::take(&mut run));
                    output.segments.extend(child.segments);
                }
                output.excluded.extend(child.excluded);
                output.usage.merge(&child.usage);
                output.problems.extend(child.problems);
            }
        }
    }
    if !run.is_empty() {
        output.segments.push(run);
    }
    output.segments.retain(|s| !s.is_empty());
    (output, sent_any)
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        let mut path = String::with_capacity(parent.len() + 1 + name.len());
        path.push_str(parent);
        path.push('/');
        path.push_str(name);
        path
    }
}
