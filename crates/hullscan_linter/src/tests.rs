//! Rule tests: every rule's fixtures and documented examples, and the checker's suppression and
//! severity handling end to end.
//!
//! Every rule is tested by its documentation: the `## Example` block must produce it and the
//! `Use instead:` block must not. Rules can add fixture files and inline cases on top (see
//! [`assert_fires`] and [`assert_silent`] for the inline helpers).
//!
//! Fixtures live in `resources/test/fixtures/<CODE>/`: files named `fires*.Dockerfile` must
//! produce the rule exactly where `# expect: <CODE>` markers say (a marker line names the next
//! line that is not itself a marker; a marker at the end of another line names that line), and
//! files named `silent*.Dockerfile` must not produce it at all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hullscan_diagnostics::{Applicability, Diagnostic, Severity, apply_fixes};
use hullscan_text::SourceFile;

use crate::registry::{self, RULES, RuleSet};
use crate::rules::dockerfile::DOCKERFILE_RULES;
use crate::settings::LinterSettings;

fn lint(text: &str, settings: &LinterSettings) -> (SourceFile, Vec<Diagnostic>) {
    let parse = hullscan_dockerfile::parse(text);
    let model = hullscan_semantic::SemanticModel::new(&parse.dockerfile);
    let source = SourceFile::new("Dockerfile", text);
    let diagnostics = crate::check_dockerfile(&source, &parse, &model, settings);
    (source, diagnostics)
}

/// Applies `hullscan-test: key=value` lines of a fixture (or of a rule's docs) to `settings`,
/// for rules that only act when configured: `trusted-registries=a,b`,
/// `label-schema=name:type,name:type`, `strict-labels`.
fn with_test_settings(text: &str, mut settings: LinterSettings) -> LinterSettings {
    for line in text.lines() {
        let Some(directive) = line
            .split_once("hullscan-test:")
            .map(|(_, rest)| rest.trim())
        else {
            continue;
        };
        // In rule docs the directive sits in an HTML comment.
        let directive = directive.trim_end_matches("-->").trim_end();
        let (key, value) = directive.split_once('=').unwrap_or((directive, ""));
        let items = || {
            value
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
        };
        match key.trim() {
            "trusted-registries" => {
                settings.trusted_registries = items().map(str::to_owned).collect()
            }
            "label-schema" => {
                for item in items() {
                    let (name, kind) = item.split_once(':').unwrap_or((item, "text"));
                    settings
                        .label_schema
                        .insert(name.to_owned(), kind.to_owned());
                }
            }
            "strict-labels" => settings.strict_labels = true,
            other => panic!("unknown `hullscan-test:` setting `{other}`"),
        }
    }
    settings
}

/// Every rule, except those whose finding would absorb `rule`'s as the same problem (see
/// [`crate::same_problem`]): a rule's own tests see its findings.
fn all_rules_for(rule: &hullscan_diagnostics::RuleMeta) -> LinterSettings {
    let mut rules = RuleSet::all();
    for family in crate::same_problem::FAMILIES {
        if let Some(rank) = family.iter().position(|member| member.code == rule.code) {
            for winner in &family[..rank] {
                rules = rules.difference(&RuleSet::of(winner));
            }
        }
    }
    LinterSettings::with_rules(rules)
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<&str> {
    diagnostics.iter().map(|d| d.code.as_ref()).collect()
}

/// 1-based lines where findings of `code` start.
fn lines_of(source: &SourceFile, diagnostics: &[Diagnostic], code: &str) -> Vec<u32> {
    let mut lines: Vec<u32> = diagnostics
        .iter()
        .filter(|d| d.code == code)
        .filter_map(|d| d.range())
        .map(|range| source.line_column(range.start()).line)
        .collect();
    lines.sort_unstable();
    lines
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/test/fixtures")
}

/// The lines `# expect: CODE` markers point at.
fn expected_lines(text: &str, code: &str) -> Vec<u32> {
    let lines: Vec<&str> = text.lines().collect();
    let is_marker = |line: &str| line.trim_start().starts_with("# expect:");
    let mut expected = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        // `# expect: CODE` at the end of a line that is not only a marker means that line
        // (needed where a marker line would change meaning, such as parser directives).
        let (rest, this_line) = match line.trim_start().strip_prefix("# expect:") {
            Some(rest) => (rest, false),
            None => match line.split_once("# expect:") {
                Some((_, rest)) => (rest, true),
                None => continue,
            },
        };
        if !rest.split(',').any(|c| c.trim() == code) {
            continue;
        }
        if this_line {
            expected.push(u32::try_from(i + 1).unwrap());
            continue;
        }
        let target = (i + 1..lines.len()).find(|j| !is_marker(lines[*j]));
        let target =
            target.unwrap_or_else(|| panic!("marker on line {} points past the end", i + 1));
        expected.push(u32::try_from(target + 1).unwrap());
    }
    expected.sort_unstable();
    expected
}

