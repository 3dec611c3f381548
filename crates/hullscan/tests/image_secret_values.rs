//! Issue 14, item 7: `hullscan image` judges secrets in the image's `Env`, labels and history by
//! value, as `lint` and `secrets` do, not only by a secret-looking name.

mod common;

use assert_cmd::Command;

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `ghp_` + 30 base62 characters + their CRC32 in 6 base62 digits: a format-valid GitHub token.
fn github_token() -> String {
    let body = "k3Jd9QmZ2xVb7TqL0pRw5YhN8cEa1F";
    let mut crc = crc32fast::hash(body.as_bytes());
    let mut digits = Vec::new();
    for _ in 0..6 {
        digits.push(BASE62[(crc % 62) as usize]);
        crc /= 62;
    }
    digits.reverse();
    format!("ghp_{body}{}", String::from_utf8(digits).unwrap())
}

fn findings(image_dir: &std::path::Path) -> Vec<serde_json::Value> {
    findings_with(image_dir, image_dir, &[])
}

/// `hullscan image --format json` run in `cwd` with `extra` arguments.
fn findings_with(
    image_dir: &std::path::Path,
    cwd: &std::path::Path,
    extra: &[&str],
) -> Vec<serde_json::Value> {
    let output = Command::cargo_bin("hullscan")
        .unwrap()
        .current_dir(cwd)
        .args(["image", "--no-inventory", "--format", "json"])
        .args(extra)
        .arg(format!("oci:{}", image_dir.display()))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let value: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|err| panic!("{err}: {stdout}{}", String::from_utf8_lossy(&output.stderr)));
    value
        .get("findings")
        .and_then(|f| f.as_array())
        .or_else(|| value.as_array())
        .cloned()
        .unwrap_or_else(|| panic!("no findings list in {stdout}"))
}

#[test]
fn secrets_in_env_labels_and_history_are_judged_by_value() {
    let github = github_token();
    let slack = "https://hooks.slack.com/services/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";
    let stripe = "sk_live_4eC39HqLyjWDarjtT1zdp7dc9Xq2";
    let dir = tempfile::tempdir().unwrap();
    let config = serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "Env": [
                "PATH=/usr/local/bin:/usr/bin:/bin",
                format!("GH={github}"),
                format!("NOTIFY_URL={slack}"),
                format!("BILLING={stripe}"),
            ],
            "Labels": {"maintainer": "ops@example.com"},
            "Cmd": ["/app"],
        },
        "history": [
            {"created_by": format!("ENV GH={github}"), "empty_layer": true},
            {"created_by": format!("/bin/sh -c curl -X POST {slack} -d ok"), "empty_layer": true},
        ],
    });
    common::write_oci_layout(dir.path(), "valued", config, &[("app", b"#!/bin/sh\n")]);
    let found = findings(dir.path());
    let messages: Vec<String> = found
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["code"].as_str().unwrap_or(""),
                f["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    let secret_findings: Vec<&String> = messages
        .iter()
        .filter(|m| m.contains("holds a") || m.contains("records a"))
        .collect();
    for name in ["`GH`", "`NOTIFY_URL`", "`BILLING`"] {
        assert_eq!(
            secret_findings.iter().filter(|m| m.contains(name)).count(),
            1,
            "{name}: {messages:#?}"
        );
    }
    // The token and the webhook also sit in the history: each secret is reported once.
    assert_eq!(secret_findings.len(), 3, "{messages:#?}");
    let all = serde_json::to_string(&found).unwrap();
    for secret in [github.as_str(), &slack[40..], &stripe[8..]] {
        assert!(!all.contains(secret), "printed a secret: {all}");
    }
    // A value that is no secret is not reported.
    assert!(
        !messages.iter().any(|m| m.contains("`PATH`")),
        "{messages:#?}"
    );
}

/// An image whose `Env` holds a GitHub token under a name that says nothing, and which runs
/// as root (HS601).
fn write_token_image(dir: &std::path::Path) {
    let config = serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "config": {"Env": [format!("GH={}", github_token())], "Cmd": ["/app"]},
        "history": [{"created_by": "COPY app /app"}],
    });
    common::write_oci_layout(dir, "token", config, &[("app", b"#!/bin/sh\n")]);
}

fn codes(found: &[serde_json::Value]) -> Vec<String> {
    found
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

/// Issue 14, item 7: `hullscan image` takes `--select`/`--ignore`, reads `hullscan.toml` like
/// `lint`, and accepts a finding by the fingerprint it prints (`--allow-fingerprint`).
#[test]
fn image_rules_are_configured_like_lint() {
    let image = tempfile::tempdir().unwrap();
    write_token_image(image.path());
    let work = tempfile::tempdir().unwrap();
    let all = findings_with(image.path(), work.path(), &[]);
    let secret = all
        .iter()
        .find(|f| f["message"].as_str().unwrap_or("").contains("`GH`"))
        .unwrap_or_else(|| panic!("no finding on GH: {all:#?}"));
    let code = secret["code"].as_str().unwrap().to_owned();
    let fingerprint = secret["fingerprint"]
        .as_str()
        .unwrap_or_else(|| panic!("no fingerprint: {secret:#?}"))
        .to_owned();
    assert!(codes(&all).len() >= 2, "{all:#?}");

    let selected = findings_with(image.path(), work.path(), &["--select", &code]);
    assert!(
        !selected.is_empty() && codes(&selected).iter().all(|c| *c == code),
        "{selected:#?}"
    );
    let ignored = findings_with(image.path(), work.path(), &["--ignore", &code]);
    assert!(!codes(&ignored).contains(&code), "{ignored:#?}");
    assert_eq!(ignored.len(), all.len() - 1, "{ignored:#?}");

    let allowed = findings_with(
        image.path(),
        work.path(),
        &["--allow-fingerprint", &fingerprint],
    );
    assert!(!codes(&allowed).contains(&code), "{allowed:#?}");

    // The configuration found from the working directory, as `lint` finds it.
    std::fs::write(
        work.path().join("hullscan.toml"),
        format!("ignore = [\"{code}\"]\n"),
    )
    .unwrap();
    let configured = findings_with(image.path(), work.path(), &[]);
    assert!(!codes(&configured).contains(&code), "{configured:#?}");
    let unconfigured = findings_with(image.path(), work.path(), &["--no-config"]);
    assert!(codes(&unconfigured).contains(&code), "{unconfigured:#?}");
}

/// Issue 14, item 7: code scanning rejects SARIF results without a physical location. Every
/// `hullscan image` result has one: the image reference as artifact, with the logical
/// location that names the config field.
#[test]
fn image_sarif_results_have_a_physical_location() {
    let image = tempfile::tempdir().unwrap();
    write_token_image(image.path());
    let output = Command::cargo_bin("hullscan")
        .unwrap()
        .current_dir(image.path())
        .args(["image", "--no-inventory", "--format", "sarif"])
        .arg(format!("oci:{}", image.path().display()))
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let location = &result["locations"][0];
        let uri = location["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or_else(|| panic!("no artifact: {result:#}"));
        assert!(uri.contains("oci"), "{uri}");
        assert!(location["physicalLocation"]["region"]["startLine"].as_u64() >= Some(1));
        assert!(
            location["logicalLocations"][0]["fullyQualifiedName"].is_string(),
            "{result:#}"
        );
    }
}
