//! Finds the image inside a layout: which manifest, which config, which layer files, and the
//! digests each must have.

use crate::digest::Digest;
use crate::error::{ImageError, Result};
use crate::spec::{DockerSaveEntry, Index, MEDIA_DOCKER_LIST, MEDIA_OCI_INDEX, Manifest, Platform};
use crate::store::BlobStore;

/// Which image to pick when a layout holds several.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// `os/arch[/variant]`; default: the host's, when an index offers a choice.
    pub platform: Option<Platform>,
    /// A tag (`repo:tag`, or the OCI `ref.name` annotation) to pick among several images.
    pub tag: Option<String>,
}

/// A layer to read: where its blob is and what it must hash to.
#[derive(Clone, Debug)]
pub struct PlannedLayer {
    pub path: String,
    /// The blob's digest, when the layout names blobs by digest (OCI).
    pub blob_digest: Option<Digest>,
    /// The uncompressed digest from the config's `rootfs.diff_ids`.
    pub diff_id: Option<Digest>,
    pub media_type: String,
    /// The blob's size as the manifest declares it (OCI descriptors carry one; `docker save`'s
    /// manifest.json does not).
    pub declared_size: Option<u64>,
}

/// Everything needed to read the image's layers.
#[derive(Clone, Debug)]
pub struct Plan {
    pub layout: Layout,
    pub config_bytes: Vec<u8>,
    pub config_digest: Digest,
    pub manifest_digest: Option<Digest>,
    pub repo_tags: Vec<String>,
    pub layers: Vec<PlannedLayer>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `docker save` before Docker 25: `<id>/layer.tar`, `<config>.json`, `manifest.json`.
    DockerSaveLegacy,
    /// `docker save` from Docker 25 on: an OCI layout plus `manifest.json`.
    DockerSaveOci,
    /// An OCI image layout (`oci-layout`, `index.json`, `blobs/`).
    Oci,
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::DockerSaveLegacy => "docker-save (legacy layout)",
            Layout::DockerSaveOci => "docker-save (OCI layout)",
            Layout::Oci => "OCI layout",
        }
    }
}

pub fn blob_path(digest: &Digest) -> String {
    format!("blobs/sha256/{}", digest.hex())
}

fn parse_json<T: serde::de::DeserializeOwned>(
    store: &dyn BlobStore,
    what: &str,
    bytes: &[u8],
) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|err| ImageError::Json {
        source_name: store.name().to_owned(),
        what: what.to_owned(),
        message: err.to_string(),
    })
}

fn parse_digest(store: &dyn BlobStore, what: &str, text: &str) -> Result<Digest> {
    Digest::parse(text).ok_or_else(|| {
        ImageError::format(
            store.name(),
            format!(
                "{what} has an unsupported or malformed digest `{text}` (expected sha256:<64 hex>)"
            ),
        )
    })
}

/// Reads a blob by digest and checks it hashes to that digest.
fn read_verified(
    store: &dyn BlobStore,
    digest: &Digest,
    declared_size: i64,
    what: &str,
    limit: u64,
) -> Result<Vec<u8>> {
    let bytes = store
        .read_small(&blob_path(digest), limit)
        .map_err(|err| match err {
            ImageError::MissingBlob { source_name, .. } => ImageError::MissingBlob {
                source_name,
                digest: format!("{digest} ({what})"),
            },
            other => other,
        })?;
    let actual = Digest::of_bytes(&bytes);
    if &actual != digest {
        return Err(ImageError::DigestMismatch {
            source_name: store.name().to_owned(),
            what: what.to_owned(),
            expected: digest.to_string(),
            actual: actual.to_string(),
        });
    }
    // A descriptor's size must match the blob (0: a descriptor that left it out).
    if declared_size != 0 && u64::try_from(declared_size).ok() != Some(bytes.len() as u64) {
        return Err(ImageError::format(
            store.name(),
            format!(
                "{what} {digest} is {} bytes, but its descriptor says {declared_size}",
                bytes.len()
            ),
        ));
    }
    Ok(bytes)
}

/// The host platform as OCI spells it.
pub fn host_platform() -> Platform {
    let architecture = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        other => other,
    };
    Platform {
        architecture: architecture.to_owned(),
        os: "linux".to_owned(),
        variant: None,
    }
}

