//! HS005: an instruction BuildKit's instructions layer rejects (unknown keyword, wrong number of
//! arguments, unknown or malformed flag, bad stage name, bad HEALTHCHECK or SHELL).

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::{
    Arguments, Flag, HealthcheckArgs, HealthcheckCommand, Instruction, Keyword,
};

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Reports an instruction that `docker build` rejects before it runs anything, with
    /// BuildKit's own message:
    /// - an unknown instruction (`unknown instruction: FOOBAR`, with BuildKit's "did you mean"
    ///   suggestion), which is what a forgotten `\` at the end of a `RUN` line usually leaves
    ///   behind: the next line becomes an "instruction" of its own;
    /// - too few or too many arguments: `COPY onlyone`, `ADD x`, and a bare `WORKDIR`, `ENV`,
    ///   `LABEL`, `ARG`, `USER`, `EXPOSE`, `VOLUME`, `STOPSIGNAL`, `ONBUILD`, `HEALTHCHECK`,
    ///   `MAINTAINER` or `FROM`;
    /// - a flag the instruction does not have, a repeated flag, a string flag without `=value`,
    ///   or a boolean flag whose value is not `true`/`false`;
    /// - a stage name that is not a lower-case letter followed by letters, digits, `-`, `_`
    ///   or `.`;
    /// - `HEALTHCHECK` with an unknown type, `NONE` with arguments, `CMD` without a command, or
    ///   a bad duration or retry count; `SHELL` not in JSON form, or empty;
    /// - an empty `ENV`, `LABEL` or `ARG` name, an empty `VOLUME` path, and a heredoc used as
    ///   the destination of `COPY`/`ADD`.
    ///
    /// Chained or forbidden `ONBUILD` triggers and instructions before the first `FROM` have
    /// rules of their own (`onbuild-forbidden-trigger`, `instruction-before-from`).
    ///
    /// ## Why is this bad?
    /// The build stops at the first of these errors. hullscan reports every one, so a whole
    /// file can be fixed in one go.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache \
    ///     curl
    ///     git
    /// COPY app.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache \
    ///     curl \
    ///     git
    /// COPY app.tar.gz /opt/
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference](https://docs.docker.com/reference/dockerfile/)
    pub static INVALID_INSTRUCTION = {
        code: "HS005",
        name: "invalid-instruction",
        aliases: [],
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "BuildKit rejects the instruction (unknown, wrong arguments or flags)",
    };
}

/// HS005
pub(crate) fn invalid_instruction(checker: &mut Checker) {
    let parse = checker.parse;
    for instruction in checker.instructions() {
        // The parser already reported this one (HS001): one problem, one finding.
        if parse
            .errors
            .iter()
            .any(|error| instruction.range.contains_range(error.range))
        {
            continue;
        }
        if let Some(message) = instruction_error(instruction) {
            let range = if instruction.keyword == Keyword::Unknown {
                instruction.keyword_range
            } else {
                instruction.range
            };
            checker.report_at(&INVALID_INSTRUCTION, message, range, None);
        }
    }
}

