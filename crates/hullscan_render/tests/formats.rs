//! Every format over the shared fixtures: exact expected output (snapshot files under
//! `tests/snapshots/`, reviewed like code; `HULLSCAN_UPDATE_SNAPSHOTS=1` rewrites them), and
//! properties that must hold for any input: XML is well-formed, JSON parses, line formats keep
//! one finding per line, and odd ranges never panic.

mod common;

use std::sync::Arc;

use hullscan_diagnostics::{
    Applicability, Edit, FileReport, Fix, Location, Severity, Subject, declare_rule,
};
use hullscan_render::{OutputFormat, RenderOptions};
use hullscan_text::{SourceFile, TextRange, TextSize};
use quick_xml::events::Event;
use serde_json::Value;

use common::{all_reports, finding, hostile_reports, options, render_to_string};

fn snapshot(name: &str, actual: &str) {
    let path = format!("{}/tests/snapshots/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("HULLSCAN_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!("missing snapshot {path}; run with HULLSCAN_UPDATE_SNAPSHOTS=1 and review it")
    });
    assert!(
        expected == actual,
        "{name} differs from its snapshot.\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

fn extension(format: OutputFormat) -> &'static str {
    match format {
        OutputFormat::Human | OutputFormat::Concise | OutputFormat::Github => "txt",
        OutputFormat::Json | OutputFormat::Sarif | OutputFormat::Gitlab => "json",
        OutputFormat::Checkstyle | OutputFormat::Junit => "xml",
    }
}

#[test]
fn every_format_matches_its_snapshot() {
    for format in OutputFormat::ALL {
        let output = render_to_string(&all_reports(), format, &options());
        snapshot(
            &format!("all.{}.{}", format.as_str(), extension(format)),
            &output,
        );
    }
}

#[test]
fn human_format_draws_rustc_style_snippets() {
    let output = render_to_string(&all_reports(), OutputFormat::Human, &options());
    // Header with severity, code, name, aliases; `[*]` marks a safe fix.
    assert!(output.contains(
        "warning[HS101 untagged-base-image, DL3006]: [*] Base image `ubuntu` has no tag\n --> Dockerfile:1:6\n"
    ));
    // A multi-line span is drawn over both lines.
    assert!(output.contains("2 | / RUN apt-get update && \\\n3 | |     apt-get install -y curl\n  | |___________________________^\n"));
    // Unsafe fixes are labelled and not marked `[*]`.
    assert!(output.contains("info[HS205 apt-install-recommends, DL3015]: `apt-get"));
    assert!(output.contains("help: Add `--no-install-recommends` (unsafe fix)"));
    // The caret sits under `description` although `é` is two bytes.
    assert!(output.contains(
        "5 | LABEL maintainer=\"José\" description=\"naïve\"\n  |                         ^^^^^^^^^^^\n"
    ));
    assert!(output.contains("--> context/.env\n"));
    assert!(
        output.contains(
            "--> registry.example.com/app:1.0@layer 3 (sha256:0123456789ab…):/etc/shadow\n"
        )
    );
    assert!(output.contains("--> registry.example.com/app:1.0:config/User\n"));
    assert!(output.contains("1 | FROM ubuntu\n  | ---- the stage starts here\n"));
    assert!(output.ends_with(
        "Found 7 problems (2 errors, 3 warnings, 1 info, 1 style) in 3 files; 1 fixable (1 more with unsafe fixes).\n"
    ));
    assert!(!output.contains('\u{1b}'), "no colour unless asked");
}

#[test]
fn human_summary_counts_and_pluralises() {
    let mut report = common::dockerfile_report();
    report.diagnostics.truncate(1);
    let output = render_to_string(&[report], OutputFormat::Human, &options());
    assert!(output.ends_with("Found 1 problem (1 warning) in 1 file; 1 fixable.\n"));
    let output = render_to_string(&[common::context_report()], OutputFormat::Human, &options());
    assert!(output.ends_with("Found 1 problem (1 error) in 1 file.\n"));
}

#[test]
fn colour_only_when_asked() {
    let coloured = RenderOptions {
        color: true,
        ..options()
    };
    let output = render_to_string(&all_reports(), OutputFormat::Human, &coloured);
    assert!(output.contains("\u{1b}["), "ANSI escapes when colour is on");
    assert!(output.contains("Found 7 problems"));
    let clean = render_to_string(&[common::clean_report()], OutputFormat::Human, &coloured);
    assert!(clean.contains("\u{1b}[") && clean.contains("All checks passed."));
    for format in OutputFormat::ALL {
        if format != OutputFormat::Human {
            let output = render_to_string(&all_reports(), format, &coloured);
            assert!(
                !output.contains('\u{1b}'),
                "{} must never be coloured",
                format.as_str()
            );
        }
    }
}

