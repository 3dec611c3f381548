//! Heredoc detection: the subset of BuildKit's shell word lexer (`shell.Lex.ProcessWords`) that
//! the parser uses to find `<<WORD` tokens, with an empty environment and unset variables left as
//! written. The escape token is always `\` here, whatever the escape directive says.
//!
//! BuildKit's lexer shares one word buffer between nested `${…}` processing and the outer word,
//! so a modifier expansion discards the part of the word before it. That is reproduced, because
//! it decides whether a word still starts with `<<`.

/// A word produced by [`process_words`], with its byte range in the input (approximate when a
/// `${…}` expansion split or reset it).
#[derive(Debug)]
pub(crate) struct LexWord {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// A lexing error, with BuildKit's message (without the `failed to process` wrapper).
#[derive(Debug)]
pub(crate) struct LexError(pub String);

const ESCAPE: char = '\\';

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    raw_quotes: bool,
    raw_escapes: bool,
    /// The shared word buffer (see module docs).
    buf: String,
}

struct Words {
    words: Vec<LexWord>,
    in_word: bool,
    start: usize,
    track: bool,
}

impl Words {
    fn new(track: bool) -> Self {
        Self {
            words: Vec::new(),
            in_word: false,
            start: 0,
            track,
        }
    }

    fn begin(&mut self, at: usize) {
        if !self.in_word {
            self.start = at;
        }
        self.in_word = true;
    }

    fn add_char(&mut self, buf: &mut String, ch: char, at: usize) {
        if ch.is_whitespace() {
            if self.in_word && !buf.is_empty() {
                self.flush(buf, at);
            }
        } else {
            self.add_raw_char(buf, ch, at);
        }
    }

    fn add_raw_char(&mut self, buf: &mut String, ch: char, at: usize) {
        self.begin(at);
        buf.push(ch);
    }

    fn add_string(&mut self, buf: &mut String, s: &str, at: usize, end: usize) {
        for ch in s.chars() {
            // Expansion results have no positions of their own; attribute them to the `$`.
            self.add_char(buf, ch, at);
        }
        let _ = end;
    }

    fn add_raw_string(&mut self, buf: &mut String, s: &str, at: usize) {
        self.begin(at);
        buf.push_str(s);
    }

    fn flush(&mut self, buf: &mut String, end: usize) {
        if self.track {
            self.words.push(LexWord {
                text: std::mem::take(buf),
                start: self.start,
                end: end.max(self.start),
            });
        } else {
            buf.clear();
        }
        self.in_word = false;
    }

