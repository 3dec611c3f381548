//! Comments by position. saphyr does not report comments, so they are found here: a `#` that
//! starts a line or follows a blank, outside every scalar the parser read (quoted and block
//! scalars can hold `#`; a plain scalar ends before ` #`, so it never holds one that counts).

use crate::Location;

/// A `# ...` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Where the `#` is.
    pub location: Location,
    /// The text after the `#`, trimmed.
    pub text: String,
}

/// `scalar_ranges` are byte ranges of scalars in source order (nested collections never make a
/// scalar range overlap another, so a sorted copy is searchable).
pub(crate) fn collect(text: &str, scalar_ranges: &[(usize, usize)]) -> Vec<Comment> {
    let mut ranges = scalar_ranges.to_vec();
    ranges.sort_unstable();
    let inside_scalar = |offset: usize| {
        let i = ranges.partition_point(|&(start, _)| start <= offset);
        i > 0 && offset < ranges[i - 1].1
    };
    let mut comments = Vec::new();
    let mut line_start = 0usize;
    for (line_index, line) in text.split_inclusive('\n').enumerate() {
        let bytes = line.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            if b != b'#' {
                continue;
            }
            let starts_comment = i == 0 || matches!(bytes[i - 1], b' ' | b'\t');
            let offset = line_start + i;
            if starts_comment && !inside_scalar(offset) {
                let body = &line[i + 1..];
                comments.push(Comment {
                    location: Location {
                        line: u32::try_from(line_index + 1).unwrap_or(u32::MAX),
                        column: u32::try_from(line[..i].chars().count() + 1).unwrap_or(u32::MAX),
                        offset,
                    },
                    text: body.trim().to_owned(),
                });
                break;
            }
        }
        line_start += line.len();
    }
    comments
}
