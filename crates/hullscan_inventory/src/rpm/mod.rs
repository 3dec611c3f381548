//! rpm databases: SQLite (`rpmdb.sqlite`, rpm ≥ 4.16), BerkeleyDB hash (`Packages`) and NDB
//! (`Packages.db`, SUSE). Each stores one rpm header blob per installed package; the formats
//! are read here from their documented layouts, from bytes in memory.

mod bdb;
mod header;
mod ndb;
mod sqlite;

use crate::kind::FileKind;
use crate::model::Package;

/// At most this many header blobs are read from one database.
const MAX_PACKAGES: usize = 1_000_000;

pub fn read_database(
    kind: FileKind,
    path: &str,
    content: &[u8],
    notes: &mut Vec<String>,
) -> (Vec<Package>, Vec<String>) {
    let blobs = match kind {
        FileKind::RpmSqlite => sqlite::package_blobs(content),
        FileKind::RpmBerkeley => bdb::package_blobs(content),
        _ => ndb::package_blobs(content),
    };
    let blobs = match blobs {
        Ok(blobs) => blobs,
        Err(problem) => {
            notes.push(format!("{path}: not a readable rpm database: {problem}"));
            return (Vec::new(), Vec::new());
        }
    };
    let mut packages = Vec::new();
    let mut owned = Vec::new();
    for (index, blob) in blobs.iter().enumerate().take(MAX_PACKAGES) {
        match header::read_package(blob, path) {
            Ok(Some((package, files))) => {
                packages.push(package);
                owned.extend(files);
            }
            Ok(None) => {}
            Err(problem) => notes.push(format!("{path}: package record {}: {problem}", index + 1)),
        }
    }
    (packages, owned)
}
