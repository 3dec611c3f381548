//! The database through its public API on small hand-written records: range evaluation (unsorted
//! events, `last_affected`, `limit`, GIT ranges ignored), exact `versions`, withdrawn records,
//! alias merging, release scoping, and damaged images that must fail cleanly, never panic.

use hullscan_vulndb::{Builder, Database, Meta, Query, Record};

fn record(json: &str) -> Record {
    Record::from_json(json.as_bytes()).expect("test record")
}

fn database(records: &[&str]) -> Vec<u8> {
    let mut builder = Builder::new();
    for json in records {
        builder.add(&record(json));
    }
    builder.finish(&Meta::default())
}

fn ids(db: &Database, ecosystem: &str, name: &str, version: &str) -> Vec<String> {
    db.query(&Query {
        ecosystem,
        name,
        version,
    })
    .expect("query")
    .into_iter()
    .map(|f| f.id)
    .collect()
}

const UNSORTED: &str = r#"{"id": "PYSEC-X-1", "modified": "2024-01-01T00:00:00Z", "affected": [{
    "package": {"ecosystem": "PyPI", "name": "Demo_Pkg"},
    "ranges": [
        {"type": "GIT", "repo": "https://example.invalid/x", "events": [{"introduced": "0"}, {"fixed": "abc"}]},
        {"type": "ECOSYSTEM", "events": [{"introduced": "2.0"}, {"fixed": "2.4.1"}, {"introduced": "0"}, {"fixed": "1.10"}]}
    ],
    "versions": ["2.9"]}]}"#;

const LIMITED: &str = r#"{"id": "GO-X-2", "modified": "2024-01-01T00:00:00Z", "affected": [{
    "package": {"ecosystem": "Go", "name": "example.com/mod"},
    "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"limit": "1.5.0"}]}]}]}"#;

const LAST: &str = r#"{"id": "GHSA-aaaa-bbbb-cccc", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-2024-1"],
    "database_specific": {"severity": "MODERATE"},
    "affected": [{"package": {"ecosystem": "npm", "name": "left"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"last_affected": "1.2.0"}]}]}]}"#;

