//! SPDX 2.3 JSON: our own serde types for the fields we write (see
//! `shared/reference/vuln-scanning.md` §5, the spec's chapters and `spdx-schema.json`).

use std::collections::BTreeMap;

use hullscan_inventory::{Inventory, Package};
use serde::Serialize;

use crate::{DocumentIds, PackageFacts, Subject, SubjectKind, TOOL_VERSION, ecosystem_name};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub spdx_version: &'static str,
    pub data_license: &'static str,
    #[serde(rename = "SPDXID")]
    pub spdx_id: &'static str,
    pub name: String,
    /// Mandatory in the spec text (the schema does not enforce it): unique per document.
    pub document_namespace: String,
    pub creation_info: CreationInfo,
    pub packages: Vec<SpdxPackage>,
    pub relationships: Vec<Relationship>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub has_extracted_licensing_infos: Vec<ExtractedLicense>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreationInfo {
    pub created: String,
    pub creators: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpdxPackage {
    #[serde(rename = "SPDXID")]
    pub spdx_id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_info: Option<String>,
    pub download_location: &'static str,
    /// `false`: no file list, so no verification code is required.
    pub files_analyzed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_package_purpose: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_declared: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_info: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub external_refs: Vec<ExternalRef>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalRef {
    pub reference_category: &'static str,
    pub reference_type: &'static str,
    pub reference_locator: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Relationship {
    pub spdx_element_id: String,
    pub relationship_type: &'static str,
    pub related_spdx_element: String,
}

/// A license text that is not an SPDX expression, referenced as `LicenseRef-…`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtractedLicense {
    pub license_id: String,
    pub extracted_text: String,
}

/// Whether `text` reads as an SPDX license expression (identifiers joined by AND/OR/WITH,
/// parentheses): then it can go in `licenseDeclared` as it is.
fn is_license_expression(text: &str) -> bool {
    let spaced = text.replace('(', " ( ").replace(')', " ) ");
    let mut expect_id = true;
    let mut depth = 0i32;
    for token in spaced.split_whitespace() {
        match token {
            "(" if expect_id => depth += 1,
            ")" if !expect_id && depth > 0 => depth -= 1,
            "AND" | "OR" | "WITH" if !expect_id => expect_id = true,
            id if expect_id
                && id
                    .trim_end_matches('+')
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
                && !id.trim_end_matches('+').is_empty()
                && !matches!(id, "AND" | "OR" | "WITH") =>
            {
                expect_id = false
            }
            _ => return false,
        }
    }
    !expect_id && depth == 0
}

/// An SPDX id fragment: letters, digits, `.` and `-` only.
fn id_fragment(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The SPDX document. `packages` is the inventory's packages in output order.
pub fn document(
    subject: &Subject,
    inventory: &Inventory,
    packages: &[&Package],
    ids: &DocumentIds,
) -> Document {
    let root_id = match subject.kind {
        SubjectKind::Image => "SPDXRef-Image",
        SubjectKind::Directory => "SPDXRef-Directory",
    }
    .to_owned();
    let mut spdx_packages = Vec::with_capacity(packages.len() + 2);
    let mut relationships = Vec::with_capacity(packages.len() + 2);
    let mut extracted: BTreeMap<String, String> = BTreeMap::new();
    let layer_comment = subject
        .layers
        .iter()
        .enumerate()
        .map(|(index, layer)| format!("layer {index}: {}", layer.diff_id))
        .collect::<Vec<_>>()
        .join("; ");
    spdx_packages.push(SpdxPackage {
        spdx_id: root_id.clone(),
        name: subject.name.clone(),
        version_info: subject.digest.clone(),
        download_location: "NOASSERTION",
        files_analyzed: false,
        primary_package_purpose: Some(match subject.kind {
            SubjectKind::Image => "CONTAINER",
            SubjectKind::Directory => "FILE",
        }),
        license_declared: None,
        source_info: None,
        comment: (!layer_comment.is_empty()).then_some(layer_comment),
        external_refs: Vec::new(),
    });
    relationships.push(Relationship {
        spdx_element_id: "SPDXRef-DOCUMENT".to_owned(),
        relationship_type: "DESCRIBES",
        related_spdx_element: root_id.clone(),
    });
    if let Some(os) = &inventory.os {
        spdx_packages.push(SpdxPackage {
            spdx_id: "SPDXRef-OperatingSystem".to_owned(),
            name: os.id.clone(),
            version_info: os.version_id.clone(),
            download_location: "NOASSERTION",
            files_analyzed: false,
            primary_package_purpose: Some("OPERATING_SYSTEM"),
            license_declared: None,
            source_info: Some(format!("acquired package info from: /{}", os.evidence)),
            comment: os.pretty_name.clone(),
            external_refs: Vec::new(),
        });
        relationships.push(Relationship {
            spdx_element_id: root_id.clone(),
            relationship_type: "CONTAINS",
            related_spdx_element: "SPDXRef-OperatingSystem".to_owned(),
        });
    }
    for (position, package) in packages.iter().enumerate() {
        let spdx_id = format!(
            "SPDXRef-Package-{}-{}-{position}",
            ecosystem_name(package.ecosystem).replace('.', "-"),
            id_fragment(&package.name)
        );
        let facts = PackageFacts::of(subject, package);
        let license_declared = (!facts.licenses.is_empty()).then(|| {
            let parts: Vec<String> = facts
                .licenses
                .iter()
                .map(|text| {
                    if is_license_expression(text) {
                        if text.contains(' ') {
                            format!("({text})")
                        } else {
                            (*text).to_owned()
                        }
                    } else {
                        let id = format!("LicenseRef-{}", id_fragment(text));
                        extracted.insert(id.clone(), (*text).to_owned());
                        id
                    }
                })
                .collect();
            parts.join(" AND ")
        });
        let mut comment = Vec::new();
        if let Some(source) = &package.source {
            comment.push(format!(
                "source package: {} {}",
                source.name, source.version
            ));
        }
        if let Some(layer) = package.layer {
            match facts.layer_diff_id {
                Some(diff_id) => comment.push(format!("layer {layer}: {diff_id}")),
                None => comment.push(format!("layer {layer}")),
            }
        }
        if let Some(instruction) = facts.instruction {
            comment.push(format!(
                "installed by {}: {}",
                instruction.location(),
                instruction.text
            ));
        }
        spdx_packages.push(SpdxPackage {
            spdx_id: spdx_id.clone(),
            name: package.name.clone(),
            version_info: facts.version.map(str::to_owned),
            download_location: "NOASSERTION",
            files_analyzed: false,
            primary_package_purpose: None,
            license_declared,
            source_info: (!facts.evidence.is_empty())
                .then(|| format!("acquired package info from: {}", facts.evidence.join(", "))),
            comment: (!comment.is_empty()).then(|| comment.join("; ")),
            external_refs: facts
                .purl
                .map(|purl| ExternalRef {
                    reference_category: "PACKAGE-MANAGER",
                    reference_type: "purl",
                    reference_locator: purl.to_owned(),
                })
                .into_iter()
                .collect(),
        });
        relationships.push(Relationship {
            spdx_element_id: root_id.clone(),
            relationship_type: "CONTAINS",
            related_spdx_element: spdx_id,
        });
    }
    let name_part: String = subject
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._~".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    Document {
        spdx_version: "SPDX-2.3",
        data_license: "CC0-1.0",
        spdx_id: "SPDXRef-DOCUMENT",
        name: subject.name.clone(),
        document_namespace: format!(
            "https://hullscan.invalid/spdxdocs/{}/{name_part}-{}",
            subject.kind.as_str(),
            ids.uuid
        ),
        creation_info: CreationInfo {
            created: ids.timestamp.clone(),
            creators: vec![format!("Tool: hullscan-{TOOL_VERSION}")],
            comment: (!inventory.notes.is_empty()).then(|| inventory.notes.join("\n")),
        },
        packages: spdx_packages,
        relationships,
        has_extracted_licensing_infos: extracted
            .into_iter()
            .map(|(license_id, extracted_text)| ExtractedLicense {
                license_id,
                extracted_text,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_expressions_from_free_text() {
        assert!(is_license_expression("MIT"));
        assert!(is_license_expression("Apache-2.0 OR MIT"));
        assert!(is_license_expression(
            "(GPL-2.0+ WITH Classpath-exception-2.0) AND BSD-3-Clause"
        ));
        assert!(!is_license_expression("BSD License"));
        assert!(!is_license_expression("MIT OR"));
        assert!(!is_license_expression("(MIT"));
        assert!(!is_license_expression(""));
    }
}
