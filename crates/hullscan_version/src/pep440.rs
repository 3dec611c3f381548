//! PEP 440 ordering via `pep440_rs` (0 wrong on the `packaging` oracle), plus the order old
//! `packaging` gave strings that are not PEP 440 ("legacy" versions, e.g. `0.1-bulbasaur`): they
//! sort below every PEP 440 version and among themselves by a setuptools-style key.

use std::cmp::Ordering;
use std::str::FromStr;

use pep440_rs::Version;

/// Orders two PyPI versions as Python's `packaging` does.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.trim(), b.trim());
    match (Version::from_str(a), Version::from_str(b)) {
        (Ok(a), Ok(b)) => a.cmp(&b),
        (Ok(_), Err(_)) => Ordering::Greater,
        (Err(_), Ok(_)) => Ordering::Less,
        (Err(_), Err(_)) => legacy_key(a).cmp(&legacy_key(b)),
    }
}

/// Old `packaging`'s `LegacyVersion` key: lowercase; split into digit runs, letter runs and the
/// separators `.` and `-`; numbers zero-padded to 8 digits, words prefixed with `*`; a few
/// words renamed so pre-releases sort low (`pre`, `preview`, `rc` → `c`; `dev` → `@`); trailing
/// zeros and `-` markers dropped before a pre-release word.
fn legacy_key(version: &str) -> Vec<String> {
    let lower = version.to_ascii_lowercase();
    let mut parts: Vec<String> = Vec::new();
    for part in legacy_parts(&lower) {
        if part.starts_with('*') {
            if part.as_str() < "*final" {
                while parts.last().is_some_and(|p| p == "*final-") {
                    parts.pop();
                }
            }
            while parts.last().is_some_and(|p| p == "00000000") {
                parts.pop();
            }
        }
        parts.push(part);
    }
    parts
}

fn legacy_parts(version: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |raw: &str| {
        let part = match raw {
            "pre" | "preview" | "rc" => "c",
            "-" => "final-",
            "dev" => "@",
            other => other,
        };
        if part.is_empty() || part == "." {
            return;
        }
        if part.as_bytes()[0].is_ascii_digit() {
            out.push(format!("{part:0>8}"));
        } else {
            out.push(format!("*{part}"));
        }
    };
    // The same tokens as `re.split(r"(\d+|[a-z]+|\.|-)", s)`: the matches and the text between.
    let bytes = version.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let end = if c.is_ascii_digit() {
            i + bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count()
        } else if c.is_ascii_lowercase() {
            i + bytes[i..]
                .iter()
                .take_while(|b| b.is_ascii_lowercase())
                .count()
        } else if c == b'.' || c == b'-' {
            i + 1
        } else {
            i += 1;
            continue;
        };
        if start < i {
            push(&version[start..i]);
        }
        push(&version[i..end]);
        i = end;
        start = end;
    }
    if start < bytes.len() {
        push(&version[start..]);
    }
    out.push("*final".to_owned());
    out
}
