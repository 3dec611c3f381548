//! The context walker: a parallel port of the walk BuildKit's sender (fsutil) performs.
//!
//! - Entries are classified from the directory entry's type; symlinks are sent as links and
//!   never followed. Only files that are sent are `stat`ed (for their size).
//! - I/O is one `open` + `getdents64` (64 KiB buffer, reused per thread) per directory and
//!   one `statx` per sent file, relative to the directory's fd and asking only for the size,
//!   so the kernel never walks a full path per file. Sibling directories are walked in
//!   parallel (rayon work stealing), and a large directory's sizes are read on every thread;
//!   a directory's fd is closed before descending.
//! - Each path is decided from its own pattern hits and its parent directory's per-pattern
//!   results (`MatchesUsingParentResults`), which is where the walk can differ from
//!   whole-path matching.
//! - An excluded directory is skipped without being read unless an exception could
//!   re-include something inside it. A re-included file inside an excluded directory brings
//!   the directories on its path with it.
//! - Sent files are classified by name (credential-looking names) while the walk has the name
//!   at hand, in parallel, so the report needs no second pass over every path.
//! - Per-entry work allocates only the entry's own path: names live in a per-thread arena
//!   while a directory is processed, and paths are built in a reused buffer.

use std::cell::RefCell;
use std::ffi::OsStr;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use hullscan_ignore::{MatchInfo, MatchScratch, PatternMatcher};
use rayon::prelude::*;
use rustix::fs::{AtFlags, FileType, Mode, OFlags, RawDir, StatxFlags, readlinkat, statx};

use crate::analysis::{SecretDirs, SecretKind, classify_secret, name_needs_content_check};
use crate::model::{ContextEntry, EntryKind, ExcludedEntry, PatternUsage, WalkProblem};

/// What one walk produced.
#[derive(Debug, Default)]
pub struct WalkOutput {
    pub entries: Vec<ContextEntry>,
    pub excluded: Vec<ExcludedEntry>,
    pub usage: PatternUsage,
    pub problems: Vec<WalkProblem>,
    /// Sent entries (not directories) whose name looks like a credential, as `(index into
    /// entries, kind)` in index order. Names whose secrecy depends on the content are in
    /// `content_checks` instead.
    pub secrets: Vec<(usize, SecretKind)>,
    /// Sent entries (not directories) whose name needs a look at the content to classify
    /// (`.npmrc`, ...), as indices into `entries`, in order.
    pub content_checks: Vec<usize>,
    /// Every sent directory with the bytes and entries other than directories sent below
    /// it, as `(index into entries, bytes, files)`, in order.
    pub dir_totals: Vec<(usize, u64, u64)>,
}

/// A directory's walk result before flattening: entries in path order, as a list of runs so
/// results move up the tree without copying every entry at every level.
#[derive(Debug, Default)]
struct DirOutput {
    segments: Vec<Vec<ContextEntry>>,
    /// Entries in `segments`.
    len: usize,
    excluded: Vec<ExcludedEntry>,
    usage: PatternUsage,
    problems: Vec<WalkProblem>,
    /// As in [`WalkOutput`], with indices into this directory's entries.
    secrets: Vec<(usize, SecretKind)>,
    content_checks: Vec<usize>,
    dir_totals: Vec<(usize, u64, u64)>,
    /// Bytes and entries other than directories in `segments`.
    bytes: u64,
    files: u64,
}

/// Per-directory state handed to its children.
struct DirState {
    /// Relative path (`""` for the root).
    rel: String,
    info: MatchInfo,
    /// Patterns applying to this directory (matching it or an ancestor).
    applying: Vec<bool>,
    /// Credential directories on this directory's path (itself included).
    secret_dirs: SecretDirs,
}

/// Which engine's walk to reproduce.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WalkOptions {
    /// Reproduce Docker Engine before 23 (BuildKit before 0.11): an excluded directory is
    /// skipped unless an exception names a path inside it, even when some exception has
    /// wildcards. Current engines descend whenever an exception has wildcards.
    pub legacy_exception_skip: bool,
    /// The most bytes read from the ignore file (`None`: [`DEFAULT_MAX_IGNORE_FILE_BYTES`]); a
    /// larger one is an error naming it, never read whole into memory.
    pub max_ignore_file_bytes: Option<u64>,
}

