//! A hand-written, error-tolerant recursive-descent parser for the POSIX shell language plus the
//! bash extensions seen in Dockerfiles (`[[ ]]`, `(( ))`, `$'…'`, `<(…)`, `&>`, `<<<`, `|&`,
//! `function`, arrays in assignments).
//!
//! Lexing is on demand and context-free except where the shell itself is context-sensitive:
//! reserved words are recognised by the parser only in command position, and heredoc bodies are
//! read by the lexer right after the newline that ends the line holding their `<<` operator.
//!
//! Error recovery: an unexpected token is reported and skipped, an unterminated quote or
//! substitution runs to the end of the script, and a compound command missing its closing keyword
//! is closed at the end of input. Every command before and after an error is still returned.

use std::borrow::Cow;

use hullscan_text::{TextRange, TextSize};

use crate::ast::{
    Assignment, Block, CaseArm, CaseCommand, Command, CommandKind, Connector, ForCommand,
    FunctionDef, Heredoc, IfBranch, IfCommand, List, ParseError, Pipeline, Redirect, RedirectOp,
    Script, SimpleCommand, Terminator, WhileCommand, Word, WordPart, WordParts,
};

/// Nesting deeper than this (subshells, substitutions, compound commands) is reported as an error
/// and the rest of the script is skipped, so hostile input cannot overflow the stack.
const MAX_DEPTH: u32 = 64;

/// Parses `source` as a shell script. Never fails: syntax errors are collected in
/// [`Script::errors`] and the tree holds everything that could be recovered.
///
/// Scripts longer than `u32::MAX` bytes are not supported (Dockerfiles are loaded with a far
/// smaller limit); for such input only the first 4 GiB is parsed.
pub fn parse(source: &str) -> Script<'_> {
    let limit = source.len().min(u32::MAX as usize);
    let mut parser = Parser {
        src: source,
        bytes: source.as_bytes(),
        pos: 0,
        end: limit,
        peeked: None,
        pending_heredocs: Vec::new(),
        heredocs: Vec::new(),
        errors: Vec::new(),
        depth: 0,
        last_token_end: TextSize::ZERO,
    };
    let body = parser.parse_block(Closer::Eof);
    for index in std::mem::take(&mut parser.pending_heredocs) {
        let delimiter = parser.heredocs[index].delimiter.clone();
        let at = parser.heredocs[index].body.start();
        parser.error(
            TextRange::empty(at),
            format!("heredoc `{delimiter}` has no body (no newline after its line)"),
        );
    }
    Script {
        source,
        body,
        heredocs: parser.heredocs,
        errors: parser.errors,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    AndAnd,
    OrOr,
    Pipe,
    PipeAmp,
    Amp,
    Semi,
    DoubleSemi,
    SemiAmp,
    DoubleSemiAmp,
    LParen,
    RParen,
    Redirect(RedirectOp),
}

#[derive(Clone, Debug)]
enum TokenKind<'src> {
    Word(Word<'src>),
    IoNumber(u32),
    Op(Op),
    Newline,
    Eof,
}

#[derive(Clone, Debug)]
struct Token<'src> {
    kind: TokenKind<'src>,
    range: TextRange,
}

/// What ends the block being parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Closer {
    Eof,
    RParen,
    Keywords(&'static [&'static str]),
    CaseArm,
}

const CLOSING_KEYWORDS: &[&str] = &["then", "else", "elif", "fi", "do", "done", "esac", "}"];

struct Parser<'src> {
    src: &'src str,
    bytes: &'src [u8],
    pos: usize,
    /// Lexing stops here (the end of the script, or the closing backtick of `` `…` ``).
    end: usize,
    peeked: Option<Token<'src>>,
    pending_heredocs: Vec<usize>,
    heredocs: Vec<Heredoc>,
    errors: Vec<ParseError>,
    depth: u32,
    /// The end of the last token taken with `next_token`.
    last_token_end: TextSize,
}

fn size(offset: usize) -> TextSize {
    // `parse` caps `end` at u32::MAX, and every offset is at most `end`.
    TextSize::new(offset as u32)
}

fn range(start: usize, end: usize) -> TextRange {
    TextRange::new(size(start), size(end))
}

fn is_name_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_'
}

fn is_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

fn is_blank(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r')
}

fn is_word_end(byte: u8) -> bool {
    matches!(
        byte,
        b' ' | b'\t' | b'\r' | b'\n' | b'|' | b'&' | b';' | b'<' | b'>' | b'(' | b')'
    )
}

impl<'src> Parser<'src> {
    // ---------------------------------------------------------------- tokens

    fn error(&mut self, range: TextRange, message: impl Into<String>) {
        self.errors.push(ParseError {
            range,
            message: message.into(),
        });
    }

    fn byte_at(&self, offset: usize) -> Option<u8> {
        if offset < self.end {
            Some(self.bytes[offset])
        } else {
            None
        }
    }

