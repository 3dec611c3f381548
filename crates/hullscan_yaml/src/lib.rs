//! YAML reader for hullscan's Compose and Kubernetes checks.
//!
//! Reads a (multi-document) YAML text into a tree of [`Node`]s where every node knows where it
//! is: line, column and byte span. The parser is `saphyr-parser` (pure Rust, event based); the
//! tree is ours because the linters need things no loader keeps all at once:
//!
//! - aliases are resolved, and a node that came through an alias keeps the anchor site as its
//!   [`Node::span`] and the alias (use) site in [`Node::alias_site`];
//! - `<<` merge keys are applied the YAML 1.1 way (shallow; keys written in the mapping win, and
//!   among several merged maps the first one wins); a merged entry records the `<<` key it came
//!   through in [`Entry::merged_at`] while its value keeps the anchor-site span;
//! - tags such as `!reset` / `!override` stay on the node ([`Node::tag`]);
//! - duplicate keys are kept (lookups return the last one, as most loaders do) and noted;
//! - scalars keep their raw text and style, so callers decide between YAML 1.2 and YAML 1.1
//!   booleans ([`Node::as_bool`] / [`Node::as_bool_lenient`]);
//! - comments are collected by line, for `# hullscan ignore=CODE` suppressions.
//!
//! Bounded: nesting depth ([`Limits::max_depth`]) and the number of nodes aliases may copy
//! ([`Limits::max_alias_nodes`], against "billion laughs") are capped; every failure is an
//! [`Error`] with a line and column, never a panic.

use std::fmt;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span as SaphyrSpan};

mod comments;

pub use comments::Comment;

/// A position in the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
    /// Byte offset from the start of the text.
    pub offset: usize,
}

/// A range of the source text: `start` inclusive, `end` exclusive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: Location,
    pub end: Location,
}

impl Span {
    /// The byte range, for slicing the source.
    pub fn bytes(&self) -> std::ops::Range<usize> {
        self.start.offset..self.end.offset.max(self.start.offset)
    }
}

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

impl Style {
    /// Quoted and block scalars are always strings; only plain ones can be null, bool or number.
    pub fn is_plain(self) -> bool {
        self == Style::Plain
    }
}

/// The value of a node.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A scalar with its text after YAML unescaping/folding (raw text: `Node::span` of the source).
    Scalar(String, Style),
    Sequence(Vec<Node>),
    Mapping(Vec<Entry>),
}

/// One `key: value` pair of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
    /// Set when the entry was pulled in by a `<<` merge key: the span of that `<<` key (the use
    /// site). The key and value keep the spans of the merged mapping (the anchor site).
    pub merged_at: Option<Span>,
}

/// A YAML node with its location.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    /// Where the node is written (for an alias: where the anchored node is written).
    pub span: Span,
    /// The tag as written (`!reset`, `!override`, `!!str`), if any.
    pub tag: Option<String>,
    /// When the node came through an alias (`*name`): the alias site.
    pub alias_site: Option<Span>,
}

impl Node {
    /// Where a diagnostic about this node should point: the use site if it came through an
    /// alias, else where it is written.
    pub fn location(&self) -> Location {
        self.alias_site.unwrap_or(self.span).start
    }

