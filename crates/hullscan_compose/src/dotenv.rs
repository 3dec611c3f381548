//! `.env` and `env_file` parsing as compose-go's `dotenv` package reads them: `KEY=VALUE` (or
//! `KEY: VALUE`) lines, an optional `export ` prefix, `#` comments, single quotes taken
//! literally, double quotes with escapes, quoted values across lines, a bare `KEY` taking its
//! value from the environment, and `${VAR}` references expanded (earlier keys of the same file
//! first, then the environment).

use std::fmt;

use crate::interpolate::{self, InterpolationError};

/// One `KEY=VALUE` entry, with the 1-based line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvEntry {
    pub key: String,
    /// `None` for a bare `KEY` the environment does not set (Compose leaves it unset).
    pub value: Option<String>,
    pub line: usize,
}

/// A line that is not an assignment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DotenvError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for DotenvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for DotenvError {}

/// Parses a `.env` file. `environment` answers bare keys and references to keys the file does
/// not define.
pub fn parse<'e>(
    text: &str,
    environment: &dyn Fn(&str) -> Option<&'e str>,
) -> Result<Vec<EnvEntry>, DotenvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut entries: Vec<EnvEntry> = Vec::new();
    let mut rest = text;
    let mut line = 1usize;
    while !rest.is_empty() {
        // One logical entry per iteration; quoted values may consume several lines.
        let (raw_line, after) = split_line(rest);
        let this_line = line;
        let trimmed = raw_line.trim_start_matches([' ', '\t', '\r']);
        if trimmed.trim().is_empty() || trimmed.starts_with('#') {
            line += 1;
            rest = after;
            continue;
        }
        let body = trimmed.strip_prefix("export ").unwrap_or(trimmed);
        let body = body.trim_start_matches([' ', '\t']);
        let separator = body.find(['=', ':']);
        let key_end = separator.unwrap_or_else(|| body.trim_end().len());
        let key = body[..key_end].trim_end_matches([' ', '\t']);
        if key.is_empty() || key.contains(|c: char| c.is_whitespace() || c == '#') {
            let shown = key.split_whitespace().nth(1).unwrap_or(key);
            return Err(DotenvError {
                line: this_line,
                message: format!("unexpected character in variable name near {shown:?}"),
            });
        }
        let Some(separator) = separator else {
            // A bare key: its value comes from the environment, or it stays unset.
            let value = environment(key).map(str::to_owned);
            entries.push(EnvEntry {
                key: key.to_owned(),
                value,
                line: this_line,
            });
            line += 1;
            rest = after;
            continue;
        };
        // The value starts after the separator, in the same (possibly multi-line) text.
        let value_start = raw_line.len() - body.len() + separator + 1;
        let value_text = &rest[value_start..];
        let value_text = value_text.trim_start_matches([' ', '\t']);
        let lookup = |name: &str| -> Option<String> {
            entries
                .iter()
                .rev()
                .find(|entry| entry.key == name)
                .and_then(|entry| entry.value.clone())
                .or_else(|| environment(name).map(str::to_owned))
        };
        let (value, consumed) = match value_text.as_bytes().first() {
            Some(b'\'') => {
                let close = value_text[1..].find('\'').ok_or_else(|| DotenvError {
                    line: this_line,
                    message: "unterminated single-quoted value".into(),
                })?;
                (value_text[1..1 + close].to_owned(), 1 + close + 1)
            }
            Some(b'"') => {
                let (raw, consumed) =
                    double_quoted(&value_text[1..]).ok_or_else(|| DotenvError {
                        line: this_line,
                        message: "unterminated double-quoted value".into(),
                    })?;
                (expand(&raw, &lookup, this_line)?, 1 + consumed)
            }
            _ => {
                let end = value_text.find('\n').unwrap_or(value_text.len());
                let mut raw = &value_text[..end];
                // ` #` starts a comment after an unquoted value.
                if let Some(hash) = raw.find(" #").or_else(|| raw.find("\t#")) {
                    raw = &raw[..hash];
                }
                let raw = raw.trim_end_matches([' ', '\t', '\r']);
                (expand(raw, &lookup, this_line)?, end)
            }
        };
        let consumed_text = &value_text[..consumed];
        line += consumed_text.matches('\n').count();
        entries.push(EnvEntry {
            key: key.to_owned(),
            value: Some(value),
            line: this_line,
        });
        // Skip the rest of the line the value ended on.
        let offset = rest.len() - value_text.len() + consumed;
        let remainder = &rest[offset..];
        let (_, after_value) = split_line(remainder);
        if remainder.contains('\n') {
            line += 1;
        }
        rest = after_value;
    }
    Ok(entries)
}

/// The entries as the final `KEY -> value` map (a later entry wins), set keys only.
pub fn to_map(entries: &[EnvEntry]) -> Vec<(String, String)> {
    let mut map: Vec<(String, String)> = Vec::new();
    for entry in entries {
        map.retain(|(key, _)| key != &entry.key);
        if let Some(value) = &entry.value {
            map.push((entry.key.clone(), value.clone()));
        }
    }
    map
}

