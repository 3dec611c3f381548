//! Conformance with hadolint: runs every case of `../shared/corpus/hadolint-cases/cases.jsonl`
//! (snippets and expectations taken from hadolint's own unit tests) against the hullscan rule
//! that carries the case's DL code as an alias.
//!
//! How a record is run:
//! - `DLxxxx`: only the rule(s) with that alias run (even when off by default), with the record's
//!   `config` mapped to [`LinterSettings`]. `fail` needs at least one finding of the rule (exactly
//!   `count` when given; exactly one for the ONBUILD variants, as hadolint's `onBuildRuleCatches`
//!   asserts), `pass` needs none. Fragments without `FROM` are linted as they are.
//! - `*`: the default rule set, narrowed to the rules hadolint has (a DL alias, plus syntax
//!   errors), minus `ignoreRules`, must report nothing. hullscan-only practices (a missing USER,
//!   ...) are not hadolint's business in these records.
//! - `SC*`: the record is linted with ShellCheck through the product's own path (the one
//!   `hullscan lint --shellcheck` takes, see [`run_shellcheck_cases`]) and its `SC` findings
//!   counted; skipped with a note when `shellcheck` is missing.
//!
//! Records listed in `docs/hadolint-differences.md` (a table: case `source:line`, rule, reason)
//! are deliberate differences: they are reported but not asserted, and a listed record that
//! passes anyway is an error (the list must stay true). While the catalogue is incomplete,
//! records of rules hullscan does not have yet are counted as missing, not failed.

#![allow(clippy::print_stdout)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hullscan_linter::LinterSettings;
use hullscan_linter::registry::{self, RULES, RuleSet, Selection};
use hullscan_shell::shellcheck::{self, ProcessRunner, ScriptInput, ScriptSet, ShellcheckRunner};
use hullscan_text::SourceFile;
use serde_json::Value;

mod common;

use common::{Tally, jsonl_records, repo_root, shared_dir, table_rows};

/// One record of `cases.jsonl`.
struct Case {
    rule: String,
    dockerfile: String,
    expect_fail: bool,
    source: String,
    line: u64,
    test: String,
    onbuild: bool,
    count: Option<usize>,
    config: Option<Value>,
}

impl Case {
    fn key(&self) -> String {
        format!("{}:{}", self.source, self.line)
    }

    fn from_json(line_number: usize, text: &str) -> Case {
        let value: Value = serde_json::from_str(text)
            .unwrap_or_else(|err| panic!("cases.jsonl:{line_number}: not JSON: {err}"));
        let field = |name: &str| {
            value
                .get(name)
                .unwrap_or_else(|| panic!("cases.jsonl:{line_number}: no `{name}`"))
        };
        let string = |name: &str| {
            field(name)
                .as_str()
                .unwrap_or_else(|| panic!("cases.jsonl:{line_number}: `{name}` is not a string"))
                .to_owned()
        };
        let expect = string("expect");
        assert!(
            expect == "fail" || expect == "pass",
            "cases.jsonl:{line_number}: expect is `{expect}`"
        );
        Case {
            rule: string("rule"),
            dockerfile: string("dockerfile"),
            expect_fail: expect == "fail",
            source: string("source"),
            line: field("line").as_u64().unwrap_or(0),
            test: string("test"),
            onbuild: field("onbuild").as_bool().unwrap_or(false),
            count: value
                .get("count")
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok()),
            config: value.get("config").cloned(),
        }
    }
}

/// A deliberate difference from `docs/hadolint-differences.md`.
struct Difference {
    rule: String,
    reason: String,
}

/// Reads the differences table: rows `| `source:line` | DLxxxx | reason |`. Rows whose first cell
/// is not a `source:line` (the header, the separator, other tables) are skipped.
fn read_differences(path: &Path) -> BTreeMap<(String, String), Difference> {
    let mut differences = BTreeMap::new();
    for (line, cells) in table_rows(path, 3) {
        let case = cells[0].trim_matches('`');
        let Some((source, line_no)) = case.rsplit_once(':') else {
            continue;
        };
        if !source.ends_with(".hs") || line_no.parse::<u64>().is_err() {
            continue;
        }
        let rule = cells[1].trim_matches('`').to_owned();
        let reason = cells[2..].join("|").trim().to_owned();
        assert!(
            !reason.is_empty(),
            "{}:{line}: a difference needs a reason",
            path.display(),
        );
        differences.insert((case.to_owned(), rule.clone()), Difference { rule, reason });
    }
    differences
}

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Passed,
    Failed(String),
    /// No hullscan rule carries the code yet.
    Missing,
    /// ShellCheck is not installed.
    Skipped,
}