/// BuildKit's error for `instruction`, in the order its instructions layer checks, or `None`
/// when it accepts it.
pub fn instruction_error(instruction: &Instruction) -> Option<String> {
    let name = instruction.keyword.as_str();
    let words = word_values(instruction);
    let count = words.len();
    let flags = |spec: &[(&str, FlagKind)]| check_flags(&instruction.flags, spec);
    match instruction.keyword {
        Keyword::Unknown => Some(unknown_instruction(&instruction.keyword_text)),
        Keyword::Env | Keyword::Label => flags(&[])
            .err()
            .or_else(|| key_value_error(instruction, name)),
        Keyword::Maintainer | Keyword::Workdir | Keyword::User => (count != 1)
            .then(|| exactly_one(name))
            .or_else(|| flags(&[]).err()),
        Keyword::Stopsignal => (count != 1).then(|| exactly_one(name)),
        Keyword::Add | Keyword::Copy => {
            if count < 2 {
                return Some(format!(
                    "{name} requires at least two arguments, but only one was provided. \
                     Destination could not be determined"
                ));
            }
            let spec: &[(&str, FlagKind)] = if instruction.keyword == Keyword::Copy {
                &COPY_FLAGS
            } else {
                &ADD_FLAGS
            };
            if let Err(error) = flags(spec) {
                return Some(error);
            }
            let destination = words.last().copied().unwrap_or_default();
            is_heredoc_word(destination)
                .then(|| format!("{name} cannot accept a heredoc as a destination"))
        }
        Keyword::From => from_error(&words).or_else(|| flags(&FROM_FLAGS).err()),
        Keyword::Onbuild => {
            // Chained and forbidden triggers are HS258's; only a missing trigger is ours.
            let Some(_) = instruction.onbuild.as_deref() else {
                return Some(at_least_one(name));
            };
            flags(&[]).err()
        }
        Keyword::Run => flags(&RUN_FLAGS).err(),
        Keyword::Cmd | Keyword::Entrypoint => flags(&[]).err(),
        Keyword::Healthcheck => healthcheck_error(instruction),
        Keyword::Expose => (count == 0)
            .then(|| at_least_one(name))
            .or_else(|| flags(&[]).err()),
        Keyword::Volume => {
            if count == 0 {
                return Some(at_least_one(name));
            }
            if let Err(error) = flags(&[]) {
                return Some(error);
            }
            words
                .iter()
                .any(|word| word.trim().is_empty())
                .then(|| "VOLUME specified can not be an empty string".to_owned())
        }
        Keyword::Arg => {
            let Arguments::Arg(pairs) = &instruction.args else {
                return None;
            };
            if pairs.is_empty() {
                return Some(at_least_one(name));
            }
            if pairs
                .iter()
                .any(|pair| pair.key.is_empty() && pair.value.is_some())
            {
                return Some(blank_names(name));
            }
            flags(&[]).err()
        }
        Keyword::Shell => {
            if let Err(error) = flags(&[]) {
                return Some(error);
            }
            match &instruction.args {
                Arguments::Exec(exec) if exec.words.is_empty() => Some(at_least_one(name)),
                Arguments::Exec(_) => None,
                Arguments::Shell(text) if text.value.trim().is_empty() => Some(at_least_one(name)),
                _ => Some(format!("{name} requires the arguments to be in JSON form")),
            }
        }
    }
}

fn exactly_one(name: &str) -> String {
    format!("{name} requires exactly one argument")
}

fn at_least_one(name: &str) -> String {
    format!("{name} requires at least one argument")
}

fn blank_names(name: &str) -> String {
    format!("{name} names can not be blank")
}

/// ENV/LABEL: at least one pair, no blank key.
fn key_value_error(instruction: &Instruction, name: &str) -> Option<String> {
    let Arguments::KeyValues(list) = &instruction.args else {
        return None;
    };
    if list.pairs.is_empty() {
        return Some(at_least_one(name));
    }
    list.pairs
        .iter()
        .any(|pair| pair.key.is_empty())
        .then(|| blank_names(name))
}

/// The argument values BuildKit counts (`nodeArgs`): the words of the instruction's form.
fn word_values(instruction: &Instruction) -> Vec<&str> {
    match &instruction.args {
        Arguments::Exec(exec) => exec.words.iter().map(|w| w.value.as_str()).collect(),
        Arguments::Shell(text) if text.value.is_empty() => Vec::new(),
        Arguments::Shell(text) => vec![text.value.as_str()],
        Arguments::KeyValues(list) => list.pairs.iter().map(|p| p.key.as_str()).collect(),
        Arguments::Arg(pairs) => pairs.iter().map(|p| p.key.as_str()).collect(),
        Arguments::From(from) => from.words.iter().map(|w| w.value.as_str()).collect(),
        Arguments::Healthcheck(health) => health.kind.iter().map(|w| w.value.as_str()).collect(),
        Arguments::Words(words) => words.iter().map(|w| w.value.as_str()).collect(),
    }
}

/// `unknown instruction: X`, plus BuildKit's suggestion when a keyword is within edit
/// distance 2 (case-insensitively, the suggestion in the case the word was written in).
fn unknown_instruction(keyword: &str) -> String {
    let mut message = format!("unknown instruction: {keyword}");
    let lower = keyword.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for known in Keyword::ALL {
        let option = known.as_str().to_ascii_lowercase();
        let distance = strsim::levenshtein(&lower, &option);
        if distance < best.map_or(3, |(d, _)| d) {
            best = Some((distance, known.as_str()));
        }
    }
    if let Some((_, known)) = best {
        let suggestion = if keyword == keyword.to_lowercase() {
            known.to_ascii_lowercase()
        } else if keyword == keyword.to_uppercase() {
            known.to_owned()
        } else {
            known.to_ascii_lowercase()
        };
        message.push_str(&format!(" (did you mean {suggestion}?)"));
    }
    message
}