const SAME_CVE: &str = r#"{"id": "OTHER-1", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-2024-1"],
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    "affected": [{"package": {"ecosystem": "npm", "name": "left"},
    "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"fixed": "1.3.0"}]}]}]}"#;

const WITHDRAWN: &str = r#"{"id": "RUSTSEC-X-3", "modified": "2024-01-01T00:00:00Z", "withdrawn": "2024-02-01T00:00:00Z",
    "affected": [{"package": {"ecosystem": "crates.io", "name": "gone"},
    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0.0.0-0"}]}]}]}"#;

const DEBIAN: &str = r#"{"id": "DEBIAN-CVE-X", "modified": "2024-01-01T00:00:00Z", "upstream": ["CVE-2024-9"],
    "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
    "ecosystem_specific": {"urgency": "high"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.15-1~deb12u1"}]}]}]}"#;

fn sample() -> Database {
    Database::from_bytes(database(&[
        UNSORTED, LIMITED, LAST, SAME_CVE, WITHDRAWN, DEBIAN,
    ]))
    .expect("database")
}

#[test]
fn ranges_with_unsorted_events_and_exact_versions() {
    let db = sample();
    // PEP 503 name normalization on both sides.
    assert_eq!(ids(&db, "PyPI", "demo-pkg", "1.9"), ["PYSEC-X-1"]);
    assert!(ids(&db, "PyPI", "demo.pkg", "1.10").is_empty(), "at fixed");
    assert!(
        ids(&db, "PyPI", "DEMO_PKG", "1.10.1").is_empty(),
        "between ranges"
    );
    assert_eq!(ids(&db, "PyPI", "demo-pkg", "2.4"), ["PYSEC-X-1"]);
    assert!(ids(&db, "PyPI", "demo-pkg", "2.4.1").is_empty());
    // Outside both ranges, but listed in `versions`; a neighbour that is not listed is clean.
    assert_eq!(
        ids(&db, "PyPI", "demo-pkg", "2.9"),
        ["PYSEC-X-1"],
        "explicit versions entry"
    );
    assert!(ids(&db, "PyPI", "demo-pkg", "2.8").is_empty());
    let finding = &db
        .query(&Query {
            ecosystem: "PyPI",
            name: "demo-pkg",
            version: "2.1",
        })
        .expect("query")[0];
    assert_eq!(finding.fixed.as_deref(), Some("2.4.1"));
    let finding = &db
        .query(&Query {
            ecosystem: "PyPI",
            name: "demo-pkg",
            version: "1.0",
        })
        .expect("query")[0];
    assert_eq!(finding.fixed.as_deref(), Some("1.10"));
    assert!(
        ids(&db, "PyPI", "demo-pkg", "").is_empty(),
        "no version, no match"
    );
}

#[test]
fn limit_and_last_affected() {
    let db = sample();
    assert!(ids(&db, "Go", "example.com/mod", "v0.9.0").is_empty());
    assert_eq!(ids(&db, "Go", "example.com/mod", "v1.4.9"), ["GO-X-2"]);
    assert!(
        ids(&db, "Go", "example.com/mod", "v1.5.0").is_empty(),
        "at limit"
    );
    let finding = &db
        .query(&Query {
            ecosystem: "npm",
            name: "left",
            version: "0.5.0",
        })
        .expect("query")[0];
    assert_eq!(
        (finding.id.as_str(), finding.fixed_display()),
        ("GHSA-aaaa-bbbb-cccc", "no fix yet")
    );
}

#[test]
fn aliases_merge_and_withdrawn_records_are_skipped() {
    let db = sample();
    // Both records name CVE-2024-1: one finding, the non-GHSA id first, with the other id as alias
    // and the fix and CVSS severity the merged record knows.
    let findings = db
        .query(&Query {
            ecosystem: "npm",
            name: "left",
            version: "1.1.0",
        })
        .expect("query");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].id, "OTHER-1");
    assert_eq!(findings[0].aliases, ["CVE-2024-1", "GHSA-aaaa-bbbb-cccc"]);
    assert_eq!(findings[0].fixed.as_deref(), Some("1.3.0"));
    assert_eq!(
        findings[0].severity.as_ref().map(|s| s.source.as_str()),
        Some("CVSS_V3")
    );
    assert!(ids(&db, "crates.io", "gone", "1.0.0").is_empty());
    assert_eq!(db.stats().vulnerabilities, 5);
}

#[test]
fn distro_records_match_their_release_with_the_distro_severity() {
    let db = sample();
    let findings = db
        .query(&Query {
            ecosystem: "Debian:12",
            name: "openssl",
            version: "3.0.11-1~deb12u2",
        })
        .expect("query");
    assert_eq!(findings.len(), 1);
    let severity = findings[0].severity.as_ref().expect("severity");
    assert_eq!(
        (severity.level.as_str(), severity.source.as_str()),
        ("HIGH", "Debian urgency")
    );
    assert_eq!(findings[0].aliases, ["CVE-2024-9"]);
    assert!(ids(&db, "Debian:12", "openssl", "3.0.15-1~deb12u1").is_empty());
    assert!(ids(&db, "Debian:11", "openssl", "1.1.1n-0+deb11u3").is_empty());
    assert!(ids(&db, "Ubuntu:22.04:LTS", "openssl", "3.0.2-0ubuntu1").is_empty());
}

/// Every single-byte change and every truncation of a small database is either rejected at open
/// or answers queries with a result or an error: never a panic. With the checksum recomputed, the
/// damage reaches the row decoding itself.
#[test]
fn damaged_images_never_panic() {
    let image = database(&[UNSORTED, LAST, DEBIAN]);
    let queries = [
        ("PyPI", "demo-pkg", "1.9"),
        ("npm", "left", "1.0.0"),
        ("Debian:12", "openssl", "1"),
    ];
    let probe = |bytes: Vec<u8>| {
        if let Ok(db) = Database::from_bytes(bytes) {
            for (ecosystem, name, version) in queries {
                let _ = db.query(&Query {
                    ecosystem,
                    name,
                    version,
                });
            }
            let _ = db.meta();
        }
    };
    for len in 0..image.len() {
        assert!(
            Database::from_bytes(image[..len].to_vec()).is_err(),
            "truncated to {len} bytes was accepted"
        );
    }
    for at in 0..image.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut damaged = image.clone();
            damaged[at] ^= flip;
            if at >= 64 {
                assert!(
                    Database::from_bytes(damaged.clone()).is_err(),
                    "checksum missed a change at {at}"
                );
                let crc = crc32fast::hash(&damaged[64..]);
                damaged[24..28].copy_from_slice(&crc.to_le_bytes());
            }
            probe(damaged);
        }
    }
}