    /// The mapping's entries, if this is a mapping.
    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    /// The sequence's items, if this is a sequence.
    pub fn items(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Sequence(items) => Some(items),
            _ => None,
        }
    }

    /// The entry for a string key (the last one when the key is duplicated).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries()?
            .iter()
            .rev()
            .find(|e| e.key.as_scalar() == Some(key))
    }

    /// The value for a string key (the last one when the key is duplicated).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The scalar text, whatever its style (`None` for collections).
    pub fn as_scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(text, _) => Some(text),
            _ => None,
        }
    }

    /// A non-null scalar's text (`None` for null and collections).
    pub fn as_str(&self) -> Option<&str> {
        if self.is_null() {
            None
        } else {
            self.as_scalar()
        }
    }

    /// The scalar style, for scalars.
    pub fn style(&self) -> Option<Style> {
        match &self.value {
            Value::Scalar(_, style) => Some(*style),
            _ => None,
        }
    }

    /// Null in YAML 1.2 core schema: a plain empty, `~` or `null` scalar.
    pub fn is_null(&self) -> bool {
        match &self.value {
            Value::Scalar(text, Style::Plain) => {
                matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    /// A boolean in the YAML 1.2 core schema (`true`/`false` in three casings; plain only).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar(text, Style::Plain) => match text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// A boolean as YAML 1.1 reads it too (`yes`, `no`, `on`, `off`, `y`, `n`), for inputs where
    /// the consumer (docker-compose v1, older Kubernetes tools) is that lenient.
    pub fn as_bool_lenient(&self) -> Option<bool> {
        if let Some(b) = self.as_bool() {
            return Some(b);
        }
        match &self.value {
            Value::Scalar(text, Style::Plain) => match text.as_str() {
                "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => Some(true),
                "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n" | "N" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// An integer (plain scalars: decimal, `0x`, `0o`; quoted ones are strings).
    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Scalar(text, Style::Plain) => parse_int(text),
            _ => None,
        }
    }

    /// An integer, also when written quoted (`"5"`), as lenient consumers accept.
    pub fn as_i64_lenient(&self) -> Option<i64> {
        match &self.value {
            Value::Scalar(text, _) => parse_int(text.trim()),
            _ => None,
        }
    }

    /// A number (integer or float; plain scalars only).
    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Scalar(text, Style::Plain) => parse_int(text)
                .map(|i| i as f64)
                .or_else(|| text.parse::<f64>().ok().filter(|f| f.is_finite())),
            _ => None,
        }
    }
}

fn parse_int(text: &str) -> Option<i64> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let value = if let Some(hex) = digits.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()?
    } else if let Some(oct) = digits.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()?
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<i64>().ok()?
    } else {
        return None;
    };
    Some(if neg { -value } else { value })
}

/// One document of a stream. `root` is `None` for an empty document.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub root: Option<Node>,
    /// Where the document starts (its `---` or its first node).
    pub start: Location,
}

/// Something worth telling the user that is not an error (a duplicate key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub location: Location,
    pub message: String,
}

/// A parsed YAML text.
#[derive(Clone, Debug, PartialEq)]
pub struct Stream {
    pub documents: Vec<Document>,
    pub comments: Vec<Comment>,
    pub notes: Vec<Note>,
}

impl Stream {
    /// The comments that sit on `line` (1-based).
    pub fn comments_on_line(&self, line: u32) -> impl Iterator<Item = &Comment> {
        let start = self.comments.partition_point(|c| c.location.line < line);
        self.comments[start..]
            .iter()
            .take_while(move |c| c.location.line == line)
    }
}

/// Why a YAML text could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.location.line, self.location.column, self.message
        )
    }
}

impl std::error::Error for Error {}

/// Resource caps for one parse.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of sequences/mappings accepted.
    pub max_depth: usize,
    /// Most nodes that alias expansion may copy in one text (a "billion laughs" bomb copies
    /// exponentially many).
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 128,
            max_alias_nodes: 1_000_000,
        }
    }
}

/// Parse a YAML text with the default [`Limits`].
pub fn parse(text: &str) -> Result<Stream, Error> {
    parse_with(text, Limits::default())
}

/// Parse a YAML text.
pub fn parse_with(text: &str, limits: Limits) -> Result<Stream, Error> {
    match parse_exact(text, text, limits) {
        Err(error) if error.message.contains("invalid indentation") => {
            // Go's yaml (so Docker Compose and kubectl) accepts a flow collection whose closing
            // bracket sits at its parent key's indentation; saphyr does not. Re-read with such
            // closers joined to the line before (same length, so offsets stay true).
            let Some(relaxed) = relax_flow_indentation(text) else {
                return Err(error);
            };
            let mut stream = parse_exact(&relaxed, text, limits).map_err(|_| error)?;
            stream.notes.push(Note {
                location: Location {
                    line: 1,
                    column: 1,
                    offset: 0,
                },
                message: "a flow collection closes at its parent's indentation; read leniently as Docker Compose does".to_owned(),
            });
            Ok(stream)
        }
        other => other,
    }
}

