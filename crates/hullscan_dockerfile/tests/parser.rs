//! Behaviour tests for the parser: BuildKit semantics (today's version where it differs from
//! older ones), spans, and robustness on malformed input.

use hullscan_dockerfile::*;
use hullscan_text::{TextRange, TextSize};

fn slice(text: &str, range: TextRange) -> &str {
    &text[range.to_range()]
}

fn only_ok(text: &str) -> Dockerfile {
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    parsed.dockerfile
}

fn shell(inst: &Instruction) -> &ShellText {
    match &inst.args {
        Arguments::Shell(s) => s,
        other => panic!("expected shell form, got {other:?}"),
    }
}

// ----- version differences: follow today's BuildKit -----

#[test]
fn json_with_trailing_text_is_shell_form_since_1_9() {
    let df = only_ok("FROM a\nCMD [\"a\"] b\nCMD [\"a\"]  \n");
    assert_eq!(shell(&df.instructions[1]).value, "[\"a\"] b");
    assert!(df.instructions[2].is_json());
}

#[test]
fn flags_honour_the_escape_directive_since_1_15() {
    let df = only_ok("# escape=`\nFROM a\nCOPY --chown=a`b --from=c:\\x src dst\n");
    let copy = &df.instructions[1];
    assert_eq!(copy.flags[0].value.as_deref(), Some("ab"));
    assert_eq!(copy.flags[1].value.as_deref(), Some("c:\\x"));
}

#[test]
fn heredoc_with_space_after_operator_since_1_16() {
    let text = "FROM a\nRUN << EOF\necho hi\nEOF\nRUN <<- EOF\n";
    let parsed = parse(text);
    let run = &parsed.dockerfile.instructions[1];
    assert_eq!(run.heredocs.len(), 1);
    assert_eq!(run.heredocs[0].name, "EOF");
    assert_eq!(run.heredocs[0].body, "echo hi\n");
    assert_eq!((run.start_line, run.end_line), (2, 4));
    // `<<- EOF` is not joined, so it is not a heredoc.
    assert!(parsed.dockerfile.instructions[2].heredocs.is_empty());
}

#[test]
fn env_and_label_separator_is_in_the_dump() {
    let parsed = parse("FROM a\nENV A b c\nLABEL x=1 y=\"2 3\"\n");
    assert_eq!(
        to_buildkit_result(&parsed),
        "(from \"a\")\n(env \"A\" \"b c\" \"\")\n(label \"x\" \"1\" \"=\" \"y\" \"\\\"2 3\\\"\" \"=\")\n"
    );
}

// ----- lines, continuations, comments, directives -----

#[test]
fn continuation_with_comments_and_blank_lines() {
    let text = "FROM a\nRUN echo \\\n  # inner comment\n\n    hello \\\n  world\n";
    let parsed = parse(text);
    let run = &parsed.dockerfile.instructions[1];
    let sh = shell(run);
    assert_eq!(sh.value, "echo     hello   world");
    assert_eq!((run.start_line, run.end_line), (2, 6));
    assert_eq!(run.original, "RUN echo     hello   world");
    // The comment line inside is recorded, but not as a preceding comment.
    assert_eq!(parsed.dockerfile.comments.len(), 1);
    assert_eq!(parsed.dockerfile.comments[0].text, "# inner comment");
    // One warning for the empty line, on the instruction's last line.
    assert_eq!(parsed.warnings.len(), 1);
    assert_eq!(parsed.warnings[0].line, 6);
    assert_eq!(
        parsed.warnings[0].message,
        "Empty continuation line found in: RUN echo     hello   world"
    );
    assert_eq!(run.empty_continuation_lines.len(), 1);
    // The map puts `hello` and `world` at their file positions.
    let hello = sh.value.find("hello").unwrap();
    let file_hello = sh.map.to_file(TextSize::new(hello as u32));
    assert_eq!(
        &text[file_hello.to_usize()..file_hello.to_usize() + 5],
        "hello"
    );
    let world = sh.value.find("world").unwrap();
    let r = sh
        .map
        .to_file_range(TextRange::at(TextSize::new(world as u32), TextSize::new(5)));
    assert_eq!(slice(text, r), "world");
    // The instruction covers everything from the keyword to the last line.
    assert_eq!(slice(text, run.range), &text[7..text.len() - 1]);
    assert_eq!(slice(text, run.keyword_range), "RUN");
}

