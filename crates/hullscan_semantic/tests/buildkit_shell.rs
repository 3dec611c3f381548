//! Runs BuildKit's shell-lexer test tables from `../shared/corpus/buildkit-shell/`
//! (`envVarTest`, `wordsTest`, `process_with_matches.jsonl`) against [`Lexer`].
//!
//! Each file is checked case by case; a failing case is reported with its line number, input,
//! expected and actual results, and the test fails after all cases of the file ran.

#![allow(clippy::print_stdout)] // a test reports its pass counts and skips

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use hullscan_semantic::{Env, Lexer};

fn corpus_dir() -> Option<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/buildkit-shell");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipping: ../shared not found ({})", dir.display());
        None
    }
}

struct Tally {
    file: &'static str,
    passed: usize,
    failures: Vec<String>,
}

impl Tally {
    fn new(file: &'static str) -> Self {
        Self {
            file,
            passed: 0,
            failures: Vec::new(),
        }
    }

    fn check(&mut self, ok: bool, describe: impl FnOnce() -> String) {
        if ok {
            self.passed += 1;
        } else {
            self.failures.push(describe());
        }
    }

    fn finish(self) {
        println!(
            "{}: {} passed, {} failed",
            self.file,
            self.passed,
            self.failures.len()
        );
        assert!(self.passed > 0, "{}: no cases found", self.file);
        assert!(
            self.failures.is_empty(),
            "{}: {} of {} cases failed:\n{}",
            self.file,
            self.failures.len(),
            self.failures.len() + self.passed,
            self.failures.join("\n")
        );
    }
}

#[test]
fn env_var_test() {
    let Some(dir) = corpus_dir() else { return };
    let text = std::fs::read_to_string(dir.join("envVarTest")).expect("read envVarTest");
    let env: HashMap<String, String> = [
        ("PWD", "/home"),
        ("SHELL", "bash"),
        ("KOREAN", "한국어"),
        ("NULL", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let lexer = Lexer::new('\\');
    let mut tally = Tally::new("envVarTest");
    for (idx, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('|').map(str::trim).collect();
        assert_eq!(fields.len(), 3, "envVarTest:{}: malformed line", idx + 1);
        let (platform, input, expected) = (fields[0], fields[1], fields[2]);
        if platform == "W" {
            continue;
        }
        let got = lexer.process_word(input, &env);
        let ok = match (&got, expected) {
            (Err(_), "error") => true,
            (Ok(exp), expected) => exp.value == expected,
            (Err(_), _) => false,
        };
        tally.check(ok, || {
            format!(
                "  envVarTest:{}: {input:?}: expected {expected:?}, got {got:?}",
                idx + 1
            )
        });
    }
    tally.finish();
}

#[test]
fn words_test() {
    let Some(dir) = corpus_dir() else { return };
    let text = std::fs::read_to_string(dir.join("wordsTest")).expect("read wordsTest");
    let mut env: Vec<(String, String)> = Vec::new();
    let lexer = Lexer::new('\\');
    let mut tally = Tally::new("wordsTest");
    for (idx, line) in text.lines().enumerate() {
        if line.starts_with('#') {
            continue;
        }
        if let Some(assignment) = line.strip_prefix("ENV ") {
            // Only the leading spaces go: trailing spaces in the value are significant.
            let (name, value) = assignment
                .trim_start_matches(' ')
                .split_once('=')
                .expect("ENV line has =");
            env.push((name.to_owned(), value.to_owned()));
            continue;
        }
        let Some((input, expected)) = line.split_once('|') else {
            continue;
        };
        let input = input.trim();
        let expected = expected.trim_start_matches(' ');
        let got = lexer.process_words(input, &env);
        let ok = match &got {
            Err(_) => expected == "error",
            Ok(words) => words.join(",") == expected,
        };
        tally.check(ok, || {
            format!(
                "  wordsTest:{}: {input:?}: expected {expected:?}, got {got:?}",
                idx + 1
            )
        });
    }
    tally.finish();
}

#[test]
fn process_with_matches() {
    let Some(dir) = corpus_dir() else { return };
    let text = std::fs::read_to_string(dir.join("process_with_matches.jsonl"))
        .expect("read process_with_matches.jsonl");
    let mut tally = Tally::new("process_with_matches.jsonl");
    for (idx, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let case: serde_json::Value = serde_json::from_str(line).expect("valid JSON line");
        let input = case["input"].as_str().expect("input");
        let escape = case["escape"]
            .as_str()
            .and_then(|s| s.chars().next())
            .unwrap_or('\\');
        let env: HashMap<String, String> = case["env"]
            .as_object()
            .expect("env")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().expect("string value").to_owned()))
            .collect();
        let got = Lexer::new(escape).process_word(input, &env as &dyn Env);
        let expect_error = case["error"].as_bool().unwrap_or(false);
        let ok = match &got {
            Err(err) => {
                expect_error
                    && case["error_contains"]
                        .as_str()
                        .is_none_or(|needle| err.to_string().contains(needle))
            }
            Ok(exp) => {
                let names = |key: &str| -> Option<BTreeSet<&str>> {
                    case[key]
                        .as_array()
                        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                };
                !expect_error
                    && exp.value == case["expected"].as_str().expect("expected")
                    && names("matched").is_none_or(|m| m == exp.matched.iter().copied().collect())
                    && names("unmatched")
                        .is_none_or(|u| u == exp.unmatched.iter().copied().collect())
            }
        };
        tally.check(ok, || {
            format!(
                "  process_with_matches.jsonl:{}: {input:?} env {:?}: expected {}, got {got:?}",
                idx + 1,
                case["env"],
                if expect_error {
                    "error".to_owned()
                } else {
                    format!(
                        "{} matched {} unmatched {}",
                        case["expected"], case["matched"], case["unmatched"]
                    )
                }
            )
        });
    }
    tally.finish();
}