pub fn plan(store: &dyn BlobStore, selection: &Selection, json_limit: u64) -> Result<Plan> {
    if store.exists("manifest.json") {
        plan_docker_save(store, selection, json_limit)
    } else if store.exists("index.json") {
        plan_oci(store, selection, json_limit)
    } else {
        Err(ImageError::format(
            store.name(),
            "not an image: found neither manifest.json (docker save) nor index.json (OCI layout)",
        ))
    }
}

fn plan_docker_save(store: &dyn BlobStore, selection: &Selection, limit: u64) -> Result<Plan> {
    let bytes = store.read_small("manifest.json", limit)?;
    let entries: Vec<DockerSaveEntry> = parse_json(store, "manifest.json", &bytes)?;
    let entry = match &selection.tag {
        Some(tag) => entries
            .iter()
            .find(|e| e.repo_tags.iter().flatten().any(|t| t == tag))
            .ok_or_else(|| {
                ImageError::format(
                    store.name(),
                    format!("no image tagged `{tag}` in manifest.json"),
                )
            })?,
        None => entries
            .first()
            .ok_or_else(|| ImageError::format(store.name(), "manifest.json lists no image"))?,
    };
    let oci = entry.config.starts_with("blobs/");
    let config_bytes = store.read_small(&entry.config, limit)?;
    let config_digest = Digest::of_bytes(&config_bytes);
    // The config's name is its digest in both layouts (`<hex>.json` or `blobs/sha256/<hex>`).
    let named_hex = entry
        .config
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .trim_end_matches(".json");
    if named_hex.len() == 64 && named_hex != config_digest.hex() {
        return Err(ImageError::DigestMismatch {
            source_name: store.name().to_owned(),
            what: format!("config {}", entry.config),
            expected: format!("sha256:{named_hex}"),
            actual: config_digest.to_string(),
        });
    }
    let config: crate::spec::ImageConfigFile = parse_json(store, &entry.config, &config_bytes)?;
    let diff_ids = diff_ids(store, &config)?;
    if diff_ids.len() != entry.layers.len() {
        return Err(ImageError::format(
            store.name(),
            format!(
                "manifest.json lists {} layers but the config's rootfs lists {} diff IDs",
                entry.layers.len(),
                diff_ids.len()
            ),
        ));
    }
    let layers = entry
        .layers
        .iter()
        .zip(diff_ids)
        .map(|(path, diff_id)| PlannedLayer {
            path: path.clone(),
            blob_digest: path
                .strip_prefix("blobs/sha256/")
                .and_then(|hex| Digest::parse(&format!("sha256:{hex}"))),
            diff_id: Some(diff_id),
            media_type: String::new(),
            declared_size: None,
        })
        .collect();
    Ok(Plan {
        layout: if oci {
            Layout::DockerSaveOci
        } else {
            Layout::DockerSaveLegacy
        },
        config_bytes,
        config_digest,
        manifest_digest: None,
        repo_tags: entry.repo_tags.clone().unwrap_or_default(),
        layers,
    })
}

fn diff_ids(store: &dyn BlobStore, config: &crate::spec::ImageConfigFile) -> Result<Vec<Digest>> {
    config
        .rootfs
        .as_ref()
        .map(|rootfs| rootfs.diff_ids.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|text| parse_digest(store, "a diff ID in the config", text))
        .collect()
}

fn is_index(media_type: &str) -> bool {
    media_type == MEDIA_OCI_INDEX || media_type == MEDIA_DOCKER_LIST
}

