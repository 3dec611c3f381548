//! BuildKit's two stand-alone directive readers, which differ from the main parser: they skip a
//! leading shebang line, scan lines from column 0 (no left trim), and the caller uses only the
//! part of the value before the first space.
//!
//! - [`detect_syntax`] is BuildKit's `DetectSyntax` (choosing the frontend from `# syntax=`; it
//!   also accepts `//syntax=` comments and a whole-file JSON object `{"syntax": "…"}`).
//! - [`find_directive`] is BuildKit's `ParseDirective(key)`, used for the file-level
//!   `# check=` configuration.

use hullscan_text::TextRange;

/// A directive found by [`detect_syntax`] or [`find_directive`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DetectedDirective {
    /// The value up to the first space (`skip=all` for `# check=skip=all // note`).
    pub value: String,
    /// The whole value (BuildKit's "cmdline").
    pub full_value: String,
    /// The 1-based line it is on (for the JSON form: 1, or 2 after a shebang — BuildKit's
    /// numbering).
    pub line: u32,
    /// The directive line (for the JSON form: the whole text).
    pub range: TextRange,
}

/// BuildKit's `DetectSyntax`: the `syntax` directive as the frontend selector sees it.
pub fn detect_syntax(text: &str) -> Option<DetectedDirective> {
    scan(text, "syntax", true)
}

/// BuildKit's `ParseDirective(key)`: the directive `key` (lower-case, e.g. `check`) as the
/// stand-alone reader sees it.
pub fn find_directive(text: &str, key: &str) -> Option<DetectedDirective> {
    scan(text, key, false)
}

fn scan(text: &str, key: &str, any_format: bool) -> Option<DetectedDirective> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut start = bom;
    let mut line = 0u32;
    let first_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if text[start..first_end].starts_with("#!") {
        start = (first_end + 1).min(text.len());
        line = 1;
    }
    if let Some(found) = scan_prefixed(text, start, line, key, "#") {
        return Some(found);
    }
    if !any_format {
        return None;
    }
    if let Some(found) = scan_prefixed(text, start, line, key, "//") {
        return Some(found);
    }
    let body = &text[start..];
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(body).ok()?;
    let value = object.get(key)?.as_str()?.to_owned();
    Some(DetectedDirective {
        full_value: value.clone(),
        value,
        line,
        range: TextRange::from_usize(start, text.len()),
    })
}

/// The directive reader proper: directive lines at the start of `text[start..]`, each
/// `<prefix> key = value`.
fn scan_prefixed(
    text: &str,
    start: usize,
    mut line: u32,
    key: &str,
    prefix: &str,
) -> Option<DetectedDirective> {
    let mut seen: Vec<String> = Vec::new();
    let mut pos = start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let next = end + 1;
        // bufio.ScanLines drops one trailing CR.
        let content_end = if text[pos..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        let raw = &text[pos..content_end];
        line += 1;
        let after = raw.strip_prefix(prefix)?;
        let body = after.trim_start();
        let body_start = content_end - body.len();
        let (name_len, value_start, value_end) = crate::parser::match_directive(body)?;
        let name = body[..name_len].to_ascii_lowercase();
        if !matches!(name.as_str(), "syntax" | "escape" | "check") {
            return None;
        }
        if seen.contains(&name) {
            // BuildKit's reader stops with an error; the caller keeps what was found before.
            return None;
        }
        let full_value = &body[value_start..value_end];
        if name == key {
            let value = full_value.split(' ').next().unwrap_or_default();
            return Some(DetectedDirective {
                value: value.to_owned(),
                full_value: full_value.to_owned(),
                line,
                range: TextRange::from_usize(pos, body_start + value_end),
            });
        }
        seen.push(name);
        pos = next;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_detection() {
        let d =
            detect_syntax("# syntax = dockerfile:experimental // opts\nFROM busybox\n").unwrap();
        assert_eq!(d.value, "dockerfile:experimental");
        assert_eq!(d.full_value, "dockerfile:experimental // opts");
        assert_eq!(d.line, 1);
        let d = detect_syntax("#!/bin/sh\n# syntax = x\nFROM busybox\n").unwrap();
        assert_eq!((d.value.as_str(), d.line), ("x", 2));
        assert!(detect_syntax("#!/bin/sh\n\n# syntax = x\n").is_none());
        assert!(detect_syntax("FROM busybox\n# syntax=x\n").is_none());
        assert_eq!(detect_syntax("//syntax=foo\n").unwrap().value, "foo");
        assert_eq!(detect_syntax("{\"syntax\": \"bar\"}").unwrap().value, "bar");
        // Column 0 only, unlike the main parser.
        assert!(detect_syntax(" # syntax=x\nFROM a\n").is_none());
        assert_eq!(detect_syntax("\u{feff}# syntax=x\r\n").unwrap().value, "x");
    }

    #[test]
    fn check_directive() {
        let d = find_directive("# escape=`\n# check=skip=all // note\nFROM a\n", "check").unwrap();
        assert_eq!(d.value, "skip=all");
        assert_eq!(d.line, 2);
        assert!(find_directive("//check=skip=all\n", "check").is_none());
        assert!(find_directive("# check=a\n# check=b\n", "escape").is_none());
    }
}
