//! The CycloneDX and SPDX output validates against the official JSON schemas, which are kept
//! out of the repo: `scripts/fetch-sbom-schemas.sh` puts them in `target/sbom-schemas/` (or
//! set `HULLSCAN_SBOM_SCHEMAS` to a directory holding them). Without them the tests say so and
//! pass. With `scripts/fetch-sbom-schemas.sh --validator`, the CycloneDX output is also checked
//! by cyclonedx-python-lib's own strict validator.

#![allow(clippy::print_stderr)] // skip messages name what is missing

mod common;

use std::path::PathBuf;

use hullscan_sbom::Format;
use serde_json::Value;

fn schema_dir() -> PathBuf {
    std::env::var_os("HULLSCAN_SBOM_SCHEMAS").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../target/sbom-schemas"
            ))
        },
        PathBuf::from,
    )
}

fn load(name: &str) -> Option<Value> {
    let path = schema_dir().join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).expect("a schema is JSON")),
        Err(_) => {
            eprintln!(
                "skipping: {} is absent; run scripts/fetch-sbom-schemas.sh to fetch the official schemas",
                path.display()
            );
            None
        }
    }
}

fn violations(validator: &jsonschema::Validator, document: &Value) -> Vec<String> {
    validator
        .iter_errors(document)
        .map(|error| format!("{error} at {}", error.instance_path))
        .collect()
}

/// Both the hand-built inventory and an empty one (no OS, no packages).
fn documents(format: Format) -> Vec<Value> {
    let mut empty = Vec::new();
    let subject = hullscan_sbom::Subject {
        name: "dir:/".to_owned(),
        kind: hullscan_sbom::SubjectKind::Directory,
        digest: None,
        layers: Vec::new(),
    };
    hullscan_sbom::write(
        format,
        &subject,
        &hullscan_inventory::Inventory::default(),
        &common::ids(),
        &mut empty,
    )
    .unwrap();
    vec![
        serde_json::from_str(&common::render(format)).unwrap(),
        serde_json::from_slice(&empty).unwrap(),
    ]
}

#[test]
fn cyclonedx_validates_against_the_1_6_schema() {
    let (Some(bom), Some(spdx_ids), Some(jsf)) = (
        load("bom-1.6.schema.json"),
        load("spdx.SNAPSHOT.schema.json"),
        load("jsf-0.82.SNAPSHOT.schema.json"),
    ) else {
        return;
    };
    let mut options = jsonschema::options().should_validate_formats(true);
    // The schema's relative `$ref`s, resolved against its `$id`.
    for (name, schema) in [
        ("spdx.SNAPSHOT.schema.json", spdx_ids),
        ("jsf-0.82.SNAPSHOT.schema.json", jsf),
    ] {
        options = options.with_resource(
            format!("http://cyclonedx.org/schema/{name}"),
            jsonschema::Resource::from_contents(schema).expect("a referenced schema loads"),
        );
    }
    let validator = options.build(&bom).expect("the CycloneDX schema compiles");
    for document in documents(Format::CycloneDx) {
        let errors = violations(&validator, &document);
        assert!(
            errors.is_empty(),
            "CycloneDX 1.6 violations:\n{}",
            errors.join("\n")
        );
    }
    // The check can fail: a document without the required bomFormat does.
    let mut broken = documents(Format::CycloneDx).remove(0);
    broken.as_object_mut().unwrap().remove("bomFormat");
    assert!(!violations(&validator, &broken).is_empty());
}

#[test]
fn spdx_validates_against_the_2_3_schema() {
    let Some(schema) = load("spdx-2.3.schema.json") else {
        return;
    };
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SPDX schema compiles");
    for document in documents(Format::Spdx) {
        let errors = violations(&validator, &document);
        assert!(
            errors.is_empty(),
            "SPDX 2.3 violations:\n{}",
            errors.join("\n")
        );
    }
    let mut broken = documents(Format::Spdx).remove(0);
    broken["packages"][1]
        .as_object_mut()
        .unwrap()
        .remove("downloadLocation");
    assert!(!violations(&validator, &broken).is_empty());
}

#[test]
fn cyclonedx_python_lib_accepts_the_output() {
    let python = schema_dir().join("venv/bin/python");
    if !python.is_file() {
        eprintln!(
            "skipping: {} is absent; run scripts/fetch-sbom-schemas.sh --validator",
            python.display()
        );
        return;
    }
    let dir = std::env::temp_dir().join(format!("hullscan-sbom-cdx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (number, document) in documents(Format::CycloneDx).iter().enumerate() {
        let file = dir.join(format!("bom-{number}.json"));
        std::fs::write(&file, serde_json::to_vec(document).unwrap()).unwrap();
        files.push(file);
    }
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/validate-cyclonedx.py"
    );
    let output = std::process::Command::new(&python)
        .arg(script)
        .args(&files)
        .output()
        .expect("the validator runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "cyclonedx-python-lib rejected the output:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
