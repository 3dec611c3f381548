//! RubyGems: installed gems' `specifications/<name>-<version>.gemspec` (generated Ruby).

use crate::model::{Ecosystem, Package};
use crate::text::plausible;

/// The first double- or single-quoted string on `line`.
fn first_quoted(line: &str) -> Option<&str> {
    let start = line.find(['"', '\''])?;
    let quote = line[start..].chars().next()?;
    let rest = &line[start + 1..];
    let end = rest.find(quote)?;
    Some(&rest[..end])
}

/// `<spec>.<attribute> = ...` on one line, returning the quoted value.
fn attribute<'a>(text: &'a str, attribute: &str) -> Option<&'a str> {
    text.lines().find_map(|line| {
        let line = line.trim();
        let (lhs, rhs) = line.split_once('=')?;
        let lhs = lhs.trim();
        let (_, attr) = lhs.rsplit_once('.')?;
        (attr == attribute).then(|| first_quoted(rhs)).flatten()
    })
}

pub fn parse_gemspec(path: &str, content: &[u8], notes: &mut Vec<String>) -> Vec<Package> {
    let text = String::from_utf8_lossy(content);
    let file_stem = path
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_end_matches(".gemspec");
    // The file name is `<name>-<version>` (the version may carry a platform suffix).
    let from_file_name = file_stem
        .char_indices()
        .filter(|(i, c)| *c == '-' && file_stem[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
        .map(|(i, _)| (&file_stem[..i], &file_stem[i + 1..]))
        .next();
    let name = attribute(&text, "name").or(from_file_name.map(|(n, _)| n));
    let version = attribute(&text, "version").or(from_file_name.map(|(_, v)| v));
    let (Some(name), Some(version)) = (name, version) else {
        notes.push(format!("{path}: no gem name or version found"));
        return Vec::new();
    };
    if !plausible(name) || !plausible(version) {
        notes.push(format!("{path}: unreadable gem name or version"));
        return Vec::new();
    }
    let licenses = text
        .lines()
        .find(|l| l.contains(".licenses = ") || l.contains(".license = "))
        .and_then(first_quoted)
        .map(|l| vec![l.to_owned()])
        .unwrap_or_default();
    vec![Package {
        name: name.to_owned(),
        version: version.to_owned(),
        ecosystem: Ecosystem::RubyGems,
        purl: String::new(),
        source: None,
        arch: None,
        licenses,
        evidence: vec![path.to_owned()],
        layer: None,
    }]
}