/// `text` with every line that holds only a flow closer (`]` or `}`, maybe with `,`) joined to
/// the line before it, by turning that line break into a blank. `None` when there is none.
fn relax_flow_indentation(text: &str) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    let mut changed = false;
    let mut line_start = 0;
    let mut previous_break: Option<usize> = None;
    let mut previous_has_hash = false;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']).trim();
        let closer = !body.is_empty()
            && body
                .trim_end_matches(',')
                .trim_end()
                .chars()
                .all(|c| c == ']' || c == '}');
        if closer
            && !previous_has_hash
            && let Some(at) = previous_break
        {
            bytes[at] = b' ';
            if at > 0 && bytes[at - 1] == b'\r' {
                bytes[at - 1] = b' ';
            }
            changed = true;
        }
        previous_has_hash = line.contains('#');
        line_start += line.len();
        previous_break = line.ends_with('\n').then(|| line_start - 1);
    }
    if changed {
        String::from_utf8(bytes).ok()
    } else {
        None
    }
}

/// Parse `text`, reporting positions (and finding comments) in `original`, which has the same
/// length and the same characters at every scalar.
fn parse_exact(text: &str, original: &str, limits: Limits) -> Result<Stream, Error> {
    let positions = Positions::new(original);
    let mut builder = Builder {
        positions: &positions,
        limits,
        stack: Vec::new(),
        anchors: Vec::new(),
        alias_nodes: 0,
        documents: Vec::new(),
        notes: Vec::new(),
        scalar_ranges: Vec::new(),
        document_start: Location::default(),
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| builder.scan_error(&e))?;
        if builder.event(event, span)? {
            break;
        }
    }
    let comments = comments::collect(original, &builder.scalar_ranges);
    Ok(Stream {
        documents: builder.documents,
        comments,
        notes: builder.notes,
    })
}

/// Character index (saphyr's markers) → byte offset, line and column. Lines and columns are
/// computed here from the byte offset (not taken from saphyr) so that the lenient re-read of
/// [`relax_flow_indentation`], which joins lines, still reports the original positions.
struct Positions<'a> {
    text: &'a str,
    /// Byte offset of each character, only when the text is not ASCII.
    char_bytes: Option<Vec<usize>>,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
}

impl<'a> Positions<'a> {
    fn new(text: &'a str) -> Self {
        let char_bytes = if text.is_ascii() {
            None
        } else {
            Some(text.char_indices().map(|(i, _)| i).collect())
        };
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Positions {
            text,
            char_bytes,
            line_starts,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.char_bytes {
            None => char_index.min(self.text.len()),
            Some(bytes) => bytes.get(char_index).copied().unwrap_or(self.text.len()),
        }
    }

    fn at_byte(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts[line.saturating_sub(1).min(self.line_starts.len() - 1)];
        let column = match self.text.get(line_start..offset) {
            Some(prefix) if self.char_bytes.is_some() => prefix.chars().count(),
            _ => offset - line_start,
        };
        Location {
            line: clamp_u32(line.max(1)),
            column: clamp_u32(column + 1),
            offset,
        }
    }

    fn location(&self, marker: &saphyr_parser::Marker) -> Location {
        self.at_byte(self.byte(marker.index()))
    }

    fn span(&self, span: &SaphyrSpan) -> Span {
        Span {
            start: self.location(&span.start),
            end: self.location(&span.end),
        }
    }
}

/// The byte just after the closing quote of a quoted scalar starting at `start`.
fn quoted_end(text: &str, start: usize, style: ScalarStyle) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = match style {
        ScalarStyle::SingleQuoted => b'\'',
        ScalarStyle::DoubleQuoted => b'"',
        _ => return None,
    };
    if bytes.get(start) != Some(&quote) {
        return None;
    }
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

enum Frame {
    Sequence {
        start: Span,
        tag: Option<String>,
        anchor: usize,
        items: Vec<Node>,
    },
    Mapping {
        start: Span,
        tag: Option<String>,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        pending_key: Option<Node>,
    },
}

struct Builder<'p, 'a> {
    positions: &'p Positions<'a>,
    limits: Limits,
    stack: Vec<Frame>,
    /// Anchored nodes by saphyr's anchor id, with their node counts (for the alias budget).
    anchors: Vec<Option<(Node, usize)>>,
    alias_nodes: usize,
    documents: Vec<Document>,
    notes: Vec<Note>,
    /// Byte ranges of scalars, so a `#` inside one is not taken for a comment.
    scalar_ranges: Vec<(usize, usize)>,
    document_start: Location,
}

impl Builder<'_, '_> {
    fn scan_error(&self, e: &ScanError) -> Error {
        Error {
            location: self.positions.location(e.marker()),
            message: e.info().to_owned(),
        }
    }

