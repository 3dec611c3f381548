//! npm: `node_modules/**/package.json` of installed packages.

use serde_json::Value;

use crate::model::{Ecosystem, Package};
use crate::text::plausible;

/// The license field: a string, an object with `type`, or the old `licenses` array.
pub fn licenses(json: &Value) -> Vec<String> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("type").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    };
    if let Some(license) = json.get("license").and_then(one) {
        return vec![license];
    }
    json.get("licenses")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(one).collect())
        .unwrap_or_default()
}

pub fn parse_package_json(path: &str, content: &[u8], notes: &mut Vec<String>) -> Vec<Package> {
    let json: Value = match serde_json::from_slice(content) {
        Ok(json) => json,
        Err(error) => {
            notes.push(format!("{path}: not valid JSON: {error}"));
            return Vec::new();
        }
    };
    let name = json.get("name").and_then(Value::as_str);
    let version = json.get("version").and_then(Value::as_str);
    // A package.json without a name and version is not a package (some packages ship such
    // files for module-type hints); nothing to report.
    let (Some(name), Some(version)) = (name, version) else {
        return Vec::new();
    };
    if !plausible(name) || !plausible(version) {
        notes.push(format!("{path}: unreadable name or version"));
        return Vec::new();
    }
    vec![Package {
        name: name.to_owned(),
        version: version.to_owned(),
        ecosystem: Ecosystem::Npm,
        purl: String::new(),
        source: None,
        arch: None,
        licenses: licenses(&json),
        evidence: vec![path.to_owned()],
        layer: None,
    }]
}
