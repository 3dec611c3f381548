//! apk ordering (Alpine), written here: the only crate (`apk-version`) disagrees with `apk` on 44
//! oracle pairs and looks derived from GPL code (reference §2.2).
//!
//! Grammar: `digits{.digits}...{letter}{_suffix{number}}...{~hash}{-r#}`. Both strings are read
//! token by token while the token kinds agree; the first differing value decides. When the kinds
//! differ, a pre-release suffix (`_alpha`, `_beta`, `_pre`, `_rc`) is lower, otherwise the side
//! whose next token kind comes earlier in the grammar is higher (`1.0 < 1.0-r1 < 1.0.1`). A string
//! that leaves the grammar gets an `Invalid` token there, which sorts below any valid continuation.

use std::cmp::Ordering;

use crate::digits::cmp_numeric;

/// Token kinds in grammar order; the order itself is part of the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNumber,
    CommitHash,
    Revision,
    End,
    Invalid,
}

const PRE_SUFFIXES: [&str; 4] = ["alpha", "beta", "pre", "rc"];
const POST_SUFFIXES: [&str; 5] = ["cvs", "svn", "git", "hg", "p"];

/// The rank of a known suffix: pre-release ones negative, post-release ones from zero.
fn suffix_rank(name: &str) -> Option<i32> {
    if let Some(i) = PRE_SUFFIXES.iter().position(|s| *s == name) {
        return Some(i as i32 - PRE_SUFFIXES.len() as i32);
    }
    POST_SUFFIXES
        .iter()
        .position(|s| *s == name)
        .map(|i| i as i32)
}

struct Lexer<'a> {
    rest: &'a str,
    kind: Kind,
    value: &'a str,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Self {
        let mut lexer = Lexer {
            rest: text,
            kind: Kind::InitialDigit,
            value: "",
        };
        lexer.value = lexer.take_while(|b| b.is_ascii_digit());
        lexer
    }

    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> &'a str {
        let end = self
            .rest
            .bytes()
            .position(|b| !keep(b))
            .unwrap_or(self.rest.len());
        let (taken, rest) = self.rest.split_at(end);
        self.rest = rest;
        taken
    }

    /// Moves to the next token; the previous kind decides what may follow.
    fn advance(&mut self) {
        let previous = self.kind;
        let Some(&first) = self.rest.as_bytes().first() else {
            self.kind = Kind::End;
            self.value = "";
            return;
        };
        let (kind, value) = match first {
            b'a'..=b'z' if previous <= Kind::Digit => {
                let value = &self.rest[..1];
                self.rest = &self.rest[1..];
                (Kind::Letter, value)
            }
            b'0'..=b'9' if previous == Kind::Letter => {
                (Kind::Digit, self.take_while(|b| b.is_ascii_digit()))
            }
            b'0'..=b'9' if previous == Kind::Suffix => {
                (Kind::SuffixNumber, self.take_while(|b| b.is_ascii_digit()))
            }
            // `.` must start a number (`1..2` reads as an empty one). `1.r2` leaves the grammar;
            // two such tails are compared as strings (`0.8.21.r1 < 0.8.21.r2`).
            b'.' if previous <= Kind::Digit => {
                if self
                    .rest
                    .as_bytes()
                    .get(1)
                    .is_some_and(u8::is_ascii_alphabetic)
                {
                    let tail = self.rest;
                    self.rest = "";
                    (Kind::Invalid, tail)
                } else {
                    self.rest = &self.rest[1..];
                    (Kind::Digit, self.take_while(|b| b.is_ascii_digit()))
                }
            }
            b'_' if previous <= Kind::SuffixNumber => {
                self.rest = &self.rest[1..];
                let name = self.take_while(|b| b.is_ascii_lowercase());
                if suffix_rank(name).is_some() {
                    (Kind::Suffix, name)
                } else {
                    (Kind::Invalid, "")
                }
            }
            b'~' if previous < Kind::CommitHash => {
                self.rest = &self.rest[1..];
                (Kind::CommitHash, self.take_while(|b| b.is_ascii_hexdigit()))
            }
            b'-' if previous < Kind::Revision && self.rest.as_bytes().get(1) == Some(&b'r') => {
                self.rest = &self.rest[2..];
                let digits = self.take_while(|b| b.is_ascii_digit());
                // `-r` must be followed by a number, the end, or another separator.
                if digits.is_empty()
                    && self
                        .rest
                        .bytes()
                        .next()
                        .is_some_and(|b| b.is_ascii_alphabetic())
                {
                    (Kind::Invalid, "")
                } else {
                    (Kind::Revision, digits)
                }
            }
            _ => (Kind::Invalid, ""),
        };
        self.kind = kind;
        self.value = value;
    }
}

fn compare_values(kind: Kind, a: &str, b: &str) -> Ordering {
    match kind {
        // A later component with a leading zero is compared as a string (Gentoo rule):
        // `1.01 < 1.1`, `1.001 < 1.01`.
        Kind::Digit if a.starts_with('0') || b.starts_with('0') => a.cmp(b),
        Kind::InitialDigit | Kind::Digit | Kind::SuffixNumber | Kind::Revision => cmp_numeric(a, b),
        Kind::Suffix => suffix_rank(a).cmp(&suffix_rank(b)),
        Kind::Letter | Kind::CommitHash => a.cmp(b),
        Kind::End | Kind::Invalid => Ordering::Equal,
    }
}

/// Orders two apk versions as `apk version -t` does.
pub fn compare(a: &str, b: &str) -> Ordering {
    let mut left = Lexer::new(a.trim());
    let mut right = Lexer::new(b.trim());
    while left.kind == right.kind && left.kind < Kind::End {
        let order = compare_values(left.kind, left.value, right.value);
        if order != Ordering::Equal {
            return order;
        }
        left.advance();
        right.advance();
    }
    if left.kind == right.kind {
        // Both ended, or both left the grammar at the same place.
        return left.value.cmp(right.value);
    }
    let is_pre_release = |lexer: &Lexer| {
        lexer.kind == Kind::Suffix && suffix_rank(lexer.value).is_some_and(|rank| rank < 0)
    };
    if is_pre_release(&left) {
        return Ordering::Less;
    }
    if is_pre_release(&right) {
        return Ordering::Greater;
    }
    // The side that goes on with an earlier token kind is the longer, higher version.
    right.kind.cmp(&left.kind)
}