#[test]
fn escaped_escape_does_not_continue() {
    let df = only_ok("FROM a\nRUN echo foo\\\\\nRUN x \\\\\\\n");
    assert_eq!(df.instructions.len(), 3);
    assert_eq!(shell(&df.instructions[1]).value, "echo foo\\\\");
}

#[test]
fn continuation_at_eof_is_not_an_error() {
    let df = only_ok("FROM a\nRUN a \\");
    // The arguments are trimmed; `original` keeps the trailing space.
    assert_eq!(shell(&df.instructions[1]).value, "a");
    assert_eq!(df.instructions[1].original, "RUN a ");
}

#[test]
fn crlf_and_bom() {
    let text = "\u{feff}# escape=`\r\nFROM a\r\nRUN b `\r\n c\r\n";
    let df = only_ok(text);
    assert!(df.has_bom);
    assert_eq!(df.escape, '`');
    assert_eq!(df.directives[0].name, "escape");
    assert_eq!(slice(text, df.directives[0].value_range), "`");
    let run = &df.instructions[1];
    assert_eq!(shell(run).value, "b  c");
    assert_eq!((run.start_line, run.end_line), (3, 4));
    assert_eq!(slice(text, df.instructions[0].keyword_range), "FROM");
    assert!(!slice(text, run.range).ends_with('\r'));
}

#[test]
fn backtick_escape_keeps_windows_paths() {
    let df = only_ok("# escape=`\nFROM a\nRUN dir c:\\\nRUN dir c:\\ `\n  d\n");
    assert_eq!(df.instructions.len(), 3);
    assert_eq!(shell(&df.instructions[1]).value, "dir c:\\");
    assert_eq!(shell(&df.instructions[2]).value, "dir c:\\   d");
}

#[test]
fn directives_rules() {
    let df =
        only_ok("# Syntax = docker/dockerfile:1 \n# check=skip=all // note\n#escape=\\\nFROM a\n");
    let names: Vec<_> = df
        .directives
        .iter()
        .map(|d| (d.name.as_str(), d.value.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("syntax", "docker/dockerfile:1"),
            ("check", "skip=all // note"),
            ("escape", "\\")
        ]
    );
    assert!(df.comments.is_empty());
    // A comment ends the directive section.
    let df = only_ok("# hello\n# escape=`\nFROM a\n");
    assert!(df.directives.is_empty());
    assert_eq!(df.escape, '\\');
    // So does a shebang, and an unknown key.
    assert!(
        only_ok("#!/bin/x\n# escape=`\nFROM a\n")
            .directives
            .is_empty()
    );
    assert!(
        only_ok("# foo=bar\n# escape=`\nFROM a\n")
            .directives
            .is_empty()
    );
    // Blank line ends it too.
    assert!(only_ok("\n# escape=`\nFROM a\n").directives.is_empty());
    // Leading whitespace is accepted by the main parser.
    assert_eq!(only_ok("  # escape=`\nFROM a\n").escape, '`');
}

#[test]
fn directive_errors() {
    let parsed = parse("# syntax=a\n# syntax=b\nFROM a\n");
    assert_eq!(
        parsed.errors[0].message,
        "only one syntax parser directive can be used"
    );
    assert_eq!(parsed.dockerfile.instructions.len(), 1);
    let parsed = parse("# escape=x\nFROM a\n");
    assert_eq!(
        parsed.errors[0].message,
        "invalid escape token 'x' does not match ` or \\"
    );
    assert_eq!(parsed.errors[0].kind, ParseErrorKind::Directive);
}

