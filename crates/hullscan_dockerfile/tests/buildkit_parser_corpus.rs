//! BuildKit's own parser test corpus (`../shared/corpus/buildkit-parser`): every positive case
//! must dump to its `result` byte for byte, every negative case must be rejected, and the
//! line-number case must give BuildKit's line ranges.

// Tests report counts and skips to the developer on stderr.
#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};

use hullscan_dockerfile::{parse, parse_bytes, to_buildkit_result};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/buildkit-parser");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: ../shared not found");
        None
    }
}

fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

#[test]
fn positive_cases_match_buildkit_dump() {
    let Some(dir) = corpus() else { return };
    let cases = cases(&dir.join("testfiles"));
    assert_eq!(cases.len(), 33, "expected the 33 upstream cases");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let input = std::fs::read(case.join("Dockerfile")).unwrap();
        let expected = std::fs::read_to_string(case.join("result")).unwrap();
        let parsed = parse_bytes(&input);
        let actual = to_buildkit_result(&parsed);
        if !parsed.errors.is_empty() {
            failures.push(format!("{name}: unexpected errors {:?}", parsed.errors));
        } else if actual != expected {
            failures.push(format!(
                "{name}: dump differs\n--- expected\n{expected}--- actual\n{actual}"
            ));
        }
    }
    eprintln!(
        "buildkit-parser positive: {}/{} pass",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn negative_cases_are_rejected() {
    let Some(dir) = corpus() else { return };
    let cases = cases(&dir.join("testfiles-negative"));
    assert_eq!(cases.len(), 4);
    let expected_messages = [
        ("empty_dockerfile", "file with no instructions"),
        ("env_no_value", "ENV must have two arguments"),
        ("only_comments", "file with no instructions"),
        (
            "shykes-nested-json",
            "when using JSON array syntax, arrays must be comprised of strings only",
        ),
    ];
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let input = std::fs::read(case.join("Dockerfile")).unwrap();
        let parsed = parse_bytes(&input);
        let message = expected_messages
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, m)| *m)
            .unwrap_or_else(|| panic!("unexpected negative case {name}"));
        assert_eq!(
            parsed.errors.first().map(|e| e.message.as_str()),
            Some(message),
            "{name}"
        );
    }
}

#[test]
fn line_numbers_match_buildkit() {
    let Some(dir) = corpus() else { return };
    let text = std::fs::read_to_string(dir.join("testfile-line/Dockerfile")).unwrap();
    let parsed = parse(&text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let lines: Vec<(u32, u32)> = parsed
        .dockerfile
        .instructions
        .iter()
        .map(|i| (i.start_line, i.end_line))
        .collect();
    assert_eq!(lines, [(5, 5), (11, 12), (17, 31)]);
    assert!(
        !parsed.warnings.is_empty(),
        "the file has empty continuation lines"
    );
}