#[test]
fn clean_runs() {
    let clean = [common::clean_report()];
    let render = |format| render_to_string(&clean, format, &options());
    assert_eq!(render(OutputFormat::Human), "All checks passed.\n");
    assert_eq!(
        render_to_string(&[], OutputFormat::Human, &options()),
        "All checks passed.\n"
    );
    assert_eq!(render(OutputFormat::Concise), "");
    assert_eq!(render(OutputFormat::Github), "");
    assert_eq!(render(OutputFormat::Json), "[]\n");
    assert_eq!(render(OutputFormat::Gitlab), "[]\n");
    assert_eq!(
        render(OutputFormat::Checkstyle),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n  <file name=\"clean/Dockerfile\"/>\n</checkstyle>\n"
    );
    assert_eq!(
        render(OutputFormat::Junit),
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<testsuites name=\"hullscan\" tests=\"1\" failures=\"0\" errors=\"0\">\n",
            "  <testsuite name=\"clean/Dockerfile\" tests=\"1\" failures=\"0\" errors=\"0\">\n",
            "    <testcase name=\"hullscan\" classname=\"clean/Dockerfile\"/>\n",
            "  </testsuite>\n",
            "</testsuites>\n"
        )
    );
}

/// Parses `xml` fully, resolving every entity, and returns the decoded attribute values.
fn parse_xml(xml: &str) -> Vec<(String, String)> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0usize;
    let mut attributes = Vec::new();
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("malformed XML at {}: {e}\n{xml}", reader.error_position()));
        let element = match &event {
            Event::Eof => break,
            Event::Start(start) => {
                depth += 1;
                Some(start.clone())
            }
            Event::Empty(empty) => Some(empty.clone()),
            Event::End(_) => {
                depth = depth.checked_sub(1).expect("balanced tags");
                None
            }
            Event::GeneralRef(reference) => {
                let name = reference.decode().expect("UTF-8");
                assert!(
                    reference
                        .resolve_char_ref()
                        .expect("valid char ref")
                        .is_some()
                        || ["amp", "lt", "gt", "quot", "apos"].contains(&&*name),
                    "unknown entity &{name};"
                );
                None
            }
            Event::Text(text) => {
                text.decode().expect("UTF-8 text");
                None
            }
            _ => None,
        };
        if let Some(element) = element {
            for attribute in element.attributes() {
                let attribute = attribute.expect("well-formed attribute");
                let key = String::from_utf8(attribute.key.as_ref().to_vec()).expect("UTF-8");
                let value = attribute
                    .unescape_value()
                    .expect("escaped value")
                    .into_owned();
                attributes.push((key, value));
            }
        }
    }
    assert_eq!(depth, 0, "every element closed");
    attributes
}

#[test]
fn every_format_is_well_formed_for_hostile_text() {
    for reports in [all_reports(), hostile_reports(), Vec::new()] {
        let findings: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
        for format in OutputFormat::ALL {
            let output = render_to_string(&reports, format, &options());
            match format {
                OutputFormat::Json | OutputFormat::Gitlab => {
                    let value: Value = serde_json::from_str(&output).expect("JSON parses");
                    assert_eq!(value.as_array().expect("array").len(), findings);
                }
                OutputFormat::Sarif => {
                    let value: Value = serde_json::from_str(&output).expect("JSON parses");
                    assert_eq!(
                        value["runs"][0]["results"]
                            .as_array()
                            .expect("results")
                            .len(),
                        findings
                    );
                }
                OutputFormat::Checkstyle | OutputFormat::Junit => {
                    parse_xml(&output);
                }
                OutputFormat::Concise | OutputFormat::Github => {
                    assert_eq!(output.lines().count(), findings, "{output}");
                }
                OutputFormat::Human => {
                    assert!(output.lines().last().is_some_and(
                        |line| line.starts_with("Found") || line == "All checks passed."
                    ));
                }
            }
        }
    }
}

