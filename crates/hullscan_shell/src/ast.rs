//! The shell syntax tree: a script is a sequence of lists, a list joins pipelines with `&&`/`||`,
//! a pipeline joins commands with `|`, and a command is simple (words, assignments, redirects) or
//! compound (subshell, brace group, `if`, `for`, `while`/`until`, `case`, function definition).
//!
//! Every node carries a [`TextRange`] into the script text it was parsed from. Nodes borrow that
//! text (`'src`), so a word's cooked value is usually a slice of the script rather than a copy.

use std::borrow::Cow;

use hullscan_text::{Ranged, TextRange};
use smallvec::SmallVec;

/// The parts of a word (or of a double-quoted string).
pub type WordParts<'src> = SmallVec<[WordPart<'src>; 1]>;

/// A parsed script: its top-level lists, every heredoc body, and the syntax errors met on the way.
///
/// A script with errors still holds every command the parser could recover around them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script<'src> {
    pub source: &'src str,
    pub body: Block<'src>,
    /// Heredoc bodies in the order their `<<` operators appear; [`Redirect::heredoc`] indexes here.
    pub heredocs: Vec<Heredoc>,
    pub errors: Vec<ParseError>,
}

impl<'src> Script<'src> {
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The body of a `<<` redirect, if `redirect` is a heredoc of this script.
    pub fn heredoc(&self, redirect: &Redirect<'src>) -> Option<&Heredoc> {
        redirect.heredoc.and_then(|index| self.heredocs.get(index))
    }

    /// The source text of `range`.
    pub fn text(&self, range: TextRange) -> &'src str {
        &self.source[range.to_range()]
    }
}

/// A sequence of lists, such as a script, a `then` branch or the inside of `( … )`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Block<'src> {
    pub lists: Vec<List<'src>>,
    pub range: TextRange,
}

/// Pipelines joined by `&&` / `||`, ended by `;`, `&`, a newline or the end of the enclosing block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List<'src> {
    /// Never empty.
    pub pipelines: Vec<Pipeline<'src>>,
    /// `connectors[i]` joins `pipelines[i]` and `pipelines[i + 1]`.
    pub connectors: Vec<Connector>,
    pub terminator: Option<Terminator>,
    /// Covers the pipelines, not the terminator.
    pub range: TextRange,
}

impl List<'_> {
    /// True when the list ends with `&` (runs in the background).
    pub fn is_background(&self) -> bool {
        matches!(self.terminator, Some(Terminator::Ampersand(_)))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    /// `&&`
    And(TextRange),
    /// `||`
    Or(TextRange),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Terminator {
    Semicolon(TextRange),
    Ampersand(TextRange),
    Newline(TextRange),
}

/// Commands joined by `|` or `|&`, optionally negated with `!`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline<'src> {
    pub negated: bool,
    /// Never empty.
    pub commands: Vec<Command<'src>>,
    pub range: TextRange,
}

/// One command of a pipeline with the redirects that apply to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command<'src> {
    pub kind: CommandKind<'src>,
    /// For a simple command, every redirect among its words; for a compound command, the
    /// redirects after its closing keyword.
    pub redirects: Vec<Redirect<'src>>,
    pub range: TextRange,
}

