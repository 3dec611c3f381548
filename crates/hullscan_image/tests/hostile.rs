//! Hostile and broken images: each gets a clear error or a finding, never a panic, never a
//! write outside the temp dir, in bounded time and memory. These layouts are written by hand
//! on purpose: no honest tool produces them.

mod common;

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{codes, findings, with_code};
use flate2::write::GzEncoder;
use hullscan_image::digest::Digest;
use hullscan_image::layer::Limits;
use hullscan_image::{ImageError, ReadOptions};

/// A tar with raw names (the `tar` builder refuses `..`, which is the point).
struct RawTar(Vec<u8>);

impl RawTar {
    fn new() -> RawTar {
        RawTar(Vec::new())
    }

    fn entry(
        &mut self,
        name: &str,
        kind: tar::EntryType,
        link: &str,
        data: &[u8],
        mode: u32,
    ) -> &mut Self {
        let mut header = tar::Header::new_ustar();
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        header.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
        header.set_entry_type(kind);
        header.set_size(data.len() as u64);
        header.set_mode(mode);
        header.set_mtime(0);
        header.set_cksum();
        self.0.extend_from_slice(header.as_bytes());
        self.0.extend_from_slice(data);
        let pad = (512 - data.len() % 512) % 512;
        self.0.extend(std::iter::repeat_n(0u8, pad));
        self
    }

    fn file(&mut self, name: &str, data: &[u8]) -> &mut Self {
        self.entry(name, tar::EntryType::Regular, "", data, 0o644)
    }

    fn finish(&mut self) -> Vec<u8> {
        let mut bytes = std::mem::take(&mut self.0);
        bytes.extend(std::iter::repeat_n(0u8, 1024));
        bytes
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Writes an OCI layout; `layers` are (blob bytes, uncompressed tar bytes).
fn layout(dir: &Path, layers: &[(Vec<u8>, Vec<u8>)]) -> (String, Vec<String>) {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    let mut descriptors = Vec::new();
    let mut diff_ids = Vec::new();
    let mut layer_digests = Vec::new();
    for (blob, plain) in layers {
        let digest = Digest::of_bytes(blob);
        std::fs::write(blobs.join(digest.hex()), blob).unwrap();
        descriptors.push(serde_json::json!({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest.to_string(), "size": blob.len()}));
        diff_ids.push(Digest::of_bytes(plain).to_string());
        layer_digests.push(digest.hex().to_owned());
    }
    let config =
        serde_json::json!({"architecture": "amd64", "os": "linux", "config": {"User": "10001"},
        "rootfs": {"type": "layers", "diff_ids": diff_ids}})
        .to_string();
    let config_digest = Digest::of_bytes(config.as_bytes());
    std::fs::write(blobs.join(config_digest.hex()), &config).unwrap();
    let manifest = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest.to_string(), "size": config.len()},
        "layers": descriptors}).to_string();
    let manifest_digest = Digest::of_bytes(manifest.as_bytes());
    std::fs::write(blobs.join(manifest_digest.hex()), &manifest).unwrap();
    let index = serde_json::json!({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": manifest_digest.to_string(), "size": manifest.len()}]});
    std::fs::write(dir.join("index.json"), index.to_string()).unwrap();
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    (config_digest.hex().to_owned(), layer_digests)
}

fn gz_layer(tar: Vec<u8>) -> (Vec<u8>, Vec<u8>) {
    (gzip(&tar), tar)
}

fn open_dir(dir: &Path, limits: Limits) -> Result<hullscan_image::Image, ImageError> {
    let options = ReadOptions {
        limits,
        ..ReadOptions::default()
    };
    hullscan_image::read_path(&dir.display().to_string(), dir, None, &options)
}

#[test]
fn traversal_and_absolute_names_are_findings_and_nothing_is_written() {
    let work = tempfile::tempdir().unwrap();
    let marker = format!("hullscan-evil-{}", std::process::id());
    let tar = RawTar::new()
        .file(&format!("../../../../tmp/{marker}"), b"owned")
        .file("/abs/file", b"x")
        .entry(
            "etc/link",
            tar::EntryType::Link,
            "../../../etc/hostname",
            b"",
            0o644,
        )
        .file("etc/passwd", b"root:x:0:0::/root:/bin/sh\n")
        .finish();
    layout(work.path(), &[gz_layer(tar)]);
    let image = open_dir(work.path(), Limits::default()).unwrap();
    let found = findings(&image);
    let suspicious = with_code(&found, "HS615");
    let messages: Vec<&str> = suspicious.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("climbs out of the root") && m.contains(&marker)),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("absolute name")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("hard link")),
        "{messages:?}"
    );
    // The traversal is clamped to the root, never followed outside it.
    assert!(
        image
            .fs
            .lookup_exact(&image.layers, &format!("tmp/{marker}"))
            .is_some()
    );
    assert!(!Path::new("/tmp").join(&marker).exists());
}

