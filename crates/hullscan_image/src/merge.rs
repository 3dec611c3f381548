//! The merged filesystem: every layer's entries sorted by path once, then one walk applies
//! replacements, whiteouts and opaque directories. The same walk records, for every entry a
//! later layer hid, which layer hid it, and computes dive's per-path records.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rayon::slice::ParallelSliceMut;

use crate::layer::{Entry, EntryKind};
use crate::model::Layer;

/// One entry of one layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileRef {
    pub layer: u32,
    pub entry: u32,
}

const NOT_HIDDEN: u32 = u32::MAX;

/// dive's numbers, computed exactly as dive defines them (see `docs/image-efficiency.md`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DiveStats {
    /// Σ min / Σ cumulative over leaf paths; 1.0 when there is nothing.
    pub efficiency: f64,
    /// Σ cumulative over paths seen in two or more layers (counts the copy still in use too).
    pub wasted_bytes: u64,
    /// The paths dive lists as inefficient, largest first (at most the walk's `top_files`).
    pub top_inefficiencies: Vec<Inefficiency>,
    pub inefficient_paths: u64,
}

/// How many files the walk keeps in its largest-first lists (wasted files, dive's
/// inefficient files) when the caller does not say.
pub const DEFAULT_TOP_FILES: usize = 100;

/// A path whose regular-file bytes in one or more layers the final filesystem does not show:
/// rewritten by a later layer, deleted by a whiteout, or under a deleted or opaque directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WastedFile {
    /// Absolute path in the image, as the layers spell it.
    pub path: String,
    /// The sizes of the hidden copies, summed.
    pub wasted_bytes: u64,
    /// The layers whose copies are hidden, ascending.
    pub layers: Vec<u32>,
    /// The layers that hid them (wrote the path again or deleted it), ascending.
    pub hidden_by: Vec<u32>,
    /// How many hidden copies (a layer may hold the path twice).
    pub count: u32,
}

impl Ord for WastedFile {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed like `Inefficiency`: the heap's top is the one to drop first.
        other
            .wasted_bytes
            .cmp(&self.wasted_bytes)
            .then_with(|| self.path.cmp(&other.path))
    }
}

impl PartialOrd for WastedFile {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The hidden bytes per path: every path counted, only the largest kept by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WastedFiles {
    /// The paths with the most hidden bytes, largest first, ties by path (at most `top_files`).
    pub top: Vec<WastedFile>,
    /// How many paths have hidden bytes (all of them, not only those in `top`).
    pub paths: u64,
    /// Their hidden bytes together: equal to all file bytes minus the visible ones.
    pub bytes: u64,
}

/// Keeps the `limit` best of what is offered in `heap` (whose top is the worst kept).
/// `beats(worst)` says whether the candidate outranks the worst kept one; `make` builds it
/// only when it gets in, so a walk over 400,000 hidden files allocates few paths.
fn offer_top<T: Ord>(
    heap: &mut BinaryHeap<T>,
    limit: usize,
    beats: impl FnOnce(&T) -> bool,
    make: impl FnOnce() -> T,
) {
    if limit == 0 {
        return;
    }
    if heap.len() < limit {
        heap.push(make());
    } else if heap.peek().is_some_and(beats) {
        heap.pop();
        heap.push(make());
    }
}

/// Whether (`size`, `/path`) ranks before (`worst_size`, `worst_path`): larger first, then
/// by path. `path` lacks the leading `/` that `worst_path` has.
fn ranks_before(size: u64, path: &str, worst_size: u64, worst_path: &str) -> bool {
    size > worst_size
        || (size == worst_size && path < worst_path.strip_prefix('/').unwrap_or(worst_path))
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inefficiency {
    pub path: String,
    pub occurrences: u32,
    pub cumulative_size: u64,
}

impl Ord for Inefficiency {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed so the heap keeps the largest: the smallest sits on top and is popped.
        other
            .cumulative_size
            .cmp(&self.cumulative_size)
            .then_with(|| self.path.cmp(&other.path))
    }
}

impl PartialOrd for Inefficiency {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Debug, Default)]
pub struct MergedView {
    /// The visible entries, in path order (see [`compare_paths`]).
    visible: Vec<FileRef>,
    /// `hidden_by[layer][entry]`: the layer that replaced or deleted the entry.
    hidden_by: Vec<Vec<u32>>,
    pub dive: DiveStats,
    /// Files a later layer wrote again with the same size (COPY then chown/chmod), grouped by
    /// (lower layer, upper layer).
    pub duplicates: Vec<Duplicate>,
    /// The paths whose bytes are hidden, for "which files waste space".
    pub wasted: WastedFiles,
}