impl<'src> Command<'src> {
    pub fn as_simple(&self) -> Option<&SimpleCommand<'src>> {
        match &self.kind {
            CommandKind::Simple(simple) => Some(simple),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandKind<'src> {
    Simple(SimpleCommand<'src>),
    /// `( … )`
    Subshell(Block<'src>),
    /// `{ …; }`
    BraceGroup(Block<'src>),
    If(IfCommand<'src>),
    For(ForCommand<'src>),
    /// `while` or `until`. This and the next two are boxed: they are rare and the largest
    /// kinds, and every simple command would otherwise take their size.
    While(Box<WhileCommand<'src>>),
    Case(Box<CaseCommand<'src>>),
    Function(Box<FunctionDef<'src>>),
    /// `[[ … ]]`: the words between the brackets, operators included as words.
    Test(Vec<Word<'src>>),
    /// `(( … ))`: the expression text is not parsed further.
    Arithmetic(TextRange),
}

/// Assignments, then a command name and its arguments (all optional, but at least one of them,
/// or a redirect, is present).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimpleCommand<'src> {
    pub assignments: Vec<Assignment<'src>>,
    /// The command name (`words[0]`) and its arguments.
    pub words: Vec<Word<'src>>,
    pub range: TextRange,
}

impl<'src> SimpleCommand<'src> {
    /// The first word, as written (after quote removal): `/usr/bin/sudo`, not `sudo`.
    /// See [`crate::Invocation`] for the name with wrappers and paths stripped.
    pub fn name_word(&self) -> Option<&Word<'src>> {
        self.words.first()
    }

    pub fn args(&self) -> &[Word<'src>] {
        self.words.get(1..).unwrap_or(&[])
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IfCommand<'src> {
    /// The `if` branch first, then each `elif`.
    pub branches: Vec<IfBranch<'src>>,
    pub else_body: Option<Block<'src>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IfBranch<'src> {
    pub condition: Block<'src>,
    pub body: Block<'src>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForCommand<'src> {
    /// The loop variable; empty range for an arithmetic `for ((…))` loop.
    pub variable: TextRange,
    /// The words after `in`; `None` when there is no `in` (loops over `"$@"`) or for `for ((…))`.
    pub items: Option<Vec<Word<'src>>>,
    pub body: Block<'src>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhileCommand<'src> {
    pub until: bool,
    pub condition: Block<'src>,
    pub body: Block<'src>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseCommand<'src> {
    pub subject: Word<'src>,
    pub arms: Vec<CaseArm<'src>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseArm<'src> {
    pub patterns: Vec<Word<'src>>,
    pub body: Block<'src>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionDef<'src> {
    pub name: Word<'src>,
    pub body: Box<Command<'src>>,
}

/// `NAME=value`, `NAME+=value` or `NAME=(array items)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment<'src> {
    pub name: &'src str,
    pub append: bool,
    /// The value after `=`, with quoting parts; empty for `NAME=`.
    pub value: Word<'src>,
    pub range: TextRange,
}

/// A redirect such as `>file`, `2>&1`, `<<EOF` or `&>/dev/null`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect<'src> {
    /// The explicit file descriptor (`2` in `2>&1`), if written.
    pub fd: Option<u32>,
    pub op: RedirectOp,
    /// The file, descriptor or heredoc delimiter word.
    pub target: Word<'src>,
    /// Index into [`Script::heredocs`] for `<<` and `<<-`.
    pub heredoc: Option<usize>,
    pub range: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RedirectOp {
    /// `<`
    Input,
    /// `>`
    Output,
    /// `>>`
    Append,
    /// `>|`
    Clobber,
    /// `<>`
    ReadWrite,
    /// `<&`
    DupInput,
    /// `>&`
    DupOutput,
    /// `&>`
    OutputAll,
    /// `&>>`
    AppendAll,
    /// `<<`
    Heredoc,
    /// `<<-`
    HeredocStripTabs,
    /// `<<<`
    HereString,
}

impl RedirectOp {
    pub fn as_str(self) -> &'static str {
        match self {
            RedirectOp::Input => "<",
            RedirectOp::Output => ">",
            RedirectOp::Append => ">>",
            RedirectOp::Clobber => ">|",
            RedirectOp::ReadWrite => "<>",
            RedirectOp::DupInput => "<&",
            RedirectOp::DupOutput => ">&",
            RedirectOp::OutputAll => "&>",
            RedirectOp::AppendAll => "&>>",
            RedirectOp::Heredoc => "<<",
            RedirectOp::HeredocStripTabs => "<<-",
            RedirectOp::HereString => "<<<",
        }
    }

    /// True for redirects that write to their target file.
    pub fn writes_file(self) -> bool {
        matches!(
            self,
            RedirectOp::Output
                | RedirectOp::Append
                | RedirectOp::Clobber
                | RedirectOp::OutputAll
                | RedirectOp::AppendAll
                | RedirectOp::ReadWrite
        )
    }
}

/// A heredoc body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter after quote removal (`EOF` for `<<'EOF'`).
    pub delimiter: String,
    /// A quoted delimiter turns off expansion in the body.
    pub quoted: bool,
    pub strip_tabs: bool,
    /// The body lines, from the line after the `<<` operator's line up to (not including) the
    /// closing delimiter line.
    pub body: TextRange,
    /// The closing delimiter line, or `None` when the body runs to the end of the script.
    pub closing: Option<TextRange>,
}

/// One shell word with its quoting and expansion parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word<'src> {
    /// Most words are one part, stored inline (no allocation).
    pub parts: WordParts<'src>,
    /// The word after quote removal, with expansions kept as written (`${HOME}/bin` stays
    /// `${HOME}/bin`). This is the form lint rules compare: nothing is expanded.
    pub value: Cow<'src, str>,
    pub range: TextRange,
}

impl<'src> Word<'src> {
    pub fn value(&self) -> &str {
        &self.value
    }

    /// True when the word has no expansion (`$x`, `$(…)`, backticks, arithmetic) in it: its
    /// [`value`](Self::value) is exactly what the shell would pass, before globbing.
    pub fn is_static(&self) -> bool {
        self.parts.iter().all(WordPart::is_static)
    }

    /// True when any part of the word is quoted (`'…'`, `"…"`, `$'…'`) or backslash-escaped.
    pub fn is_quoted(&self) -> bool {
        self.parts.iter().any(|part| match part {
            WordPart::SingleQuoted { .. } | WordPart::DoubleQuoted { .. } => true,
            WordPart::Literal { escaped, .. } => *escaped,
            _ => false,
        })
    }

    /// True when an unquoted glob character (`*`, `?`, `[…]`) is in the word.
    pub fn has_glob(&self) -> bool {
        self.parts
            .iter()
            .any(|part| matches!(part, WordPart::Glob { .. }))
    }

    /// The parameter names this word expands (`HOME` for `${HOME:-/root}`), including those
    /// inside double quotes.
    pub fn parameters(&self) -> Vec<&'src str> {
        fn walk<'src>(parts: &[WordPart<'src>], out: &mut Vec<&'src str>) {
            for part in parts {
                match part {
                    WordPart::Parameter { name, .. } => out.push(name),
                    WordPart::DoubleQuoted { parts, .. } => walk(parts, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.parts, &mut out);
        out
    }

    /// The commands run by `$(…)`, backticks and `<(…)` inside this word.
    pub fn substitutions(&self) -> Vec<&Block<'src>> {
        fn walk<'a, 'src>(parts: &'a [WordPart<'src>], out: &mut Vec<&'a Block<'src>>) {
            for part in parts {
                match part {
                    WordPart::CommandSubstitution { body, .. }
                    | WordPart::ProcessSubstitution { body, .. } => out.push(body),
                    WordPart::DoubleQuoted { parts, .. } => walk(parts, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.parts, &mut out);
        out
    }
}

impl Ranged for Word<'_> {
    fn range(&self) -> TextRange {
        self.range
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WordPart<'src> {
    /// Unquoted text. `escaped` is set when it contains a backslash escape.
    Literal { range: TextRange, escaped: bool },
    /// `'…'` or `$'…'` (range includes the quotes).
    SingleQuoted { range: TextRange, ansi_c: bool },
    /// `"…"` with its inner parts (literals, parameters, substitutions).
    DoubleQuoted {
        range: TextRange,
        parts: Vec<WordPart<'src>>,
    },
    /// `$NAME`, `${NAME}`, `${NAME:-default}`, `$1`, `$@`, …; `name` is the parameter's name.
    Parameter {
        range: TextRange,
        name: &'src str,
        braced: bool,
    },
    /// `$(…)` or `` `…` ``.
    CommandSubstitution {
        range: TextRange,
        body: Block<'src>,
        backtick: bool,
    },
    /// `<(…)` or `>(…)`.
    ProcessSubstitution { range: TextRange, body: Block<'src> },
    /// `$((…))` (or the obsolete `$[…]`).
    Arithmetic { range: TextRange },
    /// An unquoted `*`, `?` or `[…]`.
    Glob { range: TextRange },
}

impl WordPart<'_> {
    pub fn range(&self) -> TextRange {
        match self {
            WordPart::Literal { range, .. }
            | WordPart::SingleQuoted { range, .. }
            | WordPart::DoubleQuoted { range, .. }
            | WordPart::Parameter { range, .. }
            | WordPart::CommandSubstitution { range, .. }
            | WordPart::ProcessSubstitution { range, .. }
            | WordPart::Arithmetic { range }
            | WordPart::Glob { range } => *range,
        }
    }

    fn is_static(&self) -> bool {
        match self {
            WordPart::Literal { .. } | WordPart::SingleQuoted { .. } | WordPart::Glob { .. } => {
                true
            }
            WordPart::DoubleQuoted { parts, .. } => parts.iter().all(WordPart::is_static),
            WordPart::Parameter { .. }
            | WordPart::CommandSubstitution { .. }
            | WordPart::ProcessSubstitution { .. }
            | WordPart::Arithmetic { .. } => false,
        }
    }
}

/// A syntax error, with the range it was found at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub range: TextRange,
    pub message: String,
}

macro_rules! impl_ranged {
    ($($ty:ident),*) => {
        $(impl Ranged for $ty<'_> {
            fn range(&self) -> TextRange {
                self.range
            }
        })*
    };
}
impl_ranged!(
    Block,
    List,
    Pipeline,
    Command,
    SimpleCommand,
    Assignment,
    Redirect
);

impl Ranged for ParseError {
    fn range(&self) -> TextRange {
        self.range
    }
}
