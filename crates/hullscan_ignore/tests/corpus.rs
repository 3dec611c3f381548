//! Runs every table of `../shared/corpus/dockerignore/` and reads every file of
//! `../shared/corpus/real-dockerignore/`.

#![allow(clippy::print_stderr)] // tests report skips and table counts on stderr

use std::path::PathBuf;

use hullscan_ignore::{
    IgnoreFile, MatchInfo, MatchKind, PatternMatcher, compile_go_regex, go_regex_to_rust,
};
use serde_json::Value;

fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: ../shared not found");
        None
    }
}

fn read_jsonl(name: &str) -> Option<Vec<Value>> {
    let path = shared_dir()?.join("corpus/dockerignore").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    Some(
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|err| panic!("{name}: {err}: {l}")))
            .collect(),
    )
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_str().expect("string").to_owned())
        .collect()
}

/// The walk's answer for `path`: evaluate each ancestor of `filepath.Dir(path)` top-down,
/// reusing parent results as fsutil does, then the path itself.
fn walk_result(matcher: &PatternMatcher, path: &str) -> Result<bool, String> {
    let parent = hullscan_ignore::go_dir(path);
    let mut info = MatchInfo::default();
    if parent != "." && !parent.starts_with('/') {
        let components: Vec<&str> = parent.split('/').collect();
        for depth in 1..=components.len() {
            let prefix = components[..depth].join("/");
            let (_, next) = matcher
                .matches_using_parent_results(&prefix, &info)
                .map_err(|e| e.to_string())?;
            info = next;
        }
    }
    matcher
        .matches_using_parent_results(path, &info)
        .map(|(m, _)| m)
        .map_err(|e| e.to_string())
}

#[test]
fn match_cases() {
    let Some(rows) = read_jsonl("cases.jsonl") else {
        return;
    };
    let mut checked = 0;
    let mut failures = Vec::new();
    for row in &rows {
        let patterns = strings(&row["patterns"]);
        let path = row["path"].as_str().expect("path");
        let want = row["match"].as_bool().expect("match");
        let want_error = row["error"].as_bool().unwrap_or(false);
        let api = row["api"].as_str().unwrap_or("");
        let label = format!("{patterns:?} on {path:?} ({api})");
        let matcher = match PatternMatcher::new(&patterns) {
            Ok(matcher) => matcher,
            Err(err) => {
                if !want_error || row.get("error_at").is_some() {
                    failures.push(format!("{label}: unexpected load error {err}"));
                }
                checked += 1;
                continue;
            }
        };
        let whole = matcher.matches_or_parent_matches(path);
        let fresh = matcher
            .matches_using_parent_results(path, &MatchInfo::default())
            .map(|(m, _)| m);
        match (want_error, whole, fresh) {
            (true, Err(_), Err(_)) => {}
            (true, ..) => failures.push(format!("{label}: expected an error")),
            (false, Ok(a), Ok(b)) => {
                if a != want || b != want {
                    failures.push(format!("{label}: want {want}, whole-path {a}, fresh {b}"));
                }
                // Upstream asserts the walk variant agrees on these tables.
                if api.contains("MatchesUsingParentResults") {
                    match walk_result(&matcher, path) {
                        Ok(w) if w == want => {}
                        other => failures.push(format!("{label}: walk gave {other:?}")),
                    }
                }
            }
            (false, a, b) => failures.push(format!("{label}: error {a:?} {b:?}")),
        }
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, rows.len());
    eprintln!("cases.jsonl: {checked} rows passed");
}