#[test]
fn prev_comments_follow_buildkit() {
    let df = only_ok(
        "# syntax=x\n# stage desc\n\n# more\nFROM a AS b\n#\n# arg desc\n  # indented\nARG X\nRUN y\n",
    );
    let texts = |i: usize| -> Vec<String> {
        df.instructions[i]
            .prev_comments
            .iter()
            .map(|c| c.text.clone())
            .collect()
    };
    // Blank lines do not clear; a directive is removed.
    assert_eq!(texts(0), ["stage desc", "more"]);
    // A bare `#` clears; an indented comment keeps its `#`.
    assert_eq!(texts(1), ["arg desc", "# indented"]);
    assert!(texts(2).is_empty());
}

#[test]
fn keyword_split_and_unknown_instructions() {
    let text = "fRoM\ta\nFROM\u{a0}a\n  RUN   x  \n";
    let parsed = parse(text);
    let df = &parsed.dockerfile;
    assert_eq!(df.instructions[0].keyword, Keyword::From);
    assert_eq!(df.instructions[0].keyword_text, "fRoM");
    assert_eq!(df.instructions[1].keyword, Keyword::Unknown);
    assert_eq!(df.instructions[1].keyword_text, "FROM\u{a0}a");
    assert_eq!(shell(&df.instructions[2]).value, "x");
    assert_eq!(slice(text, df.instructions[2].keyword_range), "RUN");
    assert_eq!(
        to_buildkit_result(&parsed),
        "(from \"a\")\n(from\u{a0}a \"\")\n(run \"x\")\n"
    );
}

// ----- flags and arguments -----

