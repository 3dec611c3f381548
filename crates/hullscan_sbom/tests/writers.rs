//! What each writer puts where, on a hand-built inventory.

mod common;

use hullscan_sbom::Format;
use serde_json::Value;

fn json(format: Format) -> Value {
    serde_json::from_str(&common::render(format)).unwrap()
}

#[test]
fn output_is_deterministic_and_sorted() {
    for format in [Format::CycloneDx, Format::Spdx, Format::Json, Format::Human] {
        assert_eq!(common::render(format), common::render(format));
    }
    let native = json(Format::Json);
    let names: Vec<(&str, &str)> = native["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["ecosystem"].as_str().unwrap(),
                p["name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("dpkg", "bash"),
            ("dpkg", "zlib1g"),
            ("pypi", "requests"),
            ("npm", "semver"),
            ("npm", "semver"),
            ("go", "local-thing"),
        ]
    );
}

#[test]
fn cyclonedx_has_the_required_and_useful_fields() {
    let bom = json(Format::CycloneDx);
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.6");
    assert_eq!(
        bom["serialNumber"],
        "urn:uuid:0d8a7c2e-5f4b-4c3a-9e1d-2b6f8a9c0e7d"
    );
    assert_eq!(bom["metadata"]["timestamp"], "2026-01-02T03:04:05Z");
    assert_eq!(bom["metadata"]["component"]["type"], "container");
    assert_eq!(
        bom["metadata"]["tools"]["components"][0]["name"],
        "hullscan"
    );
    let components = bom["components"].as_array().unwrap();
    assert_eq!(components[0]["type"], "operating-system");
    let bash = &components[1];
    assert_eq!(bash["name"], "bash");
    assert_eq!(bash["version"], "5.2.15-2+b13");
    assert_eq!(
        bash["purl"],
        "pkg:deb/debian/bash@5.2.15-2%2Bb13?arch=amd64&distro=debian-12"
    );
    assert_eq!(bash["licenses"][0]["license"]["name"], "GPL-3.0-or-later");
    let property = |component: &Value, name: &str| -> Vec<String> {
        component["properties"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["name"] == name)
            .map(|p| p["value"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(property(bash, "hullscan:source:version"), ["5.2.15-2"]);
    assert_eq!(property(bash, "hullscan:layer:index"), ["0"]);
    assert_eq!(
        property(bash, "hullscan:layer:diff_id"),
        [format!("sha256:{}", "0".repeat(64))]
    );
    assert_eq!(
        property(bash, "hullscan:evidence:path"),
        ["/var/lib/dpkg/status"]
    );
    assert_eq!(
        bash["evidence"]["occurrences"][0]["location"],
        "/var/lib/dpkg/status"
    );
    // Two copies of one npm version: distinct bom-refs.
    let refs: Vec<&str> = components
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    let mut unique = refs.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), refs.len(), "{refs:?}");
    assert!(refs.contains(&"pkg:npm/semver@7.3.5#2"));
    // The package without a purl has none, and no empty version.
    let nameless = components
        .iter()
        .find(|c| c["name"] == "local-thing")
        .unwrap();
    assert!(nameless.get("purl").is_none() && nameless.get("version").is_none());
    assert_eq!(
        bom["dependencies"][0]["dependsOn"]
            .as_array()
            .unwrap()
            .len(),
        components.len()
    );
}

#[test]
fn spdx_has_the_required_fields_and_relationships() {
    let doc = json(Format::Spdx);
    assert_eq!(doc["spdxVersion"], "SPDX-2.3");
    assert_eq!(doc["dataLicense"], "CC0-1.0");
    assert_eq!(doc["SPDXID"], "SPDXRef-DOCUMENT");
    assert!(
        doc["documentNamespace"]
            .as_str()
            .unwrap()
            .ends_with("0d8a7c2e-5f4b-4c3a-9e1d-2b6f8a9c0e7d")
    );
    assert_eq!(doc["creationInfo"]["created"], "2026-01-02T03:04:05Z");
    assert_eq!(doc["creationInfo"]["creators"][0], "Tool: hullscan-0.1.0");
    let packages = doc["packages"].as_array().unwrap();
    assert_eq!(packages.len(), 1 + 1 + 6, "image, OS, six packages");
    assert_eq!(packages[0]["primaryPackagePurpose"], "CONTAINER");
    let ids: Vec<&str> = packages
        .iter()
        .map(|p| p["SPDXID"].as_str().unwrap())
        .collect();
    assert!(ids.iter().all(|id| {
        id.strip_prefix("SPDXRef-").is_some_and(|rest| {
            rest.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        })
    }));
    let relationships = doc["relationships"].as_array().unwrap();
    assert_eq!(relationships[0]["relationshipType"], "DESCRIBES");
    assert_eq!(
        relationships
            .iter()
            .filter(|r| r["relationshipType"] == "CONTAINS" && r["spdxElementId"] == ids[0])
            .count(),
        7
    );
    let requests = packages.iter().find(|p| p["name"] == "requests").unwrap();
    assert_eq!(
        requests["externalRefs"][0]["referenceCategory"],
        "PACKAGE-MANAGER"
    );
    assert_eq!(requests["externalRefs"][0]["referenceType"], "purl");
    assert_eq!(
        requests["externalRefs"][0]["referenceLocator"],
        "pkg:pypi/requests@2.19.1"
    );
    // Free text becomes a LicenseRef with its text; an expression stays as it is.
    assert_eq!(requests["licenseDeclared"], "LicenseRef-Apache-2.0");
    assert_eq!(
        doc["hasExtractedLicensingInfos"][0]["extractedText"],
        "Apache 2.0"
    );
    let semver = packages.iter().find(|p| p["name"] == "semver").unwrap();
    assert_eq!(semver["licenseDeclared"], "ISC AND (MIT OR Apache-2.0)");
}

#[test]
fn native_json_follows_the_documented_form() {
    let doc = json(Format::Json);
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["subject"]["kind"], "image");
    assert_eq!(doc["subject"]["layers"][2]["packages"], 4);
    assert_eq!(doc["subject"]["layers"][0]["packages"], 2);
    assert_eq!(doc["os"]["osv_ecosystem"], "Debian:12");
    let zlib = &doc["packages"][1];
    assert_eq!(zlib["version"], "1:1.2.13.dfsg-1");
    assert_eq!(zlib["osv_ecosystem"], "Debian:12");
    assert_eq!(zlib["source"]["name"], "zlib");
    assert_eq!(zlib["evidence"][0], "/var/lib/dpkg/status");
    assert_eq!(doc["packages"][2]["osv_ecosystem"], "PyPI");
    assert_eq!(
        doc["notes"][0],
        "usr/local/bin/tool: Go build info is corrupt"
    );
}

