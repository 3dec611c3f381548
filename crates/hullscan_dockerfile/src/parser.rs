//! The parser proper: BuildKit's `parser.Parse` loop over physical lines, with spans.

use hullscan_text::{TextRange, TextSize};

use crate::ast::*;
use crate::heredoc_lex::heredocs_from_line;
use crate::json::{JsonError, parse_string_array};

/// BuildKit reads lines with Go's `bufio.Scanner`, whose default token limit is 64 KiB.
const MAX_LINE_BYTES: usize = 64 * 1024;

/// Parses a Dockerfile. Never panics; problems BuildKit's parser would reject are in
/// [`Parse::errors`], and the tree holds everything that could be recovered.
pub fn parse(text: &str) -> Parse {
    if u32::try_from(text.len()).is_err() {
        return Parse {
            dockerfile: Dockerfile::default(),
            errors: vec![ParseError {
                message: "file is larger than 4 GiB".into(),
                range: TextRange::default(),
                kind: ParseErrorKind::TooLarge,
            }],
            warnings: Vec::new(),
        };
    }
    let mut parser = Parser::new(text);
    parser.run();
    parser.finish()
}

/// Parses raw bytes. Invalid UTF-8 is replaced with U+FFFD (so offsets after the first invalid
/// sequence refer to the replaced text) and reported as a [`ParseErrorKind::InvalidUtf8`]
/// error; everything else is as for [`parse`].
pub fn parse_bytes(bytes: &[u8]) -> Parse {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text),
        Err(err) => {
            let text = String::from_utf8_lossy(bytes);
            let mut result = parse(&text);
            let at = err.valid_up_to().min(text.len());
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            let message = if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
                "file is UTF-16 encoded (it starts with a UTF-16 byte-order mark); BuildKit reads \
                 Dockerfiles as UTF-8"
                    .to_owned()
            } else {
                format!(
                    "file is not valid UTF-8 (first invalid byte at offset {})",
                    err.valid_up_to()
                )
            };
            result.errors.insert(
                0,
                ParseError {
                    message,
                    range: TextRange::from_usize(at, end),
                    kind: ParseErrorKind::InvalidUtf8,
                },
            );
            result
        }
    }
}

#[inline]
fn ts(offset: usize) -> TextSize {
    // `parse` refuses texts longer than u32::MAX, so every offset fits.
    TextSize::new(offset as u32)
}

#[inline]
fn range(start: usize, end: usize) -> TextRange {
    TextRange::new(ts(start), ts(end.max(start)))
}

/// One physical line: `start..content_end` is the text without trailing CR/LF characters,
/// `start..next` includes them.
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    content_end: usize,
    next: usize,
    number: u32,
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    line_number: u32,
    escape: char,
    directives_done: bool,
    dockerfile: Dockerfile,
    errors: Vec<ParseError>,
    warnings: Vec<ParseWarning>,
    /// Errors raised while building the current instruction, located once its extent is known.
    pending_errors: Vec<(String, ParseErrorKind)>,
}

/// A logical line: continuation pieces joined, with the file offset of each piece.
struct Logical {
    text: String,
    /// `(offset in text, offset in file)` of each piece start.
    pieces: Vec<(usize, usize)>,
}

impl Logical {
    fn file_offset(&self, offset: usize) -> usize {
        let idx = self.pieces.partition_point(|&(s, _)| s <= offset);
        match idx.checked_sub(1) {
            Some(i) => self.pieces[i].1 + (offset - self.pieces[i].0),
            None => self.pieces.first().map_or(0, |p| p.1),
        }
    }

    fn file_offset_end(&self, offset: usize) -> usize {
        let idx = self.pieces.partition_point(|&(s, _)| s < offset);
        match idx.checked_sub(1) {
            Some(i) => self.pieces[i].1 + (offset - self.pieces[i].0),
            None => self.pieces.first().map_or(0, |p| p.1),
        }
    }

    /// The file range of `start..end` in the logical text.
    fn file_range(&self, start: usize, end: usize) -> TextRange {
        let fs = self.file_offset(start);
        if end <= start {
            return range(fs, fs);
        }
        range(fs, self.file_offset_end(end))
    }