/// The default cap on the ignore file: the CLI's default cap on input files (16 MiB).
pub const DEFAULT_MAX_IGNORE_FILE_BYTES: u64 = 16 << 20;

/// What every directory of one walk shares.
#[derive(Clone, Copy)]
struct Walker<'m> {
    matcher: Option<&'m PatternMatcher>,
    options: WalkOptions,
}

/// How many directory levels below the context root are walked. Deeper trees are reported as a
/// [`WalkProblem`] instead of recursing further (each level is a stack frame of the walk).
pub const MAX_WALK_DEPTH: usize = 512;

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
        secret_dirs: SecretDirs::default(),
    };
    let walker = Walker { matcher, options };
    let (tree, _) = walker.walk_dir(root, &state);
    debug_assert_eq!(tree.len, tree.segments.iter().map(Vec::len).sum::<usize>());
    let entries = flatten(tree.segments);
    debug_assert!(entries.windows(2).all(|w| w[0].path < w[1].path));
    debug_assert!(tree.secrets.windows(2).all(|w| w[0].0 < w[1].0));
    debug_assert!(tree.content_checks.windows(2).all(|w| w[0] < w[1]));
    debug_assert!(tree.dir_totals.windows(2).all(|w| w[0].0 < w[1].0));
    let mut output = WalkOutput {
        entries,
        excluded: tree.excluded,
        usage: tree.usage,
        problems: tree.problems,
        secrets: tree.secrets,
        content_checks: tree.content_checks,
        dir_totals: tree.dir_totals,
    };
    output
        .excluded
        .par_sort_unstable_by(|a, b| a.path.cmp(&b.path));
    output.problems.sort_by(|a, b| a.path.cmp(&b.path));
    output
}

