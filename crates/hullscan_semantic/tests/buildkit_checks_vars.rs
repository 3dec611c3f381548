//! Checks the model's variable facts against BuildKit's own lint expectations in
//! `../shared/corpus/buildkit-checks/cases.jsonl`: for every case, the UndefinedVar,
//! UndefinedArgInFrom and InvalidDefaultArgInFrom findings that the model's data implies must be
//! exactly the expected ones (same rule, line and variable), which also tests for false
//! positives on the cases about other rules.

#![allow(clippy::print_stdout)] // the test reports its counts, or that it skipped

use std::collections::BTreeSet;
use std::path::PathBuf;

use hullscan_dockerfile::{Keyword, parse};
use hullscan_semantic::{BuildOptions, ImageRef, SemanticModel, WordRole};

/// Variables the base images of these cases (alpine, busybox) define in their config; BuildKit
/// sees them through the image, which a static linter does not pull.
const BASE_IMAGE_ENV: [&str; 1] = ["PATH"];

const RULES: [&str; 3] = [
    "UndefinedVar",
    "UndefinedArgInFrom",
    "InvalidDefaultArgInFrom",
];

type Finding = (String, u32, String);

fn findings(text: &str, build_args: &[(String, String)]) -> BTreeSet<Finding> {
    let parsed = parse(text);
    let df = &parsed.dockerfile;
    let mut options = BuildOptions::default();
    for (k, v) in build_args {
        options = options.with_build_arg(k.clone(), v.clone());
    }
    let model = SemanticModel::with_options(df, &options);
    let defaults_only = SemanticModel::new(df);
    let mut out = BTreeSet::new();
    for (index, instruction) in df.instructions.iter().enumerate() {
        let line = instruction.start_line;
        if instruction.keyword == Keyword::From {
            // InvalidDefaultArgInFrom: the base name with ARG defaults only must parse.
            if let Some(stage) = defaults_only.stage_of(index)
                && let Some(Ok(expansion)) = &stage.base_expansion
                && ImageRef::parse(&expansion.value).is_err()
            {
                let written = stage.image_word.map_or("", |w| w.value.as_str());
                out.insert(("InvalidDefaultArgInFrom".into(), line, written.into()));
            }
        }
        for word in model.expandable_words(index) {
            if word.role == WordRole::ExposePort {
                continue;
            }
            let Ok(expansion) = model.expand(index, word.text) else {
                continue;
            };
            let rule = match word.role {
                WordRole::FromImage | WordRole::FromPlatform => "UndefinedArgInFrom",
                _ => "UndefinedVar",
            };
            for name in model.undefined_names(index, &expansion) {
                if rule == "UndefinedVar" && BASE_IMAGE_ENV.contains(&name) {
                    continue;
                }
                out.insert((rule.into(), line, name.into()));
            }
        }
    }
    out
}

/// The variable (or FROM word) a BuildKit message is about.
fn subject(rule: &str, message: &str) -> String {
    let between = |start: &str, end: &str| {
        let from = message.find(start).map_or(0, |i| i + start.len());
        let to = message[from..]
            .find(end)
            .map_or(message.len(), |i| from + i);
        message[from..to].to_owned()
    };
    match rule {
        "UndefinedVar" => between("'$", "'"),
        "UndefinedArgInFrom" => between("'", "'"),
        _ => between("Default value for ARG ", " results in"),
    }
}

#[test]
fn variable_checks_match_buildkit_expectations() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/buildkit-checks/cases.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipping: ../shared not found ({})", path.display());
        return;
    };
    let (mut passed, mut failures) = (0, Vec::new());
    for (idx, line) in text.lines().enumerate() {
        let case: serde_json::Value = serde_json::from_str(line).expect("valid JSON line");
        let dockerfile = case["dockerfile"].as_str().expect("dockerfile");
        let build_args: Vec<(String, String)> = case["frontend_attrs"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| {
                Some((
                    k.strip_prefix("build-arg:")?.to_owned(),
                    v.as_str()?.to_owned(),
                ))
            })
            .collect();
        let expected: BTreeSet<Finding> = case["expected"]
            .as_array()
            .expect("expected")
            .iter()
            .filter_map(|e| {
                let rule = e["rule"].as_str()?;
                RULES.contains(&rule).then(|| {
                    let message = e["message"].as_str().unwrap_or("");
                    (
                        rule.to_owned(),
                        e["line"].as_u64().unwrap_or(0) as u32,
                        subject(rule, message),
                    )
                })
            })
            .collect();
        let got = findings(dockerfile, &build_args);
        if got == expected {
            passed += 1;
        } else {
            failures.push(format!(
                "  cases.jsonl:{} ({}): expected {expected:?}, got {got:?}",
                idx + 1,
                case["test"]
            ));
        }
    }
    println!(
        "buildkit-checks variable facts: {passed} cases agree, {} differ",
        failures.len()
    );
    assert!(passed > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