/// FROM: one word, or three with `AS` in the middle and a valid stage name.
fn from_error(words: &[&str]) -> Option<String> {
    match words {
        [_, as_word, stage] if as_word.eq_ignore_ascii_case("as") => {
            let lower = stage.to_lowercase();
            (!is_valid_stage_name(&lower)).then(|| {
                format!(
                    "invalid name for build stage: {}, name can't start with a number or \
                     contain symbols",
                    go_quote(stage)
                )
            })
        }
        [_] => None,
        _ => Some("FROM requires either one or three arguments".to_owned()),
    }
}

/// `^[a-z][a-z0-9-_.]*$`, BuildKit's stage-name pattern.
fn is_valid_stage_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
}

/// A string quoted the way Go's `%q` / `%#v` prints it (enough for messages).
fn go_quote(text: &str) -> String {
    format!("{text:?}")
}

/// Whether `word` is a heredoc word (`<<EOF`, `<<-EOF`, `3<<EOF`), as BuildKit's
/// `MustParseHeredoc` decides for a COPY/ADD destination.
fn is_heredoc_word(word: &str) -> bool {
    let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
    let Some(rest) = rest.strip_prefix("<<") else {
        return false;
    };
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    !rest.is_empty() && !rest.contains('<')
}

fn healthcheck_error(instruction: &Instruction) -> Option<String> {
    let Arguments::Healthcheck(HealthcheckArgs { kind, command }) = &instruction.args else {
        return None;
    };
    let Some(kind) = kind else {
        return Some(at_least_one("HEALTHCHECK"));
    };
    let kind = kind.value.to_uppercase();
    let has_command = match command {
        None => false,
        Some(HealthcheckCommand::Exec(exec)) => !exec.words.is_empty(),
        Some(HealthcheckCommand::Shell(text)) => !text.value.trim().is_empty(),
    };
    if kind == "NONE" {
        // BuildKit does not look at the flags of `HEALTHCHECK NONE`.
        return has_command.then(|| "HEALTHCHECK NONE takes no arguments".to_owned());
    }
    if let Err(error) = check_flags(&instruction.flags, &HEALTHCHECK_FLAGS) {
        return Some(error);
    }
    if kind != "CMD" {
        return Some(format!(
            "Unknown type {} in HEALTHCHECK (try CMD)",
            go_quote(&kind)
        ));
    }
    if !has_command {
        return Some("Missing command after HEALTHCHECK CMD".to_owned());
    }
    for name in ["interval", "timeout", "start-period", "start-interval"] {
        let Some(value) = instruction.flag(name).and_then(|f| f.value.as_deref()) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        match go_duration_nanos(value) {
            None => return Some(format!("time: invalid duration {}", go_quote(value))),
            Some(0) => {}
            Some(nanos) if nanos.abs() < 1_000_000 => {
                return Some(format!(
                    "Interval {} cannot be less than 1ms",
                    go_quote(name)
                ));
            }
            Some(_) => {}
        }
    }
    if let Some(value) = instruction.flag("retries").and_then(|f| f.value.as_deref())
        && !value.is_empty()
    {
        match value.parse::<i32>() {
            Err(_) => {
                return Some(format!(
                    "strconv.ParseInt: parsing {}: invalid syntax",
                    go_quote(value)
                ));
            }
            Ok(retries) if retries < 0 => {
                return Some(format!("--retries cannot be negative ({retries})"));
            }
            Ok(_) => {}
        }
    }
    None
}

/// Go's `time.ParseDuration`, in nanoseconds (saturating); `None` when Go rejects it.
fn go_duration_nanos(text: &str) -> Option<i128> {
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_end];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return None;
        }
        rest = &rest[number_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale: f64 = match &rest[..unit_end] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_end..];
        total += number.parse::<f64>().ok()? * scale;
    }
    let nanos = total as i128;
    Some(if negative { -nanos } else { nanos })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlagKind {
    Bool,
    String,
    /// A string flag that may be repeated.
    Strings,
}