    /// The offset map for the sub-string `start..end` of the logical text.
    fn sub_map(&self, start: usize, end: usize) -> OffsetMap {
        let mut pieces = vec![(ts(0), ts(self.file_offset(start)))];
        for &(s, f) in &self.pieces {
            if s > start && s < end {
                pieces.push((ts(s - start), ts(f)));
            }
        }
        OffsetMap::from_pieces(pieces)
    }
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        let has_bom = text.starts_with('\u{feff}');
        Self {
            text,
            pos: if has_bom { 3 } else { 0 },
            line_number: 0,
            escape: '\\',
            directives_done: false,
            dockerfile: Dockerfile {
                has_bom,
                ..Dockerfile::default()
            },
            errors: Vec::new(),
            warnings: Vec::new(),
            pending_errors: Vec::new(),
        }
    }

    fn finish(mut self) -> Parse {
        if self.dockerfile.instructions.is_empty() {
            self.errors.push(ParseError {
                message: "file with no instructions".into(),
                // BuildKit locates it on the last line; an empty range at the end sorts it
                // after any directive error, which BuildKit would report first.
                range: range(self.text.len(), self.text.len()),
                kind: ParseErrorKind::NoInstructions,
            });
        }
        self.dockerfile.escape = self.escape;
        self.errors.sort_by_key(|e| e.range.start());
        Parse {
            dockerfile: self.dockerfile,
            errors: self.errors,
            warnings: self.warnings,
        }
    }

    /// Reads the next physical line.
    fn next_line(&mut self) -> Option<Line> {
        if self.pos >= self.text.len() {
            return None;
        }
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let next = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i + 1);
        let mut content_end = next;
        while content_end > start && matches!(bytes[content_end - 1], b'\n' | b'\r') {
            content_end -= 1;
        }
        self.pos = next;
        self.line_number += 1;
        let has_newline = bytes[next - 1] == b'\n';
        let length = next - start;
        if length > MAX_LINE_BYTES || (!has_newline && length == MAX_LINE_BYTES) {
            self.errors.push(ParseError {
                message: format!(
                    "dockerfile line greater than max allowed size of {}",
                    MAX_LINE_BYTES - 1
                ),
                range: range(start, content_end),
                kind: ParseErrorKind::LineTooLong,
            });
        }
        Some(Line {
            start,
            content_end,
            next,
            number: self.line_number,
        })
    }

    fn run(&mut self) {
        let mut prev_comments: Vec<Comment> = Vec::new();
        while let Some(line) = self.next_line() {
            let content = &self.text[line.start..line.content_end];
            let trimmed_start = line.start + (content.len() - content.trim_start().len());
            let trimmed = &self.text[trimmed_start..line.content_end];
            let is_comment = trimmed.starts_with('#');

            if is_comment {
                let comment = self.comment(line, trimmed_start);
                let is_directive = !self.directives_done && self.directive(trimmed_start, line);
                if !is_directive {
                    if comment.text.is_empty() {
                        prev_comments.clear();
                    } else {
                        prev_comments.push(comment.clone());
                    }
                    self.dockerfile.comments.push(comment);
                }
                continue;
            }
            self.directives_done = true;

            let (piece_end, mut continues) =
                trim_continuation(self.text, trimmed_start, line.content_end, self.escape);
            if !continues && piece_end == trimmed_start {
                // Blank line.
                continue;
            }

            let start_line = line.number;
            let mut logical = Logical {
                text: String::with_capacity(piece_end - trimmed_start),
                pieces: Vec::with_capacity(1),
            };
            logical.pieces.push((0, trimmed_start));
            logical.text.push_str(&self.text[trimmed_start..piece_end]);
            let mut last_content_end = line.content_end;
            let mut empty_lines = Vec::new();

            while continues {
                let Some(next) = self.next_line() else { break };
                last_content_end = next.content_end;
                let content = &self.text[next.start..next.content_end];
                let lead = content.len() - content.trim_start().len();
                if content[lead..].starts_with('#') {
                    let comment = self.comment(next, next.start + lead);
                    self.dockerfile.comments.push(comment);
                    continue;
                }
                if lead == content.len() {
                    empty_lines.push(range(next.start, next.content_end));
                    continue;
                }
                let (piece_end, c) =
                    trim_continuation(self.text, next.start, next.content_end, self.escape);
                continues = c;
                if piece_end > next.start {
                    logical.pieces.push((logical.text.len(), next.start));
                    logical.text.push_str(&self.text[next.start..piece_end]);
                }
            }

            let mut end_line = self.line_number;
            let mut inst = self.build_instruction(&logical, 0, logical.text.len(), 0);
            let inst_start = inst.keyword_range.start().to_usize();

            if !empty_lines.is_empty() {
                self.warnings.push(ParseWarning {
                    kind: ParseWarningKind::EmptyContinuationLine,
                    message: format!("Empty continuation line found in: {}", logical.text),
                    range: range(inst_start, last_content_end),
                    line: end_line,
                    empty_lines: empty_lines.clone(),
                });
            }

            if can_contain_heredoc(&inst) && logical.text.contains("<<") {
                match heredocs_from_line(&logical.text) {
                    Ok(found) => {
                        for doc in found {
                            let (heredoc, end) = self.read_heredoc_body(&logical, doc);
                            last_content_end = end;
                            inst.heredocs.push(heredoc);
                        }
                        end_line = self.line_number;
                        if let Some(unterminated) =
                            inst.heredocs.iter().find(|h| h.terminator_range.is_none())
                        {
                            let _ = unterminated;
                            self.errors.push(ParseError {
                                message: "unterminated heredoc".into(),
                                range: range(inst_start, last_content_end),
                                kind: ParseErrorKind::UnterminatedHeredoc,
                            });
                        }
                        if let Some(trigger) = inst.onbuild.as_mut() {
                            trigger.heredocs = inst.heredocs.clone();
                        }
                    }
                    Err(message) => self.errors.push(ParseError {
                        message,
                        range: range(inst_start, last_content_end),
                        kind: ParseErrorKind::UnterminatedHeredoc,
                    }),
                }
            }

            inst.range = range(inst_start, last_content_end);
            inst.start_line = start_line;
            inst.end_line = end_line;
            inst.empty_continuation_lines = empty_lines;
            inst.prev_comments = std::mem::take(&mut prev_comments);
            inst.original = logical.text;
            if let Some(trigger) = inst.onbuild.as_mut() {
                trigger.range = range(trigger.keyword_range.start().to_usize(), last_content_end);
                trigger.start_line = start_line;
                trigger.end_line = end_line;
            }
            // Errors found while building the node are located on the whole instruction.
            for (message, kind) in self.pending_errors.drain(..) {
                self.errors.push(ParseError {
                    message,
                    range: inst.range,
                    kind,
                });
            }
            self.dockerfile.instructions.push(inst);
        }
    }

    /// A comment line starting at `hash` (the `#`).
    fn comment(&self, line: Line, hash: usize) -> Comment {
        // BuildKit takes the untrimmed line after its first byte, then trims it (so an indented
        // comment keeps its `#`). Skip the first *character* to stay on a char boundary.
        let raw = &self.text[line.start..line.next];
        let first_len = raw.chars().next().map_or(0, char::len_utf8);
        Comment {
            range: range(hash, line.content_end),
            text: raw[first_len..].trim().to_owned(),
        }
    }

    /// Tries the comment line at `hash` as a parser directive. Returns whether it is one.
    fn directive(&mut self, hash: usize, line: Line) -> bool {
        let after_hash = &self.text[hash + 1..line.content_end];
        let body_start = hash + 1 + (after_hash.len() - after_hash.trim_start().len());
        let body = &self.text[body_start..line.content_end];
        let Some((name_len, value_start, value_end)) = match_directive(body) else {
            self.directives_done = true;
            return false;
        };
        let name = body[..name_len].to_ascii_lowercase();
        if !matches!(name.as_str(), "syntax" | "escape" | "check") {
            self.directives_done = true;
            return false;
        }
        let value = &body[value_start..value_end];
        let line_range = range(hash, body_start + value_end);
        if self.dockerfile.directives.iter().any(|d| d.name == name) {
            self.errors.push(ParseError {
                message: format!("only one {name} parser directive can be used"),
                range: line_range,
                kind: ParseErrorKind::Directive,
            });
        } else if name == "escape" {
            match value {
                "\\" => self.escape = '\\',
                "`" => self.escape = '`',
                _ => self.errors.push(ParseError {
                    message: format!("invalid escape token '{value}' does not match ` or \\"),
                    range: line_range,
                    kind: ParseErrorKind::Directive,
                }),
            }
        }
        self.dockerfile.directives.push(Directive {
            name,
            name_range: range(body_start, body_start + name_len),
            value: value.to_owned(),
            value_range: range(body_start + value_start, body_start + value_end),
            range: line_range,
        });
        true
    }

    /// Reads one heredoc body after the current line.
    fn read_heredoc_body(
        &mut self,
        logical: &Logical,
        doc: crate::heredoc_lex::FoundHeredoc,
    ) -> (Heredoc, usize) {
        let body_start = self.pos;
        let mut body_end = self.pos;
        let mut terminator = None;
        let mut last_end = self.pos;
        while let Some(line) = self.next_line() {
            let mut candidate = &self.text[line.start..line.content_end];
            if doc.chomp {
                candidate = candidate.trim_start_matches('\t');
            }
            last_end = line.content_end;
            if candidate == doc.name {
                terminator = Some(range(line.start, line.content_end));
                break;
            }
            body_end = line.next;
        }
        if terminator.is_none() {
            // Unterminated: the body runs to the end of the file, line ending included.
            last_end = last_end.max(body_end);
        }
        let heredoc = Heredoc {
            name: doc.name,
            fd: doc.fd,
            strip_tabs: doc.chomp,
            quoted: !doc.expand,
            body: self.text[body_start..body_end].to_owned(),
            body_range: range(body_start, body_end),
            range: logical.file_range(doc.start, doc.end),
            terminator_range: terminator,
        };
        (heredoc, last_end)
    }

    /// BuildKit's `newNodeFromLine` for `logical.text[start..end]`; `depth` counts the ONBUILD
    /// nodes around it.
    fn build_instruction(
        &mut self,
        logical: &Logical,
        start: usize,
        end: usize,
        depth: usize,
    ) -> Instruction {
        let line = &logical.text[start..end];
        let trimmed_lead = line.len() - line.trim_start().len();
        let cmd_line = line.trim();
        let cmd_start = start + trimmed_lead;
        let cmd_end = cmd_start + cmd_line.len();
        let keyword_len = cmd_line.find(is_split_space).unwrap_or(cmd_line.len());
        let keyword_text = &cmd_line[..keyword_len];
        let keyword = Keyword::from_text(keyword_text);

        let mut flags = Vec::new();
        let mut args_start = cmd_end;
        if keyword_len < cmd_line.len() {
            let after = &cmd_line[keyword_len..];
            let rest_start = cmd_start
                + keyword_len
                + (after.len() - after.trim_start_matches(is_split_space).len());
            let remaining = extract_flags(logical, rest_start, cmd_end, self.escape, &mut flags);
            let rest = &logical.text[remaining..cmd_end];
            args_start = remaining + (rest.len() - rest.trim_start().len());
        }
        let args_end = args_start.max(logical.text[..cmd_end].trim_end().len());
        let args_end = args_end.max(args_start);

        let mut inst = Instruction {
            keyword,
            keyword_text: keyword_text.to_owned(),
            keyword_range: logical.file_range(cmd_start, cmd_start + keyword_len),
            range: TextRange::default(),
            start_line: 0,
            end_line: 0,
            // Set by the caller for top-level instructions (which moves the logical line in).
            original: if start == 0 && end == logical.text.len() {
                String::new()
            } else {
                line.to_owned()
            },
            flags,
            args: Arguments::Words(Vec::new()),
            heredocs: Vec::new(),
            onbuild: None,
            prev_comments: Vec::new(),
            empty_continuation_lines: Vec::new(),
        };
        let args = &logical.text[args_start..args_end];
        inst.args = match keyword {
            Keyword::Run | Keyword::Cmd | Keyword::Entrypoint | Keyword::Shell => {
                match self.maybe_json(logical, args_start, args_end) {
                    MaybeJson::Empty => Arguments::Words(Vec::new()),
                    MaybeJson::Json(exec) => Arguments::Exec(exec),
                    MaybeJson::Shell => Arguments::Shell(ShellText {
                        value: args.to_owned(),
                        map: logical.sub_map(args_start, args_end),
                    }),
                }
            }
            Keyword::Add | Keyword::Copy | Keyword::Volume => {
                match self.maybe_json(logical, args_start, args_end) {
                    MaybeJson::Json(exec) => Arguments::Exec(exec),
                    _ => Arguments::Words(split_whitespace_words(logical, args_start, args_end)),
                }
            }
            Keyword::From => {
                let words = split_whitespace_words(logical, args_start, args_end);
                let has_as = words
                    .get(1)
                    .is_some_and(|w| w.value.eq_ignore_ascii_case("as"));
                Arguments::From(FromArgs {
                    image: words.first().cloned(),
                    as_keyword: if has_as { words.get(1).cloned() } else { None },
                    stage_name: if has_as { words.get(2).cloned() } else { None },
                    words,
                })
            }
            Keyword::Expose => {
                Arguments::Words(split_whitespace_words(logical, args_start, args_end))
            }
            Keyword::User | Keyword::Workdir | Keyword::Maintainer | Keyword::Stopsignal => {
                if args.is_empty() {
                    Arguments::Words(Vec::new())
                } else {
                    Arguments::Words(vec![Word {
                        value: args.to_owned(),
                        range: logical.file_range(args_start, args_end),
                    }])
                }
            }
            Keyword::Arg => {
                let words = parse_words(logical, args_start, args_end, self.escape);
                Arguments::Arg(
                    words
                        .into_iter()
                        .map(|(s, e, text)| key_value_word(logical, s, e, text))
                        .collect(),
                )
            }
            Keyword::Env | Keyword::Label => {
                self.key_values(logical, args_start, args_end, keyword)
            }
            Keyword::Healthcheck => self.healthcheck(logical, args_start, args_end),
            Keyword::Onbuild => {
                if args_start < args_end && depth >= crate::MAX_ONBUILD_DEPTH {
                    // Deeper chains get no further nodes: the tree (and everything that walks
                    // it) stays shallow whatever the input.
                    self.pending_errors.push((
                        ONBUILD_CHAIN_MESSAGE.to_owned(),
                        ParseErrorKind::OnbuildChain,
                    ));
                } else if args_start < args_end {
                    let trigger = self.build_instruction(logical, args_start, args_end, depth + 1);
                    inst.onbuild = Some(Box::new(trigger));
                }
                Arguments::Words(Vec::new())
            }
            Keyword::Unknown => Arguments::Words(Vec::new()),
        };
        inst
    }

    fn maybe_json(&mut self, logical: &Logical, start: usize, end: usize) -> MaybeJson {
        let text = &logical.text[start..end];
        if text.is_empty() {
            return MaybeJson::Empty;
        }
        if !text.starts_with('[') {
            return MaybeJson::Shell;
        }
        match parse_string_array(text) {
            Ok(strings) => MaybeJson::Json(ExecForm {
                words: strings
                    .into_iter()
                    .map(|s| Word {
                        value: s.value,
                        range: logical.file_range(start + s.start, start + s.end),
                    })
                    .collect(),
                range: logical.file_range(start, end),
            }),
            Err(JsonError::Invalid) => MaybeJson::Shell,
            Err(JsonError::NotStrings) => {
                self.pending_error(
                    "when using JSON array syntax, arrays must be comprised of strings only",
                    ParseErrorKind::JsonNotStrings,
                );
                // Recovery: keep the text as shell form so rules still see the command.
                MaybeJson::Shell
            }
        }
    }

    fn healthcheck(&mut self, logical: &Logical, start: usize, end: usize) -> Arguments {
        let text = &logical.text[start..end];
        // BuildKit scans bytes here, so only ASCII whitespace separates the type word.
        let sep = text.find(is_go_byte_space).unwrap_or(text.len());
        if sep == 0 {
            return Arguments::Healthcheck(HealthcheckArgs {
                kind: None,
                command: None,
            });
        }
        let after = &text[sep..];
        let next = sep + (after.len() - after.trim_start_matches(is_go_byte_space).len());
        let kind = Word {
            value: text[..sep].to_owned(),
            range: logical.file_range(start, start + sep),
        };
        let command = match self.maybe_json(logical, start + next, end) {
            MaybeJson::Empty => None,
            MaybeJson::Json(exec) => Some(HealthcheckCommand::Exec(exec)),
            MaybeJson::Shell => Some(HealthcheckCommand::Shell(ShellText {
                value: text[next..].to_owned(),
                map: logical.sub_map(start + next, end),
            })),
        };
        Arguments::Healthcheck(HealthcheckArgs {
            kind: Some(kind),
            command,
        })
    }

    fn key_values(
        &mut self,
        logical: &Logical,
        start: usize,
        end: usize,
        keyword: Keyword,
    ) -> Arguments {
        let words = parse_words(logical, start, end, self.escape);
        let Some(first) = words.first() else {
            return Arguments::KeyValues(KeyValueList {
                legacy: false,
                pairs: Vec::new(),
            });
        };
        if !first.2.contains('=') {
            // Legacy `KEY value`: split once on whitespace, the value is the rest.
            let text = &logical.text[start..end];
            let key_len = text.find(is_split_space).unwrap_or(text.len());
            let key = &text[..key_len];
            let after = &text[key_len..];
            let value_off =
                key_len + (after.len() - after.trim_start_matches(is_split_space).len());
            let pair = if key_len == text.len() {
                self.pending_error(
                    &format!("{} must have two arguments", keyword.as_str()),
                    ParseErrorKind::KeyValue,
                );
                KeyValue {
                    key: key.to_owned(),
                    key_range: logical.file_range(start, start + key_len),
                    value: None,
                    value_range: None,
                    range: logical.file_range(start, end),
                }
            } else {
                KeyValue {
                    key: key.to_owned(),
                    key_range: logical.file_range(start, start + key_len),
                    value: Some(text[value_off..].to_owned()),
                    value_range: Some(logical.file_range(start + value_off, end)),
                    range: logical.file_range(start, end),
                }
            };
            return Arguments::KeyValues(KeyValueList {
                legacy: true,
                pairs: vec![pair],
            });
        }
        let mut pairs = Vec::with_capacity(words.len());
        for (s, e, text) in words {
            if !text.contains('=') {
                self.pending_error(
                    &format!(
                        "Syntax error - can't find = in {}. Must be of the form: name=value",
                        crate::dump::go_quote(&text)
                    ),
                    ParseErrorKind::KeyValue,
                );
            }
            pairs.push(key_value_word(logical, s, e, text));
        }
        Arguments::KeyValues(KeyValueList {
            legacy: false,
            pairs,
        })
    }

    /// Records an error to be located on the current instruction once its extent is known.
    fn pending_error(&mut self, message: &str, kind: ParseErrorKind) {
        self.pending_errors.push((message.to_owned(), kind));
    }
}