#[test]
fn flags_are_collected_before_arguments() {
    let text = "FROM a\nRUN --mount=type=secret,id=\"a b\" --network=none echo --x\nCOPY --x=1 -- --weird /d\nCOPY a --chown=1 b\n";
    let df = only_ok(text);
    let run = &df.instructions[1];
    assert_eq!(run.flags.len(), 2);
    assert_eq!(run.flags[0].name, "mount");
    assert_eq!(run.flags[0].value.as_deref(), Some("type=secret,id=a b"));
    assert_eq!(
        slice(text, run.flags[0].range),
        "--mount=type=secret,id=\"a b\""
    );
    assert_eq!(
        slice(text, run.flags[0].value_range.unwrap()),
        "type=secret,id=\"a b\""
    );
    assert_eq!(run.flag("network").unwrap().value.as_deref(), Some("none"));
    assert_eq!(shell(run).value, "echo --x");
    let copy = &df.instructions[2];
    assert_eq!(copy.flags.len(), 1);
    let words = match &copy.args {
        Arguments::Words(w) => w.iter().map(|w| w.value.as_str()).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(words, ["--weird", "/d"]);
    assert!(df.instructions[3].flags.is_empty());
}

#[test]
fn exec_form_words_have_spans() {
    let text = "FROM a\nENTRYPOINT [ \"a b\", \\\n  \"c\\\"d\" ]\n";
    let df = only_ok(text);
    let Arguments::Exec(exec) = &df.instructions[1].args else {
        panic!()
    };
    assert_eq!(exec.words[0].value, "a b");
    assert_eq!(slice(text, exec.words[0].range), "\"a b\"");
    assert_eq!(exec.words[1].value, "c\"d");
    assert_eq!(slice(text, exec.words[1].range), "\"c\\\"d\"");
    assert!(slice(text, exec.range).starts_with('['));
    assert!(slice(text, exec.range).ends_with(']'));
}

#[test]
fn json_non_strings_is_an_error_but_the_tree_survives() {
    let parsed = parse("FROM a\nCMD [1, 2]\nRUN b\n");
    assert_eq!(
        parsed.errors[0].message,
        "when using JSON array syntax, arrays must be comprised of strings only"
    );
    assert_eq!(parsed.errors[0].kind, ParseErrorKind::JsonNotStrings);
    assert_eq!(parsed.dockerfile.instructions.len(), 3);
}

#[test]
fn unterminated_json_array_is_shell_form_like_buildkit() {
    // BuildKit silently treats invalid JSON as shell form; the tree says so.
    let text = "FROM a\nCMD [\"a\", \"b\"\n";
    let df = only_ok(text);
    assert!(!df.instructions[1].is_json());
    assert_eq!(shell(&df.instructions[1]).value, "[\"a\", \"b\"");
}

#[test]
fn env_label_arg_forms() {
    let text =
        "FROM a\nENV A  b c\nENV x=1 y=\"a b\" z=\nARG N\nARG M=\nARG O=1 P\nLABEL \"k\"=v\n";
    let df = only_ok(text);
    let Arguments::KeyValues(legacy) = &df.instructions[1].args else {
        panic!()
    };
    assert!(legacy.legacy);
    assert_eq!(legacy.pairs[0].key, "A");
    assert_eq!(legacy.pairs[0].value.as_deref(), Some("b c"));
    assert_eq!(slice(text, legacy.pairs[0].value_range.unwrap()), "b c");
    let Arguments::KeyValues(kv) = &df.instructions[2].args else {
        panic!()
    };
    assert!(!kv.legacy);
    let pairs: Vec<_> = kv
        .pairs
        .iter()
        .map(|p| (p.key.as_str(), p.value.as_deref()))
        .collect();
    assert_eq!(
        pairs,
        [("x", Some("1")), ("y", Some("\"a b\"")), ("z", Some(""))]
    );
    assert_eq!(slice(text, kv.pairs[1].range), "y=\"a b\"");
    assert_eq!(slice(text, kv.pairs[1].key_range), "y");
    let Arguments::Arg(arg) = &df.instructions[3].args else {
        panic!()
    };
    assert_eq!(arg[0].value, None);
    let Arguments::Arg(arg) = &df.instructions[4].args else {
        panic!()
    };
    assert_eq!(arg[0].value.as_deref(), Some(""));
    let Arguments::Arg(arg) = &df.instructions[5].args else {
        panic!()
    };
    assert_eq!(arg.len(), 2);
    let Arguments::KeyValues(label) = &df.instructions[6].args else {
        panic!()
    };
    assert_eq!(label.pairs[0].key, "\"k\"");
}

#[test]
fn env_errors() {
    let parsed = parse("FROM a\nENV PATH\n");
    assert_eq!(parsed.errors[0].message, "ENV must have two arguments");
    assert_eq!(
        slice("FROM a\nENV PATH\n", parsed.errors[0].range),
        "ENV PATH"
    );
    let parsed = parse("FROM a\nLABEL a=1 b\n");
    assert_eq!(
        parsed.errors[0].message,
        "Syntax error - can't find = in \"b\". Must be of the form: name=value"
    );
    let parsed = parse("FROM a\nLABEL x\n");
    assert_eq!(parsed.errors[0].message, "LABEL must have two arguments");
}

#[test]
fn from_and_healthcheck() {
    let df = only_ok(
        "FROM --platform=$BUILDPLATFORM img:1 As Build\nHEALTHCHECK --interval=5s CMD [\"a\"]\nHEALTHCHECK NONE\nHEALTHCHECK CMD curl x\n",
    );
    let Arguments::From(from) = &df.instructions[0].args else {
        panic!()
    };
    assert_eq!(from.image.as_ref().unwrap().value, "img:1");
    assert_eq!(from.stage_name.as_ref().unwrap().value, "Build");
    assert_eq!(
        df.instructions[0]
            .flag("platform")
            .unwrap()
            .value
            .as_deref(),
        Some("$BUILDPLATFORM")
    );
    assert!(df.instructions[1].is_json());
    let Arguments::Healthcheck(h) = &df.instructions[2].args else {
        panic!()
    };
    assert_eq!(h.kind.as_ref().unwrap().value, "NONE");
    assert!(h.command.is_none());
    let Arguments::Healthcheck(h) = &df.instructions[3].args else {
        panic!()
    };
    assert!(matches!(&h.command, Some(HealthcheckCommand::Shell(s)) if s.value == "curl x"));
}

#[test]
fn onbuild_trigger_is_parsed_again() {
    let text = "FROM a\nONBUILD COPY --chown=1 . /\nONBUILD RUN <<EOF\necho\nEOF\nONBUILD\n";
    let parsed = parse(text);
    assert!(parsed.errors.is_empty());
    let df = &parsed.dockerfile;
    let trigger = df.instructions[1].onbuild.as_ref().unwrap();
    assert_eq!(trigger.keyword, Keyword::Copy);
    assert_eq!(trigger.flags[0].name, "chown");
    assert_eq!(slice(text, trigger.keyword_range), "COPY");
    let onbuild_run = &df.instructions[2];
    assert_eq!(onbuild_run.heredocs[0].body, "echo\n");
    assert_eq!(onbuild_run.onbuild.as_ref().unwrap().heredocs.len(), 1);
    assert_eq!((onbuild_run.start_line, onbuild_run.end_line), (3, 5));
    assert!(df.instructions[3].onbuild.is_none());
    assert_eq!(
        to_buildkit_result(&parsed),
        "(from \"a\")\n(onbuild (copy [\"--chown=1\"] \".\" \"/\"))\n(onbuild (run \"<<EOF\"))\n(onbuild)\n"
    );
}

// ----- heredocs -----

#[test]
fn heredoc_bodies() {
    let text = "FROM a\n\
RUN <<-STRIP\n\tone\n\t\ttwo\n\tSTRIP\n\
COPY <<A <<'B' /dst\nB\nA\nA\n$x\nB\n\
RUN 3<<X cat\n# not a comment\n\\\nX\n\
RUN [\"<<EOF\"]\n\
USER <<U\n";
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let df = &parsed.dockerfile;
    let strip = &df.instructions[1].heredocs[0];
    assert!(strip.strip_tabs && !strip.quoted);
    assert_eq!(strip.body, "\tone\n\t\ttwo\n");
    assert_eq!(strip.content(), "one\ntwo\n");
    assert_eq!(slice(text, strip.range), "<<-STRIP");
    assert_eq!(slice(text, strip.terminator_range.unwrap()), "\tSTRIP");
    let copy = &df.instructions[2];
    assert_eq!(copy.heredocs.len(), 2);
    assert_eq!(
        (
            copy.heredocs[0].name.as_str(),
            copy.heredocs[0].body.as_str()
        ),
        ("A", "B\n")
    );
    assert_eq!(
        (
            copy.heredocs[1].name.as_str(),
            copy.heredocs[1].body.as_str()
        ),
        ("B", "A\n$x\n")
    );
    assert!(copy.heredocs[1].quoted);
    assert_eq!(slice(text, copy.heredocs[1].body_range), "A\n$x\n");
    assert_eq!(copy.end_line, 11);
    let run = &df.instructions[3];
    assert_eq!(run.heredocs[0].fd, Some(3));
    assert_eq!(run.heredocs[0].body, "# not a comment\n\\\n");
    assert!(df.instructions[4].heredocs.is_empty());
    // USER cannot have heredocs: the next line would be an instruction (there is none).
    assert!(df.instructions[5].heredocs.is_empty());
    assert_eq!(df.instructions.len(), 6);
}

#[test]
fn heredoc_crlf_terminator() {
    let text = "FROM a\r\nRUN <<EOF\r\necho\r\nEOF\r\nRUN b\r\n";
    let df = only_ok(text);
    assert_eq!(df.instructions[1].heredocs[0].body, "echo\r\n");
    assert_eq!(df.instructions.len(), 3);
}

#[test]
fn unterminated_heredoc_is_an_error_with_a_tree() {
    let text = "FROM a\nRUN <<EOF\necho hi\n";
    let parsed = parse(text);
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].message, "unterminated heredoc");
    assert_eq!(parsed.errors[0].kind, ParseErrorKind::UnterminatedHeredoc);
    let run = &parsed.dockerfile.instructions[1];
    assert_eq!(run.heredocs[0].body, "echo hi\n");
    assert!(run.heredocs[0].terminator_range.is_none());
    assert_eq!(run.end_line, 3);
}

