//! Whether a variable or label name looks like it holds a secret. Matches whole words of the
//! name (split at `_`, `-`, `.` and camelCase), not substrings, so `KEYCLOAK_URL`,
//! `GPG_KEY` and `PASSWORD_FILE` are not flagged — dockle's substring match is its most
//! complained-about false positive.

fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for ch in name.chars() {
        if !ch.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if ch.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        current.push(ch.to_ascii_uppercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASS",
    "SECRET",
    "SECRETS",
    "TOKEN",
    "APIKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "PASSPHRASE",
    "PRIVATEKEY",
];
/// `KEY` alone is too common (`GPG_KEY` is a fingerprint); it counts after these words.
const KEY_QUALIFIERS: &[&str] = &[
    "API",
    "ACCESS",
    "PRIVATE",
    "SECRET",
    "AUTH",
    "CLIENT",
    "MASTER",
    "ENCRYPTION",
    "SIGNING",
    "LICENSE",
    "ACCOUNT",
];
/// A name ending in one of these holds a reference to a secret, not the secret.
const REFERENCE_SUFFIXES: &[&str] = &["FILE", "PATH", "DIR", "URL", "ID", "NAME", "USER", "ARN"];

pub fn is_secret_name(name: &str) -> bool {
    let words = words(name);
    if words
        .last()
        .is_some_and(|last| REFERENCE_SUFFIXES.contains(&last.as_str()))
    {
        return false;
    }
    words.iter().enumerate().any(|(i, word)| {
        SECRET_WORDS.contains(&word.as_str())
            || (word == "KEY" && i > 0 && KEY_QUALIFIERS.contains(&words[i - 1].as_str()))
    })
}

/// Whether a value is worth reporting: not empty, not a variable reference.
pub fn is_real_value(value: &str) -> bool {
    let value = value.trim().trim_matches('"').trim_matches('\'');
    !value.is_empty() && !value.starts_with('$')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_words_not_substrings() {
        for name in [
            "DB_PASSWORD",
            "apiKey",
            "AWS_SECRET_ACCESS_KEY",
            "GITHUB_TOKEN",
            "npm-token",
            "PRIVATE_KEY",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "GPG_KEY",
            "KEYCLOAK_URL",
            "PASSWORD_FILE",
            "PATH",
            "TOKEN_URL",
            "PWD",
            "KEYS",
            "BYPASS",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }
}