/// Lints `text` with every rule on and asserts that `rule` fires exactly on `lines` (1-based).
pub(crate) fn assert_fires(rule: &hullscan_diagnostics::RuleMeta, text: &str, lines: &[u32]) {
    let (source, diagnostics) = lint(text, &all_rules_for(rule));
    assert_eq!(
        lines_of(&source, &diagnostics, rule.code),
        lines,
        "{}: lines with findings in:\n{text}",
        rule.code
    );
}

/// Lints `text` with every rule on and asserts that `rule` does not fire.
pub(crate) fn assert_silent(rule: &hullscan_diagnostics::RuleMeta, text: &str) {
    let (_, diagnostics) = lint(text, &all_rules_for(rule));
    let found: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.code == rule.code).collect();
    assert!(
        found.is_empty(),
        "{}: unexpected findings in:\n{text}\n{found:#?}",
        rule.code
    );
}

/// The rules whose fixture directories must exist (the engine's own); other rules may add one.
const RULES_WITH_REQUIRED_FIXTURES: &[&str] = &[
    "HS001", "HS002", "HS003", "HS004", "HS101", "HS102", "HS103", "HS104", "HS105",
];

#[test]
fn fixtures_fire_exactly_where_marked_and_stay_silent() {
    let mut checked = 0;
    for rule in RULES {
        let dir = fixtures_dir().join(rule.code);
        if !dir.is_dir() {
            assert!(
                !RULES_WITH_REQUIRED_FIXTURES.contains(&rule.code),
                "{}: no fixtures at {}",
                rule.code,
                dir.display()
            );
            continue;
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        let (mut fires, mut silent) = (0, 0);
        for file in files {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&file).unwrap();
            let (source, diagnostics) =
                lint(&text, &with_test_settings(&text, all_rules_for(rule)));
            let found = lines_of(&source, &diagnostics, rule.code);
            if name.starts_with("fires") {
                fires += 1;
                let expected = expected_lines(&text, rule.code);
                assert!(
                    !expected.is_empty(),
                    "{name}: a `fires` fixture needs `# expect: {}` markers",
                    rule.code
                );
                assert_eq!(found, expected, "{}/{name}: lines with findings", rule.code);
            } else if name.starts_with("silent") {
                silent += 1;
                assert!(
                    found.is_empty(),
                    "{}/{name}: unexpected findings {:#?}",
                    rule.code,
                    diagnostics
                );
            } else {
                panic!(
                    "{}/{name}: fixture names start with `fires` or `silent`",
                    rule.code
                );
            }
        }
        assert!(
            fires > 0 && silent > 0,
            "{}: needs a `fires` and a `silent` fixture",
            rule.code
        );
        checked += 1;
    }
    assert!(checked >= RULES_WITH_REQUIRED_FIXTURES.len());
}

#[test]
fn every_dockerfile_rule_is_wired_into_the_checker_once() {
    let mut wired = BTreeMap::new();
    for (rule, _) in DOCKERFILE_RULES {
        *wired.entry(rule.code).or_insert(0) += 1;
        assert!(
            registry::index_of(rule).is_some(),
            "{} runs but is not registered",
            rule.code
        );
    }
    for rule in RULES {
        if matches!(rule.code.as_bytes().get(2), Some(b'1'..=b'4')) {
            assert_eq!(
                wired.get(rule.code),
                Some(&1),
                "{} is registered but not run exactly once",
                rule.code
            );
        }
    }
}

/// The first fenced code block after `marker` in a rule's docs.
fn block_after(docs: &str, marker: &str) -> Option<String> {
    let after = &docs[docs.find(marker)? + marker.len()..];
    let start = after.find("```")?;
    let body_start = start + after[start..].find('\n')? + 1;
    let end = body_start + after[body_start..].find("```")?;
    Some(after[body_start..end].to_owned())
}

