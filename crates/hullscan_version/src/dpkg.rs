//! dpkg ordering (`[epoch:]upstream[-revision]`, `~` below everything), via the `debversion`
//! crate, which matched every pair of the dpkg oracle.

use std::cmp::Ordering;
use std::str::FromStr;

use debversion::Version;

/// Orders two Debian versions as `dpkg --compare-versions` does.
///
/// A string dpkg would reject (characters outside its alphabet) is parsed leniently; one that
/// cannot be parsed at all sorts below every valid version, and two such strings by bytes.
pub fn compare(a: &str, b: &str) -> Ordering {
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => a.cmp(b),
    }
}

fn parse(text: &str) -> Option<Version> {
    let text = text.trim();
    Version::from_str(text)
        .or_else(|_| Version::parse_lenient(text))
        .ok()
}
