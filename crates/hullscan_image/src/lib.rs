//! The model of a container image for hullscan: reads an image through
//! `hullscan_image_source` (which streams each layer once, digests verified), merges the layers
//! with whiteouts applied, attributes layers to Dockerfile lines, and computes the size analyses
//! (dive-compatible and corrected). The rules that judge the model are in `hullscan_image_rules`.

pub mod analysis;
pub mod dockerfile;
pub mod merge;
pub mod model;

// The byte-reading modules, re-exported so `hullscan_image::layer::…` keeps naming them.
pub use hullscan_image_source::{
    ImageError, ImageRef, Platform, Result, Selection, daemon, digest, error, layer, pin, registry,
    resolve, spec, store,
};
pub use model::{
    AnalysisOptions, Image, InventoryCache, InventoryOptions, ReadOptions, SourceKind,
};

use std::path::Path;

/// Opens a layout already on disk (directory or tar) and reads the image.
pub fn read_path(
    reference: &str,
    path: &Path,
    tag: Option<String>,
    options: &ReadOptions<'_>,
) -> Result<Image> {
    let mut selection = options.selection.clone();
    if tag.is_some() {
        selection.tag = tag;
    }
    if path.metadata().is_ok_and(|m| !m.is_dir() && !m.is_file()) {
        // A FIFO or `/dev/stdin` cannot be read in place: read it once, front to back.
        return read_stream_selecting(reference, path, &selection, options);
    }
    if path.is_dir() {
        let store = store::DirStore::new(path);
        let plan = resolve::plan(&store, &selection, options.limits.max_json_bytes)?;
        model::load(&store, plan, reference, SourceKind::OciDirectory, options)
    } else {
        let store = store::TarStore::open(path)?;
        let plan = resolve::plan(&store, &selection, options.limits.max_json_bytes)?;
        model::load(&store, plan, reference, SourceKind::Archive, options)
    }
}

/// Reads `docker save` of `name` straight from the daemon's export stream.
pub fn read_daemon(name: &str, options: &ReadOptions<'_>) -> Result<Image> {
    let body = daemon::export(name)?;
    // The export streams before its manifest says which layer is which, so every layer is
    // cataloged (the cache cannot be asked first).
    let inventory = model::InventoryVisitor {
        max_file_bytes: options.inventory.max_file_bytes,
    };
    let mut content = layer::ContentPlan::capture_only(&model::wants_content);
    if options.inventory.enabled {
        content.visitors.push(&inventory);
    }
    let store = store::StreamedStore::consume(
        &format!("docker daemon ({name})"),
        body,
        &options.limits,
        &content,
        options.progress,
    )?;
    let mut selection = options.selection.clone();
    if selection.tag.is_none() && name.contains(':') && !name.starts_with("sha256:") {
        selection.tag = Some(name.to_owned());
    }
    let plan = match resolve::plan(&store, &selection, options.limits.max_json_bytes) {
        Ok(plan) => plan,
        // The daemon may have normalised the name (`busybox` → `busybox:latest`).
        Err(_) if selection.tag.is_some() => {
            selection.tag = None;
            resolve::plan(&store, &selection, options.limits.max_json_bytes)?
        }
        Err(err) => return Err(err),
    };
    model::load(&store, plan, name, SourceKind::Daemon, options)
}

/// Reads a `docker save` or OCI archive from a stream (`-` is standard input), front to back,
/// without seeking: the same reader as the daemon's export.
pub fn read_stream(reference: &str, path: &Path, options: &ReadOptions<'_>) -> Result<Image> {
    read_stream_selecting(reference, path, &options.selection, options)
}

fn read_stream_selecting(
    reference: &str,
    path: &Path,
    selection: &Selection,
    options: &ReadOptions<'_>,
) -> Result<Image> {
    let (name, stream): (String, Box<dyn std::io::Read>) = if path == Path::new("-") {
        (
            "standard input".to_owned(),
            Box::new(std::io::stdin().lock()),
        )
    } else {
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|err| ImageError::Io {
            path: name.clone(),
            source: err,
        })?;
        (name, Box::new(file))
    };
    // A stream names its layers only at its end, so every layer is cataloged.
    let inventory = model::InventoryVisitor {
        max_file_bytes: options.inventory.max_file_bytes,
    };
    let mut content = layer::ContentPlan::capture_only(&model::wants_content);
    if options.inventory.enabled {
        content.visitors.push(&inventory);
    }
    let store = store::StreamedStore::consume(
        &name,
        std::io::BufReader::with_capacity(256 * 1024, stream),
        &options.limits,
        &content,
        options.progress,
    )?;
    let plan = resolve::plan(&store, selection, options.limits.max_json_bytes)?;
    model::load(&store, plan, reference, SourceKind::Archive, options)
}

/// Pulls `name` from its registry: manifests and config first, then every layer streamed
/// (in parallel) into the layer reader.
pub fn read_registry(name: &str, options: &ReadOptions<'_>) -> Result<Image> {
    let image_ref = registry::RegistryRef::parse(name).ok_or_else(|| ImageError::Format {
        source_name: name.to_owned(),
        message: "not a valid image reference (expected [registry/]repository[:tag|@sha256:…])"
            .to_owned(),
    })?;
    let store = registry::RegistryStore::open(image_ref, &options.registry)?;
    let plan = resolve::plan(&store, &options.selection, options.limits.max_json_bytes)?;
    model::load(&store, plan, name, SourceKind::Registry, options)
}

/// Reads whatever `reference` names. Returns the image and a note on which source was used.
pub fn open(reference: &str, options: &ReadOptions<'_>) -> Result<(Image, String)> {
    match ImageRef::parse(reference) {
        ImageRef::Archive(path) => {
            let image = read_path(reference, &path, None, options)?;
            let note = format!(
                "read {} from archive {}",
                image.layout.as_str(),
                path.display()
            );
            Ok((image, note))
        }
        ImageRef::OciDir(path, tag) => {
            let image = read_path(reference, &path, tag, options)?;
            let note = format!("read {} from {}", image.layout.as_str(), path.display());
            Ok((image, note))
        }
        ImageRef::Stream(path) => {
            let image = read_stream(reference, &path, options)?;
            let note = format!(
                "read {} from the stream {}",
                image.layout.as_str(),
                if path == Path::new("-") {
                    "standard input".to_owned()
                } else {
                    path.display().to_string()
                }
            );
            Ok((image, note))
        }
        ImageRef::Daemon(name) => {
            let image = read_daemon(&name, options)?;
            Ok((image, format!("read {name} from the docker daemon")))
        }
        ImageRef::Registry(name) => {
            let image = read_registry(&name, options)?;
            Ok((image, format!("pulled {name} from its registry")))
        }
        ImageRef::Name(name) => {
            let daemon = daemon::has_image(&name);
            if let Ok(true) = daemon {
                let image = read_daemon(&name, options)?;
                return Ok((image, format!("read {name} from the docker daemon")));
            }
            let why = match daemon {
                Ok(_) => "the docker daemon has no such image".to_owned(),
                Err(err) => format!("the docker daemon is not reachable ({err})"),
            };
            if !options.allow_network {
                return Err(ImageError::Format {
                    source_name: name,
                    message: format!(
                        "not a file or directory, and {why}; pass --remote to pull it from its registry"
                    ),
                });
            }
            let image = read_registry(&name, options)?;
            Ok((image, format!("{why}; pulled {name} from its registry")))
        }
    }
}