#[test]
fn symlink_loop_is_a_finding() {
    let work = tempfile::tempdir().unwrap();
    let tar = RawTar::new()
        .entry("etc/passwd", tar::EntryType::Symlink, "/etc/a", b"", 0o777)
        .entry("etc/a", tar::EntryType::Symlink, "b", b"", 0o777)
        .entry("etc/b", tar::EntryType::Symlink, "a", b"", 0o777)
        .finish();
    layout(work.path(), &[gz_layer(tar)]);
    let image = open_dir(work.path(), Limits::default()).unwrap();
    let found = findings(&image);
    let loops = with_code(&found, "HS615");
    assert!(
        loops
            .iter()
            .any(|d| d.message.contains("/etc/passwd") && d.message.contains("symlink loop")),
        "{found:#?}"
    );
}

#[test]
fn tar_bomb_of_entries_stops_at_the_limit() {
    let work = tempfile::tempdir().unwrap();
    let mut tar = RawTar::new();
    for i in 0..20_000 {
        tar.file(&format!("f/{i}"), b"");
    }
    layout(work.path(), &[gz_layer(tar.finish())]);
    let limits = Limits {
        max_layer_entries: 10_000,
        ..Limits::default()
    };
    let err = open_dir(work.path(), limits).unwrap_err();
    assert!(matches!(err, ImageError::LimitExceeded { .. }), "{err}");
    assert!(err.to_string().contains("entry count"), "{err}");
}