enum MaybeJson {
    Empty,
    Json(ExecForm),
    Shell,
}

/// BuildKit's error for `ONBUILD ONBUILD` (from its instructions layer).
const ONBUILD_CHAIN_MESSAGE: &str = "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed";

/// BuildKit's `reWhitespace`: `[\t\v\f\r ]`.
fn is_split_space(c: char) -> bool {
    matches!(c, '\t' | '\u{b}' | '\u{c}' | '\r' | ' ')
}

fn can_contain_heredoc(inst: &Instruction) -> bool {
    let node = match &inst.onbuild {
        Some(trigger) if inst.keyword == Keyword::Onbuild => trigger,
        _ => inst,
    };
    matches!(node.keyword, Keyword::Run | Keyword::Copy | Keyword::Add) && !node.is_json()
}

/// Removes a line continuation marker from `text[start..end]`: returns the new end and whether
/// the line continues. The marker is the escape token followed by spaces/tabs at the end of the
/// line, not preceded by another escape token.
fn trim_continuation(text: &str, start: usize, end: usize, escape: char) -> (usize, bool) {
    let line = &text[start..end];
    let without_ws = line.trim_end_matches([' ', '\t']);
    let Some(before) = without_ws.strip_suffix(escape) else {
        return (end, false);
    };
    if before.is_empty() {
        return (start, true);
    }
    if before.ends_with(escape) {
        return (end, false);
    }
    (start + before.len(), true)
}