#[test]
fn xml_attributes_round_trip() {
    let output = render_to_string(&hostile_reports(), OutputFormat::Checkstyle, &options());
    let attributes = parse_xml(&output);
    let message = attributes
        .iter()
        .find(|(key, _)| key == "message")
        .map(|(_, value)| value.as_str())
        .expect("a message attribute");
    // Control characters (CR and DEL included) are shown as symbols before any format sees
    // them; everything else survives, line feeds included.
    assert_eq!(
        message,
        "a<b>&\"c\" 'd' 50% x,y:z␍\nnext\tline ␁␡ é 😀 ]]> -->"
    );
}

#[test]
fn github_commands_escape_data_and_properties() {
    let output = render_to_string(&hostile_reports(), OutputFormat::Github, &options());
    let first = output.lines().next().expect("a command");
    assert!(
        first.starts_with("::error file=dir with space/a<b>&\"c\" 'd' 50%25 x%2Cy%3Az␍␊next\tline"),
        "{first}"
    );
    assert!(first.contains(
        ",line=1,col=1,endLine=5,endColumn=1,title=HS999::a<b>&\"c\" 'd' 50%25 x,y:z␍%0Anext"
    ));
    assert!(first.ends_with("%0Ahelp: a<b>&\"c\" 'd' 50%25 x,y:z␍%0Anext\tline ␁␡ é 😀 ]]> -->"));
}

#[test]
fn concise_lines() {
    let output = render_to_string(&all_reports(), OutputFormat::Concise, &options());
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(
        lines[0],
        "Dockerfile:1:6: warning[HS101] Base image `ubuntu` has no tag"
    );
    assert_eq!(
        lines[3],
        "Dockerfile:5:25: style[HS150] Label key `description` is not namespaced"
    );
    assert_eq!(
        lines[4],
        "context/.env: error[HS501] `.env` is sent to the build context"
    );
    let hostile = render_to_string(&hostile_reports(), OutputFormat::Concise, &options());
    assert_eq!(
        hostile.lines().count(),
        2,
        "a newline in a message must not split the record"
    );
}

/// Findings with ranges a buggy checker might produce.
fn odd_reports() -> Vec<FileReport> {
    let text = "FROM é\r\n\tRUN x\r\nUSER a";
    let source = Arc::new(SourceFile::new("odd/Dockerfile", text));
    let e_acute = text.find('é').expect("é");
    let mid_char = TextRange::from_usize(e_acute + 1, e_acute + 2);
    let past_end = TextRange::new(TextSize::new(10_000), TextSize::new(10_005));
    let at_end = TextRange::empty(TextSize::of(text));
    let crlf_line = TextRange::from_usize(0, text.find("\r\n").expect("crlf") + 2);
    let tab = TextRange::from_usize(
        text.find("RUN").expect("RUN"),
        text.find("RUN").expect("RUN") + 3,
    );
    let mk = |range: TextRange| {
        finding(
            "HS900",
            "odd",
            &[],
            Severity::Warning,
            "odd range",
            Location::Text(range),
        )
    };
    let bad_fix = mk(tab).with_fix(Fix::new(
        "Edit past the end",
        vec![Edit::replacement("x", past_end)],
        Applicability::Safe,
    ));
    let mid_fix = mk(tab).with_fix(Fix::safe("Mid-character edit", Edit::deletion(mid_char)));
    let diagnostics = vec![
        mk(mid_char),
        mk(past_end),
        mk(at_end),
        mk(crlf_line),
        mk(tab),
        bad_fix,
        mid_fix,
    ];
    let no_source = FileReport {
        path: "lost".to_owned(),
        subject: Subject::File,
        source: None,
        diagnostics: vec![mk(tab).with_fix(Fix::safe("t", Edit::deletion(tab)))],
    };
    let empty = FileReport::for_source(
        Arc::new(SourceFile::new("empty", "")),
        vec![mk(TextRange::empty(TextSize::ZERO))],
    );
    vec![
        FileReport::for_source(source, diagnostics),
        no_source,
        empty,
    ]
}

#[test]
fn odd_ranges_never_panic() {
    let reports = odd_reports();
    for format in OutputFormat::ALL {
        let output = render_to_string(&reports, format, &options());
        assert!(!output.is_empty());
    }
    let human = render_to_string(&reports, OutputFormat::Human, &options());
    snapshot("odd.human.txt", &human);
    assert!(!human.contains('\r'), "CRLF line endings are not echoed");
    assert!(
        human.contains("--> lost\n"),
        "text location without source shows the path"
    );
    assert!(
        human.contains("help: Edit past the end\n"),
        "an impossible fix shows its title only"
    );
    let concise = render_to_string(&reports, OutputFormat::Concise, &options());
    assert!(
        concise.contains("odd/Dockerfile:1:6: "),
        "mid-character offset counts that character"
    );
    assert!(
        concise.contains("odd/Dockerfile:3:7: "),
        "past-the-end offsets clamp to the end"
    );
    assert!(
        concise.contains("odd/Dockerfile:2:2: "),
        "a tab is one column"
    );
}

