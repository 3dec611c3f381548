//! Maven's `ComparableVersion` ordering, written here (no crate implements it; reference §2.7).
//!
//! A version is lowercased and cut into items at `.` and `-` and at every switch between digits
//! and letters. A `-` (and a digit/letter switch) opens a nested list, so `1-1 < 1.1`. Items:
//! numbers; qualifiers in the order `alpha < beta < milestone < rc = cr < snapshot < "" = ga =
//! final = release < sp < anything else (lexically)`, where a single `a`, `b` or `m` directly
//! followed by a digit means alpha, beta or milestone; and lists. Trailing "null" items (zero,
//! empty qualifier, empty list) are dropped, so `1.0 = 1 = 1-0`.

use std::cmp::Ordering;

use crate::digits::cmp_numeric;

#[derive(Debug, Clone)]
enum Item {
    Int(String),
    Str(String),
    List(Vec<Item>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
/// Where the release (empty) qualifier sits in [`QUALIFIERS`].
const RELEASE_RANK: usize = 5;

/// The sort key of a qualifier: its rank among the known ones, unknown ones after all of them.
fn qualifier_key(value: &str) -> (usize, &str) {
    match QUALIFIERS.iter().position(|q| *q == value) {
        Some(rank) => (rank, ""),
        None => (QUALIFIERS.len(), value),
    }
}

fn make_string_item(value: &str, followed_by_digit: bool) -> Item {
    let value = match value {
        "a" if followed_by_digit => "alpha",
        "b" if followed_by_digit => "beta",
        "m" if followed_by_digit => "milestone",
        "ga" | "final" | "release" => "",
        "cr" => "rc",
        other => other,
    };
    Item::Str(value.to_owned())
}

fn make_item(is_digit: bool, text: &str, followed_by_digit: bool) -> Item {
    if is_digit {
        let trimmed = text.trim_start_matches('0');
        Item::Int(if trimmed.is_empty() {
            "0".to_owned()
        } else {
            trimmed.to_owned()
        })
    } else {
        make_string_item(text, followed_by_digit)
    }
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Int(v) => v == "0",
            Item::Str(v) => qualifier_key(v).0 == RELEASE_RANK,
            Item::List(items) => items.is_empty(),
        }
    }

    /// Compares against "nothing" (the other version has run out of items).
    fn cmp_null(&self) -> Ordering {
        match self {
            Item::Int(v) => {
                if v == "0" {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            Item::Str(v) => qualifier_key(v).0.cmp(&RELEASE_RANK),
            Item::List(items) => {
                for item in items {
                    let order = item.cmp_null();
                    if order != Ordering::Equal {
                        return order;
                    }
                }
                Ordering::Equal
            }
        }
    }

    fn cmp_item(&self, other: &Item) -> Ordering {
        match (self, other) {
            (Item::Int(a), Item::Int(b)) => cmp_numeric(a, b),
            (Item::Int(_), _) => Ordering::Greater,
            (Item::Str(_), Item::Int(_)) => Ordering::Less,
            (Item::Str(a), Item::Str(b)) => qualifier_key(a).cmp(&qualifier_key(b)),
            (Item::Str(_), Item::List(_)) => Ordering::Less,
            (Item::List(_), Item::Int(_)) => Ordering::Less,
            (Item::List(_), Item::Str(_)) => Ordering::Greater,
            (Item::List(a), Item::List(b)) => cmp_lists(a, b),
        }
    }
}

fn cmp_lists(a: &[Item], b: &[Item]) -> Ordering {
    let len = a.len().max(b.len());
    for i in 0..len {
        let order = match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) => x.cmp_item(y),
            (Some(x), None) => x.cmp_null(),
            (None, Some(y)) => y.cmp_null().reverse(),
            (None, None) => Ordering::Equal,
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

/// Drops trailing null items, looking through trailing sublists only to the first non-list.
fn normalize(items: &mut Vec<Item>) {
    let mut i = items.len();
    while i > 0 {
        i -= 1;
        if items[i].is_null() {
            items.remove(i);
        } else if !matches!(items[i], Item::List(_)) {
            break;
        }
    }
}

/// Parses into nested lists. A stack of open lists stands in for Maven's linked `ListItem`s.
fn parse(version: &str) -> Vec<Item> {
    let version = version.trim().to_lowercase();
    let bytes = version.as_bytes();
    // Each open list; the last is where items go. Closed lists are folded into their parent.
    let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
    let mut is_digit = false;
    let mut start = 0;

    fn open(stack: &mut Vec<Vec<Item>>) {
        stack.push(Vec::new());
    }

    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'.' | b'-' => {
                let item = if i == start {
                    Item::Int("0".to_owned())
                } else {
                    make_item(is_digit, &version[start..i], false)
                };
                start = i + 1;
                // A release qualifier before a `-` adds nothing, not even a level: `1-ga-1 = 1-1`.
                if c == b'-' && matches!(&item, Item::Str(v) if v.is_empty()) {
                    continue;
                }
                stack
                    .last_mut()
                    .expect("the root list is never popped")
                    .push(item);
                if c == b'-' {
                    open(&mut stack);
                }
            }
            b'0'..=b'9' => {
                if !is_digit && i > start {
                    let item = make_string_item(&version[start..i], true);
                    stack.last_mut().expect("root").push(item);
                    start = i;
                    open(&mut stack);
                }
                is_digit = true;
            }
            _ => {
                if is_digit && i > start {
                    let item = make_item(true, &version[start..i], false);
                    stack.last_mut().expect("root").push(item);
                    start = i;
                    open(&mut stack);
                }
                is_digit = false;
            }
        }
    }
    if bytes.len() > start {
        let item = make_item(is_digit, &version[start..], false);
        stack.last_mut().expect("root").push(item);
    }
    // Close the lists innermost first, normalizing each as Maven does when it pops its stack.
    while stack.len() > 1 {
        let mut list = stack.pop().expect("checked length");
        normalize(&mut list);
        stack
            .last_mut()
            .expect("checked length")
            .push(Item::List(list));
    }
    let mut root = stack.pop().unwrap_or_default();
    normalize(&mut root);
    root
}

/// Orders two Maven versions as `ComparableVersion` does.
pub fn compare(a: &str, b: &str) -> Ordering {
    cmp_lists(&parse(a), &parse(b))
}
