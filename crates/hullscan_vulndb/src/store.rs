//! The file edge: writing the database (and downloaded exports) atomically, and mapping it.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use crate::{Database, DbError};

fn io_error(path: &Path, source: std::io::Error) -> DbError {
    DbError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Writes `bytes` to `path` so that a reader sees either the old file or the whole new one: a
/// temporary file in the same directory, flushed to disk, then renamed over `path`, and the
/// directory flushed so the rename itself survives a crash.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), DbError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, path)?;
        if let Ok(dir_handle) = File::open(dir) {
            // Not every platform can fsync a directory; the rename is already done.
            let _ = dir_handle.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map_err(|e| io_error(path, e))
}

/// Maps the database at `path` read-only and validates it.
pub fn open(path: &Path) -> Result<Database, DbError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    // SAFETY: the mapping is read-only and hullscan never modifies a database file in place: it
    // only ever replaces the whole file by renaming a new one over it, which leaves this mapping
    // on the old inode. Only an outside program truncating the file could invalidate it.
    #[allow(unsafe_code)]
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| io_error(path, e))?;
    Database::from_map(map).map_err(|e| match e {
        DbError::Corrupt(what) => DbError::Corrupt(format!("{}: {what}", path.display())),
        other => other,
    })
}
