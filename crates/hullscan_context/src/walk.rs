//! The context walker: a parallel port of the walk BuildKit's sender (fsutil) performs.
//!
//! - Entries are classified from the directory entry's type; symlinks are sent as links and
//!   never followed. Only files that are sent are `stat`ed (for their size).
//! - I/O is one `open` + `getdents64` (64 KiB buffer, reused per thread) per directory and
//!   one `statx` per sent file, relative to the directory's fd and asking only for the size,
//!   so the kernel never walks a full path per file. Sibling directories are walked in
//!   parallel (rayon work stealing); a directory's fd is closed before descending.
//! - Each path is decided from its own pattern hits and its parent directory's per-pattern
//!   results (`MatchesUsingParentResults`), which is where the walk can differ from
//!   whole-path matching.
//! - An excluded directory is skipped without being read unless an exception could
//!   re-include something inside it. A re-included file inside an excluded directory brings
//!   the directories on its path with it.

use std::borrow::Cow;
use std::cell::RefCell;
use std::ffi::OsStr;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use hullscan_ignore::{MatchInfo, MatchScratch, PatternMatcher};
use rayon::prelude::*;
use rustix::fs::{AtFlags, FileType, Mode, OFlags, RawDir, StatxFlags, readlinkat, statx};

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
    /// The name's bytes, when they are not UTF-8 (`key` then holds a lossy copy, which
    /// cannot be used to reach the file).
    raw_name: Option<Vec<u8>>,
}

impl Item {
    /// The name as the file system knows it.
    fn name_bytes(&self) -> &[u8] {
        match &self.raw_name {
            Some(raw) => raw,
            None => self.key.strip_suffix('/').unwrap_or(&self.key).as_bytes(),
        }
    }
}

/// Bytes of the `getdents64` buffer: large enough that a directory of a few hundred
/// entries is read in one or two system calls.
const DIRENT_BUFFER: usize = 64 * 1024;

