//! `hullscan db` end to end: the binary downloads `../shared/vuln/osv-export/` from a loopback
//! HTTP server laid out like OSV's bucket, and answers queries whose results were worked out by
//! reading the records (`affected[].ranges`, `versions`, `withdrawn`, `aliases`). Interrupted and
//! corrupt downloads must leave the previous database usable and name the ecosystem.

#![allow(clippy::print_stderr)] // skip notices

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use assert_cmd::Command;
use serde_json::Value;

fn export_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vuln/osv-export");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: {} is absent", dir.display());
        None
    }
}

/// How the test server misbehaves for one ecosystem's `all.zip`.
#[derive(Clone, Copy, PartialEq)]
enum Fault {
    None,
    /// Send the headers and half the body, then close the connection.
    DropHalfway,
    /// Flip bytes in the middle of the zip.
    Corrupt,
}

struct ServerState {
    root: PathBuf,
    fault: Mutex<(String, Fault)>,
    /// Serve `modified_id.csv` of this ecosystem with a changed first timestamp, as after an
    /// upstream edit, so the next update downloads its zip again.
    touched: Mutex<Option<String>>,
    zip_requests: AtomicUsize,
    /// Files served instead of (or beside) the directory's: `<Ecosystem>/<file>` → bytes.
    overrides: Mutex<BTreeMap<String, Vec<u8>>>,
}

/// A loopback server for the export directory; returns its base URL.
fn serve(root: PathBuf) -> (String, Arc<ServerState>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let base = format!("http://{}/", listener.local_addr().expect("address"));
    let state = Arc::new(ServerState {
        root,
        fault: Mutex::new((String::new(), Fault::None)),
        touched: Mutex::new(None),
        zip_requests: AtomicUsize::new(0),
        overrides: Mutex::new(BTreeMap::new()),
    });
    let shared = Arc::clone(&state);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let state = Arc::clone(&shared);
            std::thread::spawn(move || {
                let _ = handle(stream, &state);
            });
        }
    });
    (base, state)
}

fn handle(mut stream: TcpStream, state: &ServerState) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .trim_start_matches('/');
    let path = path.replace("%20", " ");
    let (ecosystem, file) = path.split_once('/').unwrap_or(("", ""));
    let served = state.overrides.lock().expect("lock").get(&path).cloned();
    let Some(mut body) =
        served.or_else(|| std::fs::read(state.root.join(ecosystem).join(file)).ok())
    else {
        return stream.write_all(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    };
    let (fault_ecosystem, fault) = state.fault.lock().expect("lock").clone();
    let faulty = fault_ecosystem == ecosystem && file == "all.zip";
    if file == "all.zip" {
        state.zip_requests.fetch_add(1, Ordering::SeqCst);
    }
    if file == "modified_id.csv"
        && state.touched.lock().expect("lock").as_deref() == Some(ecosystem)
    {
        body.splice(0..4, b"2099".iter().copied());
    }
    if faulty && fault == Fault::Corrupt {
        let middle = body.len() / 2;
        for byte in &mut body[middle..middle + 64] {
            *byte ^= 0x5a;
        }
    }
    let header = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if faulty && fault == Fault::DropHalfway {
        stream.write_all(&body[..body.len() / 2])?;
        stream.flush()?;
        return stream.shutdown(std::net::Shutdown::Both);
    }
    stream.write_all(&body)
}

fn hullscan() -> Command {
    let mut command = Command::cargo_bin("hullscan").expect("binary");
    // Never the user's cache: every command gets --db-dir, and this keeps stray ones away too.
    command
        .env_remove("HULLSCAN_DB_DIR")
        .env("XDG_CACHE_HOME", "/nonexistent-hullscan-test-cache");
    command
}

fn update(base: &str, db: &Path, ecosystems: &str) -> std::process::Output {
    hullscan()
        .args([
            "db",
            "update",
            "--base-url",
            base,
            "--ecosystems",
            ecosystems,
            "--timeout",
            "20",
            "--db-dir",
        ])
        .arg(db)
        .output()
        .expect("run hullscan")
}

fn status_json(db: &Path) -> Value {
    let output = hullscan()
        .args(["db", "status", "--format", "json", "--db-dir"])
        .arg(db)
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "status failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("status JSON")
}

