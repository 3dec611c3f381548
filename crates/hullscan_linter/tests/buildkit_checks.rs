//! Conformance with Docker's build checks: runs every case of
//! `../shared/corpus/buildkit-checks/cases.jsonl` (BuildKit's own lint tests) and compares what
//! hullscan reports with what `docker build --check` reports.
//!
//! How a case is run:
//! - The rules that run are hullscan's default rules that carry a BuildKit check name as an alias
//!   (the experimental one only when the file's `# check=experimental=` enables it, as in
//!   BuildKit). `build-arg:BUILDKIT_DOCKERFILE_CHECK` replaces the file's `# check=` directive, as
//!   the build arg does; other `build-arg:` values are build args of the semantic model.
//! - Every finding of those rules is mapped to its BuildKit name and first line. The multiset of
//!   `(check, line)` must equal the case's `expected` list exactly: the same check on the same
//!   line, and nothing more (a check firing where BuildKit is silent fails the case too).
//! - A case whose expected build error is `lint violation found for rules: A, B` (from
//!   `# check=error=true`) must have every one of those findings at severity `error`, and exactly
//!   those checks among them.
//! - Messages are compared too, but only counted (printed), not asserted: the rule is line-exact,
//!   the wording only close to BuildKit's.
//!
//! Skipped: cases about checks hullscan's Dockerfile linter does not implement, each with its
//! reason (see [`NOT_IMPLEMENTED_HERE`]); their expectations cannot be reproduced from the
//! Dockerfile alone. They are still linted, and no other check may fire on them.
//!
//! Cases listed in `docs/buildkit-differences.md` (a table: `case N` (the line number in
//! `cases.jsonl`), check, reason) are deliberate differences: reported, not asserted, and a
//! listed case that passes anyway is an error, so the list stays true. While the catalogue is
//! incomplete, a case that needs a check hullscan does not have yet is counted as missing.

#![allow(clippy::print_stdout)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hullscan_diagnostics::{Diagnostic, Severity};
use hullscan_linter::LinterSettings;
use hullscan_linter::registry::{self, RULES, RuleSet};
use hullscan_linter::upstream;
use hullscan_semantic::{BuildOptions, SemanticModel};
use hullscan_text::SourceFile;
use serde_json::Value;

/// BuildKit checks that the Dockerfile linter deliberately does not implement, with why.
const NOT_IMPLEMENTED_HERE: &[(&str, &str)] = &[(
    "InvalidBaseImagePlatform",
    "needs the base image's metadata from a registry",
)];

fn not_implemented_reason(check: &str) -> Option<&'static str> {
    NOT_IMPLEMENTED_HERE
        .iter()
        .find(|(name, _)| *name == check)
        .map(|(_, reason)| *reason)
}

mod common;

use common::{Tally, jsonl_records, repo_root, shared_dir, table_rows};

/// One expected warning.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Warning {
    check: String,
    line: u32,
    message: String,
}

/// One record of `cases.jsonl`.
struct Case {
    /// 1-based line in `cases.jsonl`.
    number: usize,
    rule: String,
    test: String,
    dockerfile: String,
    expected: Vec<Warning>,
    build_args: Vec<(String, String)>,
    /// The checks named by `lint violation found for rules: ...`, when that is the build error.
    lint_violation: Option<BTreeSet<String>>,
    /// The build context's `.dockerignore`, for the context checks (`CopyIgnoredFile`).
    dockerignore: Option<String>,
    /// `dockerfile parse error on line N: MESSAGE` from the instructions layer: `(N, MESSAGE)`.
    instruction_error: Option<(u32, String)>,
}

