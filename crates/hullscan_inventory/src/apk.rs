//! apk: `lib/apk/db/installed`, blank-line-separated stanzas of `X:value` lines.

use crate::model::{Ecosystem, Package, SourcePackage};
use crate::text::plausible;

/// The installed packages and the files they own (`F:` directory plus `R:` file lines).
pub fn parse_installed(
    path: &str,
    content: &[u8],
    notes: &mut Vec<String>,
) -> (Vec<Package>, Vec<String>) {
    let text = String::from_utf8_lossy(content);
    let mut packages = Vec::new();
    let mut owned = Vec::new();
    let mut stanza = Stanza::default();
    let mut index = 0usize;
    let mut finish = |stanza: &mut Stanza, index: &mut usize, packages: &mut Vec<Package>| {
        let done = std::mem::take(stanza);
        if done.is_empty() {
            return;
        }
        *index += 1;
        match (done.name, done.version) {
            (Some(name), Some(version)) if plausible(&name) && plausible(&version) => {
                let origin = done
                    .origin
                    .filter(|o| plausible(o))
                    .unwrap_or_else(|| name.clone());
                packages.push(Package {
                    source: Some(SourcePackage {
                        name: origin,
                        version: version.clone(),
                    }),
                    name,
                    version,
                    ecosystem: Ecosystem::Apk,
                    purl: String::new(),
                    arch: done.arch,
                    licenses: done.license.into_iter().collect(),
                    evidence: vec![path.to_owned()],
                    layer: None,
                });
            }
            _ => notes.push(format!(
                "{path}: package entry {index} has no P: name or V: version; skipped"
            )),
        }
    };
    let mut dir = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            finish(&mut stanza, &mut index, &mut packages);
            dir.clear();
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        stanza.seen = true;
        match key {
            "P" => stanza.name = Some(value.to_owned()),
            "V" => stanza.version = Some(value.to_owned()),
            "A" => stanza.arch = Some(value.to_owned()),
            "o" => stanza.origin = Some(value.to_owned()),
            "L" => stanza.license = Some(value.to_owned()),
            "F" => dir = value.trim_matches('/').to_owned(),
            "R" if !value.is_empty() => owned.push(if dir.is_empty() {
                value.to_owned()
            } else {
                format!("{dir}/{value}")
            }),
            _ => {}
        }
    }
    finish(&mut stanza, &mut index, &mut packages);
    (packages, owned)
}

#[derive(Default)]
struct Stanza {
    seen: bool,
    name: Option<String>,
    version: Option<String>,
    arch: Option<String>,
    origin: Option<String>,
    license: Option<String>,
}

impl Stanza {
    fn is_empty(&self) -> bool {
        !self.seen
    }
}
