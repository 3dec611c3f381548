//! The on-disk layout of the compiled database, and a bounds-checked view over it.
//!
//! ```text
//! header (64 bytes): magic "HSVULNDB", format version u32, section count u32, body length u64,
//!                    CRC-32 of the body u32, reserved u32, build time (Unix seconds) i64, zeros
//! body:              section table (offset u64, length u64 per section, offsets from the body),
//!                    then the sections
//! ```
//!
//! Every number is little-endian. Sections hold fixed-size rows; strings are `(offset, length)`
//! references into the string section. Nothing is parsed at open beyond the header and the
//! checksum; rows are read in place, and every read is checked, so a damaged file is an error,
//! never a panic or an out-of-bounds read.

use crate::DbError;

pub(crate) const MAGIC: &[u8; 8] = b"HSVULNDB";
pub(crate) const FORMAT_VERSION: u32 = 1;
pub(crate) const HEADER_LEN: usize = 64;

/// The sections, in table order.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Section {
    /// UTF-8 string bytes.
    Strings,
    /// Sorted by (ecosystem, name): ecosystem str, name str, first affected u32, count u32.
    Packages,
    /// vuln u32, first range u32, range count u32, first version u32, version count u32,
    /// severity u32 (index or `NONE`), reserved u32.
    Affected,
    /// kind u32 (0 ECOSYSTEM, 1 SEMVER), first event u32, event count u32. Events pre-sorted.
    Ranges,
    /// kind u32 (see [`EventKind`]), version str.
    Events,
    /// str; lists of strings (affected versions, aliases, upstream ids) are runs of these.
    StrRefs,
    /// id str, summary str, modified str, first alias u32, alias count u32, first upstream u32,
    /// upstream count u32, informational str (RustSec's `unmaintained`, ...; empty if none).
    Vulns,
    /// level u32, score f32 (NaN when none), source str, vector str.
    Severities,
    /// JSON metadata ([`crate::Meta`]); read only by `db status`, never by matching.
    Meta,
}

pub(crate) const SECTION_COUNT: usize = 9;

/// Row size of each section, in table order (1 for byte sections).
pub(crate) const ROW_SIZES: [usize; SECTION_COUNT] = [1, 24, 28, 12, 12, 8, 48, 24, 1];

pub(crate) const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum EventKind {
    Introduced = 0,
    LastAffected = 1,
    Fixed = 2,
    Limit = 3,
}

impl EventKind {
    pub(crate) fn from_code(code: u32) -> Option<EventKind> {
        Some(match code {
            0 => EventKind::Introduced,
            1 => EventKind::LastAffected,
            2 => EventKind::Fixed,
            3 => EventKind::Limit,
            _ => return None,
        })
    }
}

fn corrupt(what: impl Into<String>) -> DbError {
    DbError::Corrupt(what.into())
}

/// A validated view over the whole file.
#[derive(Clone, Copy)]
pub(crate) struct View<'a> {
    body: &'a [u8],
    sections: [(usize, usize); SECTION_COUNT],
}

/// What the header says, once validated.
pub(crate) struct Header {
    pub built_at: i64,
}

impl<'a> View<'a> {
    /// Checks magic, version, length, checksum and the section table.
    pub(crate) fn new(bytes: &'a [u8]) -> Result<(View<'a>, Header), DbError> {
        if bytes.len() < HEADER_LEN {
            return Err(corrupt(format!(
                "file is {} bytes, shorter than the header",
                bytes.len()
            )));
        }
        let (header, body) = bytes.split_at(HEADER_LEN);
        if &header[..8] != MAGIC {
            return Err(corrupt("not a hullscan vulnerability database (bad magic)"));
        }
        let version = read_u32(header, 8)?;
        if version != FORMAT_VERSION {
            return Err(DbError::Version {
                found: version,
                expected: FORMAT_VERSION,
            });
        }
        let section_count = read_u32(header, 12)? as usize;
        if section_count != SECTION_COUNT {
            return Err(corrupt(format!(
                "{section_count} sections, expected {SECTION_COUNT}"
            )));
        }
        let body_len = read_u64(header, 16)?;
        if body_len != body.len() as u64 {
            return Err(corrupt(format!(
                "truncated or padded: header says {body_len} body bytes, file has {}",
                body.len()
            )));
        }
        let checksum = read_u32(header, 24)?;
        if crc32fast::hash(body) != checksum {
            return Err(corrupt("checksum mismatch"));
        }
        let built_at = read_u64(header, 32)? as i64;
        let table_len = SECTION_COUNT * 16;
        if body.len() < table_len {
            return Err(corrupt("section table is cut off"));
        }
        let mut sections = [(0usize, 0usize); SECTION_COUNT];
        for (i, section) in sections.iter_mut().enumerate() {
            let offset = read_u64(body, i * 16)?;
            let len = read_u64(body, i * 16 + 8)?;
            let end = offset
                .checked_add(len)
                .ok_or_else(|| corrupt("section bounds overflow"))?;
            if offset < table_len as u64 || end > body.len() as u64 {
                return Err(corrupt(format!("section {i} lies outside the file")));
            }
            if len % ROW_SIZES[i] as u64 != 0 || len / ROW_SIZES[i] as u64 > u64::from(u32::MAX) {
                return Err(corrupt(format!("section {i} has a partial row")));
            }
            *section = (offset as usize, len as usize);
        }
        Ok((View { body, sections }, Header { built_at }))
    }

