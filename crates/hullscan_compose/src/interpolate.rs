//! Variable interpolation in Compose values, as the Compose Specification (§12) and compose-go's
//! `template` package define it: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
//! `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`, `$$` for a literal dollar,
//! and defaults that nest (`${A:-${B:-x}}`).
//!
//! Besides the text, the result says which variables had no value and no default: a linter
//! judges such a value "unknown" rather than passing or failing it.

use std::fmt;

/// A string after interpolation, with what it depended on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Interpolated {
    pub value: String,
    /// Variables that had no value and no default; each became the empty string.
    pub unresolved: Vec<String>,
    /// Variables whose default (`:-`/`-`) was used because they had no value.
    pub defaulted: Vec<String>,
    /// Whether the text held any `$VAR`/`${...}` reference at all.
    pub referenced: bool,
}

impl Interpolated {
    /// Whether the value depends on a variable that had neither a value nor a default.
    pub fn is_unknown(&self) -> bool {
        !self.unresolved.is_empty()
    }
}

/// Why a value could not be interpolated; Compose refuses the file for either.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InterpolationError {
    /// `${VAR:?message}` or `${VAR?message}` with VAR missing.
    Required { name: String, message: String },
    /// `${` not followed by a well-formed expression (`${}`, `${VAR/a/b}`, an unclosed brace).
    Invalid { text: String },
}

impl fmt::Display for InterpolationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InterpolationError::Required { name, message } if message.is_empty() => {
                write!(f, "required variable {name} is missing a value")
            }
            InterpolationError::Required { name, message } => {
                write!(f, "required variable {name} is missing a value: {message}")
            }
            InterpolationError::Invalid { text } => {
                write!(f, "invalid interpolation format in {text:?}")
            }
        }
    }
}

impl std::error::Error for InterpolationError {}

/// Interpolates `text`, looking variables up with `lookup` (`None` = unset).
pub fn interpolate<'v>(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<&'v str>,
) -> Result<Interpolated, InterpolationError> {
    let mut out = Interpolated::default();
    // Nesting is bounded by the text's length; a depth cap keeps hostile input off the stack.
    out.value = expand(text, lookup, &mut out, 0).map_err(|err| match err {
        Failure::Required { name, message } => InterpolationError::Required { name, message },
        Failure::Invalid => InterpolationError::Invalid {
            text: text.to_owned(),
        },
    })?;
    Ok(out)
}

/// Whether `text` holds a reference Compose would interpolate (`$$` alone does not count).
pub fn has_reference(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            match bytes.get(i + 1) {
                Some(b'$') => i += 2,
                Some(b'{') => return true,
                Some(&c) if is_name_start(c) => return true,
                _ => i += 1,
            }
        } else {
            i += 1;
        }
    }
    false
}

const MAX_DEPTH: usize = 64;

enum Failure {
    Required { name: String, message: String },
    Invalid,
}

fn is_name_start(c: u8) -> bool {
    c == b'_' || c.is_ascii_alphabetic()
}

fn is_name_char(c: u8) -> bool {
    c == b'_' || c.is_ascii_alphanumeric()
}

fn expand<'v>(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<&'v str>,
    out: &mut Interpolated,
    depth: usize,
) -> Result<String, Failure> {
    if depth > MAX_DEPTH {
        return Err(Failure::Invalid);
    }
    let bytes = text.as_bytes();
    let mut result = String::with_capacity(text.len());
    let mut i = 0;
    let mut literal_start = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        result.push_str(&text[literal_start..i]);
        match bytes.get(i + 1) {
            Some(b'$') => {
                result.push('$');
                i += 2;
            }
            Some(b'{') => {
                let close = closing_brace(bytes, i + 2).ok_or(Failure::Invalid)?;
                out.referenced = true;
                let inner = &text[i + 2..close];
                result.push_str(&braced(inner, lookup, out, depth)?);
                i = close + 1;
            }
            Some(&c) if is_name_start(c) => {
                let mut end = i + 1;
                while end < bytes.len() && is_name_char(bytes[end]) {
                    end += 1;
                }
                out.referenced = true;
                let name = &text[i + 1..end];
                match lookup(name) {
                    Some(value) => result.push_str(value),
                    None => push_unique(&mut out.unresolved, name),
                }
                i = end;
            }
            // A `$` before anything else stays as written (compose-go's behaviour; Compose v1
            // rejected it).
            _ => {
                result.push('$');
                i += 1;
            }
        }
        literal_start = i;
    }
    result.push_str(&text[literal_start..]);
    Ok(result)
}

