//! `hullscan vulns` end to end: a database built by `hullscan db update --from` out of
//! `../shared/vuln/osv-export/`, then the real package databases of `../shared/vuln/inputs/`
//! scanned as directories, as images (an OCI layout built here, and an image made with
//! `docker import` when a docker daemon is there) and as re-read SBOMs. The expected ids were
//! worked out by reading the records' ranges against the installed versions (the comments say
//! which boundary each case checks).

#![allow(clippy::print_stderr)] // skip notices

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use serde_json::Value;

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vuln");
    if dir.join("osv-export").is_dir() && dir.join("inputs").is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: {} is absent", dir.display());
        None
    }
}

fn hullscan() -> Command {
    let mut command = Command::cargo_bin("hullscan").expect("binary");
    // Never the user's cache or ignore file.
    command
        .env_remove("HULLSCAN_DB_DIR")
        .env_remove("HULLSCAN_DB_MAX_AGE")
        .env("XDG_CACHE_HOME", "/nonexistent-hullscan-test-cache")
        .current_dir(std::env::temp_dir());
    command
}

/// One database for the whole test binary, built through the CLI from the shared export.
fn db_dir() -> Option<&'static Path> {
    static DB: OnceLock<Option<tempfile::TempDir>> = OnceLock::new();
    DB.get_or_init(|| {
        let shared = shared()?;
        let dir = tempfile::tempdir().expect("tempdir");
        let output = hullscan()
            .args(["db", "update", "--from"])
            .arg(shared.join("osv-export"))
            .args([
                "--ecosystems",
                "Debian,Go,crates.io,PyPI,npm,Maven",
                "--db-dir",
            ])
            .arg(dir.path())
            .output()
            .expect("run");
        assert!(
            output.status.success(),
            "db update failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Some(dir)
    })
    .as_ref()
    .map(tempfile::TempDir::path)
}

/// `hullscan vulns ARGS -f json --fail-on never` with the test database; the parsed document.
fn scan_json(args: &[&str]) -> Value {
    let db = db_dir().expect("database");
    let output = hullscan()
        .arg("vulns")
        .args(args)
        .args(["-f", "json", "--fail-on", "never", "--db-dir"])
        .arg(db)
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "vulns {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("json")
}

