//! Executables: Go build info (`\xff Go buildinf:`) and Rust `cargo-auditable` dependency
//! lists (`.dep-v0`, zlib-compressed JSON). Sections are found through the ELF or PE section
//! table; every offset read from the file is checked against its length.

use std::io::Read;

use serde::Deserialize;

use crate::model::{Ecosystem, Package};
use crate::text::plausible;

const GO_MAGIC: &[u8] = b"\xff Go buildinf:";
/// cargo-auditable itself refuses dependency lists that decompress past 8 MiB.
const MAX_AUDIT_JSON_BYTES: u64 = 8 << 20;

pub fn is_executable(content: &[u8]) -> bool {
    content.starts_with(b"\x7fELF")
        || content.starts_with(b"MZ")
        || content.starts_with(&[0xcf, 0xfa, 0xed, 0xfe])
        || content.starts_with(&[0xce, 0xfa, 0xed, 0xfe])
}

pub fn read_binary(path: &str, content: &[u8], notes: &mut Vec<String>) -> Vec<Package> {
    let sections = sections(content);
    let mut packages = Vec::new();
    let go_section = sections.iter().find(|s| s.name == ".go.buildinfo");
    let go_start = match go_section {
        Some(section) => content
            .get(section.offset..section.offset.saturating_add(section.size))
            .and_then(|data| data.starts_with(GO_MAGIC).then_some(section.offset)),
        None => find_go_magic(content),
    };
    if let Some(start) = go_start {
        packages.extend(go::read(path, content, start, notes));
    }
    if let Some(section) = sections
        .iter()
        .find(|s| s.name == ".dep-v0" || s.name == "__dep_v0")
    {
        match content.get(section.offset..section.offset.saturating_add(section.size)) {
            Some(data) => packages.extend(rust_audit(path, data, notes)),
            None => notes.push(format!("{path}: .dep-v0 section lies outside the file")),
        }
    }
    packages
}

/// The Go build-info header sits 16-byte aligned; the first aligned match whose header parses.
fn find_go_magic(content: &[u8]) -> Option<usize> {
    memchr::memmem::find_iter(content, GO_MAGIC)
        .find(|&at| at % 16 == 0 && content.len() >= at.saturating_add(32))
}

pub struct Section {
    pub name: String,
    pub offset: usize,
    pub size: usize,
}

fn read_u16(data: &[u8], at: usize, big: bool) -> Option<u64> {
    let b: [u8; 2] = data.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(u64::from(if big {
        u16::from_be_bytes(b)
    } else {
        u16::from_le_bytes(b)
    }))
}

fn read_u32(data: &[u8], at: usize, big: bool) -> Option<u64> {
    let b: [u8; 4] = data.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u64::from(if big {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    }))
}

fn read_u64(data: &[u8], at: usize, big: bool) -> Option<u64> {
    let b: [u8; 8] = data.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(if big {
        u64::from_be_bytes(b)
    } else {
        u64::from_le_bytes(b)
    })
}

fn to_usize(v: u64) -> Option<usize> {
    usize::try_from(v).ok()
}

/// The file-backed sections of an ELF or PE file (empty for anything else or on damage).
pub fn sections(data: &[u8]) -> Vec<Section> {
    if data.starts_with(b"\x7fELF") {
        elf_sections(data).unwrap_or_default()
    } else if data.starts_with(b"MZ") {
        pe_sections(data).unwrap_or_default()
    } else {
        Vec::new()
    }
}

