//! Translation of the Go (RE2, `regexp.Compile`) expressions patternmatcher builds into Rust
//! `regex` syntax with the same meaning.
//!
//! The two dialects differ exactly where `.dockerignore` patterns are odd: inside `[...]` Go
//! treats `[` as a literal while Rust opens a nested class, and Rust gives `&&`, `--` and `~~`
//! set-operation meanings; `\d`, `\s`, `\w` and `\b` are ASCII in Go and Unicode in Rust; `\<`
//! is a literal in Go and a word boundary in Rust. The translator parses Go's syntax itself and
//! emits classes as explicit code-point ranges, so none of those differences can leak through.
//! Regexes Go would reject produce an error with Go's reason.

use std::fmt::Write as _;

const MAX_RUNE: u32 = 0x10_FFFF;

/// Translates a Go regular expression produced by [`crate::pattern::compile_go_regex`].
pub fn translate(go: &str) -> Result<String, String> {
    let mut out = String::with_capacity(go.len() * 2);
    let mut rest = go;
    while let Some(c) = rest.chars().next() {
        match c {
            '\\' => {
                rest = translate_escape_outside_class(rest, &mut out)?;
            }
            '[' => {
                let (class, after) = parse_class(&rest[1..])?;
                class.emit(&mut out);
                rest = after;
            }
            // Structure that only patternmatcher itself generates (`(.*/)?`, `.*`, `[^/]*`)
            // or an anchor; these mean the same in both dialects.
            '^' | '$' | '(' | ')' | '.' | '*' | '?' => {
                out.push(c);
                rest = &rest[1..];
            }
            _ => {
                push_literal(&mut out, c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    Ok(out)
}

fn push_literal(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || !c.is_ascii() {
        out.push(c);
    } else {
        let _ = write!(out, "\\x{{{:X}}}", c as u32);
    }
}

/// ASCII ranges for Go's Perl classes `\d`, `\s`, `\w`.
fn perl_class_ranges(letter: char) -> Option<&'static [(u32, u32)]> {
    match letter.to_ascii_lowercase() {
        'd' => Some(&[(0x30, 0x39)]),
        's' => Some(&[(0x09, 0x0A), (0x0C, 0x0D), (0x20, 0x20)]),
        'w' => Some(&[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)]),
        _ => None,
    }
}

/// The complement of sorted, non-overlapping ranges over all code points.
fn complement(ranges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut next = 0u32;
    for &(lo, hi) in ranges {
        if lo > next {
            out.push((next, lo - 1));
        }
        next = hi + 1;
    }
    if next <= MAX_RUNE {
        out.push((next, MAX_RUNE));
    }
    out
}

fn translate_escape_outside_class<'a>(s: &'a str, out: &mut String) -> Result<&'a str, String> {
    let mut chars = s[1..].chars();
    let Some(letter) = chars.next() else {
        return Err("trailing backslash at end of expression".to_owned());
    };
    let after = &s[1 + letter.len_utf8()..];
    match letter {
        'A' => {
            out.push_str(r"\A");
            return Ok(after);
        }
        'z' => {
            out.push_str(r"\z");
            return Ok(after);
        }
        'b' => {
            out.push_str(r"(?-u:\b)");
            return Ok(after);
        }
        'B' => {
            out.push_str(r"(?-u:\B)");
            return Ok(after);
        }
        'C' => return Err(r"invalid escape sequence: `\C`".to_owned()),
        'Q' => {
            // `\Q...\E`: everything up to `\E` (or the end) is literal.
            let (literal, rest) = after.split_once(r"\E").unwrap_or((after, ""));
            for c in literal.chars() {
                push_literal(out, c);
            }
            return Ok(rest);
        }
        'p' | 'P' => {
            let (item, rest) = unicode_class(s)?;
            out.push_str(&item);
            return Ok(rest);
        }
        _ => {}
    }
    if let Some(ranges) = perl_class_ranges(letter) {
        let ranges = if letter.is_ascii_uppercase() {
            complement(ranges)
        } else {
            ranges.to_vec()
        };
        Class {
            negated: false,
            ranges,
            named: Vec::new(),
        }
        .emit(out);
        return Ok(after);
    }
    let (c, rest) = parse_escape(s)?;
    push_literal(out, c);
    Ok(rest)
}

/// `\pN`, `\p{Name}`, `\PN`, `\P{Name}` (with `^` negation inside braces), passed through in
/// Rust's spelling, which accepts Go's names.
fn unicode_class(s: &str) -> Result<(String, &str), String> {
    let sign = &s[1..2];
    let body = &s[2..];
    if let Some(braced) = body.strip_prefix('{') {
        let Some(end) = braced.find('}') else {
            return Err(format!("invalid character class range: `{s}`"));
        };
        let name = &braced[..end];
        let (negate, name) = match name.strip_prefix('^') {
            Some(name) => (sign == "p", name),
            None => (sign == "P", name),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "invalid character class range: `\\{sign}{{{name}}}`"
            ));
        }
        let item = format!("\\{}{{{}}}", if negate { 'P' } else { 'p' }, name);
        Ok((item, &braced[end + 1..]))
    } else {
        let Some(name) = body.chars().next() else {
            return Err(format!("invalid character class range: `\\{sign}`"));
        };
        let item = format!("\\{sign}{{{name}}}");
        Ok((item, &body[name.len_utf8()..]))
    }
}