/// `(package, id)` of every finding.
fn found(doc: &Value) -> BTreeSet<(String, String)> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["package"].as_str().unwrap().to_owned(),
                f["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn ids_of(doc: &Value, package: &str) -> BTreeSet<String> {
    found(doc)
        .into_iter()
        .filter(|(p, _)| p == package)
        .map(|(_, id)| id)
        .collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

fn input(name: &str) -> String {
    format!(
        "dir:{}",
        shared().unwrap().join("inputs").join(name).display()
    )
}

#[test]
fn debian_roots_match_source_packages_in_their_release() {
    if db_dir().is_none() {
        return;
    }
    let fresh = scan_json(&[&input("debian-bookworm-minbase")]);
    // pam 1.5.2-6+deb12u2 < 1.5.2-6+deb12u3 (both records).
    assert_eq!(
        ids_of(&fresh, "pam"),
        set(&["DEBCL-CVE-2024-22365", "DEBCL-CVE-2025-6020"])
    );
    // glibc 2.36-9+deb12u14: every glibc record is fixed at or below it.
    assert!(ids_of(&fresh, "glibc").is_empty());
    // The epoch: zlib 1:1.2.13.dfsg-1 < 1:1.2.13.dfsg-1+deb12u1.
    assert_eq!(
        ids_of(&fresh, "zlib"),
        set(&["DEBCL-CVE-2026-27171", "DEBCL-CVE-2026-85091"])
    );
    // 2 pam + 13 perl + pcre2 + apt + libzstd + 2 zlib + xz-utils.
    assert_eq!(fresh["findings"].as_array().unwrap().len(), 21);
    let pam = fresh["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "DEBCL-CVE-2024-22365")
        .unwrap();
    assert_eq!(pam["ecosystem"], "Debian:12");
    assert_eq!(pam["installed"], "1.5.2-6+deb12u2");
    assert_eq!(pam["fixed"], "1.5.2-6+deb12u3");
    assert_eq!(pam["aliases"], serde_json::json!(["CVE-2024-22365"]));
    assert_eq!(pam["evidence"], serde_json::json!(["/var/lib/dpkg/status"]));
    // Binary packages of the source share one finding.
    assert!(
        pam["binaries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b == "libpam-modules 1.5.2-6+deb12u2")
    );

    let stale = scan_json(&[&input("debian-bookworm-minbase-stale")]);
    // glibc 2.36-9+deb12u7: fixed in u10, u11, u13 and u14 are open; CVE-2024-33599 was fixed
    // in exactly u7 and CVE-2023-4911 in u3, so those are not.
    assert_eq!(
        ids_of(&stale, "glibc"),
        set(&[
            "DEBCL-CVE-2025-0395",
            "DEBCL-CVE-2025-15281",
            "DEBCL-CVE-2025-4802",
            "DEBCL-CVE-2025-8058",
            "DEBCL-CVE-2026-0861",
            "DEBCL-CVE-2026-0915",
            "DEBCL-CVE-2026-4046",
            "DEBCL-CVE-2026-4437",
            "DEBCL-CVE-2026-4438",
        ])
    );
    // systemd 252.38-1~deb12u1: CVE-2025-4598 was fixed in exactly that version.
    assert_eq!(
        ids_of(&stale, "systemd"),
        set(&[
            "DEBCL-CVE-2026-29111",
            "DEBCL-CVE-2026-40225",
            "DEBCL-CVE-2026-40226",
            "DEBCL-CVE-2026-4105",
        ])
    );
    // util-linux 2.38.1-5+deb12u1: CVE-2024-28085 fixed in exactly u1.
    assert!(ids_of(&stale, "util-linux").is_empty());
    assert_eq!(stale["findings"].as_array().unwrap().len(), 21 + 9 + 4);
}

#[test]
fn language_packages_match_by_ecosystem_name() {
    if db_dir().is_none() {
        return;
    }
    let doc = scan_json(&[&input("appfs")]);
    // requests 2.19.1: PYSEC-2018-28 (< 2.20.0; GHSA-x84v-xcm2-53pg names the same CVE and is
    // merged into it), GHSA-9wx4-h78v-vm56 (< 2.32.2), PYSEC-2023-74 (2.3.0 to 2.31.0); not the
    // 2014 ones (fixed in 2.3.0) nor PYSEC-2015-17 (2.1.0 to 2.6.0).
    assert_eq!(
        ids_of(&doc, "requests"),
        set(&["GHSA-9wx4-h78v-vm56", "PYSEC-2018-28", "PYSEC-2023-74"])
    );
    let requests = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "PYSEC-2018-28")
        .unwrap();
    assert_eq!(requests["fixed"], "2.20.0");
    assert!(
        requests["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "GHSA-x84v-xcm2-53pg")
    );
    // PyYAML 5.3 (name normalized to `pyyaml`): PYSEC-2021-142 (< 5.4) and PYSEC-2020-96
    // (5.1 to 5.3.1); not PYSEC-2020-176, fixed in 5.2b1 (a pre-release below 5.3).
    assert_eq!(
        ids_of(&doc, "pyyaml"),
        set(&["PYSEC-2020-96", "PYSEC-2021-142"])
    );
    // urllib3 1.23: PYSEC-2018-32 was fixed in exactly 1.23.
    let urllib3 = ids_of(&doc, "urllib3");
    assert!(!urllib3.contains("PYSEC-2018-32"));
    assert_eq!(urllib3.len(), 7, "{urllib3:?}");
    // Crates from the cargo-auditable section.
    assert_eq!(ids_of(&doc, "regex"), set(&["RUSTSEC-2022-0013"]));
    assert_eq!(ids_of(&doc, "smallvec"), set(&["RUSTSEC-2021-0003"]));
    // time 0.1.45 is below 0.2.0, the end of the first RUSTSEC-2020-0071 range.
    assert!(ids_of(&doc, "time").contains("RUSTSEC-2020-0071"));
    // npm and Maven.
    assert_eq!(ids_of(&doc, "tough-cookie"), set(&["GHSA-72xf-g2v4-qvf3"]));
    assert_eq!(ids_of(&doc, "semver"), set(&["GHSA-c2qf-rxjj-qqgw"]));
    assert_eq!(
        ids_of(&doc, "org.yaml:snakeyaml"),
        set(&["GHSA-mjmj-j48q-9wg2"])
    );
    assert_eq!(
        ids_of(&doc, "org.apache.commons:commons-compress"),
        set(&["GHSA-4265-ccf5-phj5", "GHSA-4g9r-vxhx-9pgx"])
    );
    // The Go main module says `(devel)`: no version, never matched.
    assert!(ids_of(&doc, "example.com/hullscan-gofixture").is_empty());
}

#[test]
fn sbom_rescan_gives_the_same_findings() {
    let Some(db) = db_dir() else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    for root in ["debian-bookworm-minbase-stale", "appfs"] {
        let direct = scan_json(&[&input(root)]);
        for format in ["cyclonedx", "spdx", "json"] {
            let sbom = work.path().join(format!("{root}.{format}.json"));
            let status = hullscan()
                .args(["sbom", &input(root), "-q", "-f", format, "-o"])
                .arg(&sbom)
                .output()
                .unwrap()
                .status;
            assert!(status.success());
            let again = scan_json(&[sbom.to_str().unwrap()]);
            assert_eq!(found(&direct), found(&again), "{root} via {format}");
        }
    }
    // The release scopes OS packages: the same SBOM said to be Debian 11 matches no Debian 12
    // record, and an SBOM without any release matches no OS package and says why.
    let sbom = work.path().join("debian-bookworm-minbase-stale.json.json");
    let text = std::fs::read_to_string(&sbom).unwrap();
    let other = work.path().join("debian11.json");
    std::fs::write(&other, text.replace("\"Debian:12\"", "\"Debian:11\"")).unwrap();
    assert!(found(&scan_json(&[other.to_str().unwrap()])).is_empty());
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    doc["os"] = Value::Null;
    for package in doc["packages"].as_array_mut().unwrap() {
        package["purl"] = Value::String(
            package["purl"]
                .as_str()
                .unwrap()
                .replace("&distro=debian-12", ""),
        );
    }
    let unscoped = work.path().join("unscoped.json");
    std::fs::write(&unscoped, doc.to_string()).unwrap();
    let output = hullscan()
        .args([
            "vulns",
            unscoped.to_str().unwrap(),
            "-f",
            "json",
            "--db-dir",
        ])
        .arg(db)
        .output()
        .unwrap();
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(found(&result).is_empty());
    assert!(
        result["notes"][0]
            .as_str()
            .unwrap()
            .contains("88 OS package(s) not checked")
    );
}

#[test]
fn filters_ignore_file_and_vex() {
    let Some(db) = db_dir() else {
        return;
    };
    let root = input("debian-bookworm-minbase-stale");
    // --ignore-unfixed keeps everything here (every DEBCL record has a fix).
    let all = scan_json(&[&root]);
    let fixed_only = scan_json(&[&root, "--ignore-unfixed"]);
    assert_eq!(found(&all), found(&fixed_only));
    // DEBCL records carry no severity: a minimum of LOW leaves nothing, and counts them.
    let low = scan_json(&[&root, "--severity", "LOW"]);
    assert!(found(&low).is_empty());
    assert_eq!(low["filtered"], 34);
    let work = tempfile::tempdir().unwrap();
    let ignore = work.path().join("ignore.toml");
    std::fs::write(
        &ignore,
        r#"
[[ignore]]
id = "CVE-2024-22365"           # an alias: the record is DEBCL-CVE-2024-22365
reason = "pam_namespace is not used"
expires = "2999-01-01"

[[ignore]]
id = "DEBCL-CVE-2025-6020"
reason = "accepted last year"
expires = "2001-01-01"
"#,
    )
    .unwrap();
    let vex = work.path().join("app.vex.json");
    std::fs::write(
        &vex,
        r#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/1",
  "author": "test",
  "timestamp": "2026-01-01T00:00:00Z",
  "version": 1,
  "statements": [
    {
      "vulnerability": {"name": "CVE-2026-29111"},
      "products": [{"@id": "pkg:deb/debian/systemd"}],
      "status": "not_affected",
      "justification": "vulnerable_code_not_present"
    },
    {
      "vulnerability": {"name": "CVE-2026-40225"},
      "products": [{"@id": "pkg:deb/debian/systemd"}],
      "status": "under_investigation"
    }
  ]
}"#,
    )
    .unwrap();
    let doc = scan_json(&[
        &root,
        "--ignore-file",
        ignore.to_str().unwrap(),
        "--vex",
        vex.to_str().unwrap(),
    ]);
    let ids: BTreeSet<String> = found(&doc).into_iter().map(|(_, id)| id).collect();
    assert!(!ids.contains("DEBCL-CVE-2024-22365"));
    // Expired: reported again, and a note says so.
    assert!(ids.contains("DEBCL-CVE-2025-6020"));
    assert!(
        doc["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("expired on 2001-01-01"))
    );
    assert!(!ids.contains("DEBCL-CVE-2026-29111"));
    assert!(ids.contains("DEBCL-CVE-2026-40225"));
    let suppressed = doc["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 2);
    let by_vex = suppressed
        .iter()
        .find(|s| s["id"] == "DEBCL-CVE-2026-29111")
        .unwrap();
    assert_eq!(by_vex["suppressed_by"]["by"], "vex");
    assert_eq!(
        by_vex["suppressed_by"]["justification"],
        "vulnerable_code_not_present"
    );
    let by_file = suppressed
        .iter()
        .find(|s| s["id"] == "DEBCL-CVE-2024-22365")
        .unwrap();
    assert_eq!(
        by_file["suppressed_by"]["reason"],
        "pam_namespace is not used"
    );

    // A bad ignore file is an error naming it.
    std::fs::write(&ignore, "[[ignore]]\nid = \"X\"\nreason = \"\"\n").unwrap();
    let output = hullscan()
        .args([
            "vulns",
            &root,
            "--ignore-file",
            ignore.to_str().unwrap(),
            "--db-dir",
        ])
        .arg(db)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("a reason is required"));
}

#[test]
fn exit_codes_and_formats() {
    let Some(db) = db_dir() else {
        return;
    };
    let appfs = input("appfs");
    let run = |args: &[&str]| {
        hullscan()
            .arg("vulns")
            .arg(&appfs)
            .args(args)
            .arg("--db-dir")
            .arg(db)
            .output()
            .unwrap()
    };
    // Findings fail by default; `--fail-on never` and a level above every finding pass.
    assert_eq!(run(&["-q"]).status.code(), Some(1));
    assert_eq!(run(&["-q", "--fail-on", "never"]).status.code(), Some(0));
    let critical = run(&["-q", "--fail-on", "critical", "-f", "json"]);
    let doc: Value = serde_json::from_slice(&critical.stdout).unwrap();
    let any_critical = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["severity"] == "CRITICAL" && f["informational"].is_null());
    assert_eq!(
        critical.status.code(),
        Some(if any_critical { 1 } else { 0 })
    );
    // SARIF carries the rule and the advisory id.
    let sarif = run(&["-q", "-f", "sarif"]);
    let sarif: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), doc["findings"].as_array().unwrap().len());
    assert!(results.iter().all(|r| r["ruleId"] == "HS950"));
    assert!(results.iter().any(|r| {
        r["message"]["text"]
            .as_str()
            .unwrap()
            .contains("PYSEC-2018-28")
    }));
    for format in [
        "human",
        "concise",
        "checkstyle",
        "gitlab",
        "github",
        "junit",
    ] {
        let output = run(&["-q", "-f", format]);
        assert_eq!(output.status.code(), Some(1), "{format}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("PYSEC-2018-28"),
            "{format}"
        );
    }
    // No database: a clear error, nothing downloaded.
    let empty = tempfile::tempdir().unwrap();
    let output = hullscan()
        .args(["vulns", &appfs, "--db-dir"])
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("run `hullscan db update`"));
    // An old database: a warning.
    let output = hullscan()
        .args([
            "vulns",
            &appfs,
            "--max-db-age",
            "0s",
            "--fail-on",
            "never",
            "--db-dir",
        ])
        .arg(db)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("run `hullscan db update`"));
}