#[test]
fn compile_cases() {
    let Some(rows) = read_jsonl("compile.jsonl") else {
        return;
    };
    for row in &rows {
        let pattern = row["pattern"].as_str().expect("pattern");
        let (kind, go_regex) = compile_go_regex(pattern);
        let want_kind = row["match_type"].as_str().expect("match_type");
        assert_eq!(kind.as_str(), want_kind, "kind of {pattern:?}");
        if let Some(want) = row["regexp_unix"].as_str() {
            assert_eq!(kind, MatchKind::Regexp);
            assert_eq!(go_regex, want, "regex of {pattern:?}");
            let rust = go_regex_to_rust(&go_regex).expect("translatable");
            regex_automata::meta::Regex::new(&rust).expect("valid Rust regex");
        }
    }
    eprintln!("compile.jsonl: {} rows passed", rows.len());
}

#[test]
fn readall_cases() {
    let Some(rows) = read_jsonl("readall.jsonl") else {
        return;
    };
    for row in &rows {
        let content = row["content"].as_str().unwrap_or("");
        let want = strings(&row["patterns"]);
        let file = IgnoreFile::parse(content);
        assert_eq!(file.patterns(), want, "ReadAll of {content:?}");
    }
    eprintln!("readall.jsonl: {} rows passed", rows.len());
}

#[test]
fn context_cases_ignore_side() {
    // The walker crate runs these end to end; here: which file applies and its verdicts.
    let Some(rows) = read_jsonl("context_cases.jsonl") else {
        return;
    };
    for row in &rows {
        let name = row["name"].as_str().expect("name");
        let files = row["files"].as_object().expect("files");
        let dockerfile = row["dockerfile_name"].as_str().expect("dockerfile_name");
        let specific = hullscan_ignore::dockerfile_specific_ignore_name(dockerfile);
        let used = if files.contains_key(&specific) {
            specific
        } else {
            ".dockerignore".to_owned()
        };
        if let Some(want) = row["ignore_file_used"].as_str() {
            assert_eq!(used, want, "{name}");
        }
        let text = files.get(&used).and_then(Value::as_str).unwrap_or("");
        let compiled = IgnoreFile::parse(text).compile();
        if row["expect_error"].as_bool().unwrap_or(false) {
            assert!(
                compiled.is_err(),
                "{name}: expected the ignore file to be rejected"
            );
            continue;
        }
        let matcher = compiled.unwrap_or_else(|err| panic!("{name}: {err}"));
        for path in strings(&row["expect_in_context"]) {
            assert!(
                !matcher.matches_or_parent_matches(&path).unwrap(),
                "{name}: {path} should be sent"
            );
        }
        for path in strings(&row["expect_excluded"]) {
            assert!(
                matcher.matches_or_parent_matches(&path).unwrap(),
                "{name}: {path} should be excluded"
            );
        }
    }
    eprintln!(
        "context_cases.jsonl: {} rows passed (ignore side)",
        rows.len()
    );
}

#[test]
fn real_dockerignore_files_read_as_docker_reads_them() {
    let Some(shared) = shared_dir() else { return };
    let dir = shared.join("corpus/real-dockerignore");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    let mut read = 0;
    let mut rejected = Vec::new();
    let mut match_time = Vec::new();
    for path in &entries {
        let bytes = std::fs::read(path).expect("readable");
        let text = String::from_utf8_lossy(&bytes);
        let file = IgnoreFile::parse(&text);
        match file.compile() {
            Ok(matcher) => {
                // Exercise every pattern once, as a walk of the context root would.
                for pattern in matcher.patterns() {
                    let _ = matcher.matches_or_parent_matches(pattern.text());
                }
                for err in matcher.match_time_errors() {
                    match_time.push(format!("{}: {err}", path.display()));
                }
                read += 1;
            }
            Err(err) => rejected.push(format!("{}: {err}", path.display())),
        }
    }
    assert!(read > 0);
    // None of the collected real-world files is one Docker rejects.
    assert!(rejected.is_empty(), "rejected:\n{}", rejected.join("\n"));
    // Nor does any hold a pattern Go's regexp package would refuse at match time.
    assert!(
        match_time.is_empty(),
        "match-time errors:\n{}",
        match_time.join("\n")
    );
    eprintln!("real-dockerignore: {read} files read");
}
