//! BuildKit's shell-word lexer: variable expansion, quote removal and word splitting.
//!
//! This reproduces the behaviour of BuildKit's `frontend/dockerfile/shell` package (Dockerfile
//! frontend 1.26), which the builder uses to expand `$VAR` / `${VAR…}` in instructions such as
//! FROM, ENV, ARG, COPY and WORKDIR. It is a re-implementation from the behaviour (spec §1.13 and
//! the upstream test tables), including the quirks that decide what a real build does:
//!
//! - an escape token before an ordinary character inside double quotes is kept;
//! - `${v#p}` / `${v%p}` / `${v/p/r}` patterns are read with escapes kept raw, and the pattern is
//!   a glob whose `*` and `?` do not match a newline (BuildKit compiles it to a Go regexp);
//! - `${v//p/r}` expands `$0` / `${0}` in the replacement to the matched text, because BuildKit
//!   passes the replacement to Go's `ReplaceAllString`;
//! - every lookup of an unset name counts as *unmatched*, even under `${v:-default}`;
//! - in word-splitting mode, an expansion with a modifier (`${v:-x}`, `${v#p}`, ...) discards the
//!   part of the current word that was collected before it, because BuildKit's nested scan resets
//!   a buffer it shares with the outer scan. `ProcessWords` is only used for EXPOSE, so this
//!   rarely shows, but a build sees exactly this.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::BuildHasher;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use regex::Regex;
use unicode_general_category::{GeneralCategory, get_general_category};

/// A source of variable values for expansion.
///
/// `lookup` returns `None` for an unset variable and `Some("")` for one that is set but empty;
/// the difference matters for `${v-x}` vs `${v:-x}` and for the unmatched set.
pub trait Env {
    /// The value of `name`, if it is set.
    fn lookup(&self, name: &str) -> Option<&str>;
}

impl<E: Env + ?Sized> Env for &E {
    fn lookup(&self, name: &str) -> Option<&str> {
        (**self).lookup(name)
    }
}

impl<S: BuildHasher> Env for HashMap<String, String, S> {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

impl Env for BTreeMap<String, String> {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

/// `(name, value)` pairs; when a name repeats, the last pair wins (like a Go env slice).
impl<K: AsRef<str>, V: AsRef<str>> Env for [(K, V)] {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.iter()
            .rev()
            .find(|(k, _)| k.as_ref() == name)
            .map(|(_, v)| v.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Env for Vec<(K, V)> {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.as_slice().lookup(name)
    }
}

/// An environment in which nothing is set.
#[derive(Clone, Copy, Debug, Default)]
pub struct EmptyEnv;

impl Env for EmptyEnv {
    fn lookup(&self, _name: &str) -> Option<&str> {
        None
    }
}

/// The lexer's switches, mirroring BuildKit's `Lex` fields. The builder uses the defaults for
/// instruction expansion; the other combinations exist for heredoc handling.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LexOptions {
    /// Keep quote characters in the output (they still group words).
    pub raw_quotes: bool,
    /// Keep escape tokens in the output.
    pub raw_escapes: bool,
    /// Treat `'` and `"` as ordinary characters.
    pub skip_process_quotes: bool,
    /// Leave references to unset variables as written (`$X`, `${X}`, `${X:-d}`) instead of
    /// expanding them.
    pub skip_unset_env: bool,
}

/// The result of expanding one word ([`Lexer::process_word`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expansion<'s> {
    /// The expanded text (borrowed when the word needed no processing).
    pub value: Cow<'s, str>,
    /// Names that were looked up and found, in first-lookup order, without repeats.
    pub matched: Vec<&'s str>,
    /// Names that were looked up and not found, in first-lookup order, without repeats. BuildKit's
    /// UndefinedVar and UndefinedArgInFrom checks are built on this set.
    pub unmatched: Vec<&'s str>,
}

/// What went wrong in an expansion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExpandErrorKind {
    /// `'…` without its closing quote.
    UnterminatedSingleQuote,
    /// `"…` without its closing quote.
    UnterminatedDoubleQuote,
    /// `${…` without its closing brace.
    MissingBrace,
    /// `${v/p` without the `/` that ends the pattern.
    MissingSlash,
    /// `${}`, `${{…` or `${:…`.
    BadSubstitution,
    /// A modifier BuildKit does not implement (`${v:=x}`, `${v:#p}`, `${v:1}`, `${v^^}`, ...).
    UnsupportedModifier,
    /// `${v?msg}` / `${v:?msg}` with `v` unset (or empty).
    Required,
    /// A `#`, `%` or `/` pattern with a bad escape.
    InvalidPattern,
    /// `${…}` nested deeper than [`MAX_NESTING`] (hullscan's limit; BuildKit has none, but no
    /// real Dockerfile comes near it and unbounded recursion could overflow the stack).
    NestingTooDeep,
    /// The expansion would exceed [`MAX_EXPANSION_LEN`], or the lexer's total budget
    /// ([`MAX_TOTAL_EXPANSION`]) is spent (hullscan's limits; BuildKit has none).
    TooLarge,
}

/// How deeply `${v:-${w:-…}}` expansions may nest.
pub const MAX_NESTING: u32 = 128;

