//! `name = value` secrets: the name decides whether the value may be a secret, the value's shape
//! decides whether it is one. Also BuildKit's `SecretsUsedInArgOrEnv` name rule, for Dockerfile
//! ARG/ENV keys.

use crate::validate::{self, CharClasses};

/// BuildKit's deny tokens: an ARG/ENV key holding one of these as a whole `_`-delimited word
/// (case-insensitive) is treated as sensitive.
const BUILDKIT_DENY_TOKENS: &[&str] = &[
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
];
/// BuildKit's allow tokens: any of these as a whole word makes the key not sensitive.
const BUILDKIT_ALLOW_TOKENS: &[&str] = &["public", "file", "version"];

/// Whether an ARG/ENV key is sensitive by BuildKit's `SecretsUsedInArgOrEnv` rule: one of its
/// `_`-separated words is a deny token and none is an allow token (ASCII case-insensitive).
/// `GITHUB_TOKEN` and `DB_PASSWORD` are sensitive; `TOKENIZER`, `GOPRIVATE`, `API_KEY_FILE`
/// and `KEY_VERSION` are not.
pub fn name_is_sensitive(name: &str) -> bool {
    let has = |set: &[&str]| {
        name.split('_')
            .any(|word| set.iter().any(|t| t.eq_ignore_ascii_case(word)))
    };
    has(BUILDKIT_DENY_TOKENS) && !has(BUILDKIT_ALLOW_TOKENS)
}

/// Words that make a secret-looking name something else (a path, an id, a length, ...).
const NAME_ALLOW_WORDS: &[&str] = &[
    "public",
    "pub",
    "file",
    "files",
    "path",
    "dir",
    "directory",
    "version",
    "id",
    "ids",
    "name",
    "names",
    "type",
    "length",
    "len",
    "size",
    "count",
    "min",
    "max",
    "timeout",
    "ttl",
    "expiry",
    "expires",
    "expiration",
    "lifetime",
    "header",
    "prefix",
    "suffix",
    "endpoint",
    "url",
    "uri",
    "username",
    "policy",
    "hint",
    "field",
    "param",
    "env",
    "var",
    "format",
    "mode",
    "enabled",
    "enable",
    "required",
    "gpg",
    "pgp",
    "fingerprint",
    "checksum",
    "sha",
    "sha1",
    "sha256",
    "sha512",
    "md5",
    "hash",
    "algorithm",
    "alg",
    "method",
    "cache",
    "limit",
    "regex",
    "pattern",
    "label",
    "location",
    "manager",
    "provider",
    "source",
    "kind",
    "class",
    "len",
    "reset",
    "forgot",
    "confirm",
    "confirmation",
    "policy",
    "strength",
    "validation",
    "input",
    "label",
    "placeholder",
    "index",
    "keys",
    "fn",
    "func",
    "callback",
    "ptr",
    "ref",
    "node",
    "kind",
];

/// Words that make a name secret on their own.
const NAME_SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pword",
    "passphrase",
    "secret",
    "secrets",
    "token",
    "apikey",
    "credential",
    "credentials",
];
/// Qualifiers that make `key` a secret word (`api_key`, `access_key`, ...); a bare `key` is
/// too common (i18n keys, map keys, GPG keys) to mean a secret.
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "access",
    "secret",
    "private",
    "auth",
    "client",
    "master",
    "encryption",
    "signing",
    "account",
    "app",
    "service",
    "storage",
    "license",
];