/// BuildKit's `extractBuilderFlags` on `logical.text[start..end]`: pushes the flags and returns
/// the offset where the remaining text starts.
fn extract_flags(
    logical: &Logical,
    start: usize,
    end: usize,
    escape: char,
    flags: &mut Vec<Flag>,
) -> usize {
    let line = &logical.text[start..end];
    let mut chars = line.char_indices().peekable();
    loop {
        // Skip spaces.
        while let Some(&(_, c)) = chars.peek() {
            if is_go_byte_space(c) {
                chars.next();
            } else {
                break;
            }
        }
        let Some(&(word_start, _)) = chars.peek() else {
            return end;
        };
        if !line[word_start..].starts_with("--") {
            return start + word_start;
        }
        let mut word = String::new();
        let mut blank_ok = false;
        let mut quote: Option<char> = None;
        let mut word_end = line.len();
        let mut eq_raw: Option<usize> = None;
        while let Some((i, c)) = chars.next() {
            match quote {
                None => {
                    if is_go_byte_space(c) {
                        word_end = i;
                        break;
                    }
                    if c == '\'' || c == '"' {
                        quote = Some(c);
                        blank_ok = true;
                        continue;
                    }
                    let mut c = c;
                    if c == escape {
                        match chars.next() {
                            None => continue,
                            Some((_, n)) => c = n,
                        }
                    } else if c == '=' && eq_raw.is_none() {
                        eq_raw = Some(i);
                    }
                    word.push(c);
                }
                Some(q) => {
                    if c == q {
                        quote = None;
                        continue;
                    }
                    let mut c = c;
                    if c == escape {
                        match chars.next() {
                            None => {
                                quote = None;
                                continue;
                            }
                            Some((_, n)) => c = n,
                        }
                    } else if c == '=' && eq_raw.is_none() {
                        eq_raw = Some(i);
                    }
                    word.push(c);
                }
            }
        }
        if word == "--" {
            // A bare `--` ends the flags; the rest starts after it (including the space).
            return start + word_end;
        }
        if blank_ok || !word.is_empty() {
            let body = &word[2.min(word.len())..];
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
                None => (body.to_owned(), None),
            };
            let range = logical.file_range(start + word_start, start + word_end);
            flags.push(Flag {
                name,
                value,
                range,
                value_range: eq_raw.map(|eq| {
                    if eq + 1 >= word_end {
                        TextRange::empty(range.end())
                    } else {
                        logical.file_range(start + eq + 1, start + word_end)
                    }
                }),
            });
        }
        if word_end == line.len() {
            return end;
        }
    }
}

