//! `hullscan secrets` end to end: findings, exit codes, and that no output format ever prints a
//! secret.

use std::path::Path;

use assert_cmd::Command;
use base64::Engine as _;
use hullscan_secrets::Scanner;

const FORMATS: [&str; 8] = [
    "human",
    "concise",
    "json",
    "sarif",
    "checkstyle",
    "gitlab",
    "github",
    "junit",
];

/// Writes every positive of the labelled set to its own file and returns the raw secrets the
/// library finds in them.
fn write_fixtures(dir: &Path) -> Vec<String> {
    let data = include_str!("../../hullscan_secrets/tests/data/labelled/labelled.jsonl");
    let scanner = Scanner::new();
    let mut secrets = Vec::new();
    for line in data.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        if v["label"] != "positive" {
            continue;
        }
        let text = base64::engine::general_purpose::STANDARD
            .decode(v["text_b64"].as_str().expect("text"))
            .expect("base64");
        let text = String::from_utf8(text).expect("UTF-8");
        let name = format!("{:04}-{}", v["id"], v["file_name"].as_str().expect("name"));
        std::fs::write(dir.join(name), &text).expect("write fixture");
        for finding in scanner.scan(text.as_bytes()) {
            secrets.push(text[finding.range].to_owned());
        }
    }
    secrets
}

/// Pieces of a secret that must not appear in output: the whole value and every 12-character
/// window of it past its first 12 characters (the redacted prefix shows at most 8; key blocks
/// show their `-----BEGIN ...-----` line, which is not secret).
fn forbidden_pieces(secret: &str) -> Vec<String> {
    let body: String = if secret.starts_with("-----BEGIN") || secret.starts_with("PuTTY") {
        secret
            .lines()
            .filter(|l| !l.starts_with("-----") && !l.contains(':'))
            .collect::<Vec<_>>()
            .concat()
            .replace("\\n", "")
    } else {
        secret.to_owned()
    };
    let chars: Vec<char> = body.chars().collect();
    let mut pieces = vec![secret.to_owned()];
    if chars.len() > 24 {
        for start in (12..chars.len() - 12).step_by(6) {
            pieces.push(chars[start..start + 12].iter().collect());
        }
    } else if chars.len() > 12 {
        pieces.push(chars[chars.len() - 8..].iter().collect());
    }
    pieces
}

