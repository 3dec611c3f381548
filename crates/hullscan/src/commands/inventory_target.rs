//! Reading what `hullscan sbom` and `hullscan vulns` take the packages of: a directory tree
//! (`dir:PATH`) or an image from any source `hullscan image` reads. (`vulns` also reads stored
//! SBOMs; it looks for one before calling [`open`].)

use std::path::Path;

use anyhow::Context as _;
use hullscan_image::{Image, Platform};
use hullscan_inventory::Inventory;

use super::image::{InventoryCacheArgs, SourceArgs, cache_summary, open_with_progress};

/// The image-reading flags `sbom` and `vulns` share.
pub struct ImageReadFlags<'a> {
    /// `--platform`, as the user wrote it.
    pub platform: Option<&'a str>,
    pub remote: bool,
    pub plain_http: bool,
    pub max_layer_size: u64,
    pub cache: &'a InventoryCacheArgs,
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
pub fn open(target: &str, flags: &ImageReadFlags<'_>) -> anyhow::Result<InventoryTarget> {
    if let Some(root) = target.strip_prefix("dir:") {
        let inventory = hullscan_inventory::dir::catalog_dir(Path::new(root))
            .with_context(|| format!("reading the directory {root}"))?;
        return Ok(InventoryTarget {
            note: format!("read the directory {root}"),
            inventory,
            image: None,
        });
    }
    let platform = match flags.platform {
        Some(text) => Some(
            Platform::parse(text)
                .with_context(|| format!("--platform `{text}` is not os/arch[/variant]"))?,
        ),
        None => None,
    };
    let cache = flags.cache.open_for(true);
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
        remote: flags.remote,
        plain_http: flags.plain_http,
        max_layer_size: flags.max_layer_size,
        scan_secrets: false,
        timeouts: Default::default(),
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