/// Go's `unicode.IsSpace(rune(byte))` for the ASCII bytes BuildKit's flag scanner sees.
fn is_go_byte_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ')
}

/// BuildKit's `parseStringsWhitespaceDelimited` (split on `[\t\v\f\r ]+`, no quote handling).
fn split_whitespace_words(logical: &Logical, start: usize, end: usize) -> Vec<Word> {
    let text = &logical.text[start..end];
    let mut words = Vec::new();
    if text.is_empty() {
        return words;
    }
    let mut word_start = 0;
    let mut in_space = false;
    for (i, c) in text.char_indices() {
        if is_split_space(c) {
            if !in_space {
                words.push(Word {
                    value: text[word_start..i].to_owned(),
                    range: logical.file_range(start + word_start, start + i),
                });
                in_space = true;
            }
        } else if in_space {
            in_space = false;
            word_start = i;
        }
    }
    if !in_space {
        words.push(Word {
            value: text[word_start..].to_owned(),
            range: logical.file_range(start + word_start, end),
        });
    }
    words
}

/// BuildKit's `parseWords`: quote-aware words with quotes and escapes kept. Returns
/// `(start, end, text)` in logical-text offsets.
fn parse_words(
    logical: &Logical,
    start: usize,
    end: usize,
    escape: char,
) -> Vec<(usize, usize, String)> {
    let rest = &logical.text[start..end];
    let mut words = Vec::new();
    let mut chars = rest.char_indices().peekable();
    loop {
        while let Some(&(_, c)) = chars.peek() {
            if c.is_whitespace() {
                chars.next();
            } else {
                break;
            }
        }
        let Some(&(word_start, _)) = chars.peek() else {
            break;
        };
        let mut quote: Option<char> = None;
        let mut word_end = rest.len();
        let mut dropped_trailing_escape = false;
        while let Some((i, c)) = chars.next() {
            match quote {
                None => {
                    if c.is_whitespace() {
                        word_end = i;
                        break;
                    }
                    if c == '\'' || c == '"' {
                        quote = Some(c);
                    } else if c == escape {
                        if chars.peek().is_none() {
                            dropped_trailing_escape = true;
                            continue;
                        }
                        chars.next();
                    }
                }
                Some(q) => {
                    if c == q {
                        quote = None;
                    } else if c == escape && q != '\'' {
                        if chars.peek().is_none() {
                            dropped_trailing_escape = true;
                            continue;
                        }
                        chars.next();
                    }
                }
            }
        }
        let text_end = if dropped_trailing_escape {
            word_end - escape.len_utf8()
        } else {
            word_end
        };
        if text_end > word_start {
            words.push((
                start + word_start,
                start + text_end,
                rest[word_start..text_end].to_owned(),
            ));
        }
    }
    words
}

