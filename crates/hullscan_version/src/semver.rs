//! SemVer 2.0 precedence (npm, crates.io), read leniently: an optional `v`, any number of numeric
//! components (missing ones are zero, numbers of any length), `-pre.release` identifiers and
//! `+build` metadata, which never counts. Written here rather than with the `semver` crate, which
//! rejects a `v` prefix, fewer or more than three components, and numbers beyond `u64`, all of
//! which occur in advisory data and installed packages.

use std::cmp::Ordering;

use crate::digits::{cmp_numeric, is_numeric};

/// A version split into its parts, borrowing from the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts<'a> {
    /// Numeric release components (may be fewer or more than three).
    pub release: Vec<&'a str>,
    /// Pre-release identifiers (empty for a release).
    pub pre: Vec<&'a str>,
}

/// Splits `text` (`v1.2.3-rc.1+build`). Non-numeric text inside the release part is kept as a
/// component and ordered after the numbers, so every string gets a deterministic place.
pub fn parse(text: &str) -> Parts<'_> {
    let text = text.trim();
    let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let text = text
        .split_once('+')
        .map_or(text, |(version, _build)| version);
    let (release, pre) = match text.split_once('-') {
        Some((release, pre)) => (release, pre.split('.').collect()),
        None => (text, Vec::new()),
    };
    Parts {
        release: release.split('.').collect(),
        pre,
    }
}

/// Orders two release components: numbers numerically, before anything non-numeric.
fn cmp_component(a: &str, b: &str) -> Ordering {
    match (is_numeric(a), is_numeric(b)) {
        (true, true) => cmp_numeric(a, b),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

/// SemVer §11 pre-release identifier order: numeric ones numerically and below alphanumeric
/// ones, alphanumeric ones by ASCII.
fn cmp_identifier(a: &str, b: &str) -> Ordering {
    match (is_numeric(a), is_numeric(b)) {
        (true, true) => cmp_numeric(a, b),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

/// Compares already split versions.
pub fn compare_parts(a: &Parts<'_>, b: &Parts<'_>) -> Ordering {
    let len = a.release.len().max(b.release.len());
    for i in 0..len {
        let x = a.release.get(i).copied().unwrap_or("0");
        let y = b.release.get(i).copied().unwrap_or("0");
        let order = cmp_component(x, y);
        if order != Ordering::Equal {
            return order;
        }
    }
    match (a.pre.is_empty(), b.pre.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        (false, false) => {}
    }
    for (x, y) in a.pre.iter().zip(&b.pre) {
        let order = cmp_identifier(x, y);
        if order != Ordering::Equal {
            return order;
        }
    }
    a.pre.len().cmp(&b.pre.len())
}

/// Orders two versions by SemVer precedence.
pub fn compare(a: &str, b: &str) -> Ordering {
    compare_parts(&parse(a), &parse(b))
}
