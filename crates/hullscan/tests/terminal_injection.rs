//! Nothing hostile reaches the terminal (issue 15, item 6): text from a Dockerfile, a build
//! context's file names, an image's config, history and layer file names, and error messages
//! quoting input carry no raw control characters (ESC, BEL, NUL, CR, C1 controls, bidi
//! overrides) in any format, a one-line field is not split by a newline, and the structured
//! formats stay valid.

mod common;

use std::path::Path;

use assert_cmd::Command;

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

/// An OSC window-title sequence ended by BEL, a CSI colour, an 8-bit CSI and a right-to-left
/// override: each one changes what a terminal or a reader sees.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[31m\u{9b}1m\u{202e}";

fn hullscan(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("hullscan")
        .expect("binary")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run hullscan")
}

/// Fails when `bytes` holds a control character other than tab and line feed, a C1 control or
/// a bidirectional override.
fn assert_printable(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let bad = text.chars().find(|&c| {
        (c.is_control() && c != '\n' && c != '\t') || ('\u{202a}'..='\u{202e}').contains(&c)
    });
    assert!(
        bad.is_none(),
        "{what}: raw {:?} in output:\n{text}",
        bad.unwrap_or_default()
    );
}

fn check_format(what: &str, format: &str, output: &std::process::Output) {
    assert_printable(&format!("{what} -f {format} stdout"), &output.stdout);
    assert_printable(&format!("{what} -f {format} stderr"), &output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    match format {
        "json" | "sarif" | "gitlab" => {
            let _: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|err| {
                panic!("{what} -f {format}: invalid JSON ({err}):\n{stdout}")
            });
            // No escaped control character either: a consumer that prints the value would
            // send it to its terminal.
            assert!(!stdout.contains("\\u001b"), "{what} -f {format}: {stdout}");
        }
        "github" => {
            for line in stdout.lines() {
                assert!(
                    line.starts_with("::"),
                    "{what}: a record was split: {line:?}"
                );
            }
        }
        "concise" => {
            for line in stdout.lines() {
                assert!(line.contains("]"), "{what}: a record was split: {line:?}");
            }
        }
        _ => {}
    }
}

#[test]
fn dockerfile_text_is_escaped_in_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!("FROM ubuntu{HOSTILE}\nRUN cd /x{HOSTILE} && echo \0 hi\r\nUSER 0\n"),
    )
    .expect("write");
    for format in FORMATS {
        let output = hullscan(
            dir.path(),
            &["lint", "--no-context", "--format", format, "Dockerfile"],
        );
        assert_eq!(output.status.code(), Some(1), "{format}");
        check_format("lint", format, &output);
        if format == "github" {
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(stdout.contains("␛]0;pwned␇"), "{stdout}");
        }
    }
}

#[test]
fn context_file_names_are_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = format!("evil{HOSTILE}\nnext.pem");
    std::fs::write(dir.path().join(&name), "x").expect("write");
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.20\nCOPY . /app\n",
    )
    .expect("write");
    for format in ["human", "json"] {
        let output = hullscan(dir.path(), &["context", "--format", format, "."]);
        assert_printable(&format!("context -f {format}"), &output.stdout);
        assert_printable(&format!("context -f {format}"), &output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        if format == "json" {
            let _: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
            assert!(!stdout.contains("\\u001b"), "{stdout}");
        } else {
            // The name stays on one line: the newline inside it is shown, not obeyed.
            assert!(
                stdout
                    .lines()
                    .any(|line| line.contains("pwned") && line.contains("next.pem")),
                "{stdout}"
            );
        }
    }
    // The build-context rules of `lint` name the same file.
    for format in FORMATS {
        let output = hullscan(dir.path(), &["lint", "--format", format, "."]);
        check_format("lint (context)", format, &output);
    }
}

#[test]
fn image_config_history_and_file_names_are_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "Env": [format!("MODE=a{HOSTILE}")],
            "Labels": {format!("label{HOSTILE}"): "x"},
            "Cmd": ["/bin/sh", "-c", format!("run{HOSTILE} && serve")],
        },
        "history": [{"created_by": format!("RUN echo {HOSTILE} > /etc/motd")}],
    });
    let key = format!("root/.ssh/id_rsa{HOSTILE}");
    common::write_oci_layout(
        dir.path(),
        "hostile",
        config,
        &[(key.as_str(), b"x".as_slice())],
    );
    let reference = format!("oci:{}", dir.path().display());
    for format in FORMATS {
        let output = hullscan(dir.path(), &["image", "--format", format, &reference]);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{format}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        check_format("image", format, &output);
    }
}

#[test]
fn error_messages_quoting_input_are_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A path the user passed, quoted back in "no such file".
    let output = hullscan(dir.path(), &["lint", &format!("missing{HOSTILE}")]);
    assert_eq!(output.status.code(), Some(2));
    assert_printable("lint error", &output.stderr);
    assert!(String::from_utf8_lossy(&output.stderr).contains("missing␛"));
    // Bytes read from an image: a manifest that is not JSON.
    std::fs::create_dir_all(dir.path().join("blobs/sha256")).expect("mkdir");
    std::fs::write(
        dir.path().join("oci-layout"),
        r#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .expect("write");
    std::fs::write(
        dir.path().join("index.json"),
        format!("{{\"schemaVersion\": 2, \"manifests\": [{{\"digest\": \"{HOSTILE}\"}}]}}"),
    )
    .expect("write");
    let output = hullscan(
        dir.path(),
        &["image", &format!("oci:{}", dir.path().display())],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_printable("image error", &output.stderr);
    // A reference that cannot be opened.
    let output = hullscan(
        dir.path(),
        &["image", &format!("oci:/nonexistent/{HOSTILE}")],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_printable("image reference error", &output.stderr);
}

#[test]
fn secrets_file_names_are_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join(format!("creds{HOSTILE}.env")),
        "DATABASE_URL=postgres://app:Zq8rT2pLmW4vXk9s@db.internal:5432/app\n",
    )
    .expect("write");
    for format in FORMATS {
        let output = hullscan(dir.path(), &["secrets", "--format", format, "."]);
        assert_eq!(output.status.code(), Some(1), "{format}");
        check_format("secrets", format, &output);
    }
}
