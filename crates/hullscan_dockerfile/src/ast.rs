//! The syntax tree produced by [`crate::parse`].
//!
//! The tree mirrors BuildKit's parser output (a flat list of instructions, no stages, no variable
//! expansion) but adds a byte span to every node. All ranges are byte ranges into the text given
//! to [`crate::parse`]; when a UTF-8 BOM is present it is *included* in that text, so offsets are
//! file offsets. Line numbers are 1-based physical lines, as BuildKit counts them.

use hullscan_text::{TextRange, TextSize};

/// The result of parsing one Dockerfile: a tree that is always present (even for broken input)
/// plus the errors and warnings BuildKit would give.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parse {
    /// The parsed file. On a syntax error the offending instruction is still present (with the
    /// best arguments that could be recovered) so rules can run on the rest of the file.
    pub dockerfile: Dockerfile,
    /// Problems for which BuildKit's parser would reject the file, in file order. When this is
    /// non-empty, `docker build` fails; the first entry is the one BuildKit reports.
    pub errors: Vec<ParseError>,
    /// Parser warnings (BuildKit has one kind: an empty line inside a continuation).
    pub warnings: Vec<ParseWarning>,
}

impl Parse {
    /// Whether BuildKit's parser would accept the file.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// A problem for which BuildKit's parser rejects the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// What went wrong. Where BuildKit rejects the input this is BuildKit's message, without the
    /// `dockerfile parse error on line N:` prefix the instructions layer adds.
    pub message: String,
    /// Where: usually the whole offending instruction, or a directive / line.
    pub range: TextRange,
    /// Which kind of error this is, for callers that need to tell them apart.
    pub kind: ParseErrorKind,
}

/// The kinds of [`ParseError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParseErrorKind {
    /// Empty file or only comments / directives: `file with no instructions`.
    NoInstructions,
    /// A parser directive repeated, or an invalid `escape` value.
    Directive,
    /// A JSON array with a non-string element.
    JsonNotStrings,
    /// `ENV`/`LABEL` with a key but no value, a `k=v` list with a word lacking `=`, etc.
    KeyValue,
    /// A heredoc with no terminator line before end of file.
    UnterminatedHeredoc,
    /// A physical line longer than BuildKit's 64 KiB scanner limit.
    LineTooLong,
    /// The input was not valid UTF-8 (only from [`crate::parse_bytes`]).
    InvalidUtf8,
    /// The input is larger than hullscan can address (4 GiB).
    TooLarge,
    /// `ONBUILD` triggers chained deeper than [`crate::MAX_ONBUILD_DEPTH`]. BuildKit's
    /// instructions layer rejects any chaining; the parser keeps the first levels (as BuildKit's
    /// parser does) and stops there, so a hostile file cannot nest the tree without bound.
    OnbuildChain,
}

/// A parser warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseWarning {
    /// Which warning.
    pub kind: ParseWarningKind,
    /// BuildKit's message, e.g. `Empty continuation line found in: RUN a b`.
    pub message: String,
    /// The whole instruction the warning is about.
    pub range: TextRange,
    /// The 1-based line BuildKit reports the warning on (the instruction's last line).
    pub line: u32,
    /// The empty lines themselves (each line's content, without its line ending).
    pub empty_lines: Vec<TextRange>,
}

/// The kinds of [`ParseWarning`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParseWarningKind {
    /// An empty or whitespace-only line inside a line continuation (BuildKit's
    /// `NoEmptyContinuation`).
    EmptyContinuationLine,
}

/// A parsed Dockerfile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dockerfile {
    /// Parser directives (`# syntax=`, `# escape=`, `# check=`) that the main BuildKit parser
    /// recognised, in file order. Repeated ones are included (and reported as errors).
    pub directives: Vec<Directive>,
    /// The escape token in effect: `\` or `` ` ``.
    pub escape: char,
    /// Whether the text started with a UTF-8 byte-order mark (which all ranges include).
    pub has_bom: bool,
    /// The instructions, in file order.
    pub instructions: Vec<Instruction>,
    /// Every comment line outside heredoc bodies, including comment lines inside continuations
    /// and excluding directive lines, in file order.
    pub comments: Vec<Comment>,
}

impl Default for Dockerfile {
    fn default() -> Self {
        Self {
            directives: Vec::new(),
            escape: '\\',
            has_bom: false,
            instructions: Vec::new(),
            comments: Vec::new(),
        }
    }
}

/// A parser directive such as `# escape=\``.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// The key, lower-cased (`syntax`, `escape` or `check`).
    pub name: String,
    /// The key as written.
    pub name_range: TextRange,
    /// The value, with trailing whitespace removed (the whole value: readers that use only the
    /// part before the first space, like the `check` reader, cut it themselves).
    pub value: String,
    /// Where the value is.
    pub value_range: TextRange,
    /// The whole directive line, from `#` to the end of the value (no line ending).
    pub range: TextRange,
}

