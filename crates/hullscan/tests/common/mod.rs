//! Fixture builders shared by the CLI tests.
#![allow(dead_code)]

use std::io::Write as _;
use std::path::Path;

use sha2::Digest as _;

/// Writes an OCI image layout in `dir` with one gzip layer holding `files` (path, bytes) and the
/// image config `config` (its `rootfs` is filled in), tagged `tag`.
pub fn write_oci_layout(
    dir: &Path,
    tag: &str,
    mut config: serde_json::Value,
    files: &[(&str, &[u8])],
) {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).expect("mkdir");
    let write_blob = |bytes: &[u8]| -> (String, usize) {
        let hex = hex::encode(sha2::Sha256::digest(bytes));
        std::fs::write(blobs.join(&hex), bytes).expect("write blob");
        (format!("sha256:{hex}"), bytes.len())
    };
    let mut tar = tar::Builder::new(Vec::new());
    for (path, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_entry_type(tar::EntryType::Regular);
        // Raw names, so a test can put any byte in one.
        let name = path.as_bytes();
        header.as_old_mut().name[..name.len()].copy_from_slice(name);
        header.set_cksum();
        tar.append(&header, *data).expect("tar entry");
    }
    let plain = tar.into_inner().expect("tar");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&plain).expect("gzip");
    let layer = gz.finish().expect("gzip");
    let diff_id = format!("sha256:{}", hex::encode(sha2::Sha256::digest(&plain)));
    let (layer_digest, layer_size) = write_blob(&layer);
    config["rootfs"] = serde_json::json!({"type": "layers", "diff_ids": [diff_id]});
    let config = config.to_string();
    let (config_digest, config_size) = write_blob(config.as_bytes());
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_size},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_digest, "size": layer_size}],
    })
    .to_string();
    let (manifest_digest, manifest_size) = write_blob(manifest.as_bytes());
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest, "size": manifest_size,
            "annotations": {"org.opencontainers.image.ref.name": tag}}],
    });
    std::fs::write(dir.join("index.json"), index.to_string()).expect("write");
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).expect("write");
}

/// One tar entry of [`write_oci_image`]: a regular file, or with an empty body under a `.wh.`
/// name, a whiteout. The name is written raw, so it may hold any byte (at most 100 of them).
pub type RawEntry<'a> = (&'a [u8], &'a [u8]);

/// A layer of [`write_oci_image`] as written: what the report should say about it.
#[derive(Debug)]
pub struct WrittenLayer {
    pub diff_id: String,
    pub blob_digest: String,
    pub blob_size: u64,
}

/// Writes an OCI image layout in `dir` with one layer per `(gzip, entries)` and the config
/// `config` (its `rootfs` filled in). Returns what each layer became.
pub fn write_oci_image(
    dir: &Path,
    mut config: serde_json::Value,
    layers: &[(bool, Vec<RawEntry<'_>>)],
) -> Vec<WrittenLayer> {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).expect("mkdir");
    let write_blob = |bytes: &[u8]| -> (String, usize) {
        let hex = hex::encode(sha2::Sha256::digest(bytes));
        std::fs::write(blobs.join(&hex), bytes).expect("write blob");
        (format!("sha256:{hex}"), bytes.len())
    };
    let mut written = Vec::new();
    let mut descriptors = Vec::new();
    for (gzip, entries) in layers {
        let mut tar = tar::Builder::new(Vec::new());
        for (name, data) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_mtime(0);
            header.set_entry_type(tar::EntryType::Regular);
            header.as_old_mut().name[..name.len()].copy_from_slice(name);
            header.set_cksum();
            tar.append(&header, *data).expect("tar entry");
        }
        let plain = tar.into_inner().expect("tar");
        let diff_id = format!("sha256:{}", hex::encode(sha2::Sha256::digest(&plain)));
        let (blob, media_type) = if *gzip {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&plain).expect("gzip");
            (
                gz.finish().expect("gzip"),
                "application/vnd.oci.image.layer.v1.tar+gzip",
            )
        } else {
            (plain, "application/vnd.oci.image.layer.v1.tar")
        };
        let (blob_digest, blob_size) = write_blob(&blob);
        descriptors.push(
            serde_json::json!({"mediaType": media_type, "digest": blob_digest, "size": blob_size}),
        );
        written.push(WrittenLayer {
            diff_id,
            blob_digest,
            blob_size: blob_size as u64,
        });
    }
    let diff_ids: Vec<&str> = written.iter().map(|l| l.diff_id.as_str()).collect();
    config["rootfs"] = serde_json::json!({"type": "layers", "diff_ids": diff_ids});
    let config = config.to_string();
    let (config_digest, config_size) = write_blob(config.as_bytes());
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_size},
        "layers": descriptors,
    })
    .to_string();
    let (manifest_digest, manifest_size) = write_blob(manifest.as_bytes());
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest, "size": manifest_size}],
    });
    std::fs::write(dir.join("index.json"), index.to_string()).expect("write");
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).expect("write");
    written
}

/// What a finished `hullscan` run printed, and its exit code (-1 when killed by a signal).
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `command` to the end and keeps its output as text.
pub fn run(command: &mut assert_cmd::Command) -> Run {
    let output = command.output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The `hullscan` binary, run in `dir` without colours.
pub fn hullscan_in(dir: &Path) -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("hullscan").unwrap();
    command.current_dir(dir).env("NO_COLOR", "1");
    command
}
