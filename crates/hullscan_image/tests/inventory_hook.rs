//! The inventory's place in `model::load`: per-layer catalogs come from the cache when it has
//! the layer's diff ID, are made from the layer's bytes otherwise (and then offered to the
//! cache), and none of it happens when the inventory is off.

use std::path::Path;
use std::sync::Mutex;

use hullscan_image::digest::Digest;
use hullscan_image::{InventoryCache, InventoryOptions, ReadOptions};
use hullscan_inventory::{CatalogedFile, LayerCatalog};

fn layer(path: &str, content: &[u8]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(content.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    builder.append_data(&mut header, path, content).unwrap();
    builder.into_inner().unwrap()
}

/// An OCI layout of uncompressed layers; returns the diff IDs.
fn write_layout(dir: &Path, layers: &[Vec<u8>]) -> Vec<Digest> {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    let mut descriptors = Vec::new();
    let mut diff_ids = Vec::new();
    for tar in layers {
        let digest = Digest::of_bytes(tar);
        std::fs::write(blobs.join(digest.hex()), tar).unwrap();
        descriptors.push(
            serde_json::json!({"mediaType": "application/vnd.oci.image.layer.v1.tar",
            "digest": digest.to_string(), "size": tar.len()}),
        );
        diff_ids.push(digest);
    }
    let ids: Vec<String> = diff_ids.iter().map(Digest::to_string).collect();
    let config = serde_json::json!({"architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": ids}})
    .to_string();
    let config_digest = Digest::of_bytes(config.as_bytes());
    std::fs::write(blobs.join(config_digest.hex()), &config).unwrap();
    let manifest = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest.to_string(), "size": config.len()},
        "layers": descriptors})
    .to_string();
    let manifest_digest = Digest::of_bytes(manifest.as_bytes());
    std::fs::write(blobs.join(manifest_digest.hex()), &manifest).unwrap();
    let index = serde_json::json!({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": manifest_digest.to_string(), "size": manifest.len()}]});
    std::fs::write(dir.join("index.json"), index.to_string()).unwrap();
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    diff_ids
}

/// Knows one layer; records every question and every offer.
struct Recorder {
    known: Digest,
    asked: Mutex<Vec<Digest>>,
    offered: Mutex<Vec<Digest>>,
}

impl InventoryCache for Recorder {
    fn get(&self, diff_id: &Digest) -> Option<LayerCatalog> {
        self.asked.lock().unwrap().push(diff_id.clone());
        (diff_id == &self.known).then(|| LayerCatalog {
            files: vec![CatalogedFile {
                path: "var/lib/dpkg/status".to_owned(),
                ..CatalogedFile::default()
            }],
        })
    }

    fn put(&self, diff_id: &Digest, _catalog: &LayerCatalog) {
        self.offered.lock().unwrap().push(diff_id.clone());
    }
}

#[test]
fn cached_layers_are_reused_and_new_ones_offered() {
    let work = tempfile::tempdir().unwrap();
    let diff_ids = write_layout(
        work.path(),
        &[
            layer("var/lib/dpkg/status", b"Package: a\n"),
            layer("srv/app/package.json", b"{}"),
        ],
    );
    let cache = Recorder {
        known: diff_ids[0].clone(),
        asked: Mutex::new(Vec::new()),
        offered: Mutex::new(Vec::new()),
    };
    let options = ReadOptions {
        inventory: InventoryOptions {
            cache: Some(&cache),
            ..InventoryOptions::default()
        },
        ..ReadOptions::default()
    };
    let name = work.path().display().to_string();
    let image = hullscan_image::read_path(&name, work.path(), None, &options).unwrap();
    assert!(image.inventory.is_some());
    assert_eq!(image.inventory_cache_hits, 1);
    let mut asked = cache.asked.lock().unwrap().clone();
    asked.sort_by_key(Digest::to_string);
    let mut expected = diff_ids.clone();
    expected.sort_by_key(Digest::to_string);
    assert_eq!(asked, expected);
    assert_eq!(*cache.offered.lock().unwrap(), [diff_ids[1].clone()]);

    // Off: no inventory, no cache traffic.
    let quiet = Recorder {
        known: diff_ids[0].clone(),
        asked: Mutex::new(Vec::new()),
        offered: Mutex::new(Vec::new()),
    };
    let options = ReadOptions {
        inventory: InventoryOptions {
            enabled: false,
            cache: Some(&quiet),
            ..InventoryOptions::default()
        },
        ..ReadOptions::default()
    };
    let image = hullscan_image::read_path(&name, work.path(), None, &options).unwrap();
    assert!(image.inventory.is_none());
    assert!(quiet.asked.lock().unwrap().is_empty() && quiet.offered.lock().unwrap().is_empty());
}
