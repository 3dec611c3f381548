//! Byte offsets to LSP positions and back. LSP counts columns in UTF-16 code units (the one
//! encoding every client supports); hullscan's ranges are byte offsets into the same text.

use hullscan_text::{LineIndex, TextRange, TextSize};
use lsp_types::{Position, Range};

/// A document's text with its line starts, to convert positions both ways.
pub struct PositionMap<'a> {
    text: &'a str,
    lines: LineIndex,
}

impl<'a> PositionMap<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            lines: LineIndex::new(text),
        }
    }

    /// The LSP position of byte `offset` (clamped to the text, and back to a character start).
    pub fn position(&self, offset: TextSize) -> Position {
        let mut offset = offset.to_usize().min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .lines
            .line_of(TextSize::try_from(offset).unwrap_or_default());
        let start = self.lines.line_start(line).map_or(0, TextSize::to_usize);
        let character = self.text[start..offset].encode_utf16().count();
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character: u32::try_from(character).unwrap_or(u32::MAX),
        }
    }

    pub fn range(&self, range: TextRange) -> Range {
        Range {
            start: self.position(range.start()),
            end: self.position(range.end()),
        }
    }

    /// The byte offset of an LSP position; a line past the end is the end of the text, a
    /// character past the line's end is the line's end (as the protocol asks).
    pub fn offset(&self, position: Position) -> TextSize {
        let Some(line) = self.lines.line_range(position.line as usize, self.text) else {
            return TextSize::of(self.text);
        };
        let mut units = 0usize;
        let wanted = position.character as usize;
        for (index, c) in self.text[line.to_range()].char_indices() {
            if units >= wanted {
                return line.start() + TextSize::try_from(index).unwrap_or_default();
            }
            units += c.len_utf16();
        }
        line.end()
    }

    pub fn text_range(&self, range: Range) -> TextRange {
        let start = self.offset(range.start);
        let end = self.offset(range.end).max(start);
        TextRange::new(start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_utf16_units_both_ways() {
        // `é` is 2 bytes and 1 unit; `𝄞` is 4 bytes and 2 units.
        let text = "FROM a\r\nLABEL x=\"é𝄞\" y=1\n";
        let map = PositionMap::new(text);
        let y = TextSize::try_from(text.find("y=").unwrap()).unwrap();
        let position = map.position(y);
        assert_eq!(
            position,
            Position {
                line: 1,
                // `LABEL x="` is 9 units, `é` 1, `𝄞` 2, `" ` 2.
                character: 14
            }
        );
        assert_eq!(map.offset(position), y);
        // Past the line's end: the line's end, before its `\r\n`.
        let end = map.offset(Position {
            line: 0,
            character: 99,
        });
        assert_eq!(end, TextSize::new(6));
        assert_eq!(
            map.offset(Position {
                line: 9,
                character: 0
            }),
            TextSize::of(text)
        );
    }
}