fn hex_value(c: char) -> Option<u32> {
    c.to_digit(16)
}

/// Go's `parseEscape`: a single escaped character (octal, hex, C escapes, punctuation).
fn parse_escape(s: &str) -> Result<(char, &str), String> {
    let invalid = |consumed: &str| format!("invalid escape sequence: `{consumed}`");
    let t = &s[1..];
    let Some(c) = t.chars().next() else {
        return Err("trailing backslash at end of expression".to_owned());
    };
    let mut t = &t[c.len_utf8()..];
    let consumed = |t: &str| s[..s.len() - t.len()].to_owned();
    match c {
        '1'..='7' | '0' => {
            let next_is_octal = t
                .as_bytes()
                .first()
                .is_some_and(|b| (b'0'..=b'7').contains(b));
            if c != '0' && !next_is_octal {
                // A lone non-zero digit would be a backreference, which RE2 rejects.
                return Err(invalid(&consumed(t)));
            }
            let mut value = c as u32 - '0' as u32;
            for _ in 1..3 {
                match t.as_bytes().first() {
                    Some(b) if (b'0'..=b'7').contains(b) => {
                        value = value * 8 + u32::from(b - b'0');
                        t = &t[1..];
                    }
                    _ => break,
                }
            }
            Ok((char::from_u32(value).unwrap_or('\u{FFFD}'), t))
        }
        'x' => {
            let Some(first) = t.chars().next() else {
                return Err(invalid(&consumed(t)));
            };
            t = &t[first.len_utf8()..];
            if first == '{' {
                let mut value = 0u32;
                let mut digits = 0;
                loop {
                    let Some(d) = t.chars().next() else {
                        return Err(invalid(&consumed(t)));
                    };
                    t = &t[d.len_utf8()..];
                    if d == '}' {
                        break;
                    }
                    let Some(v) = hex_value(d) else {
                        return Err(invalid(&consumed(t)));
                    };
                    value = value * 16 + v;
                    if value > MAX_RUNE {
                        return Err(invalid(&consumed(t)));
                    }
                    digits += 1;
                }
                if digits == 0 {
                    return Err(invalid(&consumed(t)));
                }
                return char::from_u32(value)
                    .map(|c| (c, t))
                    .ok_or_else(|| invalid(&consumed(t)));
            }
            let Some(second) = t.chars().next() else {
                return Err(invalid(&consumed(t)));
            };
            t = &t[second.len_utf8()..];
            match (hex_value(first), hex_value(second)) {
                (Some(x), Some(y)) => Ok((char::from_u32(x * 16 + y).unwrap_or('\u{FFFD}'), t)),
                _ => Err(invalid(&consumed(t))),
            }
        }
        'a' => Ok(('\u{07}', t)),
        'f' => Ok(('\u{0C}', t)),
        'n' => Ok(('\n', t)),
        'r' => Ok(('\r', t)),
        't' => Ok(('\t', t)),
        'v' => Ok(('\u{0B}', t)),
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok((c, t)),
        _ => Err(invalid(&consumed(t))),
    }
}

/// A parsed character class.
struct Class {
    negated: bool,
    ranges: Vec<(u32, u32)>,
    /// Items emitted as text: POSIX `[:name:]` and `\p{...}` groups.
    named: Vec<String>,
}

impl Class {
    fn emit(&self, out: &mut String) {
        out.push('[');
        if self.negated {
            out.push('^');
        }
        if self.ranges.is_empty() && self.named.is_empty() {
            // An empty class matches nothing; Rust spells that as an empty intersection.
            out.push_str("a&&b");
        }
        for &(lo, hi) in &self.ranges {
            if lo == hi {
                let _ = write!(out, "\\x{{{lo:X}}}");
            } else {
                let _ = write!(out, "\\x{{{lo:X}}}-\\x{{{hi:X}}}");
            }
        }
        for item in &self.named {
            out.push_str(item);
        }
        out.push(']');
    }
}