/// Opens a directory for reading its entries and `stat`ing them relative to it. The root
/// may be reached through a symlink (as `docker build` does); subdirectories come from
/// directory entries typed as directories.
fn open_dir(abs: &Path) -> io::Result<OwnedFd> {
    Ok(rustix::fs::open(
        abs,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

/// Reads every entry of `dir` (without `.` and `..`), classified from the directory entry's
/// type, falling back to `statx` (never following links) on file systems that leave the
/// type unknown.
fn read_items(dir: &OwnedFd, rel: &str, output: &mut DirOutput) -> io::Result<Vec<Item>> {
    thread_local! {
        // One buffer per thread, reused for every directory: a fresh one per directory
        // costs a page fault per 4 KiB the kernel writes.
        static DIRENT_BUFFER_POOL: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(DIRENT_BUFFER));
    }
    DIRENT_BUFFER_POOL.with_borrow_mut(|buffer| read_items_into(dir, rel, output, buffer))
}

fn read_items_into(
    dir: &OwnedFd,
    rel: &str,
    output: &mut DirOutput,
    buffer: &mut Vec<u8>,
) -> io::Result<Vec<Item>> {
    let mut raw = RawDir::new(dir, buffer.spare_capacity_mut());
    let mut items = Vec::new();
    while let Some(entry) = raw.next() {
        let entry = entry?;
        let name_bytes = entry.file_name().to_bytes();
        if name_bytes == b"." || name_bytes == b".." {
            continue;
        }
        let name = String::from_utf8_lossy(name_bytes);
        let kind = match entry.file_type() {
            FileType::Directory => EntryKind::Dir,
            FileType::RegularFile => EntryKind::File,
            FileType::Symlink => EntryKind::Symlink,
            FileType::Unknown => match statx(
                dir,
                entry.file_name(),
                AtFlags::SYMLINK_NOFOLLOW | AtFlags::STATX_DONT_SYNC,
                StatxFlags::TYPE,
            ) {
                Ok(stat) => match FileType::from_raw_mode(u32::from(stat.stx_mode)) {
                    FileType::Directory => EntryKind::Dir,
                    FileType::RegularFile => EntryKind::File,
                    FileType::Symlink => EntryKind::Symlink,
                    _ => EntryKind::Other,
                },
                Err(err) => {
                    output
                        .problems
                        .push(io_problem(&join(rel, &name), &err.into()));
                    continue;
                }
            },
            _ => EntryKind::Other,
        };
        let mut key = String::with_capacity(name.len() + 1);
        key.push_str(&name);
        if kind == EntryKind::Dir {
            key.push('/');
        }
        let raw_name = matches!(name, Cow::Owned(_)).then(|| name_bytes.to_vec());
        items.push(Item {
            key,
            kind,
            raw_name,
        });
    }
    Ok(items)
}

/// The size of the regular file `name` in `dir`: one `statx` relative to the directory's
/// fd, asking only for the size (no path walk from the root, no sync on network file
/// systems).
fn file_size(dir: &OwnedFd, name: &[u8]) -> io::Result<u64> {
    let stat = statx(
        dir,
        name,
        AtFlags::SYMLINK_NOFOLLOW | AtFlags::STATX_DONT_SYNC,
        StatxFlags::SIZE,
    )?;
    Ok(stat.stx_size)
}

/// The target of the symlink `name` in `dir`.
fn link_target(dir: &OwnedFd, name: &[u8]) -> Option<String> {
    readlinkat(dir, name, Vec::new())
        .ok()
        .map(|target| String::from_utf8_lossy(target.as_bytes()).into_owned())
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
    let dir_fd = match open_dir(abs) {
        Ok(fd) => fd,
        Err(err) => {
            output.problems.push(io_problem(&dir.rel, &err));
            return (output, false);
        }
    };
    let mut items = match read_items(&dir_fd, &dir.rel, &mut output) {
        Ok(items) => items,
        Err(err) => {
            output.problems.push(io_problem(&dir.rel, &err));
            return (output, false);
        }
    };
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
                    abs.join(OsStr::from_bytes(item.name_bytes())),
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
            EntryKind::File => match file_size(&dir_fd, item.name_bytes()) {
                Ok(size) => (size, None),
                Err(err) => {
                    output.problems.push(io_problem(&rel, &err));
                    (0, None)
                }
            },
            EntryKind::Symlink => (0, link_target(&dir_fd, item.name_bytes())),
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

    // Close this directory before descending, so open descriptors stay bounded by the
    // number of threads rather than the tree's depth.
    drop(dir_fd);
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

#[cfg(test)]
mod tests {
    use std::os::unix::ffi::OsStrExt;

    use super::*;

    /// Names that are not UTF-8 are reported lossily but still reached by their real bytes
    /// (for the size, the link target and descending), and sizes come from the fd-relative
    /// `statx`.
    #[test]
    fn non_utf8_names_are_stated_and_descended_by_their_bytes() {
        let root = tempfile::tempdir().expect("temp dir");
        let dir = root.path().join(OsStr::from_bytes(b"d\xff"));
        fs_write(&dir.join(OsStr::from_bytes(b"caf\xe9.txt")), b"12345");
        fs_write(&root.path().join("plain.txt"), b"abc");
        std::os::unix::fs::symlink("plain.txt", root.path().join("link")).expect("symlink");

        let output = walk(root.path(), None);
        assert!(output.problems.is_empty(), "{:?}", output.problems);
        let found: Vec<(&str, EntryKind, u64, Option<&str>)> = output
            .entries
            .iter()
            .map(|e| (e.path.as_str(), e.kind, e.size, e.link_target.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                ("d\u{fffd}", EntryKind::Dir, 0, None),
                ("d\u{fffd}/caf\u{fffd}.txt", EntryKind::File, 5, None),
                ("link", EntryKind::Symlink, 0, Some("plain.txt")),
                ("plain.txt", EntryKind::File, 3, None),
            ]
        );
    }

    fn fs_write(path: &Path, bytes: &[u8]) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dir");
        }
        std::fs::write(path, bytes).expect("write file");
    }
}
