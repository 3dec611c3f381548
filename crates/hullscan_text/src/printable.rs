//! Making text from input safe to print: the one place that decides which characters a
//! terminal, a CI log or a reader of a report must never receive raw.
//!
//! Text hullscan prints often comes from what it scans: file names, Dockerfile lines, image
//! history, registry replies. A terminal acts on ESC sequences (colours, cursor moves, window
//! titles, OSC 8 links, and on some terminals writes to the clipboard), BEL rings, CR rewrites
//! the line, and bidirectional overrides make the text read differently from its bytes
//! ("Trojan Source"). CI logs interpret the same sequences. So every such character is shown as
//! a visible symbol instead:
//! - C0 controls as their Unicode "control picture" (`␛` for ESC, `␀` for NUL, `␍` for CR);
//! - DEL as `␡`;
//! - C1 controls (U+0080–U+009F, which include the 8-bit CSI), bidirectional embeddings,
//!   overrides and isolates, line/paragraph separators and zero-width format characters as
//!   `\u{XXXX}`.
//!
//! Tab is always kept. Line feed is kept only where the field may span lines
//! ([`Newlines::Keep`], e.g. a message body); in a one-line field (a path, a name) it is `␊`.

use std::borrow::Cow;

/// Whether a field may span several lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Newlines {
    /// Keep `\n` (a message, a help text).
    Keep,
    /// Show `\n` as `␊` (a path, a name, anything that must stay on one line).
    Escape,
}

/// Whether `c` must not reach an output raw (see the module docs); `\t` and, with
/// [`Newlines::Keep`], `\n` may.
pub fn is_unsafe_char(c: char, newlines: Newlines) -> bool {
    match c {
        '\t' => false,
        '\n' => newlines == Newlines::Escape,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        // Zero-width and directional marks, bidi embeddings/overrides/isolates, line and
        // paragraph separators, and the BOM used inside text.
        '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}'
        | '\u{feff}'
        | '\u{061c}' => true,
        _ => false,
    }
}

/// `text` with every unsafe character shown as a visible escape; borrowed (no allocation) when
/// there is none, which is the common case.
pub fn printable(text: &str, newlines: Newlines) -> Cow<'_, str> {
    // Fast path: every unsafe character is below 0x20, is 0x7f, or starts with byte 0xC2
    // (U+0080–U+009F), 0xD8 (U+061C), 0xE2 (U+2000–U+2FFF) or 0xEF (U+FEFF); other text is
    // returned without decoding it.
    let suspicious = text
        .bytes()
        .any(|b| b < 0x20 || b == 0x7f || matches!(b, 0xc2 | 0xd8 | 0xe2 | 0xef));
    if !suspicious || !text.chars().any(|c| is_unsafe_char(c, newlines)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_char(c, newlines) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The visible form of one unsafe character.
pub fn push_escaped(out: &mut String, c: char) {
    match c {
        '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
        '\u{7f}' => out.push('\u{2421}'),
        _ => {
            use std::fmt::Write as _;
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        for text in ["", "FROM alpine:3.20", "naïve café ✓ 日本", "a\tb"] {
            assert!(matches!(
                printable(text, Newlines::Escape),
                Cow::Borrowed(_)
            ));
        }
        assert!(matches!(
            printable("two\nlines", Newlines::Keep),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn controls_become_visible() {
        assert_eq!(
            printable("a\u{1b}]0;pwned\u{7}b\r\0", Newlines::Keep),
            "a␛]0;pwned␇b␍␀"
        );
        assert_eq!(printable("x\ny", Newlines::Escape), "x␊y");
        assert_eq!(printable("x\ny", Newlines::Keep), "x\ny");
        assert_eq!(
            printable("\u{9b}31m \u{202e}evil\u{2066} \u{200b}", Newlines::Keep),
            "\\u{009b}31m \\u{202e}evil\\u{2066} \\u{200b}"
        );
        assert_eq!(printable("del\u{7f}", Newlines::Keep), "del␡");
        // Printable characters sharing a lead byte with unsafe ones stay.
        assert_eq!(printable("© – ‘x’ €", Newlines::Escape), "© – ‘x’ €");
    }
}