/// Runs `db match --queries` and returns the findings per `ecosystem|name|version`.
fn match_all(db: &Path, queries: &[(&str, &str, &str)]) -> BTreeMap<String, Vec<Value>> {
    let file = db.join("queries.tsv");
    let text: String = queries
        .iter()
        .map(|(e, n, v)| format!("{e}\t{n}\t{v}\n"))
        .collect();
    std::fs::write(&file, text).expect("write queries");
    let output = hullscan()
        .args(["db", "match", "--format", "json", "--queries"])
        .arg(&file)
        .arg("--db-dir")
        .arg(db)
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "match failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let findings: Vec<Value> = serde_json::from_slice(&output.stdout).expect("match JSON");
    let mut by_query: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (e, n, v) in queries {
        by_query.entry(format!("{e}|{n}|{v}")).or_default();
    }
    for finding in findings {
        let key = format!(
            "{}|{}|{}",
            finding["ecosystem"].as_str().unwrap_or(""),
            finding["package"].as_str().unwrap_or(""),
            finding["version"].as_str().unwrap_or("")
        );
        by_query.entry(key).or_default().push(finding);
    }
    by_query
}

fn ids(findings: &[Value]) -> Vec<&str> {
    findings
        .iter()
        .map(|f| f["id"].as_str().unwrap_or(""))
        .collect()
}