const COPY_FLAGS: [(&str, FlagKind); 6] = [
    ("chown", FlagKind::String),
    ("from", FlagKind::String),
    ("chmod", FlagKind::String),
    ("link", FlagKind::Bool),
    ("parents", FlagKind::Bool),
    ("exclude", FlagKind::Strings),
];
const ADD_FLAGS: [(&str, FlagKind); 7] = [
    ("chown", FlagKind::String),
    ("chmod", FlagKind::String),
    ("link", FlagKind::Bool),
    ("keep-git-dir", FlagKind::Bool),
    ("checksum", FlagKind::String),
    ("unpack", FlagKind::Bool),
    ("exclude", FlagKind::Strings),
];
const FROM_FLAGS: [(&str, FlagKind); 1] = [("platform", FlagKind::String)];
const RUN_FLAGS: [(&str, FlagKind); 4] = [
    ("mount", FlagKind::Strings),
    ("network", FlagKind::String),
    ("security", FlagKind::String),
    ("device", FlagKind::Strings),
];
const HEALTHCHECK_FLAGS: [(&str, FlagKind); 5] = [
    ("interval", FlagKind::String),
    ("timeout", FlagKind::String),
    ("start-period", FlagKind::String),
    ("start-interval", FlagKind::String),
    ("retries", FlagKind::String),
];