    fn peek(&mut self) -> &Token<'src> {
        if self.peeked.is_none() {
            let token = self.lex();
            self.peeked = Some(token);
        }
        self.peeked.as_ref().expect("token was just peeked")
    }

    fn next_token(&mut self) -> Token<'src> {
        self.peek();
        let token = self.peeked.take().expect("token was just peeked");
        self.last_token_end = token.range.end();
        token
    }

    fn peek_op(&mut self) -> Option<Op> {
        match self.peek().kind {
            TokenKind::Op(op) => Some(op),
            _ => None,
        }
    }

    /// The reserved word at the next token, if it is an unquoted word spelled like one.
    fn peek_keyword(&mut self) -> Option<&'static str> {
        const KEYWORDS: &[&str] = &[
            "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until",
            "for", "select", "in", "function", "{", "}", "!", "[[",
        ];
        match &self.peek().kind {
            TokenKind::Word(word) if is_plain(word) => {
                KEYWORDS.iter().copied().find(|k| *k == word.value())
            }
            _ => None,
        }
    }

    fn skip_newlines(&mut self) {
        while matches!(self.peek().kind, TokenKind::Newline) {
            self.next_token();
        }
    }

    fn lex(&mut self) -> Token<'src> {
        // Blanks, line continuations and comments.
        loop {
            match self.byte_at(self.pos) {
                Some(b) if is_blank(b) => self.pos += 1,
                Some(b'\\') if self.byte_at(self.pos + 1) == Some(b'\n') => self.pos += 2,
                Some(b'#') => {
                    while let Some(b) = self.byte_at(self.pos) {
                        if b == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
        let start = self.pos;
        let Some(byte) = self.byte_at(start) else {
            return Token {
                kind: TokenKind::Eof,
                range: range(self.end, self.end),
            };
        };
        let next = self.byte_at(start + 1);
        let next2 = self.byte_at(start + 2);
        let (op, len) = match (byte, next, next2) {
            (b'\n', _, _) => {
                self.pos += 1;
                let token = Token {
                    kind: TokenKind::Newline,
                    range: range(start, start + 1),
                };
                self.read_pending_heredocs();
                return token;
            }
            (b'&', Some(b'&'), _) => (Op::AndAnd, 2),
            (b'&', Some(b'>'), Some(b'>')) => (Op::Redirect(RedirectOp::AppendAll), 3),
            (b'&', Some(b'>'), _) => (Op::Redirect(RedirectOp::OutputAll), 2),
            (b'&', _, _) => (Op::Amp, 1),
            (b'|', Some(b'|'), _) => (Op::OrOr, 2),
            (b'|', Some(b'&'), _) => (Op::PipeAmp, 2),
            (b'|', _, _) => (Op::Pipe, 1),
            (b';', Some(b';'), Some(b'&')) => (Op::DoubleSemiAmp, 3),
            (b';', Some(b';'), _) => (Op::DoubleSemi, 2),
            (b';', Some(b'&'), _) => (Op::SemiAmp, 2),
            (b';', _, _) => (Op::Semi, 1),
            (b'(', _, _) => (Op::LParen, 1),
            (b')', _, _) => (Op::RParen, 1),
            (b'<' | b'>', Some(b'('), _) => {
                let word = self.lex_word();
                return Token {
                    range: word.range,
                    kind: TokenKind::Word(word),
                };
            }
            (b'<', Some(b'<'), Some(b'<')) => (Op::Redirect(RedirectOp::HereString), 3),
            (b'<', Some(b'<'), Some(b'-')) => (Op::Redirect(RedirectOp::HeredocStripTabs), 3),
            (b'<', Some(b'<'), _) => (Op::Redirect(RedirectOp::Heredoc), 2),
            (b'<', Some(b'&'), _) => (Op::Redirect(RedirectOp::DupInput), 2),
            (b'<', Some(b'>'), _) => (Op::Redirect(RedirectOp::ReadWrite), 2),
            (b'<', _, _) => (Op::Redirect(RedirectOp::Input), 1),
            (b'>', Some(b'>'), _) => (Op::Redirect(RedirectOp::Append), 2),
            (b'>', Some(b'&'), _) => (Op::Redirect(RedirectOp::DupOutput), 2),
            (b'>', Some(b'|'), _) => (Op::Redirect(RedirectOp::Clobber), 2),
            (b'>', _, _) => (Op::Redirect(RedirectOp::Output), 1),
            (b'0'..=b'9', _, _) => {
                let mut digits_end = start;
                while matches!(self.byte_at(digits_end), Some(b'0'..=b'9')) {
                    digits_end += 1;
                }
                if matches!(self.byte_at(digits_end), Some(b'<' | b'>'))
                    && let Ok(fd) = self.src[start..digits_end].parse::<u32>()
                {
                    self.pos = digits_end;
                    return Token {
                        kind: TokenKind::IoNumber(fd),
                        range: range(start, digits_end),
                    };
                }
                let word = self.lex_word();
                return Token {
                    range: word.range,
                    kind: TokenKind::Word(word),
                };
            }
            _ => {
                let word = self.lex_word();
                return Token {
                    range: word.range,
                    kind: TokenKind::Word(word),
                };
            }
        };
        self.pos += len;
        Token {
            kind: TokenKind::Op(op),
            range: range(start, start + len),
        }
    }

    fn read_pending_heredocs(&mut self) {
        if self.pending_heredocs.is_empty() {
            return;
        }
        for index in std::mem::take(&mut self.pending_heredocs) {
            let body_start = self.pos;
            let mut line_start = self.pos;
            let (delimiter, strip_tabs) = {
                let heredoc = &self.heredocs[index];
                (heredoc.delimiter.clone(), heredoc.strip_tabs)
            };
            let mut closed = None;
            while line_start < self.end {
                let line_end = memchr_newline(&self.bytes[line_start..self.end])
                    .map_or(self.end, |i| line_start + i);
                let mut line = &self.src[line_start..line_end];
                line = line.strip_suffix('\r').unwrap_or(line);
                if strip_tabs {
                    line = line.trim_start_matches('\t');
                }
                if line == delimiter {
                    closed = Some((line_start, line_end));
                    break;
                }
                line_start = if line_end < self.end {
                    line_end + 1
                } else {
                    self.end
                };
            }
            let heredoc = &mut self.heredocs[index];
            match closed {
                Some((close_start, close_end)) => {
                    heredoc.body = range(body_start, close_start);
                    heredoc.closing = Some(range(close_start, close_end));
                    self.pos = if close_end < self.end {
                        close_end + 1
                    } else {
                        close_end
                    };
                }
                None => {
                    heredoc.body = range(body_start, self.end);
                    self.pos = self.end;
                    let at = range(body_start, body_start);
                    self.error(
                        at,
                        format!("heredoc is not closed: no line `{delimiter}` before the end"),
                    );
                }
            }
        }
    }

    // ---------------------------------------------------------------- words

    /// Lexes one word starting at `self.pos` (which is not a blank or an operator, except for the
    /// `<(`/`>(` of a process substitution).
    fn lex_word(&mut self) -> Word<'src> {
        let start = self.pos;
        let mut parts = WordParts::new();
        let mut literal: Option<(usize, bool)> = None;

        macro_rules! flush {
            () => {
                if let Some((lit_start, escaped)) = literal.take() {
                    parts.push(WordPart::Literal {
                        range: range(lit_start, self.pos),
                        escaped,
                    });
                }
            };
        }

        // A process substitution can only begin a word.
        if let (Some(b'<' | b'>'), Some(b'(')) = (self.byte_at(start), self.byte_at(start + 1)) {
            self.pos += 2;
            let body = self.parse_nested_parens(start);
            parts.push(WordPart::ProcessSubstitution {
                range: range(start, self.pos),
                body,
            });
        }

        while let Some(byte) = self.byte_at(self.pos) {
            match byte {
                b'(' if self.is_array_assignment_prefix(start) => {
                    // `name=( a b c )`: keep the whole array as one literal word.
                    let lit_start = literal.map_or(self.pos, |(s, _)| s);
                    let escaped = literal.is_some_and(|(_, e)| e);
                    self.skip_balanced_parens();
                    literal = Some((lit_start, escaped));
                }
                _ if is_word_end(byte) => break,
                b'\\' => {
                    let escaped_len = self.src[self.pos + 1..self.end]
                        .chars()
                        .next()
                        .map_or(0, char::len_utf8);
                    let lit_start = literal.map_or(self.pos, |(s, _)| s);
                    self.pos += 1 + escaped_len;
                    literal = Some((lit_start, true));
                }
                b'\'' => {
                    flush!();
                    parts.push(self.lex_single_quoted(self.pos, false));
                }
                b'"' => {
                    flush!();
                    parts.push(self.lex_double_quoted(self.pos));
                }
                b'`' => {
                    flush!();
                    parts.push(self.lex_backtick());
                }
                b'$' => {
                    let dollar = self.pos;
                    match self.byte_at(dollar + 1) {
                        Some(b'\'') => {
                            flush!();
                            parts.push(self.lex_single_quoted(dollar, true));
                        }
                        Some(b'"') => {
                            flush!();
                            parts.push(self.lex_double_quoted(dollar));
                        }
                        _ => {
                            // Close the pending literal at the `$` before lexing past it.
                            if self.dollar_starts_expansion(dollar) {
                                flush!();
                            }
                            if let Some(part) = self.lex_dollar() {
                                parts.push(part);
                            } else {
                                // A lone `$` is literal text.
                                let lit_start = literal.map_or(dollar, |(s, _)| s);
                                let escaped = literal.is_some_and(|(_, e)| e);
                                self.pos = dollar + 1;
                                literal = Some((lit_start, escaped));
                            }
                        }
                    }
                }
                b'*' | b'?' => {
                    flush!();
                    parts.push(WordPart::Glob {
                        range: range(self.pos, self.pos + 1),
                    });
                    self.pos += 1;
                }
                b'[' => {
                    if let Some(close) = self.find_bracket_glob_end(self.pos) {
                        flush!();
                        parts.push(WordPart::Glob {
                            range: range(self.pos, close + 1),
                        });
                        self.pos = close + 1;
                    } else {
                        let lit_start = literal.map_or(self.pos, |(s, _)| s);
                        let escaped = literal.is_some_and(|(_, e)| e);
                        self.pos += 1;
                        literal = Some((lit_start, escaped));
                    }
                }
                _ => {
                    if literal.is_none() {
                        literal = Some((self.pos, false));
                    }
                    // Advance over a run of ordinary bytes at once.
                    self.pos += 1;
                    while let Some(b) = self.byte_at(self.pos) {
                        if is_word_end(b)
                            || matches!(b, b'\\' | b'\'' | b'"' | b'`' | b'$' | b'*' | b'?' | b'[')
                            || b == b'('
                        {
                            break;
                        }
                        self.pos += 1;
                    }
                }
            }
        }
        flush!();
        let word_range = range(start, self.pos);
        let value = cook(self.src, &parts, word_range);
        Word {
            parts,
            value,
            range: word_range,
        }
    }

    fn is_array_assignment_prefix(&self, word_start: usize) -> bool {
        let prefix = &self.bytes[word_start..self.pos];
        let Some(eq) = prefix.iter().position(|&b| b == b'=') else {
            return false;
        };
        if eq + 1 != prefix.len() {
            return false;
        }
        let name = prefix[..eq].strip_suffix(b"+").unwrap_or(&prefix[..eq]);
        !name.is_empty() && is_name_start(name[0]) && name.iter().all(|&b| is_name_byte(b))
    }

    fn skip_balanced_parens(&mut self) {
        let mut depth = 0usize;
        while let Some(b) = self.byte_at(self.pos) {
            match b {
                b'(' => depth += 1,
                b')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.pos += 1;
                        return;
                    }
                }
                b'\\' => self.pos += 1,
                b'\'' | b'"' => {
                    let quote = b;
                    self.pos += 1;
                    while let Some(c) = self.byte_at(self.pos) {
                        if c == b'\\' && quote == b'"' {
                            self.pos += 1;
                        } else if c == quote {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        self.pos = self.pos.min(self.end);
        let at = range(self.pos, self.pos);
        self.error(at, "unclosed `(` in array assignment");
    }

    /// The index of the `]` closing a bracket glob opened at `open`, if it closes within the word.
    fn find_bracket_glob_end(&self, open: usize) -> Option<usize> {
        let mut i = open + 1;
        // `[]…]` and `[!]…]` take the first `]` literally.
        if matches!(self.byte_at(i), Some(b'!' | b'^')) {
            i += 1;
        }
        if self.byte_at(i) == Some(b']') {
            i += 1;
        }
        while let Some(b) = self.byte_at(i) {
            match b {
                b']' => return (i > open + 1).then_some(i),
                b'\\' => i += 2,
                _ if is_word_end(b) || matches!(b, b'\'' | b'"' | b'$' | b'`') => return None,
                _ => i += 1,
            }
        }
        None
    }

    fn lex_single_quoted(&mut self, start: usize, ansi_c: bool) -> WordPart<'src> {
        // `start` is the `'` or the `$` of `$'`.
        let mut i = start + if ansi_c { 2 } else { 1 };
        loop {
            match self.byte_at(i) {
                None => {
                    self.error(range(start, start + 1), "unterminated single quote");
                    self.pos = self.end;
                    break;
                }
                Some(b'\\') if ansi_c => i += 2,
                Some(b'\'') => {
                    self.pos = i + 1;
                    break;
                }
                Some(_) => i += 1,
            }
        }
        self.pos = self.pos.min(self.end);
        WordPart::SingleQuoted {
            range: range(start, self.pos),
            ansi_c,
        }
    }

    /// Lexes `"…"` (or `$"…"`) starting at `start`.
    fn lex_double_quoted(&mut self, start: usize) -> WordPart<'src> {
        self.pos = if self.bytes[start] == b'$' {
            start + 2
        } else {
            start + 1
        };
        let mut parts = Vec::new();
        let mut literal: Option<(usize, bool)> = None;
        macro_rules! flush {
            () => {
                if let Some((lit_start, escaped)) = literal.take() {
                    parts.push(WordPart::Literal {
                        range: range(lit_start, self.pos),
                        escaped,
                    });
                }
            };
        }
        loop {
            let Some(byte) = self.byte_at(self.pos) else {
                flush!();
                self.error(range(start, start + 1), "unterminated double quote");
                break;
            };
            match byte {
                b'"' => {
                    flush!();
                    self.pos += 1;
                    break;
                }
                b'\\' => {
                    let escapes = matches!(
                        self.byte_at(self.pos + 1),
                        Some(b'$' | b'`' | b'"' | b'\\' | b'\n')
                    );
                    let lit_start = literal.map_or(self.pos, |(s, _)| s);
                    let escaped = literal.is_some_and(|(_, e)| e) || escapes;
                    self.pos += if escapes { 2 } else { 1 };
                    literal = Some((lit_start, escaped));
                }
                b'`' => {
                    flush!();
                    parts.push(self.lex_backtick());
                }
                b'$' => {
                    let dollar = self.pos;
                    if self.dollar_starts_expansion(dollar) {
                        flush!();
                    }
                    if let Some(part) = self.lex_dollar() {
                        parts.push(part);
                    } else {
                        let lit_start = literal.map_or(dollar, |(s, _)| s);
                        let escaped = literal.is_some_and(|(_, e)| e);
                        self.pos = dollar + 1;
                        literal = Some((lit_start, escaped));
                    }
                }
                _ => {
                    if literal.is_none() {
                        literal = Some((self.pos, false));
                    }
                    self.pos += 1;
                }
            }
        }
        WordPart::DoubleQuoted {
            range: range(start, self.pos),
            parts,
        }
    }

    /// True when the `$` at `dollar` starts an expansion ([`Self::lex_dollar`] returns a part).
    fn dollar_starts_expansion(&self, dollar: usize) -> bool {
        self.byte_at(dollar + 1).is_some_and(|b| {
            matches!(
                b,
                b'(' | b'[' | b'{' | b'0'..=b'9' | b'@' | b'*' | b'#' | b'?' | b'$' | b'!' | b'-'
            ) || is_name_start(b)
        })
    }

    /// Lexes an expansion at a `$`; `None` (position unchanged) when the `$` is literal.
    fn lex_dollar(&mut self) -> Option<WordPart<'src>> {
        let dollar = self.pos;
        match self.byte_at(dollar + 1)? {
            b'(' if self.byte_at(dollar + 2) == Some(b'(') => {
                self.pos = dollar + 3;
                self.skip_arithmetic(dollar, 2, b'(', b')');
                Some(WordPart::Arithmetic {
                    range: range(dollar, self.pos),
                })
            }
            b'(' => {
                self.pos = dollar + 2;
                let body = self.parse_nested_parens(dollar);
                Some(WordPart::CommandSubstitution {
                    range: range(dollar, self.pos),
                    body,
                    backtick: false,
                })
            }
            b'[' => {
                self.pos = dollar + 2;
                self.skip_arithmetic(dollar, 1, b'[', b']');
                Some(WordPart::Arithmetic {
                    range: range(dollar, self.pos),
                })
            }
            b'{' => Some(self.lex_braced_parameter(dollar)),
            b if is_name_start(b) => {
                let mut i = dollar + 2;
                while self.byte_at(i).is_some_and(is_name_byte) {
                    i += 1;
                }
                self.pos = i;
                Some(WordPart::Parameter {
                    range: range(dollar, i),
                    name: &self.src[dollar + 1..i],
                    braced: false,
                })
            }
            b'0'..=b'9' | b'@' | b'*' | b'#' | b'?' | b'$' | b'!' | b'-' => {
                self.pos = dollar + 2;
                Some(WordPart::Parameter {
                    range: range(dollar, dollar + 2),
                    name: &self.src[dollar + 1..dollar + 2],
                    braced: false,
                })
            }
            _ => None,
        }
    }

    fn lex_braced_parameter(&mut self, dollar: usize) -> WordPart<'src> {
        let name_start = {
            let mut i = dollar + 2;
            if matches!(self.byte_at(i), Some(b'#' | b'!'))
                && self.byte_at(i + 1).is_some_and(|b| b != b'}')
            {
                i += 1;
            }
            i
        };
        let mut name_end = name_start;
        if self.byte_at(name_end).is_some_and(is_name_start) {
            while self.byte_at(name_end).is_some_and(is_name_byte) {
                name_end += 1;
            }
        } else if self.byte_at(name_end).is_some_and(|b| b.is_ascii_digit()) {
            while self.byte_at(name_end).is_some_and(|b| b.is_ascii_digit()) {
                name_end += 1;
            }
        } else if matches!(
            self.byte_at(name_end),
            Some(b'@' | b'*' | b'#' | b'?' | b'$' | b'!' | b'-')
        ) {
            name_end += 1;
        }
        // Find the matching `}`, skipping quotes and nested expansions.
        let mut i = name_end;
        let mut depth = 1usize;
        loop {
            match self.byte_at(i) {
                None => {
                    self.error(range(dollar, dollar + 2), "unterminated `${`");
                    i = self.end;
                    break;
                }
                Some(b'\\') => i += 2,
                Some(b'\'') => {
                    i += 1;
                    while self.byte_at(i).is_some_and(|b| b != b'\'') {
                        i += 1;
                    }
                    i += 1;
                }
                Some(b'"') => {
                    i += 1;
                    while let Some(b) = self.byte_at(i) {
                        if b == b'\\' {
                            i += 1;
                        } else if b == b'"' {
                            break;
                        }
                        i += 1;
                    }
                    i += 1;
                }
                Some(b'$') if self.byte_at(i + 1) == Some(b'{') => {
                    depth += 1;
                    i += 2;
                }
                Some(b'}') => {
                    depth -= 1;
                    i += 1;
                    if depth == 0 {
                        break;
                    }
                }
                Some(_) => i += 1,
            }
        }
        self.pos = i.min(self.end);
        WordPart::Parameter {
            range: range(dollar, self.pos),
            name: &self.src[name_start..name_end.min(self.pos)],
            braced: true,
        }
    }

    /// Skips to the end of `$((…))` / `$[…]`: `self.pos` is after the opening brackets and
    /// `depth` of them are open.
    fn skip_arithmetic(&mut self, start: usize, mut depth: usize, open: u8, close: u8) {
        while let Some(b) = self.byte_at(self.pos) {
            self.pos += 1;
            if b == open {
                depth += 1;
            } else if b == close {
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
        }
        self.error(range(start, start + 2), "unterminated arithmetic expansion");
    }

    /// Parses the commands of `$(…)` or `<(…)`; `self.pos` is just after the `(`.
    fn parse_nested_parens(&mut self, start: usize) -> Block<'src> {
        // We are in the middle of lexing a token, so there is no lookahead to save.
        debug_assert!(self.peeked.is_none());
        if !self.enter(start) {
            return Block::default();
        }
        let body = self.parse_block(Closer::RParen);
        self.depth -= 1;
        match self.peek().kind {
            TokenKind::Op(Op::RParen) => {
                self.next_token();
            }
            _ => {
                self.peeked = None;
                self.error(range(start, start + 2), "unterminated `$(` or `<(`");
            }
        }
        body
    }

    fn lex_backtick(&mut self) -> WordPart<'src> {
        let start = self.pos;
        let mut i = start + 1;
        let close = loop {
            match self.byte_at(i) {
                None => break None,
                Some(b'\\') => i += 2,
                Some(b'`') => break Some(i),
                Some(_) => i += 1,
            }
        };
        let inner_end = close.unwrap_or(self.end).min(self.end);
        let saved_end = self.end;
        self.end = inner_end;
        self.pos = start + 1;
        let body = if self.enter(start) {
            let body = self.parse_block(Closer::Eof);
            self.depth -= 1;
            body
        } else {
            Block::default()
        };
        self.peeked = None;
        self.end = saved_end;
        match close {
            Some(close) => self.pos = close + 1,
            None => {
                self.pos = self.end;
                self.error(range(start, start + 1), "unterminated backtick");
            }
        }
        WordPart::CommandSubstitution {
            range: range(start, self.pos),
            body,
            backtick: true,
        }
    }

    /// Enters one nesting level; past [`MAX_DEPTH`] reports an error and skips to the end.
    fn enter(&mut self, at: usize) -> bool {
        if self.depth >= MAX_DEPTH {
            self.error(
                range(at, at),
                format!("nesting deeper than {MAX_DEPTH} levels; the rest is not parsed"),
            );
            self.pos = self.end;
            return false;
        }
        self.depth += 1;
        true
    }

    // ---------------------------------------------------------------- grammar

    fn at_closer(&mut self, closer: Closer) -> bool {
        match (self.peek_op(), closer) {
            (Some(Op::RParen), Closer::RParen) => return true,
            (Some(Op::DoubleSemi | Op::SemiAmp | Op::DoubleSemiAmp), Closer::CaseArm) => {
                return true;
            }
            _ => {}
        }
        match (self.peek_keyword(), closer) {
            (Some(keyword), Closer::Keywords(list)) => list.contains(&keyword),
            (Some("esac"), Closer::CaseArm) => true,
            _ => false,
        }
    }

    /// Parses lists until `closer` (not consumed) or the end of input. Unexpected closing
    /// tokens are reported and skipped.
    fn parse_block(&mut self, closer: Closer) -> Block<'src> {
        let start = self.peek().range.start();
        let mut lists = Vec::new();
        loop {
            self.skip_newlines();
            if matches!(self.peek().kind, TokenKind::Eof) || self.at_closer(closer) {
                break;
            }
            if self.can_start_command() {
                let list = self.parse_list();
                lists.push(list);
                continue;
            }
            // Something that cannot start a command: report it and move on.
            let token = self.next_token();
            let text = &self.src[token.range.to_range()];
            self.error(token.range, format!("unexpected `{text}`"));
            // `fi;` or `) ;`: the separator belongs to the bad token, do not report it again.
            if matches!(self.peek_op(), Some(Op::Semi | Op::Amp)) {
                self.next_token();
            }
        }
        let end = lists
            .last()
            .map_or(start, |list: &List<'_>| list.range.end());
        // Every node's lists are trimmed to their length: a file of a hundred thousand RUNs
        // keeps that many scripts, and growth slack was most of their size.
        lists.shrink_to_fit();
        Block {
            lists,
            range: TextRange::new(start, end.max(start)),
        }
    }

    fn can_start_command(&mut self) -> bool {
        if let Some(keyword) = self.peek_keyword() {
            return !CLOSING_KEYWORDS.contains(&keyword);
        }
        match self.peek().kind {
            TokenKind::Word(_) | TokenKind::IoNumber(_) => true,
            TokenKind::Op(op) => matches!(op, Op::LParen | Op::Redirect(_)),
            TokenKind::Newline | TokenKind::Eof => false,
        }
    }

    fn parse_list(&mut self) -> List<'src> {
        let mut pipelines = vec![self.parse_pipeline()];
        let mut connectors = Vec::new();
        loop {
            let connector = match self.peek_op() {
                Some(Op::AndAnd) => Connector::And(self.peek().range),
                Some(Op::OrOr) => Connector::Or(self.peek().range),
                _ => break,
            };
            let op_token = self.next_token();
            self.skip_newlines();
            if self.can_start_command() {
                connectors.push(connector);
                pipelines.push(self.parse_pipeline());
            } else {
                let text = &self.src[op_token.range.to_range()];
                self.error(op_token.range, format!("expected a command after `{text}`"));
                break;
            }
        }
        let at_newline = matches!(self.peek().kind, TokenKind::Newline);
        let terminator = match self.peek_op() {
            Some(Op::Semi) => Some(Terminator::Semicolon(self.next_token().range)),
            Some(Op::Amp) => Some(Terminator::Ampersand(self.next_token().range)),
            _ if at_newline => Some(Terminator::Newline(self.next_token().range)),
            _ => None,
        };
        let start = pipelines[0].range.start();
        let end = pipelines.last().map_or(start, |p| p.range.end());
        pipelines.shrink_to_fit();
        connectors.shrink_to_fit();
        List {
            pipelines,
            connectors,
            terminator,
            range: TextRange::new(start, end),
        }
    }

    fn parse_pipeline(&mut self) -> Pipeline<'src> {
        let start = self.peek().range.start();
        let mut negated = false;
        while self.peek_keyword() == Some("!") {
            self.next_token();
            negated = true;
        }
        let mut commands = Vec::new();
        if self.can_start_command() {
            commands.push(self.parse_command());
        } else {
            let at = self.peek().range;
            self.error(at, "expected a command after `!`");
        }
        while let Some(Op::Pipe | Op::PipeAmp) = self.peek_op() {
            let op_token = self.next_token();
            self.skip_newlines();
            if self.can_start_command() {
                commands.push(self.parse_command());
            } else {
                let text = &self.src[op_token.range.to_range()];
                self.error(op_token.range, format!("expected a command after `{text}`"));
                break;
            }
        }
        if commands.is_empty() {
            // Keep the invariant "never empty" with an empty simple command at the error.
            commands.push(Command {
                kind: CommandKind::Simple(SimpleCommand {
                    assignments: Vec::new(),
                    words: Vec::new(),
                    range: TextRange::empty(start),
                }),
                redirects: Vec::new(),
                range: TextRange::empty(start),
            });
        }
        let end = commands.last().map_or(start, |c| c.range.end());
        commands.shrink_to_fit();
        Pipeline {
            negated,
            commands,
            range: TextRange::new(start, end.max(start)),
        }
    }

    fn parse_command(&mut self) -> Command<'src> {
        let start = self.peek().range.start();
        let keyword = self.peek_keyword();
        let compound = match keyword {
            Some("if") => Some(self.parse_if()),
            Some("while") => Some(self.parse_while(false)),
            Some("until") => Some(self.parse_while(true)),
            Some("for" | "select") => Some(self.parse_for()),
            Some("case") => Some(self.parse_case()),
            Some("{") => Some(self.parse_brace_group()),
            Some("[[") => Some(self.parse_test()),
            Some("function") => return self.parse_function_keyword(),
            _ => None,
        };
        let kind = match compound {
            Some(kind) => kind,
            None if self.peek_op() == Some(Op::LParen) => {
                let open = self.next_token();
                let open_end = open.range.end().to_usize();
                if self.peeked.is_none() && self.byte_at(open_end) == Some(b'(') {
                    // `(( expr ))`: an arithmetic command. The lookahead is empty, so we can
                    // re-scan the raw text.
                    self.pos = open_end + 1;
                    self.skip_arithmetic(open_end - 1, 2, b'(', b')');
                    CommandKind::Arithmetic(range(open_end - 1, self.pos))
                } else {
                    self.parse_subshell(open.range)
                }
            }
            None => return self.parse_simple(),
        };
        let mut redirects = Vec::new();
        while let Some(redirect) = self.try_parse_redirect() {
            redirects.push(redirect);
        }
        let end = self.last_token_end.max(start);
        redirects.shrink_to_fit();
        Command {
            kind,
            redirects,
            range: TextRange::new(start, end),
        }
    }

    fn expect_keyword(&mut self, keyword: &str, opener: TextRange, opener_name: &str) -> bool {
        if self.peek_keyword() == Some(keyword) {
            self.next_token();
            true
        } else {
            let at = self.peek().range;
            let found = match &self.peek().kind {
                TokenKind::Eof => "the end of the script".to_owned(),
                _ => format!("`{}`", &self.src[at.to_range()]),
            };
            self.error(
                opener,
                format!("`{opener_name}` is missing its `{keyword}` (found {found})"),
            );
            false
        }
    }

    fn parse_if(&mut self) -> CommandKind<'src> {
        let if_token = self.next_token();
        let mut branches = Vec::new();
        let mut else_body = None;
        let mut opener = if_token.range;
        let mut opener_name = "if";
        if !self.enter(if_token.range.start().to_usize()) {
            return CommandKind::If(IfCommand {
                branches,
                else_body,
            });
        }
        loop {
            let condition = self.parse_block(Closer::Keywords(&["then"]));
            if !self.expect_keyword("then", opener, opener_name) {
                branches.push(IfBranch {
                    condition,
                    body: Block::default(),
                });
                break;
            }
            let body = self.parse_block(Closer::Keywords(&["elif", "else", "fi"]));
            branches.push(IfBranch { condition, body });
            match self.peek_keyword() {
                Some("elif") => {
                    opener = self.next_token().range;
                    opener_name = "elif";
                }
                Some("else") => {
                    let else_token = self.next_token();
                    else_body = Some(self.parse_block(Closer::Keywords(&["fi"])));
                    self.expect_keyword("fi", else_token.range, "else");
                    break;
                }
                _ => {
                    self.expect_keyword("fi", if_token.range, "if");
                    break;
                }
            }
        }
        self.depth -= 1;
        CommandKind::If(IfCommand {
            branches,
            else_body,
        })
    }

    fn parse_do_group(&mut self, opener: TextRange, opener_name: &str) -> Block<'src> {
        self.skip_newlines();
        if !self.expect_keyword("do", opener, opener_name) {
            return Block::default();
        }
        let body = self.parse_block(Closer::Keywords(&["done"]));
        self.expect_keyword("done", opener, opener_name);
        body
    }

    fn parse_while(&mut self, until: bool) -> CommandKind<'src> {
        let token = self.next_token();
        let name = if until { "until" } else { "while" };
        if !self.enter(token.range.start().to_usize()) {
            return CommandKind::While(Box::new(WhileCommand {
                until,
                condition: Block::default(),
                body: Block::default(),
            }));
        }
        let condition = self.parse_block(Closer::Keywords(&["do"]));
        let body = self.parse_do_group(token.range, name);
        self.depth -= 1;
        CommandKind::While(Box::new(WhileCommand {
            until,
            condition,
            body,
        }))
    }

    fn parse_for(&mut self) -> CommandKind<'src> {
        let token = self.next_token();
        let name = if &self.src[token.range.to_range()] == "select" {
            "select"
        } else {
            "for"
        };
        if !self.enter(token.range.start().to_usize()) {
            return CommandKind::For(ForCommand {
                variable: TextRange::empty(token.range.end()),
                items: None,
                body: Block::default(),
            });
        }
        let mut variable = TextRange::empty(token.range.end());
        let mut items = None;
        if self.peek_op() == Some(Op::LParen) {
            let open = self.next_token();
            let open_end = open.range.end().to_usize();
            if self.peeked.is_none() && self.byte_at(open_end) == Some(b'(') {
                self.pos = open_end + 1;
                self.skip_arithmetic(open_end - 1, 2, b'(', b')');
            } else {
                self.error(open.range, "expected `((` or a variable name after `for`");
            }
            if self.peek_op() == Some(Op::Semi) {
                self.next_token();
            }
        } else {
            match &self.peek().kind {
                TokenKind::Word(_) => variable = self.next_token().range,
                _ => {
                    let at = self.peek().range;
                    self.error(at, format!("expected a variable name after `{name}`"));
                }
            }
            self.skip_newlines();
            if self.peek_keyword() == Some("in") {
                self.next_token();
                let mut words = Vec::new();
                while let TokenKind::Word(_) = self.peek().kind {
                    if let TokenKind::Word(word) = self.next_token().kind {
                        words.push(word);
                    }
                }
                items = Some(words);
            }
            if matches!(self.peek_op(), Some(Op::Semi)) {
                self.next_token();
            }
        }
        let body = self.parse_do_group(token.range, name);
        self.depth -= 1;
        CommandKind::For(ForCommand {
            variable,
            items,
            body,
        })
    }

    fn parse_case(&mut self) -> CommandKind<'src> {
        let token = self.next_token();
        let subject = match self.peek().kind {
            TokenKind::Word(_) => match self.next_token().kind {
                TokenKind::Word(word) => word,
                _ => unreachable!("peeked a word"),
            },
            _ => {
                let at = self.peek().range;
                self.error(at, "expected a word after `case`");
                empty_word(at.start())
            }
        };
        let mut arms = Vec::new();
        if !self.enter(token.range.start().to_usize()) {
            return CommandKind::Case(Box::new(CaseCommand { subject, arms }));
        }
        self.skip_newlines();
        if self.expect_keyword("in", token.range, "case") {
            loop {
                self.skip_newlines();
                if self.peek_keyword() == Some("esac") {
                    self.next_token();
                    break;
                }
                if matches!(self.peek().kind, TokenKind::Eof) {
                    self.error(token.range, "`case` is missing its `esac`");
                    break;
                }
                if self.peek_op() == Some(Op::LParen) {
                    self.next_token();
                }
                let mut patterns = Vec::new();
                loop {
                    match self.peek().kind {
                        TokenKind::Word(_) => {
                            if let TokenKind::Word(word) = self.next_token().kind {
                                patterns.push(word);
                            }
                        }
                        _ => {
                            let at = self.peek().range;
                            self.error(at, "expected a pattern in `case`");
                            break;
                        }
                    }
                    if self.peek_op() == Some(Op::Pipe) {
                        self.next_token();
                    } else {
                        break;
                    }
                }
                if self.peek_op() == Some(Op::RParen) {
                    self.next_token();
                } else {
                    // Skip the bad token so the loop always makes progress.
                    let bad = self.next_token();
                    self.error(bad.range, "expected `)` after a `case` pattern");
                    if matches!(bad.kind, TokenKind::Eof) {
                        break;
                    }
                    continue;
                }
                let body = self.parse_block(Closer::CaseArm);
                arms.push(CaseArm { patterns, body });
                if matches!(
                    self.peek_op(),
                    Some(Op::DoubleSemi | Op::SemiAmp | Op::DoubleSemiAmp)
                ) {
                    self.next_token();
                }
            }
        }
        self.depth -= 1;
        CommandKind::Case(Box::new(CaseCommand { subject, arms }))
    }

    fn parse_brace_group(&mut self) -> CommandKind<'src> {
        let token = self.next_token();
        if !self.enter(token.range.start().to_usize()) {
            return CommandKind::BraceGroup(Block::default());
        }
        let body = self.parse_block(Closer::Keywords(&["}"]));
        self.expect_keyword("}", token.range, "{");
        self.depth -= 1;
        CommandKind::BraceGroup(body)
    }

    fn parse_subshell(&mut self, open: TextRange) -> CommandKind<'src> {
        if !self.enter(open.start().to_usize()) {
            return CommandKind::Subshell(Block::default());
        }
        let body = self.parse_block(Closer::RParen);
        if self.peek_op() == Some(Op::RParen) {
            self.next_token();
        } else {
            self.error(open, "`(` is missing its `)`");
        }
        self.depth -= 1;
        CommandKind::Subshell(body)
    }

    fn parse_test(&mut self) -> CommandKind<'src> {
        let open = self.next_token();
        let mut words = Vec::new();
        loop {
            let token = self.next_token();
            match token.kind {
                TokenKind::Word(word) => {
                    if is_plain(&word) && word.value() == "]]" {
                        break;
                    }
                    words.push(word);
                }
                TokenKind::Eof => {
                    self.error(open.range, "`[[` is missing its `]]`");
                    break;
                }
                TokenKind::Newline => {}
                TokenKind::Op(_) | TokenKind::IoNumber(_) => {
                    let text = &self.src[token.range.to_range()];
                    words.push(Word {
                        parts: smallvec::smallvec![WordPart::Literal {
                            range: token.range,
                            escaped: false,
                        }],
                        value: Cow::Borrowed(text),
                        range: token.range,
                    });
                }
            }
        }
        CommandKind::Test(words)
    }

    fn parse_function_keyword(&mut self) -> Command<'src> {
        let keyword = self.next_token();
        let start = keyword.range.start();
        let name = match self.peek().kind {
            TokenKind::Word(_) => match self.next_token().kind {
                TokenKind::Word(word) => word,
                _ => unreachable!("peeked a word"),
            },
            _ => {
                let at = self.peek().range;
                self.error(at, "expected a function name after `function`");
                empty_word(at.start())
            }
        };
        if self.peek_op() == Some(Op::LParen) {
            self.next_token();
            if self.peek_op() == Some(Op::RParen) {
                self.next_token();
            } else {
                let at = self.peek().range;
                self.error(at, "expected `)` after `(` in a function definition");
            }
        }
        self.finish_function(start, name)
    }

    fn finish_function(&mut self, start: TextSize, name: Word<'src>) -> Command<'src> {
        self.skip_newlines();
        let body = if self.can_start_command() && self.enter(start.to_usize()) {
            let body = self.parse_command();
            self.depth -= 1;
            body
        } else {
            let at = self.peek().range;
            self.error(at, "expected a function body");
            Command {
                kind: CommandKind::BraceGroup(Block::default()),
                redirects: Vec::new(),
                range: TextRange::empty(at.start()),
            }
        };
        let end = body.range.end().max(start);
        Command {
            kind: CommandKind::Function(Box::new(FunctionDef {
                name,
                body: Box::new(body),
            })),
            redirects: Vec::new(),
            range: TextRange::new(start, end),
        }
    }

    fn try_parse_redirect(&mut self) -> Option<Redirect<'src>> {
        let (fd, start) = match self.peek().kind {
            TokenKind::IoNumber(fd) => {
                let start = self.next_token().range.start();
                (Some(fd), start)
            }
            TokenKind::Op(Op::Redirect(_)) => (None, self.peek().range.start()),
            _ => return None,
        };
        let op_token = self.next_token();
        let TokenKind::Op(Op::Redirect(op)) = op_token.kind else {
            // An IO number not followed by a redirect cannot happen: the lexer only makes one
            // when `<` or `>` follows the digits.
            self.error(op_token.range, "expected a redirection operator");
            return None;
        };
        let target = match self.peek().kind {
            TokenKind::Word(_) => match self.next_token().kind {
                TokenKind::Word(word) => word,
                _ => unreachable!("peeked a word"),
            },
            _ => {
                self.error(
                    op_token.range,
                    format!("expected a file name or delimiter after `{}`", op.as_str()),
                );
                empty_word(op_token.range.end())
            }
        };
        let heredoc = if matches!(op, RedirectOp::Heredoc | RedirectOp::HeredocStripTabs) {
            let index = self.heredocs.len();
            self.heredocs.push(Heredoc {
                delimiter: target.value().to_owned(),
                quoted: target.is_quoted(),
                strip_tabs: op == RedirectOp::HeredocStripTabs,
                body: TextRange::empty(target.range.end()),
                closing: None,
            });
            self.pending_heredocs.push(index);
            Some(index)
        } else {
            None
        };
        let end = target.range.end().max(op_token.range.end());
        Some(Redirect {
            fd,
            op,
            target,
            heredoc,
            range: TextRange::new(start, end),
        })
    }

    fn parse_simple(&mut self) -> Command<'src> {
        let start = self.peek().range.start();
        let mut assignments = Vec::new();
        let mut words: Vec<Word<'src>> = Vec::new();
        let mut redirects = Vec::new();
        loop {
            if let Some(redirect) = self.try_parse_redirect() {
                redirects.push(redirect);
                continue;
            }
            let TokenKind::Word(_) = self.peek().kind else {
                break;
            };
            let TokenKind::Word(word) = self.next_token().kind else {
                unreachable!("peeked a word")
            };
            if words.is_empty() {
                match split_assignment(self.src, word) {
                    Ok(assignment) => {
                        assignments.push(assignment);
                        continue;
                    }
                    Err(word) => {
                        let single_name =
                            assignments.is_empty() && redirects.is_empty() && is_plain(&word);
                        words.push(word);
                        if single_name && self.peek_op() == Some(Op::LParen) {
                            // `name() { …; }`: a function definition.
                            self.next_token();
                            if self.peek_op() == Some(Op::RParen) {
                                self.next_token();
                                let name = words.pop().expect("just pushed");
                                return self.finish_function(start, name);
                            }
                            let at = self.peek().range;
                            self.error(at, "expected `)` after `(` in a function definition");
                        }
                        continue;
                    }
                }
            }
            words.push(word);
        }
        if !words.is_empty() && self.peek_op() == Some(Op::LParen) {
            // `echo (x)`: bash rejects a `(` after a command's words. Report it; the `( … )`
            // is then parsed as a subshell of its own so its commands are still seen.
            let at = self.peek().range;
            self.error(at, "unexpected `(` after a command's arguments");
        }
        let end = [
            words.last().map(|w| w.range.end()),
            assignments.last().map(|a| a.range.end()),
            redirects.last().map(|r: &Redirect<'_>| r.range.end()),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(start);
        let command_range = TextRange::new(start, end.max(start));
        assignments.shrink_to_fit();
        words.shrink_to_fit();
        redirects.shrink_to_fit();
        Command {
            kind: CommandKind::Simple(SimpleCommand {
                assignments,
                words,
                range: command_range,
            }),
            redirects,
            range: command_range,
        }
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

/// True when the word is a single unquoted, unescaped literal (so it can be a reserved word).
fn is_plain(word: &Word<'_>) -> bool {
    matches!(
        word.parts.as_slice(),
        [WordPart::Literal { escaped: false, .. }]
    )
}

fn empty_word<'src>(at: TextSize) -> Word<'src> {
    Word {
        parts: WordParts::new(),
        value: Cow::Borrowed(""),
        range: TextRange::empty(at),
    }
}

/// Splits `NAME=value` / `NAME+=value` into an assignment, or gives the word back.
fn split_assignment<'src>(
    src: &'src str,
    word: Word<'src>,
) -> Result<Assignment<'src>, Word<'src>> {
    let Some(WordPart::Literal {
        range: first,
        escaped,
    }) = word.parts.first()
    else {
        return Err(word);
    };
    let text = &src[first.to_range()];
    let bytes = text.as_bytes();
    if bytes.is_empty() || !is_name_start(bytes[0]) {
        return Err(word);
    }
    let mut i = 1;
    while i < bytes.len() && is_name_byte(bytes[i]) {
        i += 1;
    }
    let name_end = i;
    let append = bytes.get(i) == Some(&b'+');
    if append {
        i += 1;
    }
    if bytes.get(i) != Some(&b'=') {
        return Err(word);
    }
    let prefix_len = i + 1;
    let name = &text[..name_end];
    let first = *first;
    let escaped = *escaped;
    let value_start = first.start() + size(prefix_len);
    let mut parts = word.parts;
    if value_start == first.end() {
        parts.remove(0);
    } else {
        parts[0] = WordPart::Literal {
            range: TextRange::new(value_start, first.end()),
            escaped,
        };
    }
    // The prefix has no escapes or quotes, so it is also a prefix of the cooked value.
    let value = match word.value {
        Cow::Borrowed(s) => Cow::Borrowed(&s[prefix_len..]),
        Cow::Owned(s) => Cow::Owned(s[prefix_len..].to_owned()),
    };
    Ok(Assignment {
        name,
        append,
        value: Word {
            parts,
            value,
            range: TextRange::new(value_start, word.range.end()),
        },
        range: word.range,
    })
}

/// Quote removal with expansions kept verbatim: the value lint rules compare.
fn cook<'src>(src: &'src str, parts: &[WordPart<'src>], word: TextRange) -> Cow<'src, str> {
    match parts {
        [] => Cow::Borrowed(""),
        [WordPart::Literal { escaped: false, .. }] => Cow::Borrowed(&src[word.to_range()]),
        [
            WordPart::SingleQuoted {
                range,
                ansi_c: false,
            },
        ] => Cow::Borrowed(single_quoted_inner(src, *range)),
        [WordPart::DoubleQuoted { range, parts }]
            if !parts
                .iter()
                .any(|p| matches!(p, WordPart::Literal { escaped: true, .. })) =>
        {
            Cow::Borrowed(double_quoted_inner(src, *range))
        }
        _ => {
            let mut out = String::with_capacity(word.len().to_usize());
            cook_into(src, parts, false, &mut out);
            Cow::Owned(out)
        }
    }
}

fn single_quoted_inner(src: &str, range: TextRange) -> &str {
    let text = &src[range.to_range()];
    let text = text.strip_prefix('$').unwrap_or(text);
    let text = text.strip_prefix('\'').unwrap_or(text);
    text.strip_suffix('\'').unwrap_or(text)
}

fn double_quoted_inner(src: &str, range: TextRange) -> &str {
    let text = &src[range.to_range()];
    let text = text.strip_prefix('$').unwrap_or(text);
    let text = text.strip_prefix('"').unwrap_or(text);
    text.strip_suffix('"').unwrap_or(text)
}

fn cook_into(src: &str, parts: &[WordPart<'_>], in_double_quotes: bool, out: &mut String) {
    for part in parts {
        match part {
            WordPart::Literal { range, escaped } => {
                let text = &src[range.to_range()];
                if !escaped {
                    out.push_str(text);
                    continue;
                }
                let mut chars = text.chars();
                while let Some(c) = chars.next() {
                    if c != '\\' {
                        out.push(c);
                        continue;
                    }
                    match chars.next() {
                        Some('\n') => {}
                        Some(next) if !in_double_quotes || "$`\"\\".contains(next) => {
                            out.push(next);
                        }
                        Some(next) => {
                            out.push('\\');
                            out.push(next);
                        }
                        None => out.push('\\'),
                    }
                }
            }
            WordPart::SingleQuoted { range, ansi_c } => {
                let inner = single_quoted_inner(src, *range);
                if *ansi_c {
                    let mut chars = inner.chars();
                    while let Some(c) = chars.next() {
                        if c != '\\' {
                            out.push(c);
                            continue;
                        }
                        match chars.next() {
                            Some('n') => out.push('\n'),
                            Some('t') => out.push('\t'),
                            Some(next @ ('\\' | '\'' | '"')) => out.push(next),
                            Some(next) => {
                                out.push('\\');
                                out.push(next);
                            }
                            None => out.push('\\'),
                        }
                    }
                } else {
                    out.push_str(inner);
                }
            }
            WordPart::DoubleQuoted { parts, .. } => cook_into(src, parts, true, out),
            WordPart::Parameter { range, .. }
            | WordPart::CommandSubstitution { range, .. }
            | WordPart::ProcessSubstitution { range, .. }
            | WordPart::Arithmetic { range }
            | WordPart::Glob { range } => out.push_str(&src[range.to_range()]),
        }
    }
}