#[test]
fn update_over_http_then_match_records_read_by_hand() {
    let Some(root) = export_dir() else { return };
    let (base, server) = serve(root);
    let db = tempfile::tempdir().expect("tempdir");
    let output = update(&base, db.path(), "Debian,Go,Maven,PyPI,crates.io,npm");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "update failed: {stderr}");

    // Counts from the export's README: records minus withdrawn ones.
    let status = status_json(db.path());
    let counts: BTreeMap<&str, (u64, u64)> = status["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| {
            (
                s["ecosystem"].as_str().unwrap_or(""),
                (
                    s["records"].as_u64().unwrap_or(0),
                    s["withdrawn"].as_u64().unwrap_or(0),
                ),
            )
        })
        .collect();
    assert_eq!(counts["Go"], (4291 - 17, 17));
    assert_eq!(counts["crates.io"], (1206 - 13, 13));
    assert_eq!(counts["PyPI"], (2664 - 10, 10));
    assert_eq!(counts["Debian"], (38, 0));
    assert_eq!(counts["npm"], (10, 0));
    assert_eq!(counts["Maven"], (7, 0));

    let queries = [
        // RUSTSEC-2021-0003: introduced 1.0.0, fixed 1.6.1 (CVSS 3.1 9.8).
        ("crates.io", "smallvec", "1.6.0"),
        // Exactly at `fixed`: not affected.
        ("crates.io", "smallvec", "1.6.1"),
        // RUSTSEC-2025-0120 (every version) is withdrawn; it is json5's only record.
        ("crates.io", "json5", "0.4.1"),
        // GO-2024-2730 (every version) is withdrawn; gorilla/sessions' only record.
        ("Go", "github.com/gorilla/sessions", "v1.2.1"),
        // 16 records with `fixed` above 0.7.0; GO-2023-1571 is fixed at exactly 0.7.0 and
        // GO-2023-1495 at a pseudo-version below it.
        ("Go", "golang.org/x/net", "v0.7.0"),
        // GHSA-x84v-xcm2-53pg is an alias of PYSEC-2018-28: one finding.
        ("PyPI", "requests", "2.19.1"),
        // PYSEC-2022-42969: introduced 0, last_affected 1.11.0. PYSEC-2020-92 is fixed at 1.10.0.
        ("PyPI", "py", "1.11.0"),
        // PYSEC-2024-1 has no range, only `versions: ["0.5"]`, matched byte for byte.
        ("PyPI", "gratient", "0.5"),
        ("PyPI", "gratient", "0.6"),
        // PEP 503 name: PYSEC-2020-96 (5.1 to 5.3.1) and PYSEC-2021-142 (0 to 5.4); not
        // PYSEC-2020-176 (5.1 to 5.2b1) nor PYSEC-2018-49 (fixed 5.1).
        ("PyPI", "PyYAML", "5.3"),
        // Last_affected 29.0 (GHSA-5mg8-w23w-74h3) and 1.0 to 32.0.0 (GHSA-7g45-4rm6-3mm3).
        ("Maven", "com.google.guava:guava", "29.0"),
        ("Maven", "com.google.guava:guava", "31.1-jre"),
        // GHSA-78xj-cgh5-2h22: last_affected 1.1.8.
        ("npm", "ip", "1.1.8"),
        ("npm", "ip", "2.0.0"),
        // Debian 12 glibc at +deb12u7: every DEBCL record fixed above u7; CVE-2024-33599 is
        // fixed at exactly u7, CVE-2023-4911 at u3.
        ("Debian:12", "glibc", "2.36-9+deb12u7"),
        // Records are scoped to their release.
        ("Debian:11", "glibc", "2.36-9+deb12u7"),
        ("Debian", "glibc", "2.36-9+deb12u7"),
    ];
    let results = match_all(db.path(), &queries);
    let got = |key: &str| ids(&results[key]);
    assert_eq!(got("crates.io|smallvec|1.6.0"), ["RUSTSEC-2021-0003"]);
    let smallvec = &results["crates.io|smallvec|1.6.0"][0];
    assert_eq!(smallvec["fixed"], "1.6.1");
    assert_eq!(smallvec["severity"]["level"], "CRITICAL");
    assert_eq!(smallvec["severity"]["source"], "CVSS_V3");
    assert!((smallvec["severity"]["score"].as_f64().unwrap_or(0.0) - 9.8).abs() < 0.01);
    assert_eq!(
        smallvec["aliases"],
        serde_json::json!(["CVE-2021-25900", "GHSA-43w2-9j62-hq99"])
    );
    assert!(got("crates.io|smallvec|1.6.1").is_empty());
    assert!(got("crates.io|json5|0.4.1").is_empty());
    assert!(got("Go|github.com/gorilla/sessions|v1.2.1").is_empty());
    assert_eq!(
        got("Go|golang.org/x/net|v0.7.0"),
        [
            "GO-2023-1988",
            "GO-2023-2102",
            "GO-2024-2687",
            "GO-2024-3333",
            "GO-2025-3503",
            "GO-2025-3595",
            "GO-2026-4440",
            "GO-2026-4441",
            "GO-2026-4918",
            "GO-2026-5025",
            "GO-2026-5026",
            "GO-2026-5027",
            "GO-2026-5028",
            "GO-2026-5029",
            "GO-2026-5030",
            "GO-2026-5942",
        ]
    );
    assert_eq!(
        got("PyPI|requests|2.19.1"),
        ["GHSA-9wx4-h78v-vm56", "PYSEC-2018-28", "PYSEC-2023-74"]
    );
    let pysec_2018_28 = &results["PyPI|requests|2.19.1"][1];
    assert_eq!(pysec_2018_28["fixed"], "2.20.0");
    assert!(
        pysec_2018_28["aliases"]
            .as_array()
            .expect("aliases")
            .contains(&Value::from("GHSA-x84v-xcm2-53pg"))
    );
    // PYSEC-2018-28 has no severity of its own; the merged GHSA record's CVSS is kept.
    assert_eq!(pysec_2018_28["severity"]["level"], "HIGH");
    assert_eq!(got("PyPI|py|1.11.0"), ["PYSEC-2022-42969"]);
    assert_eq!(results["PyPI|py|1.11.0"][0]["fixed"], Value::Null);
    assert_eq!(got("PyPI|gratient|0.5"), ["PYSEC-2024-1"]);
    assert!(got("PyPI|gratient|0.6").is_empty());
    assert_eq!(results["PyPI|pyyaml|5.3"].len(), 2, "{results:#?}");
    assert_eq!(
        ids(&results["PyPI|pyyaml|5.3"]),
        ["PYSEC-2020-96", "PYSEC-2021-142"]
    );
    assert_eq!(
        got("Maven|com.google.guava:guava|29.0"),
        ["GHSA-5mg8-w23w-74h3", "GHSA-7g45-4rm6-3mm3"]
    );
    assert_eq!(
        got("Maven|com.google.guava:guava|31.1-jre"),
        ["GHSA-7g45-4rm6-3mm3"]
    );
    assert_eq!(got("npm|ip|1.1.8"), ["GHSA-78xj-cgh5-2h22"]);
    assert_eq!(results["npm|ip|1.1.8"][0]["severity"]["source"], "GHSA");
    assert!(got("npm|ip|2.0.0").is_empty());
    assert_eq!(
        got("Debian:12|glibc|2.36-9+deb12u7"),
        [
            "DEBCL-CVE-2025-0395",
            "DEBCL-CVE-2025-15281",
            "DEBCL-CVE-2025-4802",
            "DEBCL-CVE-2025-8058",
            "DEBCL-CVE-2026-0861",
            "DEBCL-CVE-2026-0915",
            "DEBCL-CVE-2026-4046",
            "DEBCL-CVE-2026-4437",
            "DEBCL-CVE-2026-4438",
        ]
    );
    assert_eq!(
        results["Debian:12|glibc|2.36-9+deb12u7"][0]["fixed"],
        "2.36-9+deb12u10"
    );
    assert!(got("Debian:11|glibc|2.36-9+deb12u7").is_empty());
    assert!(got("Debian|glibc|2.36-9+deb12u7").is_empty());

    // Incremental: nothing changed upstream, so no zip is downloaded again.
    let zips_before = server.zip_requests.load(Ordering::SeqCst);
    let output = update(&base, db.path(), "Debian,Go,Maven,PyPI,crates.io,npm");
    assert!(output.status.success());
    assert_eq!(
        server.zip_requests.load(Ordering::SeqCst),
        zips_before,
        "an unchanged ecosystem was downloaded again"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("crates.io: unchanged"));
}