/// A comment line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The comment, from `#` to the end of the line (no line ending, no leading whitespace).
    pub range: TextRange,
    /// The text BuildKit records: after the `#`, trimmed. (BuildKit quirk: for an indented
    /// comment the `#` is kept, because BuildKit strips the first byte of the untrimmed line.)
    pub text: String,
}

/// The known instruction keywords, plus `Unknown`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    /// Any other word; the instructions layer rejects it (`unknown instruction: X`).
    Unknown,
}

impl Keyword {
    /// All known keywords (not `Unknown`).
    pub const ALL: [Keyword; 18] = [
        Keyword::Add,
        Keyword::Arg,
        Keyword::Cmd,
        Keyword::Copy,
        Keyword::Entrypoint,
        Keyword::Env,
        Keyword::Expose,
        Keyword::From,
        Keyword::Healthcheck,
        Keyword::Label,
        Keyword::Maintainer,
        Keyword::Onbuild,
        Keyword::Run,
        Keyword::Shell,
        Keyword::Stopsignal,
        Keyword::User,
        Keyword::Volume,
        Keyword::Workdir,
    ];

    /// Looks a keyword up case-insensitively, like BuildKit's `strings.ToLower(word)` lookup
    /// (which also maps a few non-ASCII letters, such as the Kelvin sign and `İ`, to ASCII).
    pub fn from_text(text: &str) -> Keyword {
        if text.len() > 11 * 3 {
            return Keyword::Unknown;
        }
        let found = |word: &str| {
            Self::ALL
                .into_iter()
                .find(|k| k.as_str().eq_ignore_ascii_case(word))
                .unwrap_or(Keyword::Unknown)
        };
        if text.is_ascii() {
            return found(text);
        }
        let lowered = crate::dump::go_to_lower(text);
        if lowered.is_ascii() {
            found(&lowered)
        } else {
            Keyword::Unknown
        }
    }

    /// The upper-case spelling (`"FROM"`); `"UNKNOWN"` for [`Keyword::Unknown`].
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
            Keyword::Unknown => "UNKNOWN",
        }
    }
}

/// One instruction (a logical line plus any heredoc bodies).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// The keyword.
    pub keyword: Keyword,
    /// The keyword exactly as written (`fRoM`), needed by casing rules and messages.
    pub keyword_text: String,
    /// Where the keyword is.
    pub keyword_range: TextRange,
    /// The whole instruction: from the keyword to the end of its last line (excluding the final
    /// line ending), covering continuation lines, comment lines inside them and heredoc bodies
    /// with their terminator lines (an unterminated heredoc body runs to the end of the file,
    /// line ending included). For an ONBUILD trigger: from the trigger keyword to the end of the
    /// ONBUILD instruction.
    pub range: TextRange,
    /// 1-based first physical line, as BuildKit's `StartLine`.
    pub start_line: u32,
    /// 1-based last physical line (inclusive), as BuildKit's `EndLine`: covers continuation
    /// lines and heredoc terminators.
    pub end_line: u32,
    /// BuildKit's `Original`: the logical line (continuations joined without separator,
    /// comment and empty lines inside removed), left-trimmed. Heredoc bodies are not included.
    pub original: String,
    /// Flags (`--name[=value]`) before the arguments.
    pub flags: Vec<Flag>,
    /// The arguments, in the form this instruction uses.
    pub args: Arguments,
    /// Heredocs (only RUN/COPY/ADD in shell form), in order of their `<<` words.
    pub heredocs: Vec<Heredoc>,
    /// For ONBUILD: the trigger instruction (with its own flags, arguments and heredocs; heredocs
    /// of an ONBUILD RUN are on the trigger, and also listed on the ONBUILD node like BuildKit).
    pub onbuild: Option<Box<Instruction>>,
    /// BuildKit's `PrevComment`: the comment lines directly before this instruction (see
    /// [`Comment::text`]); used for stage/ARG descriptions and per-instruction `# check=`.
    pub prev_comments: Vec<Comment>,
    /// Empty or whitespace-only lines inside this instruction's continuation (each without its
    /// line ending); non-empty means BuildKit warns `Empty continuation line found in: …`.
    pub empty_continuation_lines: Vec<TextRange>,
}

impl Instruction {
    /// Whether the arguments are in JSON (exec) form (BuildKit's `json` attribute).
    pub fn is_json(&self) -> bool {
        match &self.args {
            Arguments::Exec(_) => true,
            Arguments::Healthcheck(h) => matches!(h.command, Some(HealthcheckCommand::Exec(_))),
            _ => false,
        }
    }

