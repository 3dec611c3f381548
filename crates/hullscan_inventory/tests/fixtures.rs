//! Small hand-made roots for the formats without a real database in `../shared`: apk,
//! distroless `status.d`, gemspecs, `.deps.json`, composer; and the inventory's own rules
//! (OS-owned language packages, layer attribution), all through `dir::catalog_dir`,
//! `catalog_file` and `assemble`.

use std::path::Path;

use hullscan_inventory::{Ecosystem, LayerCatalog, assemble, catalog_file, dir::catalog_dir};

fn write(root: &Path, path: &str, content: &str) {
    let target = root.join(path);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(target, content).unwrap();
}

const APK_INSTALLED: &str = "C:Q1abc=
P:musl
V:1.2.5-r0
A:x86_64
S:383152
o:musl
L:MIT
F:lib
R:ld-musl-x86_64.so.1
R:libc.musl-x86_64.so.1

C:Q1def=
P:libcrypto3
V:3.3.1-r3
A:x86_64
o:openssl
L:Apache-2.0
F:usr/lib
R:libcrypto.so.3
F:usr/lib/python3.12/site-packages/pyfoo-1.0.dist-info
R:METADATA

C:Q1ghi=
P:busybox
V:1.36.1-r29
A:x86_64
F:bin
R:busybox
";

