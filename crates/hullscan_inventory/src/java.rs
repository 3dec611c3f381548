//! Java archives (`*.jar`, `*.war`, `*.ear`, ...): every `META-INF/maven/<group>/<artifact>/
//! pom.properties` (a shaded jar carries several), else `META-INF/MANIFEST.MF`, else the file
//! name; nested archives (`BOOT-INF/lib/*.jar`, `WEB-INF/lib/*.jar`) are read in memory.
//!
//! Every read is bounded: nesting depth, the size of each entry as actually decompressed (not
//! as declared), and the total decompressed per top-level archive — a zip bomb ends in a note.

use std::io::{Cursor, Read};

use crate::model::{Ecosystem, Package};
use crate::text::plausible;

/// How many archives deep nested archives are followed.
pub const MAX_DEPTH: usize = 8;
/// The largest metadata entry (pom.properties, MANIFEST.MF) read.
const MAX_METADATA_BYTES: u64 = 1 << 20;
/// The largest nested archive read into memory.
const MAX_NESTED_BYTES: u64 = 64 << 20;
/// All bytes decompressed for one top-level archive, nested ones included.
const MAX_TOTAL_BYTES: u64 = 256 << 20;
/// Entries looked at per archive.
const MAX_ENTRIES: usize = 200_000;

const ARCHIVE_EXTENSIONS: [&str; 8] = [
    ".jar", ".war", ".ear", ".par", ".sar", ".jpi", ".hpi", ".kar",
];

struct Budget {
    remaining: u64,
}

pub fn read_archive(path: &str, content: &[u8], notes: &mut Vec<String>) -> Vec<Package> {
    let mut packages = Vec::new();
    let mut budget = Budget {
        remaining: MAX_TOTAL_BYTES,
    };
    read_level(path, content, 0, &mut budget, &mut packages, notes);
    packages
}

fn read_level(
    evidence: &str,
    content: &[u8],
    depth: usize,
    budget: &mut Budget,
    packages: &mut Vec<Package>,
    notes: &mut Vec<String>,
) {
    let mut archive = match zip::ZipArchive::new(Cursor::new(content)) {
        Ok(archive) => archive,
        Err(error) => {
            notes.push(format!("{evidence}: not a readable zip archive: {error}"));
            return;
        }
    };
    let mut own = Vec::new();
    let mut manifest = None;
    let count = archive.len();
    if count > MAX_ENTRIES {
        notes.push(format!(
            "{evidence}: {count} entries; only the first {MAX_ENTRIES} are read"
        ));
    }
    for index in 0..count.min(MAX_ENTRIES) {
        let Some(name) = archive.name_for_index(index).map(str::to_owned) else {
            continue;
        };
        let is_pom = name.starts_with("META-INF/maven/") && name.ends_with("/pom.properties");
        let is_manifest = name.eq_ignore_ascii_case("META-INF/MANIFEST.MF");
        let is_nested = ARCHIVE_EXTENSIONS.iter().any(|ext| {
            name.len() > ext.len() && name[name.len() - ext.len()..].eq_ignore_ascii_case(ext)
        });
        if !(is_pom || is_manifest || is_nested) {
            continue;
        }
        let nested_evidence = format!("{evidence}!/{name}");
        if is_nested && depth + 1 >= MAX_DEPTH {
            notes.push(format!(
                "{nested_evidence}: archives nested more than {MAX_DEPTH} deep are not read"
            ));
            continue;
        }
        let limit = if is_nested {
            MAX_NESTED_BYTES
        } else {
            MAX_METADATA_BYTES
        };
        let bytes = match read_entry(&mut archive, index, limit, budget) {
            Ok(bytes) => bytes,
            Err(problem) => {
                notes.push(format!("{nested_evidence}: {problem}"));
                if budget.remaining == 0 {
                    return;
                }
                continue;
            }
        };
        if is_pom {
            own.extend(from_pom_properties(evidence, &name, &bytes));
        } else if is_manifest {
            manifest = Some(bytes);
        } else {
            // Read now, so only one nested archive per level is held in memory.
            read_level(&nested_evidence, &bytes, depth + 1, budget, packages, notes);
        }
    }
    if own.is_empty() {
        own.extend(from_manifest_or_name(evidence, manifest.as_deref()));
    }
    packages.extend(own);
}

fn read_entry(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    index: usize,
    limit: u64,
    budget: &mut Budget,
) -> Result<Vec<u8>, String> {
    let entry = archive
        .by_index(index)
        .map_err(|error| format!("cannot read entry: {error}"))?;
    let cap = limit.min(budget.remaining);
    let mut bytes =
        Vec::with_capacity(usize::try_from(entry.size().min(cap).min(1 << 20)).unwrap_or(0));
    let read = entry
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| format!("cannot decompress entry: {error}"))?;
    budget.remaining = budget.remaining.saturating_sub(read as u64);
    if read as u64 > cap {
        return Err(if cap < limit {
            format!(
                "decompressed data passes the {MAX_TOTAL_BYTES} byte budget for one archive (zip bomb?); the rest is not read"
            )
        } else {
            format!("decompresses to more than {limit} bytes (zip bomb?); not read")
        });
    }
    Ok(bytes)
}