    /// The flag named `name` (without the leading `--`), the last one if repeated.
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().rev().find(|f| f.name == name)
    }
}

/// A flag such as `--mount=type=cache,target=/root/.cache`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// The name without the leading `--` (quotes and escapes removed, like BuildKit).
    pub name: String,
    /// The value after the first `=`, with quotes and escapes removed; `None` when there is no
    /// `=` (a boolean flag like `--link`).
    pub value: Option<String>,
    /// The whole flag word as written, from `--` to the end of the word.
    pub range: TextRange,
    /// Where the value is (after `=`), as written (may include quote characters).
    pub value_range: Option<TextRange>,
}

impl Flag {
    /// The flag as BuildKit stores it: `--name` or `--name=value` (unquoted).
    pub fn to_buildkit_string(&self) -> String {
        match &self.value {
            Some(v) => format!("--{}={}", self.name, v),
            None => format!("--{}", self.name),
        }
    }
}

/// A word with its location. The value is what BuildKit stores for it (for JSON, the decoded
/// string; otherwise the text as written, with quotes and escapes kept unless stated otherwise).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The value.
    pub value: String,
    /// Where it is in the file (for a JSON string: including its quotes). A word interrupted by
    /// a line continuation covers the continuation too.
    pub range: TextRange,
}

/// An instruction's arguments, in the form its keyword uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arguments {
    /// JSON (exec) form of RUN, CMD, ENTRYPOINT, SHELL, ADD, COPY, VOLUME.
    Exec(ExecForm),
    /// Shell form of RUN, CMD, ENTRYPOINT, SHELL: the rest of the line as one string.
    Shell(ShellText),
    /// ENV and LABEL: key/value pairs (legacy `KEY value` or `k=v …`).
    KeyValues(KeyValueList),
    /// ARG: `NAME` or `NAME=default` words.
    Arg(Vec<KeyValue>),
    /// FROM: image, optional `AS name`.
    From(FromArgs),
    /// HEALTHCHECK: type word and command.
    Healthcheck(HealthcheckArgs),
    /// Everything else: a list of words as BuildKit splits them. ADD/COPY/VOLUME shell form and
    /// FROM/EXPOSE: split on whitespace without quote handling; USER, WORKDIR, MAINTAINER,
    /// STOPSIGNAL: one word holding the rest of the line; ONBUILD: empty (see
    /// [`Instruction::onbuild`]); unknown instructions: empty.
    Words(Vec<Word>),
}

/// A JSON exec-form argument list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecForm {
    /// The decoded array elements.
    pub words: Vec<Word>,
    /// The whole array, `[` to `]`.
    pub range: TextRange,
}

/// Shell-form text: exactly what BuildKit hands to the shell (continuations joined, comment and
/// empty lines inside removed), with a map back to file offsets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellText {
    /// The text.
    pub value: String,
    /// Maps offsets in `value` to file offsets.
    pub map: OffsetMap,
}

impl ShellText {
    /// The file range covered by the text.
    pub fn range(&self) -> TextRange {
        self.map
            .to_file_range(TextRange::new(TextSize::ZERO, TextSize::of(&self.value)))
    }
}

/// Maps offsets in a string built from pieces of the file (a logical line) back to file
/// offsets. Each piece is contiguous in the file; pieces are in increasing file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// `(offset in the string, offset in the file)` at the start of each piece, sorted.
    pieces: Vec<(TextSize, TextSize)>,
}

impl OffsetMap {
    /// A map for a string that is one contiguous piece of the file starting at `file_start`.
    pub fn contiguous(file_start: TextSize) -> Self {
        Self {
            pieces: vec![(TextSize::ZERO, file_start)],
        }
    }

    /// Builds a map from `(string offset, file offset)` piece starts. Pieces must be sorted by
    /// both offsets; out-of-order pieces are dropped.
    pub fn from_pieces(pieces: impl IntoIterator<Item = (TextSize, TextSize)>) -> Self {
        let mut out: Vec<(TextSize, TextSize)> = Vec::new();
        for (s, f) in pieces {
            match out.last() {
                Some(&(ls, lf)) if s < ls || f < lf || (f - lf) < (s - ls) => continue,
                Some(&(ls, _)) if s == ls => {
                    out.pop();
                }
                _ => {}
            }
            out.push((s, f));
        }
        // One map per shell-form instruction, kept for the whole lint: no growth slack.
        out.shrink_to_fit();
        Self { pieces: out }
    }

    /// The pieces, as `(string offset, file offset)` of each piece start.
    pub fn pieces(&self) -> &[(TextSize, TextSize)] {
        &self.pieces
    }

