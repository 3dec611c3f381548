//! End-to-end tests of `hullscan lint --shellcheck`: ShellCheck findings at their Dockerfile
//! position, suppressed by the usual comments, absent without the flag, and a clear error when
//! the program is missing.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

// The skip message is the point: a test that could not run says so.
#[allow(clippy::print_stderr)]
fn shellcheck_installed() -> bool {
    let installed = std::process::Command::new("shellcheck")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !installed {
        eprintln!("skipping: `shellcheck` is not installed");
    }
    installed
}

/// `(code, line, column)` of every finding of `hullscan lint --format json <args>` in `dir`.
fn lint_json(dir: &Path, args: &[&str]) -> Vec<(String, u64, u64)> {
    let output = Command::cargo_bin("hullscan")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args([
            "lint",
            "--no-config",
            "--no-context",
            "--no-fail",
            "-f",
            "json",
        ])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let value: Value = serde_json::from_str(&stdout).unwrap_or_else(|err| {
        panic!(
            "not JSON ({err}):\n{stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn sc_findings(found: &[(String, u64, u64)]) -> Vec<(String, u64, u64)> {
    found
        .iter()
        .filter(|(code, _, _)| code.starts_with("SC"))
        .cloned()
        .collect()
}

// `$foo` sits on a continuation line: line 4, column 10.
const UNQUOTED: &str =
    "FROM alpine:3.20\nARG VERSION=1\nRUN apk add --no-cache curl && \\\n    echo $foo $VERSION\n";

#[test]
fn reports_sc2086_at_its_file_position() {
    if !shellcheck_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), UNQUOTED).unwrap();
    let found = sc_findings(&lint_json(dir.path(), &["--shellcheck", "Dockerfile"]));
    assert!(
        found.contains(&("SC2086".to_owned(), 4, 10)),
        "no SC2086 at 4:10 in {found:?}"
    );
    // `$VERSION` is an ARG, exported to ShellCheck, so it is not "referenced but not assigned";
    // `$foo` is.
    assert!(found.contains(&("SC2154".to_owned(), 4, 10)), "{found:?}");
    assert!(
        !found
            .iter()
            .any(|(code, _, column)| code == "SC2154" && *column == 15)
    );
}

#[test]
fn hadolint_ignore_comment_suppresses_it() {
    if !shellcheck_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let text = UNQUOTED.replace("RUN ", "# hadolint ignore=SC2086\nRUN ");
    std::fs::write(dir.path().join("Dockerfile"), text).unwrap();
    let found = sc_findings(&lint_json(dir.path(), &["--shellcheck", "Dockerfile"]));
    assert!(
        !found.iter().any(|(code, _, _)| code == "SC2086"),
        "{found:?}"
    );
    assert!(
        found.iter().any(|(code, _, _)| code == "SC2154"),
        "{found:?}"
    );
}

#[test]
fn nothing_from_shellcheck_without_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), UNQUOTED).unwrap();
    let found = lint_json(dir.path(), &["Dockerfile"]);
    assert_eq!(sc_findings(&found), Vec::new());
}

#[test]
fn missing_program_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), UNQUOTED).unwrap();
    let output = Command::cargo_bin("hullscan")
        .unwrap()
        .current_dir(dir.path())
        .env("PATH", dir.path())
        .args([
            "lint",
            "--no-config",
            "--no-context",
            "--shellcheck",
            "Dockerfile",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`shellcheck` was not found"), "{stderr}");
    assert!(stderr.contains("install ShellCheck"), "{stderr}");
}

#[test]
fn ignore_flag_and_severity_config_apply_to_shellcheck_codes() {
    if !shellcheck_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), UNQUOTED).unwrap();
    let found = sc_findings(&lint_json(
        dir.path(),
        &["--shellcheck", "--ignore", "SC2086", "Dockerfile"],
    ));
    assert!(
        !found.iter().any(|(code, _, _)| code == "SC2086"),
        "{found:?}"
    );
    assert!(
        found.iter().any(|(code, _, _)| code == "SC2154"),
        "{found:?}"
    );
    let found = sc_findings(&lint_json(
        dir.path(),
        &["--shellcheck", "--ignore", "SC", "Dockerfile"],
    ));
    assert_eq!(found, Vec::new());
}
