//! Parser tests on real-world shaped RUN bodies, broken scripts and heredocs.

use hullscan_shell::{
    Block, Command, CommandKind, Connector, RedirectOp, Script, Terminator, WordPart, parse,
};

/// A compact rendering of the tree: lists joined by `;`, `&&`, `||`, pipelines by `|`,
/// simple commands as `[word word]`, compound commands by keyword.
fn render(script: &Script<'_>) -> String {
    render_block(&script.body)
}

fn render_block(block: &Block<'_>) -> String {
    let mut out = Vec::new();
    for list in &block.lists {
        let mut text = String::new();
        for (i, pipeline) in list.pipelines.iter().enumerate() {
            if i > 0 {
                text.push_str(match list.connectors[i - 1] {
                    Connector::And(_) => " && ",
                    Connector::Or(_) => " || ",
                });
            }
            if pipeline.negated {
                text.push_str("! ");
            }
            let commands: Vec<String> = pipeline.commands.iter().map(render_command).collect();
            text.push_str(&commands.join(" | "));
        }
        if list.is_background() {
            text.push_str(" &");
        }
        out.push(text);
    }
    out.join("; ")
}

fn render_command(command: &Command<'_>) -> String {
    let mut text = match &command.kind {
        CommandKind::Simple(simple) => {
            let mut words: Vec<String> = simple
                .assignments
                .iter()
                .map(|a| format!("{}={}", a.name, a.value.value()))
                .collect();
            words.extend(simple.words.iter().map(|w| w.value().to_owned()));
            format!("[{}]", words.join(" "))
        }
        CommandKind::Subshell(body) => format!("({})", render_block(body)),
        CommandKind::BraceGroup(body) => format!("{{{}}}", render_block(body)),
        CommandKind::If(if_command) => {
            let mut text = String::new();
            for (i, branch) in if_command.branches.iter().enumerate() {
                text.push_str(&format!(
                    "{} <{}> then <{}>",
                    if i == 0 { "if" } else { " elif" },
                    render_block(&branch.condition),
                    render_block(&branch.body)
                ));
            }
            if let Some(body) = &if_command.else_body {
                text.push_str(&format!(" else <{}>", render_block(body)));
            }
            text
        }
        CommandKind::For(for_command) => format!(
            "for <{}> do <{}>",
            for_command
                .items
                .as_ref()
                .map(|items| items
                    .iter()
                    .map(|w| w.value().to_owned())
                    .collect::<Vec<_>>()
                    .join(" "))
                .unwrap_or_default(),
            render_block(&for_command.body)
        ),
        CommandKind::While(while_command) => format!(
            "{} <{}> do <{}>",
            if while_command.until {
                "until"
            } else {
                "while"
            },
            render_block(&while_command.condition),
            render_block(&while_command.body)
        ),
        CommandKind::Case(case) => {
            let arms: Vec<String> = case
                .arms
                .iter()
                .map(|arm| {
                    let patterns: Vec<&str> = arm.patterns.iter().map(|p| p.value()).collect();
                    format!("{} => <{}>", patterns.join("|"), render_block(&arm.body))
                })
                .collect();
            format!("case {} {{{}}}", case.subject.value(), arms.join(", "))
        }
        CommandKind::Function(function) => {
            format!(
                "fn {} {}",
                function.name.value(),
                render_command(&function.body)
            )
        }
        CommandKind::Test(words) => {
            let words: Vec<&str> = words.iter().map(|w| w.value()).collect();
            format!("[[{}]]", words.join(" "))
        }
        CommandKind::Arithmetic(_) => "((…))".to_owned(),
    };
    for redirect in &command.redirects {
        text.push_str(&format!(
            " {}{}{}",
            redirect.fd.map(|fd| fd.to_string()).unwrap_or_default(),
            redirect.op.as_str(),
            redirect.target.value()
        ));
    }
    text
}

fn ok(source: &str) -> String {
    let script = parse(source);
    assert!(
        script.errors.is_empty(),
        "errors in {source:?}: {:?}",
        script.errors
    );
    render(&script)
}