#[test]
fn gzip_bomb_stops_at_the_limit_quickly() {
    let work = tempfile::tempdir().unwrap();
    // One 256 MiB file of zeros: ~250 KB of gzip.
    let size: u64 = 256 << 20;
    let mut header = tar::Header::new_gnu();
    header.set_path("zeros").unwrap();
    header.set_size(size);
    header.set_mode(0o644);
    header.set_cksum();
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(header.as_bytes()).unwrap();
    std::io::copy(&mut std::io::repeat(0).take_bytes(size), &mut encoder).unwrap();
    encoder.write_all(&[0u8; 1024]).unwrap();
    let blob = encoder.finish().unwrap();
    assert!(blob.len() < 2 << 20);
    layout(work.path(), &[(blob, Vec::new())]);
    let limits = Limits {
        max_layer_bytes: 16 << 20,
        ..Limits::default()
    };
    let started = Instant::now();
    let err = open_dir(work.path(), limits).unwrap_err();
    assert!(matches!(err, ImageError::LimitExceeded { .. }), "{err}");
    assert!(err.to_string().contains("uncompressed"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

trait TakeBytes: std::io::Read + Sized {
    fn take_bytes(self, n: u64) -> std::io::Take<Self> {
        self.take(n)
    }
}
impl<R: std::io::Read> TakeBytes for R {}

#[test]
fn missing_blob_is_named() {
    let work = tempfile::tempdir().unwrap();
    let (_, layers) = layout(
        work.path(),
        &[gz_layer(RawTar::new().file("a", b"1").finish())],
    );
    std::fs::remove_file(work.path().join("blobs/sha256").join(&layers[0])).unwrap();
    let err = open_dir(work.path(), Limits::default()).unwrap_err();
    assert!(matches!(err, ImageError::MissingBlob { .. }), "{err}");
    assert!(err.to_string().contains(&layers[0]), "{err}");
}

#[test]
fn digest_mismatch_is_reported() {
    let work = tempfile::tempdir().unwrap();
    let (_, layers) = layout(
        work.path(),
        &[gz_layer(RawTar::new().file("a", b"1").finish())],
    );
    // Same name, other content: the blob no longer matches its digest.
    std::fs::write(
        work.path().join("blobs/sha256").join(&layers[0]),
        gzip(&RawTar::new().file("a", b"2").finish()),
    )
    .unwrap();
    let err = open_dir(work.path(), Limits::default()).unwrap_err();
    assert!(matches!(err, ImageError::DigestMismatch { .. }), "{err}");
    assert!(err.to_string().contains("layer 0 blob"), "{err}");
}

#[test]
fn diff_id_mismatch_is_reported() {
    let work = tempfile::tempdir().unwrap();
    let tar = RawTar::new().file("a", b"1").finish();
    let other = RawTar::new().file("a", b"2").finish();
    // The config claims the diff ID of other content.
    layout(work.path(), &[(gzip(&tar), other)]);
    let err = open_dir(work.path(), Limits::default()).unwrap_err();
    assert!(err.to_string().contains("diff ID"), "{err}");
}

#[test]
fn malformed_json_names_the_document() {
    let work = tempfile::tempdir().unwrap();
    layout(
        work.path(),
        &[gz_layer(RawTar::new().file("a", b"1").finish())],
    );
    std::fs::write(work.path().join("index.json"), "{\"manifests\": [").unwrap();
    let err = open_dir(work.path(), Limits::default()).unwrap_err();
    assert!(matches!(err, ImageError::Json { .. }), "{err}");
    assert!(
        err.to_string().contains("index.json is not valid JSON"),
        "{err}"
    );

    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("manifest.json"), "[{\"Config\": 3}]").unwrap();
    let err = open_dir(work.path(), Limits::default()).unwrap_err();
    assert!(
        err.to_string().contains("manifest.json is not valid JSON"),
        "{err}"
    );
}

#[test]
fn truncated_layer_and_archive_are_errors() {
    let work = tempfile::tempdir().unwrap();
    let mut tar = RawTar::new();
    for i in 0..200 {
        tar.file(&format!("f{i}"), &vec![i as u8; 3000]);
    }
    let plain = tar.finish();
    let blob = gzip(&plain);
    let cut = blob[..blob.len() / 2].to_vec();
    layout(work.path(), &[(cut, plain)]);
    let err = open_dir(work.path(), Limits::default()).unwrap_err();
    assert!(matches!(err, ImageError::Layer { .. }), "{err}");
    assert!(err.to_string().contains("layer 0"), "{err}");

    // A docker-save archive cut short.
    let archive_dir = tempfile::tempdir().unwrap();
    let whole = archive_dir.path().join("whole.tar");
    let mut builder = tar::Builder::new(std::fs::File::create(&whole).unwrap());
    builder.append_dir_all(".", work.path()).unwrap();
    builder.finish().unwrap();
    drop(builder);
    let bytes = std::fs::read(&whole).unwrap();
    let truncated = archive_dir.path().join("cut.tar");
    std::fs::write(&truncated, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let err =
        hullscan_image::open(truncated.to_str().unwrap(), &ReadOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("truncated") || err.to_string().contains("corrupt"),
        "{err}"
    );
}

#[test]
fn not_an_image_is_a_clear_error() {
    let work = tempfile::tempdir().unwrap();
    let err = open_dir(work.path(), Limits::default()).unwrap_err();
    assert!(err.to_string().contains("neither manifest.json"), "{err}");
    let _ = codes(&[]);
}

#[test]
fn a_whiteout_never_deletes_its_own_layer() {
    let work = tempfile::tempdir().unwrap();
    let lower = RawTar::new()
        .file("a/x", b"lower")
        .file("a/y", b"lower")
        .finish();
    // The upper layer rewrites x and also carries a whiteout for x (invalid, but seen in the
    // wild) and a real one for y.
    let upper = RawTar::new()
        .file("a/x", b"upper!")
        .file("a/.wh.x", b"")
        .file("a/.wh.y", b"")
        .finish();
    layout(work.path(), &[gz_layer(lower), gz_layer(upper)]);
    let image = open_dir(work.path(), Limits::default()).unwrap();
    let x = image
        .fs
        .resolve(&image.layers, "/a/x")
        .unwrap()
        .expect("x stays");
    assert_eq!(x.layer, 1);
    assert!(image.fs.resolve(&image.layers, "/a/y").unwrap().is_none());
    assert_eq!(image.analysis.layers[1].hidden_bytes, 0);
    assert_eq!(image.analysis.wasted_bytes, 10);
}
