//! The image as hullscan sees it: config, history matched to layers, per-layer file indexes,
//! the merged filesystem and the size analyses.

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::analysis::Analysis;
use crate::digest::Digest;
use crate::error::{ImageError, Result};
use crate::layer::{Compression, ContentPlan, ContentVisitor, LayerIndex, LayerVisit, Limits};
use crate::merge::MergedView;
use crate::resolve::{Layout, Plan, Selection};
use crate::spec::{ContainerConfig, ImageConfigFile};
use crate::store::BlobStore;
use hullscan_inventory::{Inventory, LayerCatalog};

/// Where the image came from, for messages ("read from the docker daemon").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Archive,
    OciDirectory,
    Daemon,
    Registry,
}

impl SourceKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            SourceKind::Archive => "archive",
            SourceKind::OciDirectory => "OCI layout directory",
            SourceKind::Daemon => "docker daemon",
            SourceKind::Registry => "registry",
        }
    }
}

/// One history entry, with the layer it made (none for `empty_layer` entries).
#[derive(Clone, Debug)]
pub struct HistoryItem {
    pub created_by: String,
    pub created: Option<String>,
    pub comment: Option<String>,
    pub empty_layer: bool,
    pub layer: Option<usize>,
}

#[derive(Debug)]
pub struct Layer {
    pub index: usize,
    pub diff_id: Digest,
    pub blob_digest: Option<Digest>,
    pub blob_size: u64,
    pub compression: Compression,
    pub files: Arc<LayerIndex>,
    /// The history entry that made this layer.
    pub history: Option<usize>,
}

#[derive(Debug)]
pub struct Image {
    /// The reference or path the user gave.
    pub reference: String,
    pub source: SourceKind,
    pub layout: Layout,
    pub repo_tags: Vec<String>,
    pub config_digest: Digest,
    pub manifest_digest: Option<Digest>,
    pub config: ImageConfigFile,
    pub history: Vec<HistoryItem>,
    pub layers: Vec<Layer>,
    /// The first layer that is not part of the base image (see [`guess_base_layers`]).
    pub base_layer_count: usize,
    pub fs: MergedView,
    pub analysis: Analysis,
    /// Per history entry, the Dockerfile instruction that made it (with `--dockerfile`).
    pub attribution: Vec<Option<crate::dockerfile::Attribution>>,
    /// What is installed, as the final filesystem shows it (`None` when the inventory was not
    /// asked for).
    pub inventory: Option<Inventory>,
    /// How many layers' inventories came from the cache instead of their bytes.
    pub inventory_cache_hits: usize,
}

impl Image {
    pub fn container_config(&self) -> ContainerConfig {
        self.config.config.clone().unwrap_or_default()
    }

    /// `image@sha256:…` for locations.
    pub fn layer_ref(&self, layer: usize) -> hullscan_diagnostics::LayerRef {
        hullscan_diagnostics::LayerRef {
            index: layer as u32,
            digest: self.layers[layer].diff_id.to_string(),
        }
    }

    /// The instruction that made `layer`, from history.
    pub fn layer_instruction(&self, layer: usize) -> Option<&str> {
        let history = self.layers.get(layer)?.history?;
        Some(self.history[history].created_by.as_str())
    }
}

/// How to read an image.
#[derive(Default)]
pub struct ReadOptions<'a> {
    pub selection: Selection,
    pub limits: Limits,
    /// Called with blob bytes as they are read (for a progress bar).
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
    /// Called once, before the layers are read, with the total of their stored sizes when
    /// every one is known (so a progress bar can show how far along it is).
    pub total_bytes: Option<&'a (dyn Fn(u64) + Sync)>,
    /// Whether a bare name not found in the daemon may be pulled from its registry.
    pub allow_network: bool,
    pub registry: crate::registry::RegistryOptions,
    pub inventory: InventoryOptions<'a>,
    pub analysis: AnalysisOptions,
}

/// What the size analyses keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnalysisOptions {
    /// How many of the largest wasted files (and of dive's inefficient files) are kept by
    /// name; the totals count them all.
    pub top_files: usize,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            top_files: crate::merge::DEFAULT_TOP_FILES,
        }
    }
}

/// Whether and how to take the package inventory in the layers' single pass.
pub struct InventoryOptions<'a> {
    pub enabled: bool,
    /// Per-layer catalogs kept between runs, keyed by diff ID (the I/O lives with the caller).
    pub cache: Option<&'a dyn InventoryCache>,
    /// Bytes of one file the inventory reads; a larger file is cataloged from its first bytes,
    /// with a note.
    pub max_file_bytes: u64,
}

impl Default for InventoryOptions<'_> {
    fn default() -> Self {
        InventoryOptions {
            enabled: true,
            cache: None,
            max_file_bytes: DEFAULT_MAX_INVENTORY_FILE_BYTES,
        }
    }
}

