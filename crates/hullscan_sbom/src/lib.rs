//! Writes a package inventory ([`hullscan_inventory::Inventory`]) as a software bill of
//! materials: CycloneDX 1.6 JSON ([`cyclonedx`]), SPDX 2.3 JSON ([`spdx`]), hullscan's own
//! documented JSON ([`native`], `docs/sbom-json.md`) and a human table ([`table`]).
//!
//! Everything here is pure: the caller supplies the time and the document's UUID
//! ([`DocumentIds`]), so the same inventory and ids always give the same bytes. Packages are
//! written sorted, and every list inside a package is sorted too.

pub mod cyclonedx;
pub mod native;
pub mod spdx;
pub mod table;
mod time;

use hullscan_inventory::{Ecosystem, Inventory, Package};

pub use time::rfc3339_utc;

/// What the SBOM describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    /// The reference or path the user gave (`alpine.tar`, `dir:rootfs`).
    pub name: String,
    pub kind: SubjectKind,
    /// The image's config digest (its image ID), when it is an image.
    pub digest: Option<String>,
    /// The image's layers, bottom first (empty for a directory).
    pub layers: Vec<SubjectLayer>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubjectKind {
    Image,
    Directory,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Image => "image",
            SubjectKind::Directory => "directory",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectLayer {
    /// `sha256:…` of the uncompressed layer.
    pub diff_id: String,
    /// The history line that made it, already masked of secrets by the caller.
    pub created_by: Option<String>,
    /// With `--dockerfile`: the Dockerfile instruction that made it.
    pub instruction: Option<LayerInstruction>,
}

/// The Dockerfile instruction that made a layer (`--dockerfile`), and so installed the packages
/// whose evidence that layer put in place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerInstruction {
    /// The Dockerfile's name as the user gave it.
    pub dockerfile: String,
    /// 1-based first line of the instruction.
    pub line: u32,
    /// The instruction's text, already masked of secrets by the caller.
    pub text: String,
}

impl LayerInstruction {
    /// `Dockerfile:12`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.dockerfile, self.line)
    }
}

/// The identity of one SBOM document: when it was made and its UUID. The caller makes them
/// ([`DocumentIds::fresh`], or fixed values for reproducible output).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentIds {
    /// RFC 3339 UTC, seconds precision (`2026-12-07T17:00:00Z`).
    pub timestamp: String,
    /// A lowercase UUID (`8-4-4-4-12` hex).
    pub uuid: String,
}

impl DocumentIds {
    /// Now, and a random (version 4) UUID.
    pub fn fresh() -> DocumentIds {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        DocumentIds {
            timestamp: rfc3339_utc(now),
            uuid: uuid::Uuid::new_v4().to_string(),
        }
    }

    /// Checks a caller-supplied UUID and timestamp (from `HULLSCAN_SBOM_UUID` and
    /// `HULLSCAN_SBOM_TIMESTAMP`), so an override cannot make an invalid document.
    pub fn checked(timestamp: &str, uuid: &str) -> Result<DocumentIds, String> {
        let parsed =
            uuid::Uuid::parse_str(uuid).map_err(|err| format!("`{uuid}` is not a UUID: {err}"))?;
        if !time::is_rfc3339_utc(timestamp) {
            return Err(format!(
                "`{timestamp}` is not an RFC 3339 UTC timestamp like 2026-01-31T12:00:00Z"
            ));
        }
        Ok(DocumentIds {
            timestamp: timestamp.to_owned(),
            uuid: parsed.hyphenated().to_string(),
        })
    }
}

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    CycloneDx,
    Spdx,
    Json,
    Human,
}

/// Writes `inventory` about `subject` in `format`, ending with a newline.
pub fn write(
    format: Format,
    subject: &Subject,
    inventory: &Inventory,
    ids: &DocumentIds,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let packages = sorted_packages(inventory);
    match format {
        Format::CycloneDx => write_json(
            out,
            &cyclonedx::document(subject, inventory, &packages, ids),
        ),
        Format::Spdx => write_json(out, &spdx::document(subject, inventory, &packages, ids)),
        Format::Json => write_json(out, &native::document(subject, inventory, &packages)),
        Format::Human => table::write(subject, inventory, &packages, out),
    }
}

fn write_json(out: &mut dyn std::io::Write, value: &impl serde::Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")
}

/// The packages in output order: ecosystem, name, version, then where they were found.
pub fn sorted_packages(inventory: &Inventory) -> Vec<&Package> {
    let mut packages: Vec<&Package> = inventory.packages.iter().collect();
    packages.sort_by(|a, b| {
        (
            a.ecosystem,
            &a.name,
            &a.version,
            &a.purl,
            &a.evidence,
            a.layer,
        )
            .cmp(&(
                b.ecosystem,
                &b.name,
                &b.version,
                &b.purl,
                &b.evidence,
                b.layer,
            ))
    });
    packages
}

/// The short lowercase name of an ecosystem, as the JSON and the table write it.
pub fn ecosystem_name(ecosystem: Ecosystem) -> &'static str {
    match ecosystem {
        Ecosystem::Dpkg => "dpkg",
        Ecosystem::Apk => "apk",
        Ecosystem::Rpm => "rpm",
        Ecosystem::PyPI => "pypi",
        Ecosystem::Npm => "npm",
        Ecosystem::Go => "go",
        Ecosystem::CratesIo => "crates.io",
        Ecosystem::Maven => "maven",
        Ecosystem::RubyGems => "rubygems",
        Ecosystem::NuGet => "nuget",
        Ecosystem::Packagist => "packagist",
    }
}

/// What every format writes about one package, worked out once and in one form: lists sorted
/// without repeats, evidence as absolute paths, the layer's facts looked up in the subject.
pub(crate) struct PackageFacts<'a> {
    /// The version, unless empty.
    pub version: Option<&'a str>,
    /// The purl, unless empty.
    pub purl: Option<&'a str>,
    pub licenses: Vec<&'a str>,
    /// The files that showed the package, as `/path`.
    pub evidence: Vec<String>,
    /// The diff ID of the layer the package came from, when the subject has it.
    pub layer_diff_id: Option<&'a str>,
    /// The Dockerfile instruction that installed it (the one that made its layer).
    pub instruction: Option<&'a LayerInstruction>,
}

impl<'a> PackageFacts<'a> {
    pub(crate) fn of(subject: &'a Subject, package: &'a Package) -> PackageFacts<'a> {
        let mut licenses: Vec<&str> = package.licenses.iter().map(String::as_str).collect();
        licenses.sort_unstable();
        licenses.dedup();
        let mut evidence: Vec<String> = package.evidence.iter().map(|p| format!("/{p}")).collect();
        evidence.sort();
        evidence.dedup();
        PackageFacts {
            version: Some(package.version.as_str()).filter(|v| !v.is_empty()),
            purl: Some(package.purl.as_str()).filter(|p| !p.is_empty()),
            licenses,
            evidence,
            layer_diff_id: package
                .layer
                .and_then(|index| subject.layers.get(index))
                .map(|layer| layer.diff_id.as_str()),
            instruction: package_instruction(subject, package),
        }
    }
}

/// The Dockerfile instruction that installed a package (the one that made its layer).
fn package_instruction<'a>(
    subject: &'a Subject,
    package: &Package,
) -> Option<&'a LayerInstruction> {
    subject.layers.get(package.layer?)?.instruction.as_ref()
}

/// The tool's version, for the documents' creator/tool fields.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
