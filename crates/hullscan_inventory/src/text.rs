//! Small text helpers shared by the readers of RFC 822-style metadata (dpkg control stanzas,
//! Python core metadata, jar manifests).

/// The stanzas (blocks separated by blank lines) of `text`, each as its `Field: value` pairs in
/// order. A continuation line (starting with a space or tab) is appended to the field before it,
/// after a newline; a line without a colon is skipped.
pub fn stanzas(text: &str) -> Vec<Vec<(&str, String)>> {
    let mut out = Vec::new();
    let mut current: Vec<(&str, String)> = Vec::new();
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = current.last_mut() {
                value.push('\n');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            current.push((key.trim(), value.trim().to_owned()));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The first value of `key` (ASCII case-insensitive) in a stanza.
pub fn field<'a>(stanza: &'a [(&str, String)], key: &str) -> Option<&'a str> {
    stanza
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

/// The header block of an email-style document (up to the first blank line).
pub fn header_block(text: &str) -> &str {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            return &text[..offset];
        }
        offset += line.len();
    }
    text
}

/// Whether `s` is usable as a package name or version: non-empty, no control characters, not
/// absurdly long.
pub fn plausible(s: &str) -> bool {
    !s.is_empty() && s.len() <= 512 && !s.chars().any(char::is_control)
}