fn elf_sections(data: &[u8]) -> Option<Vec<Section>> {
    let is64 = *data.get(4)? == 2;
    let big = *data.get(5)? == 2;
    let (shoff, shentsize, shnum, shstrndx) = if is64 {
        (
            read_u64(data, 0x28, big)?,
            read_u16(data, 0x3a, big)?,
            read_u16(data, 0x3c, big)?,
            read_u16(data, 0x3e, big)?,
        )
    } else {
        (
            read_u32(data, 0x20, big)?,
            read_u16(data, 0x2e, big)?,
            read_u16(data, 0x30, big)?,
            read_u16(data, 0x32, big)?,
        )
    };
    let (shoff, shentsize) = (to_usize(shoff)?, to_usize(shentsize)?);
    if shentsize < if is64 { 64 } else { 40 } {
        return None;
    }
    let header = |i: u64| -> Option<(u64, u64, u64, u64)> {
        let at = shoff.checked_add(to_usize(i)?.checked_mul(shentsize)?)?;
        if is64 {
            Some((
                read_u32(data, at, big)?,
                read_u32(data, at.saturating_add(4), big)?,
                read_u64(data, at.saturating_add(24), big)?,
                read_u64(data, at.saturating_add(32), big)?,
            ))
        } else {
            Some((
                read_u32(data, at, big)?,
                read_u32(data, at.saturating_add(4), big)?,
                read_u32(data, at.saturating_add(16), big)?,
                read_u32(data, at.saturating_add(20), big)?,
            ))
        }
    };
    let (_, _, strtab_offset, strtab_size) = header(shstrndx)?;
    let strtab =
        data.get(to_usize(strtab_offset)?..to_usize(strtab_offset.checked_add(strtab_size)?)?)?;
    let mut out = Vec::new();
    for i in 0..shnum {
        let Some((name_at, kind, offset, size)) = header(i) else {
            break;
        };
        const SHT_NOBITS: u64 = 8;
        if kind == SHT_NOBITS {
            continue;
        }
        let Some(name) = to_usize(name_at).and_then(|at| strtab.get(at..)) else {
            continue;
        };
        let name = &name[..memchr::memchr(0, name).unwrap_or(name.len())];
        let (Some(offset), Some(size)) = (to_usize(offset), to_usize(size)) else {
            continue;
        };
        out.push(Section {
            name: String::from_utf8_lossy(name).into_owned(),
            offset,
            size,
        });
    }
    Some(out)
}

fn pe_sections(data: &[u8]) -> Option<Vec<Section>> {
    let pe = to_usize(read_u32(data, 0x3c, false)?)?;
    if data.get(pe..pe.checked_add(4)?)? != b"PE\0\0" {
        return None;
    }
    let count = read_u16(data, pe + 6, false)?;
    let optional = to_usize(read_u16(data, pe + 20, false)?)?;
    let table = pe.checked_add(24)?.checked_add(optional)?;
    let mut out = Vec::new();
    for i in 0..to_usize(count)? {
        let at = table.checked_add(i.checked_mul(40)?)?;
        let Some(raw_name) = data.get(at..at.saturating_add(8)) else {
            break;
        };
        let name = &raw_name[..memchr::memchr(0, raw_name).unwrap_or(8)];
        let (Some(size), Some(offset)) = (
            read_u32(data, at.saturating_add(16), false),
            read_u32(data, at.saturating_add(20), false),
        ) else {
            break;
        };
        out.push(Section {
            name: String::from_utf8_lossy(name).into_owned(),
            offset: to_usize(offset)?,
            size: to_usize(size)?,
        });
    }
    Some(out)
}

#[derive(Deserialize)]
struct AuditData {
    packages: Vec<AuditPackage>,
}

#[derive(Deserialize)]
struct AuditPackage {
    name: String,
    version: String,
    #[serde(default)]
    source: Option<String>,
    /// `runtime` (the default) or `build`: build scripts' and proc-macros' dependencies run at
    /// build time only and are not in the binary, so they are not installed packages.
    #[serde(default)]
    kind: Option<String>,
}

