//! Redaction: the text hullscan prints with every credential in it masked.
//!
//! Detection ([`Scanner::scan`]) is tuned for precision: a finding must be worth a user's time.
//! Redaction is tuned the other way: anything that could be a credential is masked, because a
//! masked non-secret costs nothing and a printed secret is a leak. So a text is masked where
//! - a detector finds a secret (the same engine as `hullscan secrets`);
//! - a URL carries a password (`scheme://user:PASSWORD@host`), whatever the password looks like;
//! - a token starts with a vendor's credential prefix (`ghp_`, `npm_`, `sk_live_`, `xoxb-`, ...),
//!   whether or not its checksum holds;
//! - a token looks random: long, mixed-case, with digits or base64 punctuation, and with the
//!   character-class changes of random text rather than of words (an AWS secret key alone on a
//!   line, a bearer token in a comment). Hex strings (digests, commit ids, GPG fingerprints) are
//!   left alone: they are what image and lint output quote most, and a hex secret is found by
//!   the detectors when its name says it is one.
//!
//! Masking keeps the byte length (each masked character becomes as many `*` as it had bytes)
//! and line breaks, so ranges into the text stay valid and snippets keep their line numbers.
//! Only a vendor prefix, which is public, stays visible: `ghp_************…`.

use std::borrow::Cow;
use std::ops::Range;

use crate::Scanner;

/// Vendor prefixes that mark a token as a credential. Shown after masking: they only say what
/// kind of credential it was.
const PUBLIC_PREFIXES: &[&str] = &[
    "github_pat_",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "glpat-",
    "gldt-",
    "glrt-",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "xoxo-",
    "xoxr-",
    "xoxs-",
    "xapp-",
    "npm_",
    "sk_live_",
    "rk_live_",
    "sk_test_",
    "rk_test_",
    "whsec_",
    "AKIA",
    "ASIA",
    "AGPA",
    "AIDA",
    "AROA",
    "AIza",
    "pypi-",
    "hf_",
    "sk-",
    "dop_v1_",
    "doo_v1_",
    "shpat_",
    "shpss_",
    "glc_",
    "dapi",
    "lin_api_",
    "pat",
];

/// A token shorter than this (without its prefix) is not masked for its shape alone.
const MIN_RANDOM_LEN: usize = 16;
/// Characters after a vendor prefix needed before the token counts as a credential.
const MIN_AFTER_PREFIX: usize = 12;

/// Characters a credential token is made of: base64 and base64url.
fn is_token_byte(b: u8) -> bool {
    TOKEN_BYTES[usize::from(b)]
}

/// [`is_token_byte`] as a table: it is asked about every byte of every printed text.
const TOKEN_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'_' | b'-');
        b += 1;
    }
    table
};

/// The bytes some public prefix starts with: most tokens start with none of them, and every
/// token of every printed text is checked for a prefix.
const PREFIX_FIRST_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < PUBLIC_PREFIXES.len() {
        table[PUBLIC_PREFIXES[i].as_bytes()[0] as usize] = true;
        i += 1;
    }
    table
};

impl Scanner {
    /// The byte ranges of `text` that must not be printed, sorted and not overlapping.
    pub fn sensitive_ranges(&self, text: &[u8]) -> Vec<Range<usize>> {
        let mut ranges: Vec<Range<usize>> = Vec::new();
        // Cheapest test first: a text without a run of eight token bytes and without `://` holds
        // nothing any detector or shape test would mask.
        if !might_hold_secret(text) {
            return ranges;
        }
        ranges.extend(self.scan(text).into_iter().map(|finding| finding.range));
        url_passwords(text, &mut ranges);
        shaped_tokens(text, &mut ranges);
        merge(ranges)
    }

    /// `text` with every sensitive range masked (see the module docs); borrowed when nothing is.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let ranges = self.sensitive_ranges(text.as_bytes());
        if ranges.is_empty() {
            return Cow::Borrowed(text);
        }
        Cow::Owned(mask(text, &ranges))
    }
}

/// [`Scanner::redact`] with the process-wide scanner.
pub fn redact(text: &str) -> Cow<'_, str> {
    Scanner::global().redact(text)
}