#[test]
fn apt_install_chain() {
    let source = "apt-get update &&     apt-get install -y --no-install-recommends \t ca-certificates curl=7.88.1-10 &&     rm -rf /var/lib/apt/lists/*";
    assert_eq!(
        ok(source),
        "[apt-get update] && [apt-get install -y --no-install-recommends ca-certificates curl=7.88.1-10] && [rm -rf /var/lib/apt/lists/*]"
    );
    let script = parse(source);
    let commands = script.simple_commands();
    assert_eq!(commands.len(), 3);
    // Ranges point at the text of each command.
    assert_eq!(script.text(commands[0].range), "apt-get update");
    assert_eq!(
        script.text(commands[2].range),
        "rm -rf /var/lib/apt/lists/*"
    );
    let glob = &commands[2].words[2];
    assert!(glob.has_glob());
    assert!(matches!(glob.parts.last(), Some(WordPart::Glob { .. })));
}

#[test]
fn separators_pipes_and_background() {
    assert_eq!(
        ok("set -eux; curl -fsSL https://x/install.sh | bash -s -- --yes || true; sleep 1 &"),
        "[set -eux]; [curl -fsSL https://x/install.sh] | [bash -s -- --yes] || [true]; [sleep 1] &"
    );
    let script = parse("a\nb\n\nc");
    assert_eq!(render(&script), "[a]; [b]; [c]");
    assert!(matches!(
        script.body.lists[0].terminator,
        Some(Terminator::Newline(_))
    ));
    assert_eq!(
        ok("! grep -q x f |& tee log"),
        "! [grep -q x f] | [tee log]"
    );
}

#[test]
fn quoting_and_expansions() {
    let script = parse(
        r#"echo "deb http://${MIRROR:-deb.debian.org}/debian $(lsb_release -cs) main" 'a b' \$HOME x\ y $'t\tz' `uname -m` $((1+2)) "$@""#,
    );
    assert!(script.errors.is_empty(), "{:?}", script.errors);
    let words = &script.simple_commands()[0].words;
    let values: Vec<&str> = words.iter().map(|w| w.value()).collect();
    assert_eq!(
        values,
        [
            "echo",
            "deb http://${MIRROR:-deb.debian.org}/debian $(lsb_release -cs) main",
            "a b",
            "$HOME",
            "x y",
            "t\tz",
            "`uname -m`",
            "$((1+2))",
            "$@",
        ]
    );
    let WordPart::DoubleQuoted { parts, .. } = &words[1].parts[0] else {
        panic!("expected a double-quoted part: {:?}", words[1].parts)
    };
    assert!(matches!(
        parts[1],
        WordPart::Parameter {
            name: "MIRROR",
            braced: true,
            ..
        }
    ));
    assert!(matches!(
        parts[3],
        WordPart::CommandSubstitution {
            backtick: false,
            ..
        }
    ));
    assert_eq!(words[1].parameters(), ["MIRROR"]);
    assert!(!words[1].is_static());
    assert!(words[2].is_static() && words[2].is_quoted());
    assert!(
        words[3].is_static(),
        "an escaped dollar is not an expansion"
    );
    assert!(matches!(
        words[6].parts[0],
        WordPart::CommandSubstitution { backtick: true, .. }
    ));
    assert!(matches!(words[7].parts[0], WordPart::Arithmetic { .. }));
    // Commands inside substitutions are visible, marked as such.
    let names: Vec<(&str, bool)> = script
        .commands_with_context()
        .iter()
        .map(|c| (c.command.words[0].value(), c.in_substitution))
        .collect();
    assert_eq!(
        names,
        [("echo", false), ("lsb_release", true), ("uname", true)]
    );
}