/// `key=value` lines of a Java properties file (comments and blank lines skipped).
fn properties(bytes: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter(|l| !l.trim_start().starts_with(['#', '!']))
        .filter_map(|l| {
            let (k, v) = l.split_once(['=', ':'])?;
            Some((k.trim().to_owned(), v.trim().to_owned()))
        })
        .collect()
}

fn from_pom_properties(evidence: &str, entry: &str, bytes: &[u8]) -> Option<Package> {
    let props = properties(bytes);
    let get = |key: &str| {
        props
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    // The directory names the coordinates too; the file's own values win.
    let mut dirs = entry.trim_start_matches("META-INF/maven/").split('/');
    let group = get("groupId").or(dirs.next())?;
    let artifact = get("artifactId").or(dirs.next())?;
    let version = get("version")?;
    (plausible(group) && plausible(artifact) && plausible(version)).then(|| {
        maven_package(
            format!("{group}:{artifact}"),
            version,
            format!("{evidence}!/{entry}"),
        )
    })
}

fn maven_package(name: String, version: &str, evidence: String) -> Package {
    Package {
        name,
        version: version.to_owned(),
        ecosystem: Ecosystem::Maven,
        purl: String::new(),
        source: None,
        arch: None,
        licenses: Vec::new(),
        evidence: vec![evidence],
        layer: None,
    }
}

/// The main section of a manifest: `Name: value`, continuation lines start with one space and
/// continue the value without a separator.
fn manifest_fields(bytes: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(bytes);
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if let Some(rest) = line.strip_prefix(' ') {
            if let Some((_, value)) = fields.last_mut() {
                value.push_str(rest);
            }
        } else if let Some((k, v)) = line.split_once(':') {
            fields.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    fields
}

/// The archive's file name without directories and extension: `commons-io-2.11.0`.
fn file_stem(evidence: &str) -> &str {
    let name = evidence.rsplit(['/', '!']).next().unwrap_or(evidence);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// Splits `artifact-1.2.3` at the first `-` followed by a digit.
fn split_versioned_stem(stem: &str) -> Option<(&str, &str)> {
    stem.char_indices()
        .find(|(i, c)| *c == '-' && stem[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
        .map(|(i, _)| (&stem[..i], &stem[i + 1..]))
}

fn from_manifest_or_name(evidence: &str, manifest: Option<&[u8]>) -> Option<Package> {
    let stem = file_stem(evidence);
    let (name_artifact, name_version) = match split_versioned_stem(stem) {
        Some((artifact, version)) => (artifact, Some(version)),
        None => (stem, None),
    };
    let fields = manifest.map(manifest_fields).unwrap_or_default();
    let get = |key: &str| {
        fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
            .filter(|v| plausible(v))
    };
    let version = get("Implementation-Version")
        .or_else(|| get("Bundle-Version"))
        .or_else(|| get("Specification-Version"))
        .or(name_version)?;
    let group = get("Implementation-Vendor-Id")
        .or_else(|| get("Automatic-Module-Name").and_then(|m| m.rsplit_once('.').map(|(g, _)| g)));
    let artifact = if name_artifact.is_empty() {
        get("Implementation-Title")?
    } else {
        name_artifact
    };
    let name = match group {
        Some(group) => format!("{group}:{artifact}"),
        None => artifact.to_owned(),
    };
    plausible(&name).then(|| maven_package(name, version, evidence.to_owned()))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn jar(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in entries {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(content).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    fn names(path: &str, data: &[u8]) -> Vec<(String, String)> {
        let mut notes = Vec::new();
        let packages = read_archive(path, data, &mut notes);
        assert!(notes.is_empty(), "{notes:?}");
        packages.into_iter().map(|p| (p.name, p.version)).collect()
    }

    #[test]
    fn shaded_jar_reports_every_pom() {
        let data = jar(&[
            ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"),
            ("META-INF/maven/com.acme/app/pom.properties", b"groupId=com.acme\nartifactId=app\nversion=2.0\n"),
            (
                "META-INF/maven/com.fasterxml.jackson.core/jackson-databind/pom.properties",
                b"#Generated\nversion=2.13.0\ngroupId=com.fasterxml.jackson.core\nartifactId=jackson-databind\n",
            ),
        ]);
        assert_eq!(
            names("app.jar", &data),
            vec![
                ("com.acme:app".to_owned(), "2.0".to_owned()),
                (
                    "com.fasterxml.jackson.core:jackson-databind".to_owned(),
                    "2.13.0".to_owned()
                )
            ]
        );
    }

    #[test]
    fn manifest_and_file_name_fallbacks() {
        let data = jar(&[(
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\r\nImplementation-Title: Foo\r\nImplementation-Version: 3.1\r\n .4\r\nImplementation-Vendor-Id: org.foo\r\n",
        )]);
        assert_eq!(
            names("lib/foo.jar", &data),
            vec![("org.foo:foo".to_owned(), "3.1.4".to_owned())]
        );
        let bare = jar(&[("a.class", b"\xca\xfe\xba\xbe")]);
        assert_eq!(
            names("lib/bar-1.0.jar", &bare),
            vec![("bar".to_owned(), "1.0".to_owned())]
        );
        assert!(names("lib/bar.jar", &bare).is_empty());
    }
}