impl Case {
    fn from_json(number: usize, text: &str) -> Case {
        let value: Value = serde_json::from_str(text)
            .unwrap_or_else(|err| panic!("cases.jsonl:{number}: not JSON: {err}"));
        let string = |name: &str| {
            value[name]
                .as_str()
                .unwrap_or_else(|| panic!("cases.jsonl:{number}: `{name}` is not a string"))
                .to_owned()
        };
        let expected = value["expected"]
            .as_array()
            .unwrap_or_else(|| panic!("cases.jsonl:{number}: no `expected` list"))
            .iter()
            .map(|e| Warning {
                check: e["rule"].as_str().unwrap_or_default().to_owned(),
                line: e["line"]
                    .as_u64()
                    .and_then(|l| u32::try_from(l).ok())
                    .unwrap_or(0),
                message: e["message"].as_str().unwrap_or_default().to_owned(),
            })
            .collect();
        let build_args = value["frontend_attrs"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(key, value)| {
                Some((
                    key.strip_prefix("build-arg:")?.to_owned(),
                    value.as_str()?.to_owned(),
                ))
            })
            .collect();
        let lint_violation = value["build_error"]
            .as_str()
            .and_then(|error| error.strip_prefix("lint violation found for rules: "))
            .map(|names| {
                names
                    .split(',')
                    .map(|name| name.trim().to_owned())
                    .collect()
            });
        let instruction_error = value["build_error"]
            .as_str()
            .and_then(|error| error.strip_prefix("dockerfile parse error on line "))
            .and_then(|rest| rest.split_once(": "))
            .and_then(|(line, message)| Some((line.parse().ok()?, message.to_owned())));
        Case {
            number,
            dockerignore: value["dockerignore"].as_str().map(str::to_owned),
            instruction_error,
            rule: string("rule"),
            test: string("test"),
            dockerfile: string("dockerfile"),
            expected,
            build_args,
            lint_violation,
        }
    }

    /// The checks this case is about: its own rule (unless it is a pseudo-rule such as
    /// `check-directive`) and every check it expects.
    fn checks(&self) -> BTreeSet<&str> {
        let mut checks: BTreeSet<&str> = self.expected.iter().map(|w| w.check.as_str()).collect();
        if upstream::is_buildkit_check(&self.rule) {
            checks.insert(&self.rule);
        }
        checks
    }
}

/// Reads the differences table: rows `| case N | Check | reason |`.
fn read_differences(path: &Path) -> BTreeMap<usize, String> {
    let mut out = BTreeMap::new();
    for (_, cells) in table_rows(path, 3) {
        let Some(number) = cells[0]
            .trim_matches('`')
            .strip_prefix("case ")
            .and_then(|n| n.trim().parse::<usize>().ok())
        else {
            continue;
        };
        assert!(
            upstream::is_buildkit_check(&cells[1]),
            "{}: `{}` is not a BuildKit check",
            path.display(),
            cells[1]
        );
        assert!(
            !cells[2].is_empty(),
            "{}: case {number} has no reason",
            path.display()
        );
        out.insert(number, cells[2].clone());
    }
    out
}

/// The BuildKit name of the rule that produced `diagnostic`, if it is a BuildKit check.
fn buildkit_name(diagnostic: &Diagnostic) -> Option<&'static str> {
    diagnostic
        .aliases
        .iter()
        .copied()
        .find(|alias| upstream::is_buildkit_check(alias))
}

/// The rules that stand in for BuildKit's checks.
fn buildkit_rules() -> RuleSet {
    RULES
        .iter()
        .copied()
        .filter(|rule| registry::is_buildkit_rule(rule))
        .collect()
}

/// BuildKit check names that some registered rule carries.
fn implemented_checks() -> BTreeSet<&'static str> {
    RULES
        .iter()
        .flat_map(|rule| rule.aliases.iter().copied())
        .filter(|alias| upstream::is_buildkit_check(alias))
        .collect()
}

