//! `hullscan secrets` never passes silently over content it did not read (issue 14 item 6,
//! issue 15 item 5): files in `.gitignore` are scanned, pipes and devices are read, UTF-16
//! is decoded, and what is skipped (binary files, bytes past `--max-file-size`) is named.

#![allow(clippy::print_stderr)] // tests report skips on stderr

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use base64::Engine as _;
use hullscan_secrets::Scanner;

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

fn secrets(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> (Option<i32>, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hullscan"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["secrets", "--no-config"])
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run hullscan");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(input).expect("write stdin");
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("wait");
    (
        status.code(),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

#[test]
fn files_listed_in_gitignore_are_scanned_by_default() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(".gitignore"), ".env\n").expect("write");
    std::fs::write(
        dir.path().join(".env"),
        format!("GITHUB_TOKEN={}\n", github_token()),
    )
    .expect("write");
    let (code, stdout, stderr) = secrets(dir.path(), &["."], None);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains(".env") && stdout.contains("HS703"),
        "{stdout}"
    );

    // Asked to skip them, the run says how many it skipped and why.
    let (code, stdout, stderr) = secrets(dir.path(), &["--respect-gitignore", "."], None);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stderr.contains("1 file listed in .gitignore was not scanned"),
        "{stderr}"
    );
}

#[test]
fn a_pipe_named_as_a_path_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = format!("GITHUB_TOKEN={}\n", github_token());
    let (code, stdout, stderr) = secrets(dir.path(), &["/dev/stdin"], Some(input.as_bytes()));
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("HS703"), "{stdout}{stderr}");
    assert!(!stdout.contains("All checks passed"), "{stdout}");
}

#[test]
fn utf16_files_with_a_byte_order_mark_are_decoded_and_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!("# settings\r\nGITHUB_TOKEN={}\r\n", github_token());
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(dir.path().join(".env"), le).expect("write");
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    std::fs::write(dir.path().join("be.env"), be).expect("write");
    let (code, stdout, stderr) =
        secrets(dir.path(), &["--format", "concise", ".env", "be.env"], None);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(stdout.lines().any(|l| l.starts_with(".env:2:")), "{stdout}");
    assert!(
        stdout.lines().any(|l| l.starts_with("be.env:2:")),
        "{stdout}"
    );
}

#[test]
fn binary_files_are_named_as_not_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bytes = b"\x00\x01binary".to_vec();
    bytes.extend(format!("GITHUB_TOKEN={}\n", github_token()).bytes());
    std::fs::write(dir.path().join("blob.bin"), bytes).expect("write");
    let (code, stdout, stderr) = secrets(dir.path(), &["blob.bin"], None);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stderr.contains("1 file not scanned because it looks binary")
            && stderr.contains("blob.bin"),
        "{stderr}"
    );
}

#[test]
fn bytes_past_the_size_limit_are_reported_as_unscanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = "x = 1\n".repeat(200);
    text.push_str(&format!("GITHUB_TOKEN={}\n", github_token()));
    std::fs::write(dir.path().join("big.txt"), &text).expect("write");
    let (code, stdout, stderr) = secrets(dir.path(), &["--max-file-size", "600", "big.txt"], None);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stderr.contains("big.txt: only the first 600 bytes of")
            && stderr.contains("--max-file-size"),
        "{stderr}"
    );
    // The same through a pipe, which cannot be measured up front.
    let (code, _, stderr) = secrets(
        dir.path(),
        &["--max-file-size", "600", "-"],
        Some(text.as_bytes()),
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("only the first 600 bytes"), "{stderr}");
}

#[test]
fn low_confidence_findings_are_warnings_and_bad_checksums_are_not_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("app.env"), "DB_PASSWORD=Vq8#mZ2!rT5xL9pW\n").expect("write");
    // A GitHub-format token whose CRC32 does not hold: made up, not a secret.
    let token = github_token();
    let mut broken: Vec<char> = token.chars().collect();
    let last = broken.len() - 1;
    broken[last] = if broken[last] == 'A' { 'B' } else { 'A' };
    let broken: String = broken.into_iter().collect();
    std::fs::write(
        dir.path().join("ci.env"),
        format!("GITHUB_TOKEN={broken}\n"),
    )
    .expect("write");
    let (code, stdout, stderr) = secrets(dir.path(), &["--format", "json", "."], None);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let findings = json.as_array().expect("array");
    assert_eq!(findings.len(), 1, "{json}");
    assert!(findings[0].to_string().contains("app.env"), "{json}");
    assert_eq!(findings[0]["severity"], "warning", "{json}");
}

/// A FIFO nobody writes to is read as empty, not waited on forever.
#[test]
fn a_fifo_without_a_writer_does_not_hang() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_hullscan"))
        .current_dir(dir.path())
        .args(["secrets", "--no-config", "pipe"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run hullscan");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert_eq!(status.code(), Some(0));
            break;
        }
        if std::time::Instant::now() > deadline {
            child.kill().ok();
            panic!("hullscan secrets hung on a FIFO without a writer");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