/// Splits an identifier into lower-cased words at non-alphanumerics and camelCase humps.
fn name_words(name: &[u8]) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for &b in name {
        if !b.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if b.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
        current.push(char::from(b.to_ascii_lowercase()));
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether a name (any identifier style) names a secret, for generic `name = value` scanning.
pub(crate) fn generic_name_is_secret(name: &[u8]) -> bool {
    let words = name_words(name);
    if words.iter().any(|w| NAME_ALLOW_WORDS.contains(&w.as_str())) {
        return false;
    }
    let secret_word = words
        .iter()
        .any(|w| NAME_SECRET_WORDS.contains(&w.as_str()));
    let qualified_key = words
        .windows(2)
        .any(|pair| pair[1] == "key" && KEY_QUALIFIERS.contains(&pair[0].as_str()));
    secret_word || qualified_key
}

/// Weak, well-known values that are defaults or examples, not secrets worth a finding.
const COMMON_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "secret",
    "admin",
    "root",
    "test",
    "guest",
    "letmein",
    "qwerty",
    "welcome",
    "default",
    "changeme",
    "changeit",
    "postgres",
    "mysql",
    "redis",
    "docker",
    "user",
    "token",
    "example",
    "demo",
    "sample",
    "foobar",
    "foo",
    "bar",
    "none",
    "null",
    "true",
    "false",
    "undefined",
    "empty",
    "mypassword",
    "mysecret",
    "secretpassword",
    "supersecret",
    "testing",
    "development",
    "production",
    "rabbitmq",
    "minio",
    "minioadmin",
    "jenkins",
    "oracle",
    "sa",
    "administrator",
    "master",
    "public",
    "private",
    "required",
    "optional",
    "string",
    "value",
];

/// Normalises leetspeak so `P@ssw0rd1` compares equal to `password`.
fn unleet(value: &[u8]) -> String {
    value
        .iter()
        .filter_map(|&b| match b.to_ascii_lowercase() {
            b'@' | b'4' => Some('a'),
            b'0' => Some('o'),
            b'1' | b'!' => Some('i'),
            b'3' => Some('e'),
            b'$' | b'5' => Some('s'),
            b'7' => Some('t'),
            c if c.is_ascii_lowercase() => Some(char::from(c)),
            _ => None,
        })
        .collect()
}

const FILE_SUFFIXES: &[&str] = &[
    ".txt",
    ".pem",
    ".key",
    ".json",
    ".yaml",
    ".yml",
    ".env",
    ".conf",
    ".cfg",
    ".ini",
    ".crt",
    ".p12",
    ".pfx",
    ".jks",
    ".toml",
    ".xml",
    ".properties",
    ".secret",
    ".gpg",
    ".asc",
];

