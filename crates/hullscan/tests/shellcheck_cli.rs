//! End-to-end tests of `hullscan lint --shellcheck`: ShellCheck findings at their Dockerfile
//! position, suppressed by the usual comments, absent without the flag, and a clear error when
//! the program is missing.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Output;

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

/// `hullscan lint --no-context <args>` run in `dir` with `env` added to its environment.
fn hullscan_lint(dir: &Path, env: &[(&str, &OsStr)], args: &[&str]) -> Output {
    let mut command = Command::cargo_bin("hullscan").unwrap();
    command
        .current_dir(dir)
        .args(["lint", "--no-context"])
        .args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

/// `(code, line, column)` of every finding of `hullscan lint --format json <args>` in `dir`.
fn lint_json(dir: &Path, args: &[&str]) -> Vec<(String, u64, u64)> {
    let mut all = vec!["--no-config", "--no-fail", "-f", "json"];
    all.extend_from_slice(args);
    let output = hullscan_lint(dir, &[("NO_COLOR", OsStr::new("1"))], &all);
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

/// `SHELLCHECK_OPTS` would change ShellCheck's output format and checks; it is not passed on.
#[test]
fn shellcheck_opts_in_the_environment_change_nothing() {
    if !shellcheck_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), UNQUOTED).unwrap();
    let output = hullscan_lint(
        dir.path(),
        &[(
            "SHELLCHECK_OPTS",
            OsStr::new("--format=gcc --exclude=SC2086"),
        )],
        &[
            "--no-config",
            "--no-fail",
            "-f",
            "json",
            "--shellcheck",
            "Dockerfile",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        value
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "SC2086" && f["line"] == 4 && f["column"] == 10),
        "{value}"
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
    let output = hullscan_lint(
        dir.path(),
        &[("PATH", dir.path().as_os_str())],
        &["--no-config", "--shellcheck", "Dockerfile"],
    );
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

#[test]
fn select_keeps_only_the_selected_shellcheck_codes() {
    if !shellcheck_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), UNQUOTED).unwrap();
    let codes = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--shellcheck"];
        all.extend_from_slice(args);
        all.push("Dockerfile");
        lint_json(dir.path(), &all)
            .into_iter()
            .map(|(code, _, _)| code)
            .collect()
    };
    let only = codes(&["--select", "SC2086"]);
    assert!(!only.is_empty(), "SC2086 is there to keep");
    assert!(only.iter().all(|code| code == "SC2086"), "{only:?}");
    // `SC` selects every ShellCheck code, and nothing else here.
    let prefix = codes(&["--select", "SC"]);
    assert!(prefix.contains(&"SC2086".to_owned()), "{prefix:?}");
    assert!(prefix.contains(&"SC2154".to_owned()), "{prefix:?}");
    assert!(
        prefix.iter().all(|code| code.starts_with("SC")),
        "{prefix:?}"
    );
    // Selecting other rules drops ShellCheck's findings.
    let other = codes(&["--select", "HS1"]);
    assert!(
        !other.is_empty() && other.iter().all(|code| code.starts_with("HS1")),
        "{other:?}"
    );
    // A configuration's `select` filters them too.
    std::fs::write(dir.path().join("hullscan.toml"), "select = [\"SC2154\"]\n").unwrap();
    let output = hullscan_lint(
        dir.path(),
        &[],
        &["--no-fail", "-f", "json", "--shellcheck", "Dockerfile"],
    );
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    let configured: Vec<&str> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        configured,
        ["SC2154"],
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn malformed_shellcheck_code_is_an_unknown_rule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), UNQUOTED).unwrap();
    let output = hullscan_lint(
        dir.path(),
        &[],
        &["--no-config", "--select", "SC20866", "Dockerfile"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("SC20866"), "{stderr}");
}