/// Concatenates the runs of entries on every thread: a single thread copying (and
/// page-faulting in) the whole list would run alone after the walk.
fn flatten(segments: Vec<Vec<ContextEntry>>) -> Vec<ContextEntry> {
    let len = segments.iter().map(Vec::len).sum();
    let placeholder = ContextEntry {
        path: String::new(),
        kind: EntryKind::Other,
        size: 0,
        link_target: None,
    };
    let mut entries = Vec::with_capacity(len);
    entries.par_extend((0..len).into_par_iter().map(|_| placeholder.clone()));
    let mut targets: Vec<(&mut [ContextEntry], Vec<ContextEntry>)> =
        Vec::with_capacity(segments.len());
    let mut rest = entries.as_mut_slice();
    for segment in segments {
        let (target, tail) = std::mem::take(&mut rest).split_at_mut(segment.len());
        targets.push((target, segment));
        rest = tail;
    }
    targets.into_par_iter().for_each(|(target, segment)| {
        for (slot, entry) in target.iter_mut().zip(segment) {
            *slot = entry;
        }
    });
    entries
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

/// One directory item. Its sort key (the name, with `/` appended for directories, so the
/// order is Docker's sorted path order) lives in [`Scratch::keys`].
struct Item {
    /// The key's first bytes, big-endian (zero-padded), which decide most comparisons.
    head: u64,
    start: u32,
    len: u32,
    kind: EntryKind,
    /// The name's bytes, when they are not UTF-8 (the key then holds a lossy copy, which
    /// cannot be used to reach the file).
    raw_name: Option<Box<[u8]>>,
}

/// Per-thread buffers for processing one directory's items, reused for every directory
/// (nothing in them outlives the processing of one directory).
#[derive(Default)]
struct Scratch {
    dirents: Vec<u8>,
    keys: String,
    items: Vec<Item>,
    /// The relative path of the item being decided.
    rel: String,
    direct: Vec<bool>,
    matching: MatchScratch,
}

impl Scratch {
    fn key(&self, item: &Item) -> &str {
        &self.keys[item.start as usize..(item.start + item.len) as usize]
    }

    /// The item's name (lossy for non-UTF-8 names).
    fn name(&self, item: &Item) -> &str {
        let key = self.key(item);
        if item.kind == EntryKind::Dir {
            &key[..key.len() - 1]
        } else {
            key
        }
    }

    /// The name as the file system knows it.
    fn name_bytes<'a>(&'a self, item: &'a Item) -> &'a [u8] {
        match &item.raw_name {
            Some(raw) => raw,
            None => self.name(item).as_bytes(),
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch {
        // A fresh buffer per directory would cost a page fault per 4 KiB the kernel writes.
        dirents: Vec::with_capacity(DIRENT_BUFFER),
        ..Scratch::default()
    });
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

/// Reads every entry of `dir` (without `.` and `..`) into `scratch.items`, classified from
/// the directory entry's type, falling back to `statx` (never following links) on file
/// systems that leave the type unknown.
fn read_items(
    dir: &OwnedFd,
    rel: &str,
    problems: &mut Vec<WalkProblem>,
    scratch: &mut Scratch,
) -> io::Result<()> {
    scratch.keys.clear();
    scratch.items.clear();
    let mut raw = RawDir::new(dir, scratch.dirents.spare_capacity_mut());
    while let Some(entry) = raw.next() {
        let entry = entry?;
        let name_bytes = entry.file_name().to_bytes();
        if name_bytes == b"." || name_bytes == b".." {
            continue;
        }
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
                    let name = String::from_utf8_lossy(name_bytes);
                    problems.push(io_problem(&join(rel, &name), &err.into()));
                    continue;
                }
            },
            _ => EntryKind::Other,
        };
        let start = scratch.keys.len();
        let raw_name = match std::str::from_utf8(name_bytes) {
            Ok(name) => {
                scratch.keys.push_str(name);
                None
            }
            Err(_) => {
                scratch.keys.push_str(&String::from_utf8_lossy(name_bytes));
                Some(name_bytes.into())
            }
        };
        if kind == EntryKind::Dir {
            scratch.keys.push('/');
        }
        let key = &scratch.keys.as_bytes()[start..];
        let mut head = [0u8; 8];
        let shown = key.len().min(8);
        head[..shown].copy_from_slice(&key[..shown]);
        scratch.items.push(Item {
            head: u64::from_be_bytes(head),
            // Directory listings are far below 4 GiB of names.
            start: start as u32,
            len: key.len() as u32,
            kind,
            raw_name,
        });
    }
    Ok(())
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

/// How many files a directory must hold for their sizes to be read on every thread: one
/// `statx` costs about a microsecond, so a directory of many thousand files would otherwise
/// keep one core busy while the others have nothing left to walk.
const PARALLEL_SIZES_MIN: usize = 512;

/// Reads the sizes of the files `to_size` among `sent` (entries of the directory `dir_rel`,
/// open as `dir`); a file that cannot be `stat`ed is a problem (Docker fails on it) and
/// keeps size 0.
fn read_sizes(
    dir: &OwnedFd,
    dir_rel: &str,
    sent: &mut [ContextEntry],
    to_size: &[(usize, Option<Box<[u8]>>)],
    problems: &mut Vec<WalkProblem>,
) {
    let name_start = if dir_rel.is_empty() {
        0
    } else {
        dir_rel.len() + 1
    };
    let size_of = |sent: &[ContextEntry], (index, raw_name): &(usize, Option<Box<[u8]>>)| {
        let name = match raw_name {
            Some(raw) => raw,
            None => &sent[*index].path.as_bytes()[name_start..],
        };
        file_size(dir, name)
    };
    let sizes: Vec<io::Result<u64>> = if to_size.len() >= PARALLEL_SIZES_MIN {
        let sent = &*sent;
        to_size
            .par_iter()
            .with_min_len(PARALLEL_SIZES_MIN / 2)
            .map(|file| size_of(sent, file))
            .collect()
    } else {
        to_size.iter().map(|file| size_of(sent, file)).collect()
    };
    for ((index, _), size) in to_size.iter().zip(sizes) {
        match size {
            Ok(size) => sent[*index].size = size,
            Err(err) => problems.push(io_problem(&sent[*index].path, &err)),
        }
    }
}

/// The target of the symlink `name` in `dir`.
fn link_target(dir: &OwnedFd, name: &[u8]) -> Option<String> {
    readlinkat(dir, name, Vec::new())
        .ok()
        .map(|target| String::from_utf8_lossy(target.as_bytes()).into_owned())
}

/// What the report needs to know about a sent entry besides the entry itself.
#[derive(Clone, Copy)]
enum Mark {
    Secret(SecretKind),
    ContentCheck,
}

/// A subdirectory among a directory's items.
struct DirItem {
    rel: String,
    /// Sent entries that sort before the subdirectory's contents (`name/...`).
    sent_before: usize,
    /// Whether the directory itself is sent (not excluded).
    sent: bool,
    /// The index of its walk in `subdirs`, when it is walked.
    child: Option<usize>,
}

/// A subdirectory to walk after its parent's items are decided.
struct Subdir {
    abs: PathBuf,
    state: DirState,
    excluded: bool,
}

/// One directory's items, decided.
struct Decided {
    /// Sent files, links and other entries, in path order.
    sent: Vec<ContextEntry>,
    /// The sent files whose size is still to be read (index into `sent`), with the name's
    /// bytes when it is not UTF-8 (the path then holds a lossy copy).
    to_size: Vec<(usize, Option<Box<[u8]>>)>,
    /// Marks of sent entries (index into `sent`), in order.
    marks: Vec<(usize, Mark)>,
    dirs: Vec<DirItem>,
    subdirs: Vec<Subdir>,
    sent_any: bool,
}

fn record_mark(output: &mut DirOutput, index: usize, mark: Mark) {
    match mark {
        Mark::Secret(kind) => output.secrets.push((index, kind)),
        Mark::ContentCheck => output.content_checks.push(index),
    }
}

impl Walker<'_> {
    /// Walks one directory; returns its output (entries in path order) and whether anything
    /// below it was sent.
    fn walk_dir(&self, abs: &Path, dir: &DirState) -> (DirOutput, bool) {
        let patterns = self.matcher.map_or(0, |m| m.patterns().len());
        let mut output = DirOutput {
            usage: PatternUsage::new(patterns),
            ..DirOutput::default()
        };
        let depth = if dir.rel.is_empty() {
            0
        } else {
            dir.rel.bytes().filter(|&b| b == b'/').count() + 1
        };
        if depth > MAX_WALK_DEPTH {
            output.problems.push(WalkProblem {
                path: dir.rel.clone(),
                message: format!(
                    "directory nested more than {MAX_WALK_DEPTH} levels deep; hullscan does not walk below it"
                ),
            });
            return (output, false);
        }
        let decided = match open_dir(abs) {
            Ok(dir_fd) => SCRATCH
                .with_borrow_mut(|scratch| {
                    self.decide_items(&dir_fd, abs, dir, &mut output, scratch)
                })
                .map(|mut decided| {
                    let to_size = std::mem::take(&mut decided.to_size);
                    read_sizes(
                        &dir_fd,
                        &dir.rel,
                        &mut decided.sent,
                        &to_size,
                        &mut output.problems,
                    );
                    decided
                }),
            Err(err) => Err(err),
        };
        // The directory's fd is closed by now, so open descriptors stay bounded by the number
        // of threads rather than the tree's depth.
        let Decided {
            sent,
            marks,
            dirs,
            subdirs,
            mut sent_any,
            ..
        } = match decided {
            Ok(decided) => decided,
            Err(err) => {
                output.problems.push(io_problem(&dir.rel, &err));
                return (output, false);
            }
        };
        if dirs.is_empty() {
            // A leaf directory (most of them): its entries are already in order.
            for (index, mark) in marks {
                record_mark(&mut output, index, mark);
            }
            output.len = sent.len();
            output.files = sent.len() as u64;
            output.bytes = sent.iter().map(|e| e.size).sum();
            if !sent.is_empty() {
                output.segments.push(sent);
            }
            return (output, sent_any);
        }

        let mut children: Vec<Option<(DirOutput, bool)>> = subdirs
            .into_par_iter()
            .map(|subdir| {
                let (mut out, below) = self.walk_dir(&subdir.abs, &subdir.state);
                if subdir.excluded {
                    // An unreadable excluded directory is fine for Docker (it only fails on
                    // permission errors for paths it sends).
                    out.problems.retain(|p| p.path != subdir.state.rel);
                }
                Some((out, below))
            })
            .collect();

        // Assemble so the entries come out sorted by full path. A directory takes two places
        // among its siblings: its own entry sorts by its name (`a` before `a.txt`), its
        // contents by its name plus `/` (`a/b` after `a.txt`).
        enum Tag {
            Plain,
            Mark(Mark),
            /// A directory's own entry, with the totals below it.
            Dir(u64, u64),
        }
        enum Piece {
            Entry(ContextEntry, Tag),
            Children(String, DirOutput),
        }
        fn key(piece: &Piece) -> &str {
            match piece {
                Piece::Entry(entry, _) => &entry.path,
                Piece::Children(key, _) => key,
            }
        }
        let mut pieces: Vec<Piece> = Vec::with_capacity(sent.len() + 2 * dirs.len());
        let mut marks = marks.into_iter().peekable();
        let mut sent = sent.into_iter().enumerate().peekable();
        let mut take_sent_until = |end: usize, pieces: &mut Vec<Piece>| {
            while let Some((index, entry)) = sent.next_if(|(index, _)| *index < end) {
                let tag = marks
                    .next_if(|(at, _)| *at == index)
                    .map_or(Tag::Plain, |(_, mark)| Tag::Mark(mark));
                pieces.push(Piece::Entry(entry, tag));
            }
        };
        for dir_item in dirs {
            take_sent_until(dir_item.sent_before, &mut pieces);
            let child = dir_item.child.and_then(|i| children[i].take());
            let below = child.as_ref().is_some_and(|(_, below)| *below);
            sent_any |= below;
            let totals = child
                .as_ref()
                .map_or((0, 0), |(child, _)| (child.bytes, child.files));
            if let Some((child, _)) = child {
                pieces.push(Piece::Children(format!("{}/", dir_item.rel), child));
            }
            // A re-included path inside an excluded directory brings the directory too.
            if dir_item.sent || below {
                pieces.push(Piece::Entry(
                    ContextEntry {
                        path: dir_item.rel,
                        kind: EntryKind::Dir,
                        size: 0,
                        link_target: None,
                    },
                    Tag::Dir(totals.0, totals.1),
                ));
            }
        }
        take_sent_until(usize::MAX, &mut pieces);
        // Nearly sorted already (only directories' own entries move), which the stable sort
        // handles in about one comparison per piece.
        pieces.sort_by(|a, b| key(a).cmp(key(b)));
        let mut run: Vec<ContextEntry> = Vec::with_capacity(pieces.len());
        for piece in pieces {
            match piece {
                Piece::Entry(entry, tag) => {
                    let index = output.len + run.len();
                    match tag {
                        Tag::Plain => {}
                        Tag::Mark(mark) => record_mark(&mut output, index, mark),
                        Tag::Dir(bytes, files) => output.dir_totals.push((index, bytes, files)),
                    }
                    if entry.kind != EntryKind::Dir {
                        output.bytes += entry.size;
                        output.files += 1;
                    }
                    run.push(entry);
                }
                Piece::Children(_, child) => {
                    output.len += run.len();
                    if !run.is_empty() {
                        output.segments.push(std::mem::take(&mut run));
                    }
                    let offset = output.len;
                    output.len += child.len;
                    output.segments.extend(child.segments);
                    output.secrets.extend(
                        child
                            .secrets
                            .into_iter()
                            .map(|(index, kind)| (offset + index, kind)),
                    );
                    output
                        .content_checks
                        .extend(child.content_checks.into_iter().map(|index| offset + index));
                    output.dir_totals.extend(
                        child
                            .dir_totals
                            .into_iter()
                            .map(|(index, bytes, files)| (offset + index, bytes, files)),
                    );
                    output.bytes += child.bytes;
                    output.files += child.files;
                    output.excluded.extend(child.excluded);
                    output.usage.merge(&child.usage);
                    output.problems.extend(child.problems);
                }
            }
        }
        output.len += run.len();
        if !run.is_empty() {
            output.segments.push(run);
        }
        (output, sent_any)
    }

    /// Reads a directory's items and decides each one: sent (stated), excluded, or a
    /// subdirectory to walk.
    fn decide_items(
        &self,
        dir_fd: &OwnedFd,
        abs: &Path,
        dir: &DirState,
        output: &mut DirOutput,
        scratch: &mut Scratch,
    ) -> io::Result<Decided> {
        read_items(dir_fd, &dir.rel, &mut output.problems, scratch)?;
        let mut items = std::mem::take(&mut scratch.items);
        items.sort_unstable_by(|a, b| {
            a.head
                .cmp(&b.head)
                .then_with(|| scratch.key(a).cmp(scratch.key(b)))
        });
        let decided = self.decide_sorted(dir_fd, abs, dir, output, scratch, &items);
        items.clear();
        scratch.items = items;
        Ok(decided)
    }

    fn decide_sorted(
        &self,
        dir_fd: &OwnedFd,
        abs: &Path,
        dir: &DirState,
        output: &mut DirOutput,
        scratch: &mut Scratch,
        items: &[Item],
    ) -> Decided {
        let mut rel = std::mem::take(&mut scratch.rel);
        let mut direct = std::mem::take(&mut scratch.direct);
        let mut matching = std::mem::take(&mut scratch.matching);
        let mut decided = Decided {
            sent: Vec::with_capacity(items.len()),
            to_size: Vec::with_capacity(items.len()),
            marks: Vec::new(),
            dirs: Vec::new(),
            subdirs: Vec::new(),
            sent_any: false,
        };
        for item in items {
            let kind = item.kind;
            let name = scratch.name(item);
            rel.clear();
            if !dir.rel.is_empty() {
                rel.push_str(&dir.rel);
                rel.push('/');
            }
            rel.push_str(name);

            let mut info = MatchInfo::default();
            let mut excluded = false;
            if let Some(matcher) = self.matcher {
                matcher.direct_hits_into(&rel, &mut matching, &mut direct);
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
                    // Docker fails the whole build here; record it and treat the path as sent
                    // so the rest of the report stays useful.
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
                    || self.matcher.is_some_and(|m| {
                        if self.options.legacy_exception_skip {
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
                    decided.sent_any = true;
                }
                let child = if descend {
                    let applying = direct
                        .iter()
                        .zip(&dir.applying)
                        .map(|(hit, inherited)| *hit || *inherited)
                        .collect();
                    decided.subdirs.push(Subdir {
                        abs: abs.join(OsStr::from_bytes(scratch.name_bytes(item))),
                        state: DirState {
                            rel: rel.clone(),
                            info,
                            applying,
                            secret_dirs: dir.secret_dirs.with_component(name),
                        },
                        excluded,
                    });
                    Some(decided.subdirs.len() - 1)
                } else {
                    None
                };
                decided.dirs.push(DirItem {
                    rel: rel.clone(),
                    sent_before: decided.sent.len(),
                    sent: !excluded,
                    child,
                });
                continue;
            }

            if excluded {
                output.excluded.push(ExcludedEntry {
                    path: rel.clone(),
                    kind,
                    subtree_skipped: false,
                });
                continue;
            }
            let link_target = match kind {
                // Sizes are read once every item is decided (see `read_sizes`).
                EntryKind::File => {
                    decided
                        .to_size
                        .push((decided.sent.len(), item.raw_name.clone()));
                    None
                }
                EntryKind::Symlink => link_target(dir_fd, scratch.name_bytes(item)),
                _ => None,
            };
            let mark = if name_needs_content_check(name) {
                Some(Mark::ContentCheck)
            } else {
                classify_secret(name, dir.secret_dirs, None).map(Mark::Secret)
            };
            if let Some(mark) = mark {
                decided.marks.push((decided.sent.len(), mark));
            }
            decided.sent.push(ContextEntry {
                path: rel.clone(),
                kind,
                size: 0,
                link_target,
            });
            decided.sent_any = true;
        }
        scratch.rel = rel;
        scratch.direct = direct;
        scratch.matching = matching;
        decided
    }
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

    /// A tree deeper than the walk accepts is a problem naming where it stopped, not a stack
    /// overflow.
    #[test]
    fn trees_deeper_than_the_limit_are_a_problem() {
        let root = tempfile::tempdir().expect("temp dir");
        let deep = root.path().join(vec!["d"; MAX_WALK_DEPTH + 5].join("/"));
        std::fs::create_dir_all(&deep).expect("deep dirs");
        fs_write(&root.path().join("top.txt"), b"x");
        let output = walk(root.path(), None);
        let problem = output
            .problems
            .iter()
            .find(|p| p.message.contains("nested more than"))
            .expect("a depth problem");
        assert_eq!(problem.path.split('/').count(), MAX_WALK_DEPTH + 1);
        assert!(output.entries.iter().any(|e| e.path == "top.txt"));
    }

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

    /// The walk's per-directory totals, and the largest files kept while scanning, equal what
    /// the sorted entries give, including where a directory's contents do not follow its own
    /// entry (`d`, `d.txt`, `d/a`) and for directories sent only for a re-included file.
    #[test]
    fn walk_totals_match_the_entries() {
        let root = tempfile::tempdir().expect("temp dir");
        let files: &[(&str, usize)] = &[
            ("d/a", 5),
            ("d/sub/b", 7),
            ("d.txt", 11),
            ("d-x/c", 13),
            ("e/f/g/h", 17),
            ("e/f/i", 19),
            ("skip/deep/keep.txt", 23),
            ("skip/deep/drop.txt", 29),
            ("skip/other", 31),
            ("top", 37),
        ];
        for (path, size) in files {
            fs_write(&root.path().join(path), &vec![b'x'; *size]);
        }
        fs_write(
            &root.path().join(".dockerignore"),
            b"skip\n!skip/deep/keep.txt\n",
        );
        let context = crate::load_context(root.path(), None).expect("load");
        assert!(context.contains("skip/deep/keep.txt"));
        assert!(!context.contains("skip/other"));
        let from_walk = crate::analysis::dir_totals(&context).to_vec();
        assert_eq!(
            from_walk,
            crate::analysis::compute_dir_totals(&context.entries)
        );
        let find = |path: &str| {
            let index = context
                .entries
                .iter()
                .position(|e| e.path == path)
                .expect(path);
            from_walk.iter().find(|t| t.0 == index).map(|t| (t.1, t.2))
        };
        assert_eq!(find("d"), Some((12, 2)));
        assert_eq!(find("skip"), Some((23, 1)));
        assert_eq!(find("e"), Some((36, 2)));

        let mut by_size: Vec<&str> = context
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::File)
            .map(|e| e.path.as_str())
            .collect();
        by_size.sort_by_key(|path| {
            std::cmp::Reverse(
                context
                    .entries
                    .iter()
                    .find(|e| e.path == *path)
                    .map(|e| e.size),
            )
        });
        for limit in [1, 3, 100] {
            let largest: Vec<&str> = crate::analysis::largest_files(&context, limit)
                .iter()
                .map(|e| e.path.as_str())
                .collect();
            assert_eq!(
                largest,
                by_size[..limit.min(by_size.len())],
                "limit {limit}"
            );
        }
    }

    /// A directory large enough for its sizes to be read on every thread gets every size,
    /// in order, like a small one.
    #[test]
    fn large_directory_sizes_are_read_in_parallel_and_in_order() {
        let root = tempfile::tempdir().expect("temp dir");
        let count = PARALLEL_SIZES_MIN * 3;
        for i in 0..count {
            fs_write(
                &root.path().join(format!("flat/f{i:05}")),
                &vec![b'x'; i % 97],
            );
        }
        let output = walk(root.path(), None);
        assert!(output.problems.is_empty(), "{:?}", output.problems);
        let files: Vec<(&str, u64)> = output
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::File)
            .map(|e| (e.path.as_str(), e.size))
            .collect();
        assert_eq!(files.len(), count);
        for (i, (path, size)) in files.iter().enumerate() {
            assert_eq!(*path, format!("flat/f{i:05}"));
            assert_eq!(*size, (i % 97) as u64, "{path}");
        }
        assert_eq!(output.dir_totals.len(), 1);
        let expected: u64 = (0..count).map(|i| (i % 97) as u64).sum();
        assert_eq!(output.dir_totals[0].1, expected);
    }

    fn fs_write(path: &Path, bytes: &[u8]) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dir");
        }
        std::fs::write(path, bytes).expect("write file");
    }
}