    /// A view over a file [`View::new`] already validated.
    pub(crate) fn validated(
        bytes: &'a [u8],
        sections: [(usize, usize); SECTION_COUNT],
    ) -> View<'a> {
        View {
            body: bytes.get(HEADER_LEN..).unwrap_or_default(),
            sections,
        }
    }

    pub(crate) fn sections(&self) -> [(usize, usize); SECTION_COUNT] {
        self.sections
    }

    pub(crate) fn section(&self, section: Section) -> &'a [u8] {
        let (offset, len) = self.sections[section as usize];
        // Bounds were checked in `new`.
        self.body.get(offset..offset + len).unwrap_or_default()
    }

    pub(crate) fn rows(&self, section: Section) -> u32 {
        (self.section(section).len() / ROW_SIZES[section as usize]) as u32
    }

    /// Row `index` of `section`.
    pub(crate) fn row(&self, section: Section, index: u32) -> Result<Row<'a>, DbError> {
        let size = ROW_SIZES[section as usize];
        let start = index as usize * size;
        self.section(section)
            .get(start..start + size)
            .map(Row)
            .ok_or_else(|| {
                corrupt(format!(
                    "reference to row {index} of {section:?}, which has {}",
                    self.rows(section)
                ))
            })
    }

    /// The string a reference points to.
    pub(crate) fn string(&self, (offset, len): (u32, u32)) -> Result<&'a str, DbError> {
        let start = offset as usize;
        let bytes = self
            .section(Section::Strings)
            .get(start..start + len as usize)
            .ok_or_else(|| corrupt("string reference outside the string section"))?;
        std::str::from_utf8(bytes).map_err(|_| corrupt("string is not UTF-8"))
    }

    /// The raw bytes a string reference points to (no UTF-8 check: for comparisons).
    pub(crate) fn bytes(&self, (offset, len): (u32, u32)) -> Result<&'a [u8], DbError> {
        let start = offset as usize;
        self.section(Section::Strings)
            .get(start..start + len as usize)
            .ok_or_else(|| corrupt("string reference outside the string section"))
    }

    /// Whether the string-reference run starting at `first` holds `needle` (byte equality, no
    /// allocation: affected-version lists run to hundreds of entries).
    pub(crate) fn string_list_contains(
        &self,
        first: u32,
        count: u32,
        needle: &str,
    ) -> Result<bool, DbError> {
        let strings = self.section(Section::Strings);
        for i in 0..count {
            let index = first
                .checked_add(i)
                .ok_or_else(|| corrupt("string list overflows"))?;
            let (offset, len) = self.row(Section::StrRefs, index)?.str_ref(0)?;
            if len as usize != needle.len() {
                continue;
            }
            let start = offset as usize;
            let bytes = strings
                .get(start..start + len as usize)
                .ok_or_else(|| corrupt("string reference outside the string section"))?;
            if bytes == needle.as_bytes() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The `count` strings of the string-reference run starting at `first`.
    pub(crate) fn string_list(&self, first: u32, count: u32) -> Result<Vec<&'a str>, DbError> {
        (0..count)
            .map(|i| {
                let index = first
                    .checked_add(i)
                    .ok_or_else(|| corrupt("string list overflows"))?;
                self.string(self.row(Section::StrRefs, index)?.str_ref(0)?)
            })
            .collect()
    }
}

/// One fixed-size row.
#[derive(Clone, Copy)]
pub(crate) struct Row<'a>(&'a [u8]);

impl Row<'_> {
    pub(crate) fn u32(&self, offset: usize) -> Result<u32, DbError> {
        read_u32(self.0, offset)
    }

    pub(crate) fn str_ref(&self, offset: usize) -> Result<(u32, u32), DbError> {
        Ok((self.u32(offset)?, self.u32(offset + 4)?))
    }
}

fn read_u32(bytes: &[u8], offset: usize) -> Result<u32, DbError> {
    bytes
        .get(offset..offset + 4)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)
        .ok_or_else(|| corrupt("read past the end"))
}

fn read_u64(bytes: &[u8], offset: usize) -> Result<u64, DbError> {
    bytes
        .get(offset..offset + 8)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_le_bytes)
        .ok_or_else(|| corrupt("read past the end"))
}

/// Assembles sections into a file image.
pub(crate) fn assemble(sections: [Vec<u8>; SECTION_COUNT], built_at: i64) -> Vec<u8> {
    let table_len = SECTION_COUNT * 16;
    let body_len = table_len + sections.iter().map(Vec::len).sum::<usize>();
    let mut body = Vec::with_capacity(body_len);
    let mut offset = table_len as u64;
    for section in &sections {
        body.extend_from_slice(&offset.to_le_bytes());
        body.extend_from_slice(&(section.len() as u64).to_le_bytes());
        offset += section.len() as u64;
    }
    for section in &sections {
        body.extend_from_slice(section);
    }
    let mut file = Vec::with_capacity(HEADER_LEN + body.len());
    file.extend_from_slice(MAGIC);
    file.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    file.extend_from_slice(&(SECTION_COUNT as u32).to_le_bytes());
    file.extend_from_slice(&(body.len() as u64).to_le_bytes());
    file.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    file.extend_from_slice(&0u32.to_le_bytes());
    file.extend_from_slice(&built_at.to_le_bytes());
    file.resize(HEADER_LEN, 0);
    file.extend_from_slice(&body);
    file
}
