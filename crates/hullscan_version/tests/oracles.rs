//! Every comparator against the native tools' orderings (osv-scalibr's fixtures, generated with
//! dpkg, apk, rpm, Python `packaging` and Maven), through the crate's public API.
//!
//! Each pair the comparator gets differently from the oracle must be listed in the comparator's
//! exception table with the reason; an exception that no longer differs fails the test too.

#![allow(clippy::print_stderr)] // the counts and skip notice are the report

use std::cmp::Ordering;
use std::path::PathBuf;

use hullscan_version::Scheme;

fn oracle_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/version-oracles/osv-scalibr");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: {} is absent", dir.display());
        None
    }
}

/// One `a OP b` line of a fixture.
struct Pair {
    line: String,
    a: String,
    b: String,
    expected: Ordering,
}

fn read_pairs(path: &std::path::Path) -> Vec<Pair> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut pairs = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("//") {
            continue;
        }
        let found = [
            (" < ", Ordering::Less),
            (" = ", Ordering::Equal),
            (" > ", Ordering::Greater),
        ]
        .into_iter()
        .find_map(|(op, order)| trimmed.split_once(op).map(|(a, b)| (a, b, order)));
        let (a, b, expected) =
            found.unwrap_or_else(|| panic!("{}: bad line {line:?}", path.display()));
        pairs.push(Pair {
            line: trimmed.to_owned(),
            a: a.to_owned(),
            b: b.to_owned(),
            expected,
        });
    }
    pairs
}

/// Checks `scheme` against `files`; `exceptions` are (fixture line, why) pairs expected to differ.
fn check(scheme: Scheme, files: &[&str], exceptions: &[(&str, &str)]) {
    let Some(dir) = oracle_dir() else { return };
    let mut total = 0;
    let mut passed = 0;
    let mut unexplained = Vec::new();
    let mut seen_exceptions = Vec::new();
    for file in files {
        for pair in read_pairs(&dir.join(file)) {
            total += 1;
            let got = scheme.compare(&pair.a, &pair.b);
            let reverse = scheme.compare(&pair.b, &pair.a);
            if got == pair.expected && reverse == pair.expected.reverse() {
                passed += 1;
            } else if let Some((line, _)) = exceptions.iter().find(|(line, _)| *line == pair.line) {
                seen_exceptions.push(*line);
            } else {
                unexplained.push(format!(
                    "{file}: {}  (got {got:?}, reverse {reverse:?})",
                    pair.line
                ));
            }
        }
    }
    let stale: Vec<_> = exceptions
        .iter()
        .filter(|(line, _)| !seen_exceptions.contains(line))
        .map(|(l, _)| *l)
        .collect();
    eprintln!(
        "{}: {total} pairs, {passed} passed, {} listed exceptions",
        scheme.name(),
        seen_exceptions.len()
    );
    assert!(
        unexplained.is_empty(),
        "{} unexplained mismatches:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    assert!(
        stale.is_empty(),
        "exceptions that no longer differ: {stale:?}"
    );
}

#[test]
fn dpkg_matches_dpkg_compare_versions() {
    check(
        Scheme::Dpkg,
        &["debian-versions.txt", "debian-versions-generated.txt"],
        &[],
    );
}

#[test]
fn apk_matches_apk_version() {
    check(
        Scheme::Apk,
        &["alpine-versions.txt", "alpine-versions-generated.txt"],
        &[],
    );
}

#[test]
fn rpm_matches_rpm_vercmp() {
    check(Scheme::Rpm, &["redhat-versions.txt"], &[]);
}

#[test]
fn pep440_matches_packaging() {
    check(
        Scheme::Pep440,
        &["pypi-versions.txt", "pypi-versions-generated.txt"],
        &[],
    );
}

#[test]
fn semver_matches_semver_precedence() {
    check(Scheme::SemVer, &["semver-versions.txt"], &[]);
}

#[test]
fn maven_matches_comparable_version() {
    check(
        Scheme::Maven,
        &["maven-versions.txt", "maven-versions-generated.txt"],
        &[],
    );
}
