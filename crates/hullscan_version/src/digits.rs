//! Comparing runs of ASCII digits of any length as integers (no overflow on 30-digit versions).

use std::cmp::Ordering;

/// Compares two digit strings numerically; leading zeros do not count, empty counts as zero.
pub(crate) fn cmp_numeric(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Whether `s` is a non-empty run of ASCII digits.
pub(crate) fn is_numeric(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}