/// Big enough for any package database or jar seen in practice, small enough that two layers
/// read in parallel stay well inside the memory budget.
pub const DEFAULT_MAX_INVENTORY_FILE_BYTES: u64 = 64 << 20;

/// Where layer catalogs are kept between runs. Implementations do the I/O (and keep their own
/// notes about entries they could not use); the model only asks and offers.
pub trait InventoryCache: Sync {
    /// The catalog of the layer whose uncompressed content has this digest, when kept.
    fn get(&self, diff_id: &Digest) -> Option<LayerCatalog>;
    /// Keeps `catalog` for the layer with this diff ID (already verified).
    fn put(&self, diff_id: &Digest, catalog: &LayerCatalog);
}

/// The inventory as a content visitor: the files `hullscan_inventory::wants_file` wants go to
/// `hullscan_inventory::catalog_file` as the layer streams.
pub struct InventoryVisitor {
    pub max_file_bytes: u64,
}

impl ContentVisitor for InventoryVisitor {
    fn wants(&self, path: &str, size: u64, mode: u32) -> Option<u64> {
        hullscan_inventory::wants_file(path, size, mode).then_some(self.max_file_bytes)
    }

    fn begin_layer(&self) -> Box<dyn LayerVisit> {
        Box::new(CatalogVisit(LayerCatalog::default()))
    }
}

#[derive(Debug)]
struct CatalogVisit(LayerCatalog);

impl LayerVisit for CatalogVisit {
    fn visit(&mut self, _entry: u32, path: &str, size: u64, content: &[u8]) {
        let mut file = hullscan_inventory::catalog_file(path, content);
        if (content.len() as u64) < size {
            file.notes.push(format!(
                "{path}: only the first {} of {size} bytes were read for the inventory",
                content.len()
            ));
        }
        self.0.files.push(file);
    }

    fn into_any(self: Box<Self>) -> Box<dyn std::any::Any + Send + Sync> {
        Box::new(self.0)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        &self.0
    }
}

/// The catalog a layer's inventory visit made, if one ran on it.
pub fn visited_catalog(index: &LayerIndex) -> Option<&LayerCatalog> {
    index
        .visits
        .iter()
        .find_map(|visit| visit.as_any().downcast_ref::<LayerCatalog>())
}

/// Files whose contents the rules read.
pub fn wants_content(path: &str, size: u64) -> bool {
    (size <= 4 << 20
        && matches!(
            path,
            "etc/passwd" | "etc/group" | "etc/shadow" | "etc/master.passwd" | "etc/os-release"
        ))
        || wants_key_content(path, size)
}

/// Key files are small; their content is kept so a PEM private key can be told from a
/// certificate.
pub fn wants_key_content(path: &str, size: u64) -> bool {
    size <= 64 * 1024
        && [".pem", ".key", ".der", "id_rsa", "id_ecdsa", "id_ed25519"]
            .iter()
            .any(|suffix| path.ends_with(suffix))
}

/// The total stored size of the layers `plan` will read (for a progress bar): declared by
/// the manifest or measured in the store; `None` when any layer's size is unknown.
pub fn planned_bytes(store: &dyn BlobStore, plan: &Plan) -> Option<u64> {
    let mut seen = rustc_hash::FxHashSet::default();
    plan.layers
        .iter()
        .filter(|layer| seen.insert(layer.path.as_str()))
        .map(|layer| layer.declared_size.or_else(|| store.size_of(&layer.path)))
        .sum()
}