fn rust_audit(path: &str, compressed: &[u8], notes: &mut Vec<String>) -> Vec<Package> {
    let mut json = Vec::new();
    let decoder = flate2::read::ZlibDecoder::new(compressed);
    if let Err(error) = decoder
        .take(MAX_AUDIT_JSON_BYTES + 1)
        .read_to_end(&mut json)
    {
        notes.push(format!(
            "{path}: .dep-v0 section does not decompress: {error}"
        ));
        return Vec::new();
    }
    if json.len() as u64 > MAX_AUDIT_JSON_BYTES {
        notes.push(format!(
            "{path}: .dep-v0 section decompresses past {MAX_AUDIT_JSON_BYTES} bytes; not read"
        ));
        return Vec::new();
    }
    let data: AuditData = match serde_json::from_slice(&json) {
        Ok(data) => data,
        Err(error) => {
            notes.push(format!(
                "{path}: .dep-v0 section is not cargo-auditable JSON: {error}"
            ));
            return Vec::new();
        }
    };
    data.packages
        .into_iter()
        .filter(|p| plausible(&p.name) && plausible(&p.version))
        .filter(|p| p.kind.as_deref() != Some("build"))
        .map(|p| Package {
            name: p.name,
            version: p.version,
            ecosystem: Ecosystem::CratesIo,
            purl: String::new(),
            // cargo-auditable's `source` is `crates.io`, `git`, `local` or `registry`.
            source: None,
            arch: None,
            licenses: Vec::new(),
            evidence: vec![if p.source.as_deref().is_some_and(|s| s != "crates.io") {
                format!("{path}#.dep-v0({})", p.source.unwrap_or_default())
            } else {
                path.to_owned()
            }],
            layer: None,
        })
        .collect()
}

mod go {
    //! Go build info (Go 1.18 and later inline the strings after the header; earlier
    //! toolchains store pointers into the data segment, which are followed for ELF files).

    use super::*;

    /// Modinfo is wrapped in these 16-byte sentinels.
    const SENTINEL_LEN: usize = 16;

