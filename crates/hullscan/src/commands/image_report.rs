//! `hullscan image --format json`: the image's size report (layers, efficiency, wasted files)
//! beside the findings, and the wasted-files lines of the human summary. Every text that came
//! from the image (paths, instructions, names) passes the same masking and escaping as the
//! findings (docs/json-format.md, "Image report").

use std::io::Write as _;

use hullscan_diagnostics::FileReport;
use hullscan_image::Image;
use hullscan_image::analysis::human_size;
use serde::Serialize;

use crate::output::{OutputArgs, safe_field};

/// The `image` object.
#[derive(Debug, Serialize)]
pub struct ImageReport {
    pub reference: String,
    pub config_digest: String,
    pub manifest_digest: Option<String>,
    pub os: String,
    pub architecture: String,
    /// Leading layers that belong to the base image.
    pub base_layers: usize,
    pub layers: Vec<LayerReport>,
    /// Regular-file bytes in all layers.
    pub content_size: u64,
    /// Regular-file bytes the final filesystem shows.
    pub visible_size: u64,
    /// hullscan's: visible_size / content_size.
    pub efficiency: f64,
    /// hullscan's: content_size − visible_size, each hidden byte once.
    pub wasted_bytes: u64,
    pub dive: DiveReport,
    /// How many paths have hidden bytes (`wasted_files` lists the largest).
    pub wasted_paths: u64,
    pub wasted_files: Vec<WastedFileReport>,
}

#[derive(Debug, Serialize)]
pub struct LayerReport {
    pub index: usize,
    /// The diff ID (digest of the uncompressed layer), as in a finding's `layer`.
    pub digest: String,
    /// The digest of the stored blob.
    pub blob_digest: Option<String>,
    pub content_size: u64,
    pub blob_size: u64,
    pub compression: &'static str,
    pub entries: u64,
    pub hidden_bytes: u64,
    pub instruction: Option<String>,
    pub packages: Option<usize>,
}

#[derive(Debug, Serialize)]
pub struct DiveReport {
    pub efficiency: f64,
    pub wasted_bytes: u64,
    pub user_size: u64,
    pub user_wasted_ratio: f64,
    pub inefficient_paths: u64,
    pub inefficient_files: Vec<InefficientFileReport>,
}

#[derive(Debug, Serialize)]
pub struct InefficientFileReport {
    pub path: String,
    pub count: u32,
    pub cumulative_size: u64,
}

#[derive(Debug, Serialize)]
pub struct WastedFileReport {
    pub path: String,
    pub wasted_bytes: u64,
    pub layers: Vec<u32>,
    pub hidden_by: Vec<u32>,
    pub count: u32,
}

/// The instruction that made `layer`, secrets masked and control characters escaped; the
/// human summary cuts it, the JSON keeps it whole.
pub fn safe_instruction(image: &Image, layer: usize) -> Option<String> {
    let text = image.layer_instruction(layer)?;
    // Mask first: escaping could split a credential so the masking no longer sees it.
    Some(safe_field(&hullscan_image_rules::masked_instruction(text)).into_owned())
}