/// Whether a value assigned to a secret-named key looks like a real secret rather than a
/// placeholder, a reference, a path, a word or an identifier.
pub(crate) fn value_looks_secret(value: &[u8]) -> bool {
    if value.len() < 8 || value.len() > 256 {
        return false;
    }
    if validate::is_placeholder(value) || validate::fails_provider_checksum(value) {
        return false;
    }
    if value.contains(&b'$')
        || value.starts_with(b"/")
        || value.starts_with(b"./")
        || value.starts_with(b"~/")
        || memchr::memmem::find(value, b"://").is_some()
    {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    if FILE_SUFFIXES.iter().any(|s| lower.ends_with(s.as_bytes())) {
        return false;
    }
    // Numeric literals with a type suffix (`131072u32`) or in hex (`0x7fff_ffff`).
    if value.first().is_some_and(u8::is_ascii_digit)
        && [&b"u8"[..], b"u16", b"u32", b"u64", b"i32", b"i64", b"usize"]
            .iter()
            .any(|s| value.ends_with(s))
        || value.starts_with(b"0x")
    {
        return false;
    }
    // Versions and numbers: 1.2.3, 20240101.
    if value
        .iter()
        .all(|b| b.is_ascii_digit() || *b == b'.' || *b == b'-')
    {
        return false;
    }
    let stem = value.strip_suffix(b"!").unwrap_or(value).trim_ascii_end();
    let stem_end = stem.len() - stem.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    let unleeted = unleet(&stem[..stem_end]);
    if COMMON_WORDS.contains(&unleeted.as_str()) {
        return false;
    }
    if value.windows(2).any(|w| w == b"::") || is_wordlike_identifier(value) {
        return false;
    }
    // JWTs are judged by their own detector (which rejects `alg: none`).
    if value.starts_with(b"eyJ") && value.iter().filter(|&&b| b == b'.').count() == 2 {
        return false;
    }
    let classes = CharClasses::of(value);
    if classes.count() < 2 {
        return false;
    }
    validate::shannon_entropy(value) >= validate::entropy_floor(value.len(), 0.72, 3.0)
}

/// Whether a value reads as an identifier or phrase (`_bindgen_ty_7`, `TokenStream`,
/// `my-secret-name`): split at punctuation and camelCase humps, every piece is a word (letters
/// only) or a short number, and the pieces are word-length on average. Random strings mix
/// letters and digits inside pieces, or switch case every character or two.
fn is_wordlike_identifier(value: &[u8]) -> bool {
    let mut pieces: Vec<&[u8]> = Vec::new();
    for part in value.split(|b| !b.is_ascii_alphanumeric()) {
        let mut start = 0;
        for i in 1..part.len() {
            if part[i].is_ascii_uppercase() && part[i - 1].is_ascii_lowercase() {
                pieces.push(&part[start..i]);
                start = i;
            }
        }
        if start < part.len() {
            pieces.push(&part[start..]);
        }
    }
    if pieces.is_empty() {
        return true;
    }
    // A word is lowercase, UPPERCASE or Capitalised; random letters switch case irregularly.
    let wordlike = pieces.iter().all(|piece| {
        let alphabetic = piece.iter().all(u8::is_ascii_alphabetic);
        let rest = &piece[1..];
        (alphabetic
            && (piece.iter().all(u8::is_ascii_lowercase)
                || piece.iter().all(u8::is_ascii_uppercase)
                || rest.iter().all(u8::is_ascii_lowercase)))
            || (piece.len() <= 4 && piece.iter().all(u8::is_ascii_digit))
    });
    let letters: usize = pieces.iter().map(|p| p.len()).sum();
    wordlike && letters >= 3 * pieces.len()
}

/// One `name = value` candidate on a line.
pub(crate) struct AssignmentMatch {
    /// Byte range of the name within the searched text.
    pub name: std::ops::Range<usize>,
    /// Byte range of the value within the searched text.
    pub value: std::ops::Range<usize>,
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// Parses the assignment around a keyword hit at `hit` in `text` (the hit's line).
pub(crate) fn parse_assignment(text: &[u8], hit: usize) -> Option<AssignmentMatch> {
    let mut start = hit;
    while start > 0 && is_name_byte(text[start - 1]) {
        start -= 1;
    }
    let mut end = hit;
    while end < text.len() && is_name_byte(text[end]) {
        end += 1;
    }
    let name = start..end;
    // A path segment (`crate::token::Paren`) is not a key.
    if start >= 2 && &text[start - 2..start] == b"::" {
        return None;
    }
    let mut i = end;
    // A quoted key: `"password": "..."`.
    if start > 0 && matches!(text[start - 1], b'"' | b'\'') && text.get(i) == Some(&text[start - 1])
    {
        i += 1;
    }
    let skip_blanks = |mut i: usize| {
        while i < text.len() && matches!(text[i], b' ' | b'\t') {
            i += 1;
        }
        i
    };
    let after_name = i;
    i = skip_blanks(i);
    match (text.get(i), text.get(i + 1)) {
        (Some(b'='), Some(b'=' | b'~'))
        | (Some(b':'), Some(b':'))
        | (Some(b'!' | b'<' | b'>'), _) => {
            return None;
        }
        (Some(b'='), Some(b'>')) | (Some(b':'), Some(b'=')) => i += 2,
        (Some(b'=' | b':'), _) => i += 1,
        _ => {
            // Whitespace-separated forms: `--password VALUE` and Dockerfile `ENV KEY value`.
            let flag = text[start..end].starts_with(b"-");
            let legacy_env = {
                let line_head = &text[..start];
                let trimmed = line_head.trim_ascii();
                trimmed.eq_ignore_ascii_case(b"env") || trimmed.eq_ignore_ascii_case(b"arg")
            };
            if !(flag || legacy_env) || i == after_name {
                return None;
            }
        }
    }
    i = skip_blanks(i);
    let quote = match text.get(i) {
        Some(&q @ (b'"' | b'\'' | b'`')) => {
            i += 1;
            Some(q)
        }
        _ => None,
    };
    let value_start = i;
    let value_end = match quote {
        Some(q) => value_start + memchr::memchr(q, &text[value_start..])?,
        None => {
            let mut j = value_start;
            while j < text.len()
                && !text[j].is_ascii_whitespace()
                && !matches!(
                    text[j],
                    b',' | b';' | b'&' | b')' | b'}' | b']' | b'"' | b'\'' | b'<' | b'>'
                )
            {
                // Code, not a value: `Token![:]`, `make_token(x)`, `tokens[0]`.
                if matches!(text[j], b'(' | b'[' | b'{')
                    || (text[j] == b'!' && matches!(text.get(j + 1), Some(b'[' | b'(')))
                {
                    return None;
                }
                j += 1;
            }
            j
        }
    };
    // Member access in code: `node.dot2_token`, `self.token`, `config.secret_key`.
    if quote.is_none() {
        // A type annotation, not a value: `TOKEN_READ: TOKEN_ACCESS_MASK = 131072u32` or a
        // struct field `pub token: TokenHandle,`.
        let rest = &text[value_end..];
        let next = rest.iter().copied().find(|b| !matches!(b, b' ' | b'\t'));
        let head = text[..start].trim_ascii_end();
        if text[after_name..].trim_ascii_start().starts_with(b":")
            && (matches!(next, Some(b'=' | b',')) || head.ends_with(b"pub") || head.ends_with(b")"))
        {
            return None;
        }
        let value = &text[value_start..value_end];
        if let Some(dot) = memchr::memchr(b'.', value) {
            let head = &value[..dot];
            if !head.is_empty() && head.iter().all(|b| b.is_ascii_lowercase() || *b == b'_') {
                return None;
            }
        }
    }
    (value_end > value_start).then_some(AssignmentMatch {
        name,
        value: value_start..value_end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buildkit_name_rule() {
        for sensitive in [
            "GITHUB_TOKEN",
            "db_password",
            "AWS_SECRET_ACCESS_KEY",
            "apikey",
            "AUTH",
        ] {
            assert!(name_is_sensitive(sensitive), "{sensitive}");
        }
        for fine in [
            "TOKENIZER",
            "GOPRIVATE",
            "API_KEY_FILE",
            "KEY_VERSION",
            "PUBLIC_KEY",
            "USERNAME",
            "PASSWORDS",
        ] {
            assert!(!name_is_sensitive(fine), "{fine}");
        }
    }

    #[test]
    fn generic_names() {
        assert!(generic_name_is_secret(b"dbPassword"));
        assert!(generic_name_is_secret(b"STRIPE_API_KEY"));
        assert!(generic_name_is_secret(b"client-secret"));
        assert!(!generic_name_is_secret(b"tokenizer"));
        assert!(!generic_name_is_secret(b"PASSWORD_FILE"));
        assert!(!generic_name_is_secret(b"GPG_KEY"));
        assert!(!generic_name_is_secret(b"sort_key"));
    }

    #[test]
    fn values() {
        assert!(value_looks_secret(b"q8Fz2LmPw0cYt7Rk"));
        assert!(value_looks_secret(b"3f9a1c07be5d42e8a6b0c9d1e2f3a4b5"));
        for not_secret in [
            &b"changeme"[..],
            b"P@ssw0rd1",
            b"${DB_PASSWORD}",
            b"/run/secrets/db",
            b"MY_SECRET_NAME",
            b"mysecretpassword",
            b"secret.txt",
            b"1.2.3",
            b"_bindgen_ty_7",
            b"TokenStream",
            b"token::Paren",
        ] {
            assert!(
                !value_looks_secret(not_secret),
                "{}",
                String::from_utf8_lossy(not_secret)
            );
        }
    }

    #[test]
    fn parses_forms() {
        let text = br#"  "password": "hunter2-Xy9zQ""#;
        let hit = memchr::memmem::find(text, b"password").unwrap();
        let m = parse_assignment(text, hit).unwrap();
        assert_eq!(&text[m.value], b"hunter2-Xy9zQ");
        let text = b"ENV DB_PASSWORD s3cr3tValue9";
        let hit = memchr::memmem::find(text, b"PASSWORD").unwrap();
        let m = parse_assignment(text, hit).unwrap();
        assert_eq!(&text[m.name], b"DB_PASSWORD");
        assert_eq!(&text[m.value], b"s3cr3tValue9");
        let text = b"if password == other:";
        let hit = memchr::memmem::find(text, b"password").unwrap();
        assert!(parse_assignment(text, hit).is_none());
    }
}