/// Reads the image from `store`: resolves the manifest, streams every layer once (in
/// parallel), verifies every digest, merges the layers and runs the analyses.
pub fn load(
    store: &dyn BlobStore,
    plan: Plan,
    reference: &str,
    source: SourceKind,
    options: &ReadOptions<'_>,
) -> Result<Image> {
    let config: ImageConfigFile =
        serde_json::from_slice(&plan.config_bytes).map_err(|err| ImageError::Json {
            source_name: store.name().to_owned(),
            what: "config".to_owned(),
            message: err.to_string(),
        })?;

    // A layer listed twice (identical diff IDs) is read once and shared.
    let mut distinct: Vec<&str> = Vec::new();
    let mut position: FxHashMap<&str, usize> = FxHashMap::default();
    for layer in &plan.layers {
        position.entry(layer.path.as_str()).or_insert_with(|| {
            distinct.push(layer.path.as_str());
            distinct.len() - 1
        });
    }
    // The daemon's export stream has been read by now (its manifest comes last), so there is
    // nothing left to show progress for.
    if source != SourceKind::Daemon
        && let (Some(report), Some(total)) = (options.total_bytes, planned_bytes(store, &plan))
    {
        report(total);
    }
    let inventory_visitor = InventoryVisitor {
        max_file_bytes: options.inventory.max_file_bytes,
    };
    // Bytes from a registry cross the network: always hashed, whatever the caller asked.
    let mut limits = options.limits.clone();
    if source == SourceKind::Registry {
        limits.verify_digests = true;
    }
    let verified = limits.verify_digests;
    let cache = options
        .inventory
        .cache
        .filter(|_| options.inventory.enabled);
    // A layer whose catalog is cached still streams (the merged view, the other rules and the
    // digest checks need it) but its contents are not read for the inventory.
    let indexes: Vec<Result<(Arc<LayerIndex>, Option<LayerCatalog>)>> = distinct
        .par_iter()
        .map(|path| {
            let number = plan
                .layers
                .iter()
                .position(|l| l.path == *path)
                .unwrap_or(0);
            let cached = cache.and_then(|cache| {
                let diff_id = plan.layers.get(number)?.diff_id.as_ref()?;
                cache.get(diff_id)
            });
            let mut content = ContentPlan::capture_only(&wants_content);
            if options.inventory.enabled && cached.is_none() {
                content.visitors.push(&inventory_visitor);
            }
            let what = format!("layer {number} ({path})");
            store
                .index_layer(path, &what, &limits, &content, options.progress)
                .map(|index| (Arc::new(index), cached))
        })
        .collect();
    let indexes: Vec<(Arc<LayerIndex>, Option<LayerCatalog>)> =
        indexes.into_iter().collect::<Result<_>>()?;

    let mut layers = Vec::with_capacity(plan.layers.len());
    for (number, planned) in plan.layers.iter().enumerate() {
        let files = Arc::clone(&indexes[position[planned.path.as_str()]].0);
        // The descriptor's size is part of what the manifest vouches for (the OCI spec says
        // a blob of another length must be rejected before its content is trusted).
        if let Some(declared) = planned.declared_size
            && declared != files.blob_size
        {
            return Err(ImageError::Format {
                source_name: store.name().to_owned(),
                message: format!(
                    "layer {number} blob ({}) is {} bytes, but its descriptor says {declared}",
                    planned.path, files.blob_size
                ),
            });
        }
        let (diff_id, blob_digest) = if verified {
            checked_digests(store.name(), number, planned, &files)?
        } else {
            // Digests taken as stated; an image whose config names none cannot be read so.
            let Some(diff_id) = planned.diff_id.clone() else {
                return Err(ImageError::Format {
                    source_name: store.name().to_owned(),
                    message: format!(
                        "layer {number} ({}) has no diff ID in the config; read it with digest verification on",
                        planned.path
                    ),
                });
            };
            // An uncompressed layer's blob is its tar: one digest for both.
            let blob_digest = planned.blob_digest.clone().or_else(|| {
                (files.compression == Some(Compression::None)).then(|| diff_id.clone())
            });
            (diff_id, blob_digest)
        };
        layers.push(Layer {
            index: number,
            diff_id,
            blob_digest,
            blob_size: files.blob_size,
            compression: files.compression.unwrap_or(Compression::None),
            files,
            history: None,
        });
    }

    let history = match_history(&config, &mut layers);
    let base_layer_count = guess_base_layers(&history, &layers);
    let fs = MergedView::build_keeping(&layers, options.analysis.top_files);
    let analysis = Analysis::compute(&layers, &fs);
    let (inventory, inventory_cache_hits) = if options.inventory.enabled {
        let mut hits = 0;
        let catalogs: Vec<LayerCatalog> = plan
            .layers
            .iter()
            .zip(&layers)
            .map(|(planned, layer)| {
                let (index, cached) = &indexes[position[planned.path.as_str()]];
                if let Some(catalog) = cached {
                    hits += 1;
                    return catalog.clone();
                }
                let catalog = visited_catalog(index).cloned().unwrap_or_default();
                // Only a catalog of hashed bytes may be kept under the layer's digest: an
                // unverified layer could be anything claiming that digest.
                if let Some(cache) = cache.filter(|_| verified) {
                    cache.put(&layer.diff_id, &catalog);
                }
                catalog
            })
            .collect();
        let in_final = |layer: usize, path: &str| {
            fs.lookup_exact(&layers, path)
                .is_some_and(|found| found.layer as usize == layer)
        };
        (
            Some(hullscan_inventory::assemble(&catalogs, &in_final)),
            hits,
        )
    } else {
        (None, 0)
    };
    Ok(Image {
        reference: reference.to_owned(),
        source,
        layout: plan.layout,
        repo_tags: plan.repo_tags,
        config_digest: plan.config_digest,
        manifest_digest: plan.manifest_digest,
        config,
        history,
        layers,
        base_layer_count,
        fs,
        analysis,
        attribution: Vec::new(),
        inventory,
        inventory_cache_hits,
    })
}