/// Files of `lower` written again, same size, by `upper`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duplicate {
    pub lower: u32,
    pub upper: u32,
    pub files: u64,
    pub bytes: u64,
    /// How many of them differ from the lower copy only in owner or mode.
    pub metadata_only: u64,
    /// The largest duplicated file.
    pub example: String,
    example_size: u64,
}

/// Orders paths so that a directory's descendants follow it contiguously: `/` sorts before
/// every other byte.
pub fn compare_paths(a: &str, b: &str) -> Ordering {
    let map = |byte: u8| if byte == b'/' { 0 } else { byte };
    a.bytes().map(map).cmp(b.bytes().map(map))
}

fn is_ancestor(ancestor: &str, path: &str) -> bool {
    ancestor.is_empty()
        || (path.len() > ancestor.len()
            && path.starts_with(ancestor)
            && path.as_bytes()[ancestor.len()] == b'/')
}

/// Dive's record for one path: occurrences, cumulative and minimum size.
#[derive(Clone, Copy, Debug)]
struct PathRecord {
    occurrences: u32,
    cumulative: u64,
    min: u64,
}

impl PathRecord {
    fn add(&mut self, size: u64) {
        self.occurrences += 1;
        self.cumulative += size;
        self.min = self.min.min(size);
    }
}

struct PendingWhiteout {
    layer: u32,
    size: u64,
    record: usize,
}

struct Frame<'a> {
    path: &'a str,
    /// Layers that hide this subtree's entries from lower layers (`H` hides layers `< H`),
    /// including every ancestor's.
    events: Vec<u32>,
    pending: Vec<PendingWhiteout>,
}

struct DiveAccumulator {
    records: Vec<(String, PathRecord)>,
    sum_min: u128,
    sum_cumulative: u128,
    wasted: u64,
    inefficient_paths: u64,
    top: BinaryHeap<Inefficiency>,
    top_limit: usize,
}

impl DiveAccumulator {
    fn finish_record(&mut self, path: &str, record: PathRecord) {
        self.sum_min += u128::from(record.min);
        self.sum_cumulative += u128::from(record.cumulative);
        if record.occurrences >= 2 {
            self.wasted += record.cumulative;
            self.inefficient_paths += 1;
            offer_top(
                &mut self.top,
                self.top_limit,
                |worst| ranks_before(record.cumulative, path, worst.cumulative_size, &worst.path),
                || Inefficiency {
                    path: format!("/{path}"),
                    occurrences: record.occurrences,
                    cumulative_size: record.cumulative,
                },
            );
        }
    }
}

impl MergedView {
    /// Merges `layers`, keeping the [`DEFAULT_TOP_FILES`] largest wasted and inefficient files.
    pub fn build(layers: &[Layer]) -> MergedView {
        MergedView::build_keeping(layers, DEFAULT_TOP_FILES)
    }