/// The dpkg status and os-release of the stale root, plus one Python package, as image files.
fn image_files(shared: &Path) -> Vec<(String, Vec<u8>)> {
    let root = shared.join("inputs/debian-bookworm-minbase-stale");
    let site = shared.join("inputs/appfs/usr/local/lib/python3.11/site-packages");
    let mut files = vec![
        (
            "var/lib/dpkg/status".to_owned(),
            std::fs::read(root.join("var/lib/dpkg/status")).unwrap(),
        ),
        (
            "etc/os-release".to_owned(),
            std::fs::read(root.join("usr/lib/os-release")).unwrap(),
        ),
    ];
    for entry in std::fs::read_dir(site.join("requests-2.19.1.dist-info")).unwrap() {
        let entry = entry.unwrap();
        files.push((
            format!(
                "usr/local/lib/python3.11/site-packages/requests-2.19.1.dist-info/{}",
                entry.file_name().to_string_lossy()
            ),
            std::fs::read(entry.path()).unwrap(),
        ));
    }
    files
}

#[test]
fn image_scan_and_image_audit() {
    let (Some(db), Some(shared)) = (db_dir(), shared()) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let layout = work.path().join("layout");
    let files = image_files(&shared);
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    common::write_oci_layout(
        &layout,
        "v1",
        serde_json::json!({"architecture": "amd64", "os": "linux", "config": {"User": "1000"},
            "history": [{"created_by": "RUN apt-get install -y libc6 && pip install requests==2.19.1"}]}),
        &borrowed,
    );
    let reference = format!("oci:{}:v1", layout.display());
    let doc = scan_json(&[&reference, "--no-cache"]);
    let ids = ids_of(&doc, "glibc");
    assert_eq!(ids.len(), 9);
    assert!(ids_of(&doc, "requests").contains("PYSEC-2018-28"));
    let glibc = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["package"] == "glibc")
        .unwrap();
    assert_eq!(glibc["layer"], 0);
    assert!(
        glibc["instruction"]
            .as_str()
            .unwrap()
            .contains("apt-get install")
    );

    // `hullscan image` shows them with the audit by default, and not with --no-vulns.
    let audit = |extra: &[&str]| {
        let output = hullscan()
            .args([
                "image",
                &reference,
                "-q",
                "--no-cache",
                "-f",
                "json",
                "--db-dir",
            ])
            .arg(db)
            .args(extra)
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "HS950")
            .count()
    };
    assert_eq!(audit(&[]), doc["findings"].as_array().unwrap().len());
    assert_eq!(audit(&["--no-vulns"]), 0);
}