const POSIX_NAMES: &[&str] = &[
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

/// Go's `parseClass`, starting just after the `[`. Returns the class and the text after `]`.
fn parse_class(s: &str) -> Result<(Class, &str), String> {
    let whole = s;
    let missing = || format!("missing closing ]: `[{whole}`");
    let mut t = s;
    let mut class = Class {
        negated: false,
        ranges: Vec::new(),
        named: Vec::new(),
    };
    if let Some(rest) = t.strip_prefix('^') {
        class.negated = true;
        t = rest;
    }
    let mut first = true;
    while t.is_empty() || !t.starts_with(']') || first {
        first = false;
        if t.is_empty() {
            return Err(missing());
        }
        // POSIX `[:name:]` (or `[:^name:]`).
        if let Some(body) = t.strip_prefix("[:")
            && let Some(end) = body.find(":]")
        {
            let name = &body[..end];
            let bare = name.strip_prefix('^').unwrap_or(name);
            if !POSIX_NAMES.contains(&bare) {
                return Err(format!("invalid character class range: `[:{name}:]`"));
            }
            class.named.push(format!("[:{name}:]"));
            t = &body[end + 2..];
            continue;
        }
        if t.starts_with("\\p") || t.starts_with("\\P") {
            let (item, rest) = unicode_class(t)?;
            class.named.push(item);
            t = rest;
            continue;
        }
        if let Some(letter) = t.strip_prefix('\\').and_then(|r| r.chars().next())
            && let Some(ranges) = perl_class_ranges(letter)
        {
            let ranges = if letter.is_ascii_uppercase() {
                complement(ranges)
            } else {
                ranges.to_vec()
            };
            class.ranges.extend(ranges);
            t = &t[1 + letter.len_utf8()..];
            continue;
        }
        let range_text = t;
        let (lo, rest) =
            parse_class_char(t).map_err(|err| if t.is_empty() { missing() } else { err })?;
        t = rest;
        let mut hi = lo;
        if t.len() >= 2 && t.starts_with('-') && !t[1..].starts_with(']') {
            let (h, rest) = parse_class_char(&t[1..])?;
            hi = h;
            t = rest;
            if hi < lo {
                let consumed = &range_text[..range_text.len() - t.len()];
                return Err(format!("invalid character class range: `{consumed}`"));
            }
        }
        class.ranges.push((lo as u32, hi as u32));
    }
    class.ranges.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(class.ranges.len());
    for (lo, hi) in class.ranges.drain(..) {
        match merged.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => merged.push((lo, hi)),
        }
    }
    class.ranges = merged;
    Ok((class, &t[1..]))
}

fn parse_class_char(t: &str) -> Result<(char, &str), String> {
    if t.starts_with('\\') {
        return parse_escape(t);
    }
    match t.chars().next() {
        Some(c) => Ok((c, &t[c.len_utf8()..])),
        None => Err("missing closing ]".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rust_matches(go: &str, path: &str) -> bool {
        let rust = translate(go).unwrap_or_else(|err| panic!("{go}: {err}"));
        regex_automata::meta::Regex::new(&rust)
            .unwrap_or_else(|err| panic!("{go} -> {rust}: {err}"))
            .is_match(path)
    }

    #[test]
    fn go_class_literals_do_not_nest_or_combine() {
        // In Go `[[]` is a class holding `[`; `&&`, `--`, `~~` are plain characters.
        assert!(rust_matches("^[[]$", "["));
        assert!(rust_matches("^a[&&]b$", "a&b"));
        // Go reads `[--a]` as the range `-`..`a`; Rust would see a set difference.
        assert!(rust_matches("^[--a]$", "0"));
        assert!(translate("^[a--]$").is_err());
        assert!(rust_matches("^[~~x]$", "~"));
        assert!(!rust_matches("^[~~x]$", "y"));
        // `[*]` in a pattern becomes `[[^/]*]` in Go: a class {[,^,/} repeated, then `]`.
        assert!(rust_matches("^[[^/]*]$", "[/^]"));
        assert!(!rust_matches("^[[^/]*]$", "a]"));
        // The first `]` in a class is literal.
        assert!(rust_matches("^[]a]$", "]"));
        assert!(rust_matches(r"^[\]a]$", "]"));
        assert!(rust_matches(r"^[x\-]$", "-"));
        assert!(rust_matches("^[a-]$", "-"));
    }

    #[test]
    fn go_escapes_keep_go_meaning() {
        assert!(rust_matches(r"^\d$", "7"));
        assert!(!rust_matches(r"^\d$", "٣")); // Arabic-Indic digit: Unicode \d, not Go's
        assert!(rust_matches(r"^a\<b$", "a<b"));
        assert!(rust_matches(r"^\x41$", "A"));
        assert!(rust_matches(r"^\Q*.\E$", "*."));
        assert!(rust_matches(r"^[[:alpha:]]$", "q"));
        assert!(rust_matches(r"^\pL$", "é"));
        assert!(rust_matches(r"^[^/]$", "\n"));
        assert!(!rust_matches(r"^.$", "\n"));
    }

    #[test]
    fn go_rejections_are_errors() {
        assert!(translate("^[Local-Only]$").is_err());
        assert!(translate("^[a").is_err());
        assert!(translate(r"^\y$").is_err());
        assert!(translate(r"^\1$").is_err());
        assert!(translate("^[[:nope:]]$").is_err());
    }
}