    /// Merges `layers`; the lists of wasted files and of dive's inefficient files keep their
    /// `top_files` largest entries (the totals count every path).
    pub fn build_keeping(layers: &[Layer], top_files: usize) -> MergedView {
        let total: usize = layers.iter().map(|l| l.files.entries.len()).sum();
        let mut order: Vec<FileRef> = Vec::with_capacity(total);
        for (layer_number, layer) in layers.iter().enumerate() {
            for entry in 0..layer.files.entries.len() {
                order.push(FileRef {
                    layer: layer_number as u32,
                    entry: entry as u32,
                });
            }
        }
        let path_of = |r: &FileRef| {
            let files = &layers[r.layer as usize].files;
            files.path(&files.entries[r.entry as usize])
        };
        order.par_sort_unstable_by(|a, b| {
            compare_paths(path_of(a), path_of(b))
                .then(a.layer.cmp(&b.layer))
                .then(a.entry.cmp(&b.entry))
        });

        let mut hidden_by: Vec<Vec<u32>> = layers
            .iter()
            .map(|l| vec![NOT_HIDDEN; l.files.entries.len()])
            .collect();
        let mut visible = Vec::new();
        let mut dive = DiveAccumulator {
            records: Vec::new(),
            sum_min: 0,
            sum_cumulative: 0,
            wasted: 0,
            inefficient_paths: 0,
            top: BinaryHeap::new(),
            top_limit: top_files,
        };
        let mut wasted = WastedFiles::default();
        let mut wasted_top: BinaryHeap<WastedFile> = BinaryHeap::new();
        let mut stack: Vec<Frame<'_>> = Vec::new();
        let mut pending_count = 0usize;
        let mut duplicates: rustc_hash::FxHashMap<(u32, u32), Duplicate> =
            rustc_hash::FxHashMap::default();

        let entry_of =
            |r: &FileRef| -> &Entry { &layers[r.layer as usize].files.entries[r.entry as usize] };

        let mut start = 0;
        while start < order.len() {
            let path = path_of(&order[start]);
            let mut end = start + 1;
            while end < order.len() && path_of(&order[end]) == path {
                end += 1;
            }
            let group = &order[start..end];

            while let Some(top) = stack.last() {
                if is_ancestor(top.path, path) {
                    break;
                }
                let frame = stack.pop().expect("checked non-empty");
                pending_count -= frame.pending.len();
                for whiteout in frame.pending {
                    dive.records[whiteout.record].1.add(whiteout.size);
                }
                // Records whose whiteouts are all resolved are final once their frame pops.
                flush_records(&mut dive, frame.path);
            }
            let inherited: Vec<u32> = stack.last().map_or_else(Vec::new, |f| f.events.clone());

            // Who hid each entry of this path. The group is sorted by layer, so one pass from the
            // end knows, for each entry, the later entries that hide it: a layer with one path
            // written 400,000 times must not compare every pair.
            let by_later = later_hiders(group, entry_of);
            let mut hiders = Vec::with_capacity(group.len());
            for (r, by_later) in group.iter().zip(by_later) {
                let layer = r.layer;
                // `inherited` is sorted: the first event above this layer is the lowest.
                let by_ancestor = inherited
                    .get(inherited.partition_point(|&h| h <= layer))
                    .copied();
                let hider = match (by_ancestor, by_later) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                hiders.push(hider);
                if entry_of(r).kind != EntryKind::Opaque
                    && let Some(h) = hider
                {
                    hidden_by[r.layer as usize][r.entry as usize] = h;
                }
            }
            // This path's hidden file bytes. A file under a deleted directory is its own
            // group, so what `rm -rf` hid is counted file by file.
            let mut hidden_bytes = 0u64;
            let mut hidden_count = 0u32;
            for (r, hider) in group.iter().zip(&hiders) {
                let entry = entry_of(r);
                if entry.kind == EntryKind::File && entry.size > 0 && hider.is_some() {
                    hidden_bytes += entry.size;
                    hidden_count += 1;
                }
            }
            if hidden_count > 0 {
                wasted.paths += 1;
                wasted.bytes += hidden_bytes;
                offer_top(
                    &mut wasted_top,
                    top_files,
                    |worst| ranks_before(hidden_bytes, path, worst.wasted_bytes, &worst.path),
                    || {
                        let mut layers = Vec::new();
                        let mut hidden_by = Vec::new();
                        for (r, hider) in group.iter().zip(&hiders) {
                            let entry = entry_of(r);
                            if let (EntryKind::File, true, Some(h)) =
                                (entry.kind, entry.size > 0, hider)
                            {
                                layers.push(r.layer);
                                hidden_by.push(*h);
                            }
                        }
                        layers.dedup();
                        hidden_by.sort_unstable();
                        hidden_by.dedup();
                        WastedFile {
                            path: format!("/{path}"),
                            wasted_bytes: hidden_bytes,
                            layers,
                            hidden_by,
                            count: hidden_count,
                        }
                    },
                );
            }

            // The layers of this group that hold content (not only whiteouts/opaque markers).
            let content_layers: Vec<u32> = {
                let mut layers: Vec<u32> = group
                    .iter()
                    .filter(|r| {
                        !matches!(entry_of(r).kind, EntryKind::Whiteout | EntryKind::Opaque)
                    })
                    .map(|r| r.layer)
                    .collect();
                layers.dedup();
                layers
            };
            let same_layer_content = |r: &FileRef| content_layers.binary_search(&r.layer).is_ok();
            // For each entry, the index of the first entry of a higher layer.
            let next_layer_start = next_layer_starts(group);
            if let Some(last) = group.iter().enumerate().rev().find(|(_, r)| {
                let kind = entry_of(r).kind;
                kind != EntryKind::Opaque && !(kind == EntryKind::Whiteout && same_layer_content(r))
            }) && hiders[last.0].is_none()
                && entry_of(last.1).kind != EntryKind::Whiteout
            {
                visible.push(*last.1);
            }

            // A file written again, same size, by a later layer.
            for (i, r) in group.iter().enumerate() {
                let lower = entry_of(r);
                if lower.kind != EntryKind::File || lower.size == 0 {
                    continue;
                }
                let Some(next) = group.get(next_layer_start[i]) else {
                    continue;
                };
                let upper = entry_of(next);
                if upper.kind == EntryKind::File
                    && upper.size == lower.size
                    && hiders[i] == Some(next.layer)
                {
                    let slot =
                        duplicates
                            .entry((r.layer, next.layer))
                            .or_insert_with(|| Duplicate {
                                lower: r.layer,
                                upper: next.layer,
                                files: 0,
                                bytes: 0,
                                metadata_only: 0,
                                example: String::new(),
                                example_size: 0,
                            });
                    slot.files += 1;
                    slot.bytes += lower.size;
                    if (lower.uid, lower.gid, lower.mode) != (upper.uid, upper.gid, upper.mode) {
                        slot.metadata_only += 1;
                    }
                    if lower.size > slot.example_size || slot.example.is_empty() {
                        slot.example = format!("/{path}");
                        slot.example_size = lower.size;
                    }
                }
            }

            // Regular files count towards pending directory whiteouts above them.
            if pending_count > 0 {
                for (r, hider) in group.iter().zip(&hiders) {
                    let entry = entry_of(r);
                    if entry.kind != EntryKind::File || entry.size == 0 {
                        continue;
                    }
                    let hidden_at = hider.unwrap_or(NOT_HIDDEN);
                    for frame in stack.iter_mut() {
                        for whiteout in &mut frame.pending {
                            if r.layer < whiteout.layer && hidden_at >= whiteout.layer {
                                whiteout.size += entry.size;
                            }
                        }
                    }
                }
            }

            // dive's records for this path, and the events this path sets for its subtree.
            let mut record: Option<PathRecord> = None;
            let mut events: Vec<u32> = inherited;
            let mut pending = Vec::new();
            // Entries of lower layers a whiteout may delete, newest on top. One hidden below
            // a whiteout's layer stays hidden for every later (higher) whiteout, so it is
            // dropped for good: each entry is looked at a bounded number of times.
            let mut lower_candidates: Vec<usize> = Vec::new();
            let mut run_start = 0;
            for (i, r) in group.iter().enumerate() {
                if group[run_start].layer != r.layer {
                    lower_candidates.extend(
                        (run_start..i).filter(|&j| entry_of(&group[j]).kind != EntryKind::Opaque),
                    );
                    run_start = i;
                }
                let entry = entry_of(r);
                let size = match entry.kind {
                    EntryKind::Dir | EntryKind::Opaque => None,
                    EntryKind::File => Some(entry.size),
                    EntryKind::Symlink | EntryKind::HardLink | EntryKind::Other => Some(0),
                    EntryKind::Whiteout => {
                        // dive sizes a whiteout by what it deletes, but only for directories.
                        while let Some(&j) = lower_candidates.last() {
                            if hiders[j].is_none_or(|h| h >= r.layer) {
                                break;
                            }
                            lower_candidates.pop();
                        }
                        let lower = lower_candidates.last().map(|&j| entry_of(&group[j]).kind);
                        let was_dir = matches!(lower, None | Some(EntryKind::Dir));
                        if was_dir {
                            pending.push(PendingWhiteout {
                                layer: r.layer,
                                size: 0,
                                record: usize::MAX,
                            });
                            None
                        } else {
                            Some(0)
                        }
                    }
                };
                if let Some(size) = size {
                    record.get_or_insert(PathRecord {
                        occurrences: 0,
                        cumulative: 0,
                        min: u64::MAX,
                    });
                    if let Some(rec) = record.as_mut() {
                        rec.add(size);
                    }
                }
                match entry.kind {
                    EntryKind::Dir => {}
                    _ => events.push(r.layer),
                }
            }
            events.sort_unstable();
            events.dedup();
            if !pending.is_empty() {
                let slot = dive.records.len();
                dive.records.push((
                    path.to_owned(),
                    record.unwrap_or(PathRecord {
                        occurrences: 0,
                        cumulative: 0,
                        min: u64::MAX,
                    }),
                ));
                for whiteout in &mut pending {
                    whiteout.record = slot;
                }
                pending_count += pending.len();
            } else if let Some(record) = record {
                dive.finish_record(path, record);
            }
            stack.push(Frame {
                path,
                events,
                pending,
            });
            start = end;
        }
        while let Some(frame) = stack.pop() {
            for whiteout in frame.pending {
                dive.records[whiteout.record].1.add(whiteout.size);
            }
            flush_records(&mut dive, frame.path);
        }
        let efficiency = if dive.sum_cumulative == 0 {
            1.0
        } else {
            dive.sum_min as f64 / dive.sum_cumulative as f64
        };
        let mut top = dive.top.into_vec();
        top.sort();
        let mut duplicates: Vec<Duplicate> = duplicates.into_values().collect();
        duplicates.sort_by(|a, b| {
            b.bytes
                .cmp(&a.bytes)
                .then((a.lower, a.upper).cmp(&(b.lower, b.upper)))
        });
        let mut top_wasted = wasted_top.into_vec();
        top_wasted.sort();
        wasted.top = top_wasted;
        MergedView {
            visible,
            hidden_by,
            duplicates,
            wasted,
            dive: DiveStats {
                efficiency,
                wasted_bytes: dive.wasted,
                top_inefficiencies: top,
                inefficient_paths: dive.inefficient_paths,
            },
        }
    }

