//! `../shared/vuln/inputs/appfs`: every Python, npm, Java, Go and Rust package, through
//! `dir::catalog_dir`. The expected table was read by hand from the files (dist-info METADATA,
//! package.json, pom.properties, `go version -m`, the `.dep-v0` JSON) and agrees with
//! `recreate.sh`, which says what was installed.
#![allow(clippy::print_stderr)] // the tests say what they compared

mod common;

use std::collections::BTreeSet;

use hullscan_inventory::{Ecosystem, dir::catalog_dir};

const EXPECTED: &[(Ecosystem, &str, &str)] = &[
    (Ecosystem::PyPI, "requests", "2.19.1"),
    (Ecosystem::PyPI, "urllib3", "1.23"),
    (Ecosystem::PyPI, "idna", "2.7"),
    (Ecosystem::PyPI, "chardet", "3.0.4"),
    (Ecosystem::PyPI, "certifi", "2018.4.16"),
    (Ecosystem::PyPI, "jinja2", "2.10"),
    (Ecosystem::PyPI, "markupsafe", "1.1.1"),
    (Ecosystem::PyPI, "pyyaml", "5.3"),
    (Ecosystem::Npm, "braces", "3.0.2"),
    (Ecosystem::Npm, "colorette", "2.0.19"),
    (Ecosystem::Npm, "follow-redirects", "1.15.2"),
    (Ecosystem::Npm, "ip", "2.0.0"),
    (Ecosystem::Npm, "json5", "2.2.3"),
    (Ecosystem::Npm, "line-column", "1.0.2"),
    (Ecosystem::Npm, "micromatch", "4.0.5"),
    (Ecosystem::Npm, "minimist", "1.2.7"),
    (Ecosystem::Npm, "minimist-options", "4.1.0"),
    (Ecosystem::Npm, "nanoid", "4.0.0"),
    (Ecosystem::Npm, "postcss", "8.4.20"),
    (Ecosystem::Npm, "semver", "7.3.5"),
    (Ecosystem::Npm, "source-map-js", "1.0.2"),
    (Ecosystem::Npm, "tough-cookie", "4.0.0"),
    (Ecosystem::Npm, "ws", "8.11.0"),
    (Ecosystem::Npm, "wscat", "5.2.0"),
    (Ecosystem::Npm, "xml2js", "0.4.23"),
    (Ecosystem::Npm, "xmlbuilder", "15.1.1"),
    (Ecosystem::Npm, "@types/braces", "3.0.1"),
    (Ecosystem::Npm, "@types/follow-redirects", "1.14.1"),
    (Ecosystem::Npm, "@types/ip", "1.1.0"),
    (Ecosystem::Npm, "@types/micromatch", "4.0.2"),
    (Ecosystem::Npm, "@types/minimist", "1.2.2"),
    (Ecosystem::Npm, "@types/semver", "7.3.9"),
    (Ecosystem::Npm, "@types/tough-cookie", "4.0.0"),
    (Ecosystem::Npm, "@types/ws", "8.5.3"),
    (Ecosystem::Npm, "zap", "0.2.9"),
    (Ecosystem::Maven, "org.yaml:snakeyaml", "1.33"),
    (Ecosystem::Maven, "commons-io:commons-io", "2.11.0"),
    (
        Ecosystem::Maven,
        "org.apache.commons:commons-text",
        "1.10.0",
    ),
    (Ecosystem::Maven, "com.google.guava:guava", "31.1-jre"),
    (
        Ecosystem::Maven,
        "org.apache.commons:commons-compress",
        "1.22",
    ),
    (Ecosystem::Go, "stdlib", "1.19.8"),
    (Ecosystem::Go, "golang.org/x/crypto", "v0.4.0"),
    (Ecosystem::Go, "golang.org/x/net", "v0.7.0"),
    (Ecosystem::Go, "golang.org/x/text", "v0.7.0"),
    (Ecosystem::CratesIo, "hullscan-rsfixture", "0.1.0"),
    (Ecosystem::CratesIo, "aho-corasick", "0.7.20"),
    (Ecosystem::CratesIo, "chrono", "0.4.19"),
    (Ecosystem::CratesIo, "libc", "0.2.191"),
    (Ecosystem::CratesIo, "memchr", "2.8.3"),
    (Ecosystem::CratesIo, "num-integer", "0.1.47"),
    (Ecosystem::CratesIo, "num-traits", "0.2.19"),
    (Ecosystem::CratesIo, "regex", "1.5.4"),
    (Ecosystem::CratesIo, "regex-syntax", "0.6.29"),
    (Ecosystem::CratesIo, "smallvec", "1.6.0"),
    (Ecosystem::CratesIo, "time", "0.1.45"),
    // autocfg 1.5.1 is in the binary's `.dep-v0` as a build dependency (`"kind":"build"`): it ran
    // at build time and is not in the image, so it is not an installed package.
];

#[test]
fn every_language_package_with_its_version() {
    let Some(shared) = common::shared() else {
        return;
    };
    let root = shared.join("vuln/inputs/appfs");
    let inventory = catalog_dir(&root).expect("catalog appfs");
    let ours: BTreeSet<(Ecosystem, String, String)> = inventory
        .packages
        .iter()
        .map(|p| (p.ecosystem, p.name.clone(), p.version.clone()))
        .collect();
    let expected: BTreeSet<(Ecosystem, String, String)> = EXPECTED
        .iter()
        .map(|(e, n, v)| (*e, (*n).to_owned(), (*v).to_owned()))
        .collect();
    let missing: Vec<_> = expected.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nextra {extra:#?}"
    );
    assert_eq!(
        inventory.packages.len(),
        EXPECTED.len(),
        "one entry per package"
    );
    assert_eq!(inventory.os, None);
    // The main Go module is `(devel)`: not reported, and not a note either (it is expected).
    assert!(
        !inventory
            .packages
            .iter()
            .any(|p| p.name.contains("hullscan-gofixture"))
    );
    let evidence = |name: &str| inventory.packages.iter().find(|p| p.name == name).unwrap();
    assert_eq!(
        evidence("zap").evidence,
        vec!["app/node_modules/xml2js/node_modules/zap/package.json"]
    );
    assert_eq!(
        evidence("com.google.guava:guava").evidence,
        vec!["usr/share/java/guava.jar!/META-INF/maven/com.google.guava/guava/pom.properties"]
    );
    assert_eq!(
        evidence("com.google.guava:guava").purl,
        "pkg:maven/com.google.guava/guava@31.1-jre"
    );
    assert_eq!(evidence("@types/ws").purl, "pkg:npm/%40types/ws@8.5.3");
    assert_eq!(evidence("jinja2").purl, "pkg:pypi/jinja2@2.10");
    assert_eq!(
        evidence("golang.org/x/net").purl,
        "pkg:golang/golang.org/x/net@v0.7.0"
    );
    assert_eq!(evidence("regex").purl, "pkg:cargo/regex@1.5.4");
    assert!(inventory.notes.is_empty(), "{:#?}", inventory.notes);
    eprintln!("appfs: {} packages, all expected", inventory.packages.len());
}
