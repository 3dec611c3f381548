//! The file edge: writing the database (and downloaded exports) atomically, and mapping it.

use std::fs::File;
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
    hullscan_fs::write_atomically(path, |out| out.write_all(bytes)).map_err(|e| io_error(path, e))
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
