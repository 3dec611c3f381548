//! CycloneDX 1.6 JSON: our own serde types for the fields we write (see
//! `shared/reference/vuln-scanning.md` §5 and the official `bom-1.6.schema.json`).

use std::collections::BTreeMap;

use hullscan_inventory::{Inventory, Package};
use serde::Serialize;

use crate::{DocumentIds, PackageFacts, Subject, SubjectKind, TOOL_VERSION, ecosystem_name};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bom {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub bom_format: &'static str,
    pub spec_version: &'static str,
    pub serial_number: String,
    pub version: u32,
    pub metadata: Metadata,
    pub components: Vec<Component>,
    pub dependencies: Vec<Dependency>,
}

#[derive(Serialize)]
pub struct Metadata {
    pub timestamp: String,
    pub tools: Tools,
    pub component: Component,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
}

/// 1.5+ form of `tools`: an object of components (the bare array is deprecated).
#[derive(Serialize)]
pub struct Tools {
    pub components: Vec<Component>,
}

#[derive(Serialize)]
pub struct Component {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    pub bom_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<LicenseChoice>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

#[derive(Serialize)]
pub struct LicenseChoice {
    pub license: License,
}

/// A license as the package states it. `name` rather than `id`: the schema's `id` accepts
/// only SPDX list identifiers, and package metadata often says "BSD License" or "GPL-2+".
#[derive(Serialize)]
pub struct License {
    pub name: String,
}

#[derive(Serialize)]
pub struct Property {
    pub name: String,
    pub value: String,
}

#[derive(Serialize)]
pub struct Evidence {
    pub occurrences: Vec<Occurrence>,
}

#[derive(Serialize)]
pub struct Occurrence {
    /// Absolute path inside the image or directory.
    pub location: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dependency {
    #[serde(rename = "ref")]
    pub reference: String,
    pub depends_on: Vec<String>,
}

fn property(name: &str, value: impl Into<String>) -> Property {
    Property {
        name: name.to_owned(),
        value: value.into(),
    }
}

/// The component of one package; `bom_ref` is unique within the document.
fn component(subject: &Subject, package: &Package, bom_ref: String) -> Component {
    let facts = PackageFacts::of(subject, package);
    let mut properties = vec![property(
        "hullscan:ecosystem",
        ecosystem_name(package.ecosystem),
    )];
    if let Some(source) = &package.source {
        properties.push(property("hullscan:source:name", &source.name));
        properties.push(property("hullscan:source:version", &source.version));
    }
    if let Some(arch) = &package.arch {
        properties.push(property("hullscan:arch", arch));
    }
    if let Some(layer) = package.layer {
        properties.push(property("hullscan:layer:index", layer.to_string()));
    }
    if let Some(diff_id) = facts.layer_diff_id {
        properties.push(property("hullscan:layer:diff_id", diff_id));
    }
    if let Some(instruction) = facts.instruction {
        properties.push(property(
            "hullscan:dockerfile:location",
            instruction.location(),
        ));
        properties.push(property(
            "hullscan:dockerfile:instruction",
            &instruction.text,
        ));
    }
    for path in &facts.evidence {
        properties.push(property("hullscan:evidence:path", path));
    }
    Component {
        kind: if package.ecosystem.is_os() {
            "application"
        } else {
            "library"
        },
        bom_ref: Some(bom_ref),
        group: None,
        name: package.name.clone(),
        version: facts.version.map(str::to_owned),
        description: None,
        purl: facts.purl.map(str::to_owned),
        licenses: facts
            .licenses
            .iter()
            .map(|name| LicenseChoice {
                license: License {
                    name: (*name).to_owned(),
                },
            })
            .collect(),
        properties,
        evidence: (!facts.evidence.is_empty()).then(|| Evidence {
            occurrences: facts
                .evidence
                .into_iter()
                .map(|location| Occurrence { location })
                .collect(),
        }),
    }
}

/// Unique references: the purl, with `#2`, `#3`… for later packages with the same one (the same
/// version installed in two places).
pub(crate) fn unique_refs(packages: &[&Package], fallback_prefix: &str) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    packages
        .iter()
        .enumerate()
        .map(|(position, package)| {
            let base = if package.purl.is_empty() {
                format!("{fallback_prefix}{position}")
            } else {
                package.purl.clone()
            };
            let count = seen.entry(base.clone()).or_insert(0);
            *count += 1;
            if *count == 1 {
                base
            } else {
                format!("{base}#{count}")
            }
        })
        .collect()
}

/// The CycloneDX document. `packages` is the inventory's packages in output order.
pub fn document(
    subject: &Subject,
    inventory: &Inventory,
    packages: &[&Package],
    ids: &DocumentIds,
) -> Bom {
    let root_ref = "hullscan:subject".to_owned();
    let mut root_properties = Vec::new();
    for (index, layer) in subject.layers.iter().enumerate() {
        root_properties.push(property(
            &format!("hullscan:layer:{index}:diff_id"),
            &layer.diff_id,
        ));
        if let Some(created_by) = &layer.created_by {
            root_properties.push(property(
                &format!("hullscan:layer:{index}:created_by"),
                created_by,
            ));
        }
        if let Some(instruction) = &layer.instruction {
            root_properties.push(property(
                &format!("hullscan:layer:{index}:dockerfile:location"),
                instruction.location(),
            ));
        }
    }
    let root = Component {
        kind: match subject.kind {
            SubjectKind::Image => "container",
            SubjectKind::Directory => "file",
        },
        bom_ref: Some(root_ref.clone()),
        group: None,
        name: subject.name.clone(),
        version: subject.digest.clone(),
        description: None,
        purl: None,
        licenses: Vec::new(),
        properties: root_properties,
        evidence: None,
    };
    let refs = unique_refs(packages, "hullscan:package:");
    let mut components: Vec<Component> = Vec::with_capacity(packages.len() + 1);
    let mut depends_on: Vec<String> = Vec::with_capacity(packages.len() + 1);
    if let Some(os) = &inventory.os {
        let os_ref = "hullscan:os".to_owned();
        let mut properties = vec![property(
            "hullscan:evidence:path",
            format!("/{}", os.evidence),
        )];
        if let Some(ecosystem) = &os.osv_ecosystem {
            properties.push(property("hullscan:osv:ecosystem", ecosystem));
        }
        components.push(Component {
            kind: "operating-system",
            bom_ref: Some(os_ref.clone()),
            group: None,
            name: os.id.clone(),
            version: os.version_id.clone(),
            description: os.pretty_name.clone(),
            purl: None,
            licenses: Vec::new(),
            properties,
            evidence: None,
        });
        depends_on.push(os_ref);
    }
    for (package, bom_ref) in packages.iter().zip(refs) {
        depends_on.push(bom_ref.clone());
        components.push(component(subject, package, bom_ref));
    }
    let metadata_properties = inventory
        .notes
        .iter()
        .map(|note| property("hullscan:note", note))
        .collect();
    Bom {
        schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
        bom_format: "CycloneDX",
        spec_version: "1.6",
        serial_number: format!("urn:uuid:{}", ids.uuid),
        version: 1,
        metadata: Metadata {
            timestamp: ids.timestamp.clone(),
            tools: Tools {
                components: vec![Component {
                    kind: "application",
                    bom_ref: None,
                    group: None,
                    name: "hullscan".to_owned(),
                    version: Some(TOOL_VERSION.to_owned()),
                    description: None,
                    purl: None,
                    licenses: Vec::new(),
                    properties: Vec::new(),
                    evidence: None,
                }],
            },
            component: root,
            properties: metadata_properties,
        },
        components,
        // The image contains every package; CycloneDX has no "contains" edge at the top
        // level, so the subject lists them as what it is made of.
        dependencies: vec![Dependency {
            reference: root_ref,
            depends_on,
        }],
    }
}
