//! One `.dockerignore` pattern, compiled the way moby/patternmatcher compiles it.

use crate::go_regex;

/// How a pattern is matched; patternmatcher picks the cheapest strategy that is exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchKind {
    /// No wildcards: string equality.
    Exact,
    /// Only a trailing `**`: the path starts with the text before it.
    Prefix,
    /// A leading `**` followed by literal text: the path ends with that text (and `**/foo`
    /// also matches `foo`).
    Suffix,
    /// Everything else: an anchored regular expression.
    Regexp,
}

impl MatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Prefix => "prefix",
            MatchKind::Suffix => "suffix",
            MatchKind::Regexp => "regexp",
        }
    }
}

/// Regex metacharacters that `filepath.Match` treats as plain text, so they are escaped.
fn should_escape(c: char) -> bool {
    matches!(c, '.' | '+' | '(' | ')' | '|' | '{' | '}' | '$')
}

/// The strategy and the Go (RE2) regular expression patternmatcher builds for a cleaned
/// pattern (without its `!`), with `/` as the separator. The regex string is what Go would
/// compile; the matcher translates it to Rust syntax separately.
pub fn compile_go_regex(cleaned: &str) -> (MatchKind, String) {
    let mut regex = String::from("^");
    let mut kind = MatchKind::Exact;
    let mut chars = cleaned.chars().peekable();
    let mut index = 0usize;
    while let Some(c) = chars.next() {
        if c == '*' {
            if chars.peek() == Some(&'*') {
                chars.next();
                // `**/` is treated as `**`: the slash is part of the wildcard.
                if chars.peek() == Some(&'/') {
                    chars.next();
                }
                if chars.peek().is_none() {
                    if kind == MatchKind::Exact {
                        kind = MatchKind::Prefix;
                    } else {
                        regex.push_str(".*");
                        kind = MatchKind::Regexp;
                    }
                } else {
                    regex.push_str("(.*/)?");
                    kind = MatchKind::Regexp;
                }
                if index == 0 {
                    kind = MatchKind::Suffix;
                }
            } else {
                regex.push_str("[^/]*");
                kind = MatchKind::Regexp;
            }
        } else if c == '?' {
            regex.push_str("[^/]");
            kind = MatchKind::Regexp;
        } else if should_escape(c) {
            regex.push('\\');
            regex.push(c);
        } else if c == '\\' {
            match chars.next() {
                Some(next) => {
                    regex.push('\\');
                    regex.push(next);
                    kind = MatchKind::Regexp;
                }
                // A trailing `\` is left alone; filepath.Match has already rejected it.
                None => regex.push('\\'),
            }
        } else if c == '[' || c == ']' {
            regex.push(c);
            kind = MatchKind::Regexp;
        } else {
            regex.push(c);
        }
        index += 1;
    }
    regex.push('$');
    (kind, regex)
}

/// A compiled pattern.
#[derive(Clone, Debug)]
pub struct Pattern {
    /// The cleaned pattern text without the leading `!`.
    pub(crate) text: String,
    pub(crate) exclusion: bool,
    pub(crate) kind: MatchKind,
    /// The regex Go would build (for `Regexp` patterns, and for inspection).
    pub(crate) go_regex: String,
}

impl Pattern {
    pub(crate) fn new(text: String, exclusion: bool) -> Self {
        let (kind, go_regex) = compile_go_regex(&text);
        Self {
            text,
            exclusion,
            kind,
            go_regex,
        }
    }

    /// The cleaned pattern text, without the `!`.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether this is an exception (`!pattern`) that re-includes paths.
    pub fn is_exception(&self) -> bool {
        self.exclusion
    }

    pub fn kind(&self) -> MatchKind {
        self.kind
    }

    /// The Go regular expression patternmatcher compiles for this pattern (only used when
    /// [`Pattern::kind`] is [`MatchKind::Regexp`]).
    pub fn go_regex(&self) -> &str {
        &self.go_regex
    }

    /// The pattern as written in a `.dockerignore` after cleaning (`!` included).
    pub fn display(&self) -> String {
        if self.exclusion {
            format!("!{}", self.text)
        } else {
            self.text.clone()
        }
    }

    /// String-only strategies; `None` for regexp patterns.
    pub(crate) fn match_literal(&self, path: &str) -> Option<bool> {
        match self.kind {
            MatchKind::Exact => Some(path == self.text),
            MatchKind::Prefix => Some(path.starts_with(&self.text[..self.text.len() - 2])),
            MatchKind::Suffix => {
                let suffix = &self.text[2..];
                if path.ends_with(suffix) {
                    return Some(true);
                }
                // `**/foo` also matches `foo` itself.
                Some(suffix.strip_prefix('/').is_some_and(|rest| rest == path))
            }
            MatchKind::Regexp => None,
        }
    }

    /// The literal text at the end of a regexp pattern (after its last wildcard), which every
    /// path it matches ends with; `None` when there is none or it is not plain text (a `\`
    /// escape, which Go's regexp could read as a class or a code point, or a `^`).
    pub(crate) fn literal_tail(&self) -> Option<&str> {
        if self.text.contains(['\\', '^']) {
            return None;
        }
        let start = self
            .text
            .rfind(['*', '?', '[', ']'])
            .map_or(0, |wildcard| wildcard + 1);
        let mut tail = &self.text[start..];
        // `**/` makes its slash optional (`a**/b` matches `ab`).
        if self.text[..start].ends_with("**") {
            tail = tail.strip_prefix('/').unwrap_or(tail);
        }
        (!tail.is_empty()).then_some(tail)
    }

    /// Whether patternmatcher's walk may skip a directory this pattern excludes: an exception
    /// with wildcards (after removing a trailing `/*` or `/**`) could re-include anything.
    pub(crate) fn exception_has_wildcards(&self) -> bool {
        self.without_trailing_glob()
            .contains(['*', '?', '[', ']', '^', '\\'])
    }

    /// fsutil's `patternWithoutTrailingGlob`: the text with a trailing `/**` and then a
    /// trailing `/*` removed.
    pub(crate) fn without_trailing_glob(&self) -> &str {
        let text = self.text.strip_suffix("/**").unwrap_or(&self.text);
        text.strip_suffix("/*").unwrap_or(text)
    }

    /// Translates this pattern's Go regex to a Rust regex, or explains why Go's regexp
    /// package would reject it.
    pub(crate) fn rust_regex(&self) -> Result<String, String> {
        go_regex::translate(&self.go_regex)
    }
}