    fn error(&self, span: &Span, message: impl Into<String>) -> Error {
        Error {
            location: span.start,
            message: message.into(),
        }
    }

    /// Handle one event; `Ok(true)` at the end of the stream.
    fn event(&mut self, event: Event<'_>, raw_span: SaphyrSpan) -> Result<bool, Error> {
        let span = self.positions.span(&raw_span);
        match event {
            Event::StreamEnd => return Ok(true),
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
            Event::DocumentStart(_) => {
                self.document_start = span.start;
                // Anchors do not cross documents.
                self.anchors.clear();
            }
            Event::Scalar(text, style, anchor, tag) => {
                let mut span = span;
                // saphyr's span of a quoted scalar runs on to the end of the line (over a
                // trailing comment): end it at its closing quote.
                if let Some(end) = quoted_end(self.positions.text, span.start.offset, style) {
                    span.end = self.positions.at_byte(end);
                }
                if self.stack.is_empty()
                    && style == ScalarStyle::Plain
                    && tag.is_none()
                    && anchor == 0
                    && text.is_empty()
                {
                    // An empty document.
                    self.documents.push(Document {
                        root: None,
                        start: self.document_start,
                    });
                    return Ok(false);
                }
                self.scalar_ranges
                    .push((span.start.offset, span.end.offset.max(span.start.offset)));
                let node = Node {
                    value: Value::Scalar(text.into_owned(), convert_style(style)),
                    span,
                    tag: tag.map(|t| tag_text(&t)),
                    alias_site: None,
                };
                self.remember(anchor, &node, 1);
                self.push_node(node)?;
            }
            Event::Alias(id) => {
                let Some(Some((anchored, count))) = self.anchors.get(id) else {
                    return Err(self.error(&span, "alias to an unknown anchor"));
                };
                self.alias_nodes = self.alias_nodes.saturating_add(*count);
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(self.error(
                        &span,
                        format!(
                            "aliases expand to more than {} nodes (a YAML bomb?)",
                            self.limits.max_alias_nodes
                        ),
                    ));
                }
                if self.stack.len() + depth(anchored) > self.limits.max_depth {
                    return Err(self.error(&span, "nesting too deep"));
                }
                let mut node = anchored.clone();
                node.alias_site = Some(span);
                self.push_node(node)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.check_depth(&span)?;
                self.stack.push(Frame::Sequence {
                    start: span,
                    tag: tag.map(|t| tag_text(&t)),
                    anchor,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, tag) => {
                self.check_depth(&span)?;
                self.stack.push(Frame::Mapping {
                    start: span,
                    tag: tag.map(|t| tag_text(&t)),
                    anchor,
                    entries: Vec::new(),
                    pending_key: None,
                });
            }
            Event::SequenceEnd => {
                let Some(Frame::Sequence {
                    start,
                    tag,
                    anchor,
                    items,
                }) = self.stack.pop()
                else {
                    return Err(self.error(&span, "unbalanced sequence end"));
                };
                let count = 1 + items.iter().map(count_nodes).sum::<usize>();
                let node = Node {
                    value: Value::Sequence(items),
                    span: Span {
                        start: start.start,
                        end: span.end.max_by_offset(start.end),
                    },
                    tag,
                    alias_site: None,
                };
                self.remember(anchor, &node, count);
                self.push_node(node)?;
            }
            Event::MappingEnd => {
                let Some(Frame::Mapping {
                    start,
                    tag,
                    anchor,
                    entries,
                    ..
                }) = self.stack.pop()
                else {
                    return Err(self.error(&span, "unbalanced mapping end"));
                };
                let entries = self.finish_mapping(entries)?;
                let count = 1 + entries
                    .iter()
                    .map(|e| count_nodes(&e.key) + count_nodes(&e.value))
                    .sum::<usize>();
                let node = Node {
                    value: Value::Mapping(entries),
                    span: Span {
                        start: start.start,
                        end: span.end.max_by_offset(start.end),
                    },
                    tag,
                    alias_site: None,
                };
                self.remember(anchor, &node, count);
                self.push_node(node)?;
            }
        }
        Ok(false)
    }

    fn check_depth(&self, span: &Span) -> Result<(), Error> {
        if self.stack.len() >= self.limits.max_depth {
            Err(self.error(
                span,
                format!("nesting deeper than {} levels", self.limits.max_depth),
            ))
        } else {
            Ok(())
        }
    }

    fn remember(&mut self, anchor: usize, node: &Node, count: usize) {
        if anchor == 0 {
            return;
        }
        if self.anchors.len() <= anchor {
            self.anchors.resize(anchor + 1, None);
        }
        self.anchors[anchor] = Some((node.clone(), count));
    }

    fn push_node(&mut self, node: Node) -> Result<(), Error> {
        match self.stack.last_mut() {
            None => {
                self.documents.push(Document {
                    root: Some(node),
                    start: self.document_start,
                });
            }
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => entries.push((key, node)),
            },
        }
        Ok(())
    }

