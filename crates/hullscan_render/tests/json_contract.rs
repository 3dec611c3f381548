//! The JSON output matches its documented contract, `docs/json-format.md`: every field the
//! output has is documented, every field documented as always present is there, types match,
//! and the document's example is exactly what hullscan prints for those findings.

mod common;

use std::collections::BTreeMap;

use hullscan_render::OutputFormat;
use serde_json::Value;

const DOC: &str = include_str!("../../../docs/json-format.md");

/// One row of a field table: type and presence as written in the document.
#[derive(Debug)]
struct FieldDoc {
    kind: String,
    presence: String,
}

/// The field table under the `## {heading}` section.
fn table(heading: &str) -> BTreeMap<String, FieldDoc> {
    let start = DOC
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("docs/json-format.md has no `## {heading}` section"));
    let section = &DOC[start + 1..];
    let section = &section[..section[3..]
        .find("\n## ")
        .map_or(section.len(), |end| end + 3)];
    let mut fields = BTreeMap::new();
    for line in section.lines().filter(|line| line.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let name = cells[1].trim_matches('`').to_owned();
        fields.insert(
            name,
            FieldDoc {
                kind: cells[2].to_owned(),
                presence: cells[3].to_owned(),
            },
        );
    }
    assert!(!fields.is_empty(), "`## {heading}` has no field table");
    fields
}

fn type_matches(value: &Value, kind: &str) -> bool {
    kind.split(" or ").any(|kind| match kind {
        "string" => value.is_string(),
        "integer" => value.is_u64(),
        "null" => value.is_null(),
        "object" => value.is_object(),
        "array of strings" => value
            .as_array()
            .is_some_and(|items| items.iter().all(Value::is_string)),
        "array of objects" => value
            .as_array()
            .is_some_and(|items| items.iter().all(Value::is_object)),
        other => panic!("docs/json-format.md uses an unknown type `{other}`"),
    })
}

/// Checks `object` against `fields`; `is_image` says whether image-location fields must appear.
fn check_object(object: &Value, fields: &BTreeMap<String, FieldDoc>, is_image: bool, what: &str) {
    let object = object
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object"));
    for (key, value) in object {
        let doc = fields
            .get(key)
            .unwrap_or_else(|| panic!("{what} has undocumented field `{key}`"));
        assert!(
            type_matches(value, &doc.kind),
            "{what}.{key} = {value} is not `{}`",
            doc.kind
        );
    }
    for (key, doc) in fields {
        let required = match doc.presence.as_str() {
            "always" => true,
            "image locations" => is_image,
            "when set" => false,
            other => panic!("docs/json-format.md uses an unknown presence `{other}`"),
        };
        if required {
            assert!(object.contains_key(key), "{what} lacks `{key}`");
        }
        if doc.presence == "image locations" && !is_image {
            assert!(
                !object.contains_key(key),
                "{what} has image field `{key}` outside an image location"
            );
        }
    }
}

fn check_output(reports: &[hullscan_diagnostics::FileReport]) -> usize {
    let output = common::render_to_string(reports, OutputFormat::Json, &common::options());
    assert!(output.ends_with("]\n"), "one array and a newline");
    let findings: Value = serde_json::from_str(&output).expect("JSON output parses");
    let findings = findings.as_array().expect("the output is an array");
    let (finding, fix, edit, layer, related) = (
        table("Finding fields"),
        table("Fix object"),
        table("Edit object"),
        table("Layer object"),
        table("Related object"),
    );
    for (i, item) in findings.iter().enumerate() {
        let is_image = item.get("image").is_some();
        check_object(item, &finding, is_image, &format!("finding {i}"));
        if let Some(fix_value) = item.get("fix").filter(|fix| !fix.is_null()) {
            check_object(fix_value, &fix, false, &format!("finding {i} fix"));
            for edit_value in fix_value["edits"].as_array().expect("edits") {
                check_object(edit_value, &edit, false, &format!("finding {i} edit"));
                for end in ["start", "end"] {
                    let position = edit_value[end].as_object().expect("position");
                    assert_eq!(position.len(), 2);
                    assert!(position["line"].as_u64().is_some_and(|line| line >= 1));
                    assert!(position["column"].as_u64().is_some_and(|col| col >= 1));
                }
            }
        }
        if let Some(layer_value) = item.get("layer").filter(|layer| !layer.is_null()) {
            check_object(layer_value, &layer, false, &format!("finding {i} layer"));
        }
        for related_value in item["related"].as_array().expect("related") {
            let is_image = related_value.get("image").is_some();
            check_object(
                related_value,
                &related,
                is_image,
                &format!("finding {i} related"),
            );
        }
        let severity = item["severity"].as_str().expect("severity");
        assert!(["error", "warning", "info", "style"].contains(&severity));
        for key in ["line", "column", "end_line", "end_column"] {
            assert!(item[key].is_null() || item[key].as_u64().is_some_and(|n| n >= 1));
        }
    }
    findings.len()
}

#[test]
fn output_matches_the_documented_fields() {
    assert_eq!(check_output(&common::all_reports()), 7);
    assert_eq!(check_output(&common::hostile_reports()), 2);
    assert_eq!(check_output(&[common::clean_report()]), 0);
}

#[test]
fn documented_example_is_real_output() {
    let start = DOC.find("```json\n").expect("the doc has a json example") + "```json\n".len();
    let end = start + DOC[start..].find("```").expect("closed code block");
    let example = &DOC[start..end];

    let mut dockerfile = common::dockerfile_report();
    dockerfile.diagnostics.retain(|d| d.code == "HS101");
    let mut image = common::image_report();
    image.diagnostics.truncate(1);
    let output = common::render_to_string(
        &[dockerfile, common::context_report(), image],
        OutputFormat::Json,
        &common::options(),
    );
    assert_eq!(output, example);
}

#[test]
fn columns_count_characters_not_bytes() {
    let output = common::render_to_string(
        &[common::dockerfile_report()],
        OutputFormat::Json,
        &common::options(),
    );
    let findings: Vec<Value> = serde_json::from_str(&output).expect("JSON");
    let label = findings
        .iter()
        .find(|f| f["code"] == "HS150")
        .expect("the label finding");
    // `LABEL maintainer="José" description=…`: `description` starts at byte 25, character 24.
    assert_eq!(
        (&label["line"], &label["column"]),
        (&Value::from(5), &Value::from(25))
    );
    assert_eq!(label["end_column"], Value::from(36));
    let multi_line = findings
        .iter()
        .find(|f| f["code"] == "HS205")
        .expect("HS205");
    assert_eq!(
        [
            &multi_line["line"],
            &multi_line["column"],
            &multi_line["end_line"],
            &multi_line["end_column"]
        ],
        [
            &Value::from(2),
            &Value::from(1),
            &Value::from(3),
            &Value::from(28)
        ]
    );
}
