//! A JSON validator that finds the string elements of a top-level array, with their byte
//! positions.
//!
//! BuildKit decodes exec-form arguments with Go's `json.Unmarshal` into `[]any`; this follows
//! that decoder's acceptance rules (RFC 8259 grammar, depth limit 10000, numbers must fit a
//! float64, lone surrogate escapes become U+FFFD) so JSON-vs-shell detection agrees, and it
//! iterates instead of recursing so deep nesting cannot overflow the stack.

/// Why a text is not an array of strings.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum JsonError {
    /// Not a valid JSON document: BuildKit silently falls back to shell form.
    Invalid,
    /// A valid JSON array with a non-string element: a hard parse error in BuildKit.
    NotStrings,
}

/// A decoded string element: its value and the byte range of the literal (with quotes).
pub(crate) struct JsonString {
    pub value: String,
    pub start: usize,
    pub end: usize,
}

const MAX_DEPTH: usize = 10_000;

/// Parses `text` (which must be the whole document) as a JSON array of strings.
pub(crate) fn parse_string_array(text: &str) -> Result<Vec<JsonString>, JsonError> {
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    if bytes.get(pos) != Some(&b'[') {
        return Err(JsonError::Invalid);
    }
    let mut elements = Vec::new();
    let mut all_strings = true;
    // Parse the top-level array by hand so its elements can be collected; nested values go
    // through `skip_value`.
    pos += 1;
    pos = skip_ws(bytes, pos);
    if bytes.get(pos) == Some(&b']') {
        pos += 1;
    } else {
        loop {
            pos = skip_ws(bytes, pos);
            if bytes.get(pos) == Some(&b'"') {
                let start = pos;
                let (value, end) = decode_string(text, pos)?;
                elements.push(JsonString { value, start, end });
                pos = end;
            } else {
                all_strings = false;
                pos = skip_value(bytes, pos, 1)?;
            }
            pos = skip_ws(bytes, pos);
            match bytes.get(pos) {
                Some(b',') => pos += 1,
                Some(b']') => {
                    pos += 1;
                    break;
                }
                _ => return Err(JsonError::Invalid),
            }
        }
    }
    pos = skip_ws(bytes, pos);
    if pos != bytes.len() {
        return Err(JsonError::Invalid);
    }
    if all_strings {
        Ok(elements)
    } else {
        Err(JsonError::NotStrings)
    }
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(pos) {
        pos += 1;
    }
    pos
}

/// Skips one JSON value starting at `pos` (after whitespace), returning the position after it.
/// `depth` is the nesting depth of the container holding the value.
fn skip_value(bytes: &[u8], pos: usize, depth: usize) -> Result<usize, JsonError> {
    // Explicit stack of open containers: true = object, false = array.
    let mut stack: Vec<bool> = Vec::new();
    let mut pos = pos;
    loop {
        // Expect a value at `pos`.
        pos = skip_ws(bytes, pos);
        match bytes.get(pos) {
            Some(b'"') => pos = skip_string(bytes, pos)?,
            Some(b'{') | Some(b'[') => {
                let is_object = bytes[pos] == b'{';
                if depth + stack.len() + 1 > MAX_DEPTH {
                    return Err(JsonError::Invalid);
                }
                pos = skip_ws(bytes, pos + 1);
                let close = if is_object { b'}' } else { b']' };
                if bytes.get(pos) == Some(&close) {
                    pos += 1;
                } else {
                    stack.push(is_object);
                    if is_object {
                        pos = object_key(bytes, pos)?;
                    }
                    continue;
                }
            }
            Some(b't') => pos = literal(bytes, pos, b"true")?,
            Some(b'f') => pos = literal(bytes, pos, b"false")?,
            Some(b'n') => pos = literal(bytes, pos, b"null")?,
            Some(b'-' | b'0'..=b'9') => pos = skip_number(bytes, pos)?,
            _ => return Err(JsonError::Invalid),
        }
        // After a value: close containers or move to the next element.
        loop {
            let Some(&is_object) = stack.last() else {
                return Ok(pos);
            };
            pos = skip_ws(bytes, pos);
            match bytes.get(pos) {
                Some(b',') => {
                    pos += 1;
                    if is_object {
                        pos = object_key(bytes, skip_ws(bytes, pos))?;
                    }
                    break;
                }
                Some(b'}') if is_object => {
                    pos += 1;
                    stack.pop();
                }
                Some(b']') if !is_object => {
                    pos += 1;
                    stack.pop();
                }
                _ => return Err(JsonError::Invalid),
            }
        }
    }
}

/// Parses `"key" :` at `pos`, returning the position after the colon.
fn object_key(bytes: &[u8], pos: usize) -> Result<usize, JsonError> {
    if bytes.get(pos) != Some(&b'"') {
        return Err(JsonError::Invalid);
    }
    let pos = skip_ws(bytes, skip_string(bytes, pos)?);
    if bytes.get(pos) != Some(&b':') {
        return Err(JsonError::Invalid);
    }
    Ok(pos + 1)
}

fn literal(bytes: &[u8], pos: usize, word: &[u8]) -> Result<usize, JsonError> {
    if bytes.get(pos..pos + word.len()) == Some(word) {
        Ok(pos + word.len())
    } else {
        Err(JsonError::Invalid)
    }
}

