//! The per-layer inventory cache: each layer's [`LayerCatalog`] kept on disk under its diff ID
//! (the digest of its uncompressed content, verified on every read of the layer) and the
//! catalog format version, so a second scan of images that share base layers catalogs only
//! the new layers.
//!
//! - Location: `$HULLSCAN_CACHE_DIR/inventory`, else `$XDG_CACHE_HOME/hullscan/inventory`,
//!   else `~/.cache/hullscan/inventory` ([`default_dir`]).
//! - Bounded: after each write the oldest entries (by modification time, refreshed on every
//!   hit) are removed until the total is under the limit.
//! - Atomic: an entry is written to a temporary file in the same directory and renamed.
//! - Never trusted blindly: an entry that does not parse, or was written for another key, is
//!   ignored with a note and removed; the layer is cataloged from its bytes instead.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use hullscan_image::InventoryCache;
use hullscan_image::digest::Digest;
use hullscan_inventory::LayerCatalog;
use serde::{Deserialize, Serialize};

/// Bumped whenever what the catalogs hold changes meaning, so old entries are never read as
/// new ones. The tool version is part of the key too: package readers change between releases.
pub const CATALOG_FORMAT: u32 = 1;

/// The default size limit of the cache directory.
pub const DEFAULT_MAX_BYTES: u64 = 512 << 20;

/// Where the cache lives unless told otherwise.
pub fn default_dir() -> Option<PathBuf> {
    let non_empty = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    if let Some(dir) = non_empty("HULLSCAN_CACHE_DIR") {
        return Some(PathBuf::from(dir).join("inventory"));
    }
    if let Some(dir) = non_empty("XDG_CACHE_HOME") {
        return Some(PathBuf::from(dir).join("hullscan/inventory"));
    }
    non_empty("HOME").map(|home| PathBuf::from(home).join(".cache/hullscan/inventory"))
}

#[derive(Serialize, Deserialize)]
struct Entry {
    format: u32,
    tool_version: String,
    diff_id: String,
    catalog: LayerCatalog,
}

/// The cache in one directory.
pub struct DiskCache {
    dir: PathBuf,
    max_bytes: u64,
    notes: Mutex<Vec<String>>,
    stats: Mutex<Stats>,
}

/// What the cache did in one run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub hits: usize,
    pub misses: usize,
    pub writes: usize,
    pub evicted: usize,
}

