//! The text form of BuildKit's `Node.Dump()`, as used by its parser test `result` files.

use std::fmt::Write as _;

use crate::ast::{Arguments, HealthcheckCommand, Instruction, Parse};

/// Prints `parse` in the exact text form of BuildKit's parser test `result` files: one line
/// `(keyword ["flags"…] "arg" …)` per instruction, then a final newline.
///
/// This is a pure function of the tree; it is meaningful for files BuildKit accepts (for
/// rejected files it prints what was recovered).
pub fn to_buildkit_result(parse: &Parse) -> String {
    let mut out = String::new();
    for (i, inst) in parse.dockerfile.instructions.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push('(');
        out.push_str(dump_node(inst).trim());
        out.push(')');
    }
    // BuildKit trims the joined dump, then the harness adds one newline.
    let mut trimmed = out.trim().to_owned();
    trimmed.push('\n');
    trimmed
}

/// The argument values BuildKit stores in an instruction node's `Next` chain: for ENV/LABEL
/// `key value sep` triples, for an unknown instruction one empty string. Empty for ONBUILD,
/// whose chain is a node holding the trigger (see [`Instruction::onbuild`]).
pub fn buildkit_values(inst: &Instruction) -> Vec<String> {
    let mut values = Vec::new();
    if inst.keyword == crate::ast::Keyword::Unknown {
        values.push(String::new());
        return values;
    }
    match &inst.args {
        Arguments::Exec(exec) => values.extend(exec.words.iter().map(|w| w.value.clone())),
        Arguments::Shell(shell) => values.push(shell.value.clone()),
        Arguments::KeyValues(list) => {
            for kv in &list.pairs {
                values.push(kv.key.clone());
                values.push(kv.value.clone().unwrap_or_default());
                values.push(if list.legacy { "" } else { "=" }.to_owned());
            }
        }
        Arguments::Arg(args) => {
            for kv in args {
                values.push(match &kv.value {
                    Some(v) => format!("{}={}", kv.key, v),
                    None => kv.key.clone(),
                });
            }
        }
        Arguments::From(from) => values.extend(from.words.iter().map(|w| w.value.clone())),
        Arguments::Healthcheck(h) => {
            if let Some(kind) = &h.kind {
                values.push(kind.value.clone());
            }
            match &h.command {
                Some(HealthcheckCommand::Exec(exec)) => {
                    values.extend(exec.words.iter().map(|w| w.value.clone()));
                }
                Some(HealthcheckCommand::Shell(shell)) => values.push(shell.value.clone()),
                None => {}
            }
        }
        Arguments::Words(words) => values.extend(words.iter().map(|w| w.value.clone())),
    }
    values
}

fn dump_node(inst: &Instruction) -> String {
    let mut s = go_to_lower(&inst.keyword_text);
    if !inst.flags.is_empty() {
        s.push_str(" [");
        for (i, flag) in inst.flags.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(&go_quote(&flag.to_buildkit_string()));
        }
        s.push(']');
    }
    if let Some(trigger) = &inst.onbuild {
        // The synthetic node's dump is "(" + child + ")\n", trimmed.
        let _ = write!(s, " ({})", dump_node(trigger).trim());
    } else {
        for value in buildkit_values(inst) {
            s.push(' ');
            s.push_str(&go_quote(&value));
        }
    }
    s
}

/// Lower-cases like Go's `strings.ToLower`: rune by rune with simple case mapping (so `İ`
/// becomes `i`, where Rust's full mapping gives two characters).
pub(crate) fn go_to_lower(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.chars()
        .map(|c| match c {
            '\u{130}' => 'i',
            c => {
                let mut lower = c.to_lowercase();
                match (lower.next(), lower.next()) {
                    (Some(l), None) => l,
                    _ => c,
                }
            }
        })
        .collect()
}

/// Quotes `s` like Go's `strconv.Quote`.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols
/// and ASCII space. Rejects controls, non-ASCII spaces, the common format characters, private
/// use, surrogates and non-characters.
fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    !matches!(u,
        0xAD
        | 0x600..=0x605
        | 0x61C
        | 0x6DD
        | 0x70F
        | 0x180E
        | 0x200B..=0x200F
        | 0x202A..=0x202E
        | 0x2060..=0x206F
        | 0xD800..=0xF8FF
        | 0xFEFF
        | 0xFFF0..=0xFFFB
        | 0xFFFE..=0xFFFF
        | 0xE0000..=0xE007F
        | 0xF0000..=0x10FFFF)
        && (u & 0xFFFE) != 0xFFFE
}

#[cfg(test)]
mod tests {
    use super::go_quote;

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("\t\n\0\u{7f}"), r#""\t\n\x00\x7f""#);
        assert_eq!(go_quote("\u{a0}♥☃"), r#""\u00a0♥☃""#);
        assert_eq!(go_quote("\u{feff}\u{10ffff}"), r#""\ufeff\U0010ffff""#);
    }
}
