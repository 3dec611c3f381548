//! The real rpm databases in `../shared/vuln/inputs/rpmdb/`, each placed at its usual path in
//! a temporary root and read through `dir::catalog_dir`: SQLite and BerkeleyDB equal what
//! `rpm --dbpath DIR -qa` lists; NDB (which Debian's rpm cannot read) is checked by structure.
#![allow(clippy::print_stderr)] // the tests say what they compared

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use hullscan_inventory::{Ecosystem, Inventory, dir::catalog_dir};

type Row = (String, String, String, String, String);
type OracleSet = BTreeSet<(String, String, String, String)>;

/// `(name, epochnum:version-release, arch, source name, source version)` per package.
fn rpm_oracle(dbpath: &Path) -> OracleSet {
    // rpm may write lock or index files next to the database: give it a copy.
    let copy = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(dbpath).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), copy.path().join(entry.file_name())).unwrap();
    }
    let output = std::process::Command::new("rpm")
        .arg("--dbpath")
        .arg(copy.path())
        .arg("-qa")
        .arg("--qf")
        .arg("%{NAME}\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\n")
        .output()
        .expect("rpm runs");
    assert!(
        output.status.success(),
        "rpm failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            (f[0].into(), f[1].into(), f[2].into(), f[3].into())
        })
        .collect()
}

fn catalog_at(db_file: &Path, root_path: &str) -> (tempfile::TempDir, Inventory) {
    let root = tempfile::tempdir().unwrap();
    let target = root.path().join(root_path);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::copy(db_file, &target).unwrap();
    let inventory = catalog_dir(root.path()).unwrap();
    (root, inventory)
}

/// Our packages in the oracle's shape: the epoch as rpm's EPOCHNUM (0 when absent) and the
/// SOURCERPM file name rebuilt from the source name and version.
fn ours(inventory: &Inventory) -> (OracleSet, Vec<Row>) {
    let mut rows = Vec::new();
    let set = inventory
        .packages
        .iter()
        .filter(|p| p.ecosystem == Ecosystem::Rpm)
        .map(|p| {
            let epoch_version = if p.version.contains(':') {
                p.version.clone()
            } else {
                format!("0:{}", p.version)
            };
            let source = p.source.as_ref().unwrap();
            let source_version = source
                .version
                .split_once(':')
                .map_or(source.version.as_str(), |(_, v)| v);
            rows.push((
                p.name.clone(),
                p.version.clone(),
                p.arch.clone().unwrap_or_default(),
                source.name.clone(),
                p.purl.clone(),
            ));
            (
                p.name.clone(),
                epoch_version,
                p.arch.clone().unwrap_or_default(),
                format!("{}-{source_version}.src.rpm", source.name),
            )
        })
        .collect();
    (set, rows)
}

fn compare(db_dir: &str, file: &str, root_path: &str, expected: usize) {
    let Some(shared) = common::shared() else {
        return;
    };
    if !common::have_tool("rpm") {
        return;
    }
    let dbpath = shared.join("vuln/inputs/rpmdb").join(db_dir);
    let oracle = rpm_oracle(&dbpath);
    let (_root, inventory) = catalog_at(&dbpath.join(file), root_path);
    let (ours, _) = ours(&inventory);
    let missing: Vec<_> = oracle.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&oracle).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{db_dir}: missing {missing:#?}\nextra {extra:#?}"
    );
    assert_eq!(ours.len(), expected);
    assert!(inventory.notes.is_empty(), "{:?}", inventory.notes);
    eprintln!("{db_dir}: {} packages, equal to rpm -qa", ours.len());
}

#[test]
fn sqlite_equals_rpm_qa() {
    compare(
        "cbl-mariner-2.0",
        "rpmdb.sqlite",
        "var/lib/rpm/rpmdb.sqlite",
        129,
    );
}

#[test]
fn berkeley_db_equals_rpm_qa() {
    compare("libuuid", "Packages", "var/lib/rpm/Packages", 1);
}

#[test]
fn ndb_is_read() {
    let Some(shared) = common::shared() else {
        return;
    };
    let db = shared.join("vuln/inputs/rpmdb/sle15-bci/Packages.db");
    let (_root, inventory) = catalog_at(&db, "usr/lib/sysimage/rpm/Packages.db");
    assert!(inventory.notes.is_empty(), "{:?}", inventory.notes);
    let (set, rows) = ours(&inventory);
    assert_eq!(set.len(), 35, "packages in the SLE 15 BCI NDB");
    // Every record is a whole package: SUSE release strings, a source rpm, an architecture.
    for (name, version, arch, source, purl) in &rows {
        assert!(
            !name.is_empty() && version.contains('-'),
            "{name} {version}"
        );
        assert!(
            ["x86_64", "noarch"].contains(&arch.as_str()) || name == "gpg-pubkey",
            "{name} {arch}"
        );
        assert!(!source.is_empty());
        assert!(purl.starts_with("pkg:rpm/"), "{purl}");
    }
    let names: BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    for expected in [
        "glibc",
        "bash",
        "rpm-ndb",
        "coreutils",
        "sles-release",
        "filesystem",
    ] {
        assert!(
            names.contains(expected),
            "{expected} missing from {names:?}"
        );
    }
    let glibc = rows.iter().find(|r| r.0 == "glibc").unwrap();
    assert_eq!(
        (glibc.1.as_str(), glibc.2.as_str()),
        ("2.31-9.3.2", "x86_64")
    );
    eprintln!("sle15-bci NDB: {} packages", set.len());
}

#[test]
fn sqlite_owned_files_and_purls() {
    let Some(shared) = common::shared() else {
        return;
    };
    let db = shared.join("vuln/inputs/rpmdb/cbl-mariner-2.0/rpmdb.sqlite");
    let (root, inventory) = catalog_at(&db, "var/lib/rpm/rpmdb.sqlite");
    drop(root);
    let glibc = inventory
        .packages
        .iter()
        .find(|p| p.name == "glibc")
        .unwrap();
    assert_eq!(glibc.evidence, vec!["var/lib/rpm/rpmdb.sqlite".to_string()]);
    assert!(
        glibc
            .purl
            .starts_with("pkg:rpm/rpm/glibc@2.34-2.cm2?arch=x86_64"),
        "{}",
        glibc.purl
    );
}
