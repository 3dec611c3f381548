//! Go's `filepath.Match` (Unix), ported for its *error* behaviour: Docker calls
//! `filepath.Match(pattern, ".")` on every pattern only to reject malformed ones, so which
//! patterns fail here decides which `.dockerignore` files Docker refuses.

/// Go's `filepath.ErrBadPattern`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadPattern;

/// Go's `filepath.Match(pattern, name)` with `/` as the separator and `\` as the escape.
pub fn go_filepath_match(mut pattern: &str, mut name: &str) -> Result<bool, BadPattern> {
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            // A trailing `*` matches the rest of the name unless it holds a separator.
            return Ok(!name.contains('/'));
        }
        let (remaining, ok, err) = match_chunk(chunk, name);
        if ok && (remaining.is_empty() || !pattern.is_empty()) {
            name = remaining;
            continue;
        }
        if let Some(err) = err {
            return Err(err);
        }
        if star {
            // Try skipping 1..n bytes of the name (never a separator).
            let bytes = name.as_bytes();
            let mut i = 0;
            while i < bytes.len() && bytes[i] != b'/' {
                let Some(candidate) = name.get(i + 1..) else {
                    i += 1;
                    continue;
                };
                let (remaining, ok, err) = match_chunk(chunk, candidate);
                if ok {
                    if pattern.is_empty() && !remaining.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = remaining;
                    continue 'pattern;
                }
                if let Some(err) = err {
                    return Err(err);
                }
                i += 1;
            }
        }
        // No match: still check that the rest of the pattern is well formed.
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            if let (_, _, Some(err)) = match_chunk(chunk, "") {
                return Err(err);
            }
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Splits off leading stars and the next chunk (up to an unbracketed `*`).
fn scan_chunk(pattern: &str) -> (bool, &str, &str) {
    let trimmed = pattern.trim_start_matches('*');
    let star = trimmed.len() != pattern.len();
    let bytes = trimmed.as_bytes();
    let mut in_range = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if i + 1 < bytes.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    // `i` can land inside a multi-byte char only after a `\`; step to a boundary.
    while !trimmed.is_char_boundary(i) {
        i += 1;
    }
    (star, &trimmed[..i], &trimmed[i..])
}

fn first_char(s: &str) -> (char, usize) {
    s.chars()
        .next()
        .map_or(('\u{FFFD}', 0), |c| (c, c.len_utf8()))
}

/// Matches one chunk at the start of `s`: `(rest, matched, error)`. After a mismatch it keeps
/// scanning the chunk so malformed classes are still reported, as Go does.
fn match_chunk<'a>(mut chunk: &str, mut s: &'a str) -> (&'a str, bool, Option<BadPattern>) {
    let mut failed = false;
    while !chunk.is_empty() {
        if !failed && s.is_empty() {
            failed = true;
        }
        let head = chunk.as_bytes()[0];
        match head {
            b'[' => {
                let mut r = '\u{0}';
                if !failed {
                    let (c, n) = first_char(s);
                    r = c;
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let mut negated = false;
                if chunk.starts_with('^') {
                    negated = true;
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut ranges = 0;
                loop {
                    if chunk.starts_with(']') && ranges > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = match get_escaped(chunk) {
                        Ok(v) => v,
                        Err(err) => return ("", false, Some(err)),
                    };
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.starts_with('-') {
                        let (h, rest) = match get_escaped(&chunk[1..]) {
                            Ok(v) => v,
                            Err(err) => return ("", false, Some(err)),
                        };
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    ranges += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s.as_bytes()[0] == b'/' {
                        failed = true;
                    }
                    let (_, n) = first_char(s);
                    s = &s[n..];
                }
                chunk = &chunk[1..];
            }
            _ => {
                if head == b'\\' {
                    chunk = &chunk[1..];
                    if chunk.is_empty() {
                        return ("", false, Some(BadPattern));
                    }
                }
                // Go compares single bytes here; comparing whole chars gives the same answer
                // on valid UTF-8.
                let (c, n) = first_char(chunk);
                if !failed {
                    let (sc, sn) = first_char(s);
                    if c != sc {
                        failed = true;
                    }
                    s = &s[sn..];
                }
                chunk = &chunk[n..];
            }
        }
    }
    if failed {
        ("", false, None)
    } else {
        (s, true, None)
    }
}

/// One possibly escaped char of a class; `-`, `]` or the end where a char is expected is an
/// error, and so is a class that ends right after the char.
fn get_escaped(mut chunk: &str) -> Result<(char, &str), BadPattern> {
    if chunk.is_empty() || chunk.starts_with('-') || chunk.starts_with(']') {
        return Err(BadPattern);
    }
    if chunk.starts_with('\\') {
        chunk = &chunk[1..];
        if chunk.is_empty() {
            return Err(BadPattern);
        }
    }
    let (c, n) = first_char(chunk);
    let rest = &chunk[n..];
    if rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((c, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_match_table() {
        // (pattern, name, match, error) from the semantics of Go's filepath.Match.
        let cases: &[(&str, &str, bool, bool)] = &[
            ("abc", "abc", true, false),
            ("*", "abc", true, false),
            ("*c", "abc", true, false),
            ("a*", "a", true, false),
            ("a*/b", "abc/b", true, false),
            ("a*/b", "a/c/b", false, false),
            ("a*b*c*d*e*/f", "axbxcxdxe/f", true, false),
            ("ab[c]", "abc", true, false),
            ("ab[b-d]", "abc", true, false),
            ("ab[^c]", "abc", false, false),
            ("a\\*b", "a*b", true, false),
            ("a?b", "a☺b", true, false),
            ("[\\]a]", "]", true, false),
            ("[x\\-]", "-", true, false),
            ("[]a]", "]", false, true),
            ("[-]", "-", false, true),
            ("[x-]", "x", false, true),
            ("[-x]", "x", false, true),
            ("\\", "a", false, true),
            ("[a-b-c]", "a", false, true),
            ("[", "a", false, true),
            ("[^", "a", false, true),
            ("[^bc", "a", false, true),
            ("a[", "a", false, true),
            ("a[", "ab", false, true),
            ("a[", "x", false, true),
            ("a/b[", "a/b", false, true),
            ("*x", "xxx", true, false),
        ];
        for &(pattern, name, want, want_err) in cases {
            match go_filepath_match(pattern, name) {
                Ok(got) => {
                    assert!(!want_err, "{pattern:?} vs {name:?}: wanted an error");
                    assert_eq!(got, want, "{pattern:?} vs {name:?}");
                }
                Err(BadPattern) => assert!(want_err, "{pattern:?} vs {name:?}: unexpected error"),
            }
        }
    }
}
