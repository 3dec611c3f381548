//! OSV's bulk export, read from bytes: `<Ecosystem>/all.zip` (one `<ID>.json` per record) and
//! `<Ecosystem>/modified_id.csv` (`<modified>,<ID>` per line, newest first).
//!
//! Reading a zip verifies it: the central directory must parse, every entry's CRC-32 must match
//! its bytes, and every record must be valid OSV JSON whose `id` is its file name. Entries are
//! size-limited, so a zip bomb is an error, not an exhausted machine.

use std::io::{Cursor, Read};

use crate::osv::Record;

/// Largest uncompressed record accepted (the biggest real ones are a few hundred KiB).
pub const MAX_RECORD_BYTES: u64 = 16 << 20;
/// Most entries accepted in one zip.
pub const MAX_ENTRIES: usize = 2_000_000;

/// What is wrong with an export file.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("not a readable zip archive: {0}")]
    Zip(String),
    #[error("entry {entry}: {message}")]
    Entry { entry: String, message: String },
    #[error("modified_id.csv line {line}: {message}")]
    Csv { line: usize, message: String },
}

/// Reads and verifies every record of an ecosystem's `all.zip`.
pub fn read_zip(bytes: &[u8]) -> Result<Vec<Record>, ExportError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ExportError::Zip(e.to_string()))?;
    if archive.len() > MAX_ENTRIES {
        return Err(ExportError::Zip(format!(
            "{} entries, more than the limit {MAX_ENTRIES}",
            archive.len()
        )));
    }
    let mut records = Vec::with_capacity(archive.len());
    let mut buffer = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| ExportError::Zip(e.to_string()))?;
        let name = entry.name().to_owned();
        if entry.is_dir() || !name.ends_with(".json") {
            continue;
        }
        let entry_error = |message: String| ExportError::Entry {
            entry: name.clone(),
            message,
        };
        buffer.clear();
        // Reading to the end checks the CRC-32; the limit stops a lying size field.
        (&mut entry)
            .take(MAX_RECORD_BYTES + 1)
            .read_to_end(&mut buffer)
            .map_err(|e| entry_error(e.to_string()))?;
        if buffer.len() as u64 > MAX_RECORD_BYTES {
            return Err(entry_error(format!("larger than {MAX_RECORD_BYTES} bytes")));
        }
        let record = Record::from_json(&buffer)
            .map_err(|e| entry_error(format!("not an OSV record: {e}")))?;
        let stem = name
            .rsplit('/')
            .next()
            .unwrap_or(&name)
            .trim_end_matches(".json");
        if record.id != stem {
            return Err(entry_error(format!("holds record {:?}", record.id)));
        }
        records.push(record);
    }
    Ok(records)
}

/// One line of `modified_id.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModifiedId {
    pub modified: String,
    /// The id, without an `<Ecosystem>/` prefix (the top-level file has one).
    pub id: String,
}

/// Parses `modified_id.csv`.
pub fn parse_modified_ids(text: &str) -> Result<Vec<ModifiedId>, ExportError> {
    let mut out = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((modified, id)) = line.split_once(',') else {
            return Err(ExportError::Csv {
                line: number + 1,
                message: "no comma".to_owned(),
            });
        };
        let id = id.rsplit('/').next().unwrap_or(id);
        if modified.is_empty() || id.is_empty() {
            return Err(ExportError::Csv {
                line: number + 1,
                message: "empty field".to_owned(),
            });
        }
        out.push(ModifiedId {
            modified: modified.to_owned(),
            id: id.to_owned(),
        });
    }
    Ok(out)
}
