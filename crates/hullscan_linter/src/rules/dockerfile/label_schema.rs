//! The label schema (hadolint's `label-schema`): which labels an image must carry and what
//! their values must look like, plus the value checks the schema rules share.

use hullscan_diagnostics::RuleMeta;
use hullscan_dockerfile::{Arguments, Instruction, KeyValue, Keyword};

use super::stage_scan::unquoted;
use crate::checker::Checker;

/// The pairs of a `LABEL` or `ONBUILD LABEL`.
pub(crate) fn label_pairs(instruction: &Instruction) -> &[KeyValue] {
    let label = instruction.onbuild.as_deref().unwrap_or(instruction);
    match (&label.keyword, &label.args) {
        (Keyword::Label, Arguments::KeyValues(list)) => &list.pairs,
        _ => &[],
    }
}

/// Reports every `LABEL` pair whose key the schema gives type `kind` and whose value `valid`
/// rejects. Values that use a variable are resolved only at build time, so they are skipped.
pub(crate) fn check_typed_labels(
    checker: &Checker,
    instruction: &Instruction,
    kind: &str,
    rule: &RuleMeta,
    valid: fn(&str) -> bool,
    expected: &str,
) {
    for pair in label_pairs(instruction) {
        let key = unquoted(&pair.key);
        if checker.settings.label_schema.get(key).map(String::as_str) != Some(kind) {
            continue;
        }
        let value = unquoted(pair.value.as_deref().unwrap_or(""));
        if value.contains('$') || valid(value) {
            continue;
        }
        checker.report_at(
            rule,
            format!("label `{key}` should be {expected}, not `{value}`"),
            pair.value_range.unwrap_or(pair.range),
            None,
        );
    }
}

/// An absolute URI: `scheme:rest` with a valid scheme and no whitespace.
pub(crate) fn is_uri(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// An RFC 3339 date-time: `2024-05-01T12:30:00Z`, with optional fraction and `±hh:mm` offset.
pub(crate) fn is_rfc3339(value: &str) -> bool {
    fn number(text: &str, range: std::ops::Range<usize>, max: u32) -> Option<u32> {
        let part = text.get(range)?;
        if !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        part.parse().ok().filter(|n| *n <= max)
    }
    let v = value;
    let date_ok = number(v, 0..4, 9999).is_some()
        && v.get(4..5) == Some("-")
        && number(v, 5..7, 12).is_some_and(|m| m >= 1)
        && v.get(7..8) == Some("-")
        && number(v, 8..10, 31).is_some_and(|d| d >= 1);
    let time_ok = matches!(v.get(10..11), Some("T" | "t" | " "))
        && number(v, 11..13, 23).is_some()
        && v.get(13..14) == Some(":")
        && number(v, 14..16, 59).is_some()
        && v.get(16..17) == Some(":")
        && number(v, 17..19, 60).is_some();
    if !(date_ok && time_ok) {
        return false;
    }
    let mut rest = &v[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &fraction[digits..];
    }
    match rest {
        "Z" | "z" => true,
        offset => {
            offset.len() == 6
                && offset.starts_with(['+', '-'])
                && number(offset, 1..3, 23).is_some()
                && offset.get(3..4) == Some(":")
                && number(offset, 4..6, 59).is_some()
        }
    }
}

/// A valid SPDX licence expression (`MIT`, `Apache-2.0 OR MIT`).
pub(crate) fn is_spdx(value: &str) -> bool {
    spdx::Expression::parse(value).is_ok()
}

/// A short (7) or full (40) git commit hash in lower-case hex.
pub(crate) fn is_git_hash(value: &str) -> bool {
    matches!(value.len(), 7 | 40)
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A semantic version (`1.2.3`, `1.0.0-rc.1+build.5`).
pub(crate) fn is_semver(value: &str) -> bool {
    semver::Version::parse(value).is_ok()
}

/// An RFC 5322 address (`local@domain`): a dot-atom or quoted local part, a dot-atom domain or
/// an address literal.
pub(crate) fn is_email(value: &str) -> bool {
    fn is_atext(c: char) -> bool {
        c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c)
    }
    fn is_dot_atom(text: &str) -> bool {
        !text.is_empty()
            && text
                .split('.')
                .all(|atom| !atom.is_empty() && atom.chars().all(is_atext))
    }
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    let local_ok = is_dot_atom(local)
        || (local.len() >= 2
            && local.starts_with('"')
            && local.ends_with('"')
            && !local[1..local.len() - 1].contains(['"', '\\']));
    let domain_ok = is_dot_atom(domain)
        || (domain.starts_with('[') && domain.ends_with(']') && domain.len() > 2);
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_formats() {
        assert!(is_uri("http://example.com") && is_uri("mailto:a@b.c") && !is_uri("not-url"));
        assert!(
            is_rfc3339("2021-03-10T10:26:33.564595127+01:00") && is_rfc3339("2024-01-01T00:00:00Z")
        );
        assert!(
            !is_rfc3339("not-date")
                && !is_rfc3339("2024-13-01T00:00:00Z")
                && !is_rfc3339("2024-01-01")
        );
        assert!(is_spdx("BSD-3-Clause") && is_spdx("MIT OR Apache-2.0") && !is_spdx("not-spdx"));
        assert!(is_git_hash("2dbfae9") && is_git_hash("43c572f1272b6b3171dd1db9e41b7027128ce080"));
        assert!(!is_git_hash("not-git-hash") && !is_git_hash("2DBFAE9"));
        assert!(is_semver("1.0.0") && !is_semver("not-sem-ver") && !is_semver("1.0"));
        assert!(
            is_email("abcd@google.com")
                && !is_email("not-email")
                && !is_email("a@@b")
                && !is_email("@b.c")
        );
    }
}