#[test]
fn no_format_shows_a_credential_from_the_source() {
    // The finding is about the line, not the credential on it (as when another rule fires on
    // it): the human format's snippet shows the line with the credential masked, and no other
    // format prints source text at all.
    let text = "FROM alpine\nENV AWS_KEY=q8Hd0X+3kLpW7vNzR2tYbC5mJfA9sEgU1oKiT4hV TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\n";
    let range = common::find(text, "AWS_KEY", 0);
    let report = FileReport::for_source(
        Arc::new(SourceFile::new("Dockerfile", text)),
        vec![
            finding(
                "HS701",
                "secret-in-env",
                &[],
                Severity::Error,
                "Secret in ENV `AWS_KEY`",
                Location::Text(range),
            )
            .with_fingerprint("hs701:1a2b"),
        ],
    );
    for format in OutputFormat::ALL {
        let output = render_to_string(std::slice::from_ref(&report), format, &options());
        for piece in ["q8Hd0X+3kLpW", "7vNzR2tYbC5m", "aBcDeFgHiJkL", "0123456789"] {
            assert!(!output.contains(piece), "{}: {output}", format.as_str());
        }
        if format == OutputFormat::Human {
            assert!(output.contains("ENV AWS_KEY=****"), "{output}");
            assert!(output.contains("TOKEN=ghp_****"), "{output}");
            assert!(output.contains("^^^^^^^"), "{output}");
        }
    }
}

#[test]
fn gitlab_fingerprints_follow_content_not_line_numbers() {
    let fingerprints = |text: &str, needle: &str| -> Vec<String> {
        let ranges: Vec<TextRange> = text
            .match_indices(needle)
            .map(|(start, _)| TextRange::from_usize(start, start + needle.len()))
            .collect();
        let diagnostics = ranges
            .into_iter()
            .map(|range| {
                finding(
                    "HS301",
                    "last-user-root",
                    &[],
                    Severity::Error,
                    "root",
                    Location::Text(range),
                )
            })
            .collect();
        let report =
            FileReport::for_source(Arc::new(SourceFile::new("Dockerfile", text)), diagnostics);
        let output = render_to_string(&[report], OutputFormat::Gitlab, &options());
        let issues: Vec<Value> = serde_json::from_str(&output).expect("JSON");
        issues
            .iter()
            .map(|issue| {
                issue["fingerprint"]
                    .as_str()
                    .expect("fingerprint")
                    .to_owned()
            })
            .collect()
    };
    let before = fingerprints("FROM a\nUSER root\n", "root");
    let moved = fingerprints("FROM a\n# comment\n\nUSER root\n", "root");
    assert_eq!(before, moved, "inserting lines above keeps the fingerprint");
    let changed = fingerprints("FROM a\nUSER  root # why\n", "root");
    assert_ne!(before, changed, "a changed line is a new finding");
    let twice = fingerprints("USER root\nUSER root\n", "root");
    assert_eq!(twice.len(), 2);
    assert_ne!(
        twice[0], twice[1],
        "identical findings still get unique fingerprints"
    );
    assert_eq!(twice[0].len(), 32);
}

declare_rule! {
    /// ## What it does
    /// Finds base images without a tag.
    static UNTAGGED = {
        code: "HS101",
        name: "untagged-base-image",
        aliases: ["DL3006"],
        severity: Warning,
        category: BestPractice,
        fix: Sometimes,
        summary: "Base image has no tag",
    };
}

#[test]
fn sarif_describes_rules_from_the_registry() {
    let mut report = common::dockerfile_report();
    report.diagnostics.truncate(1);
    // The user raised the severity in config; the rule's default stays `warning`.
    report.diagnostics[0].severity = Severity::Error;
    let with_rules = RenderOptions {
        rules: vec![&UNTAGGED],
        ..options()
    };
    let output = render_to_string(
        std::slice::from_ref(&report),
        OutputFormat::Sarif,
        &with_rules,
    );
    let log: Value = serde_json::from_str(&output).expect("JSON");
    let rule = &log["runs"][0]["tool"]["driver"]["rules"][0];
    assert_eq!(rule["shortDescription"]["text"], "Base image has no tag");
    assert_eq!(rule["defaultConfiguration"]["level"], "warning");
    assert_eq!(
        rule["fullDescription"]["text"],
        "## What it does\nFinds base images without a tag.\n"
    );
    assert_eq!(log["runs"][0]["results"][0]["level"], "error");
    assert_eq!(log["runs"][0]["tool"]["driver"]["version"], "0.1.0");
    assert_eq!(log["runs"][0]["columnKind"], "unicodeCodePoints");
}

