//! A hand-built inventory with every kind of field the writers handle: an OS, a binNMU'd dpkg
//! package with its source, an epoch, language packages, the same purl installed twice, free
//! text and SPDX-expression licenses, a package without a purl, notes.

use hullscan_inventory::{Ecosystem, Inventory, OsRelease, Package, SourcePackage};
use hullscan_sbom::{DocumentIds, Subject, SubjectKind, SubjectLayer};

fn package(
    name: &str,
    version: &str,
    ecosystem: Ecosystem,
    purl: &str,
    evidence: &str,
    layer: usize,
) -> Package {
    Package {
        name: name.to_owned(),
        version: version.to_owned(),
        ecosystem,
        purl: purl.to_owned(),
        source: None,
        arch: None,
        licenses: Vec::new(),
        evidence: vec![evidence.to_owned()],
        layer: Some(layer),
    }
}

pub fn inventory() -> Inventory {
    let mut bash = package(
        "bash",
        "5.2.15-2+b13",
        Ecosystem::Dpkg,
        "pkg:deb/debian/bash@5.2.15-2%2Bb13?arch=amd64&distro=debian-12",
        "var/lib/dpkg/status",
        0,
    );
    bash.source = Some(SourcePackage {
        name: "bash".to_owned(),
        version: "5.2.15-2".to_owned(),
    });
    bash.arch = Some("amd64".to_owned());
    bash.licenses = vec!["GPL-3.0-or-later".to_owned()];
    let mut zlib = package(
        "zlib1g",
        "1:1.2.13.dfsg-1",
        Ecosystem::Dpkg,
        "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12",
        "var/lib/dpkg/status",
        0,
    );
    zlib.source = Some(SourcePackage {
        name: "zlib".to_owned(),
        version: "1:1.2.13.dfsg-1".to_owned(),
    });
    let mut requests = package(
        "requests",
        "2.19.1",
        Ecosystem::PyPI,
        "pkg:pypi/requests@2.19.1",
        "usr/local/lib/python3.11/site-packages/requests-2.19.1.dist-info/METADATA",
        2,
    );
    requests.licenses = vec!["Apache 2.0".to_owned()];
    let mut semver = package(
        "semver",
        "7.3.5",
        Ecosystem::Npm,
        "pkg:npm/semver@7.3.5",
        "app/node_modules/semver/package.json",
        2,
    );
    semver.licenses = vec!["ISC".to_owned(), "MIT OR Apache-2.0".to_owned()];
    let semver_again = package(
        "semver",
        "7.3.5",
        Ecosystem::Npm,
        "pkg:npm/semver@7.3.5",
        "app/node_modules/x/node_modules/semver/package.json",
        2,
    );
    let nameless = package(
        "local-thing",
        "",
        Ecosystem::Go,
        "",
        "usr/local/bin/tool",
        2,
    );
    Inventory {
        os: Some(OsRelease {
            id: "debian".to_owned(),
            version_id: Some("12".to_owned()),
            pretty_name: Some("Debian GNU/Linux 12 (bookworm)".to_owned()),
            osv_ecosystem: Some("Debian:12".to_owned()),
            evidence: "usr/lib/os-release".to_owned(),
        }),
        // Deliberately unsorted: the writers sort.
        packages: vec![semver_again, requests, zlib, nameless, semver, bash],
        notes: vec!["usr/local/bin/tool: Go build info is corrupt".to_owned()],
    }
}

pub fn subject() -> Subject {
    Subject {
        name: "registry.example/app:1.0".to_owned(),
        kind: SubjectKind::Image,
        digest: Some(
            "sha256:1111111111111111111111111111111111111111111111111111111111111111".to_owned(),
        ),
        layers: (0..3)
            .map(|index| SubjectLayer {
                diff_id: format!("sha256:{}", format!("{index}").repeat(64)),
                created_by: Some(format!("RUN step {index}")),
                instruction: None,
            })
            .collect(),
    }
}

pub fn ids() -> DocumentIds {
    DocumentIds::checked(
        "2026-01-02T03:04:05Z",
        "0d8a7c2e-5f4b-4c3a-9e1d-2b6f8a9c0e7d",
    )
    .unwrap()
}

pub fn render(format: hullscan_sbom::Format) -> String {
    let mut out = Vec::new();
    hullscan_sbom::write(format, &subject(), &inventory(), &ids(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}