#[test]
fn human_table_lists_every_package() {
    let text = common::render(Format::Human);
    assert!(text.starts_with("image registry.example/app:1.0\nos: Debian GNU/Linux 12 (bookworm) (Debian:12)\n6 packages\n"), "{text}");
    assert!(text.contains("\nNAME "), "{text}");
    let bash = text.lines().find(|l| l.starts_with("bash ")).unwrap();
    let cells: Vec<&str> = bash.split_whitespace().collect();
    assert_eq!(
        cells,
        ["bash", "5.2.15-2+b13", "dpkg", "0", "bash", "5.2.15-2"]
    );
    assert!(text.ends_with("note: usr/local/bin/tool: Go build info is corrupt\n"));
}

#[test]
fn overrides_are_checked() {
    assert!(
        hullscan_sbom::DocumentIds::checked("yesterday", "0d8a7c2e-5f4b-4c3a-9e1d-2b6f8a9c0e7d")
            .is_err()
    );
    assert!(hullscan_sbom::DocumentIds::checked("2026-01-02T03:04:05Z", "not-a-uuid").is_err());
    let fresh = hullscan_sbom::DocumentIds::fresh();
    assert!(hullscan_sbom::DocumentIds::checked(&fresh.timestamp, &fresh.uuid).is_ok());
}
