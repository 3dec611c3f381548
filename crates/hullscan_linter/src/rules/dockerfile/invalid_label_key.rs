//! HS263: LABEL keys outside Docker's key format.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;

use super::label_schema::label_pairs;
use super::stage_scan::unquoted;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `LABEL` keys that do not follow Docker's guidelines for label keys: lower-case
    /// letters, digits, `.`, `-` and `/`, starting with a letter and ending with a letter or
    /// digit, without `..` or `--`, and outside the namespaces Docker reserves
    /// (`com.docker.`, `io.docker.`, `org.dockerproject.`).
    ///
    /// ## Why is this bad?
    /// Tools that read labels (registries, scanners, orchestrators) expect this format; keys
    /// outside it may be rejected, mangled or clash with Docker's own labels. Reverse-DNS keys
    /// such as `org.opencontainers.image.source` keep labels from different tools apart.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL com.docker.version="1.0"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version="1.0"
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3048`
    pub static INVALID_LABEL_KEY = {
        code: "HS263",
        name: "invalid-label-key",
        aliases: ["DL3048"],
        severity: Style,
        category: Style,
        fix: None,
        summary: "`LABEL` key outside Docker's label key format",
    };
}

const RESERVED: &[&str] = &["com.docker.", "io.docker.", "org.dockerproject."];

/// Why `key` is not a valid label key, or `None` when it is.
fn key_problem(key: &str) -> Option<&'static str> {
    if RESERVED.iter().any(|prefix| key.starts_with(prefix)) {
        return Some("uses a namespace Docker reserves");
    }
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("must start with a lower-case letter");
    }
    if !key.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Some("must end with a lower-case letter or digit");
    }
    if !key
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-/_".contains(c))
    {
        return Some("may only use lower-case letters, digits, `.`, `-`, `_` and `/`");
    }
    if key.contains("..") || key.contains("--") {
        return Some("must not contain `..` or `--`");
    }
    None
}

/// HS263
pub(crate) fn invalid_label_key(checker: &mut Checker, _: usize, instruction: &Instruction) {
    for pair in label_pairs(instruction) {
        let key = unquoted(&pair.key);
        if let Some(problem) = key_problem(key) {
            checker.report_at(
                &INVALID_LABEL_KEY,
                format!("label key `{key}` {problem}"),
                pair.key_range,
                None,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::key_problem;

    #[test]
    fn label_keys() {
        for valid in [
            "validlabel",
            "org.valid-key.label3",
            "maintainer",
            "org.opencontainers.image.source",
        ] {
            assert_eq!(key_problem(valid), None, "{valid}");
        }
        for invalid in [
            "com.docker.x",
            "invalid$character",
            ".invalid",
            "1invalid",
            "a..b",
            "a--b",
            "Upper",
            "x-",
        ] {
            assert!(key_problem(invalid).is_some(), "{invalid}");
        }
    }
}