fn lint(text: &str, settings: &LinterSettings) -> Vec<hullscan_diagnostics::Diagnostic> {
    let parse = hullscan_dockerfile::parse(text);
    let model = hullscan_semantic::SemanticModel::new(&parse.dockerfile);
    let source = SourceFile::new("Dockerfile", text);
    hullscan_linter::check_dockerfile(&source, &parse, &model, settings)
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The settings a record's `config` stands for.
fn settings_for(rules: RuleSet, config: Option<&Value>) -> LinterSettings {
    let mut settings = LinterSettings::with_rules(rules);
    let Some(config) = config else {
        return settings;
    };
    settings.trusted_registries = string_list(config.get("allowedRegistries"));
    if let Some(schema) = config.get("labelSchema").and_then(Value::as_object) {
        for (name, kind) in schema {
            settings
                .label_schema
                .insert(name.clone(), kind.as_str().unwrap_or_default().to_owned());
        }
    }
    settings.strict_labels = config
        .get("strictLabels")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    for ignored in string_list(config.get("ignoreRules")) {
        if let Ok(selection) = registry::lookup_exact(&ignored) {
            settings.rules = settings.rules.difference(&selection.rules());
        }
    }
    settings
}

/// The default rules that stand in for hadolint's: those with a DL alias, and syntax errors.
fn hadolint_default_rules() -> RuleSet {
    let hadolint_rules: RuleSet = RULES
        .iter()
        .copied()
        .filter(|rule| rule.aliases.iter().any(|alias| alias.starts_with("DL")))
        .collect();
    hadolint_rules.intersection(&RuleSet::defaults())
}

fn check_count(case: &Case, found: usize, what: &str) -> Outcome {
    let ok = if case.expect_fail {
        match case.count {
            Some(count) => found == count,
            None if case.onbuild && case.rule.starts_with("DL") => found == 1,
            None => found >= 1,
        }
    } else {
        found == 0
    };
    if ok {
        Outcome::Passed
    } else {
        let wanted = match (case.expect_fail, case.count) {
            (true, Some(count)) => format!("exactly {count}"),
            (true, None) if case.onbuild && case.rule.starts_with("DL") => "exactly 1".to_owned(),
            (true, None) => "at least 1".to_owned(),
            (false, _) => "none".to_owned(),
        };
        Outcome::Failed(format!("wanted {wanted} {what}, got {found}"))
    }
}

fn run_rule_case(case: &Case) -> Outcome {
    let rules = if case.rule == "*" {
        hadolint_default_rules()
    } else {
        match registry::lookup_exact(&case.rule) {
            Ok(Selection::Exact(set)) => set,
            Ok(_) | Err(_) => return Outcome::Missing,
        }
    };
    let settings = settings_for(rules, case.config.as_ref());
    let diagnostics = lint(&case.dockerfile, &settings);
    let found = diagnostics
        .iter()
        .filter(|d| registry::index_of_code(&d.code).is_some_and(|i| rules.contains(i)))
        .count();
    let outcome = check_count(case, found, "findings");
    match outcome {
        Outcome::Failed(message) => {
            let codes: Vec<String> = diagnostics
                .iter()
                .map(|d| format!("{}@{:?}: {}", d.code, d.range(), d.message))
                .collect();
            Outcome::Failed(format!("{message} {codes:?}"))
        }
        other => other,
    }
}

/// Runs every `SC*` record through the product's ShellCheck path, as `hullscan lint
/// --shellcheck` does: every record's scripts are collected with
/// [`hullscan_linter::shellcheck::for_each_script_input`], the distinct ones checked together
/// by [`shellcheck::check_all`], and each record then linted by the checker with a ShellCheck
/// function answering from those results. A record passes when the number of `SC` findings
/// matches.
fn run_shellcheck_cases(cases: &[&Case]) -> Vec<Outcome> {
    let runner = ProcessRunner::default();
    if let Err(error) = runner.version() {
        println!(
            "note: {} ShellCheck records skipped: {error} (`apt-get install -y shellcheck`)",
            cases.len()
        );
        return cases.iter().map(|_| Outcome::Skipped).collect();
    }
    let mut set = ScriptSet::default();
    for case in cases {
        let parse = hullscan_dockerfile::parse(&case.dockerfile);
        let model = hullscan_semantic::SemanticModel::new(&parse.dockerfile);
        hullscan_linter::shellcheck::for_each_script_input(&parse, &model, &mut |input| {
            if let Some(prepared) = shellcheck::prepare(input) {
                set.insert(prepared);
            }
        });
    }
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let checked = shellcheck::check_all(&runner, set, workers);
    let failures = checked.failures();
    assert!(failures.is_empty(), "ShellCheck failed: {failures:?}");
    let lookup = |inputs: &[ScriptInput<'_>]| checked.lookup(inputs);
    let settings = LinterSettings::with_rules(RuleSet::EMPTY);
    cases
        .iter()
        .map(|case| {
            let parse = hullscan_dockerfile::parse(&case.dockerfile);
            let model = hullscan_semantic::SemanticModel::new(&parse.dockerfile);
            let source = SourceFile::new("Dockerfile", case.dockerfile.as_str());
            let diagnostics = hullscan_linter::check_dockerfile_with_shellcheck(
                &source,
                &parse,
                &model,
                &settings,
                Some(&lookup),
            )
            .unwrap_or_else(|error| panic!("ShellCheck failed: {error}"));
            let found: Vec<&hullscan_diagnostics::Diagnostic> = diagnostics
                .iter()
                .filter(|d| d.code.starts_with("SC"))
                .collect();
            match check_count(case, found.len(), "ShellCheck findings") {
                Outcome::Failed(message) => {
                    let codes: Vec<String> = found
                        .iter()
                        .map(|d| format!("{}: {}", d.code, d.message))
                        .collect();
                    Outcome::Failed(format!("{message} {codes:?}"))
                }
                other => other,
            }
        })
        .collect()
}

#[test]
fn hadolint_cases() {
    let Some(shared) = shared_dir() else {
        println!("skipping: ../shared not found");
        return;
    };
    let path = shared.join("corpus/hadolint-cases/cases.jsonl");
    let cases: Vec<Case> = jsonl_records(&path)
        .iter()
        .map(|(line, record)| Case::from_json(*line, record))
        .collect();
    assert!(
        cases.len() > 1000,
        "expected the full corpus, got {} records",
        cases.len()
    );

    let differences_path = repo_root().join("docs/hadolint-differences.md");
    let differences = read_differences(&differences_path);

    let shellcheck_cases: Vec<&Case> = cases.iter().filter(|c| c.rule == "SC*").collect();
    let mut shellcheck_outcomes = run_shellcheck_cases(&shellcheck_cases).into_iter();

    let mut per_rule: BTreeMap<String, Tally> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut stale = Vec::new();
    let mut used_differences = BTreeSet::new();
    for case in &cases {
        let outcome = if case.rule == "SC*" {
            shellcheck_outcomes.next().unwrap_or(Outcome::Skipped)
        } else {
            run_rule_case(case)
        };
        let key = (case.key(), case.rule.clone());
        let listed = differences.get(&key);
        if listed.is_some() {
            used_differences.insert(key.clone());
        }
        let tally = per_rule.entry(case.rule.clone()).or_default();
        tally.total += 1;
        match (&outcome, listed) {
            (Outcome::Passed, None) => tally.passed += 1,
            (Outcome::Passed, Some(difference)) => {
                tally.passed += 1;
                stale.push(format!(
                    "{} {}: listed as a difference ({}) but passes",
                    key.0, difference.rule, difference.reason
                ));
            }
            (Outcome::Failed(_), Some(_)) => tally.known += 1,
            (Outcome::Failed(message), None) => {
                let failure = format!(
                    "{} {} [{}{}]: {message}\n    {:?}",
                    key.0,
                    case.rule,
                    case.test,
                    if case.onbuild { ", onbuild" } else { "" },
                    case.dockerfile
                );
                tally.failures.push(failure.clone());
                unexpected.push(failure);
            }
            (Outcome::Missing, _) => tally.missing += 1,
            (Outcome::Skipped, _) => tally.skipped += 1,
        }
    }

    let unused: Vec<String> = differences
        .keys()
        .filter(|key| !used_differences.contains(*key))
        .map(|(case, rule)| format!("{case} {rule}"))
        .collect();

    println!("hadolint conformance, per rule (passed/total; known = listed difference):");
    let mut missing_rules = Vec::new();
    let (mut passed, mut total, mut known, mut missing, mut skipped) = (0, 0, 0, 0, 0);
    for (rule, tally) in &per_rule {
        passed += tally.passed;
        total += tally.total;
        known += tally.known;
        missing += tally.missing;
        skipped += tally.skipped;
        if tally.missing == tally.total {
            missing_rules.push(rule.as_str());
            continue;
        }
        println!("  {rule:<7} {}", tally.summary(tally.total));
    }
    #[allow(clippy::cast_precision_loss)]
    let percent = 100.0 * passed as f64 / total.max(1) as f64;
    println!(
        "overall: {passed}/{total} passed ({percent:.1}%), {known} listed differences, {missing} records of missing rules, {skipped} skipped"
    );
    if !missing_rules.is_empty() {
        println!(
            "rules not implemented yet ({}): {}",
            missing_rules.len(),
            missing_rules.join(" ")
        );
    }

    assert!(
        unused.is_empty(),
        "docs/hadolint-differences.md lists cases that do not exist:\n{}",
        unused.join("\n")
    );
    assert!(
        stale.is_empty(),
        "docs/hadolint-differences.md lists cases that pass (remove them):\n{}",
        stale.join("\n")
    );
    assert!(
        unexpected.is_empty(),
        "{} hadolint cases fail (fix the rule, or list the case with a reason in docs/hadolint-differences.md):\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}