/// How many bytes one expansion may add to its word (hullscan's limit; BuildKit has none).
/// `ENV a1=${a0}${a0}`, `ENV a2=${a1}${a1}`, … doubles at every line, so without a cap 60 short
/// lines ask for exabytes.
pub const MAX_EXPANSION_LEN: usize = 1 << 20;

/// How many bytes all the expansions of one lexer (one file's model and the rules asking it)
/// may add in total; past that, expansions that would grow their word fail with
/// [`ExpandErrorKind::TooLarge`]. This keeps the work linear in the file however often a large
/// value is used.
pub const MAX_TOTAL_EXPANSION: usize = 32 << 20;

/// An expansion failure, with BuildKit's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpandError {
    /// Which kind of failure.
    pub kind: ExpandErrorKind,
    /// BuildKit's inner message, e.g. `syntax error: missing '}'` or `VAR: is not allowed to be
    /// unset`.
    pub detail: String,
    /// The word that was being expanded.
    pub word: String,
}

impl fmt::Display for ExpandError {
    /// BuildKit's full message: `failed to process "<word>": <detail>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "failed to process {}: {}",
            go_quote(&self.word),
            self.detail
        )
    }
}

impl std::error::Error for ExpandError {}

/// A failure inside the scan, before it is tied to the word.
#[derive(Debug)]
struct Failure {
    kind: ExpandErrorKind,
    detail: String,
}

impl Failure {
    fn new(kind: ExpandErrorKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
        }
    }

    fn missing_brace() -> Self {
        Self::new(ExpandErrorKind::MissingBrace, "syntax error: missing '}'")
    }

    fn unsupported(modifier: &str) -> Self {
        Self::new(
            ExpandErrorKind::UnsupportedModifier,
            format!("unsupported modifier ({modifier}) in substitution"),
        )
    }
}

/// BuildKit's shell lexer for one escape token.
///
/// Clones share one expansion budget ([`MAX_TOTAL_EXPANSION`] bytes of growth in total).
#[derive(Clone, Debug)]
pub struct Lexer {
    escape: char,
    options: LexOptions,
    budget: Arc<AtomicUsize>,
}

impl PartialEq for Lexer {
    fn eq(&self, other: &Self) -> bool {
        self.escape == other.escape && self.options == other.options
    }
}

impl Eq for Lexer {}

impl Default for Lexer {
    fn default() -> Self {
        Self::new('\\')
    }
}

impl Lexer {
    /// A lexer with BuildKit's default options and the given escape token (`\` or `` ` ``).
    pub fn new(escape: char) -> Self {
        Self::with_options(escape, LexOptions::default())
    }

    /// A lexer with explicit options.
    pub fn with_options(escape: char, options: LexOptions) -> Self {
        Self {
            escape,
            options,
            budget: Arc::new(AtomicUsize::new(MAX_TOTAL_EXPANSION)),
        }
    }

    /// The same lexer with its own budget of `bytes` of growth in total.
    pub fn with_budget(mut self, bytes: usize) -> Self {
        self.budget = Arc::new(AtomicUsize::new(bytes));
        self
    }

    /// How many bytes of growth the budget has left.
    pub fn remaining_budget(&self) -> usize {
        self.budget.load(Ordering::Relaxed)
    }

    /// How much `word` may grow in one expansion: the per-word cap or what is left of the
    /// budget, whichever is smaller.
    fn growth_allowed(&self) -> usize {
        self.remaining_budget().min(MAX_EXPANSION_LEN)
    }

