//! hullscan's own JSON form of an inventory, documented field by field in
//! `docs/sbom-json.md` (the contract: fields only ever grow).

use hullscan_inventory::{Inventory, Package};
use serde::Serialize;

use crate::{LayerInstruction, PackageFacts, Subject, ecosystem_name};

/// Bumped only by a change that removes or redefines a field.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
pub struct Document<'a> {
    pub format_version: u32,
    pub tool: Tool,
    pub subject: JsonSubject<'a>,
    pub os: Option<Os<'a>>,
    pub packages: Vec<JsonPackage<'a>>,
    pub notes: &'a [String],
}

#[derive(Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Serialize)]
pub struct JsonSubject<'a> {
    pub name: &'a str,
    pub kind: &'static str,
    pub digest: Option<&'a str>,
    pub layers: Vec<JsonLayer<'a>>,
}

#[derive(Serialize)]
pub struct JsonLayer<'a> {
    pub index: usize,
    pub diff_id: &'a str,
    pub created_by: Option<&'a str>,
    /// With `--dockerfile`: the instruction that made this layer.
    pub instruction: Option<Instruction<'a>>,
    /// Packages of the final filesystem whose evidence this layer put in place.
    pub packages: usize,
}

#[derive(Serialize)]
pub struct Os<'a> {
    pub id: &'a str,
    pub version_id: Option<&'a str>,
    pub pretty_name: Option<&'a str>,
    pub osv_ecosystem: Option<&'a str>,
    pub evidence: String,
}

#[derive(Serialize)]
pub struct JsonPackage<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub ecosystem: &'static str,
    pub osv_ecosystem: Option<&'a str>,
    pub purl: &'a str,
    pub source: Option<Source<'a>>,
    pub arch: Option<&'a str>,
    pub licenses: Vec<&'a str>,
    pub evidence: Vec<String>,
    pub layer: Option<usize>,
    pub layer_diff_id: Option<&'a str>,
    /// With `--dockerfile`: the instruction that installed it (the one that made its layer).
    pub instruction: Option<Instruction<'a>>,
}

#[derive(Serialize)]
pub struct Instruction<'a> {
    pub dockerfile: &'a str,
    pub line: u32,
    pub text: &'a str,
}

impl<'a> From<&'a LayerInstruction> for Instruction<'a> {
    fn from(instruction: &'a LayerInstruction) -> Self {
        Instruction {
            dockerfile: &instruction.dockerfile,
            line: instruction.line,
            text: &instruction.text,
        }
    }
}

#[derive(Serialize)]
pub struct Source<'a> {
    pub name: &'a str,
    pub version: &'a str,
}

/// The document. `packages` is the inventory's packages in output order.
pub fn document<'a>(
    subject: &'a Subject,
    inventory: &'a Inventory,
    packages: &[&'a Package],
) -> Document<'a> {
    let os_ecosystem = inventory
        .os
        .as_ref()
        .and_then(|os| os.osv_ecosystem.as_deref());
    Document {
        format_version: FORMAT_VERSION,
        tool: Tool {
            name: "hullscan",
            version: crate::TOOL_VERSION,
        },
        subject: JsonSubject {
            name: &subject.name,
            kind: subject.kind.as_str(),
            digest: subject.digest.as_deref(),
            layers: subject
                .layers
                .iter()
                .enumerate()
                .map(|(index, layer)| JsonLayer {
                    index,
                    diff_id: &layer.diff_id,
                    created_by: layer.created_by.as_deref(),
                    instruction: layer.instruction.as_ref().map(Instruction::from),
                    packages: packages.iter().filter(|p| p.layer == Some(index)).count(),
                })
                .collect(),
        },
        os: inventory.os.as_ref().map(|os| Os {
            id: &os.id,
            version_id: os.version_id.as_deref(),
            pretty_name: os.pretty_name.as_deref(),
            osv_ecosystem: os.osv_ecosystem.as_deref(),
            evidence: format!("/{}", os.evidence),
        }),
        packages: packages
            .iter()
            .map(|package| {
                let facts = PackageFacts::of(subject, package);
                JsonPackage {
                    name: &package.name,
                    version: &package.version,
                    ecosystem: ecosystem_name(package.ecosystem),
                    osv_ecosystem: package
                        .ecosystem
                        .osv_name()
                        .or(if package.ecosystem.is_os() {
                            os_ecosystem
                        } else {
                            None
                        }),
                    purl: &package.purl,
                    source: package.source.as_ref().map(|source| Source {
                        name: &source.name,
                        version: &source.version,
                    }),
                    arch: package.arch.as_deref(),
                    licenses: facts.licenses,
                    evidence: facts.evidence,
                    layer: package.layer,
                    layer_diff_id: facts.layer_diff_id,
                    instruction: facts.instruction.map(Instruction::from),
                }
            })
            .collect(),
        notes: &inventory.notes,
    }
}
