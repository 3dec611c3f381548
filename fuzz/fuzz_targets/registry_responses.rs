//! The registry client's response parsing on arbitrary bytes: `WWW-Authenticate` challenges,
//! token-endpoint replies, and manifests and indexes as a registry returns them (the same
//! one-entry index the registry source builds, then resolved down to layers and loaded).
//!
//! Input: NUL-separated parts. Part 0 is a header value (tried as a challenge and as the
//! manifest's Content-Type), part 1 a token reply, part 2 the top-level manifest, parts 3.. more
//! blobs. A `@N` in a part becomes the digest of part N (N > the part's own number), so the
//! fuzzer can build nested indexes, configs and layers whose digests check out.
#![no_main]

use hullscan_image::digest::Digest;
use hullscan_image::layer::{self, CapturePolicy, LayerIndex, Limits};
use hullscan_image::model::{self, ReadOptions, SourceKind};
use hullscan_image::registry::{parse_challenge, parse_token_response, top_level_index};
use hullscan_image::resolve::{self, Selection};
use hullscan_image::store::BlobStore;
use hullscan_image::{ImageError, Result};
use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;

struct MemoryStore {
    files: HashMap<String, Vec<u8>>,
}

impl BlobStore for MemoryStore {
    fn name(&self) -> &str {
        "fuzz-registry"
    }
    fn exists(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }
    fn read_small(&self, path: &str, limit: u64) -> Result<Vec<u8>> {
        let bytes = self
            .files
            .get(path)
            .ok_or_else(|| ImageError::MissingBlob {
                source_name: "fuzz-registry".to_owned(),
                digest: path.to_owned(),
            })?;
        if bytes.len() as u64 > limit {
            return Err(ImageError::LimitExceeded {
                source_name: "fuzz-registry".to_owned(),
                what: path.to_owned(),
                limit,
                unit: "bytes",
            });
        }
        Ok(bytes.clone())
    }
    fn index_layer(
        &self,
        path: &str,
        what: &str,
        limits: &Limits,
        capture: CapturePolicy<'_>,
        progress: Option<&(dyn Fn(u64) + Sync)>,
    ) -> Result<LayerIndex> {
        let bytes = self.read_small(path, u64::MAX)?;
        layer::index_layer(
            "fuzz-registry",
            what,
            bytes.as_slice(),
            limits,
            capture,
            progress,
        )
    }
    fn size_of(&self, path: &str) -> Option<u64> {
        self.files.get(path).map(|b| b.len() as u64)
    }
}

/// Replaces `@N` with the digest of part N, from the last part to the first.
fn link(parts: &mut [Vec<u8>]) -> Vec<Digest> {
    let mut digests = vec![Digest::of_bytes(b""); parts.len()];
    for index in (0..parts.len()).rev() {
        let mut out = Vec::with_capacity(parts[index].len());
        let mut bytes = parts[index].iter().peekable();
        while let Some(&b) = bytes.next() {
            if b == b'@'
                && let Some(&&n) = bytes.peek()
                && n.is_ascii_digit()
                && usize::from(n - b'0') > index
                && usize::from(n - b'0') < parts.len()
            {
                bytes.next();
                out.extend_from_slice(digests[usize::from(n - b'0')].to_string().as_bytes());
            } else {
                out.push(b);
            }
        }
        parts[index] = out;
        digests[index] = Digest::of_bytes(&parts[index]);
    }
    digests
}

fuzz_target!(|data: &[u8]| {
    let mut parts: Vec<Vec<u8>> = data.splitn(8, |&b| b == 0).map(<[u8]>::to_vec).collect();
    let header = String::from_utf8_lossy(&parts[0]).into_owned();
    let _ = parse_challenge(&header);
    if let Some(token) = parts.get(1) {
        let _ = parse_token_response(token);
    }
    if parts.len() < 3 {
        return;
    }
    let digests = link(&mut parts);
    let (top_digest, index) = top_level_index(&header, &parts[2]);
    let mut files = HashMap::new();
    files.insert("index.json".to_owned(), index);
    files.insert(
        format!("blobs/sha256/{}", top_digest.hex()),
        parts[2].clone(),
    );
    for (part, digest) in parts.iter().zip(&digests).skip(3) {
        files.insert(format!("blobs/sha256/{}", digest.hex()), part.clone());
    }
    let store = MemoryStore { files };
    let limits = Limits {
        max_layer_bytes: 16 << 20,
        max_layer_entries: 10_000,
        max_json_bytes: 1 << 20,
        max_captured_file_bytes: 64 << 10,
        ..Limits::default()
    };
    let Ok(plan) = resolve::plan(&store, &Selection::default(), limits.max_json_bytes) else {
        return;
    };
    let options = ReadOptions {
        limits,
        ..ReadOptions::default()
    };
    let _ = model::load(&store, plan, "fuzz", SourceKind::Registry, &options);
});
