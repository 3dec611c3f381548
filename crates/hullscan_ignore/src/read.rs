//! Reading a `.dockerignore` file the way Docker's `ignorefile.ReadAll` does, keeping each
//! pattern's line and byte range for diagnostics.

use hullscan_text::TextRange;

use crate::clean::go_clean;
use crate::matcher::PatternMatcher;

/// Go's `bufio.Scanner` gives up on lines of 64 KiB or more, and Docker with it.
pub const MAX_LINE_LEN: usize = 64 * 1024;

/// One pattern line of an ignore file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnoreEntry {
    /// The pattern as Docker passes it to the matcher: cleaned, relative, `!`-prefixed for an
    /// exception.
    pub pattern: String,
    /// 1-based line number.
    pub line: u32,
    /// The line's text without surrounding whitespace (or the BOM), in the source.
    pub range: TextRange,
}

impl IgnoreEntry {
    pub fn is_exception(&self) -> bool {
        self.pattern.starts_with('!')
    }
}

/// A problem that makes Docker reject the file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct IgnoreFileError {
    pub line: u32,
    pub range: TextRange,
    pub message: String,
}

/// A parsed ignore file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IgnoreFile {
    pub entries: Vec<IgnoreEntry>,
    /// Set when a line is too long for Docker's reader (the whole file is then rejected).
    pub read_error: Option<IgnoreFileError>,
}

impl IgnoreFile {
    /// Parses the file's text (`ignorefile.ReadAll`):
    /// a BOM on line 1 is dropped; a line whose first character is `#` is a comment; lines
    /// are trimmed and blank ones skipped; `!` marks an exception (and is trimmed after);
    /// the rest is cleaned with `filepath.Clean` and a leading `/` is removed.
    pub fn parse(text: &str) -> Self {
        let mut file = IgnoreFile::default();
        let mut offset = 0usize;
        let mut line_number = 0u32;
        let mut rest = text;
        while !rest.is_empty() {
            let (mut line, consumed) = match rest.find('\n') {
                Some(i) => (&rest[..i], i + 1),
                None => (rest, rest.len()),
            };
            let line_start = offset;
            offset += consumed;
            rest = &rest[consumed..];
            line = line.strip_suffix('\r').unwrap_or(line);
            line_number += 1;
            let mut start = line_start;
            if line_number == 1
                && let Some(stripped) = line.strip_prefix('\u{FEFF}')
            {
                line = stripped;
                start += '\u{FEFF}'.len_utf8();
            }
            if line.len() >= MAX_LINE_LEN {
                file.read_error = Some(IgnoreFileError {
                    line: line_number,
                    range: TextRange::from_usize(start, start + line.len()),
                    message: "error reading .dockerignore: bufio.Scanner: token too long"
                        .to_owned(),
                });
                return file;
            }
            if line.starts_with('#') {
                continue;
            }
            let trimmed = line.trim();
            if trimmed.is_empty() {
                continue;
            }
            let trimmed_start = start + (line.len() - line.trim_start().len());
            let range = TextRange::from_usize(trimmed_start, trimmed_start + trimmed.len());
            file.entries.push(IgnoreEntry {
                pattern: normalize_pattern(trimmed),
                line: line_number,
                range,
            });
        }
        file
    }

    /// The patterns, in order, as Docker passes them to the matcher.
    pub fn patterns(&self) -> Vec<&str> {
        self.entries.iter().map(|e| e.pattern.as_str()).collect()
    }

    /// Compiles the patterns; an error names the line Docker would reject.
    pub fn compile(&self) -> Result<PatternMatcher, IgnoreFileError> {
        if let Some(err) = &self.read_error {
            return Err(err.clone());
        }
        PatternMatcher::new(&self.patterns()).map_err(|err| {
            let entry = &self.entries[err.index()];
            IgnoreFileError {
                line: entry.line,
                range: entry.range,
                message: err.to_string(),
            }
        })
    }
}

/// Normalizes one trimmed, non-comment line.
fn normalize_pattern(trimmed: &str) -> String {
    let (invert, body) = match trimmed.strip_prefix('!') {
        Some(rest) => (true, rest.trim()),
        None => (false, trimmed),
    };
    let mut pattern = String::new();
    if !body.is_empty() {
        let cleaned = go_clean(body);
        pattern = match cleaned.strip_prefix('/') {
            Some(rest) if cleaned.len() > 1 => rest.to_owned(),
            _ => cleaned,
        };
    }
    if invert {
        pattern.insert(0, '!');
    }
    pattern
}

/// The file name of the Dockerfile-specific ignore file that, when it exists beside the
/// Dockerfile, replaces `<context>/.dockerignore` (BuildKit): `<Dockerfile name>.dockerignore`.
pub fn dockerfile_specific_ignore_name(dockerfile_file_name: &str) -> String {
    format!("{dockerfile_file_name}.dockerignore")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_lines_point_at_the_pattern_text() {
        let text = "\u{FEFF}  foo  \r\n# c\n\n ! /bar/ \n  # not a comment\n";
        let file = IgnoreFile::parse(text);
        let got: Vec<_> = file
            .entries
            .iter()
            .map(|e| (e.pattern.as_str(), e.line, &text[e.range.to_range()]))
            .collect();
        assert_eq!(
            got,
            vec![
                ("foo", 1, "foo"),
                ("!bar", 4, "! /bar/"),
                ("# not a comment", 5, "# not a comment"),
            ]
        );
    }

    #[test]
    fn lone_exclamation_is_rejected_with_its_line() {
        let file = IgnoreFile::parse("a\n\n!\n");
        let err = file.compile().unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(err.message, "illegal exclusion pattern: \"!\"");
    }

    #[test]
    fn overlong_line_is_a_read_error() {
        let text = format!("a\n{}\n", "x".repeat(MAX_LINE_LEN));
        let err = IgnoreFile::parse(&text).compile().unwrap_err();
        assert_eq!(err.line, 2);
    }
}