    /// The visible entries in path order.
    pub fn visible(&self) -> &[FileRef] {
        &self.visible
    }

    /// The layer that replaced or deleted `file`, if any.
    pub fn hidden_by(&self, file: FileRef) -> Option<u32> {
        let layer = self.hidden_by.get(file.layer as usize)?;
        match layer.get(file.entry as usize) {
            Some(&NOT_HIDDEN) | None => None,
            Some(&by) => Some(by),
        }
    }

    /// The visible entry at exactly `path` (no leading `/`), without following symlinks.
    pub fn lookup_exact(&self, layers: &[Layer], path: &str) -> Option<FileRef> {
        let path = path.trim_start_matches('/');
        self.visible
            .binary_search_by(|r| {
                let files = &layers[r.layer as usize].files;
                compare_paths(files.path(&files.entries[r.entry as usize]), path)
            })
            .ok()
            .map(|i| self.visible[i])
    }

    /// The visible entry at `path`, following symlinks in every component (and hard links at
    /// the end) like the kernel would inside the container, up to 40 links.
    ///
    /// A layer may write `etc/shadow` while a lower layer made `etc` a symlink: applying the
    /// layer follows the link, so at run time the file is at the link's target. Such entries
    /// keep their spelling in the layer, so a directory reached through a symlink is also
    /// looked up under each spelling that led to it, and the newest layer's entry wins.
    pub fn resolve(&self, layers: &[Layer], path: &str) -> Result<Option<FileRef>, ResolveError> {
        /// At most this many other spellings of one directory are kept (each a binary search).
        const MAX_SPELLINGS: usize = 8;
        enum Step {
            Name(String),
            /// The target of a symlinked directory has been walked: these spellings name it too.
            Spellings(Vec<Vec<String>>),
        }
        let mut pending: Vec<Step> = path
            .split('/')
            .filter(|c| !c.is_empty())
            .rev()
            .map(|c| Step::Name(c.to_owned()))
            .collect();
        let mut resolved: Vec<String> = Vec::new();
        // Other spellings of the directory `resolved` names (through symlinked parents).
        let mut aliases: Vec<Vec<String>> = Vec::new();
        let mut hops = 0;
        let mut found = None;
        let names_left = |pending: &[Step]| pending.iter().any(|s| matches!(s, Step::Name(_)));
        while let Some(step) = pending.pop() {
            let component = match step {
                Step::Name(component) => component,
                Step::Spellings(spellings) => {
                    aliases.extend(spellings);
                    aliases.truncate(MAX_SPELLINGS);
                    continue;
                }
            };
            match component.as_str() {
                "." => continue,
                ".." => {
                    resolved.pop();
                    // `..` of a symlinked directory is its target's parent, not the link's.
                    aliases.clear();
                    continue;
                }
                _ => {}
            }
            resolved.push(component.clone());
            for alias in &mut aliases {
                alias.push(component.clone());
            }
            let current = resolved.join("/");
            let mut best = self.lookup_exact(layers, &current);
            for alias in &aliases {
                if let Some(file) = self.lookup_exact(layers, &alias.join("/"))
                    && best.is_none_or(|b| file.layer > b.layer)
                {
                    best = Some(file);
                }
            }
            let Some(file) = best else {
                if !names_left(&pending) {
                    return Ok(None);
                }
                // Layers need not list parent directories; a missing one is implicit.
                continue;
            };
            let files = &layers[file.layer as usize].files;
            let entry = &files.entries[file.entry as usize];
            match entry.kind {
                EntryKind::Symlink => {
                    hops += 1;
                    if hops > 40 {
                        return Err(ResolveError::Loop(format!("/{current}")));
                    }
                    let target = files.link_target(entry).unwrap_or_default();
                    if names_left(&pending) {
                        // A directory link: what lies under its target may be spelled through it.
                        let mut spellings = vec![resolved.clone()];
                        spellings.append(&mut aliases);
                        spellings.truncate(MAX_SPELLINGS);
                        pending.push(Step::Spellings(spellings));
                    } else {
                        aliases.clear();
                    }
                    resolved.pop();
                    if target.starts_with('/') {
                        resolved.clear();
                    }
                    for part in target.split('/').filter(|c| !c.is_empty()).rev() {
                        pending.push(Step::Name(part.to_owned()));
                    }
                    found = None;
                }
                EntryKind::HardLink if !names_left(&pending) => {
                    hops += 1;
                    if hops > 40 {
                        return Err(ResolveError::Loop(format!("/{current}")));
                    }
                    let target = files.link_target(entry).unwrap_or_default().to_owned();
                    resolved.clear();
                    aliases.clear();
                    for part in target.split('/').filter(|c| !c.is_empty()).rev() {
                        pending.push(Step::Name(part.to_owned()));
                    }
                    found = None;
                }
                _ => found = Some(file),
            }
        }
        Ok(found)
    }
}