#[test]
fn failed_downloads_keep_the_old_database_and_name_the_ecosystem() {
    let Some(root) = export_dir() else { return };
    let (base, server) = serve(root);
    let db = tempfile::tempdir().expect("tempdir");

    // No database yet: a clear message, not a download.
    let output = hullscan()
        .args(["db", "status", "--db-dir"])
        .arg(db.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no vulnerability database"));

    let output = update(&base, db.path(), "Debian,crates.io");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let before = std::fs::read(db.path().join("vulns.db")).expect("database");
    let check_old_data = || {
        let results = match_all(
            db.path(),
            &[
                ("crates.io", "smallvec", "1.6.0"),
                ("Debian:12", "zlib", "1:1.2.13.dfsg-1"),
            ],
        );
        assert_eq!(
            ids(&results["crates.io|smallvec|1.6.0"]),
            ["RUSTSEC-2021-0003"]
        );
        assert_eq!(
            ids(&results["Debian:12|zlib|1:1.2.13.dfsg-1"]),
            ["DEBCL-CVE-2026-27171", "DEBCL-CVE-2026-85091"]
        );
    };
    check_old_data();

    // crates.io changed upstream; its download is cut off half-way.
    *server.touched.lock().expect("lock") = Some("crates.io".to_owned());
    for (fault, expected) in [
        (Fault::DropHalfway, "download of"),
        (Fault::Corrupt, "failed verification"),
    ] {
        *server.fault.lock().expect("lock") = ("crates.io".to_owned(), fault);
        let output = update(&base, db.path(), "Debian,crates.io");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("crates.io: "),
            "the error must name the ecosystem: {stderr}"
        );
        assert!(
            stderr.contains("crates.io/all.zip") && stderr.contains(expected),
            "{stderr}"
        );
        assert!(!stderr.contains("Debian: download"), "{stderr}");
        assert_eq!(
            std::fs::read(db.path().join("vulns.db")).expect("database"),
            before,
            "the database changed"
        );
        check_old_data();
        assert!(
            status_json(db.path())["sources"]
                .as_array()
                .expect("sources")
                .len()
                == 2
        );
    }

    // Once the server behaves, the update goes through.
    *server.fault.lock().expect("lock") = (String::new(), Fault::None);
    let output = update(&base, db.path(), "Debian,crates.io");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("crates.io: 1206 records"));
    check_old_data();
}