/// BuildKit's flag validation (`BFlags.Parse`) against the flags `spec` allows.
fn check_flags(flags: &[Flag], spec: &[(&str, FlagKind)]) -> Result<(), String> {
    let mut seen: Vec<&str> = Vec::new();
    for flag in flags {
        let name = flag.name.as_str();
        let Some(&(_, kind)) = spec.iter().find(|(known, _)| *known == name) else {
            let mut message = format!("unknown flag: {name}");
            if let Some(close) = spec
                .iter()
                .map(|(known, _)| (strsim::levenshtein(name, known), *known))
                .filter(|(distance, _)| *distance < 3)
                .min_by_key(|(distance, _)| *distance)
            {
                message.push_str(&format!(" (did you mean {}?)", close.1));
            }
            return Err(message);
        };
        if seen.contains(&name) && kind != FlagKind::Strings {
            return Err(format!("duplicate flag specified: {name}"));
        }
        seen.push(name);
        match (kind, flag.value.as_deref()) {
            (FlagKind::Bool, Some("")) => return Err(format!("missing a value on flag: {name}")),
            (FlagKind::Bool, Some(value))
                if !value.eq_ignore_ascii_case("true") && !value.eq_ignore_ascii_case("false") =>
            {
                return Err(format!(
                    "expecting boolean value for flag {name}, not: {value}"
                ));
            }
            (FlagKind::String | FlagKind::Strings, None) => {
                return Err(format!("missing a value on flag: {name}"));
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::INVALID_INSTRUCTION as RULE;
    use super::go_duration_nanos;
    use crate::tests::{assert_fires, assert_silent};

    fn message(text: &str) -> Option<String> {
        let parse = hullscan_dockerfile::parse(text);
        parse
            .dockerfile
            .instructions
            .iter()
            .find_map(super::instruction_error)
    }

    #[test]
    fn missing_continuation_leaves_an_unknown_instruction() {
        let text = "FROM fedora:40\nRUN dnf install -y \\\n  a \\\n  b\\\n  c\nFOOBAR baz\n";
        assert_fires(&RULE, text, &[6]);
        assert_eq!(
            message("FROM a\nFOOBAR baz\n").as_deref(),
            Some("unknown instruction: FOOBAR")
        );
        let text = "FROM fedora:40\nRUN dnf install -y \\\n  gcc\n  make\n";
        assert_fires(&RULE, text, &[4]);
        assert_eq!(
            message("FROM a\nCOPPY a b\n").as_deref(),
            Some("unknown instruction: COPPY (did you mean COPY?)")
        );
        assert_eq!(
            message("FROM a\nrunn a\n").as_deref(),
            Some("unknown instruction: runn (did you mean run?)")
        );
    }

    #[test]
    fn argument_counts() {
        for (text, expected) in [
            (
                "COPY onlyone",
                "COPY requires at least two arguments, but only one was provided. Destination could not be determined",
            ),
            (
                "ADD x",
                "ADD requires at least two arguments, but only one was provided. Destination could not be determined",
            ),
            ("WORKDIR", "WORKDIR requires exactly one argument"),
            ("ENV", "ENV requires at least one argument"),
            ("LABEL", "LABEL requires at least one argument"),
            ("ARG", "ARG requires at least one argument"),
            ("USER", "USER requires exactly one argument"),
            ("HEALTHCHECK", "HEALTHCHECK requires at least one argument"),
            ("ONBUILD", "ONBUILD requires at least one argument"),
            ("STOPSIGNAL", "STOPSIGNAL requires exactly one argument"),
            ("EXPOSE", "EXPOSE requires at least one argument"),
            ("VOLUME", "VOLUME requires at least one argument"),
            ("VOLUME []", "VOLUME requires at least one argument"),
            ("MAINTAINER", "MAINTAINER requires exactly one argument"),
            ("SHELL []", "SHELL requires at least one argument"),
            (
                "SHELL /bin/bash -c",
                "SHELL requires the arguments to be in JSON form",
            ),
            ("FROM", "FROM requires either one or three arguments"),
            ("FROM a b c", "FROM requires either one or three arguments"),
            (
                "FROM a AS b c",
                "FROM requires either one or three arguments",
            ),
            (
                "FROM a AS 1st",
                "invalid name for build stage: \"1st\", name can't start with a number or contain symbols",
            ),
            (
                "COPY <<EOF <<DST\nx\nEOF\ny\nDST",
                "COPY cannot accept a heredoc as a destination",
            ),
            (
                "VOLUME [\"\"]",
                "VOLUME specified can not be an empty string",
            ),
            ("ARG =x", "ARG names can not be blank"),
        ] {
            let text = format!("FROM a\n{text}\n");
            let text = text
                .strip_prefix("FROM a\nFROM")
                .map_or(text.clone(), |rest| format!("FROM{rest}"));
            assert_eq!(message(&text).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn flags_and_healthchecks() {
        for (text, expected) in [
            (
                "COPY --form=a x y",
                "unknown flag: form (did you mean from?)",
            ),
            (
                "COPY --from=a --from=b x y",
                "duplicate flag specified: from",
            ),
            ("COPY --from x y", "missing a value on flag: from"),
            (
                "COPY --link=yes x y",
                "expecting boolean value for flag link, not: yes",
            ),
            ("ENV --x=1 a=b", "unknown flag: x"),
            ("HEALTHCHECK CMD", "Missing command after HEALTHCHECK CMD"),
            ("HEALTHCHECK NONE x", "HEALTHCHECK NONE takes no arguments"),
            (
                "HEALTHCHECK FOO x",
                "Unknown type \"FOO\" in HEALTHCHECK (try CMD)",
            ),
            (
                "HEALTHCHECK --interval=5 CMD x",
                "time: invalid duration \"5\"",
            ),
            (
                "HEALTHCHECK --timeout=1ns CMD x",
                "Interval \"timeout\" cannot be less than 1ms",
            ),
            (
                "HEALTHCHECK --retries=-1 CMD x",
                "--retries cannot be negative (-1)",
            ),
        ] {
            assert_eq!(
                message(&format!("FROM a\n{text}\n")).as_deref(),
                Some(expected),
                "{text}"
            );
        }
    }

    #[test]
    fn valid_instructions_pass() {
        assert_silent(
            &RULE,
            "ARG V=1\nFROM --platform=$BUILDPLATFORM a:1 AS build-1.x\n\
             COPY --from=build-1.x --chown=1:1 --link --exclude=a --exclude=b x y\n\
             ADD --checksum=sha256:abc --keep-git-dir=true https://x/y.git /src\n\
             RUN --mount=type=cache,target=/c --mount=type=bind,source=a,target=b make\n\
             HEALTHCHECK --interval=30s --timeout=1m30s --retries=3 CMD curl -f x\n\
             HEALTHCHECK NONE\nSTOPSIGNAL --whatever SIGTERM\nWORKDIR /a b\nUSER app\n\
             ENV a=b\nLABEL a=b\nEXPOSE 80\nVOLUME /data\nSHELL [\"/bin/bash\", \"-c\"]\n\
             ONBUILD RUN x\nCMD\nENTRYPOINT []\nCOPY <<EOF /x\nhi\nEOF\n",
        );
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_duration_nanos("0"), Some(0));
        assert_eq!(go_duration_nanos("1m30s"), Some(90_000_000_000));
        assert_eq!(go_duration_nanos("1.5h"), Some(5_400_000_000_000));
        assert_eq!(go_duration_nanos("5"), None);
        assert_eq!(go_duration_nanos(""), None);
        assert_eq!(go_duration_nanos("1x"), None);
    }
}