#[test]
fn docker_imported_image() {
    let (Some(_), Some(shared)) = (db_dir(), shared()) else {
        return;
    };
    let docker_ok = std::process::Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !docker_ok {
        eprintln!("skipping: no docker daemon");
        return;
    }
    // A rootfs tar with the stale dpkg database and requests' dist-info, imported as an image.
    let mut tar = tar::Builder::new(Vec::new());
    for (path, bytes) in image_files(&shared) {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, &path, bytes.as_slice())
            .unwrap();
    }
    let rootfs = tar.into_inner().unwrap();
    let work = tempfile::tempdir().unwrap();
    let tar_path = work.path().join("rootfs.tar");
    std::fs::write(&tar_path, rootfs).unwrap();
    let tag = format!("hullscan-vulns-test:{}", std::process::id());
    let imported = std::process::Command::new("docker")
        .args(["import"])
        .arg(&tar_path)
        .arg(&tag)
        .output()
        .unwrap();
    if !imported.status.success() {
        eprintln!(
            "skipping: docker import failed: {}",
            String::from_utf8_lossy(&imported.stderr)
        );
        return;
    }
    let doc = scan_json(&[&format!("docker-daemon:{tag}"), "--no-cache"]);
    let _ = std::process::Command::new("docker")
        .args(["rmi", "-f", &tag])
        .output();
    assert_eq!(ids_of(&doc, "glibc").len(), 9);
    assert_eq!(
        ids_of(&doc, "systemd"),
        set(&[
            "DEBCL-CVE-2026-29111",
            "DEBCL-CVE-2026-40225",
            "DEBCL-CVE-2026-40226",
            "DEBCL-CVE-2026-4105",
        ])
    );
    assert!(ids_of(&doc, "requests").contains("PYSEC-2018-28"));
}