#[test]
fn a_damaged_database_file_is_a_clear_error() {
    let Some(root) = export_dir() else { return };
    let db = tempfile::tempdir().expect("tempdir");
    let output = hullscan()
        .args(["db", "update", "--from"])
        .arg(&root)
        .args(["--ecosystems", "Debian", "--db-dir"])
        .arg(db.path())
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let path = db.path().join("vulns.db");
    let good = std::fs::read(&path).expect("database");
    let truncated = good[..good.len() / 2].to_vec();
    let mut flipped = good.clone();
    let at = flipped.len() - 10;
    flipped[at] ^= 1;
    for (damage, expected) in [
        (truncated, "truncated"),
        (flipped, "checksum"),
        (b"HSVULNDB".to_vec(), "shorter than the header"),
    ] {
        std::fs::write(&path, &damage).expect("write");
        for command in [
            &["db", "status"][..],
            &[
                "db",
                "match",
                "--ecosystem",
                "Debian:12",
                "--name",
                "zlib",
                "--version",
                "1",
            ][..],
        ] {
            let output = hullscan()
                .args(command)
                .arg("--db-dir")
                .arg(db.path())
                .output()
                .expect("run");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{stderr}");
            assert!(
                stderr.contains("damaged") && stderr.contains(expected),
                "{stderr}"
            );
            assert!(!stderr.contains("panicked"), "{stderr}");
        }
    }
    // A damaged database is rebuilt by the next update even when no source changed.
    let output = hullscan()
        .args(["db", "update", "--from"])
        .arg(&root)
        .args(["--ecosystems", "Debian", "--db-dir"])
        .arg(db.path())
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(std::fs::read(&path).expect("database").len(), good.len());
}

/// After an upstream change of a few records, only those are fetched (`<Ecosystem>/<ID>.json`);
/// a record that leaves `modified_id.csv` leaves the database.
#[test]
fn changed_records_are_fetched_alone() {
    let Some(root) = export_dir() else { return };
    let csv = std::fs::read_to_string(root.join("crates.io/modified_id.csv")).expect("csv");
    let (base, server) = serve(root);
    let db = tempfile::tempdir().expect("tempdir");
    let output = update(&base, db.path(), "crates.io");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let zips = server.zip_requests.load(Ordering::SeqCst);

    // Upstream: RUSTSEC-2021-0003 now says fixed in 1.6.2, a new record appears for smallvec,
    // and RUSTSEC-2022-0013 (regex) is gone from the export.
    let smallvec_record = |id: &str, fixed: &str| {
        serde_json::json!({
            "id": id, "modified": "2099-01-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "crates.io", "name": "smallvec"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"fixed": fixed}]}]}]
        })
        .to_string()
        .into_bytes()
    };
    let mut new_csv = String::from(
        "2099-01-01T00:00:00Z,RUSTSEC-2099-0001\n2099-01-01T00:00:00Z,RUSTSEC-2021-0003\n",
    );
    for line in csv
        .lines()
        .filter(|l| !l.ends_with(",RUSTSEC-2021-0003") && !l.ends_with(",RUSTSEC-2022-0013"))
    {
        new_csv.push_str(line);
        new_csv.push('\n');
    }
    {
        let mut overrides = server.overrides.lock().expect("lock");
        overrides.insert("crates.io/modified_id.csv".to_owned(), new_csv.into_bytes());
        overrides.insert(
            "crates.io/RUSTSEC-2021-0003.json".to_owned(),
            smallvec_record("RUSTSEC-2021-0003", "1.6.2"),
        );
        overrides.insert(
            "crates.io/RUSTSEC-2099-0001.json".to_owned(),
            smallvec_record("RUSTSEC-2099-0001", "1.7.0"),
        );
    }
    let output = update(&base, db.path(), "crates.io");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("crates.io: 2 changed records fetched"),
        "{stderr}"
    );
    assert_eq!(
        server.zip_requests.load(Ordering::SeqCst),
        zips,
        "the zip was downloaded again"
    );

    let results = match_all(
        db.path(),
        &[
            ("crates.io", "smallvec", "1.6.1"),
            ("crates.io", "smallvec", "1.6.2"),
            ("crates.io", "regex", "1.5.4"),
        ],
    );
    assert_eq!(
        ids(&results["crates.io|smallvec|1.6.1"]),
        ["RUSTSEC-2021-0003", "RUSTSEC-2099-0001"]
    );
    assert_eq!(
        ids(&results["crates.io|smallvec|1.6.2"]),
        ["RUSTSEC-2099-0001"]
    );
    assert!(
        results["crates.io|regex|1.5.4"].is_empty(),
        "a record no longer exported is still matched"
    );
    let status = status_json(db.path());
    assert_eq!(status["sources"][0]["records"], 1206 - 13 - 1 + 1);
}