/// The index of the `}` closing a `${` whose body starts at `from`, counting nested `${...}`.
fn closing_brace(bytes: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'$') => i += 1,
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// One `${...}` body.
fn braced<'v>(
    inner: &str,
    lookup: &dyn Fn(&str) -> Option<&'v str>,
    out: &mut Interpolated,
    depth: usize,
) -> Result<String, Failure> {
    let bytes = inner.as_bytes();
    if bytes.is_empty() || !is_name_start(bytes[0]) {
        return Err(Failure::Invalid);
    }
    let mut end = 1;
    while end < bytes.len() && is_name_char(bytes[end]) {
        end += 1;
    }
    let name = &inner[..end];
    let rest = &inner[end..];
    let value = lookup(name);
    let (colon, rest) = match rest.strip_prefix(':') {
        Some(after) => (true, after),
        None => (false, rest),
    };
    // With `:`, an empty value counts as missing.
    let present = match value {
        Some(v) => !(colon && v.is_empty()),
        None => false,
    };
    if rest.is_empty() {
        if colon {
            return Err(Failure::Invalid);
        }
        return Ok(match value {
            Some(v) => v.to_owned(),
            None => {
                push_unique(&mut out.unresolved, name);
                String::new()
            }
        });
    }
    let operand = &rest[1..];
    match rest.as_bytes()[0] {
        b'-' => {
            if present {
                Ok(value.unwrap_or_default().to_owned())
            } else {
                push_unique(&mut out.defaulted, name);
                expand(operand, lookup, out, depth + 1)
            }
        }
        b'?' => {
            if present {
                Ok(value.unwrap_or_default().to_owned())
            } else {
                Err(Failure::Required {
                    name: name.to_owned(),
                    message: operand.to_owned(),
                })
            }
        }
        b'+' => {
            if present {
                expand(operand, lookup, out, depth + 1)
            } else {
                Ok(String::new())
            }
        }
        _ => Err(Failure::Invalid),
    }
}