    fn uvarint(data: &[u8], at: &mut usize) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *data.get(*at)?;
            *at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn inline_string<'a>(data: &'a [u8], at: &mut usize) -> Option<&'a [u8]> {
        let len = to_usize(uvarint(data, at)?)?;
        let s = data.get(*at..at.checked_add(len)?)?;
        *at += len;
        Some(s)
    }

    pub fn read(path: &str, content: &[u8], start: usize, notes: &mut Vec<String>) -> Vec<Package> {
        let Some(header) = content.get(start..start + 32) else {
            notes.push(format!("{path}: Go build info header is truncated"));
            return Vec::new();
        };
        let flags = header[15];
        let (version, modinfo) = if flags & 2 != 0 {
            let mut at = start + 32;
            match (
                inline_string(content, &mut at),
                inline_string(content, &mut at),
            ) {
                (Some(v), Some(m)) => (v, m),
                _ => {
                    notes.push(format!(
                        "{path}: Go build info is corrupt (string lengths run past the file)"
                    ));
                    return Vec::new();
                }
            }
        } else {
            match legacy::strings(content, header) {
                Some(pair) => pair,
                None => {
                    notes.push(format!(
                        "{path}: Go build info (pre-1.18 layout) could not be followed"
                    ));
                    return Vec::new();
                }
            }
        };
        let version = String::from_utf8_lossy(version);
        let mut modinfo = modinfo;
        if modinfo.len() > 2 * SENTINEL_LEN && modinfo[modinfo.len() - SENTINEL_LEN - 1] == b'\n' {
            modinfo = &modinfo[SENTINEL_LEN..modinfo.len() - SENTINEL_LEN];
        }
        let modinfo = String::from_utf8_lossy(modinfo);
        let mut packages = Vec::new();
        let go_version = version.split_whitespace().next().unwrap_or("");
        match go_version
            .strip_prefix("go")
            .filter(|v| v.starts_with(|c: char| c.is_ascii_digit()))
        {
            Some(stdlib) if plausible(stdlib) => packages.push(module(path, "stdlib", stdlib)),
            _ if !version.is_empty() => {
                notes.push(format!(
                    "{path}: Go toolchain version {version:?} is not a release; stdlib not reported"
                ));
            }
            _ => {}
        }
        let mut last_dep: Option<usize> = None;
        for line in modinfo.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["mod", module_path, version, ..] => {
                    last_dep = None;
                    if trustworthy_main_version(version) && plausible(module_path) {
                        packages.push(module(path, module_path, version));
                        last_dep = Some(packages.len() - 1);
                    }
                }
                ["dep", module_path, version, ..]
                    if plausible(module_path) && plausible(version) =>
                {
                    packages.push(module(path, module_path, version));
                    last_dep = Some(packages.len() - 1);
                }
                ["=>", module_path, rest @ ..] => {
                    let Some(index) = last_dep.take() else {
                        continue;
                    };
                    match rest.first().filter(|v| !v.is_empty()) {
                        // A module replacement: what was built is the replacement.
                        Some(version) if plausible(module_path) && plausible(version) => {
                            packages[index] = module(path, module_path, version);
                        }
                        // A directory replacement: the code is local, its version unknown.
                        _ => {
                            packages.remove(index);
                        }
                    }
                }
                _ => {}
            }
        }
        packages
    }

    /// The main module's version says which release was built only when the toolchain stamped
    /// one from a clean VCS tag: not `(devel)`, not a `+dirty` tree, not a `v0.0.0-` pseudo-version.
    fn trustworthy_main_version(version: &str) -> bool {
        plausible(version)
            && version != "(devel)"
            && !version.contains("+dirty")
            && !version.starts_with("v0.0.0-")
    }

    fn module(path: &str, name: &str, version: &str) -> Package {
        Package {
            name: name.to_owned(),
            version: version.to_owned(),
            ecosystem: Ecosystem::Go,
            purl: String::new(),
            source: None,
            arch: None,
            licenses: Vec::new(),
            evidence: vec![path.to_owned()],
            layer: None,
        }
    }

    mod legacy {
        //! Before Go 1.18 the header holds two pointers (to the version and modinfo string
        //! headers) in the program's address space; they are mapped through the ELF program
        //! headers.

        use super::super::{read_u16, read_u32, read_u64, to_usize};

        fn vaddr_to_offset(data: &[u8], addr: u64) -> Option<usize> {
            let is64 = *data.get(4)? == 2;
            let big = *data.get(5)? == 2;
            let (phoff, phentsize, phnum) = if is64 {
                (
                    read_u64(data, 0x20, big)?,
                    read_u16(data, 0x36, big)?,
                    read_u16(data, 0x38, big)?,
                )
            } else {
                (
                    read_u32(data, 0x1c, big)?,
                    read_u16(data, 0x2a, big)?,
                    read_u16(data, 0x2c, big)?,
                )
            };
            for i in 0..phnum {
                let at = to_usize(phoff)?
                    .checked_add(to_usize(i)?.checked_mul(to_usize(phentsize)?)?)?;
                let (kind, offset, vaddr, filesz) = if is64 {
                    (
                        read_u32(data, at, big)?,
                        read_u64(data, at.saturating_add(8), big)?,
                        read_u64(data, at.saturating_add(16), big)?,
                        read_u64(data, at.saturating_add(32), big)?,
                    )
                } else {
                    (
                        read_u32(data, at, big)?,
                        read_u32(data, at.saturating_add(4), big)?,
                        read_u32(data, at.saturating_add(8), big)?,
                        read_u32(data, at.saturating_add(16), big)?,
                    )
                };
                const PT_LOAD: u64 = 1;
                if kind == PT_LOAD && addr >= vaddr && addr - vaddr < filesz {
                    return to_usize(offset.checked_add(addr - vaddr)?);
                }
            }
            None
        }

        fn go_string(data: &[u8], addr: u64, ptr_size: usize, big: bool) -> Option<&[u8]> {
            let at = vaddr_to_offset(data, addr)?;
            let (ptr, len) = if ptr_size == 8 {
                (
                    read_u64(data, at, big)?,
                    read_u64(data, at.saturating_add(8), big)?,
                )
            } else {
                (
                    read_u32(data, at, big)?,
                    read_u32(data, at.saturating_add(4), big)?,
                )
            };
            if len == 0 {
                return Some(&[]);
            }
            let start = vaddr_to_offset(data, ptr)?;
            data.get(start..start.checked_add(to_usize(len)?)?)
        }

        pub fn strings<'a>(data: &'a [u8], header: &[u8]) -> Option<(&'a [u8], &'a [u8])> {
            if !data.starts_with(b"\x7fELF") {
                return None;
            }
            let ptr_size = usize::from(header[14]);
            let big = header[15] & 1 != 0;
            let read_ptr = |at: usize| {
                if ptr_size == 8 {
                    read_u64(header, at, big)
                } else {
                    read_u32(header, at, big)
                }
            };
            if ptr_size != 4 && ptr_size != 8 {
                return None;
            }
            let version = go_string(data, read_ptr(16)?, ptr_size, big)?;
            let modinfo = go_string(data, read_ptr(16 + ptr_size)?, ptr_size, big)?;
            Some((version, modinfo))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An ELF-looking file with Go 1.18+ inline build info.
    fn go_binary(version: &str, modinfo: &str) -> Vec<u8> {
        let mut data = b"\x7fELF\x02\x01\x01".to_vec();
        data.resize(64, 0);
        data.extend_from_slice(GO_MAGIC);
        data.extend_from_slice(&[8, 2]);
        data.resize(96, 0);
        let wrapped = format!("{}{modinfo}{}", "0".repeat(16), "1".repeat(16));
        for s in [version, wrapped.as_str()] {
            let mut len = s.len();
            while len >= 0x80 {
                data.push((len as u8) | 0x80);
                len >>= 7;
            }
            data.push(len as u8);
            data.extend_from_slice(s.as_bytes());
        }
        data.resize(data.len() + 1024, 0);
        data
    }

    fn found(data: &[u8]) -> (Vec<(String, String)>, Vec<String>) {
        let mut notes = Vec::new();
        let packages = read_binary("bin/app", data, &mut notes);
        (
            packages.into_iter().map(|p| (p.name, p.version)).collect(),
            notes,
        )
    }

    #[test]
    fn go_modules_replacements_and_main_module() {
        let modinfo = "path\texample.com/app\nmod\texample.com/app\tv1.2.3\th1:x=\n\
dep\tgithub.com/a/b\tv1.0.0\th1:y=\n=>\tgithub.com/c/b\tv1.1.0\th1:z=\n\
dep\tgithub.com/local/mod\tv0.1.0\n=>\t../local\t\t\n\
dep\tgolang.org/x/sys\tv0.15.0\th1:w=\nbuild\t-trimpath=true\n";
        let (packages, notes) = found(&go_binary("go1.22.1", modinfo));
        assert!(notes.is_empty(), "{notes:?}");
        let expected: Vec<(String, String)> = [
            ("stdlib", "1.22.1"),
            ("example.com/app", "v1.2.3"),
            ("github.com/c/b", "v1.1.0"),
            ("golang.org/x/sys", "v0.15.0"),
        ]
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
        assert_eq!(packages, expected);
    }

    #[test]
    fn untrustworthy_main_module_versions_are_left_out() {
        for main in [
            "(devel)",
            "v0.0.0-20240101000000-abcdef123456",
            "v1.2.4-0.20240101000000-abcdef123456+dirty",
        ] {
            let modinfo = format!("path\tex.com/app\nmod\tex.com/app\t{main}\t\n");
            let (packages, _) = found(&go_binary("go1.21.0", &modinfo));
            assert_eq!(
                packages,
                vec![("stdlib".to_owned(), "1.21.0".to_owned())],
                "{main}"
            );
        }
        let (packages, notes) = found(&go_binary("devel go1.23-abcdef", "path\tx\n"));
        assert!(packages.is_empty());
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn cargo_auditable_section() {
        use std::io::Write;
        let json = br#"{"packages":[{"name":"app","version":"0.1.0","source":"local","root":true},{"name":"serde","version":"1.0.200","source":"crates.io"},{"name":"autocfg","version":"1.5.1","source":"crates.io","kind":"build"}]}"#;
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(json).unwrap();
        let compressed = encoder.finish().unwrap();
        let mut notes = Vec::new();
        let packages = rust_audit("bin/app", &compressed, &mut notes);
        let names: Vec<(&str, &str)> = packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(names, vec![("app", "0.1.0"), ("serde", "1.0.200")]);
        assert!(rust_audit("bin/app", b"not zlib", &mut notes).is_empty());
        assert_eq!(notes.len(), 1);
    }
}
