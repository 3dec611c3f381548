//! PHP: Composer's `vendor/composer/installed.json` (a list in Composer 1, `{"packages": [...]}`
//! in Composer 2).

use serde_json::Value;

use crate::model::{Ecosystem, Package};
use crate::npm::licenses;
use crate::text::plausible;

pub fn parse_installed_json(path: &str, content: &[u8], notes: &mut Vec<String>) -> Vec<Package> {
    let json: Value = match serde_json::from_slice(content) {
        Ok(json) => json,
        Err(error) => {
            notes.push(format!("{path}: not valid JSON: {error}"));
            return Vec::new();
        }
    };
    let list = match &json {
        Value::Array(list) => list,
        Value::Object(o) => match o.get("packages").and_then(Value::as_array) {
            Some(list) => list,
            None => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    list.iter()
        .filter_map(|entry| {
            let name = entry.get("name")?.as_str()?;
            let version = entry.get("version")?.as_str()?;
            (plausible(name) && plausible(version)).then(|| Package {
                name: name.to_owned(),
                version: version.to_owned(),
                ecosystem: Ecosystem::Packagist,
                purl: String::new(),
                source: None,
                arch: None,
                licenses: licenses(entry),
                evidence: vec![path.to_owned()],
                layer: None,
            })
        })
        .collect()
}