#[test]
fn apk_installed_with_origin_and_owned_files() {
    let root = tempfile::tempdir().unwrap();
    write(root.path(), "lib/apk/db/installed", APK_INSTALLED);
    write(root.path(), "etc/alpine-release", "3.20.2\n");
    write(
        root.path(),
        "etc/os-release",
        "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.2\n",
    );
    // Owned by libcrypto3 in the fixture: must not come back as a PyPI package.
    write(
        root.path(),
        "usr/lib/python3.12/site-packages/pyfoo-1.0.dist-info/METADATA",
        "Metadata-Version: 2.1\nName: pyfoo\nVersion: 1.0\n",
    );
    let inventory = catalog_dir(root.path()).unwrap();
    assert_eq!(
        inventory.os.as_ref().unwrap().osv_ecosystem.as_deref(),
        Some("Alpine:v3.20")
    );
    let found: Vec<(&str, &str, &str, &str)> = inventory
        .packages
        .iter()
        .map(|p| {
            let s = p.source.as_ref().unwrap();
            (
                p.name.as_str(),
                p.version.as_str(),
                s.name.as_str(),
                s.version.as_str(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("busybox", "1.36.1-r29", "busybox", "1.36.1-r29"),
            ("libcrypto3", "3.3.1-r3", "openssl", "3.3.1-r3"),
            ("musl", "1.2.5-r0", "musl", "1.2.5-r0"),
        ]
    );
    let libcrypto = &inventory.packages[1];
    assert_eq!(
        libcrypto.purl,
        "pkg:apk/alpine/libcrypto3@3.3.1-r3?arch=x86_64&distro=alpine-3.20.2"
    );
    assert_eq!(libcrypto.licenses, vec!["Apache-2.0".to_string()]);
    assert!(
        inventory
            .notes
            .iter()
            .any(|n| n.contains("1 language package")),
        "{:?}",
        inventory.notes
    );
}

#[test]
fn distroless_status_d() {
    let root = tempfile::tempdir().unwrap();
    write(
        root.path(),
        "var/lib/dpkg/status.d/base-files",
        "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\nMaintainer: x\n",
    );
    write(
        root.path(),
        "var/lib/dpkg/status.d/libssl3",
        "Package: libssl3\nSource: openssl\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\n",
    );
    write(
        root.path(),
        "var/lib/dpkg/status.d/tzdata",
        "Package: tzdata\nSource: tzdata (2024a-0+deb12u1)\nVersion: 2024a-0+deb12u1+b1\nArchitecture: all\n",
    );
    write(
        root.path(),
        "var/lib/dpkg/status.d/libssl3.md5sums",
        "d41d8cd98f00b204e9800998ecf8427e  usr/lib/x\n",
    );
    write(
        root.path(),
        "var/lib/dpkg/status.d/python3.md5sums",
        "d41d8cd98f00b204e9800998ecf8427e  usr/lib/python3/dist-packages/pip-23.0.1.dist-info/METADATA\n",
    );
    write(
        root.path(),
        "var/lib/dpkg/status.d/python3",
        "Package: python3-pip\nSource: python-pip\nVersion: 23.0.1+dfsg-1\nArchitecture: all\n",
    );
    // Owned by the distroless python3-pip entry (through its md5sums): not reported as PyPI.
    write(
        root.path(),
        "usr/lib/python3/dist-packages/pip-23.0.1.dist-info/METADATA",
        "Metadata-Version: 2.1\nName: pip\nVersion: 23.0.1\n",
    );
    write(
        root.path(),
        "etc/os-release",
        "ID=debian\nVERSION_ID=\"12\"\n",
    );
    let inventory = catalog_dir(root.path()).unwrap();
    let found: Vec<(&str, &str, &str, &str)> = inventory
        .packages
        .iter()
        .map(|p| {
            let s = p.source.as_ref().unwrap();
            (
                p.name.as_str(),
                p.version.as_str(),
                s.name.as_str(),
                s.version.as_str(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("base-files", "12.4+deb12u5", "base-files", "12.4+deb12u5"),
            ("libssl3", "3.0.11-1~deb12u2", "openssl", "3.0.11-1~deb12u2"),
            (
                "python3-pip",
                "23.0.1+dfsg-1",
                "python-pip",
                "23.0.1+dfsg-1"
            ),
            ("tzdata", "2024a-0+deb12u1+b1", "tzdata", "2024a-0+deb12u1"),
        ]
    );
    assert_eq!(
        inventory.packages[1].evidence,
        vec!["var/lib/dpkg/status.d/libssl3".to_string()]
    );
    assert_eq!(
        inventory.notes,
        vec![
            "1 language package(s) not reported again: their files belong to an OS package"
                .to_string()
        ]
    );
}

#[test]
fn dpkg_owned_python_package_is_not_reported_twice() {
    let root = tempfile::tempdir().unwrap();
    write(
        root.path(),
        "var/lib/dpkg/status",
        "Package: python3-requests\nStatus: install ok installed\nSource: requests\nVersion: 2.28.1+dfsg-1\nArchitecture: all\n\n\
         Package: removed\nStatus: deinstall ok config-files\nVersion: 1.0\n",
    );
    write(
        root.path(),
        "var/lib/dpkg/info/python3-requests.list",
        "/.\n/usr\n/usr/lib/python3/dist-packages/requests-2.28.1.egg-info\n/usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO\n",
    );
    write(
        root.path(),
        "usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO",
        "Metadata-Version: 2.1\nName: requests\nVersion: 2.28.1\n",
    );
    // The same name installed by pip, outside the OS package: reported.
    write(
        root.path(),
        "usr/local/lib/python3.11/dist-packages/requests-2.31.0.dist-info/METADATA",
        "Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nLicense: Apache 2.0\n",
    );
    let inventory = catalog_dir(root.path()).unwrap();
    let found: Vec<(Ecosystem, &str, &str)> = inventory
        .packages
        .iter()
        .map(|p| (p.ecosystem, p.name.as_str(), p.version.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (Ecosystem::Dpkg, "python3-requests", "2.28.1+dfsg-1"),
            (Ecosystem::PyPI, "requests", "2.31.0")
        ]
    );
}

#[test]
fn ruby_dotnet_php() {
    let root = tempfile::tempdir().unwrap();
    write(
        root.path(),
        "usr/local/bundle/specifications/rack-3.0.8.gemspec",
        "# -*- encoding: utf-8 -*-\nGem::Specification.new do |s|\n  s.name = \"rack\".freeze\n  s.version = \"3.0.8\".freeze\n  s.licenses = [\"MIT\".freeze]\nend\n",
    );
    write(
        root.path(),
        "app/web.deps.json",
        r#"{"libraries": {"web/1.0.0": {"type": "project"}, "Newtonsoft.Json/13.0.1": {"type": "package"}, "System.Text.Json/8.0.0": {"type": "package"}}}"#,
    );
    write(
        root.path(),
        "srv/app/vendor/composer/installed.json",
        r#"{"packages": [{"name": "monolog/monolog", "version": "3.5.0", "license": ["MIT"]}, {"name": "psr/log", "version": "3.0.0"}]}"#,
    );
    let inventory = catalog_dir(root.path()).unwrap();
    let found: Vec<(&str, &str, &str)> = inventory
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.purl.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("rack", "3.0.8", "pkg:gem/rack@3.0.8"),
            (
                "Newtonsoft.Json",
                "13.0.1",
                "pkg:nuget/Newtonsoft.Json@13.0.1"
            ),
            (
                "System.Text.Json",
                "8.0.0",
                "pkg:nuget/System.Text.Json@8.0.0"
            ),
            (
                "monolog/monolog",
                "3.5.0",
                "pkg:composer/monolog/monolog@3.5.0"
            ),
            ("psr/log", "3.0.0", "pkg:composer/psr/log@3.0.0"),
        ]
    );
}

fn status(packages: &[(&str, &str)]) -> String {
    packages
        .iter()
        .map(|(name, version)| {
            format!("Package: {name}\nStatus: install ok installed\nVersion: {version}\n")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn layers_attribute_each_package_to_the_layer_that_installed_it() {
    let layer = |files: Vec<(&str, String)>| LayerCatalog {
        files: files
            .into_iter()
            .map(|(path, content)| catalog_file(path, content.as_bytes()))
            .collect(),
    };
    let layers = vec![
        layer(vec![
            (
                "var/lib/dpkg/status",
                status(&[("base", "1"), ("curl", "7")]),
            ),
            ("etc/os-release", "ID=debian\nVERSION_ID=12\n".into()),
            (
                "app/node_modules/left-pad/package.json",
                r#"{"name":"left-pad","version":"1.3.0"}"#.into(),
            ),
        ]),
        // apt-get install jq; apt-get upgrade curl; rm -rf node_modules/left-pad
        layer(vec![(
            "var/lib/dpkg/status",
            status(&[("base", "1"), ("curl", "8"), ("jq", "1.6")]),
        )]),
        // a layer that rewrites the status file without changing it (a chmod, an apt-get update)
        layer(vec![(
            "var/lib/dpkg/status",
            status(&[("base", "1"), ("curl", "8"), ("jq", "1.6")]),
        )]),
    ];
    let in_final = |layer: usize, path: &str| match path {
        "var/lib/dpkg/status" => layer == 2,
        "app/node_modules/left-pad/package.json" => false,
        _ => true,
    };
    let inventory = assemble(&layers, &in_final);
    let found: Vec<(&str, &str, Option<usize>)> = inventory
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.layer))
        .collect();
    assert_eq!(
        found,
        vec![
            ("base", "1", Some(0)),
            ("curl", "8", Some(1)),
            ("jq", "1.6", Some(1))
        ]
    );
    assert_eq!(
        inventory.os.unwrap().osv_ecosystem.as_deref(),
        Some("Debian:12")
    );
}
