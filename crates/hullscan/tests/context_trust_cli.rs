//! The build-context rules through `hullscan lint` on small real trees (issue 14 item 3,
//! issue 15 item 5): what a user runs, checked for silent wrong answers.

use std::path::Path;
use std::process::Command;

/// A PKCS#8 Ed25519 private key (made up; the DER structure is what the engine checks).
const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAswVXqfxOkOM1h9osfsETZbgKXK7xQ5XoOozfIXPGGG\n-----END PRIVATE KEY-----\n";

fn write(root: &Path, path: &str, content: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
    std::fs::write(full, content).expect("write");
}

fn lint(dir: &Path) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_hullscan"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args([
            "lint",
            "--no-config",
            "--select",
            "HS5",
            "--format",
            "concise",
            "Dockerfile",
        ])
        .output()
        .expect("run hullscan");
    (
        output.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

/// Thousands of wildcard patterns: every one still applies, so a key that `**/*.pem`
/// excludes is not reported as sent, and the exception after it still re-includes.
#[test]
fn a_dockerignore_with_thousands_of_wildcard_patterns_keeps_every_pattern() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut patterns: Vec<String> = (0..3000).map(|i| format!("**/gen{i}/*.tmp{i}")).collect();
    patterns.push("**/*.pem".to_owned());
    patterns.push("!deploy/*.pem".to_owned());
    write(dir.path(), ".dockerignore", &(patterns.join("\n") + "\n"));
    write(
        dir.path(),
        "Dockerfile",
        "FROM alpine:3.20\nCOPY app.sh /app/\n",
    );
    write(dir.path(), "app.sh", "echo hi\n");
    write(dir.path(), "keys/server.pem", KEY);
    write(dir.path(), "deploy/tls.pem", KEY);
    let (_, output) = lint(dir.path());
    assert!(!output.contains("keys/server.pem"), "{output}");
    assert!(
        output.contains("HS507") && output.contains("deploy/tls.pem"),
        "{output}"
    );
}

/// A key the Dockerfile copies by name: one finding, at the COPY, about the image.
#[test]
fn a_copied_key_is_reported_once_at_its_copy() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "Dockerfile",
        "FROM nginx:1.27\nCOPY certs/server.key /etc/ssl/private/\n",
    );
    write(dir.path(), "certs/server.key", KEY);
    write(
        dir.path(),
        "certs/ca.pem",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    );
    let (code, output) = lint(dir.path());
    let lines: Vec<&str> = output
        .lines()
        .filter(|l| l.contains("server.key"))
        .collect();
    assert_eq!(lines.len(), 1, "{output}");
    assert!(
        lines[0].starts_with("Dockerfile:2:") && lines[0].contains("puts it into the image"),
        "{output}"
    );
    assert!(!output.contains("ca.pem"), "{output}");
    assert_eq!(code, Some(1), "{output}");
}

/// uv's recommended Dockerfile: the manifests are bind-mounted into the install step.
#[test]
fn uv_bind_mount_pattern_is_not_a_cache_bust() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "Dockerfile",
        "FROM python:3.12-slim\nWORKDIR /app\n\
         RUN --mount=type=cache,target=/root/.cache/uv \\\n    \
         --mount=type=bind,source=uv.lock,target=uv.lock \\\n    \
         --mount=type=bind,source=pyproject.toml,target=pyproject.toml \\\n    \
         uv sync --locked --no-install-project\n\
         COPY . /app\n\
         RUN --mount=type=cache,target=/root/.cache/uv uv sync --locked\n",
    );
    write(dir.path(), ".dockerignore", ".venv\n");
    write(dir.path(), "uv.lock", "version = 1\n");
    write(dir.path(), "pyproject.toml", "[project]\nname = \"x\"\n");
    write(dir.path(), "src/app.py", "print('hi')\n");
    let (code, output) = lint(dir.path());
    assert!(!output.contains("HS510"), "{output}");
    assert_eq!(code, Some(0), "{output}");
}
