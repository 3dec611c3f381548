//! RubyGems' `Gem::Version` ordering, written here (no crate implements it).
//!
//! A `-` means `.pre.`; the version is cut into digit runs and letter runs. A letter run makes it
//! a pre-release from there on. Trailing zeros of the release part and of the pre-release part are
//! dropped (`1.0 = 1`, `1.0.a = 1.a`); then segments compare pairwise, a missing one counting as
//! `0`: numbers numerically, letters by bytes, and a letter run below any number.

use std::cmp::Ordering;

use crate::digits::cmp_numeric;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment<'a> {
    Number(&'a str),
    Word(&'a str),
}

fn segments(version: &str) -> Vec<Segment<'_>> {
    let bytes = version.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_digit() {
            let end = i + bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
            out.push(Segment::Number(&version[i..end]));
            i = end;
        } else if c.is_ascii_alphabetic() {
            let end = i + bytes[i..]
                .iter()
                .take_while(|b| b.is_ascii_alphabetic())
                .count();
            out.push(Segment::Word(&version[i..end]));
            i = end;
        } else {
            if c == b'-' {
                // `1.0-beta` is `1.0.pre.beta`.
                out.push(Segment::Word("pre"));
            }
            i += 1;
        }
    }
    out
}

fn is_zero(segment: &Segment<'_>) -> bool {
    matches!(segment, Segment::Number(n) if n.bytes().all(|b| b == b'0'))
}

/// The canonical segments: trailing zeros dropped from the release and the pre-release part.
fn canonical(version: &str) -> Vec<Segment<'_>> {
    let all = segments(version.trim());
    let split = all
        .iter()
        .position(|s| matches!(s, Segment::Word(_)))
        .unwrap_or(all.len());
    let (release, pre) = all.split_at(split);
    let trim = |part: &[Segment<'_>]| -> usize {
        part.len() - part.iter().rev().take_while(|s| is_zero(s)).count()
    };
    let mut out = release[..trim(release)].to_vec();
    out.extend_from_slice(&pre[..trim(pre)]);
    out
}

/// Orders two gem versions as `Gem::Version#<=>` does.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (a, b) = (canonical(a), canonical(b));
    let zero = Segment::Number("0");
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).unwrap_or(&zero);
        let y = b.get(i).unwrap_or(&zero);
        let order = match (x, y) {
            (Segment::Number(x), Segment::Number(y)) => cmp_numeric(x, y),
            (Segment::Word(_), Segment::Number(_)) => Ordering::Less,
            (Segment::Number(_), Segment::Word(_)) => Ordering::Greater,
            (Segment::Word(x), Segment::Word(y)) => x.cmp(y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}
