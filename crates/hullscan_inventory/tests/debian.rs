//! The two Debian 12 roots in `../shared/vuln/inputs/`: every installed package and its source
//! name and version equal what `dpkg-query` prints, through `dir::catalog_dir` (the call
//! `hullscan sbom dir:PATH` makes).
#![allow(clippy::print_stderr)] // the tests say what they compared

mod common;

use std::collections::BTreeSet;

use hullscan_inventory::{Ecosystem, dir::catalog_dir};

fn dpkg_query(root: &std::path::Path) -> BTreeSet<(String, String, String, String)> {
    let output = std::process::Command::new("dpkg-query")
        .arg(format!(
            "--admindir={}",
            root.join("var/lib/dpkg").display()
        ))
        .arg("-W")
        .arg("-f=${Package} ${Version} ${source:Package} ${source:Version} ${db:Status-Status}\n")
        .output()
        .expect("dpkg-query runs");
    assert!(
        output.status.success(),
        "dpkg-query failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split(' ').collect();
            (f.len() == 5 && f[4] == "installed")
                .then(|| (f[0].into(), f[1].into(), f[2].into(), f[3].into()))
        })
        .collect()
}

fn check_root(name: &str, expected_packages: usize, expected_sources: usize) {
    let Some(shared) = common::shared() else {
        return;
    };
    if !common::have_tool("dpkg-query") {
        return;
    }
    let root = shared.join("vuln/inputs").join(name);
    let oracle = dpkg_query(&root);
    let inventory = catalog_dir(&root).expect("catalog the root");
    let ours: BTreeSet<(String, String, String, String)> = inventory
        .packages
        .iter()
        .filter(|p| p.ecosystem == Ecosystem::Dpkg)
        .map(|p| {
            let source = p.source.as_ref().expect("dpkg packages name their source");
            (
                p.name.clone(),
                p.version.clone(),
                source.name.clone(),
                source.version.clone(),
            )
        })
        .collect();
    let missing: Vec<_> = oracle.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&oracle).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{name}: missing {missing:#?}\nextra {extra:#?}"
    );
    assert_eq!(ours.len(), expected_packages, "{name}: binary packages");
    let sources: BTreeSet<&String> = ours.iter().map(|p| &p.2).collect();
    assert_eq!(sources.len(), expected_sources, "{name}: source packages");
    assert_eq!(
        inventory.packages.len(),
        expected_packages,
        "{name}: only dpkg packages in this root"
    );
    let os = inventory.os.expect("the OS release is found");
    assert_eq!(os.osv_ecosystem.as_deref(), Some("Debian:12"));
    assert_eq!(os.evidence, "usr/lib/os-release");
    assert!(inventory.notes.is_empty(), "{:?}", inventory.notes);
    // binNMU and epoch exactly as dpkg gives them, and the purl carries the distro.
    let bash = inventory
        .packages
        .iter()
        .find(|p| p.name == "bash")
        .unwrap();
    assert!(bash.version.contains("+b"), "{}", bash.version);
    assert!(
        bash.purl.starts_with("pkg:deb/debian/bash@"),
        "{}",
        bash.purl
    );
    assert!(bash.purl.contains("distro=debian-12"), "{}", bash.purl);
    let zlib = inventory
        .packages
        .iter()
        .find(|p| p.name == "zlib1g")
        .unwrap();
    assert!(zlib.version.starts_with("1:"), "{}", zlib.version);
    eprintln!(
        "{name}: {} binary packages from {} source packages, equal to dpkg-query",
        ours.len(),
        sources.len()
    );
}

#[test]
fn minbase_equals_dpkg_query() {
    check_root("debian-bookworm-minbase", 88, 63);
}

#[test]
fn stale_minbase_equals_dpkg_query() {
    check_root("debian-bookworm-minbase-stale", 88, 63);
}
