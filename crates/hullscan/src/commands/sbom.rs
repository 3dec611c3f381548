//! `hullscan sbom TARGET`: every installed package of an image (any source `hullscan image`
//! reads) or of a directory tree (`dir:PATH`), as CycloneDX 1.6, SPDX 2.3, hullscan's JSON
//! (docs/sbom-json.md) or a table.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};
use hullscan_image::Image;
use hullscan_image::analysis::parse_size;
use hullscan_inventory::Inventory;
use hullscan_sbom::{DocumentIds, Format, LayerInstruction, Subject, SubjectKind, SubjectLayer};

use super::image::{InventoryCacheArgs, attribute_dockerfile};
use super::inventory_target::{self, ImageSourceArgs, InventoryTarget};
use crate::ExitStatus;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SbomFormat {
    /// CycloneDX 1.6 JSON.
    Cyclonedx,
    /// SPDX 2.3 JSON.
    Spdx,
    /// hullscan's own JSON (docs/sbom-json.md).
    Json,
    /// A table for people.
    Human,
}

impl From<SbomFormat> for Format {
    fn from(format: SbomFormat) -> Self {
        match format {
            SbomFormat::Cyclonedx => Format::CycloneDx,
            SbomFormat::Spdx => Format::Spdx,
            SbomFormat::Json => Format::Json,
            SbomFormat::Human => Format::Human,
        }
    }
}

#[derive(Debug, Args)]
pub struct SbomArgs {
    /// What to inventory: any image `hullscan image` reads (a `docker save` or OCI archive
    /// tar, `oci:DIR[:TAG]`, `docker-daemon:NAME`, `docker://NAME`, a bare name), or
    /// `dir:PATH` for a directory tree (a root filesystem, an unpacked application).
    pub target: String,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    pub format: SbomFormat,
    /// Write to FILE (atomically: a temporary file beside it, renamed) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub source: ImageSourceArgs,
    /// The Dockerfile that built the image: every package is tied to the instruction that
    /// installed it (the one that made the layer its files came from).
    #[arg(long, value_name = "PATH")]
    pub dockerfile: Option<std::path::PathBuf>,
    /// With --dockerfile: the stage that was built (`docker build --target`); default the last.
    #[arg(long = "target", value_name = "STAGE", requires = "dockerfile")]
    pub build_target: Option<String>,
    /// Largest uncompressed size one layer may have before reading stops (decompression bombs).
    #[arg(long, value_parser = parse_bytes, default_value = "64GiB")]
    pub max_layer_size: u64,
    /// Do not print notes (unreadable package files, cache use) to stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub cache: InventoryCacheArgs,
}

fn parse_bytes(text: &str) -> Result<u64, String> {
    parse_size(text).ok_or_else(|| format!("`{text}` is not a size (e.g. 20MB, 1.5GiB, 1000)"))
}

pub fn run(args: SbomArgs) -> anyhow::Result<ExitStatus> {
    let ids = document_ids()?;
    if let Some(root) = args.target.strip_prefix("dir:")
        && args.dockerfile.is_some()
    {
        bail!("--dockerfile ties an image's layers to instructions; {root} is a directory");
    }
    let target =
        inventory_target::open(&args.target, &args.source, args.max_layer_size, &args.cache)?;
    let InventoryTarget {
        mut note,
        inventory,
        image,
    } = target;
    let subject = match image {
        Some(mut image) => {
            if let Some(path) = &args.dockerfile {
                attribute_dockerfile(&mut image, path, args.build_target.as_deref(), &mut note)?;
            }
            image_subject(&image)
        }
        None => Subject {
            name: args.target.clone(),
            kind: SubjectKind::Directory,
            digest: None,
            layers: Vec::new(),
        },
    };
    if !args.quiet {
        eprintln!("hullscan: {note}; {} package(s)", inventory.packages.len());
        for note in &inventory.notes {
            eprintln!("hullscan: note: {note}");
        }
    }
    let format = Format::from(args.format);
    match &args.output {
        Some(path) => write_atomically(path, |out| {
            hullscan_sbom::write(format, &subject, &inventory, &ids, out)
        })?,
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
            hullscan_sbom::write(format, &subject, &inventory, &ids, &mut out)?;
            out.flush()?;
        }
    }
    Ok(ExitStatus::Success)
}

/// Now and a random UUID, unless `HULLSCAN_SBOM_TIMESTAMP` / `HULLSCAN_SBOM_UUID` fix them
/// (reproducible documents, tests).
fn document_ids() -> anyhow::Result<DocumentIds> {
    let fresh = DocumentIds::fresh();
    let timestamp = std::env::var("HULLSCAN_SBOM_TIMESTAMP").unwrap_or(fresh.timestamp);
    let uuid = std::env::var("HULLSCAN_SBOM_UUID").unwrap_or(fresh.uuid);
    DocumentIds::checked(&timestamp, &uuid)
        .map_err(|err| anyhow::anyhow!("HULLSCAN_SBOM_TIMESTAMP / HULLSCAN_SBOM_UUID: {err}"))
}

/// The image as an SBOM's subject: its reference, image ID and layers (history lines masked
/// of secrets, as everywhere hullscan prints them).
pub fn image_subject(image: &Image) -> Subject {
    Subject {
        name: image.reference.clone(),
        kind: SubjectKind::Image,
        digest: Some(image.config_digest.to_string()),
        layers: image
            .layers
            .iter()
            .map(|layer| SubjectLayer {
                diff_id: layer.diff_id.to_string(),
                created_by: image
                    .layer_instruction(layer.index)
                    .filter(|line| !line.trim().is_empty())
                    .map(hullscan_image_rules::masked_instruction),
                instruction: image
                    .layer_attribution(layer.index)
                    .map(|found| LayerInstruction {
                        dockerfile: found.dockerfile.clone(),
                        line: found.line,
                        // The same masking as the history line: the text can carry a secret.
                        text: hullscan_image_rules::masked_instruction(&found.text),
                    }),
            })
            .collect(),
    }
}

/// Writes the image's inventory in `format` to `out`.
pub fn write_image(
    image: &Image,
    format: Format,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    let empty = Inventory::default();
    let inventory = image.inventory.as_ref().unwrap_or(&empty);
    hullscan_sbom::write(
        format,
        &image_subject(image),
        inventory,
        &document_ids()?,
        out,
    )?;
    Ok(())
}

/// `hullscan image --sbom FILE`.
pub fn write_image_sbom(image: &Image, format: SbomFormat, path: &Path) -> anyhow::Result<()> {
    write_atomically(path, |out| {
        write_image(image, format.into(), out).map_err(std::io::Error::other)
    })
}

/// How many packages of the final filesystem each layer put in place (`None` without an
/// inventory).
pub fn packages_per_layer(image: &Image) -> Option<Vec<usize>> {
    let inventory = image.inventory.as_ref()?;
    let mut counts = vec![0; image.layers.len()];
    for package in &inventory.packages {
        if let Some(count) = package.layer.and_then(|layer| counts.get_mut(layer)) {
            *count += 1;
        }
    }
    Some(counts)
}

/// `-o FILE`: written atomically, so a failure leaves the old file in place.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    if path.is_dir() {
        bail!("-o {}: is a directory", path.display());
    }
    hullscan_fs::write_atomically(path, write)
        .with_context(|| format!("writing {}", path.display()))
}