/// For each entry of a group (one path, sorted by layer), the lowest later layer that hides it:
/// a later entry of a higher layer that is not an opaque marker, or a later entry of the same
/// layer with content (a whiteout deletes from lower layers only, never its own layer's
/// entries).
fn later_hiders<'l>(
    group: &[FileRef],
    entry_of: impl Fn(&FileRef) -> &'l Entry,
) -> Vec<Option<u32>> {
    let mut hiders = vec![None; group.len()];
    // The lowest layer above the current run with a non-opaque entry.
    let mut higher: Option<u32> = None;
    let mut run_layer = None;
    let mut run_has_entry = false;
    let mut run_has_content = false;
    for (i, r) in group.iter().enumerate().rev() {
        if run_layer != Some(r.layer) {
            if run_has_entry {
                higher = run_layer;
            }
            run_layer = Some(r.layer);
            run_has_entry = false;
            run_has_content = false;
        }
        hiders[i] = if run_has_content {
            Some(r.layer)
        } else {
            higher
        };
        match entry_of(r).kind {
            EntryKind::Opaque => {}
            EntryKind::Whiteout => run_has_entry = true,
            _ => {
                run_has_entry = true;
                run_has_content = true;
            }
        }
    }
    hiders
}

/// For each entry of a group sorted by layer, the index where the next higher layer starts
/// (the group's length when there is none).
fn next_layer_starts(group: &[FileRef]) -> Vec<usize> {
    let mut starts = vec![group.len(); group.len()];
    let mut next = group.len();
    for i in (0..group.len()).rev() {
        if i + 1 < group.len() && group[i + 1].layer != group[i].layer {
            next = i + 1;
        }
        starts[i] = next;
    }
    starts
}

fn flush_records(dive: &mut DiveAccumulator, frame_path: &str) {
    // Records are pushed in path order; those under (or at) the popped frame are complete.
    while let Some((path, _)) = dive.records.last() {
        if path == frame_path || is_ancestor(frame_path, path) {
            let (path, record) = dive.records.pop().expect("checked non-empty");
            dive.finish_record(&path, record);
        } else {
            break;
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResolveError {
    /// More than 40 symlinks, the kernel's ELOOP limit.
    Loop(String),
}

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolveError::Loop(path) => write!(f, "too many levels of symbolic links at {path}"),
        }
    }
}