    fn finish(mut self, buf: &mut String, end: usize) -> Vec<LexWord> {
        if !buf.is_empty() {
            if self.track {
                self.words.push(LexWord {
                    text: std::mem::take(buf),
                    start: self.start,
                    end: end.max(self.start),
                });
            } else {
                buf.clear();
            }
        }
        self.words
    }
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let ch = self.peek()?;
        self.pos += ch.len_utf8();
        Some(ch)
    }

    /// BuildKit's `processStopOn`. Returns the processed text and (for the outermost call)
    /// the words.
    fn process_stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
        track: bool,
    ) -> Result<(String, Vec<LexWord>), LexError> {
        let mut result = String::new();
        self.buf.clear();
        let mut words = Words::new(track);
        let saved = self.raw_escapes;
        self.raw_escapes = raw_escapes;
        let out = self.stop_on_loop(stop, &mut result, &mut words);
        self.raw_escapes = saved;
        out?;
        let mut buf = std::mem::take(&mut self.buf);
        let words = words.finish(&mut buf, self.pos);
        self.buf = buf;
        Ok((result, words))
    }

    fn stop_on_loop(
        &mut self,
        stop: Option<char>,
        result: &mut String,
        words: &mut Words,
    ) -> Result<(), LexError> {
        while let Some(ch) = self.peek() {
            let at = self.pos;
            if stop == Some(ch) {
                self.next();
                return Ok(());
            }
            match ch {
                '$' => {
                    let tmp = self.process_dollar()?;
                    result.push_str(&tmp);
                    let mut buf = std::mem::take(&mut self.buf);
                    words.add_string(&mut buf, &tmp, at, self.pos);
                    self.buf = buf;
                }
                '<' | '\'' | '"' => {
                    let tmp = match ch {
                        '<' => self.process_possible_heredoc(),
                        '\'' => self.process_single_quote()?,
                        _ => self.process_double_quote()?,
                    };
                    result.push_str(&tmp);
                    let mut buf = std::mem::take(&mut self.buf);
                    words.add_raw_string(&mut buf, &tmp, at);
                    self.buf = buf;
                }
                _ => {
                    self.next();
                    let mut buf = std::mem::take(&mut self.buf);
                    let mut ch = ch;
                    let mut done = false;
                    if ch == ESCAPE {
                        if self.raw_escapes {
                            words.add_raw_char(&mut buf, ch, at);
                            result.push(ch);
                        }
                        match self.next() {
                            None => done = true,
                            Some(c) => {
                                ch = c;
                                words.add_raw_char(&mut buf, ch, at);
                            }
                        }
                    } else {
                        words.add_char(&mut buf, ch, at);
                    }
                    self.buf = buf;
                    if done {
                        break;
                    }
                    result.push(ch);
                }
            }
        }
        match stop {
            Some(c) => Err(LexError(format!(
                "unexpected end of statement while looking for matching {c}"
            ))),
            None => Ok(()),
        }
    }

    fn process_single_quote(&mut self) -> Result<String, LexError> {
        let mut result = String::new();
        let quote = self.next().unwrap_or('\'');
        if self.raw_quotes {
            result.push(quote);
        }
        loop {
            match self.next() {
                None => {
                    return Err(LexError(
                        "unexpected end of statement while looking for matching single-quote"
                            .into(),
                    ));
                }
                Some('\'') => {
                    if self.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(c) => result.push(c),
            }
        }
    }

    fn process_double_quote(&mut self) -> Result<String, LexError> {
        let mut result = String::new();
        let quote = self.next().unwrap_or('"');
        if self.raw_quotes {
            result.push(quote);
        }
        loop {
            match self.peek() {
                None => {
                    return Err(LexError(
                        "unexpected end of statement while looking for matching double-quote"
                            .into(),
                    ));
                }
                Some('"') => {
                    self.next();
                    if self.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let value = self.process_dollar()?;
                    result.push_str(&value);
                }
                Some(_) => {
                    let mut ch = self.next().unwrap_or(ESCAPE);
                    if ch == ESCAPE {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            None => continue,
                            Some('"' | '$' | ESCAPE) => ch = self.next().unwrap_or(ESCAPE),
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    fn process_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && is_go_digit(ch) {
                while let Some(d) = self.peek().filter(|&c| is_go_digit(c)) {
                    self.next();
                    name.push(d);
                }
                return name;
            }
            if name.is_empty() && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.next();
                name.push(ch);
                return name;
            }
            if !ch.is_alphabetic() && !is_go_digit(ch) && ch != '_' {
                break;
            }
            self.next();
            name.push(ch);
        }
        name
    }

    fn process_dollar(&mut self) -> Result<String, LexError> {
        self.next();
        if self.peek() != Some('{') {
            let name = self.process_name();
            // Unset variables are kept as written (the environment is empty).
            return Ok(format!("${name}"));
        }
        self.next();
        match self.peek() {
            None => return Err(LexError("syntax error: missing '}'".into())),
            Some('{' | '}' | ':') => return Err(LexError("syntax error: bad substitution".into())),
            Some(_) => {}
        }
        let name = self.process_name();
        let ch = self.next();
        match ch {
            Some('}') => Ok(format!("${{{name}}}")),
            Some(':' | '+' | '-' | '?' | '#' | '%') => {
                let mut chs = String::new();
                let mut modifier = ch;
                let null_is_unset = ch == Some(':');
                if let Some(c) = ch {
                    chs.push(c);
                }
                if null_is_unset {
                    modifier = self.next();
                    if let Some(c) = modifier {
                        chs.push(c);
                    }
                }
                let raw = matches!(modifier, Some('#' | '%'));
                if null_is_unset && raw {
                    return Err(LexError(format!(
                        "unsupported modifier ({chs}) in substitution"
                    )));
                }
                let (word, _) = self.process_stop_on(Some('}'), raw, false).map_err(|e| {
                    if self.peek().is_none() {
                        LexError("syntax error: missing '}'".into())
                    } else {
                        e
                    }
                })?;
                Ok(format!("${{{name}{chs}{word}}}"))
            }
            Some('/') => {
                if self.peek() == Some('/') {
                    self.next();
                }
                let (pattern, _) = self.process_stop_on(Some('/'), true, false).map_err(|e| {
                    if self.peek().is_none() {
                        LexError("syntax error: missing '/' in ${}".into())
                    } else {
                        e
                    }
                })?;
                let (replacement, _) =
                    self.process_stop_on(Some('}'), true, false).map_err(|e| {
                        if self.peek().is_none() {
                            LexError("syntax error: missing '}'".into())
                        } else {
                            e
                        }
                    })?;
                Ok(format!("${{{name}/{pattern}/{replacement}}}"))
            }
            other => {
                let chs = other.map(String::from).unwrap_or_default();
                Err(LexError(format!(
                    "unsupported modifier ({chs}) in substitution"
                )))
            }
        }
    }

    fn process_possible_heredoc(&mut self) -> String {
        self.next();
        if self.peek() != Some('<') {
            return "<".into();
        }
        self.next();
        let mut out = String::from("<<");
        while let Some(c @ ('\t' | '\r' | ' ')) = self.peek() {
            out.push(c);
            self.next();
        }
        out
    }
}

/// Go's `unicode.IsDigit` (category Nd), for the digit blocks that occur in practice.
fn is_go_digit(ch: char) -> bool {
    let c = ch as u32;
    ch.is_ascii_digit()
        || (0x0660..=0x0669).contains(&c)
        || (0x06F0..=0x06F9).contains(&c)
        || (0x0966..=0x096F).contains(&c)
        || (0xFF10..=0xFF19).contains(&c)
}

/// Splits `src` into words like `ProcessWords` with the given quote/escape modes.
pub(crate) fn process_words(
    src: &str,
    raw_quotes: bool,
    raw_escapes: bool,
) -> Result<Vec<LexWord>, LexError> {
    let mut lexer = Lexer {
        src,
        pos: 0,
        raw_quotes,
        raw_escapes,
        buf: String::new(),
    };
    lexer
        .process_stop_on(None, raw_escapes, true)
        .map(|(_, words)| words)
}

/// A heredoc found on an instruction line.
#[derive(Debug)]
pub(crate) struct FoundHeredoc {
    pub name: String,
    pub fd: Option<u32>,
    pub chomp: bool,
    pub expand: bool,
    pub start: usize,
    pub end: usize,
}

/// BuildKit's `heredocsFromLine`: the heredocs on a logical line, in order. An error is a
/// lexing failure of a delimiter word (BuildKit rejects the file).
pub(crate) fn heredocs_from_line(line: &str) -> Result<Vec<FoundHeredoc>, String> {
    // Lexing errors of the whole line are ignored: no heredocs.
    let words = process_words(line, true, true).unwrap_or_default();
    let mut docs = Vec::new();
    for word in words {
        if let Some(doc) = parse_heredoc_word(&word.text).map_err(|e| e.0)? {
            docs.push(FoundHeredoc {
                start: word.start,
                end: word.end,
                ..doc
            });
        }
    }
    Ok(docs)
}

/// BuildKit's `ParseHeredoc`: matches `^(\d*)<<(-?)\s*([^<]*)$` and unquotes the delimiter.
fn parse_heredoc_word(word: &str) -> Result<Option<FoundHeredoc>, LexError> {
    let digits_len = word.bytes().take_while(u8::is_ascii_digit).count();
    let Some(after) = word[digits_len..].strip_prefix("<<") else {
        return Ok(None);
    };
    let (chomp, after) = match after.strip_prefix('-') {
        Some(a) => (true, a),
        None => (false, after),
    };
    // RE2 `\s` is ASCII whitespace without \v.
    let rest = after.trim_start_matches([' ', '\t', '\n', '\x0c', '\r']);
    if rest.is_empty() || rest.contains('<') {
        return Ok(None);
    }
    let fd = if digits_len == 0 {
        None
    } else {
        Some(word[..digits_len].parse::<u32>().unwrap_or(u32::MAX))
    };
    let wrap = |e: LexError| {
        LexError(format!(
            "failed to process {}: {}",
            go_quote_simple(rest),
            e.0
        ))
    };
    let words = process_words(rest, false, false).map_err(wrap)?;
    if words.len() != 1 {
        return Ok(None);
    }
    let raw_words = process_words(rest, true, false).map_err(wrap)?;
    if raw_words.len() != words.len() {
        return Err(LexError(format!(
            "internal lexing of heredoc produced inconsistent results: {rest}"
        )));
    }
    let count = |s: &str| s.chars().filter(|&c| c == '\'' || c == '"').count();
    let name = words.into_iter().next().map(|w| w.text).unwrap_or_default();
    let expand = count(&name) == count(&raw_words[0].text);
    Ok(Some(FoundHeredoc {
        name,
        fd,
        chomp,
        expand,
        start: 0,
        end: 0,
    }))
}

fn go_quote_simple(s: &str) -> String {
    crate::dump::go_quote(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<(String, bool, bool, Option<u32>)> {
        heredocs_from_line(line)
            .unwrap()
            .into_iter()
            .map(|h| (h.name, h.expand, h.chomp, h.fd))
            .collect()
    }

    #[test]
    fn finds_heredocs_like_buildkit() {
        assert_eq!(names("RUN <<EOF"), [("EOF".into(), true, false, None)]);
        assert_eq!(names("RUN 3<<EOF"), [("EOF".into(), true, false, Some(3))]);
        assert_eq!(names("RUN <<-'X'"), [("X".into(), false, true, None)]);
        assert_eq!(names("RUN <<eo'f'"), [("eof".into(), false, false, None)]);
        assert_eq!(names(r"RUN <<eo\'f"), [("eo'f".into(), true, false, None)]);
        assert_eq!(
            names(r"RUN <<'e'o\'f"),
            [("eo'f".into(), false, false, None)]
        );
        assert_eq!(
            names("RUN <<'one two'"),
            [("one two".into(), false, false, None)]
        );
        assert_eq!(names("RUN <<$EOF"), [("$EOF".into(), true, false, None)]);
        assert_eq!(names("RUN <<  EOF"), [("EOF".into(), true, false, None)]);
        assert_eq!(
            names("RUN <<  EOF  > foo"),
            [("EOF".into(), true, false, None)]
        );
        assert_eq!(
            names("COPY <<A <<B /d"),
            [
                ("A".into(), true, false, None),
                ("B".into(), true, false, None)
            ]
        );
        assert!(names(r#"RUN "<<NOHEREDOC""#).is_empty());
        assert!(names("RUN cat<<EOF").is_empty());
        assert!(names("RUN <<- EOF").is_empty());
        assert!(names("RUN <<'EOF").is_empty());
        assert!(names("RUN <<EOF\"").is_empty());
        assert!(names("RUN a <<< b").is_empty());
    }

    #[test]
    fn word_positions() {
        let line = "RUN  cat <<EOF > /x";
        let docs = heredocs_from_line(line).unwrap();
        assert_eq!(&line[docs[0].start..docs[0].end], "<<EOF");
    }
}
