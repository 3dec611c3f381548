//! NuGet's `NuGetVersion` ordering, written here (no crate implements it).
//!
//! `Major.Minor.Patch[.Revision][-prerelease][+metadata]`: up to four numeric parts (missing ones
//! are zero, so `1.0 = 1.0.0.0`), then SemVer 2.0 pre-release precedence except that labels
//! compare case-insensitively (`1.0.0-RC1 = 1.0.0-rc1`); metadata never counts.

use std::cmp::Ordering;

use crate::digits::{cmp_numeric, is_numeric};

fn split(text: &str) -> (Vec<&str>, Vec<&str>) {
    let text = text.trim();
    let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let text = text.split_once('+').map_or(text, |(version, _)| version);
    match text.split_once('-') {
        Some((release, pre)) => (release.split('.').collect(), pre.split('.').collect()),
        None => (text.split('.').collect(), Vec::new()),
    }
}

fn cmp_label(a: &str, b: &str) -> Ordering {
    match (is_numeric(a), is_numeric(b)) {
        (true, true) => cmp_numeric(a, b),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.to_ascii_lowercase().cmp(&b.to_ascii_lowercase()),
    }
}

/// Orders two NuGet versions as `NuGetVersion.CompareTo` does.
pub fn compare(a: &str, b: &str) -> Ordering {
    let ((release_a, pre_a), (release_b, pre_b)) = (split(a), split(b));
    for i in 0..release_a.len().max(release_b.len()) {
        let order = cmp_label(
            release_a.get(i).copied().unwrap_or("0"),
            release_b.get(i).copied().unwrap_or("0"),
        );
        if order != Ordering::Equal {
            return order;
        }
    }
    match (pre_a.is_empty(), pre_b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        (false, false) => {}
    }
    for (x, y) in pre_a.iter().zip(&pre_b) {
        let order = cmp_label(x, y);
        if order != Ordering::Equal {
            return order;
        }
    }
    pre_a.len().cmp(&pre_b.len())
}
