//! Text positions shared by every hullscan crate.
//!
//! Offsets are `u32` byte offsets into a file's text (files over 4 GiB are refused at load time),
//! which keeps spans small in syntax trees and diagnostics. Line and column numbers are computed
//! on demand from a [`LineIndex`], because most positions are never shown to a user.
//!
//! [`printable`] makes text from input safe to print (no terminal control sequences).

pub mod printable;

pub use printable::{Newlines, printable};

use std::fmt;
use std::ops::{Add, AddAssign, Range, Sub, SubAssign};
use std::sync::OnceLock;

/// A byte offset into a source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextSize(u32);

impl TextSize {
    pub const ZERO: TextSize = TextSize(0);

    pub const fn new(offset: u32) -> Self {
        Self(offset)
    }

    /// The byte length of `text` as a `TextSize`.
    ///
    /// # Panics
    /// When `text` is longer than `u32::MAX` bytes; loaders reject such files first.
    pub fn of(text: &str) -> Self {
        Self(u32::try_from(text.len()).expect("text larger than 4 GiB"))
    }

    pub const fn to_u32(self) -> u32 {
        self.0
    }

    pub const fn to_usize(self) -> usize {
        self.0 as usize
    }
}

impl From<u32> for TextSize {
    fn from(value: u32) -> Self {
        Self(value)
    }
}

impl TryFrom<usize> for TextSize {
    type Error = std::num::TryFromIntError;
    fn try_from(value: usize) -> Result<Self, Self::Error> {
        u32::try_from(value).map(Self)
    }
}

impl From<TextSize> for usize {
    fn from(value: TextSize) -> Self {
        value.0 as usize
    }
}

impl Add for TextSize {
    type Output = TextSize;
    fn add(self, rhs: TextSize) -> TextSize {
        TextSize(self.0 + rhs.0)
    }
}

impl Sub for TextSize {
    type Output = TextSize;
    fn sub(self, rhs: TextSize) -> TextSize {
        TextSize(self.0 - rhs.0)
    }
}

impl AddAssign for TextSize {
    fn add_assign(&mut self, rhs: TextSize) {
        self.0 += rhs.0;
    }
}

impl SubAssign for TextSize {
    fn sub_assign(&mut self, rhs: TextSize) {
        self.0 -= rhs.0;
    }
}

impl fmt::Display for TextSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A half-open byte range `start..end` into a source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextRange {
    start: TextSize,
    end: TextSize,
}

impl TextRange {
    /// # Panics
    /// When `start > end`.
    pub fn new(start: TextSize, end: TextSize) -> Self {
        assert!(start <= end, "TextRange start {start} after end {end}");
        Self { start, end }
    }

    /// An empty range at `offset`.
    pub fn empty(offset: TextSize) -> Self {
        Self {
            start: offset,
            end: offset,
        }
    }

    /// `start..start+len`.
    pub fn at(start: TextSize, len: TextSize) -> Self {
        Self::new(start, start + len)
    }

    /// Builds a range from `usize` byte offsets.
    ///
    /// # Panics
    /// When an offset exceeds `u32::MAX` or `start > end`.
    pub fn from_usize(start: usize, end: usize) -> Self {
        Self::new(
            TextSize::try_from(start).expect("offset larger than 4 GiB"),
            TextSize::try_from(end).expect("offset larger than 4 GiB"),
        )
    }

    pub const fn start(self) -> TextSize {
        self.start
    }

    pub const fn end(self) -> TextSize {
        self.end
    }

    pub fn len(self) -> TextSize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains(self, offset: TextSize) -> bool {
        self.start <= offset && offset < self.end
    }

    pub fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The smallest range covering both.
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Moves the range right by `offset` (for ranges computed inside a sub-slice).
    #[must_use]
    pub fn shifted(self, offset: TextSize) -> TextRange {
        TextRange {
            start: self.start + offset,
            end: self.end + offset,
        }
    }

    pub fn to_range(self) -> Range<usize> {
        self.start.to_usize()..self.end.to_usize()
    }
}

impl fmt::Display for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// Anything with a position in a source text.
pub trait Ranged {
    fn range(&self) -> TextRange;

    fn start(&self) -> TextSize {
        self.range().start()
    }

    fn end(&self) -> TextSize {
        self.range().end()
    }
}

impl Ranged for TextRange {
    fn range(&self) -> TextRange {
        *self
    }
}

