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
    // HS501 names what should never be sent (here `.git/`); HS502 names the secret, once.
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
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

/// Context findings on a Dockerfile's lines obey its suppression comments like any other
/// finding, and a comment that silences one is not reported as unused.
#[test]
fn suppression_comments_apply_to_context_findings_on_the_dockerfile() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".dockerignore"), ".git\n").unwrap();
    std::fs::write(dir.path().join("main.py"), "print('hi')\n").unwrap();
    let dockerfile = "FROM alpine:3.20\n\
                      # hullscan ignore=copy-source-not-in-context\n\
                      COPY missing-one.txt /app/\n\
                      COPY missing-two.txt /app/\n\
                      COPY main.py /app/\n";
    std::fs::write(dir.path().join("Dockerfile"), dockerfile).unwrap();
    let (code, output) = lint(
        dir.path(),
        &[
            "--extend-select",
            "unused-suppression",
            "--format",
            "concise",
            "Dockerfile",
        ],
    );
    assert!(!output.contains("missing-one.txt"), "{output}");
    assert!(
        output.contains("Dockerfile:4:") && output.contains("HS508"),
        "{output}"
    );
    assert!(
        !output.to_lowercase().contains("unused suppression"),
        "{output}"
    );
    assert_eq!(code, 1, "{output}");

    // A file-wide comment silences every one, so the run passes.
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!("# hullscan global ignore=HS508\n{dockerfile}"),
    )
    .unwrap();
    let (code, output) = lint(dir.path(), &["--format", "concise", "Dockerfile"]);
    assert!(!output.contains("HS508"), "{output}");
    assert_eq!(code, 0, "{output}");
}

/// Whether context findings fail the run follows the threshold of the file they belong to.
#[test]
fn context_findings_fail_the_run_by_their_own_files_threshold() {
    let dir = project(Some(".git\n"));
    // HS502 (the .env is sent) is an error; a threshold above it passes only with --no-fail.
    let (code, output) = lint(dir.path(), &["--format", "concise", "Dockerfile"]);
    assert!(output.contains("HS502"), "{output}");
    assert_eq!(code, 1, "{output}");
    std::fs::write(
        dir.path().join("hullscan.toml"),
        "[severity]\nHS502 = \"style\"\n",
    )
    .unwrap();
    let output = Command::cargo_bin("hullscan")
        .unwrap()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args([
            "lint",
            "--select",
            "HS5",
            "--format",
            "concise",
            "Dockerfile",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("HS502"), "{text}");
    assert_eq!(output.status.code(), Some(0), "{text}");
}