    /// Charges `bytes` to the budget (saturating at zero).
    fn charge(&self, bytes: usize) {
        if bytes == 0 {
            return;
        }
        let _ = self
            .budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                Some(left.saturating_sub(bytes))
            });
    }

    /// Charges a finished scan: the growth of a result, or the whole allowance of a scan that
    /// stopped because it grew too large (so repeated failures cannot redo that work forever).
    fn settle<T>(
        &self,
        word: &str,
        allowed: usize,
        outcome: &Result<T, Failure>,
        len: impl Fn(&T) -> usize,
    ) {
        match outcome {
            Ok(value) => self.charge(len(value).saturating_sub(word.len())),
            Err(failure) if failure.kind == ExpandErrorKind::TooLarge => self.charge(allowed),
            Err(_) => {}
        }
    }

    /// The escape token.
    pub fn escape(&self) -> char {
        self.escape
    }

    /// The options.
    pub fn options(&self) -> LexOptions {
        self.options
    }

    /// Expands `word` into one string (BuildKit's `ProcessWord` / `ProcessWordWithMatches`),
    /// recording which variables were and were not found.
    pub fn process_word<'s, E: Env + ?Sized>(
        &self,
        word: &'s str,
        env: &E,
    ) -> Result<Expansion<'s>, ExpandError> {
        if !self.needs_processing(word) {
            return Ok(Expansion {
                value: Cow::Borrowed(word),
                matched: Vec::new(),
                unmatched: Vec::new(),
            });
        }
        let allowed = self.growth_allowed();
        let mut scan = Scan::new(word, self, env, true, false);
        scan.limit = word.len().saturating_add(allowed);
        let outcome = scan.process_stop_on(None, self.options.raw_escapes);
        self.settle(word, allowed, &outcome, |(value, _)| value.len());
        match outcome {
            Ok((value, _)) => Ok(Expansion {
                value: Cow::Owned(value),
                matched: scan.matched,
                unmatched: scan.unmatched,
            }),
            Err(failure) => Err(ExpandError {
                kind: failure.kind,
                detail: failure.detail,
                word: word.to_owned(),
            }),
        }
    }

    /// Expands `word` and splits the result into words (BuildKit's `ProcessWords`): text that
    /// came from an unquoted expansion or unquoted source is split on whitespace; quoted text and
    /// escaped characters are not.
    pub fn process_words<E: Env + ?Sized>(
        &self,
        word: &str,
        env: &E,
    ) -> Result<Vec<String>, ExpandError> {
        if !self.needs_processing(word) {
            return Ok(word.split_whitespace().map(str::to_owned).collect());
        }
        let allowed = self.growth_allowed();
        let mut scan = Scan::new(word, self, env, false, true);
        scan.limit = word.len().saturating_add(allowed);
        let outcome = scan.process_stop_on(None, self.options.raw_escapes);
        self.settle(word, allowed, &outcome, |(_, words)| {
            words.iter().map(String::len).sum()
        });
        outcome
            .map(|(_, words)| words)
            .map_err(|failure| ExpandError {
                kind: failure.kind,
                detail: failure.detail,
                word: word.to_owned(),
            })
    }

    /// Whether `word` contains anything the lexer would change. Words without `$`, quotes, `<`,
    /// escape tokens or a leading BOM come out unchanged, which is the common case and worth
    /// not allocating for.
    fn needs_processing(&self, word: &str) -> bool {
        word.starts_with('\u{FEFF}')
            || word
                .bytes()
                .any(|b| matches!(b, b'$' | b'\'' | b'"' | b'<' | b'\\' | b'`'))
            || (!self.escape.is_ascii() && word.contains(self.escape))
    }
}

/// Word-splitting state of one scan level. The text of the word being built lives in
/// [`Scan::words_buf`], which all levels share (see the module docs for why).
struct Words {
    /// Off for single-word expansion, where the split words are not wanted.
    enabled: bool,
    list: Vec<String>,
    in_word: bool,
}

impl Words {
    fn new(enabled: bool) -> Self {
        Self {
            enabled,
            list: Vec::new(),
            in_word: false,
        }
    }

    fn add_char(&mut self, buf: &mut String, ch: char) {
        if !self.enabled {
            return;
        }
        if ch.is_whitespace() {
            if self.in_word && !buf.is_empty() {
                self.list.push(std::mem::take(buf));
                self.in_word = false;
            }
        } else {
            self.add_raw_char(buf, ch);
        }
    }

    fn add_raw_char(&mut self, buf: &mut String, ch: char) {
        if !self.enabled {
            return;
        }
        buf.push(ch);
        self.in_word = true;
    }

    fn add_string(&mut self, buf: &mut String, text: &str) {
        if !self.enabled {
            return;
        }
        for ch in text.chars() {
            self.add_char(buf, ch);
        }
    }

    fn add_raw_string(&mut self, buf: &mut String, text: &str) {
        if !self.enabled {
            return;
        }
        buf.push_str(text);
        self.in_word = true;
    }

    fn finish(mut self, buf: &mut String) -> Vec<String> {
        if !buf.is_empty() {
            self.list.push(std::mem::take(buf));
        }
        self.list
    }
}

/// One expansion in progress: a rune scanner over the word plus the lexer state.
struct Scan<'s, 'e, E: ?Sized> {
    src: &'s str,
    pos: usize,
    escape: char,
    options: LexOptions,
    raw_escapes: bool,
    env: &'e E,
    capture: bool,
    want_words: bool,
    matched: Vec<&'s str>,
    unmatched: Vec<&'s str>,
    words_buf: String,
    /// Current `$` nesting depth.
    depth: u32,
    /// The most bytes any text built by this scan may hold.
    limit: usize,
}

impl<'s, 'e, E: Env + ?Sized> Scan<'s, 'e, E> {
    fn new(src: &'s str, lexer: &Lexer, env: &'e E, capture: bool, want_words: bool) -> Self {
        // Go's text/scanner silently skips a byte-order mark at the very start.
        let pos = if src.starts_with('\u{FEFF}') { 3 } else { 0 };
        Self {
            src,
            pos,
            escape: lexer.escape,
            options: lexer.options,
            raw_escapes: lexer.options.raw_escapes,
            env,
            capture,
            want_words,
            matched: Vec::new(),
            unmatched: Vec::new(),
            words_buf: String::new(),
            depth: 0,
            limit: usize::MAX,
        }
    }

    /// Fails when text of `len` bytes would pass the scan's limit.
    fn check_len(&self, len: usize) -> Result<(), Failure> {
        if len > self.limit {
            return Err(Failure::new(
                ExpandErrorKind::TooLarge,
                format!(
                    "expansion too large: over hullscan's limit of {} MiB per word ({} MiB per file)",
                    MAX_EXPANSION_LEN >> 20,
                    MAX_TOTAL_EXPANSION >> 20
                ),
            ));
        }
        Ok(())
    }