#[test]
fn assignments_and_redirects() {
    assert_eq!(
        ok(
            "DEBIAN_FRONTEND=noninteractive PATH+=:/x ARR=(a 'b c') apt-get -qq update > /dev/null 2>&1"
        ),
        "[DEBIAN_FRONTEND=noninteractive PATH=:/x ARR=(a 'b c') apt-get -qq update] >/dev/null 2>&1"
    );
    let script = parse("echo hi >> /var/log/app.log 2>/dev/null &>/x <in <<<str");
    let command = &script.body.lists[0].pipelines[0].commands[0];
    let ops: Vec<(Option<u32>, RedirectOp)> =
        command.redirects.iter().map(|r| (r.fd, r.op)).collect();
    assert_eq!(
        ops,
        [
            (None, RedirectOp::Append),
            (Some(2), RedirectOp::Output),
            (None, RedirectOp::OutputAll),
            (None, RedirectOp::Input),
            (None, RedirectOp::HereString),
        ]
    );
    // `a=b` after the command name is an argument, not an assignment.
    assert_eq!(ok("env A=1 make"), "[env A=1 make]");
    let script = parse("A=1 B=\"x y\" cmd");
    let assignments = &script.simple_commands()[0].assignments;
    assert_eq!(assignments[1].name, "B");
    assert_eq!(assignments[1].value.value(), "x y");
    assert_eq!(script.text(assignments[1].range), "B=\"x y\"");
}

#[test]
fn compound_commands() {
    assert_eq!(
        ok(
            "if [ -f /etc/alpine-release ]; then apk add --no-cache curl; elif command -v apt-get; then apt-get install -y curl; else echo no; fi"
        ),
        "if <[[ -f /etc/alpine-release ]]> then <[apk add --no-cache curl]> elif <[command -v apt-get]> then <[apt-get install -y curl]> else <[echo no]>"
    );
    assert_eq!(
        ok(
            "for f in a b; do echo $f; done; while read -r l; do :; done < list; until false; do break; done"
        ),
        "for <a b> do <[echo $f]>; while <[read -r l]> do <[:]> <list; until <[false]> do <[break]>"
    );
    assert_eq!(
        ok(
            "case \"$(uname -m)\" in\n  x86_64|amd64) ARCH=amd64 ;;\n  (aarch64) ARCH=arm64;;\n  *) exit 1;;\nesac"
        ),
        "case $(uname -m) {x86_64|amd64 => <[ARCH=amd64]>, aarch64 => <[ARCH=arm64]>, * => <[exit 1]>}"
    );
    assert_eq!(
        ok("(cd /src && make) && { echo done; } > out"),
        "([cd /src] && [make]) && {[echo done]} >out"
    );
    assert_eq!(
        ok("f() { echo hi; }; function g { ls; }; f"),
        "fn f {[echo hi]}; fn g {[ls]}; [f]"
    );
    assert_eq!(
        ok("[[ -n $X && $Y == a* ]] && (( n += 1 )) && echo ok"),
        "[[-n $X && $Y == a*]] && ((…)) && [echo ok]"
    );
    assert_eq!(
        ok("for ((i=0; i<3; i++)); do echo $i; done"),
        "for <> do <[echo $i]>"
    );
}

#[test]
fn reserved_words_only_in_command_position() {
    assert_eq!(ok("echo if then fi done"), "[echo if then fi done]");
    assert_eq!(ok("echo {a,b} }"), "[echo {a,b} }]");
}

#[test]
fn comments() {
    assert_eq!(
        ok("echo a # trailing && rm -rf /\n# whole line\necho b#c"),
        "[echo a]; [echo b#c]"
    );
}

#[test]
fn heredoc_bodies() {
    let source = "cat <<EOF > /etc/app.conf\nname=$NAME\nport=80\nEOF\ncat <<-'END' | sh\n\techo $HOME\n\tEND\necho after";
    let script = parse(source);
    assert!(script.errors.is_empty(), "{:?}", script.errors);
    assert_eq!(
        render(&script),
        "[cat] <<EOF >/etc/app.conf; [cat] <<-END | [sh]; [echo after]"
    );
    assert_eq!(script.heredocs.len(), 2);
    let first = &script.heredocs[0];
    assert_eq!(first.delimiter, "EOF");
    assert!(!first.quoted);
    assert_eq!(script.text(first.body), "name=$NAME\nport=80\n");
    assert_eq!(script.text(first.closing.unwrap()), "EOF");
    let second = &script.heredocs[1];
    assert!(second.quoted && second.strip_tabs);
    assert_eq!(script.text(second.body), "\techo $HOME\n");
    let command = &script.body.lists[0].pipelines[0].commands[0];
    let heredoc = script.heredoc(&command.redirects[0]).expect("a heredoc");
    assert_eq!(heredoc.delimiter, "EOF");
}