/// A 1-based line and column. Columns count Unicode scalar values, as rustc, SARIF and most
/// editors do; a tab counts as one column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineColumn {
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for LineColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Start offsets of every line of a text. A line ends after `\n`; a lone `\r` is not a line
/// break (BuildKit splits on `\n` and strips a trailing `\r`).
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<TextSize>,
    ascii: bool,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 40 + 1);
        line_starts.push(TextSize::ZERO);
        for newline in memchr::memchr_iter(b'\n', text.as_bytes()) {
            line_starts.push(TextSize::try_from(newline + 1).expect("text larger than 4 GiB"));
        }
        Self {
            line_starts,
            ascii: text.is_ascii(),
        }
    }

    /// Number of lines; a trailing newline starts one more (empty) line.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based index of the line holding `offset`.
    pub fn line_of(&self, offset: TextSize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where 0-based `line` starts, or `None` past the end.
    pub fn line_start(&self, line: usize) -> Option<TextSize> {
        self.line_starts.get(line).copied()
    }

    /// The byte range of 0-based `line` without its line terminator (`\n` or `\r\n`).
    pub fn line_range(&self, line: usize, text: &str) -> Option<TextRange> {
        let start = *self.line_starts.get(line)?;
        let mut end = self
            .line_starts
            .get(line + 1)
            .map_or(TextSize::of(text), |next| *next - TextSize::new(1));
        if end > start && text.as_bytes()[end.to_usize() - 1] == b'\r' {
            end -= TextSize::new(1);
        }
        Some(TextRange::new(start, end))
    }

    /// 1-based line and character column of `offset` in `text`.
    pub fn line_column(&self, offset: TextSize, text: &str) -> LineColumn {
        let offset = offset.min(TextSize::of(text));
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let column = if self.ascii {
            (offset - start).to_u32()
        } else {
            let mut from = offset.to_usize();
            // An offset inside a multi-byte character counts that character.
            while from > start.to_usize() && !text.is_char_boundary(from) {
                from -= 1;
            }
            u32::try_from(text[start.to_usize()..from].chars().count()).unwrap_or(u32::MAX)
        };
        LineColumn {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: column + 1,
        }
    }

    /// Byte offset of a 1-based line and character column, clamped to the line's end.
    pub fn offset(&self, position: LineColumn, text: &str) -> TextSize {
        let line = (position.line.max(1) - 1) as usize;
        let Some(range) = self.line_range(line, text) else {
            return TextSize::of(text);
        };
        let line_text = &text[range.to_range()];
        let skip = (position.column.max(1) - 1) as usize;
        let within = line_text
            .char_indices()
            .nth(skip)
            .map_or(line_text.len(), |(i, _)| i);
        range.start() + TextSize::try_from(within).unwrap_or(TextSize::ZERO)
    }
}

/// A file's name and text, with its line index built on first use.
#[derive(Debug)]
pub struct SourceFile {
    name: String,
    text: String,
    line_index: OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
            line_index: OnceLock::new(),
        }
    }

    /// The path or label the user knows this file by (`-` for stdin).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn line_index(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn line_column(&self, offset: TextSize) -> LineColumn {
        self.line_index().line_column(offset, &self.text)
    }

    pub fn slice(&self, range: TextRange) -> &str {
        &self.text[range.to_range()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_columns_count_characters() {
        let text = "FROM a\r\nRUN é x\nCMD";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        let x = TextSize::try_from(text.find('x').unwrap()).unwrap();
        assert_eq!(
            index.line_column(x, text),
            LineColumn { line: 2, column: 7 }
        );
        assert_eq!(index.offset(LineColumn { line: 2, column: 7 }, text), x);
        assert_eq!(
            &text[index.line_range(0, text).unwrap().to_range()],
            "FROM a"
        );
        assert_eq!(&text[index.line_range(2, text).unwrap().to_range()], "CMD");
    }

    #[test]
    fn offset_past_end_is_clamped() {
        let text = "ab\n";
        let index = LineIndex::new(text);
        assert_eq!(
            index.line_column(TextSize::new(99), text),
            LineColumn { line: 2, column: 1 }
        );
        assert_eq!(
            index.offset(LineColumn { line: 9, column: 1 }, text),
            TextSize::of(text)
        );
    }

    #[test]
    fn ranges_cover_and_shift() {
        let a = TextRange::from_usize(2, 4);
        let b = TextRange::from_usize(6, 9);
        assert_eq!(a.cover(b), TextRange::from_usize(2, 9));
        assert_eq!(a.shifted(TextSize::new(10)), TextRange::from_usize(12, 14));
        assert!(a.contains(TextSize::new(3)) && !a.contains(TextSize::new(4)));
    }
}