/// Whether `text` could hold anything redaction masks: a run of at least eight token bytes (no
/// detector reports a shorter secret) or a URL with user information.
fn might_hold_secret(text: &[u8]) -> bool {
    let mut run = 0usize;
    for &b in text {
        if is_token_byte(b) || b == b'=' || b == b'.' {
            run += 1;
            if run >= 8 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    memchr::memmem::find(text, b"://").is_some()
}

/// Passwords of `scheme://user:password@host` URLs, and a user name that is itself a token
/// (`https://ghp_…@github.com`).
fn url_passwords(text: &[u8], out: &mut Vec<Range<usize>>) {
    for at in memchr::memmem::find_iter(text, b"://") {
        let start = at + 3;
        let end = text[start..]
            .iter()
            .position(|&b| {
                b.is_ascii_whitespace()
                    || matches!(
                        b,
                        b'/' | b'?' | b'#' | b'"' | b'\'' | b'`' | b'<' | b'>' | b'\\'
                    )
            })
            .map_or(text.len(), |p| start + p);
        let authority = &text[start..end];
        let Some(at_sign) = memchr::memrchr(b'@', authority) else {
            continue;
        };
        let userinfo = &authority[..at_sign];
        match memchr::memchr(b':', userinfo) {
            Some(colon) if colon + 1 < userinfo.len() => {
                let password = &userinfo[colon + 1..];
                if !is_variable_reference(password) {
                    out.push(start + colon + 1..start + at_sign);
                }
                let user = &userinfo[..colon];
                if token_is_credential(user) {
                    out.push(start..start + colon);
                }
            }
            _ => {
                if token_is_credential(userinfo) {
                    out.push(start..start + at_sign);
                }
            }
        }
    }
}

/// `$VAR`, `${VAR}`, `%VAR%`, `<password>`: names of a value, not the value.
fn is_variable_reference(text: &[u8]) -> bool {
    let is_name = |name: &[u8]| {
        !name.is_empty() && name.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
    };
    match text {
        [b'$', b'{', inner @ .., b'}'] => {
            is_name(inner.split(|&b| b == b':').next().unwrap_or(&[]))
        }
        [b'$', name @ ..] | [b'%', name @ .., b'%'] => is_name(name),
        [b'<', inner @ .., b'>'] => inner.iter().all(|&b| b != b'<' && b != b'>'),
        _ => false,
    }
}

/// Every token (a run of base64/base64url bytes, with its `=` padding) that has a vendor prefix
/// or looks random.
fn shaped_tokens(text: &[u8], out: &mut Vec<Range<usize>>) {
    let mut i = 0;
    while i < text.len() {
        if !is_token_byte(text[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < text.len() && is_token_byte(text[i]) {
            i += 1;
        }
        let mut end = i;
        // Padding belongs to a base64 token; `NAME=value` does not (the name is no secret).
        let padding = text[end..]
            .iter()
            .take(2)
            .take_while(|&&b| b == b'=')
            .count();
        if padding > 0 && text.get(end + padding).is_none_or(|b| !is_token_byte(*b)) {
            end += padding;
        }
        let token = &text[start..i];
        if token.len() >= 8 {
            // A token may sit after `--flag=` or `name:`; judge the part after a leading `-`.
            let trimmed = token.iter().take_while(|&&b| b == b'-').count();
            if token_is_credential(&token[trimmed..]) {
                out.push(start + trimmed..end);
            }
        }
        i = end.max(i);
    }
}

/// Whether one token (no separators in it but base64's) is a credential by prefix or shape.
fn token_is_credential(token: &[u8]) -> bool {
    if let Some(prefix) = public_prefix(token) {
        let rest = &token[prefix..];
        // `sk-` and `pat` are common word starts; they count only before a random-looking rest.
        if prefix <= 3 && &token[..prefix] != b"hf_" {
            return looks_random(rest);
        }
        // `npm_config_strict_ssl` is a setting: a token's random part has digits or capitals.
        return rest.len() >= MIN_AFTER_PREFIX
            && rest
                .iter()
                .any(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
    }
    looks_random(token)
}

/// The length of the vendor prefix `token` starts with, if any.
fn public_prefix(token: &[u8]) -> Option<usize> {
    let &first = token.first()?;
    if !PREFIX_FIRST_BYTES[usize::from(first)] {
        return None;
    }
    PUBLIC_PREFIXES
        .iter()
        .find(|prefix| prefix.as_bytes()[0] == first && token.starts_with(prefix.as_bytes()))
        .map(|prefix| prefix.len())
}

/// Random-looking: long, upper and lower case, a digit or `+`, not hex, and case/digit changes
/// between neighbours at the rate of random text (about 0.6) rather than of identifiers (0.1–0.3).
/// A token with `/` is judged whole unless it reads as a path (a lower-case word segment, an
/// empty segment); one with `-` or `_` is random when one of its parts is, so `PacBio-BSD-3` and
/// advisory ids stay readable.
fn looks_random(token: &[u8]) -> bool {
    if token.len() < MIN_RANDOM_LEN {
        return false;
    }
    if memchr::memchr(b'/', token).is_some() {
        let inner = token
            .strip_prefix(b"/")
            .unwrap_or(token)
            .strip_suffix(b"/")
            .unwrap_or(token);
        let path_like = inner.split(|&b| b == b'/').any(|segment| {
            segment.is_empty() || segment.len() >= 4 && segment.iter().all(u8::is_ascii_lowercase)
        });
        if path_like {
            return false;
        }
    }
    if memchr::memchr2(b'-', b'_', token).is_some() {
        return token
            .split(|&b| b == b'-' || b == b'_')
            .any(|part| random_run(part, MIN_RANDOM_PART_LEN));
    }
    random_run(token, MIN_RANDOM_LEN)
}

/// A part of a token between `-`/`_` separators counts as random from this length.
const MIN_RANDOM_PART_LEN: usize = 12;

fn random_run(token: &[u8], min_len: usize) -> bool {
    if token.len() < min_len {
        return false;
    }
    let (mut upper, mut lower, mut digits, mut plus) = (0usize, 0usize, 0usize, 0usize);
    for &b in token {
        match b {
            b'A'..=b'Z' => upper += 1,
            b'a'..=b'z' => lower += 1,
            b'0'..=b'9' => digits += 1,
            b'+' => plus += 1,
            _ => {}
        }
    }
    if upper < 2 || lower < 2 || digits + plus == 0 {
        return false;
    }
    let class = |b: u8| match b {
        b'A'..=b'Z' => 1u8,
        b'a'..=b'z' => 2,
        b'0'..=b'9' => 3,
        _ => 0,
    };
    let (mut pairs, mut changes) = (0usize, 0usize);
    for pair in token.windows(2) {
        let (a, b) = (class(pair[0]), class(pair[1]));
        if a != 0 && b != 0 {
            pairs += 1;
            if a != b {
                changes += 1;
            }
        }
    }
    // More than 7 changes in 20 pairs: CamelCase names with a version digit stay below it.
    pairs + 4 >= min_len && changes * 20 > pairs * 7
}

fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.retain(|r| r.start < r.end);
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

/// `text` with each range (widened to character boundaries) masked: a vendor prefix at its
/// start stays, line breaks stay, every other character becomes as many `*` as it had bytes.
fn mask(text: &str, ranges: &[Range<usize>]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for range in ranges {
        let mut start = range.start.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = range.end.min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let keep = public_prefix(&text.as_bytes()[start..end])
            .filter(|&prefix| prefix < end - start)
            .unwrap_or(0);
        for b in &mut bytes[start + keep..end] {
            if *b != b'\n' && *b != b'\r' {
                *b = b'*';
            }
        }
    }
    // Only whole characters were replaced by ASCII, so the bytes are still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redacted(text: &str) -> String {
        Scanner::global().redact(text).into_owned()
    }

    #[test]
    fn plain_text_is_borrowed() {
        for text in [
            "",
            "FROM alpine:3.20",
            "RUN apt-get update && apt-get install -y --no-install-recommends curl",
            "COPY --from=builder /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib/",
            "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
            "gpg --recv-keys B42F6819007F00F88E364FD4036A9C25BF357DD4",
            "ENTRYPOINT [\"java\", \"-cp\", \"app:app/lib/*\", \"com.example.MyApplication2Server\"]",
            "https://github.com/SomeOrg/SomeRepo/releases/download/v1.2.3/Tool_Linux_x86_64.tar.gz",
            "org.springframework.boot.loader.launch.JarLauncher",
            "ENV npm_config_strict_ssl=false",
            "postgres://app:${DB_PASSWORD}@db:5432/app",
        ] {
            assert!(
                matches!(Scanner::global().redact(text), Cow::Borrowed(_)),
                "{text} -> {}",
                redacted(text)
            );
        }
    }

    #[test]
    fn credentials_are_masked_whatever_their_context() {
        let cases = [
            // An AWS secret key without its variable name.
            (
                "aws configure set x q8Hd0X+3kLpW7vNzR2tYbC5mJfA9sEgU1oKiT4hV",
                "q8Hd0X+3kLpW",
            ),
            // A URL password inside a JSON string.
            (
                r#"{"url": "https://admin:Tr0ub4dor&3horse@db.example.com/x"}"#,
                "Tr0ub4dor&3horse",
            ),
            // Prefixed tokens in a comment, with or without a valid checksum.
            ("# npm_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3d", "Ab3dEf6hIj9k"),
            ("# key sk_live_4eC39HqLyjWDarjtT1zdp7dc", "4eC39HqLyjWD"),
            (
                "RUN |2 GITHUB_TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 x",
                "aBcDeFgHiJkL",
            ),
            (
                "LABEL slack=xoxb-1234567890123-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
                "1234567890123",
            ),
            (
                "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                "dozjgNryP4J3",
            ),
        ];
        for (text, secret) in cases {
            let out = redacted(text);
            assert_eq!(out.len(), text.len(), "{out}");
            assert!(!out.contains(secret), "{text} -> {out}");
        }
        assert!(
            redacted("TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789")
                .starts_with("TOKEN=ghp_****")
        );
        assert_eq!(
            redacted("mysql://root:hunter2@localhost/db"),
            "mysql://root:*******@localhost/db"
        );
    }

    #[test]
    fn masking_keeps_lines_and_character_boundaries() {
        let text = "-----BEGIN OPENSSH PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIGl9uT1kZ2sYq7Vx0Pp+fE3wR8aN5cJhLmD4bQe6oKzS\n-----END OPENSSH PRIVATE KEY-----\né https://u:pässwörd@h";
        let out = redacted(text);
        assert_eq!(out.lines().count(), text.lines().count());
        assert!(!out.contains("IGl9uT1kZ2sYq7"));
        assert!(!out.contains("pässwörd"));
        assert!(out.ends_with("é https://u:**********@h"), "{out}");
    }
}