#[test]
fn unterminated_heredoc_is_an_error_but_keeps_commands() {
    let script = parse("apt-get update && cat <<EOF\nline\n");
    assert_eq!(script.errors.len(), 1);
    assert!(script.errors[0].message.contains("EOF"));
    assert_eq!(script.simple_commands().len(), 2);
    assert_eq!(script.text(script.heredocs[0].body), "line\n");
}

#[test]
fn broken_scripts_keep_the_commands_around_the_error() {
    // Double operator.
    let script = parse("apt-get install -y foo && && echo bar");
    assert!(!script.errors.is_empty());
    let names: Vec<&str> = script
        .simple_commands()
        .iter()
        .map(|c| c.words[0].value())
        .collect();
    assert_eq!(names, ["apt-get", "echo"]);

    // Unterminated quote: the command before it and the quoted command itself survive.
    let script = parse("apt-get update && echo \"unterminated && rm -rf /tmp/x");
    assert_eq!(script.errors.len(), 1);
    assert!(script.errors[0].message.contains("double quote"));
    assert_eq!(script.simple_commands().len(), 2);

    // Unclosed if.
    let script = parse("if true; then apk add curl; echo x");
    assert_eq!(script.errors.len(), 1);
    assert!(
        script.errors[0].message.contains("fi"),
        "{:?}",
        script.errors
    );
    assert_eq!(script.simple_commands().len(), 3);

    // Stray closing paren and keyword.
    let script = parse("ls ) ; cd /x; fi; pwd");
    assert_eq!(script.errors.len(), 2, "{:?}", script.errors);
    let names: Vec<&str> = script
        .simple_commands()
        .iter()
        .map(|c| c.words[0].value())
        .collect();
    assert_eq!(names, ["ls", "cd", "pwd"]);

    // Unclosed substitution and subshell.
    let script = parse("echo $(date; (cd / && ls");
    assert!(script.errors.len() >= 2);
    assert_eq!(script.simple_commands().len(), 4);

    // A `(` after arguments (PowerShell and cmd lines often look like this).
    let script = parse("powershell -Command iex ((New-Object Net.WebClient).DownloadString('u'))");
    assert!(
        script.errors[0].message.contains("unexpected `(`"),
        "{:?}",
        script.errors
    );
    assert_eq!(script.simple_commands()[0].words.len(), 3);

    // Trailing operator.
    let script = parse("make &&");
    assert_eq!(script.errors.len(), 1);
    assert_eq!(script.simple_commands().len(), 1);
}

#[test]
fn hostile_nesting_does_not_overflow() {
    let deep = format!("{}x{}", "$(".repeat(5000), ")".repeat(5000));
    let script = parse(&deep);
    assert!(script.errors.iter().any(|e| e.message.contains("nesting")));
    let deep = format!("{}x{}", "( ".repeat(5000), " )".repeat(5000));
    let script = parse(&deep);
    assert!(script.has_errors());
    let deep = "if true; then ".repeat(3000);
    assert!(parse(&deep).has_errors());
}

#[test]
fn odd_inputs_never_panic() {
    for source in [
        "",
        " ",
        "\\",
        "'",
        "\"",
        "$",
        "${",
        "$(",
        "$((",
        "`",
        "<",
        "2>",
        "<<",
        "<<EOF",
        "&&",
        "|",
        ";;",
        "case",
        "case x in",
        "for",
        "for x in",
        "if",
        "function",
        "f(",
        "[[",
        "((",
        "é\\é",
        "\"é\\é",
        "$'\\",
        "a=(",
        "x[",
        "echo [a",
        "${#}",
        "${!x}",
        "\r\n",
        "a\\\nb",
        "cat <<",
        "<(",
        ">(x",
        "echo $'a\\'b'",
        "))",
        "}",
        "{",
        "!",
        "! |",
    ] {
        let script = parse(source);
        // Every range must be valid for the source.
        for command in script.simple_commands() {
            let _ = script.text(command.range);
            for word in &command.words {
                let _ = script.text(word.range);
            }
        }
        for error in &script.errors {
            let _ = script.text(error.range);
        }
    }
}