#[test]
fn sarif_uris_are_percent_encoded() {
    let output = render_to_string(&hostile_reports(), OutputFormat::Sarif, &options());
    let log: Value = serde_json::from_str(&output).expect("JSON");
    let uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .expect("uri");
    assert!(
        uri.starts_with(
            "dir%20with%20space/a%3Cb%3E&%22c%22%20'd'%2050%25%20x,y%3Az%E2%90%8D%E2%90%8A"
        ),
        "{uri}"
    );
    assert!(uri.ends_with("/Dockerfile"));
}

/// 10 000 findings over a 10 000-line file render in every format, and each finding's snippet
/// holds only its own line (no per-finding scan of the whole file).
#[test]
fn ten_thousand_findings() {
    let reports = many_findings(10_000);
    for format in OutputFormat::ALL {
        let output = render_to_string(&reports, format, &options());
        match format {
            OutputFormat::Concise | OutputFormat::Github => {
                assert_eq!(output.lines().count(), 10_000);
            }
            OutputFormat::Human => {
                assert_eq!(output.matches("warning[HS101").count(), 10_000);
                assert!(output.contains("10000 | FROM image9999\n"));
            }
            _ => assert!(output.len() > 10_000 * 50),
        }
    }
}

pub fn many_findings(count: usize) -> Vec<FileReport> {
    let mut text = String::new();
    for i in 0..count {
        text.push_str(&format!("FROM image{i}\n"));
    }
    let diagnostics = text
        .match_indices("image")
        .map(|(start, _)| {
            finding(
                "HS101",
                "untagged-base-image",
                &["DL3006"],
                Severity::Warning,
                "Base image has no tag",
                Location::Text(TextRange::from_usize(start, start + 5)),
            )
            .with_fix(Fix::safe(
                "Pin the tag",
                Edit::insertion(":1", TextSize::try_from(start + 5).expect("small")),
            ))
        })
        .collect();
    vec![FileReport::for_source(
        Arc::new(SourceFile::new("Dockerfile", text)),
        diagnostics,
    )]
}

/// `cargo test --release -p hullscan_render --test formats -- --ignored --nocapture` prints how
/// long each format takes for 10 000 findings.
#[test]
#[ignore = "timing report, not a check"]
#[allow(clippy::print_stderr)]
fn time_ten_thousand_findings() {
    let reports = many_findings(10_000);
    for format in OutputFormat::ALL {
        let start = std::time::Instant::now();
        let output = render_to_string(&reports, format, &options());
        eprintln!(
            "{:>10}: {:>7.1} ms, {:>8} bytes",
            format.as_str(),
            start.elapsed().as_secs_f64() * 1e3,
            output.len()
        );
    }
}

#[test]
fn terminal_formats_never_pass_escape_sequences_through() {
    // A file name or message could carry ANSI escapes; the terminal formats must not let them
    // recolour or rewrite the user's terminal.
    let evil = "evil\u{1b}[2J\u{1b}]0;title\u{7}";
    let text = format!("FROM {evil}\n");
    let report = FileReport::for_source(
        Arc::new(SourceFile::new(format!("{evil}/Dockerfile"), text.clone())),
        vec![
            finding(
                "HS101",
                "untagged-base-image",
                &[],
                Severity::Warning,
                evil,
                Location::Text(common::find(&text, "evil", 0)),
            )
            .with_help(evil),
        ],
    );
    for format in [OutputFormat::Human, OutputFormat::Concise] {
        let output = render_to_string(std::slice::from_ref(&report), format, &options());
        assert!(
            !output.contains('\u{1b}'),
            "{}: {output:?}",
            format.as_str()
        );
        assert!(!output.contains('\u{7}'), "{}: {output:?}", format.as_str());
    }
}