#[test]
fn no_output_format_contains_a_secret() {
    let dir = tempfile::tempdir().expect("tempdir");
    let secrets = write_fixtures(dir.path());
    assert!(secrets.len() >= 400, "{} secrets", secrets.len());
    let mut checked = 0usize;
    for format in FORMATS {
        let output = Command::cargo_bin("hullscan")
            .expect("binary")
            .args(["secrets", "--format", format, "--color", "always"])
            .arg(dir.path())
            .output()
            .expect("run hullscan");
        assert_eq!(output.status.code(), Some(1), "{format}: exit code");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stdout.len() > 1000, "{format}: output too short");
        for secret in &secrets {
            for piece in forbidden_pieces(secret) {
                assert!(
                    !stdout.contains(&piece) && !stderr.contains(&piece),
                    "{format} output contains part of a secret ({} chars)",
                    piece.len()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 10_000);
}

#[test]
fn json_has_file_line_detector_and_fingerprint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let token = github_token();
    std::fs::write(
        dir.path().join(".env"),
        format!("# c\nGITHUB_TOKEN={token}\n"),
    )
    .expect("write");
    std::fs::write(dir.path().join("clean.txt"), "nothing here\n").expect("write");
    let output = Command::cargo_bin("hullscan")
        .expect("binary")
        .args(["secrets", "--format", "json"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let finding = &json[0];
    assert!(finding["file"].as_str().expect("file").ends_with(".env"));
    assert_eq!(finding["line"], 2);
    assert_eq!(finding["column"], 14);
    assert_eq!(finding["code"], "HS703");
    assert!(
        finding["message"]
            .as_str()
            .expect("message")
            .contains("`github-pat`")
    );
    let fingerprint = finding["fingerprint"]
        .as_str()
        .expect("fingerprint")
        .to_owned();

    // Allowing the fingerprint makes the run clean.
    let output = Command::cargo_bin("hullscan")
        .expect("binary")
        .args(["secrets", "--allow-fingerprint", &fingerprint])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    // So does allowing the path or the detector.
    for args in [
        ["--allow-path", "*.env"],
        ["--allow-detector", "github-pat"],
    ] {
        let output = Command::cargo_bin("hullscan")
            .expect("binary")
            .arg("secrets")
            .args(args)
            .arg(dir.path())
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(0), "{args:?}");
    }
}

#[test]
fn missing_path_is_a_usage_error() {
    let output = Command::cargo_bin("hullscan")
        .expect("binary")
        .args(["secrets", "/nonexistent/hullscan-secrets-test"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no such file"));
}

/// A checksum-valid fake GitHub token from the labelled set.
fn github_token() -> String {
    let data = include_str!("../../hullscan_secrets/tests/data/labelled/labelled.jsonl");
    let scanner = Scanner::new();
    data.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|v| v["kind"] == "github-pat")
        .find_map(|v| {
            let text = base64::engine::general_purpose::STANDARD
                .decode(v["text_b64"].as_str()?)
                .ok()?;
            let text = String::from_utf8(text).ok()?;
            let finding = scanner.scan(text.as_bytes()).into_iter().next()?;
            Some(text[finding.range].to_owned())
        })
        .expect("a github-pat sample")
}

fn hullscan_in(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("hullscan")
        .expect("binary")
        .current_dir(dir)
        .arg("secrets")
        .args(args)
        .output()
        .expect("run hullscan")
}

#[test]
fn missing_path_is_named_and_other_paths_are_still_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("leaky")).expect("mkdir");
    std::fs::write(
        dir.path().join("leaky/.env"),
        format!("GITHUB_TOKEN={}\n", github_token()),
    )
    .expect("write");
    std::fs::create_dir(dir.path().join("clean")).expect("mkdir");
    std::fs::write(dir.path().join("clean/notes.txt"), "nothing here\n").expect("write");

    // Alone: an error naming the path, exit 2, and no claim of success anywhere.
    let output = hullscan_in(dir.path(), &["nope"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("nope: no such file or directory"),
        "{stderr}"
    );
    assert!(
        !stdout.contains("passed") && !stderr.contains("passed"),
        "{stdout}{stderr}"
    );

    // Next to a path with a secret: that finding is still reported, and the run still exits 2.
    let output = hullscan_in(dir.path(), &["nope", "leaky"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("nope: no such file or directory"),
        "{stderr}"
    );
    assert!(
        stdout.contains(".env") && stdout.contains("HS703"),
        "{stdout}"
    );
    assert!(!stdout.contains("All checks passed"), "{stdout}");

    // Next to a clean path: the clean path is scanned, but the run does not say it passed.
    let output = hullscan_in(dir.path(), &["clean", "nope"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(!stdout.contains("passed"), "{stdout}");
    assert!(stderr.contains("incomplete"), "{stderr}");

    // Machine formats still print a valid (here empty) document, with the error on stderr.
    let output = hullscan_in(dir.path(), &["--format", "json", "nope", "leaky"]);
    assert_eq!(output.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json.as_array().map(Vec::len), Some(1), "{json}");
}

#[test]
fn hullscan_toml_allow_lists_apply_to_files_below_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("project");
    std::fs::create_dir_all(project.join("sub")).expect("mkdir");
    std::fs::write(
        project.join("sub/.env"),
        format!("# c\nGITHUB_TOKEN={}\n", github_token()),
    )
    .expect("write");
    // Run from outside the project, so the configuration can only be found by walking up
    // from the scanned path.
    let scan = |extra: &[&str]| {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(extra);
        args.push("project/sub");
        hullscan_in(dir.path(), &args)
    };

    let output = scan(&[]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let fingerprint = json[0]["fingerprint"]
        .as_str()
        .expect("fingerprint")
        .to_owned();

    let config = project.join("hullscan.toml");
    let write_config = |text: &str| std::fs::write(&config, text).expect("write config");

    write_config(&format!(
        "[secrets]\nallow-fingerprints = [\"{fingerprint}\"]\n"
    ));
    let output = scan(&[]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json, serde_json::json!([]));
    // `--no-config` ignores it; `--config` names it from anywhere.
    assert_eq!(scan(&["--no-config"]).status.code(), Some(1));
    let pinned = config.to_string_lossy().into_owned();
    assert_eq!(scan(&["--config", &pinned]).status.code(), Some(0));

    // Path globs are relative to the configuration file; detectors by id, code or rule name.
    for allow in [
        "allow-paths = [\"sub/*.env\"]",
        "allow-paths = [\".env\"]",
        "allow-detectors = [\"github-pat\"]",
        "allow-detectors = [\"HS703\"]",
        "allow-detectors = [\"source-host-token\"]",
    ] {
        write_config(&format!("[secrets]\n{allow}\n"));
        assert_eq!(scan(&[]).status.code(), Some(0), "{allow}");
    }
    // A glob relative to the wrong directory, or another detector, does not hide it.
    for allow in [
        "allow-paths = [\"project/sub/.env\"]",
        "allow-detectors = [\"aws-access-key-id\", \"HS701\"]",
    ] {
        write_config(&format!("[secrets]\n{allow}\n"));
        assert_eq!(scan(&[]).status.code(), Some(1), "{allow}");
    }

    // The command line adds to the configuration.
    write_config("[secrets]\nallow-detectors = [\"HS701\"]\n");
    assert_eq!(
        scan(&["--allow-fingerprint", &fingerprint]).status.code(),
        Some(0)
    );

    // Unknown detectors and malformed fingerprints are errors naming the value and the file.
    for (text, bad) in [
        (
            "[secrets]\nallow-detectors = [\n  \"github-pat\",\n  \"no-such-detector\",\n]\n",
            "no-such-detector",
        ),
        (
            "[secrets]\nallow-fingerprints = [\"not-a-fingerprint\"]\n",
            "not-a-fingerprint",
        ),
        ("[secrets]\nallow-secrets = []\n", "allow-secrets"),
    ] {
        write_config(text);
        let output = scan(&[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{text}: {stderr}");
        assert!(
            stderr.contains(bad) && stderr.contains("hullscan.toml"),
            "{stderr}"
        );
        assert!(output.stdout.is_empty(), "{text}");
    }
    write_config("[secrets]\nallow-detectors = [\"github-pat\", \"nope\"]\n");
    let stderr = String::from_utf8_lossy(&scan(&[]).stderr).into_owned();
    assert!(stderr.contains("hullscan.toml:2"), "{stderr}");

    // The same check for the command line, naming the flag.
    std::fs::remove_file(&config).expect("remove config");
    let output = scan(&["--allow-detector", "no-such-detector"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("--allow-detector") && stderr.contains("no-such-detector"),
        "{stderr}"
    );
}
