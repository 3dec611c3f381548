//! .NET: `*.deps.json`, whose `libraries` map lists `Name/Version` entries; only entries of
//! type `package` are NuGet packages (`project` entries are the application itself).

use serde_json::Value;

use crate::model::{Ecosystem, Package};
use crate::text::plausible;

pub fn parse_deps_json(path: &str, content: &[u8], notes: &mut Vec<String>) -> Vec<Package> {
    let json: Value = match serde_json::from_slice(content) {
        Ok(json) => json,
        Err(error) => {
            notes.push(format!("{path}: not valid JSON: {error}"));
            return Vec::new();
        }
    };
    let Some(libraries) = json.get("libraries").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut packages = Vec::new();
    for (key, library) in libraries {
        if library.get("type").and_then(Value::as_str) != Some("package") {
            continue;
        }
        let Some((name, version)) = key.split_once('/') else {
            notes.push(format!("{path}: library {key:?} is not Name/Version"));
            continue;
        };
        if plausible(name) && plausible(version) {
            packages.push(Package {
                name: name.to_owned(),
                version: version.to_owned(),
                ecosystem: Ecosystem::NuGet,
                purl: String::new(),
                source: None,
                arch: None,
                licenses: Vec::new(),
                evidence: vec![path.to_owned()],
                layer: None,
            });
        }
    }
    packages
}