    /// Apply `<<` merge keys and note duplicate keys.
    fn finish_mapping(&mut self, raw: Vec<(Node, Node)>) -> Result<Vec<Entry>, Error> {
        let mut own: Vec<Entry> = Vec::with_capacity(raw.len());
        let mut merges: Vec<(Span, Node)> = Vec::new();
        for (key, value) in raw {
            if key.style() == Some(Style::Plain)
                && key.as_scalar() == Some("<<")
                && key.tag.is_none()
            {
                merges.push((key.alias_site.unwrap_or(key.span), value));
                continue;
            }
            if let Some(text) = key.as_scalar()
                && let Some(first) = own.iter().find(|e| e.key.as_scalar() == Some(text))
            {
                self.notes.push(Note {
                    location: key.location(),
                    message: format!(
                        "duplicate key `{text}` (first at line {}); the last one is used",
                        first.key.location().line
                    ),
                });
            }
            own.push(Entry {
                key,
                value,
                merged_at: None,
            });
        }
        if merges.is_empty() {
            return Ok(own);
        }
        // YAML 1.1 merge: keys written here win; among merged maps, earlier ones win.
        let mut merged: Vec<Entry> = Vec::new();
        for (at, value) in merges {
            let sources: Vec<Node> = match value.value {
                Value::Mapping(_) => vec![value],
                Value::Sequence(items) => items,
                _ if value.is_null() => Vec::new(),
                _ => return Err(self.error(&at, "`<<` merges a mapping or a list of mappings")),
            };
            for source in sources {
                let Value::Mapping(entries) = source.value else {
                    return Err(self.error(&at, "`<<` merges a mapping or a list of mappings"));
                };
                for entry in entries {
                    let key = entry.key.as_scalar();
                    let taken = own
                        .iter()
                        .chain(merged.iter())
                        .any(|e| e.key.as_scalar().is_some() && e.key.as_scalar() == key);
                    if !taken {
                        merged.push(Entry {
                            key: entry.key,
                            value: entry.value,
                            merged_at: Some(at),
                        });
                    }
                }
            }
        }
        merged.extend(own);
        Ok(merged)
    }
}

trait MaxByOffset {
    fn max_by_offset(self, other: Self) -> Self;
}

impl MaxByOffset for Location {
    fn max_by_offset(self, other: Location) -> Location {
        if other.offset > self.offset {
            other
        } else {
            self
        }
    }
}

fn count_nodes(node: &Node) -> usize {
    match &node.value {
        Value::Scalar(..) => 1,
        Value::Sequence(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Value::Mapping(entries) => {
            1 + entries
                .iter()
                .map(|e| count_nodes(&e.key) + count_nodes(&e.value))
                .sum::<usize>()
        }
    }
}

fn depth(node: &Node) -> usize {
    match &node.value {
        Value::Scalar(..) => 0,
        Value::Sequence(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Mapping(entries) => {
            1 + entries
                .iter()
                .map(|e| depth(&e.key).max(depth(&e.value)))
                .max()
                .unwrap_or(0)
        }
    }
}

fn convert_style(style: ScalarStyle) -> Style {
    match style {
        ScalarStyle::Plain => Style::Plain,
        ScalarStyle::SingleQuoted => Style::SingleQuoted,
        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
        ScalarStyle::Literal => Style::Literal,
        ScalarStyle::Folded => Style::Folded,
    }
}

fn tag_text(tag: &saphyr_parser::Tag) -> String {
    if tag.handle == "tag:yaml.org,2002:" {
        format!("!!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

#[cfg(test)]
mod tests;