impl ImageReport {
    pub fn of(image: &Image) -> ImageReport {
        let analysis = &image.analysis;
        let packages = super::sbom::packages_per_layer(image);
        let layers = image
            .layers
            .iter()
            .zip(&analysis.layers)
            .map(|(layer, stats)| LayerReport {
                index: layer.index,
                digest: layer.diff_id.to_string(),
                blob_digest: layer.blob_digest.as_ref().map(ToString::to_string),
                content_size: stats.content_size,
                blob_size: stats.blob_size,
                compression: layer.compression.as_str(),
                entries: stats.entries,
                hidden_bytes: stats.hidden_bytes,
                instruction: safe_instruction(image, layer.index),
                packages: packages
                    .as_ref()
                    .and_then(|counts| counts.get(layer.index).copied()),
            })
            .collect();
        let dive = &image.fs.dive;
        let wasted = &image.fs.wasted;
        ImageReport {
            reference: safe_field(&image.reference).into_owned(),
            config_digest: image.config_digest.to_string(),
            manifest_digest: image.manifest_digest.as_ref().map(ToString::to_string),
            os: safe_field(&image.config.os).into_owned(),
            architecture: safe_field(&image.config.architecture).into_owned(),
            base_layers: image.base_layer_count,
            layers,
            content_size: analysis.total_content,
            visible_size: analysis.visible_content,
            efficiency: analysis.efficiency,
            wasted_bytes: analysis.wasted_bytes,
            dive: DiveReport {
                efficiency: analysis.dive_efficiency,
                wasted_bytes: analysis.dive_wasted_bytes,
                user_size: analysis.dive_user_size,
                user_wasted_ratio: analysis.dive_user_wasted_ratio,
                inefficient_paths: dive.inefficient_paths,
                inefficient_files: dive
                    .top_inefficiencies
                    .iter()
                    .map(|file| InefficientFileReport {
                        path: safe_field(&file.path).into_owned(),
                        count: file.occurrences,
                        cumulative_size: file.cumulative_size,
                    })
                    .collect(),
            },
            wasted_paths: wasted.paths,
            wasted_files: wasted
                .top
                .iter()
                .map(|file| WastedFileReport {
                    path: safe_field(&file.path).into_owned(),
                    wasted_bytes: file.wasted_bytes,
                    layers: file.layers.clone(),
                    hidden_by: file.hidden_by.clone(),
                    count: file.count,
                })
                .collect(),
        }
    }
}

/// `{"image": {...}, "findings": [...]}`, plus `"inventory": {...}` (the SBOM in hullscan's
/// JSON form, docs/sbom-json.md) when asked for. The findings array is exactly what
/// `--format json` prints for other commands.
pub fn print_json(
    image: &Image,
    reports: &[FileReport],
    output: &OutputArgs,
    with_inventory: bool,
) -> anyhow::Result<()> {
    let mut findings = Vec::new();
    hullscan_render::render(
        reports,
        hullscan_render::OutputFormat::Json,
        &output.render_options(),
        &mut findings,
    )?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    out.write_all(b"{\"image\": ")?;
    serde_json::to_writer_pretty(&mut out, &ImageReport::of(image))?;
    out.write_all(b",\n\"findings\": ")?;
    out.write_all(findings.trim_ascii_end())?;
    if with_inventory {
        let mut inventory = Vec::new();
        super::sbom::write_image(image, hullscan_sbom::Format::Json, &mut inventory)?;
        out.write_all(b",\n\"inventory\": ")?;
        out.write_all(inventory.trim_ascii_end())?;
    }
    out.write_all(b"}\n")?;
    out.flush()?;
    Ok(())
}

/// The largest wasted files for the human summary, like dive's "inefficient files" but each
/// hidden byte once: `  100.0 kB  /path  (layer 1, hidden by 2)`.
pub fn wasted_file_lines(image: &Image, shown: usize) -> Vec<String> {
    let wasted = &image.fs.wasted;
    if wasted.paths == 0 {
        return Vec::new();
    }
    let listed = wasted.top.len().min(shown);
    let mut lines = vec![format!(
        "  wasted files: {} path(s) hide {}{}",
        wasted.paths,
        human_size(wasted.bytes),
        if (listed as u64) < wasted.paths {
            format!("; the largest {listed}:")
        } else {
            ":".to_owned()
        }
    )];
    let join = |layers: &[u32]| {
        layers
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    for file in &wasted.top[..listed] {
        let copies = if file.count > 1 {
            format!("{} copies, ", file.count)
        } else {
            String::new()
        };
        lines.push(format!(
            "    {:>9}  {}  ({copies}layer {}, hidden by {})",
            human_size(file.wasted_bytes),
            safe_field(&file.path),
            join(&file.layers),
            join(&file.hidden_by),
        ));
    }
    lines
}