fn plan_oci(store: &dyn BlobStore, selection: &Selection, limit: u64) -> Result<Plan> {
    let bytes = store.read_small("index.json", limit)?;
    let index: Index = parse_json(store, "index.json", &bytes)?;
    let mut candidates = index.manifests;
    if let Some(tag) = &selection.tag {
        let tagged: Vec<_> = candidates
            .iter()
            .filter(|d| {
                d.annotations
                    .get("org.opencontainers.image.ref.name")
                    .is_some_and(|name| name == tag || tag.ends_with(&format!(":{name}")))
                    || d.annotations
                        .get("io.containerd.image.name")
                        .is_some_and(|name| name == tag)
            })
            .cloned()
            .collect();
        if tagged.is_empty() {
            return Err(ImageError::format(
                store.name(),
                format!("no manifest in index.json is tagged `{tag}`"),
            ));
        }
        candidates = tagged;
    }
    // Walk nested indexes (a Docker 25 save or a multi-platform image) down to one manifest.
    for _depth in 0..4 {
        let chosen = choose(store, &candidates, selection)?;
        let digest = parse_digest(store, "a manifest descriptor", &chosen.digest)?;
        let bytes = read_verified(store, &digest, chosen.size, "manifest", limit)?;
        let value: serde_json::Value = parse_json(store, "manifest", &bytes)?;
        let media_type = value
            .get("mediaType")
            .and_then(|v| v.as_str())
            .unwrap_or(&chosen.media_type)
            .to_owned();
        if is_index(&media_type)
            || (value.get("manifests").is_some() && value.get("layers").is_none())
        {
            let nested: Index = parse_json(store, "nested index", &bytes)?;
            candidates = nested.manifests;
            continue;
        }
        let manifest: Manifest = parse_json(store, "manifest", &bytes)?;
        let config_digest = parse_digest(store, "the config descriptor", &manifest.config.digest)?;
        let config_bytes =
            read_verified(store, &config_digest, manifest.config.size, "config", limit)?;
        let config: crate::spec::ImageConfigFile = parse_json(store, "config", &config_bytes)?;
        let diff_ids = diff_ids(store, &config)?;
        if diff_ids.len() != manifest.layers.len() {
            return Err(ImageError::format(
                store.name(),
                format!(
                    "the manifest lists {} layers but the config's rootfs lists {} diff IDs",
                    manifest.layers.len(),
                    diff_ids.len()
                ),
            ));
        }
        let mut layers = Vec::with_capacity(manifest.layers.len());
        for (descriptor, diff_id) in manifest.layers.iter().zip(diff_ids) {
            let blob_digest = parse_digest(store, "a layer descriptor", &descriptor.digest)?;
            layers.push(PlannedLayer {
                path: blob_path(&blob_digest),
                blob_digest: Some(blob_digest),
                diff_id: Some(diff_id),
                media_type: descriptor.media_type.clone(),
                declared_size: if descriptor.size == 0 {
                    None
                } else {
                    Some(u64::try_from(descriptor.size).map_err(|_| {
                        ImageError::format(
                            store.name(),
                            format!(
                                "layer descriptor {} has a negative size {}",
                                descriptor.digest, descriptor.size
                            ),
                        )
                    })?)
                },
            });
        }
        let repo_tags = chosen
            .annotations
            .get("io.containerd.image.name")
            .or_else(|| chosen.annotations.get("org.opencontainers.image.ref.name"))
            .cloned()
            .into_iter()
            .collect();
        let layout = if store.exists("manifest.json") {
            Layout::DockerSaveOci
        } else {
            Layout::Oci
        };
        return Ok(Plan {
            layout,
            config_bytes,
            config_digest,
            manifest_digest: Some(digest),
            repo_tags,
            layers,
        });
    }
    Err(ImageError::format(
        store.name(),
        "indexes nested more than 4 deep",
    ))
}

fn choose<'a>(
    store: &dyn BlobStore,
    candidates: &'a [crate::spec::Descriptor],
    selection: &Selection,
) -> Result<&'a crate::spec::Descriptor> {
    // Attestation manifests (BuildKit provenance/SBOM) carry platform unknown/unknown.
    let real: Vec<&crate::spec::Descriptor> = candidates
        .iter()
        .filter(|d| {
            !d.annotations.contains_key("vnd.docker.reference.type")
                && d.platform.as_ref().is_none_or(|p| p.os != "unknown")
        })
        .collect();
    if real.is_empty() {
        return Err(ImageError::format(
            store.name(),
            "the index lists no image manifest",
        ));
    }
    if real.len() == 1 && selection.platform.is_none() {
        return Ok(real[0]);
    }
    let wanted = selection.platform.clone().unwrap_or_else(host_platform);
    let with_platform: Vec<_> = real.iter().filter(|d| d.platform.is_some()).collect();
    if with_platform.is_empty() {
        // No platform information: a single-platform layout with several tags. Take the first.
        return Ok(real[0]);
    }
    with_platform
        .iter()
        .find(|d| d.platform.as_ref().is_some_and(|p| p.matches(&wanted)))
        .map(|d| **d)
        .ok_or_else(|| {
            let available: Vec<String> = with_platform
                .iter()
                .filter_map(|d| d.platform.as_ref().map(ToString::to_string))
                .collect();
            ImageError::format(
                store.name(),
                format!(
                    "no manifest for platform {wanted}; available: {} (choose with --platform)",
                    available.join(", ")
                ),
            )
        })
}