/// Many files share scripts and are checked in a few runs; every file still gets its findings
/// at its own position.
#[test]
fn many_files_each_get_their_findings() {
    if !shellcheck_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for i in 0..40 {
        let name = format!("{i}.Dockerfile");
        // Half the files share one script; the rest differ; the RUN line moves with `i`.
        let script = if i % 2 == 0 {
            "echo $foo".to_owned()
        } else {
            format!("echo {i} $foo")
        };
        let text = format!(
            "FROM alpine:3.20\n{}RUN {script}\n",
            "LABEL a=b\n".repeat(i % 5)
        );
        std::fs::write(dir.path().join(&name), text).unwrap();
        names.push(name);
    }
    let mut args = vec!["--shellcheck", "--select", "SC2086", "-f", "json"];
    args.extend(names.iter().map(String::as_str));
    let mut all = vec!["--no-config", "--no-fail"];
    all.extend_from_slice(&args);
    let output = hullscan_lint(dir.path(), &[], &all);
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut found: Vec<(String, u64, u64)> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    let mut expected: Vec<(String, u64, u64)> = (0..40)
        .map(|i| {
            let column = if i % 2 == 0 {
                10
            } else {
                10 + format!("{i} ").len() as u64
            };
            (format!("{i}.Dockerfile"), 2 + (i % 5) as u64, column)
        })
        .collect();
    expected.sort();
    assert_eq!(found, expected);
}

/// A ShellCheck run that fails is an error (exit 2) naming the file and the failure, and the
/// other files keep their findings.
#[test]
#[cfg(unix)]
fn a_failing_shellcheck_run_is_reported_and_loses_nothing_else() {
    use std::os::unix::fs::PermissionsExt;
    if !shellcheck_installed() {
        return;
    }
    let real = String::from_utf8(
        std::process::Command::new("sh")
            .args(["-c", "command -v shellcheck"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    // Fails (exit 3) on any batch holding a script with CRASH in it; otherwise the real thing.
    let fake = format!(
        "#!/bin/sh\n[ \"$1\" = --version ] && exec {real} --version\n\
         if grep -l CRASH -- \"$@\" 2>/dev/null | grep -q .; then echo 'boom: cannot cope' >&2; exit 3; fi\n\
         exec {real} \"$@\"\n",
        real = real.trim()
    );
    let program = bin.join("shellcheck");
    std::fs::write(&program, fake).unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(dir.path().join("Dockerfile"), UNQUOTED).unwrap();
    std::fs::write(
        dir.path().join("crash.Dockerfile"),
        "FROM alpine\nRUN echo CRASH $bar\n",
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = hullscan_lint(
        dir.path(),
        &[("PATH", OsStr::new(&path))],
        &[
            "--no-config",
            "-f",
            "json",
            "--shellcheck",
            "Dockerfile",
            "crash.Dockerfile",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("crash.Dockerfile"), "{stderr}");
    assert!(stderr.contains("boom: cannot cope"), "{stderr}");
    assert!(stderr.contains("(exit code 3)"), "{stderr}");
    assert!(!stderr.contains("error: Dockerfile:"), "{stderr}");
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(&str, &str)> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["file"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert!(found.contains(&("Dockerfile", "SC2086")), "{found:?}");
    // The failing file keeps its other findings (its untagged base image).
    assert!(found.contains(&("crash.Dockerfile", "HS101")), "{found:?}");
    assert!(
        !found
            .iter()
            .any(|(file, code)| *file == "crash.Dockerfile" && code.starts_with("SC")),
        "{found:?}"
    );
}

/// When the selection leaves no ShellCheck code, ShellCheck is not needed at all.
#[test]
fn shellcheck_is_not_run_when_no_shellcheck_code_is_selected() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), UNQUOTED).unwrap();
    let output = hullscan_lint(
        dir.path(),
        &[("PATH", dir.path().as_os_str())],
        &[
            "--no-config",
            "--shellcheck",
            "--select",
            "HS1",
            "Dockerfile",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("shellcheck"), "{stderr}");
}