/// A help text that is also the fix's title is printed once, as the fix's help line.
#[test]
fn human_help_equal_to_the_fix_title_is_printed_once() {
    use hullscan_diagnostics::{Edit, FileReport, Fix, Location, Severity};
    let text = "FROM node:22 AS a\nFROM node\n";
    let source = Arc::new(SourceFile::new("Dockerfile", text));
    let start = text.rfind("node").unwrap();
    let node = TextRange::new(
        TextSize::try_from(start).unwrap(),
        TextSize::try_from(start + 4).unwrap(),
    );
    let title = "Pin `node:22`, the tag this file uses elsewhere";
    let untagged = finding(
        "HS101",
        "untagged-base-image",
        &["DL3006"],
        Severity::Warning,
        "Base image `node` has no tag",
        Location::Text(node),
    )
    .with_help(title)
    .with_fix(Fix::unsafe_edit(title, Edit::insertion(":22", node.end())));
    let report = FileReport::for_source(source, vec![untagged]);
    let out = render_to_string(&[report], OutputFormat::Human, &options());
    assert_eq!(out.matches(title).count(), 1, "{out}");
}

/// Many findings on one long line: each is drawn with a bounded window of the line around its
/// span (`…` marking the cuts) and the true line and column, so the output grows with the
/// number of findings, not with findings × line length.
#[test]
fn human_clips_long_lines_around_each_span() {
    let words: Vec<String> = (0..4000).map(|i| format!("word{i:05}")).collect();
    let line = format!("RUN {}\n", words.join(" "));
    let text = format!("FROM a:1\n{line}");
    let source = Arc::new(SourceFile::new("Dockerfile", text.clone()));
    let diagnostics = (0..4000)
        .step_by(100)
        .map(|i| {
            finding(
                "HS999",
                "test-rule",
                &[],
                Severity::Warning,
                &format!("word {i}"),
                Location::Text(common::find(&text, &format!("word{i:05}"), 0)),
            )
        })
        .collect();
    let report = FileReport::for_source(source, diagnostics);
    let output = render_to_string(&[report], OutputFormat::Human, &options());
    // 40 findings on a 40 KB line: a few hundred bytes each, not the whole line each.
    assert!(output.len() < 40 * 1500, "{} bytes of output", output.len());
    // The middle finding: cut on both sides, its column counted on the real line.
    let column = line.find("word02000").unwrap() + 1;
    let header = format!("--> Dockerfile:2:{column}");
    let at = output
        .find(&header)
        .unwrap_or_else(|| panic!("{header} in {output}"));
    let drawn = &output[at..];
    let snippet_line = drawn.lines().find(|l| l.starts_with("2 |")).unwrap();
    // Cut on both sides (by the window, `…`, or by the renderer's own width limit, `...`).
    let cut = |text: &str| text.contains('…') || text.contains("...");
    assert!(cut(&snippet_line[..8]), "{snippet_line}");
    assert!(
        cut(&snippet_line[snippet_line.len() - 4..]),
        "{snippet_line}"
    );
    assert!(snippet_line.contains("word02000"), "{snippet_line}");
    let marker = drawn.lines().find(|l| l.contains('^')).unwrap();
    let caret = marker.find('^').unwrap();
    assert_eq!(
        &snippet_line[snippet_line
            .char_indices()
            .nth(marker[..caret].chars().count())
            .unwrap()
            .0..][..9],
        "word02000",
        "the annotation sits under its word"
    );
    // The first finding keeps the start of the line.
    assert!(output.contains("2 | RUN word00000 "), "{}", &output[..600]);
}

/// A credential cut by the window's edge is still masked: masking runs on the whole file first.
#[test]
fn human_clipping_never_reveals_part_of_a_secret() {
    let token = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
    let padding = "x ".repeat(1500);
    let text = format!("FROM a:1\nRUN echo {token} {padding}target {padding}\n");
    let source = Arc::new(SourceFile::new("Dockerfile", text.clone()));
    // A finding placed so the window's start falls inside the token.
    let target = common::find(&text, "target", 0);
    let report = FileReport::for_source(
        source,
        vec![
            finding(
                "HS999",
                "test-rule",
                &[],
                Severity::Warning,
                "target",
                Location::Text(target),
            ),
            finding(
                "HS999",
                "test-rule",
                &[],
                Severity::Warning,
                "near the token",
                Location::Text(TextRange::from_usize(
                    text.find(token).unwrap() + 30 + 160,
                    text.find(token).unwrap() + 31 + 160,
                )),
            ),
        ],
    );
    let output = render_to_string(&[report], OutputFormat::Human, &options());
    assert!(!output.contains("PqRsTuVwXyZ"), "{output}");
    assert!(!output.contains("0123456789"), "{output}");
}