    /// The file offset of string offset `offset`. An offset at a piece boundary maps to the
    /// start of the next piece.
    pub fn to_file(&self, offset: TextSize) -> TextSize {
        let idx = self.pieces.partition_point(|&(s, _)| s <= offset);
        match idx.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some(&(s, f)) => f + (offset - s),
            None => self.pieces.first().map_or(offset, |&(_, f)| f),
        }
    }

    /// The file offset just after string offset `offset - 1` (for range ends: an offset at a
    /// piece boundary maps to the end of the previous piece, not the start of the next).
    pub fn to_file_end(&self, offset: TextSize) -> TextSize {
        let idx = self.pieces.partition_point(|&(s, _)| s < offset);
        match idx.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some(&(s, f)) => f + (offset - s),
            None => self.pieces.first().map_or(offset, |&(_, f)| f),
        }
    }

    /// Maps a range in the string to the file range that covers it (including any continuation
    /// markers and skipped lines in between).
    pub fn to_file_range(&self, range: TextRange) -> TextRange {
        let start = self.to_file(range.start());
        if range.is_empty() {
            return TextRange::empty(start);
        }
        let end = self.to_file_end(range.end()).max(start);
        TextRange::new(start, end)
    }
}

/// ENV or LABEL pairs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValueList {
    /// Whether this is the legacy `KEY value` form (one pair, value = rest of the line).
    pub legacy: bool,
    /// The pairs.
    pub pairs: Vec<KeyValue>,
}

/// A `key=value` (or legacy `key value`, or ARG `NAME`) pair. Key and value keep their quotes
/// and escapes as written; quote removal happens at expansion time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    /// The key.
    pub key: String,
    /// Where the key is.
    pub key_range: TextRange,
    /// The value; `None` for an ARG without default (or a broken ENV/LABEL with no value).
    /// `Some("")` for `NAME=`.
    pub value: Option<String>,
    /// Where the value is (empty range after `=` for `NAME=`).
    pub value_range: Option<TextRange>,
    /// The whole word (or for the legacy form, key through value).
    pub range: TextRange,
}

/// FROM arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FromArgs {
    /// The image reference as written (not expanded). `None` for a bare `FROM`.
    pub image: Option<Word>,
    /// The `AS` keyword as written, when there are three words.
    pub as_keyword: Option<Word>,
    /// The stage name as written (not lower-cased), when there are three words.
    pub stage_name: Option<Word>,
    /// All words as BuildKit splits them (the instructions layer requires 1 or 3, with the
    /// second being `AS` case-insensitively).
    pub words: Vec<Word>,
}

/// HEALTHCHECK arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HealthcheckArgs {
    /// The type word as written (`CMD`, `NONE`, or anything else); `None` for bare HEALTHCHECK.
    pub kind: Option<Word>,
    /// The command after the type word; `None` when there is none.
    pub command: Option<HealthcheckCommand>,
}

/// A HEALTHCHECK command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HealthcheckCommand {
    /// JSON form.
    Exec(ExecForm),
    /// Shell form.
    Shell(ShellText),
}

/// A heredoc (`<<EOF` … `EOF`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter after unquoting (`EOF`, or `one two` for `<<'one two'`).
    pub name: String,
    /// The file descriptor digits before `<<` (`3<<EOF`), if any.
    pub fd: Option<u32>,
    /// `<<-`: leading tabs are stripped from the terminator test now and from body lines later.
    pub strip_tabs: bool,
    /// Whether the delimiter had quotes, which turns variable expansion of the body off.
    pub quoted: bool,
    /// The body verbatim (all lines up to the terminator, with their line endings; chomping not
    /// applied).
    pub body: String,
    /// Where the body is in the file (contiguous).
    pub body_range: TextRange,
    /// The `<<EOF` word in the instruction line.
    pub range: TextRange,
    /// The terminator line (without line ending); `None` when unterminated.
    pub terminator_range: Option<TextRange>,
}

impl Heredoc {
    /// Whether the body is variable-expanded (no quotes in the delimiter).
    pub fn expand(&self) -> bool {
        !self.quoted
    }

    /// The body as BuildKit's instructions layer uses it: for `<<-`, leading tabs removed from
    /// every line; otherwise the body unchanged.
    pub fn content(&self) -> std::borrow::Cow<'_, str> {
        if !self.strip_tabs {
            return std::borrow::Cow::Borrowed(&self.body);
        }
        let mut out = String::with_capacity(self.body.len());
        for line in self.body.split_inclusive('\n') {
            out.push_str(line.trim_start_matches('\t'));
        }
        std::borrow::Cow::Owned(out)
    }
}
