//! `hullscan lint` runs the build-context rules (HS5xx) next to the Dockerfile rules.

use std::path::Path;

use assert_cmd::Command;

fn lint(dir: &Path, extra: &[&str]) -> (i32, String) {
    let output = Command::cargo_bin("hullscan")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["lint", "--no-config", "--select", "HS5"])
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    (output.status.code().unwrap(), format!("{stdout}{stderr}"))
}

fn project(dockerignore: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.20\nWORKDIR /app\nCOPY . .\nUSER app\n",
    )
    .unwrap();
    std::fs::write(dir.path().join(".env"), "API_TOKEN=abc\n").unwrap();
    std::fs::write(dir.path().join("main.py"), "print('hi')\n").unwrap();
    if let Some(patterns) = dockerignore {
        std::fs::write(dir.path().join(".dockerignore"), patterns).unwrap();
    }
    dir
}

#[test]
fn copy_dot_without_dockerignore_reports_missing_ignore_file_and_secret() {
    let dir = project(None);
    let (code, output) = lint(dir.path(), &["Dockerfile"]);
    assert!(output.contains("HS501"), "{output}");
    assert!(output.contains("HS502"), "{output}");
    assert!(output.contains(".env"), "{output}");
    assert_eq!(code, 1, "{output}");
}

#[test]
fn a_proper_dockerignore_silences_them() {
    let dir = project(Some(".env\n.git\n"));
    let (code, output) = lint(dir.path(), &["Dockerfile"]);
    assert!(!output.contains("HS501"), "{output}");
    assert!(!output.contains("HS502"), "{output}");
    assert_eq!(code, 0, "{output}");
}

#[test]
fn no_context_and_ignore_turn_the_context_rules_off() {
    let dir = project(None);
    let (code, output) = lint(dir.path(), &["--no-context", "Dockerfile"]);
    assert!(!output.contains("HS50"), "{output}");
    assert_eq!(code, 0, "{output}");
    let (_, output) = lint(dir.path(), &["--ignore", "HS502", "Dockerfile"]);
    assert!(
        output.contains("HS501") && !output.contains("HS502"),
        "{output}"
    );
}

#[test]
fn explicit_context_dir_is_used_for_a_dockerfile_elsewhere() {
    let dir = project(None);
    let docker_dir = dir.path().join("docker");
    std::fs::create_dir(&docker_dir).unwrap();
    std::fs::rename(dir.path().join("Dockerfile"), docker_dir.join("Dockerfile")).unwrap();
    // `docker/` holds no sources and no ignore file: no context by default.
    let (_, output) = lint(dir.path(), &["docker/Dockerfile"]);
    assert!(!output.contains("HS502"), "{output}");
    let (_, output) = lint(dir.path(), &["--context", ".", "docker/Dockerfile"]);
    assert!(output.contains("HS502"), "{output}");
}
