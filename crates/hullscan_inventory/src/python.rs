//! Python: core metadata of installed distributions (`*.dist-info/METADATA`,
//! `*.egg-info/PKG-INFO`, `EGG-INFO/PKG-INFO`, a single-file `*.egg-info`).

use crate::model::{Ecosystem, Package};
use crate::text::{field, header_block, plausible, stanzas};

/// PEP 503's normalised name (the form advisories use).
pub fn normalize_name(name: &str) -> String {
    hullscan_version::names::pypi_name(name)
}

pub fn parse_metadata(path: &str, content: &[u8], notes: &mut Vec<String>) -> Vec<Package> {
    let text = String::from_utf8_lossy(content);
    let headers = stanzas(header_block(&text))
        .into_iter()
        .next()
        .unwrap_or_default();
    let (Some(name), Some(version)) = (field(&headers, "Name"), field(&headers, "Version")) else {
        notes.push(format!(
            "{path}: no Name or Version header; not a readable Python package"
        ));
        return Vec::new();
    };
    if !plausible(name) || !plausible(version) {
        notes.push(format!("{path}: unreadable Name or Version header"));
        return Vec::new();
    }
    let mut licenses = Vec::new();
    if let Some(expression) = field(&headers, "License-Expression") {
        licenses.push(expression.to_owned());
    } else if let Some(license) =
        field(&headers, "License").filter(|l| !l.contains('\n') && l.len() < 100 && *l != "UNKNOWN")
    {
        licenses.push(license.to_owned());
    }
    vec![Package {
        name: normalize_name(name),
        version: version.to_owned(),
        ecosystem: Ecosystem::PyPI,
        purl: String::new(),
        source: None,
        arch: None,
        licenses,
        evidence: vec![path.to_owned()],
        layer: None,
    }]
}

#[cfg(test)]
mod tests {
    #[test]
    fn pep503() {
        assert_eq!(super::normalize_name("Jinja2"), "jinja2");
        assert_eq!(super::normalize_name("zope.interface"), "zope-interface");
        assert_eq!(super::normalize_name("A__b-.c"), "a-b-c");
    }
}