// ----- robustness -----

#[test]
fn empty_and_comment_only_files() {
    for text in ["", "\n\n", "# a\n# b\n", "\u{feff}", "# syntax=x\n"] {
        let parsed = parse(text);
        assert_eq!(parsed.errors.len(), 1, "{text:?}");
        assert_eq!(parsed.errors[0].message, "file with no instructions");
    }
}

#[test]
fn invalid_utf8_and_binary_input() {
    let parsed = parse_bytes(b"FROM a\nRUN \xff\xfe echo\n");
    assert_eq!(parsed.errors[0].kind, ParseErrorKind::InvalidUtf8);
    assert!(parsed.errors[0].message.contains("offset 11"));
    assert_eq!(parsed.dockerfile.instructions.len(), 2);
    assert_eq!(
        shell(&parsed.dockerfile.instructions[1]).value,
        "\u{fffd}\u{fffd} echo"
    );

    // Pseudo-random binary: no panic, spans in bounds.
    let mut state = 0x1234_5678_u32;
    let bytes: Vec<u8> = (0..200_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect();
    let parsed = parse_bytes(&bytes);
    assert!(!parsed.errors.is_empty());
    // BOM followed by invalid bytes.
    let parsed = parse_bytes(b"\xef\xbb\xbfFROM \x80\n");
    assert!(parsed.dockerfile.has_bom);
    assert_eq!(parsed.dockerfile.instructions.len(), 1);
}

#[test]
fn very_long_line_is_an_error_not_a_panic() {
    let mut text = String::from("FROM a\nRUN echo ");
    text.push_str(&"x".repeat(10 * 1024 * 1024));
    text.push_str("\nRUN after\n");
    let started = std::time::Instant::now();
    let parsed = parse(&text);
    assert!(started.elapsed().as_secs() < 5);
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(
        parsed.errors[0].message,
        "dockerfile line greater than max allowed size of 65535"
    );
    assert_eq!(parsed.errors[0].kind, ParseErrorKind::LineTooLong);
    // The rest of the file is still parsed.
    assert_eq!(parsed.dockerfile.instructions.len(), 3);
    // Exactly at the limit is fine.
    let ok = format!("FROM a\nRUN {}\n", "y".repeat(65536 - 5));
    assert!(parse(&ok).errors.is_empty());
    let too_long = format!("FROM a\nRUN {}\n", "y".repeat(65536 - 4));
    assert_eq!(parse(&too_long).errors.len(), 1);
}

#[test]
fn lone_escape_lines_and_odd_shapes() {
    for text in [
        "\\\n",
        "\\",
        "FROM a\n\\\n\\\nRUN x",
        "RUN <<",
        "RUN <<EOF <<",
        "COPY <<'",
        "RUN ${",
        "RUN <<${x:-y}\n",
        "ONBUILD ONBUILD RUN <<A\nA",
        "HEALTHCHECK",
        "ENV",
        "ENV =",
        "LABEL \"",
        "ARG \\",
        "RUN --",
        "RUN --\"",
        "RUN --a\\",
        "CMD [\"\\ud800\"]",
        "CMD [",
        "\u{feff}\u{feff}FROM a",
        "# escape=\t",
        "\r\r\n\r",
    ] {
        let parsed = parse(text);
        for inst in &parsed.dockerfile.instructions {
            assert!(inst.range.end().to_usize() <= text.len(), "{text:?}");
            assert!(inst.keyword_range.start() >= inst.range.start(), "{text:?}");
        }
    }
}

#[test]
fn offset_map_round_trip() {
    let map = OffsetMap::from_pieces([
        (TextSize::new(0), TextSize::new(10)),
        (TextSize::new(5), TextSize::new(20)),
    ]);
    assert_eq!(map.to_file(TextSize::new(0)), TextSize::new(10));
    assert_eq!(map.to_file(TextSize::new(4)), TextSize::new(14));
    assert_eq!(map.to_file(TextSize::new(5)), TextSize::new(20));
    assert_eq!(map.to_file_end(TextSize::new(5)), TextSize::new(15));
    assert_eq!(
        map.to_file_range(TextRange::new(TextSize::new(3), TextSize::new(7))),
        TextRange::new(TextSize::new(13), TextSize::new(22))
    );
    assert_eq!(
        map.to_file_range(TextRange::new(TextSize::new(5), TextSize::new(5))),
        TextRange::empty(TextSize::new(20))
    );
}

#[test]
fn unterminated_heredoc_body_is_inside_the_instruction() {
    for text in [
        "FROM a\nRUN <<EOF\nx\n",
        "FROM a\nRUN <<EOF\n",
        "FROM a\nRUN <<A <<B\nA\ny\r\n",
    ] {
        let parsed = parse(text);
        let run = &parsed.dockerfile.instructions[1];
        for h in &run.heredocs {
            assert!(run.range.contains_range(h.body_range), "{text:?}");
        }
        assert_eq!(parsed.errors[0].message, "unterminated heredoc");
    }
}

#[test]
fn empty_parts_stay_inside_their_word_across_continuations() {
    let text = "FROM a\nLABEL a=1 =\\\n  b= \\\n  c=2\nRUN --x= \\\n  y\n";
    let parsed = parse(text);
    let Arguments::KeyValues(kv) = &parsed.dockerfile.instructions[1].args else {
        panic!()
    };
    for pair in &kv.pairs {
        assert!(pair.range.contains_range(pair.key_range), "{pair:?}");
        assert!(
            pair.range.contains_range(pair.value_range.unwrap()),
            "{pair:?}"
        );
    }
    let flag = &parsed.dockerfile.instructions[2].flags[0];
    assert!(flag.range.contains_range(flag.value_range.unwrap()));
}

#[test]
fn keywords_are_lowered_like_go() {
    assert_eq!(Keyword::from_text("wOrKdIr"), Keyword::Workdir);
    // KELVIN SIGN lower-cases to `k`, `İ` to `i` in Go.
    assert_eq!(Keyword::from_text("WOR\u{212a}DIR"), Keyword::Workdir);
    assert_eq!(Keyword::from_text("ONBU\u{130}LD"), Keyword::Onbuild);
    assert_eq!(Keyword::from_text("FRÖM"), Keyword::Unknown);
    assert_eq!(Keyword::from_text(""), Keyword::Unknown);
}

#[test]
fn utf16_files_get_a_clear_message() {
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("FROM a\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let parsed = parse_bytes(&utf16);
    assert_eq!(parsed.errors[0].kind, ParseErrorKind::InvalidUtf8);
    assert!(
        parsed.errors[0].message.contains("UTF-16"),
        "{}",
        parsed.errors[0].message
    );
}

#[test]
fn deeply_chained_onbuild_is_an_error_not_a_deep_tree() {
    // 10,000 chained ONBUILDs overflowed the stack (parse, drop and dump all recursed).
    let text = format!("FROM a\n{}RUN x\n", "ONBUILD ".repeat(10_000));
    let parsed = parse(&text);
    let chain = parsed
        .errors
        .iter()
        .find(|error| error.kind == ParseErrorKind::OnbuildChain)
        .expect("a chaining error");
    assert_eq!(
        chain.message,
        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"
    );
    let mut depth = 0;
    let mut node = &parsed.dockerfile.instructions[1];
    while let Some(trigger) = &node.onbuild {
        depth += 1;
        node = trigger;
    }
    assert_eq!(depth, hullscan_dockerfile::MAX_ONBUILD_DEPTH);
    assert!(!hullscan_dockerfile::to_buildkit_result(&parsed).is_empty());
    // Two levels, as BuildKit's parser prints them, are still kept whole.
    let two = parse("FROM a\nONBUILD ONBUILD RUN x\n");
    assert!(two.errors.is_empty(), "{:?}", two.errors);
    assert!(
        two.dockerfile.instructions[1]
            .onbuild
            .as_ref()
            .unwrap()
            .onbuild
            .is_some()
    );
}
