//! XML text escaping shared by the checkstyle and JUnit formats.

/// `text` escaped for an XML attribute value or element content.
///
/// Besides the five markup characters, newlines and tabs in attributes are written as character
/// references (a parser would otherwise normalise them to spaces), and characters XML 1.0 cannot
/// carry at all (most C0 controls, lone surrogates cannot occur in `str`, U+FFFE/U+FFFF) become
/// U+FFFD, so the document always parses.
pub(crate) fn escape(text: &str) -> String {
    escape_with(text, true)
}

/// `text` escaped for element content, where newlines and tabs stay as they are.
pub(crate) fn escape_text(text: &str) -> String {
    escape_with(text, false)
}

fn escape_with(text: &str, attribute: bool) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' if !attribute => escaped.push(c),
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\n' => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            '\t' => escaped.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => escaped.push('\u{fffd}'),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::{escape, escape_text};

    #[test]
    fn escapes_markup_and_unrepresentable_characters() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\n\u{1}\t"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;&#10;\u{fffd}&#9;"
        );
        assert_eq!(escape_text("a\n\tb\r<"), "a\n\tb&#13;&lt;");
    }
}