/// The build-context findings on the case's Dockerfile, from a context directory holding the
/// Dockerfile and `ignore` as `.dockerignore`.
fn context_findings(
    case: &Case,
    ignore: &str,
    parse: &hullscan_dockerfile::Parse,
) -> Vec<Diagnostic> {
    let dir = std::env::temp_dir().join(format!(
        "hullscan-buildkit-checks-{}-{}",
        std::process::id(),
        case.number
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let dockerfile = dir.join("Dockerfile");
    std::fs::write(&dockerfile, &case.dockerfile).unwrap();
    std::fs::write(dir.join(".dockerignore"), ignore).unwrap();
    let context = hullscan_context::load_context(&dir, Some(&dockerfile)).unwrap();
    let findings = hullscan_context::rules::check_context(
        &hullscan_context::rules::ContextCheck {
            context: &context,
            dockerfile: Some(&parse.dockerfile),
            settings: hullscan_context::rules::ContextSettings::default(),
        },
        &|rule| registry::is_buildkit_rule(rule),
    );
    let _ = std::fs::remove_dir_all(&dir);
    findings.dockerfile
}

struct Outcome {
    passed: bool,
    detail: String,
    messages_matched: usize,
    messages_total: usize,
    /// Expected warnings whose message hullscan words differently: `(BuildKit's, hullscan's)`.
    message_differences: Vec<(String, String)>,
}

fn run_case(case: &Case) -> Outcome {
    let mut settings =
        LinterSettings::with_rules(RuleSet::defaults().intersection(&buildkit_rules()));
    let mut options = BuildOptions::default();
    for (name, value) in &case.build_args {
        if name == "BUILDKIT_DOCKERFILE_CHECK" {
            settings.buildkit_check_override = Some(value.clone());
        } else {
            options = options.with_build_arg(name.clone(), value.clone());
        }
    }
    let parse = hullscan_dockerfile::parse(&case.dockerfile);
    let model = SemanticModel::with_options(&parse.dockerfile, &options);
    let source = SourceFile::new("Dockerfile", case.dockerfile.as_str());
    // With a `.dockerignore`, the build-context rules run on a real context directory holding
    // the Dockerfile and the ignore file, and their findings go through the checker as
    // `hullscan lint` passes them.
    let external = case
        .dockerignore
        .as_deref()
        .map(|ignore| context_findings(case, ignore, &parse))
        .unwrap_or_default();
    let diagnostics = hullscan_linter::check_dockerfile_with(
        &source,
        &parse,
        &model,
        &settings,
        hullscan_linter::CheckExtras {
            shellcheck: None,
            external,
            ..Default::default()
        },
    )
    .expect("no ShellCheck runner, so nothing can fail");

    let mut got: Vec<(Warning, Severity)> = diagnostics
        .iter()
        .filter_map(|d| {
            let check = buildkit_name(d)?;
            let line = source.line_column(d.range()?.start()).line;
            Some((
                Warning {
                    check: check.to_owned(),
                    line,
                    message: d.message.clone(),
                },
                d.severity,
            ))
        })
        .collect();
    got.sort();
    let expected: Vec<&Warning> = case
        .expected
        .iter()
        .filter(|w| not_implemented_reason(&w.check).is_none())
        .collect();

    let key = |w: &Warning| (w.check.clone(), w.line);
    let mut want_keys: Vec<(String, u32)> = expected.iter().map(|w| key(w)).collect();
    let mut got_keys: Vec<(String, u32)> = got.iter().map(|(w, _)| key(w)).collect();
    want_keys.sort();
    got_keys.sort();
    let mut passed = want_keys == got_keys;
    let mut detail = String::new();
    if !passed {
        detail = format!("expected {want_keys:?}, got {got_keys:?}");
    }

    // `# check=error=true`: the build fails on exactly these checks, so hullscan reports them as
    // errors.
    if let Some(violations) = &case.lint_violation {
        let errors: BTreeSet<String> = got
            .iter()
            .filter(|(_, severity)| *severity == Severity::Error)
            .map(|(w, _)| w.check.clone())
            .collect();
        if &errors != violations || got.iter().any(|(_, severity)| *severity != Severity::Error) {
            passed = false;
            detail.push_str(&format!(
                " build fails on {violations:?}, but hullscan's errors are {errors:?} (all: {got:?})"
            ));
        }
    }

    // BuildKit's instructions layer stops the build: `invalid-instruction` reports it, with
    // BuildKit's message, on the same line.
    if let Some((line, message)) = &case.instruction_error {
        let settings = LinterSettings::with_rules(RuleSet::of(
            &hullscan_linter::rules::dockerfile::invalid_instruction::INVALID_INSTRUCTION,
        ));
        let found: Vec<(u32, String)> =
            hullscan_linter::check_dockerfile(&source, &parse, &model, &settings)
                .iter()
                .filter_map(|d| {
                    Some((
                        source.line_column(d.range()?.start()).line,
                        d.message.clone(),
                    ))
                })
                .collect();
        if !found.contains(&(*line, message.clone())) {
            passed = false;
            detail.push_str(&format!(
                " build fails with `{message}` on line {line}, hullscan's invalid-instruction findings: {found:?}"
            ));
        }
    }

    // Messages, matched line by line as a multiset.
    let mut remaining: Vec<&Warning> = expected.clone();
    let mut unmatched_got = Vec::new();
    let mut messages_matched = 0;
    for (warning, _) in &got {
        if let Some(at) = remaining.iter().position(|w| *w == warning) {
            remaining.swap_remove(at);
            messages_matched += 1;
        } else {
            unmatched_got.push(warning);
        }
    }
    let message_differences = remaining
        .iter()
        .filter_map(|want| {
            let ours = unmatched_got
                .iter()
                .find(|w| w.check == want.check && w.line == want.line)?;
            Some((want.message.clone(), ours.message.clone()))
        })
        .collect();
    Outcome {
        passed,
        detail,
        messages_matched,
        messages_total: expected.len(),
        message_differences,
    }
}

#[test]
fn buildkit_checks() {
    let Some(shared) = shared_dir() else {
        println!("skipping: ../shared not found");
        return;
    };
    let path = shared.join("corpus/buildkit-checks/cases.jsonl");
    let cases: Vec<Case> = jsonl_records(&path)
        .iter()
        .map(|(line, record)| Case::from_json(*line, record))
        .collect();
    let differences = read_differences(&repo_root().join("docs/buildkit-differences.md"));
    let implemented = implemented_checks();

    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut skipped_reasons: BTreeMap<&str, usize> = BTreeMap::new();
    let mut missing_checks: BTreeSet<String> = BTreeSet::new();
    let mut stale_differences = Vec::new();
    let (mut messages_matched, mut messages_total) = (0, 0);
    let mut message_notes: Vec<String> = Vec::new();
    for case in &cases {
        let tally = tallies.entry(case.rule.clone()).or_default();
        tally.total += 1;
        if let Some(reason) = not_implemented_reason(&case.rule) {
            tally.skipped += 1;
            *skipped_reasons.entry(reason).or_default() += 1;
            // The case's own check cannot be reproduced, but no other check may fire on it.
            let outcome = run_case(case);
            if !outcome.passed {
                tally.failures.push(format!(
                    "  case {} ({}, {}): other checks fire: {}",
                    case.number, case.rule, case.test, outcome.detail
                ));
            }
            continue;
        }
        let missing: Vec<&str> = case
            .checks()
            .into_iter()
            .filter(|check| not_implemented_reason(check).is_none() && !implemented.contains(check))
            .collect();
        if !missing.is_empty() {
            tally.missing += 1;
            missing_checks.extend(missing.iter().map(|c| (*c).to_owned()));
            continue;
        }
        let outcome = run_case(case);
        for (theirs, ours) in &outcome.message_differences {
            message_notes.push(format!(
                "  case {}: BuildKit `{theirs}`, hullscan `{ours}`",
                case.number
            ));
        }
        messages_matched += outcome.messages_matched;
        messages_total += outcome.messages_total;
        match (outcome.passed, differences.get(&case.number)) {
            (true, None) => tally.passed += 1,
            (true, Some(_)) => stale_differences.push(format!(
                "case {} ({}) is listed in docs/buildkit-differences.md but passes",
                case.number, case.test
            )),
            (false, Some(_)) => tally.known += 1,
            (false, None) => tally.failures.push(format!(
                "  case {} ({}, {}): {}",
                case.number, case.rule, case.test, outcome.detail
            )),
        }
    }

    println!("BuildKit build checks ({} cases):", cases.len());
    let (mut passed, mut total, mut run, mut failed) = (0, 0, 0, 0);
    for (rule, tally) in &tallies {
        let ran = tally.total - tally.skipped - tally.missing;
        println!("  {rule:<32} {}", tally.summary(ran));
        passed += tally.passed;
        total += tally.total;
        run += ran;
        failed += tally.failures.len();
    }
    println!("passed {passed}/{run} cases run ({total} in the corpus)");
    for (reason, count) in &skipped_reasons {
        println!("skipped {count}: {reason}");
    }
    if !missing_checks.is_empty() {
        println!("checks not implemented yet: {missing_checks:?}");
    }
    println!("messages identical to BuildKit's: {messages_matched}/{messages_total}");
    for note in &message_notes {
        println!("{note}");
    }

    let failures: Vec<&String> = tallies.values().flat_map(|t| &t.failures).collect();
    assert!(run > 0, "no case ran");
    assert!(
        failures.is_empty() && stale_differences.is_empty(),
        "{failed} failing case(s):\n{}\n{}",
        failures
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        stale_differences.join("\n")
    );
}
