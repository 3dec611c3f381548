//! rpm ordering (`[epoch:]version[-release]`), written here: `rpm-version` gets the `1` vs `1-`
//! corner wrong (reference §2.3), and the algorithm is short.

use std::cmp::Ordering;

/// Orders two EVR strings as rpm 4.18's `rpm.vercmp` does: epoch (a missing one is `0`), then
/// version, then release. When one side has a release (even an empty one, `1-`) and the other has
/// none, the side with the release is higher.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (a, b) = (Evr::parse(a.trim()), Evr::parse(b.trim()));
    vercmp(a.epoch.unwrap_or("0"), b.epoch.unwrap_or("0"))
        .then_with(|| vercmp(a.version, b.version))
        .then_with(|| match (a.release, b.release) {
            (Some(x), Some(y)) => vercmp(x, y),
            (Some(_), None) => Ordering::Greater,
            (None, Some(_)) => Ordering::Less,
            (None, None) => Ordering::Equal,
        })
}

struct Evr<'a> {
    epoch: Option<&'a str>,
    version: &'a str,
    release: Option<&'a str>,
}

impl<'a> Evr<'a> {
    /// The epoch is the digits before a `:` at the start (`a:1` has none: its version is `a:1`);
    /// the release is everything after the last `-`.
    fn parse(text: &'a str) -> Self {
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        let (epoch, rest) = if text.as_bytes().get(digits) == Some(&b':') {
            (Some(&text[..digits]), &text[digits + 1..])
        } else {
            (None, text)
        };
        match rest.rfind('-') {
            Some(dash) => Evr {
                epoch,
                version: &rest[..dash],
                release: Some(&rest[dash + 1..]),
            },
            None => Evr {
                epoch,
                version: rest,
                release: None,
            },
        }
    }
}

/// rpm's segment comparison: alphanumeric runs, digits beat letters, `~` sorts before everything
/// (even the end), `^` after the end but before any further segment.
pub fn vercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    let is_separator = |c: u8| !c.is_ascii_alphanumeric() && c != b'~' && c != b'^';
    while i < a.len() || j < b.len() {
        while i < a.len() && is_separator(a[i]) {
            i += 1;
        }
        while j < b.len() && is_separator(b[j]) {
            j += 1;
        }
        let (x, y) = (a.get(i).copied(), b.get(j).copied());
        if x == Some(b'~') || y == Some(b'~') {
            if x != Some(b'~') {
                return Ordering::Greater;
            }
            if y != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if x == Some(b'^') || y == Some(b'^') {
            match (x, y) {
                (None, _) => return Ordering::Less,
                (_, None) => return Ordering::Greater,
                (Some(x), _) if x != b'^' => return Ordering::Greater,
                (_, Some(y)) if y != b'^' => return Ordering::Less,
                _ => {}
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(x), Some(_)) = (x, y) else { break };
        let numeric = x.is_ascii_digit();
        let class = |c: &u8| {
            if numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        let end_a = i + a[i..].iter().take_while(|c| class(c)).count();
        let end_b = j + b[j..].iter().take_while(|c| class(c)).count();
        if end_b == j {
            // Different segment kinds: numeric beats alphabetic.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let (mut seg_a, mut seg_b) = (&a[i..end_a], &b[j..end_b]);
        if numeric {
            while seg_a.first() == Some(&b'0') {
                seg_a = &seg_a[1..];
            }
            while seg_b.first() == Some(&b'0') {
                seg_b = &seg_b[1..];
            }
            let by_length = seg_a.len().cmp(&seg_b.len());
            if by_length != Ordering::Equal {
                return by_length;
            }
        }
        let order = seg_a.cmp(seg_b);
        if order != Ordering::Equal {
            return order;
        }
        i = end_a;
        j = end_b;
    }
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}
