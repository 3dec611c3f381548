//! The SARIF output must validate against the official OASIS SARIF 2.1.0 JSON schema
//! (`tests/data/sarif-schema-2.1.0.json`, see `tests/data/README.md`).

mod common;

use hullscan_render::OutputFormat;
use serde_json::Value;

fn validator() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sarif-schema-2.1.0.json"
    );
    let text = std::fs::read_to_string(path).expect("the SARIF schema is committed test data");
    let schema: Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid(reports: &[hullscan_diagnostics::FileReport]) -> Value {
    let output = common::render_to_string(reports, OutputFormat::Sarif, &common::options());
    let log: Value = serde_json::from_str(&output).expect("SARIF output is JSON");
    let validator = validator();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|error| format!("{} at {}", error, error.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
    log
}

#[test]
fn every_kind_of_finding_validates() {
    let log = assert_valid(&common::all_reports());
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 7);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert_eq!(rules.len(), 7, "one descriptor per rule with findings");
    // Every result points at its own rule by index.
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

#[test]
fn no_findings_validates() {
    let log = assert_valid(&[common::clean_report()]);
    assert_eq!(log["runs"][0]["results"], Value::Array(Vec::new()));
    assert_valid(&[]);
}

#[test]
fn hostile_text_validates() {
    assert_valid(&common::hostile_reports());
}

#[test]
fn the_validator_rejects_broken_sarif() {
    // Guards against a schema that accepts anything (a wrong file, formats not checked).
    let validator = validator();
    let output = common::render_to_string(
        &common::all_reports(),
        OutputFormat::Sarif,
        &common::options(),
    );
    let mut log: Value = serde_json::from_str(&output).expect("JSON");
    log["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&log));
    let mut log: Value = serde_json::from_str(&output).expect("JSON");
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(!validator.is_valid(&log));
    let mut log: Value = serde_json::from_str(&output).expect("JSON");
    log["version"] = Value::from("2.0.0");
    assert!(!validator.is_valid(&log));
}
