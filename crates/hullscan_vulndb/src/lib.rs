//! The vulnerability database: OSV records compiled into one compact file that a scan maps into
//! memory and reads in place (no JSON parsing at scan time), and matching of installed packages
//! against it.
//!
//! - [`osv`]: the OSV record model.
//! - [`export`]: reading OSV's bulk export (`<Ecosystem>/all.zip`, `modified_id.csv`), verified.
//! - [`Builder`]: compiling records into the database image.
//! - [`Database`]: opening (memory-mapped, checksummed) and querying it.
//! - [`store`]: the file edge: atomic writes and the mapping.
//!
//! Matching follows the OSV spec: a version is affected when an `affected[]` entry for the same
//! ecosystem and name lists it in `versions` or contains it in an `ECOSYSTEM`/`SEMVER` range;
//! GIT ranges are not evaluated. Ecosystem strings must be equal, so a `Debian:12` record only
//! matches packages of a Debian 12 image (OS packages are queried by their *source* name and
//! version). Results are merged when their ids, aliases or upstream ids overlap.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

mod build;
pub mod export;
mod format;
mod matching;
pub mod osv;
pub mod severity;
pub mod store;

pub use build::{Added, Builder};
pub use matching::{Database, Finding, Query, Stats};
pub use osv::Record;
pub use severity::{Level, Severity};

/// Why the database could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the vulnerability database is damaged: {0}")]
    Corrupt(String),
    #[error(
        "the vulnerability database has format version {found}; this hullscan reads {expected} (run `hullscan db update`)"
    )]
    Version { found: u32, expected: u32 },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Where the data came from and when, stored in the database for `db status`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Meta {
    /// Unix seconds when the database was written.
    pub built_at: i64,
    pub sources: Vec<SourceMeta>,
}

/// One ecosystem's export as it went into the database.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SourceMeta {
    pub ecosystem: String,
    /// The URL or directory the export was read from.
    pub origin: String,
    /// Unix seconds when it was downloaded (or copied).
    pub fetched_at: i64,
    /// Records indexed.
    pub records: u64,
    /// Withdrawn records left out.
    pub withdrawn: u64,
    /// The newest `modified` time in the export.
    pub newest_modified: String,
}

/// The name as the ecosystem's advisories spell it: PyPI names are PEP 503-normalized
/// (lowercase, runs of `-`, `_`, `.` become one `-`); other ecosystems keep theirs.
pub fn normalize_name<'a>(ecosystem: &str, name: &'a str) -> Cow<'a, str> {
    if ecosystem != "PyPI" {
        return Cow::Borrowed(name);
    }
    Cow::Owned(hullscan_version::names::pypi_name(name))
}