/// Splits a `key=value` word (or a bare `key`) at its first `=`.
fn key_value_word(logical: &Logical, start: usize, end: usize, text: String) -> KeyValue {
    let whole = logical.file_range(start, end);
    match text.find('=') {
        // Empty parts are placed at the edge of the word (not across a continuation).
        Some(eq) => KeyValue {
            key: text[..eq].to_owned(),
            key_range: if eq == 0 {
                TextRange::empty(whole.start())
            } else {
                logical.file_range(start, start + eq)
            },
            value: Some(text[eq + 1..].to_owned()),
            value_range: Some(if eq + 1 == text.len() {
                TextRange::empty(whole.end())
            } else {
                logical.file_range(start + eq + 1, end)
            }),
            range: whole,
        },
        None => KeyValue {
            key_range: logical.file_range(start, end),
            range: logical.file_range(start, end),
            key: text,
            value: None,
            value_range: None,
        },
    }
}

/// RE2 `\s`: `[\t\n\f\r ]`.
fn is_re2_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{c}' | '\r' | ' ')
}

/// Matches BuildKit's directive pattern `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` against
/// `body` (the comment after `#` and leading whitespace). Returns the key length and the value
/// bounds.
pub(crate) fn match_directive(body: &str) -> Option<(usize, usize, usize)> {
    let bytes = body.as_bytes();
    if !bytes.first()?.is_ascii_alphabetic() {
        return None;
    }
    let name_len = bytes
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let after_name = &body[name_len..];
    let eq = name_len + (after_name.len() - after_name.trim_start_matches(is_re2_space).len());
    if bytes.get(eq) != Some(&b'=') {
        return None;
    }
    let after_eq = &body[eq + 1..];
    let ws = after_eq.len() - after_eq.trim_start_matches(is_re2_space).len();
    let base = eq + 1;
    if ws < after_eq.len() {
        let value_end = after_eq.trim_end_matches(is_re2_space).len();
        Some((name_len, base + ws, base + value_end))
    } else if ws > 0 {
        // `.+?` needs one character, so the greedy `\s*` gives back the last space.
        Some((name_len, base + ws - 1, base + ws))
    } else {
        None
    }
}