#[test]
fn line_continuation_inside_script() {
    assert_eq!(
        ok("apt-get install \\\n  -y curl"),
        "[apt-get install -y curl]"
    );
    let script = parse("echo a\\\nb");
    assert_eq!(script.simple_commands()[0].words[1].value(), "ab");
}

#[test]
fn non_ascii_text() {
    let script = parse("echo 'héllo wörld' ünïcode && ls");
    assert!(script.errors.is_empty());
    let words = &script.simple_commands()[0].words;
    assert_eq!(words[1].value(), "héllo wörld");
    assert_eq!(script.text(words[2].range), "ünïcode");
}

#[test]
fn nested_constructs() {
    assert_eq!(
        ok(
            "ARCH=$(case \"$(uname -m)\" in x86_64) echo amd64;; *) echo arm64;; esac) && echo $ARCH"
        ),
        "[ARCH=$(case \"$(uname -m)\" in x86_64) echo amd64;; *) echo arm64;; esac)] && [echo $ARCH]"
    );
    let script = parse(
        "V=$(curl -s https://x | jq -r .tag) make VERSION=${V#v} ${ARR[@]} \"${x//\\//_}\" $((1+(2*3)))",
    );
    assert!(script.errors.is_empty(), "{:?}", script.errors);
    let names: Vec<&str> = script
        .simple_commands()
        .iter()
        .map(|c| c.words.first().map_or("", |w| w.value()))
        .collect();
    // The assignment's substitution holds a pipeline of two commands.
    assert_eq!(names, ["make", "curl", "jq"]);
    let make = script.simple_commands()[0];
    assert_eq!(make.words[2].parameters(), ["ARR"]);
    assert_eq!(make.words[3].value(), "${x//\\//_}");
    assert!(matches!(
        make.words[4].parts[0],
        WordPart::Arithmetic { .. }
    ));
    assert_eq!(script.text(make.words[4].range), "$((1+(2*3)))");

    let script =
        parse("diff <(sort a) <(sort b) && cat <<EOF | grep -v x\nbody $(date)\nEOF\necho done");
    assert!(script.errors.is_empty(), "{:?}", script.errors);
    let names: Vec<&str> = script
        .simple_commands()
        .iter()
        .map(|c| c.words[0].value())
        .collect();
    assert_eq!(names, ["diff", "sort", "sort", "cat", "grep", "echo"]);
    assert_eq!(script.text(script.heredocs[0].body), "body $(date)\n");
}

#[test]
fn crlf_line_endings() {
    let script = parse("apt-get update\r\napt-get install -y curl\r\ncat <<EOF\r\nx\r\nEOF\r\n");
    assert!(script.errors.is_empty(), "{:?}", script.errors);
    let commands = script.simple_commands();
    assert_eq!(commands.len(), 3);
    assert_eq!(commands[1].words.last().unwrap().value(), "curl");
}

#[test]
fn pipelines_and_downstream_commands() {
    let script = parse("curl -sL https://x | tar -xz -C /opt; ls");
    let contexts = script.commands_with_context();
    assert_eq!(contexts[0].downstream().len(), 1);
    assert_eq!(contexts[1].index_in_pipeline, 1);
    assert!(contexts[2].downstream().is_empty());
    let pipes = script
        .pipelines()
        .iter()
        .filter(|p| p.commands.len() > 1)
        .count();
    assert_eq!(pipes, 1);
}

#[test]
fn literal_parts_end_where_expansions_begin() {
    for (source, expected) in [
        ("echo foo$BAR/x", "foo$BAR/x"),
        ("echo \"pre${X}post\"", "pre${X}post"),
        ("echo \"a\\\"b$X\"", "a\"b$X"),
        ("echo a$(date)b`id`c", "a$(date)b`id`c"),
        ("echo cost:$ 5$", "cost:$"),
        ("echo x$((1+2))y", "x$((1+2))y"),
    ] {
        let script = parse(source);
        let word = &script.simple_commands()[0].words[1];
        assert_eq!(word.value(), expected, "{source}");
        // Parts tile the word: each starts where the previous ended.
        let mut at = word.range.start();
        for part in &word.parts {
            assert_eq!(part.range().start(), at, "{source}: {:?}", word.parts);
            at = part.range().end();
        }
        assert_eq!(at, word.range.end(), "{source}");
    }
}