#[test]
fn documented_examples_fire_and_their_fixes_stay_silent() {
    for rule in RULES {
        if !matches!(rule.code.as_bytes().get(2), Some(b'0'..=b'4')) {
            continue;
        }
        let docs = rule.docs_text();
        let example =
            block_after(&docs, "## Example").unwrap_or_else(|| panic!("{}: no example", rule.code));
        let fixed = block_after(&docs, "Use instead:")
            .unwrap_or_else(|| panic!("{}: no `Use instead`", rule.code));
        let settings = with_test_settings(&docs, all_rules_for(rule));
        let (_, found) = lint(&example, &settings);
        assert!(
            codes(&found).contains(&rule.code),
            "{}: example does not fire:\n{example}\n{found:#?}",
            rule.code
        );
        let (_, found) = lint(&fixed, &settings);
        assert!(
            !codes(&found).contains(&rule.code),
            "{}: `Use instead` fires:\n{fixed}\n{found:#?}",
            rule.code
        );
    }
}

#[test]
fn fixes_produce_text_that_no_longer_fires_and_still_parses() {
    for rule in RULES {
        let dir = fixtures_dir().join(rule.code);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let settings = with_test_settings(&text, LinterSettings::for_rule(rule));
            let (_, found) = lint(&text, &settings);
            for diagnostic in &found {
                if let Some(fix) = &diagnostic.fix {
                    assert!(
                        diagnostic.help.is_some(),
                        "{}: fixable finding without help",
                        rule.code
                    );
                    assert!(
                        rule.fix != hullscan_diagnostics::FixAvailability::None,
                        "{} emits a fix but declares none",
                        rule.code
                    );
                    assert!(!fix.edits().is_empty());
                }
            }
            let outcome = apply_fixes(
                &text,
                found.iter().filter_map(|d| d.fix.as_ref()),
                Applicability::Unsafe,
            );
            if outcome.applied == 0 {
                continue;
            }
            let before = hullscan_dockerfile::parse(&text).errors.len();
            let after_parse = hullscan_dockerfile::parse(&outcome.text);
            assert!(
                after_parse.errors.len() <= before,
                "{}: fix broke parsing of {}",
                rule.code,
                path.display()
            );
            let (_, again) = lint(&outcome.text, &settings);
            let fixable_again = again.iter().filter(|d| d.fix.is_some()).count();
            assert!(
                fixable_again < found.iter().filter(|d| d.fix.is_some()).count(),
                "{}: fixes did not remove findings in {}:\n{}",
                rule.code,
                path.display(),
                outcome.text
            );
        }
    }
}

#[test]
fn parse_errors_become_syntax_errors_and_other_rules_still_run() {
    let text = "FROM node\nENV ONLYKEY\nCMD node server.js\n";
    let (_, found) = lint(text, &LinterSettings::default());
    let found = codes(&found);
    assert!(found.contains(&"HS001"), "{found:?}");
    assert!(found.contains(&"HS101"), "{found:?}");
    assert!(found.contains(&"HS105"), "{found:?}");
}

#[test]
fn only_enabled_rules_run() {
    let text = "FROM node\nCMD node server.js\n";
    let settings =
        LinterSettings::for_rule(&crate::rules::dockerfile::shell_form_command::SHELL_FORM_COMMAND);
    let (_, found) = lint(text, &settings);
    assert_eq!(codes(&found), ["HS105"]);
    let (_, found) = lint(text, &LinterSettings::with_rules(RuleSet::EMPTY));
    assert!(found.is_empty());
}

#[test]
fn hullscan_pragmas_suppress_the_next_instruction_or_the_file() {
    let text = "# hullscan ignore=HS101\nFROM node\nFROM python\n";
    let (_, found) = lint(text, &LinterSettings::default());
    assert_eq!(codes(&found).iter().filter(|c| **c == "HS101").count(), 1);

    let text =
        "FROM node\n# hullscan global ignore=untagged-base-image, DL3025\nFROM python\nCMD run\n";
    let (_, found) = lint(text, &LinterSettings::default());
    assert!(
        !codes(&found).contains(&"HS101") && !codes(&found).contains(&"HS105"),
        "{found:?}"
    );

    // Blank lines and other comments between the pragma and the instruction are fine.
    let text = "# hullscan: ignore=untagged-base-image\n\n# the base\nFROM node\n";
    let (_, found) = lint(text, &LinterSettings::default());
    assert!(!codes(&found).contains(&"HS101"));
}

#[test]
fn hadolint_pragmas_apply_to_the_very_next_line_only() {
    let text = "# hadolint ignore=DL3006\nFROM node\n";
    let (_, found) = lint(text, &LinterSettings::default());
    assert!(!codes(&found).contains(&"HS101"));

    let text = "# hadolint ignore=DL3006\n\nFROM node\n";
    let (_, found) = lint(text, &LinterSettings::default());
    assert!(
        codes(&found).contains(&"HS101"),
        "a blank line breaks a hadolint pragma"
    );

    let text = "FROM node:20\n# hadolint global ignore=DL3002,SC2086\nUSER root\n";
    let (_, found) = lint(text, &LinterSettings::default());
    assert!(!codes(&found).contains(&"HS104"));
}

