//! Reading what `hullscan sbom` and `hullscan vulns` take the packages of: a directory tree
//! (`dir:PATH`) or an image from any source `hullscan image` reads. (`vulns` also reads stored
//! SBOMs; it looks for one before calling [`open`].)

use std::path::Path;

use anyhow::Context as _;
use clap::Args;
use hullscan_image::{Image, Platform};
use hullscan_inventory::Inventory;

use super::image::{InventoryCacheArgs, SourceArgs, cache_summary, open_with_progress};

/// Where `sbom` and `vulns` may read an image from: `--remote`, `--plain-http`, `--platform`.
#[derive(Debug, Args)]
pub struct ImageSourceArgs {
    /// Allow a bare name that the daemon does not have to be pulled from its registry.
    #[arg(long)]
    pub remote: bool,
    /// Allow plain HTTP to a registry that is not on loopback.
    #[arg(long)]
    pub plain_http: bool,
    /// Platform to pick from a multi-platform index, as `os/arch[/variant]`.
    #[arg(long)]
    pub platform: Option<String>,
    /// Take the layer digests a local image states instead of hashing every layer to check
    /// them (hashing is most of the time a large image takes). Layers pulled from a registry
    /// are always checked, and nothing read unchecked is kept in the inventory cache.
    #[arg(long)]
    pub no_verify_digests: bool,
}

/// A target read for its packages.
pub struct InventoryTarget {
    /// How it was read, for the stderr summary.
    pub note: String,
    pub inventory: Inventory,
    /// The image, when the target is one (its inventory moved out into `inventory`).
    pub image: Option<Image>,
}

/// Reads `target`: `dir:PATH` as a directory tree, anything else as an image (with the
/// per-layer inventory cache unless it is turned off). Only package files are read: no
/// secrets scan.
pub fn open(
    target: &str,
    source: &ImageSourceArgs,
    max_layer_size: u64,
    cache: &InventoryCacheArgs,
) -> anyhow::Result<InventoryTarget> {
    if let Some(root) = target.strip_prefix("dir:") {
        let inventory = hullscan_inventory::dir::catalog_dir(Path::new(root))
            .with_context(|| format!("reading the directory {root}"))?;
        return Ok(InventoryTarget {
            note: format!("read the directory {root}"),
            inventory,
            image: None,
        });
    }
    let platform = match &source.platform {
        Some(text) => Some(
            Platform::parse(text)
                .with_context(|| format!("--platform `{text}` is not os/arch[/variant]"))?,
        ),
        None => None,
    };
    let cache = cache.open_for(true);
    let inventory = hullscan_image::InventoryOptions {
        enabled: true,
        cache: cache
            .as_ref()
            .map(|cache| cache as &dyn hullscan_image::InventoryCache),
        ..Default::default()
    };
    let source = SourceArgs {
        reference: target,
        platform,
        remote: source.remote,
        plain_http: source.plain_http,
        max_layer_size,
        scan_secrets: false,
        verify_digests: !source.no_verify_digests,
        timeouts: Default::default(),
        top_files: hullscan_image::merge::DEFAULT_TOP_FILES,
    };
    let (mut image, mut note) = open_with_progress(&source, inventory)?;
    if let Some(cache) = &cache {
        note.push_str(&cache_summary(&image, cache));
    }
    Ok(InventoryTarget {
        note,
        inventory: image.inventory.take().unwrap_or_default(),
        image: Some(image),
    })
}