impl DiskCache {
    /// Opens (creating) the cache directory `dir`, keeping at most `max_bytes` of entries.
    pub fn open(dir: &Path, max_bytes: u64) -> io::Result<DiskCache> {
        fs::create_dir_all(dir)?;
        Ok(DiskCache {
            dir: dir.to_owned(),
            max_bytes,
            notes: Mutex::new(Vec::new()),
            stats: Mutex::new(Stats::default()),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What went wrong (corrupt entries, failed writes), for the caller to print.
    pub fn notes(&self) -> Vec<String> {
        self.notes.lock().map(|n| n.clone()).unwrap_or_default()
    }

    pub fn stats(&self) -> Stats {
        self.stats.lock().map(|s| *s).unwrap_or_default()
    }

    fn note(&self, text: String) {
        if let Ok(mut notes) = self.notes.lock() {
            notes.push(text);
        }
    }

    fn count(&self, update: impl FnOnce(&mut Stats)) {
        if let Ok(mut stats) = self.stats.lock() {
            update(&mut stats);
        }
    }

    fn entry_path(&self, diff_id: &Digest) -> PathBuf {
        self.dir.join(format!(
            "{}-f{CATALOG_FORMAT}-v{}.json",
            diff_id.hex(),
            env!("CARGO_PKG_VERSION")
        ))
    }

    fn read_entry(&self, path: &Path, diff_id: &Digest) -> Result<Option<LayerCatalog>, String> {
        let mut file = match fs::File::open(path) {
            Ok(file) => file,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(err.to_string()),
        };
        let mut bytes = Vec::new();
        // An entry larger than the whole cache is not one we wrote.
        (&mut file)
            .take(self.max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|err| err.to_string())?;
        if bytes.len() as u64 > self.max_bytes {
            return Err("larger than the cache limit".to_owned());
        }
        let entry: Entry = serde_json::from_slice(&bytes).map_err(|err| err.to_string())?;
        if entry.format != CATALOG_FORMAT || entry.diff_id != diff_id.to_string() {
            return Err(format!(
                "written for {} (format {})",
                entry.diff_id, entry.format
            ));
        }
        // Refresh the time the size limit evicts by.
        let _ = file.set_modified(SystemTime::now());
        Ok(Some(entry.catalog))
    }

    fn write_entry(&self, path: &Path, diff_id: &Digest, catalog: &LayerCatalog) -> io::Result<()> {
        let entry = Entry {
            format: CATALOG_FORMAT,
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            diff_id: diff_id.to_string(),
            catalog: catalog.clone(),
        };
        hullscan_fs::write_atomically(path, |out| {
            serde_json::to_writer(out, &entry).map_err(io::Error::from)
        })
    }

    /// Removes the least recently used entries until the directory is under the limit.
    /// Returns how many were removed.
    pub fn prune(&self) -> io::Result<usize> {
        let mut entries: Vec<(SystemTime, u64, PathBuf)> = Vec::new();
        let mut total = 0u64;
        for item in fs::read_dir(&self.dir)? {
            let item = item?;
            let name = item.file_name();
            let name = name.to_string_lossy();
            // Temporaries of a writer that died are fair game once they are old enough not
            // to be another process's write in progress.
            let is_entry = name.ends_with(".json") && !name.starts_with('.');
            let metadata = item.metadata()?;
            if !metadata.is_file() {
                continue;
            }
            let modified = metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            if !is_entry {
                let stale = modified.elapsed().is_ok_and(|age| age.as_secs() > 3600);
                if name.starts_with(".tmp-") && stale {
                    let _ = fs::remove_file(item.path());
                }
                continue;
            }
            total += metadata.len();
            entries.push((modified, metadata.len(), item.path()));
        }
        entries.sort();
        let mut removed = 0;
        for (_, size, path) in entries {
            if total <= self.max_bytes {
                break;
            }
            if fs::remove_file(&path).is_ok() {
                total -= size;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

impl InventoryCache for DiskCache {
    fn get(&self, diff_id: &Digest) -> Option<LayerCatalog> {
        let path = self.entry_path(diff_id);
        match self.read_entry(&path, diff_id) {
            Ok(Some(catalog)) => {
                self.count(|s| s.hits += 1);
                Some(catalog)
            }
            Ok(None) => {
                self.count(|s| s.misses += 1);
                None
            }
            Err(problem) => {
                self.note(format!(
                    "ignored the unusable inventory cache entry {} ({problem}); the layer is read instead",
                    path.display()
                ));
                let _ = fs::remove_file(&path);
                self.count(|s| s.misses += 1);
                None
            }
        }
    }

    fn put(&self, diff_id: &Digest, catalog: &LayerCatalog) {
        let path = self.entry_path(diff_id);
        if let Err(err) = self.write_entry(&path, diff_id, catalog) {
            self.note(format!(
                "could not write the inventory cache entry {}: {err}",
                path.display()
            ));
            return;
        }
        self.count(|s| s.writes += 1);
        match self.prune() {
            Ok(evicted) => self.count(|s| s.evicted += evicted),
            Err(err) => self.note(format!(
                "could not trim the inventory cache {}: {err}",
                self.dir.display()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hullscan_inventory::CatalogedFile;

    fn catalog(path: &str) -> LayerCatalog {
        LayerCatalog {
            files: vec![CatalogedFile {
                path: path.to_owned(),
                notes: vec!["padding ".repeat(50)],
                ..CatalogedFile::default()
            }],
        }
    }

    #[test]
    fn keeps_reads_and_bounds_entries() {
        let dir = tempfile::tempdir().unwrap();
        let a = Digest::of_bytes(b"a");
        let b = Digest::of_bytes(b"b");
        let c = Digest::of_bytes(b"c");
        let cache = DiskCache::open(dir.path(), 1200).unwrap();
        assert_eq!(cache.get(&a), None);
        cache.put(&a, &catalog("a"));
        assert_eq!(cache.get(&a), Some(catalog("a")));
        // Make `a` the oldest; then `b` and `c` push the total over 1200 bytes.
        let old = SystemTime::now() - std::time::Duration::from_secs(100);
        fs::File::options()
            .write(true)
            .open(cache.entry_path(&a))
            .unwrap()
            .set_modified(old)
            .unwrap();
        cache.put(&b, &catalog("b"));
        cache.put(&c, &catalog("c"));
        assert_eq!(
            cache.get(&a),
            None,
            "the least recently used entry went first"
        );
        assert_eq!(cache.get(&c), Some(catalog("c")));
        assert!(cache.stats().evicted >= 1);
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
            .collect();
        assert!(leftovers.is_empty(), "writes are renamed into place");
    }

    #[test]
    fn a_corrupt_or_foreign_entry_is_ignored_with_a_note() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::open(dir.path(), DEFAULT_MAX_BYTES).unwrap();
        let a = Digest::of_bytes(b"a");
        let b = Digest::of_bytes(b"b");
        fs::write(cache.entry_path(&a), b"{\"format\": 1, \"catalog\": [").unwrap();
        assert_eq!(cache.get(&a), None);
        assert!(
            !cache.entry_path(&a).exists(),
            "the corrupt entry is removed"
        );
        // An entry copied under another layer's name is not that layer's catalog.
        cache.put(&b, &catalog("b"));
        fs::copy(cache.entry_path(&b), cache.entry_path(&a)).unwrap();
        assert_eq!(cache.get(&a), None);
        let notes = cache.notes();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[0].contains("unusable inventory cache entry"),
            "{notes:?}"
        );
    }
}