fn push_unique(list: &mut Vec<String>, name: &str) {
    if !list.iter().any(|seen| seen == name) {
        list.push(name.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, vars: &[(&str, &str)]) -> Result<Interpolated, InterpolationError> {
        let lookup = |name: &str| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| *value)
        };
        interpolate(text, &lookup)
    }

    fn value(text: &str, vars: &[(&str, &str)]) -> String {
        run(text, vars).unwrap().value
    }

    #[test]
    fn plain_and_braced_references() {
        let vars = [("TAG", "1.2"), ("REG", "ghcr.io")];
        assert_eq!(value("$REG/app:${TAG}", &vars), "ghcr.io/app:1.2");
        assert_eq!(value("no refs", &vars), "no refs");
        assert_eq!(value("$TAG-x", &vars), "1.2-x");
        assert_eq!(value("${TAG}x", &vars), "1.2x");
    }

    #[test]
    fn dollar_dollar_is_a_literal_dollar() {
        assert_eq!(
            value("echo $$HOME $${X}", &[("HOME", "/r")]),
            "echo $HOME ${X}"
        );
        assert!(!run("$$HOME", &[]).unwrap().referenced);
    }

    #[test]
    fn dollar_before_other_characters_stays() {
        assert_eq!(value("cost $5 and $ and $", &[]), "cost $5 and $ and $");
    }

    #[test]
    fn unset_without_default_is_empty_and_unknown() {
        let result = run("img:${TAG}", &[]).unwrap();
        assert_eq!(result.value, "img:");
        assert_eq!(result.unresolved, vec!["TAG"]);
        assert!(result.is_unknown());
    }

    #[test]
    fn colon_dash_default_covers_unset_and_empty() {
        assert_eq!(value("${A:-d}", &[]), "d");
        assert_eq!(value("${A:-d}", &[("A", "")]), "d");
        assert_eq!(value("${A:-d}", &[("A", "v")]), "v");
        let result = run("${A:-d}", &[]).unwrap();
        assert_eq!(result.defaulted, vec!["A"]);
        assert!(!result.is_unknown());
    }

    #[test]
    fn dash_default_covers_only_unset() {
        assert_eq!(value("${A-d}", &[]), "d");
        assert_eq!(value("${A-d}", &[("A", "")]), "");
        assert_eq!(value("${A-d}", &[("A", "v")]), "v");
    }

    #[test]
    fn defaults_may_be_empty_or_hold_specials() {
        assert_eq!(value("${A:-}", &[]), "");
        assert_eq!(value("${A:-a:b-c}", &[]), "a:b-c");
        assert_eq!(value("${A:-http://x:80/}", &[]), "http://x:80/");
    }

    #[test]
    fn required_forms() {
        assert_eq!(
            run("${A:?need A}", &[]),
            Err(InterpolationError::Required {
                name: "A".into(),
                message: "need A".into()
            })
        );
        assert!(run("${A:?x}", &[("A", "")]).is_err());
        assert_eq!(value("${A?x}", &[("A", "")]), "");
        assert!(run("${A?x}", &[]).is_err());
        assert_eq!(value("${A:?x}", &[("A", "v")]), "v");
        let message = run("${A?}", &[]).unwrap_err().to_string();
        assert_eq!(message, "required variable A is missing a value");
    }

    #[test]
    fn alternative_forms() {
        assert_eq!(value("${A:+alt}", &[("A", "v")]), "alt");
        assert_eq!(value("${A:+alt}", &[("A", "")]), "");
        assert_eq!(value("${A:+alt}", &[]), "");
        assert_eq!(value("${A+alt}", &[("A", "")]), "alt");
        assert_eq!(value("${A+alt}", &[]), "");
    }

    #[test]
    fn nested_defaults() {
        assert_eq!(value("${A:-${B:-x}}", &[]), "x");
        assert_eq!(value("${A:-${B:-x}}", &[("B", "b")]), "b");
        assert_eq!(value("${A:-${B:-x}}", &[("A", "a")]), "a");
        assert_eq!(value("${A:-pre-${B}-post}", &[("B", "b")]), "pre-b-post");
        assert_eq!(value("${A:-${B:-${C:-deep}}}!", &[]), "deep!");
        // A nested reference in an unused default does not make the value unknown.
        assert!(!run("${A:-${B}}", &[("A", "a")]).unwrap().is_unknown());
        assert!(run("${A:-${B}}", &[]).unwrap().is_unknown());
    }

    #[test]
    fn malformed_expressions_are_errors() {
        for text in [
            "${}", "${A", "${1A}", "${A/x/y}", "${A:}", "${A:x}", "x ${ y",
        ] {
            assert!(
                matches!(run(text, &[]), Err(InterpolationError::Invalid { .. })),
                "{text}"
            );
        }
    }

    #[test]
    fn names_are_case_sensitive_and_greedy() {
        assert_eq!(value("$Ab_1c.d", &[("Ab_1c", "v")]), "v.d");
        assert_eq!(value("$ab", &[("AB", "v")]), "");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = "${A:-".repeat(10_000) + &"}".repeat(10_000);
        assert!(run(&text, &[]).is_err());
    }

    #[test]
    fn detects_references() {
        assert!(has_reference("${A}"));
        assert!(has_reference("x$A"));
        assert!(!has_reference("$$A"));
        assert!(!has_reference("$1 and $"));
    }
}