    /// A variable's value, unless it alone passes the limit (checked before copying it).
    fn get_env_checked(&mut self, name: &'s str) -> Result<Option<&'e str>, Failure> {
        let value = self.get_env(name);
        if let Some(value) = value {
            self.check_len(value.len())?;
        }
        Ok(value)
    }

    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let ch = self.peek()?;
        self.pos += ch.len_utf8();
        Some(ch)
    }

    fn get_env(&mut self, name: &'s str) -> Option<&'e str> {
        let value = self.env.lookup(name);
        if self.capture {
            let set = if value.is_some() {
                &mut self.matched
            } else {
                &mut self.unmatched
            };
            if !set.contains(&name) {
                set.push(name);
            }
        }
        value
    }

    /// Scans until `stop` (consumed) or the end of the word; `stop = None` means the end.
    /// Returns the expanded text and, when words are wanted, the split words.
    fn process_stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Result<(String, Vec<String>), Failure> {
        let saved = self.raw_escapes;
        self.raw_escapes = raw_escapes;
        let out = self.scan_until(stop);
        self.raw_escapes = saved;
        out
    }

    fn scan_until(&mut self, stop: Option<char>) -> Result<(String, Vec<String>), Failure> {
        let mut result = String::new();
        self.words_buf.clear();
        let mut words = Words::new(self.want_words);
        let quotes = !self.options.skip_process_quotes;
        while let Some(ch) = self.peek() {
            if stop == Some(ch) {
                self.next();
                let list = words.finish(&mut self.words_buf);
                return Ok((result, list));
            }
            let special = match ch {
                '$' => Some(self.process_dollar()?),
                '<' => Some(self.process_possible_heredoc()),
                '\'' if quotes => Some(self.process_single_quote()?),
                '"' if quotes => Some(self.process_double_quote()?),
                _ => None,
            };
            if let Some(text) = special {
                self.check_len(result.len() + text.len())?;
                self.check_len(self.words_buf.len() + text.len())?;
                result.push_str(&text);
                if ch == '$' {
                    words.add_string(&mut self.words_buf, &text);
                } else {
                    words.add_raw_string(&mut self.words_buf, &text);
                }
                continue;
            }
            self.next();
            let mut ch = ch;
            if ch == self.escape {
                if self.raw_escapes {
                    words.add_raw_char(&mut self.words_buf, ch);
                    result.push(ch);
                }
                // The escape token escapes the next character; a trailing one is dropped.
                match self.next() {
                    Some(escaped) => {
                        ch = escaped;
                        words.add_raw_char(&mut self.words_buf, ch);
                    }
                    None => break,
                }
            } else {
                words.add_char(&mut self.words_buf, ch);
            }
            result.push(ch);
        }
        if let Some(stop) = stop {
            return Err(Failure::new(
                if stop == '/' {
                    ExpandErrorKind::MissingSlash
                } else {
                    ExpandErrorKind::MissingBrace
                },
                format!("unexpected end of statement while looking for matching {stop}"),
            ));
        }
        let list = words.finish(&mut self.words_buf);
        Ok((result, list))
    }

    fn process_single_quote(&mut self) -> Result<String, Failure> {
        let mut result = String::new();
        let open = self.next();
        if self.options.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.next() {
                None => {
                    return Err(Failure::new(
                        ExpandErrorKind::UnterminatedSingleQuote,
                        "unexpected end of statement while looking for matching single-quote",
                    ));
                }
                Some('\'') => {
                    if self.options.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(ch) => result.push(ch),
            }
        }
    }

    fn process_double_quote(&mut self) -> Result<String, Failure> {
        let mut result = String::new();
        let open = self.next();
        if self.options.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.peek() {
                None => {
                    return Err(Failure::new(
                        ExpandErrorKind::UnterminatedDoubleQuote,
                        "unexpected end of statement while looking for matching double-quote",
                    ));
                }
                Some('"') => {
                    self.next();
                    if self.options.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let value = self.process_dollar()?;
                    self.check_len(result.len() + value.len())?;
                    result.push_str(&value);
                }
                Some(mut ch) => {
                    self.next();
                    if ch == self.escape {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            // A trailing escape is dropped; the loop then reports the missing quote.
                            None => continue,
                            // Only `"`, `$` and the escape token itself can be escaped; before
                            // anything else the escape token stays.
                            Some(next) if next == '"' || next == '$' || next == self.escape => {
                                self.next();
                                ch = next;
                            }
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    fn process_possible_heredoc(&mut self) -> String {
        self.next();
        if self.peek() != Some('<') {
            return "<".to_owned();
        }
        self.next();
        let mut result = "<<".to_owned();
        while let Some(ch @ ('\t' | '\r' | ' ')) = self.peek() {
            result.push(ch);
            self.next();
        }
        result
    }

    /// Reads a variable name: a run of digits, one special parameter character, or a run of
    /// letters, digits and `_` (Unicode letters and digits count, as in Go's `unicode`).
    fn process_name(&mut self) -> &'s str {
        let start = self.pos;
        while let Some(ch) = self.peek() {
            if self.pos == start && is_go_digit(ch) {
                while self.peek().is_some_and(is_go_digit) {
                    self.next();
                }
                break;
            }
            if self.pos == start && is_special_param(ch) {
                self.next();
                break;
            }
            if !is_go_letter(ch) && !is_go_digit(ch) && ch != '_' {
                break;
            }
            self.next();
        }
        &self.src[start..self.pos]
    }

    fn process_dollar(&mut self) -> Result<String, Failure> {
        if self.depth >= MAX_NESTING {
            return Err(Failure::new(
                ExpandErrorKind::NestingTooDeep,
                format!("variable expansions nested deeper than {MAX_NESTING} levels"),
            ));
        }
        self.depth += 1;
        let result = self.process_dollar_inner();
        self.depth -= 1;
        result
    }

    fn process_dollar_inner(&mut self) -> Result<String, Failure> {
        self.next(); // the `$`

        if self.peek() != Some('{') {
            let name = self.process_name();
            if name.is_empty() {
                return Ok("$".to_owned());
            }
            return Ok(match self.get_env_checked(name)? {
                Some(value) => value.to_owned(),
                None if self.options.skip_unset_env => format!("${name}"),
                None => String::new(),
            });
        }

        self.next(); // the `{`
        match self.peek() {
            None => return Err(Failure::missing_brace()),
            Some('{' | '}' | ':') => {
                return Err(Failure::new(
                    ExpandErrorKind::BadSubstitution,
                    "syntax error: bad substitution",
                ));
            }
            Some(_) => {}
        }
        let name = self.process_name();
        let ch = self.next();
        // Go prints end-of-input as U+FFFD in the modifier of the error message.
        let mut modifier = String::from(ch.unwrap_or('\u{FFFD}'));

        match ch {
            Some('}') => Ok(match self.get_env_checked(name)? {
                Some(value) => value.to_owned(),
                None if self.options.skip_unset_env => format!("${{{name}}}"),
                None => String::new(),
            }),
            Some(':' | '+' | '-' | '?' | '#' | '%') => {
                let null_is_unset = ch == Some(':');
                let op = if null_is_unset {
                    let op = self.next();
                    modifier.push(op.unwrap_or('\u{FFFD}'));
                    op
                } else {
                    ch
                };
                // `#` and `%` patterns keep their escapes for the glob.
                let raw = matches!(op, Some('#' | '%'));
                if null_is_unset && raw {
                    return Err(Failure::unsupported(&modifier));
                }
                let word = match self.process_stop_on(Some('}'), raw) {
                    Ok((word, _)) => word,
                    Err(failure) => {
                        return Err(if self.peek().is_none() {
                            Failure::missing_brace()
                        } else {
                            failure
                        });
                    }
                };
                let value = self.get_env_checked(name)?;
                if self.options.skip_unset_env && value.is_none() {
                    return Ok(format!("${{{name}{modifier}{word}}}"));
                }
                let unset_or_null = value.is_none_or(|v| null_is_unset && v.is_empty());
                match op {
                    Some('-') => Ok(if unset_or_null {
                        word
                    } else {
                        value.unwrap_or_default().to_owned()
                    }),
                    Some('+') => Ok(if unset_or_null { String::new() } else { word }),
                    Some('?') => match value {
                        None => Err(required(name, &word, "is not allowed to be unset")),
                        Some("") if null_is_unset => {
                            Err(required(name, &word, "is not allowed to be empty"))
                        }
                        Some(value) => Ok(value.to_owned()),
                    },
                    Some(op @ ('%' | '#')) => {
                        // `%%` / `##`: the longest match instead of the shortest.
                        let (pattern, greedy) = match word.strip_prefix(op) {
                            Some(rest) => (rest, true),
                            None => (word.as_str(), false),
                        };
                        let value = value.unwrap_or_default();
                        if op == '%' {
                            trim_suffix(pattern, value, greedy)
                        } else {
                            trim_prefix(pattern, value, greedy).map(str::to_owned)
                        }
                    }
                    _ => Err(Failure::unsupported(&modifier)),
                }
            }
            Some('/') => {
                let replace_all = self.peek() == Some('/');
                if replace_all {
                    self.next();
                }
                let pattern = match self.process_stop_on(Some('/'), true) {
                    Ok((pattern, _)) => pattern,
                    Err(failure) => {
                        return Err(if self.peek().is_none() {
                            Failure::new(
                                ExpandErrorKind::MissingSlash,
                                "syntax error: missing '/' in ${}",
                            )
                        } else {
                            failure
                        });
                    }
                };
                let replacement = match self.process_stop_on(Some('}'), true) {
                    Ok((replacement, _)) => replacement,
                    Err(failure) => {
                        return Err(if self.peek().is_none() {
                            Failure::missing_brace()
                        } else {
                            failure
                        });
                    }
                };
                let value = self.get_env_checked(name)?;
                if self.options.skip_unset_env && value.is_none() {
                    return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
                }
                let re = shell_pattern_regex(&pattern, true, false)
                    .map_err(|err| invalid_pattern(&pattern, &err))?;
                let value = value.unwrap_or_default();
                Ok(if replace_all {
                    go_replace_all(&re, value, &replacement, self.limit)
                        .ok_or_else(|| self.check_len(usize::MAX).unwrap_err())?
                } else {
                    match re.find(value) {
                        Some(m) => {
                            let mut out = String::with_capacity(value.len() + replacement.len());
                            out.push_str(&value[..m.start()]);
                            out.push_str(&replacement);
                            out.push_str(&value[m.end()..]);
                            out
                        }
                        None => value.to_owned(),
                    }
                })
            }
            _ => Err(Failure::unsupported(&modifier)),
        }
    }
}

fn required(name: &str, word: &str, default_message: &str) -> Failure {
    let message = if word.is_empty() {
        default_message
    } else {
        word
    };
    Failure::new(ExpandErrorKind::Required, format!("{name}: {message}"))
}

fn invalid_pattern(pattern: &str, err: &str) -> Failure {
    Failure::new(
        ExpandErrorKind::InvalidPattern,
        format!("invalid pattern ({pattern}) in substitution: {err}"),
    )
}

/// Go's `unicode.IsDigit`: general category Nd.
fn is_go_digit(ch: char) -> bool {
    if ch.is_ascii() {
        return ch.is_ascii_digit();
    }
    get_general_category(ch) == GeneralCategory::DecimalNumber
}

/// Go's `unicode.IsLetter`: general categories Lu, Ll, Lt, Lm, Lo.
fn is_go_letter(ch: char) -> bool {
    if ch.is_ascii() {
        return ch.is_ascii_alphabetic();
    }
    matches!(
        get_general_category(ch),
        GeneralCategory::UppercaseLetter
            | GeneralCategory::LowercaseLetter
            | GeneralCategory::TitlecaseLetter
            | GeneralCategory::ModifierLetter
            | GeneralCategory::OtherLetter
    )
}

/// POSIX special parameters: `$@ $* $# $? $- $$ $! $0`.
fn is_special_param(ch: char) -> bool {
    matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

/// Compiles a `${v#p}`-style glob to a regex with Go regexp semantics: `*` is any run of
/// characters (longest when `greedy`, else shortest), `?` one character (neither matches a
/// newline), `\` escapes `*`, `?` and `\`, and `\}` / `\/` stand for `}` / `/`. The backslash is
/// the pattern escape whatever the Dockerfile's escape token is.
fn shell_pattern_regex(pattern: &str, greedy: bool, anchored: bool) -> Result<Regex, String> {
    let pattern = pattern.strip_prefix('\u{FEFF}').unwrap_or(pattern);
    let mut out = String::with_capacity(pattern.len() + 4);
    if anchored {
        out.push('^');
    }
    let star = if greedy { ".*" } else { ".*?" };
    let mut chars = pattern.chars().peekable();
    let mut literal = [0u8; 4];
    while let Some(tok) = chars.next() {
        match tok {
            '*' => out.push_str(star),
            '?' => out.push('.'),
            '\\' => {
                if matches!(chars.peek(), Some('}' | '/')) {
                    continue;
                }
                match chars.next() {
                    Some(escaped @ ('*' | '?' | '\\')) => {
                        out.push('\\');
                        out.push(escaped);
                    }
                    other => {
                        return Err(format!(
                            "invalid escape '\\{}'",
                            other.unwrap_or('\u{FFFD}')
                        ));
                    }
                }
            }
            other => out.push_str(&regex::escape(other.encode_utf8(&mut literal))),
        }
    }
    Regex::new(&out).map_err(|err| err.to_string())
}

fn trim_prefix<'v>(pattern: &str, value: &'v str, greedy: bool) -> Result<&'v str, Failure> {
    let re =
        shell_pattern_regex(pattern, greedy, true).map_err(|e| invalid_pattern(pattern, &e))?;
    Ok(match re.find(value) {
        Some(m) => &value[m.end()..],
        None => value,
    })
}

/// Suffix trimming: BuildKit reverses both the value and the pattern (keeping `\x` pairs in
/// order) and trims a prefix, because a regex cannot find the shortest rightmost match.
fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> Result<String, Failure> {
    let reversed_pattern = reverse_pattern(pattern);
    let reversed_value: String = value.chars().rev().collect();
    let trimmed = trim_prefix(&reversed_pattern, &reversed_value, greedy)?;
    Ok(trimmed.chars().rev().collect())
}

fn reverse_pattern(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = chars.clone();
    let last = chars.len().saturating_sub(1);
    let mut i = 0;
    while i < chars.len() {
        let out_idx = last - i;
        if chars[i] == '\\' && i != last {
            out[out_idx - 1] = '\\';
            out[out_idx] = chars[i + 1];
            i += 2;
        } else {
            out[out_idx] = chars[i];
            i += 1;
        }
    }
    out.into_iter().collect()
}

/// Go's `Regexp.ReplaceAllString`: non-overlapping matches left to right, an empty match right
/// after a previous match is not replaced, and `$` in the replacement is a template reference.
/// `None` when the result would pass `limit` bytes (a `$0` template can multiply the text).
fn go_replace_all(re: &Regex, src: &str, replacement: &str, limit: usize) -> Option<String> {
    let mut out = String::with_capacity(src.len());
    let mut last_match_end = 0;
    let mut search_pos = 0;
    while search_pos <= src.len() {
        let Some(m) = re.find_at(src, search_pos) else {
            break;
        };
        out.push_str(&src[last_match_end..m.start()]);
        if m.end() > last_match_end || m.start() == 0 {
            go_expand_template(&mut out, replacement, m.as_str());
        }
        if out.len() > limit {
            return None;
        }
        last_match_end = m.end();
        // Always advance by at least one character.
        let width = src[search_pos..].chars().next().map_or(0, char::len_utf8);
        if search_pos + width > m.end() {
            search_pos += width;
        } else if search_pos + 1 > m.end() {
            search_pos += 1;
        } else {
            search_pos = m.end();
        }
    }
    out.push_str(&src[last_match_end..]);
    (out.len() <= limit).then_some(out)
}

/// Go's `Regexp.Expand` for a regex without capture groups: `$$` is `$`, `$0` / `${0}` is the
/// whole match, any other well-formed reference is empty, and a malformed one is literal.
fn go_expand_template(out: &mut String, template: &str, whole_match: &str) {
    let mut rest = template;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        rest = &rest[dollar + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        match go_template_reference(rest) {
            Some((name, after)) => {
                rest = after;
                if name == "0" {
                    out.push_str(whole_match);
                }
            }
            None => out.push('$'),
        }
    }
    out.push_str(rest);
}

/// Parses a template reference after `$`: a name of letters, digits and `_`, optionally in
/// braces. Returns the name and the text after the reference.
fn go_template_reference(text: &str) -> Option<(&str, &str)> {
    let (brace, body) = match text.strip_prefix('{') {
        Some(body) => (true, body),
        None => (false, text),
    };
    let len = body
        .char_indices()
        .find(|&(_, c)| !is_go_letter(c) && !is_go_digit(c) && c != '_')
        .map_or(body.len(), |(i, _)| i);
    if len == 0 {
        return None;
    }
    let name = &body[..len];
    let after = &body[len..];
    if brace {
        let after = after.strip_prefix('}')?;
        return Some((name, after));
    }
    Some((name, after))
}

/// Go's `strconv.Quote`, used in BuildKit's error messages.
pub(crate) fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' ' => out.push(' '),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Go's `unicode.IsPrint` minus the ASCII space: letters, marks, numbers, punctuation, symbols.
fn is_go_printable(ch: char) -> bool {
    if ch.is_ascii() {
        return ch.is_ascii_graphic();
    }
    use GeneralCategory as G;
    !matches!(
        get_general_category(ch),
        G::SpaceSeparator
            | G::LineSeparator
            | G::ParagraphSeparator
            | G::Control
            | G::Format
            | G::Surrogate
            | G::PrivateUse
            | G::Unassigned
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(input: &str, env: &[(&str, &str)]) -> Result<String, ExpandError> {
        Lexer::new('\\')
            .process_word(input, env)
            .map(|e| e.value.into_owned())
    }

    #[test]
    fn plain_word_is_borrowed() {
        let exp = Lexer::new('\\')
            .process_word("alpine:3.19", &EmptyEnv)
            .unwrap();
        assert!(matches!(exp.value, Cow::Borrowed("alpine:3.19")));
    }

    #[test]
    fn backtick_escape() {
        let lexer = Lexer::new('`');
        let env = [("X", "1")];
        assert_eq!(
            lexer.process_word(r"C:\path`$X", &env[..]).unwrap().value,
            r"C:\path$X"
        );
        assert_eq!(
            lexer.process_word(r#""a`"b""#, &env[..]).unwrap().value,
            r#"a"b"#
        );
        assert_eq!(lexer.process_word(r"a\$X", &env[..]).unwrap().value, r"a\1");
    }

    #[test]
    fn error_message_matches_buildkit() {
        let err = word("${X:?must be set}", &[]).unwrap_err();
        assert_eq!(err.kind, ExpandErrorKind::Required);
        assert_eq!(
            err.to_string(),
            r#"failed to process "${X:?must be set}": X: must be set"#
        );
        let err = word("${X", &[]).unwrap_err();
        assert_eq!(
            err.detail,
            "unsupported modifier (\u{FFFD}) in substitution"
        );
        assert_eq!(
            word("${X:-'a}", &[]).unwrap_err().detail,
            "syntax error: missing '}'"
        );
    }

    #[test]
    fn replace_all_expands_go_template_references() {
        // `$` in the written replacement is expanded by the lexer first, so the Go template
        // references only show up through a variable's value or an escaped `\$`.
        let env = |r: &'static str| [("V", "a.b.c"), ("R", r)];
        assert_eq!(word(r"${V//./[$R]}", &env("$0")).unwrap(), "a[.]b[.]c");
        assert_eq!(word(r"${V//./$R}", &env("${0}")).unwrap(), "a.b.c");
        assert_eq!(word(r"${V//./$R}", &env("$$")).unwrap(), "a$b$c");
        assert_eq!(word(r"${V//./$R}", &env("$x")).unwrap(), "abc");
        assert_eq!(word(r"${V//./$R}", &env("$-")).unwrap(), "a$-b$-c");
        assert_eq!(word(r"${V//./[\$0]}", &env("")).unwrap(), r"a[\.]b[\.]c");
        // The first-match form splices the replacement literally.
        assert_eq!(word(r"${V/./$R}", &env("$0")).unwrap(), "a$0b.c");
        // Empty matches: Go inserts the replacement between characters, never twice in a row.
        assert_eq!(
            word(r"${V//$E/-}", &[("V", "ab"), ("E", "")]).unwrap(),
            "-a-b-"
        );
        assert_eq!(word(r"${V//*/-}", &[("V", "ab")]).unwrap(), "-");
    }

    #[test]
    fn patterns_do_not_cross_newlines() {
        let env = [("V", "a\nb")];
        assert_eq!(word("${V#*b}", &env).unwrap(), "a\nb");
        assert_eq!(word("${V%%?b}", &env).unwrap(), "a\nb");
        assert_eq!(word("${V%b}", &env).unwrap(), "a\n");
    }

    #[test]
    fn unicode_names_follow_go_categories() {
        let env = [("名前", "x"), ("A٣", "y")];
        assert_eq!(word("$名前.", &env).unwrap(), "x.");
        // U+0663 ARABIC-INDIC DIGIT THREE is a digit (Nd) for Go.
        assert_eq!(word("$A٣", &env).unwrap(), "y");
        // A combining mark is not a letter, so the name ends before it.
        assert_eq!(word("$A\u{301}", &[("A", "z")]).unwrap(), "z\u{301}");
    }

    #[test]
    fn words_mode_nested_expansion_resets_current_word() {
        // BuildKit quirk: the nested scan of `${X:-b}` resets the shared word buffer, so the
        // `a` collected before it is lost from the split words (not from the single result).
        let lexer = Lexer::new('\\');
        assert_eq!(
            lexer.process_words("a${X:-b}c d", &EmptyEnv).unwrap(),
            ["bc", "d"]
        );
        assert_eq!(
            lexer.process_word("a${X:-b}c d", &EmptyEnv).unwrap().value,
            "abc d"
        );
        assert_eq!(
            lexer.process_words("a$X c", &[("X", "b")][..]).unwrap(),
            ["ab", "c"]
        );
    }

    #[test]
    fn heredoc_marker_stays_with_next_word() {
        let lexer = Lexer::new('\\');
        assert_eq!(
            lexer.process_words("cat << EOF", &EmptyEnv).unwrap(),
            ["cat", "<< EOF"]
        );
    }

    #[test]
    fn skip_unset_env_keeps_references() {
        let lexer = Lexer::with_options(
            '\\',
            LexOptions {
                skip_unset_env: true,
                ..LexOptions::default()
            },
        );
        let env = [("A", "1")];
        assert_eq!(
            lexer
                .process_word("$A $B ${C} ${D:-x} ${E//a/b}", &env[..])
                .unwrap()
                .value,
            "1 $B ${C} ${D:-x} ${E/a/b}"
        );
    }

    #[test]
    fn leading_bom_is_skipped() {
        assert_eq!(word("\u{FEFF}$A", &[("A", "1")]).unwrap(), "1");
    }

    #[test]
    fn go_quote_escapes_like_strconv() {
        assert_eq!(
            go_quote("a\"b\\c\td\u{1}é\u{200b}"),
            r#""a\"b\\c\td\x01é\u200b""#
        );
    }

    #[test]
    fn random_words_never_panic() {
        // A deterministic xorshift generator over an alphabet rich in syntax characters.
        const ALPHABET: &[&str] = &[
            "$", "{", "}", ":", "-", "+", "?", "#", "%", "/", "*", "\\", "`", "'", "\"", "<", " ",
            "\n", "a", "B", "_", "0", "9", "é", "\u{FEFF}", "@", "!", "=", "V", "E",
        ];
        let env = [("V", "a*b/c\\d"), ("E", ""), ("a", "$0${0}$$")];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for case in 0..20_000 {
            let len = (next() % 24) as usize;
            let word: String = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            let escape = if case % 3 == 0 { '`' } else { '\\' };
            let lexer = Lexer::new(escape);
            let _ = lexer.process_word(&word, &env[..]);
            let _ = lexer.process_words(&word, &env[..]);
            let all = LexOptions {
                raw_quotes: true,
                raw_escapes: true,
                skip_process_quotes: case % 2 == 0,
                skip_unset_env: true,
            };
            let _ = Lexer::with_options(escape, all).process_word(&word, &env[..]);
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = "${a:-".repeat(100_000) + &"}".repeat(100_000);
        let err = Lexer::new('\\').process_word(&deep, &EmptyEnv).unwrap_err();
        assert_eq!(err.kind, ExpandErrorKind::NestingTooDeep);
        let quoted = "\"${a:-".repeat(50_000);
        assert!(Lexer::new('\\').process_words(&quoted, &EmptyEnv).is_err());
        let ok = "${a:-".repeat(100) + "x" + &"}".repeat(100);
        assert_eq!(
            Lexer::new('\\').process_word(&ok, &EmptyEnv).unwrap().value,
            "x"
        );
    }
}