fn skip_number(bytes: &[u8], start: usize) -> Result<usize, JsonError> {
    let mut pos = start;
    let digits = |pos: &mut usize| {
        let from = *pos;
        while let Some(b'0'..=b'9') = bytes.get(*pos) {
            *pos += 1;
        }
        *pos - from
    };
    if bytes.get(pos) == Some(&b'-') {
        pos += 1;
    }
    match bytes.get(pos) {
        Some(b'0') => pos += 1,
        Some(b'1'..=b'9') => {
            digits(&mut pos);
        }
        _ => return Err(JsonError::Invalid),
    }
    if bytes.get(pos) == Some(&b'.') {
        pos += 1;
        if digits(&mut pos) == 0 {
            return Err(JsonError::Invalid);
        }
    }
    if let Some(b'e' | b'E') = bytes.get(pos) {
        pos += 1;
        if let Some(b'+' | b'-') = bytes.get(pos) {
            pos += 1;
        }
        if digits(&mut pos) == 0 {
            return Err(JsonError::Invalid);
        }
    }
    // Go decodes numbers into float64 and fails on overflow.
    let text = std::str::from_utf8(&bytes[start..pos]).map_err(|_| JsonError::Invalid)?;
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(pos),
        _ => Err(JsonError::Invalid),
    }
}

fn skip_string(bytes: &[u8], pos: usize) -> Result<usize, JsonError> {
    let mut pos = pos + 1;
    loop {
        match bytes.get(pos) {
            None => return Err(JsonError::Invalid),
            Some(b'"') => return Ok(pos + 1),
            Some(b'\\') => match bytes.get(pos + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => pos += 2,
                Some(b'u') => {
                    hex4(bytes, pos + 2)?;
                    pos += 6;
                }
                _ => return Err(JsonError::Invalid),
            },
            Some(&b) if b < 0x20 => return Err(JsonError::Invalid),
            Some(_) => pos += 1,
        }
    }
}

fn hex4(bytes: &[u8], pos: usize) -> Result<u32, JsonError> {
    let digits = bytes.get(pos..pos + 4).ok_or(JsonError::Invalid)?;
    let mut value = 0u32;
    for &d in digits {
        let v = (d as char).to_digit(16).ok_or(JsonError::Invalid)?;
        value = value * 16 + v;
    }
    Ok(value)
}

/// Decodes the string literal at `pos`, returning its value and the position after it.
fn decode_string(text: &str, pos: usize) -> Result<(String, usize), JsonError> {
    let bytes = text.as_bytes();
    let end = skip_string(bytes, pos)?;
    let inner = &text[pos + 1..end - 1];
    if !inner.contains('\\') {
        return Ok((inner.to_owned(), end));
    }
    let ib = inner.as_bytes();
    let mut out = String::with_capacity(inner.len());
    let mut i = 0;
    while i < ib.len() {
        let Some(off) = memchr::memchr(b'\\', &ib[i..]) else {
            out.push_str(&inner[i..]);
            break;
        };
        out.push_str(&inner[i..i + off]);
        i += off;
        let esc = ib[i + 1];
        i += 2;
        match esc {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            _ => {
                // `u`: validated by skip_string.
                let unit = hex4(ib, i)?;
                i += 4;
                if (0xD800..0xDC00).contains(&unit) {
                    // A high surrogate combines with a following `\u` low surrogate; otherwise
                    // Go substitutes U+FFFD and leaves the next escape alone.
                    if ib.get(i) == Some(&b'\\') && ib.get(i + 1) == Some(&b'u') {
                        let low = hex4(ib, i + 2)?;
                        if (0xDC00..0xE000).contains(&low) {
                            let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                            out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                            i += 6;
                            continue;
                        }
                    }
                    out.push('\u{FFFD}');
                } else {
                    out.push(char::from_u32(unit).unwrap_or('\u{FFFD}'));
                }
            }
        }
    }
    Ok((out, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Result<Vec<String>, JsonError> {
        parse_string_array(text).map(|v| v.into_iter().map(|s| s.value).collect())
    }

    #[test]
    fn accepts_string_arrays() {
        assert_eq!(values(r#"["a", "b c"]"#).unwrap(), ["a", "b c"]);
        assert_eq!(values("[]").unwrap(), Vec::<String>::new());
        assert_eq!(values(" [ ] \n").unwrap(), Vec::<String>::new());
        assert_eq!(values(r#"["\u0000\n\"\\\/é"]"#).unwrap(), ["\0\n\"\\/é"]);
        assert_eq!(values(r#"["\ud83d\ude00"]"#).unwrap(), ["😀"]);
        assert_eq!(values(r#"["\ud83dx"]"#).unwrap(), ["\u{FFFD}x"]);
    }

    #[test]
    fn non_strings_are_a_distinct_error() {
        assert_eq!(values(r#"["a", 1]"#), Err(JsonError::NotStrings));
        assert_eq!(
            values(r#"[ "echo", [ "nested json" ] ]"#),
            Err(JsonError::NotStrings)
        );
        assert_eq!(
            values(r#"[{"a": [true, null, -1.5e3]}]"#),
            Err(JsonError::NotStrings)
        );
    }

    #[test]
    fn invalid_json_is_invalid() {
        for bad in [
            "['a']",
            r#"["a""#,
            r#"["a"] b"#,
            r#"["a",]"#,
            r#"["\x"]"#,
            "[01]",
            "[1e400]",
            "[tru]",
            r#"[{"a" 1}]"#,
            "[\"a\tb\"]",
        ] {
            assert_eq!(values(bad), Err(JsonError::Invalid), "{bad}");
        }
        let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
        assert_eq!(values(&deep), Err(JsonError::Invalid));
        let ok_deep = format!("{}{}", "[".repeat(500), "]".repeat(500));
        assert_eq!(values(&ok_deep), Err(JsonError::NotStrings));
    }

    #[test]
    fn positions_cover_the_literal() {
        let text = r#"[ "a",  "b\"" ]"#;
        let v = parse_string_array(text).unwrap();
        assert_eq!(&text[v[0].start..v[0].end], r#""a""#);
        assert_eq!(&text[v[1].start..v[1].end], r#""b\"""#);
    }
}