fn split_line(text: &str) -> (&str, &str) {
    match text.find('\n') {
        Some(end) => (&text[..end], &text[end + 1..]),
        None => (text, ""),
    }
}

/// The body of a double-quoted value with escapes applied, and how many bytes (including the
/// closing quote) it took.
fn double_quoted(text: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = text.char_indices();
    while let Some((index, c)) = chars.next() {
        match c {
            '"' => return Some((out, index + 1)),
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, 't')) => out.push('\t'),
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                // `\$` keeps the dollar from expansion: write it as `$$` for the expander.
                Some((_, '$')) => out.push_str("$$"),
                Some((_, other)) => {
                    out.push('\\');
                    out.push(other);
                }
                None => return None,
            },
            c => out.push(c),
        }
    }
    None
}

fn expand(
    raw: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    line: usize,
) -> Result<String, DotenvError> {
    if !interpolate::has_reference(raw) && !raw.contains("$$") {
        return Ok(raw.to_owned());
    }
    // The interpolator borrows its answers; collect the ones this value needs first.
    let names = referenced_names(raw);
    let values: Vec<(String, Option<String>)> = names
        .into_iter()
        .map(|name| {
            let value = lookup(&name);
            (name, value)
        })
        .collect();
    let answer = |name: &str| {
        values
            .iter()
            .find(|(key, _)| key == name)
            .and_then(|(_, value)| value.as_deref())
    };
    interpolate::interpolate(raw, &answer)
        .map(|done| done.value)
        .map_err(|err: InterpolationError| DotenvError {
            line,
            message: err.to_string(),
        })
}

/// Every identifier after a `$` or `${` (a superset of the variables a value reads).
fn referenced_names(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut names = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let mut start = i + 1;
            if bytes.get(start) == Some(&b'{') {
                start += 1;
            }
            let mut end = start;
            while end < bytes.len() && (bytes[end] == b'_' || bytes[end].is_ascii_alphanumeric()) {
                end += 1;
            }
            if end > start {
                names.push(text[start..end].to_owned());
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_with(text: &str, env: &[(&str, &str)]) -> Result<Vec<EnvEntry>, DotenvError> {
        let lookup = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        parse(text, &lookup)
    }

    fn pairs(text: &str) -> Vec<(String, String)> {
        to_map(&parse_with(text, &[]).unwrap())
    }

    fn pair(key: &str, value: &str) -> (String, String) {
        (key.to_owned(), value.to_owned())
    }

    #[test]
    fn simple_lines_comments_and_export() {
        let text = "# comment\nA=1\n\nexport B=two\n  C = three  \nD=\n";
        assert_eq!(
            pairs(text),
            vec![
                pair("A", "1"),
                pair("B", "two"),
                pair("C", "three"),
                pair("D", "")
            ]
        );
    }

    #[test]
    fn inline_comments_only_after_whitespace_in_unquoted_values() {
        assert_eq!(
            pairs("A=x # note\nB=x#y\nC='v # kept'"),
            vec![pair("A", "x"), pair("B", "x#y"), pair("C", "v # kept")]
        );
    }

    #[test]
    fn quotes() {
        let text = "A='lit $X \\n'\nB=\"esc \\\"q\\\" \\n end\"\nC=\"multi\nline\"\nD=after\n";
        let entries = parse_with(text, &[("X", "x")]).unwrap();
        let map = to_map(&entries);
        assert_eq!(map[0], pair("A", "lit $X \\n"));
        assert_eq!(map[1], pair("B", "esc \"q\" \n end"));
        assert_eq!(map[2], pair("C", "multi\nline"));
        assert_eq!(map[3], pair("D", "after"));
        assert_eq!(entries[3].line, 5);
    }

    #[test]
    fn expansion_uses_earlier_keys_then_environment() {
        let entries = parse_with(
            "HOST=db\nURL=pg://${HOST}:${PORT:-5432}/$NAME\nE=\"\\$HOST\"",
            &[("NAME", "app")],
        )
        .unwrap();
        let map = to_map(&entries);
        assert_eq!(map[1], pair("URL", "pg://db:5432/app"));
        assert_eq!(map[2], pair("E", "$HOST"));
    }

    #[test]
    fn bare_key_takes_the_environment() {
        let entries = parse_with("A\nB\n", &[("A", "from-env")]).unwrap();
        assert_eq!(entries[0].value.as_deref(), Some("from-env"));
        assert_eq!(entries[1].value, None);
        assert_eq!(to_map(&entries), vec![pair("A", "from-env")]);
    }

    #[test]
    fn colon_separator_and_crlf() {
        assert_eq!(
            pairs("A: 1\r\nB=2\r\n"),
            vec![pair("A", "1"), pair("B", "2")]
        );
    }

    #[test]
    fn later_entries_win() {
        assert_eq!(pairs("A=1\nA=2"), vec![pair("A", "2")]);
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse_with("A=1\nBAD KEY=2\n", &[]).unwrap_err();
        assert_eq!(err.line, 2);
        let err = parse_with("A=1\nB=\"open\n", &[]).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("unterminated"));
        assert!(parse_with("R=${REQ:?set it}", &[]).is_err());
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        assert_eq!(pairs("\u{feff}A=1"), vec![pair("A", "1")]);
    }
}
