//! Secret fingerprints are keyed with the project's salt (issue 15, item 7): `[secrets]
//! fingerprint-salt` changes them, `lint` and `secrets` agree on them, and allowing the printed
//! fingerprint (`--allow-fingerprint` or `allow-fingerprints`) still works.

use std::path::Path;

use assert_cmd::Command;

/// A checksum-valid fake GitHub token (the example of HS413's documentation).
const TOKEN: &str = "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";

fn hullscan(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("hullscan")
        .expect("binary")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run hullscan")
}

/// The fingerprint of the first finding of `code` in a JSON report.
fn fingerprint(output: &std::process::Output, code: &str) -> String {
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    json.as_array()
        .expect("array")
        .iter()
        .find(|finding| finding["code"] == code)
        .and_then(|finding| finding["fingerprint"].as_str())
        .unwrap_or_else(|| panic!("no {code} fingerprint in {json}"))
        .to_owned()
}

#[test]
fn salt_keys_fingerprints_and_allow_lists_follow_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(
        root.join("Dockerfile"),
        format!("FROM alpine:3.20\nENV GITHUB_TOKEN={TOKEN}\n"),
    )
    .expect("write");

    let default = fingerprint(
        &hullscan(root, &["secrets", "--format", "json", "Dockerfile"]),
        "HS703",
    );
    std::fs::write(
        root.join("hullscan.toml"),
        "[secrets]\nfingerprint-salt = \"team salt 7f3a\"\n",
    )
    .expect("write");
    let secrets = hullscan(root, &["secrets", "--format", "json", "Dockerfile"]);
    assert_eq!(secrets.status.code(), Some(1));
    let salted = fingerprint(&secrets, "HS703");
    assert_ne!(salted, default, "the salt must change the fingerprint");
    assert_eq!(salted.len(), 16);

    // `lint` reports the same credential under the same key.
    let lint = hullscan(
        root,
        &["lint", "--no-context", "--format", "json", "Dockerfile"],
    );
    assert_eq!(fingerprint(&lint, "HS413"), salted);

    // The printed (salted) fingerprint is what the allow-lists take.
    let allowed = hullscan(
        root,
        &["secrets", "--allow-fingerprint", &salted, "Dockerfile"],
    );
    assert_eq!(allowed.status.code(), Some(0), "{allowed:?}");
    let stale = hullscan(
        root,
        &["secrets", "--allow-fingerprint", &default, "Dockerfile"],
    );
    assert_eq!(
        stale.status.code(),
        Some(1),
        "an unsalted fingerprint no longer matches"
    );
    std::fs::write(
        root.join("hullscan.toml"),
        format!(
            "[secrets]\nfingerprint-salt = \"team salt 7f3a\"\nallow-fingerprints = [\"{salted}\"]\n"
        ),
    )
    .expect("write");
    let allowed = hullscan(root, &["secrets", "Dockerfile"]);
    assert_eq!(allowed.status.code(), Some(0), "{allowed:?}");
    // Without a salt, the default key's fingerprint is the one to allow.
    std::fs::write(
        root.join("hullscan.toml"),
        format!("[secrets]\nallow-fingerprints = [\"{default}\"]\n"),
    )
    .expect("write");
    let allowed = hullscan(root, &["secrets", "Dockerfile"]);
    assert_eq!(allowed.status.code(), Some(0), "{allowed:?}");
}
