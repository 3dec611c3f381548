//! dpkg: `var/lib/dpkg/status`, distroless `var/lib/dpkg/status.d/*` (one or more control
//! stanzas per file) and `var/lib/dpkg/info/*.list` (the files each package owns).

use crate::model::{Ecosystem, Package, SourcePackage};
use crate::text::{field, plausible, stanzas};

/// The installed packages of a status file. Stanzas whose `Status` is not `installed` are left
/// out (a `status.d` stanza carries no `Status` and is installed); a stanza without a name or
/// version becomes a note.
pub fn parse_status(path: &str, content: &[u8], notes: &mut Vec<String>) -> Vec<Package> {
    let text = String::from_utf8_lossy(content);
    let mut packages = Vec::new();
    if !content.is_empty() && !content.ends_with(b"\n") {
        notes.push(format!(
            "{path}: ends in the middle of a line (truncated?); its last entry may be incomplete"
        ));
    }
    for (index, stanza) in stanzas(&text).iter().enumerate() {
        if let Some(status) = field(stanza, "Status")
            && status.split_whitespace().nth(2) != Some("installed")
        {
            continue;
        }
        let name = field(stanza, "Package");
        let version = field(stanza, "Version");
        let (Some(name), Some(version)) = (name, version) else {
            notes.push(format!(
                "{path}: stanza {} has no {} field; skipped (truncated or damaged file?)",
                index + 1,
                if name.is_none() { "Package" } else { "Version" }
            ));
            continue;
        };
        if !plausible(name) || !plausible(version) || name.contains(char::is_whitespace) {
            notes.push(format!(
                "{path}: stanza {}: unreadable package name or version; skipped",
                index + 1
            ));
            continue;
        }
        let source = source_package(field(stanza, "Source"), name, version);
        packages.push(Package {
            name: name.to_owned(),
            version: version.to_owned(),
            ecosystem: Ecosystem::Dpkg,
            purl: String::new(),
            source: Some(source),
            arch: field(stanza, "Architecture")
                .filter(|a| plausible(a))
                .map(str::to_owned),
            licenses: Vec::new(),
            evidence: vec![path.to_owned()],
            layer: None,
        });
    }
    packages
}

/// `Source: name` or `Source: name (version)`; absent means the binary's own name, and no
/// version means the binary's version (which is how dpkg-query's `${source:Version}` reads it).
fn source_package(source: Option<&str>, name: &str, version: &str) -> SourcePackage {
    let Some(source) = source.map(str::trim).filter(|s| !s.is_empty()) else {
        return SourcePackage {
            name: name.to_owned(),
            version: version.to_owned(),
        };
    };
    match source.split_once('(') {
        Some((source_name, rest)) => SourcePackage {
            name: source_name.trim().to_owned(),
            version: rest.trim_end().trim_end_matches(')').trim().to_owned(),
        },
        None => SourcePackage {
            name: source.to_owned(),
            version: version.to_owned(),
        },
    }
}

/// The paths a `*.list` file names (relative, no leading `/`); `/.` is skipped.
pub fn parse_list(content: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(content)
        .lines()
        .map(|line| line.trim_start_matches('/'))
        .filter(|line| !line.is_empty() && *line != ".")
        .map(str::to_owned)
        .collect()
}

/// The paths of a `*.md5sums` file (`<md5>  <path>` lines, paths relative to the root).
pub fn parse_md5sums(content: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(content)
        .lines()
        .filter_map(|line| {
            line.split_once("  ")
                .map(|(_, path)| path.trim_start_matches('/'))
        })
        .filter(|path| !path.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_forms() {
        let s = source_package(Some("bash (5.2.15-2)"), "bash", "5.2.15-2+b13");
        assert_eq!((s.name.as_str(), s.version.as_str()), ("bash", "5.2.15-2"));
        let s = source_package(Some("glibc"), "libc6", "2.36-9");
        assert_eq!((s.name.as_str(), s.version.as_str()), ("glibc", "2.36-9"));
        let s = source_package(None, "zlib1g", "1:1.2.13.dfsg-1");
        assert_eq!(
            (s.name.as_str(), s.version.as_str()),
            ("zlib1g", "1:1.2.13.dfsg-1")
        );
    }

    #[test]
    fn truncated_status_gives_a_note() {
        let status = b"Package: a\nStatus: install ok installed\nVersion: 1\n\nPackage: b\nStatus: install ok installed\nArchi";
        let mut notes = Vec::new();
        let packages = parse_status("var/lib/dpkg/status", status, &mut notes);
        assert_eq!(packages.len(), 1);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("var/lib/dpkg/status"));
    }
}
