//! The rpm header blob stored in each database record: an index of (tag, type, offset, count)
//! entries followed by a data store, all big-endian.

use crate::model::{Ecosystem, Package, SourcePackage};
use crate::text::plausible;

const TAG_NAME: u32 = 1000;
const TAG_VERSION: u32 = 1001;
const TAG_RELEASE: u32 = 1002;
const TAG_EPOCH: u32 = 1003;
const TAG_LICENSE: u32 = 1014;
const TAG_ARCH: u32 = 1022;
const TAG_OLDFILENAMES: u32 = 1027;
const TAG_SOURCERPM: u32 = 1044;
const TAG_DIRINDEXES: u32 = 1116;
const TAG_BASENAMES: u32 = 1117;
const TAG_DIRNAMES: u32 = 1118;

const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_STRING_ARRAY: u32 = 8;
const TYPE_I18NSTRING: u32 = 9;

/// rpm's own limits on a header.
const MAX_TAGS: usize = 0xffff;
const MAX_DATA: usize = 256 << 20;
/// The most entries read from one array tag (file lists of the largest packages are ~100k).
const MAX_ARRAY: usize = 1 << 20;

struct Entry {
    tag: u32,
    kind: u32,
    offset: usize,
    count: usize,
}

struct Header<'a> {
    entries: Vec<Entry>,
    data: &'a [u8],
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl<'a> Header<'a> {
    fn parse(blob: &'a [u8]) -> Result<Self, String> {
        let (Some(il), Some(dl)) = (be32(blob, 0), be32(blob, 4)) else {
            return Err("header shorter than 8 bytes".into());
        };
        let (il, dl) = (il as usize, dl as usize);
        if il > MAX_TAGS || dl > MAX_DATA {
            return Err(format!(
                "header claims {il} tags and {dl} data bytes, past rpm's limits"
            ));
        }
        let data_start = 8 + il * 16;
        let Some(data) = blob.get(data_start..data_start + dl) else {
            return Err(format!(
                "header of {} bytes is shorter than its {il} tags and {dl} data bytes",
                blob.len()
            ));
        };
        let mut entries = Vec::with_capacity(il);
        for i in 0..il {
            let at = 8 + i * 16;
            let (Some(tag), Some(kind), Some(offset), Some(count)) = (
                be32(blob, at),
                be32(blob, at + 4),
                be32(blob, at + 8),
                be32(blob, at + 12),
            ) else {
                return Err("truncated tag index".into());
            };
            entries.push(Entry {
                tag,
                kind,
                offset: offset as usize,
                count: count as usize,
            });
        }
        Ok(Header { entries, data })
    }

    fn entry(&self, tag: u32) -> Option<&Entry> {
        self.entries.iter().find(|e| e.tag == tag)
    }

    fn strings(&self, tag: u32) -> Option<Vec<&'a str>> {
        let entry = self.entry(tag)?;
        if !matches!(
            entry.kind,
            TYPE_STRING | TYPE_STRING_ARRAY | TYPE_I18NSTRING
        ) {
            return None;
        }
        let mut at = entry.offset;
        let count = if entry.kind == TYPE_STRING {
            1
        } else {
            entry.count
        };
        // Every string takes at least its NUL byte; more than that cannot be real.
        if count > self.data.len() || count > MAX_ARRAY {
            return None;
        }
        let mut out = Vec::with_capacity(count.min(1 << 16));
        for _ in 0..count {
            let rest = self.data.get(at..)?;
            let end = memchr::memchr(0, rest)?;
            out.push(std::str::from_utf8(&rest[..end]).ok()?);
            at += end + 1;
        }
        Some(out)
    }

    fn string(&self, tag: u32) -> Option<&'a str> {
        self.strings(tag)?.into_iter().next()
    }

    fn int32s(&self, tag: u32) -> Option<Vec<u32>> {
        let entry = self.entry(tag)?;
        if entry.kind != TYPE_INT32 {
            return None;
        }
        let bytes = self
            .data
            .get(entry.offset..entry.offset.checked_add(entry.count.checked_mul(4)?)?)?;
        Some(
            bytes
                .chunks_exact(4)
                .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        )
    }
}

/// `name-version-release.src.rpm` split into name and `version-release`.
fn parse_source_rpm(source: &str) -> Option<(&str, &str)> {
    let stem = source
        .strip_suffix(".src.rpm")
        .or_else(|| source.strip_suffix(".nosrc.rpm"))?;
    let (rest, _release) = stem.rsplit_once('-')?;
    let (name, _version) = rest.rsplit_once('-')?;
    Some((name, &stem[name.len() + 1..]))
}

/// The package a header describes and the files it owns; `None` for a record that is not a
/// package header (BerkeleyDB's record 0 holds a counter).
pub fn read_package(blob: &[u8], _path: &str) -> Result<Option<(Package, Vec<String>)>, String> {
    if blob.len() < 16 {
        return Ok(None);
    }
    let header = Header::parse(blob)?;
    let name = header.string(TAG_NAME).ok_or("no NAME tag")?;
    let version = header.string(TAG_VERSION).ok_or("no VERSION tag")?;
    let release = header.string(TAG_RELEASE).ok_or("no RELEASE tag")?;
    if !plausible(name) || !plausible(version) || !plausible(release) {
        return Err("unreadable NAME, VERSION or RELEASE".into());
    }
    let epoch = header.int32s(TAG_EPOCH).and_then(|e| e.first().copied());
    let version_release = format!("{version}-{release}");
    let full_version = match epoch {
        Some(epoch) => format!("{epoch}:{version_release}"),
        None => version_release.clone(),
    };
    let source = match header
        .string(TAG_SOURCERPM)
        .filter(|s| *s != "(none)")
        .and_then(parse_source_rpm)
    {
        Some((source_name, source_version)) => SourcePackage {
            name: source_name.to_owned(),
            version: match epoch {
                Some(epoch) => format!("{epoch}:{source_version}"),
                None => source_version.to_owned(),
            },
        },
        None => SourcePackage {
            name: name.to_owned(),
            version: full_version.clone(),
        },
    };
    let mut files = Vec::new();
    if let (Some(basenames), Some(dirnames), Some(indexes)) = (
        header.strings(TAG_BASENAMES),
        header.strings(TAG_DIRNAMES),
        header.int32s(TAG_DIRINDEXES),
    ) {
        for (base, index) in basenames.iter().zip(indexes) {
            if let Some(dir) = dirnames.get(index as usize) {
                files.push(format!("{}{base}", dir.trim_start_matches('/')));
            }
        }
    } else if let Some(old) = header.strings(TAG_OLDFILENAMES) {
        files.extend(old.iter().map(|f| f.trim_start_matches('/').to_owned()));
    }
    let package = Package {
        name: name.to_owned(),
        version: full_version,
        ecosystem: Ecosystem::Rpm,
        purl: String::new(),
        source: Some(source),
        arch: header
            .string(TAG_ARCH)
            .filter(|a| plausible(a))
            .map(str::to_owned),
        licenses: header
            .string(TAG_LICENSE)
            .filter(|l| plausible(l))
            .map(|l| vec![l.to_owned()])
            .unwrap_or_default(),
        evidence: Vec::new(),
        layer: None,
    };
    Ok(Some((package, files)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn source_rpm_names() {
        assert_eq!(
            super::parse_source_rpm("util-linux-2.32.1-42.el8_8.src.rpm"),
            Some(("util-linux", "2.32.1-42.el8_8"))
        );
        assert_eq!(super::parse_source_rpm("garbage"), None);
    }
}
