//! HS605: a secret build argument is recorded on every RUN after its `ARG`; the image gets one
//! finding for it, at the first history entry, with the later entries as related locations.

mod common;

use std::path::Path;

use common::{findings, with_code};
use hullscan_image::ReadOptions;
use hullscan_image::digest::Digest;

/// An OCI layout with one empty layer and these history entries (all empty layers but the
/// first).
fn layout(dir: &Path, history: &[&str]) {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    let tar = vec![0u8; 1024];
    let digest = Digest::of_bytes(&tar);
    std::fs::write(blobs.join(digest.hex()), &tar).unwrap();
    let history: Vec<serde_json::Value> = history
        .iter()
        .enumerate()
        .map(|(index, created_by)| {
            serde_json::json!({"created_by": created_by, "empty_layer": index > 0})
        })
        .collect();
    let config = serde_json::json!({"architecture": "amd64", "os": "linux",
        "config": {"User": "10001"}, "history": history,
        "rootfs": {"type": "layers", "diff_ids": [digest.to_string()]}})
    .to_string();
    let config_digest = Digest::of_bytes(config.as_bytes());
    std::fs::write(blobs.join(config_digest.hex()), &config).unwrap();
    let manifest = serde_json::json!({"schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config_digest.to_string(), "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
            "digest": digest.to_string(), "size": tar.len()}]})
    .to_string();
    let manifest_digest = Digest::of_bytes(manifest.as_bytes());
    std::fs::write(blobs.join(manifest_digest.hex()), &manifest).unwrap();
    let index = serde_json::json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": manifest_digest.to_string(), "size": manifest.len()}]});
    std::fs::write(dir.join("index.json"), index.to_string()).unwrap();
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
}

#[test]
fn a_build_argument_on_every_run_is_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    layout(
        dir.path(),
        &[
            "ADD rootfs.tar /",
            "RUN |1 NPM_TOKEN=npm_s3cr3tvalue0 /bin/sh -c npm ci",
            "RUN |1 NPM_TOKEN=npm_s3cr3tvalue0 /bin/sh -c npm run build",
            "RUN |1 NPM_TOKEN=npm_s3cr3tvalue0 /bin/sh -c npm prune",
        ],
    );
    let image = hullscan_image::read_path(
        &dir.path().display().to_string(),
        dir.path(),
        None,
        &ReadOptions::default(),
    )
    .unwrap();
    let found = findings(&image);
    let history = with_code(&found, "HS605");
    assert_eq!(history.len(), 1, "{history:#?}");
    assert!(
        history[0].message.contains("history entry 1"),
        "{}",
        history[0].message
    );
    let again = history[0]
        .related
        .iter()
        .filter(|related| related.message.contains("records it again"))
        .count();
    assert_eq!(again, 2, "{:#?}", history[0].related);
}