/// The layer's digests as hashed, checked against what the manifest and config state.
fn checked_digests(
    source_name: &str,
    number: usize,
    planned: &crate::resolve::PlannedLayer,
    files: &LayerIndex,
) -> Result<(Digest, Option<Digest>)> {
    let actual_blob = files
        .blob_digest
        .clone()
        .unwrap_or_else(|| Digest::of_bytes(b""));
    let actual_diff = files
        .diff_id
        .clone()
        .unwrap_or_else(|| Digest::of_bytes(b""));
    if let Some(expected) = &planned.blob_digest
        && expected != &actual_blob
    {
        return Err(ImageError::DigestMismatch {
            source_name: source_name.to_owned(),
            what: format!("layer {number} blob ({})", planned.path),
            expected: expected.to_string(),
            actual: actual_blob.to_string(),
        });
    }
    if let Some(expected) = &planned.diff_id
        && expected != &actual_diff
    {
        return Err(ImageError::DigestMismatch {
            source_name: source_name.to_owned(),
            what: format!(
                "layer {number} uncompressed content (diff ID, {})",
                planned.path
            ),
            expected: expected.to_string(),
            actual: actual_diff.to_string(),
        });
    }
    Ok((actual_diff, Some(actual_blob)))
}

/// Pairs history entries with layers: each entry without `empty_layer` made the next layer.
fn match_history(config: &ImageConfigFile, layers: &mut [Layer]) -> Vec<HistoryItem> {
    let mut next_layer = 0usize;
    let mut items = Vec::with_capacity(config.history.len());
    for (position, entry) in config.history.iter().enumerate() {
        let layer = if entry.empty_layer || next_layer >= layers.len() {
            None
        } else {
            next_layer += 1;
            layers[next_layer - 1].history = Some(position);
            Some(next_layer - 1)
        };
        items.push(HistoryItem {
            created_by: entry.created_by.clone().unwrap_or_default(),
            created: entry.created.clone(),
            comment: entry.comment.clone(),
            empty_layer: entry.empty_layer,
            layer,
        });
    }
    items
}

/// How many leading layers belong to the base image. A base image's history ends with its
/// `CMD`/`ENTRYPOINT` (an empty layer); the last such entry that is followed by more
/// layer-making entries marks the boundary. Without history, only layer 0 is the base
/// (dive's definition).
pub fn guess_base_layers(history: &[HistoryItem], layers: &[Layer]) -> usize {
    let layer_count = layers.len();
    let mut boundary = None;
    for (position, item) in history.iter().enumerate() {
        let instruction = item
            .created_by
            .trim_start_matches("/bin/sh -c #(nop) ")
            .trim_start();
        let is_final_meta = item.empty_layer
            && (instruction.starts_with("CMD") || instruction.starts_with("ENTRYPOINT"));
        if is_final_meta
            && history[position + 1..]
                .iter()
                .any(|later| later.layer.is_some())
        {
            let layers_before = history[..position]
                .iter()
                .filter(|h| h.layer.is_some())
                .count();
            boundary = Some(layers_before);
        }
    }
    boundary.unwrap_or(layer_count.min(1))
}

impl Image {
    /// The captured content of `path` in the final filesystem (only the files
    /// [`wants_content`] keeps), following symlinks and hard links.
    pub fn final_file(&self, path: &str) -> Result<Option<&[u8]>, crate::merge::ResolveError> {
        let Some(file) = self.fs.resolve(&self.layers, path)? else {
            return Ok(None);
        };
        let files = &self.layers[file.layer as usize].files;
        Ok(files.captured(file.entry))
    }

    /// Whether the configured user is root, and why: `Some(reason)` when it is.
    pub fn root_user_reason(&self) -> Option<String> {
        let user = self
            .config
            .config
            .as_ref()
            .and_then(|c| c.user.clone())
            .unwrap_or_default();
        let user = user.trim();
        if user.is_empty() {
            return Some("no USER is set, so it runs as root".to_owned());
        }
        let name = user.split(':').next().unwrap_or_default();
        if name == "root" || name.trim_start_matches('0').is_empty() {
            return Some(format!("USER is `{user}`"));
        }
        // A name that /etc/passwd maps to UID 0.
        if let Ok(Some(passwd)) = self.final_file("/etc/passwd") {
            let text = String::from_utf8_lossy(passwd);
            for line in text.lines() {
                let fields: Vec<&str> = line.split(':').collect();
                if fields.len() >= 3 && fields[0] == name && fields[2] == "0" {
                    return Some(format!("USER is `{user}`, which /etc/passwd gives UID 0"));
                }
            }
        }
        None
    }
}
