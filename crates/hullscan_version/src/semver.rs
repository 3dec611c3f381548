//! SemVer 2.0 precedence (npm, crates.io), read leniently: an optional `v`, any number of numeric
//! components (missing ones are zero, numbers of any length), `-pre.release` identifiers and
//! `+build` metadata, which never counts. Written here rather than with the `semver` crate, which
//! rejects a `v` prefix, fewer or more than three components, and numbers beyond `u64`, all of
//! which occur in advisory data and installed packages.
//!
//! Comparison walks both strings without allocating: matching compares one installed version
//! against every event of every advisory of a package.

use std::cmp::Ordering;

use crate::digits::{cmp_numeric, is_numeric};

/// Splits `text` into its release part and its pre-release part (`None` for a release).
fn split(text: &str) -> (&str, Option<&str>) {
    let text = text.trim();
    let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let text = text
        .split_once('+')
        .map_or(text, |(version, _build)| version);
    match text.split_once('-') {
        Some((release, pre)) => (release, Some(pre)),
        None => (text, None),
    }
}

/// Orders two release components: numbers numerically, before anything non-numeric (so every
/// string gets a deterministic place); two non-numeric ones by ASCII.
fn cmp_component(a: &str, b: &str) -> Ordering {
    match (is_numeric(a), is_numeric(b)) {
        (true, true) => cmp_numeric(a, b),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

/// SemVer §11: release components numerically (a missing one is zero); a pre-release is below
/// its release; pre-release identifiers dot by dot, numeric ones numerically and below
/// alphanumeric ones, alphanumeric ones by ASCII; a shorter identifier list is lower.
pub fn compare(a: &str, b: &str) -> Ordering {
    let ((release_a, pre_a), (release_b, pre_b)) = (split(a), split(b));
    let (mut left, mut right) = (release_a.split('.'), release_b.split('.'));
    loop {
        let order = match (left.next(), right.next()) {
            (None, None) => break,
            (x, y) => cmp_component(x.unwrap_or("0"), y.unwrap_or("0")),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    let (pre_a, pre_b) = match (pre_a, pre_b) {
        (None, None) => return Ordering::Equal,
        (None, Some(_)) => return Ordering::Greater,
        (Some(_), None) => return Ordering::Less,
        (Some(a), Some(b)) => (a, b),
    };
    let (mut left, mut right) = (pre_a.split('.'), pre_b.split('.'));
    loop {
        let order = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            // Identifier order is the same as component order.
            (Some(x), Some(y)) => cmp_component(x, y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
}