#[test]
fn buildkit_check_directive_skips_and_escalates() {
    let text = "# check=skip=JSONArgsRecommended\nFROM node:20\nCMD node server.js\n";
    let (_, found) = lint(text, &LinterSettings::default());
    assert!(!codes(&found).contains(&"HS105"));

    let text = "# check=skip=all\nFROM node\nCMD node server.js\n";
    let (_, found) = lint(text, &LinterSettings::default());
    // `all` covers BuildKit's checks only; HS101 is not one.
    assert!(!codes(&found).contains(&"HS105") && codes(&found).contains(&"HS101"));

    let text = "# check=error=true\nFROM node:20\nCMD node server.js\n";
    let (_, found) = lint(text, &LinterSettings::default());
    let shell_form = found.iter().find(|d| d.code == "HS105").unwrap();
    assert_eq!(shell_form.severity, Severity::Error);

    // The per-instruction comment form.
    let text =
        "FROM node:20\n# check=skip=JSONArgsRecommended\nCMD node a.js\nENTRYPOINT node b.js\n";
    let (source, found) = lint(text, &LinterSettings::default());
    assert_eq!(lines_of(&source, &found, "HS105"), [4]);
}

#[test]
fn unknown_names_in_suppressions_are_reported_with_a_suggestion() {
    let text = "# hullscan ignore=untaged-base-image,DL3008\nFROM node\n# check=skip=JsonArgs\n";
    let (source, found) = lint(text, &LinterSettings::default());
    let unknown: Vec<&Diagnostic> = found.iter().filter(|d| d.code == "HS002").collect();
    assert_eq!(unknown.len(), 1, "{found:#?}");
    assert!(unknown[0].message.contains("`untaged-base-image`"));
    assert_eq!(
        source.slice(unknown[0].range().unwrap()),
        "untaged-base-image"
    );
    assert!(
        unknown[0]
            .help
            .as_deref()
            .unwrap()
            .contains("untagged-base-image")
    );
}

#[test]
fn unused_suppressions_are_reported_when_enabled() {
    let text = "# hullscan ignore=HS101,HS105\nFROM node\n# hadolint ignore=DL3017\nRUN true\n";
    let (source, found) = lint(text, &LinterSettings::default());
    assert!(!codes(&found).contains(&"HS003"), "off by default");
    let settings = LinterSettings::with_rules(
        RuleSet::defaults().union(&RuleSet::of(&crate::rules::tool::UNUSED_SUPPRESSION)),
    );
    let (_, found) = lint(text, &settings);
    let unused: Vec<&str> = found
        .iter()
        .filter(|d| d.code == "HS003")
        .map(|d| source.slice(d.range().unwrap()))
        .collect();
    // HS101 was used; HS105 was not; DL3017 (retired) is not implemented, so unknowable.
    assert_eq!(unused, ["HS105"]);
}

#[test]
fn severity_overrides_apply_and_disable_ignore_pragma_works() {
    let mut settings = LinterSettings::default();
    settings.set_severity(
        &RuleSet::of(&crate::rules::dockerfile::untagged_base_image::UNTAGGED_BASE_IMAGE),
        Severity::Error,
    );
    let (_, found) = lint("FROM node\n", &settings);
    assert_eq!(
        found.iter().find(|d| d.code == "HS101").unwrap().severity,
        Severity::Error
    );

    settings.disable_ignore_pragma = true;
    let (_, found) = lint("# hullscan ignore=HS101\nFROM node\n", &settings);
    assert!(codes(&found).contains(&"HS101"));
}

#[test]
fn checker_never_panics_on_odd_input() {
    for text in [
        "",
        "\u{feff}",
        "#",
        "# hullscan ignore=",
        "# hullscan global ignore=,,,",
        "# check=\nFROM a",
        "# check=skip=\nFROM a",
        "FROM",
        "FROM ${X}\nUSER",
        "FROM a AS b\nFROM b\nUSER ${U}\n",
        "FROM a:b@sha256:zz",
        "USER root\n",
        "CMD\n",
        "FROM a\nONBUILD CMD x\n",
    ] {
        let _ = lint(text, &LinterSettings::all_rules());
    }
}
