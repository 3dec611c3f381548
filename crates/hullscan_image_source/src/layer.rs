//! Streams one layer blob once: sniffs its compression, decompresses, walks the tar, and keeps
//! a compact index of its entries (paths in one string arena). Both digests (of the blob as
//! stored and of the uncompressed tar, the diff ID) are computed on the same pass. Nothing is
//! ever written to disk.

use std::any::Any;
use std::io::{self, BufRead, BufReader, Read};

use crate::digest::{Digest, HashingReader};
use crate::error::{ImageError, Result};

/// How a layer blob is compressed, from its first bytes (media types lie more often than magic
/// numbers do).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    pub fn sniff(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

/// What one tar entry is, after whiteout names are decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    HardLink,
    /// `.wh.<name>`: `<name>` from lower layers is deleted. The entry's path is `<name>`'s.
    Whiteout,
    /// `.wh..wh..opq`: the directory's lower-layer contents are hidden. The entry's path is the
    /// directory's.
    Opaque,
    /// Devices, FIFOs.
    Other,
}

/// One entry of a layer, 32 bytes plus its path in the layer's arena.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    path_start: u32,
    path_len: u32,
    link_start: u32,
    link_len: u32,
    pub size: u64,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub kind: EntryKind,
}

impl Entry {
    pub fn is_setuid(&self) -> bool {
        self.mode & 0o4000 != 0
    }
    pub fn is_setgid(&self) -> bool {
        self.mode & 0o2000 != 0
    }
    pub fn is_executable(&self) -> bool {
        self.mode & 0o111 != 0
    }
}

/// Something odd about an entry that is worth a finding, not an error: the image still loads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnomalyKind {
    /// The name had `..` components that climb above the root.
    PathTraversal,
    /// The name was absolute.
    AbsolutePath,
    /// A hard link whose target climbs above the root.
    LinkTraversal,
    /// A name that is not UTF-8 (shown lossily).
    NonUtf8Name,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anomaly {
    /// The name as it appears in the tar (lossy UTF-8).
    pub raw_name: String,
    pub kind: AnomalyKind,
}

/// Limits that keep time and memory bounded on hostile or absurd images.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Uncompressed bytes one layer may expand to (gzip/zstd bombs).
    pub max_layer_bytes: u64,
    /// Entries one layer may have (tar bombs of empty files).
    pub max_layer_entries: u64,
    /// Bytes a JSON document (manifest, config) may have.
    pub max_json_bytes: u64,
    /// Bytes of a file's content kept for inspection (`/etc/passwd`, ...).
    pub max_captured_file_bytes: u64,
    /// Scan every regular file's content with the secrets engine (None: file names only).
    pub secret_scan: Option<hullscan_secrets::ScanLimits>,
    /// Hash every layer to check it against the digests the manifest and config state.
    /// `false` takes those digests as given (a local archive the user trusts): hashing a
    /// layer costs more than everything else the inventory does with it.
    pub verify_digests: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_layer_bytes: 64 << 30,
            max_layer_entries: 4_000_000,
            max_json_bytes: 32 << 20,
            max_captured_file_bytes: 4 << 20,
            secret_scan: Some(hullscan_secrets::ScanLimits {
                max_bytes: 4 << 20,
                binary_sniff: 8 * 1024,
            }),
            verify_digests: true,
        }
    }
}

/// Something that reads regular files' contents while a layer streams past (the secrets scan,
/// the package inventory), so every judge that needs file bytes gets them from the one pass and
/// the reader itself knows none of them.
pub trait ContentVisitor: Sync {
    /// How many leading bytes of this regular file the visitor needs, or `None` when it does
    /// not want the file. Called for every regular file of every layer, so it must be cheap.
    fn wants(&self, path: &str, size: u64, mode: u32) -> Option<u64>;
    /// A fresh state for one layer; it receives that layer's wanted files in tar order and is
    /// kept in [`LayerIndex::visits`].
    fn begin_layer(&self) -> Box<dyn LayerVisit>;
}

/// One visitor's work on one layer.
pub trait LayerVisit: Send + Sync + std::fmt::Debug {
    /// `content` is the file's first bytes, as many as the visitor asked for (fewer when the
    /// file is shorter); `size` is the file's full size, so `content.len() < size` means the
    /// visitor saw only a prefix.
    fn visit(&mut self, entry: u32, path: &str, size: u64, content: &[u8]);
    /// For the caller to take its typed result back out.
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send + Sync>;
    fn as_any(&self) -> &dyn Any;
}

/// What to read from file contents while streaming a layer.
pub struct ContentPlan<'a> {
    /// Files whose content (up to [`Limits::max_captured_file_bytes`]) is kept in
    /// [`LayerIndex::captured`]. Receives the normalised path (no leading `/`) and the size.
    pub capture: &'a (dyn Fn(&str, u64) -> bool + Sync),
    /// Judges that read contents, besides the secrets scan that [`Limits::secret_scan`]
    /// turns on. Their per-layer results are in [`LayerIndex::visits`], in this order.
    pub visitors: Vec<&'a dyn ContentVisitor>,
}

impl<'a> ContentPlan<'a> {
    /// Captures what `capture` wants; no other visitors.
    pub fn capture_only(capture: &'a (dyn Fn(&str, u64) -> bool + Sync)) -> ContentPlan<'a> {
        ContentPlan {
            capture,
            visitors: Vec::new(),
        }
    }
}

/// The secrets scan as a content visitor: every non-empty regular file, up to the scan window.
struct SecretsVisitor(hullscan_secrets::ScanLimits);

/// The secrets the scan found in one layer, by entry index, with a note when only part of the
/// file was scanned.
#[derive(Debug, Default)]
struct LayerSecrets(Vec<(u32, hullscan_secrets::Finding, Option<String>)>);

impl ContentVisitor for SecretsVisitor {
    fn wants(&self, _path: &str, size: u64, _mode: u32) -> Option<u64> {
        // The binary sniff past the window makes a truncated file's note say so.
        (size > 0).then(|| self.0.max_bytes.saturating_add(self.0.binary_sniff as u64))
    }

    fn begin_layer(&self) -> Box<dyn LayerVisit> {
        Box::new(SecretsLayer {
            limits: self.0,
            found: LayerSecrets::default(),
        })
    }
}

#[derive(Debug)]
struct SecretsLayer {
    limits: hullscan_secrets::ScanLimits,
    found: LayerSecrets,
}

impl LayerVisit for SecretsLayer {
    fn visit(&mut self, entry: u32, _path: &str, size: u64, content: &[u8]) {
        let mut scan = hullscan_secrets::Scanner::global().scan_content(content, self.limits);
        scan.total_bytes = size;
        if scan.findings.is_empty() {
            return;
        }
        let note = scan.truncation_note();
        for finding in scan.findings {
            self.found.0.push((entry, finding, note.clone()));
        }
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any + Send + Sync> {
        Box::new(self.found)
    }

    fn as_any(&self) -> &dyn Any {
        &self.found
    }
}

/// The index of one layer.
#[derive(Debug, Default)]
pub struct LayerIndex {
    arena: String,
    pub entries: Vec<Entry>,
    /// Contents of the files the caller asked for, by entry index.
    pub captured: Vec<(u32, Vec<u8>)>,
    /// Secrets the engine found in file contents, by entry index, with a note when only part
    /// of the file was scanned.
    pub secrets: Vec<(u32, hullscan_secrets::Finding, Option<String>)>,
    /// Each [`ContentPlan::visitors`] entry's result for this layer, in the plan's order.
    pub visits: Vec<Box<dyn LayerVisit>>,
    pub anomalies: Vec<Anomaly>,
    /// Digest and size of the blob as stored (compressed).
    pub blob_digest: Option<Digest>,
    pub blob_size: u64,
    /// Digest and size of the uncompressed tar (the diff ID).
    pub diff_id: Option<Digest>,
    pub tar_size: u64,
    pub compression: Option<Compression>,
    /// Sum of regular file sizes: dive's layer size.
    pub content_size: u64,
}

impl LayerIndex {
    pub fn path(&self, entry: &Entry) -> &str {
        &self.arena[entry.path_start as usize..(entry.path_start + entry.path_len) as usize]
    }

    pub fn link_target(&self, entry: &Entry) -> Option<&str> {
        (entry.link_start != u32::MAX).then(|| {
            &self.arena[entry.link_start as usize..(entry.link_start + entry.link_len) as usize]
        })
    }

    pub fn captured(&self, entry_index: u32) -> Option<&[u8]> {
        self.captured
            .iter()
            .find(|(index, _)| *index == entry_index)
            .map(|(_, bytes)| bytes.as_slice())
    }

    fn push_str(&mut self, text: &str) -> Option<(u32, u32)> {
        let start = u32::try_from(self.arena.len()).ok()?;
        let len = u32::try_from(text.len()).ok()?;
        start.checked_add(len)?;
        self.arena.push_str(text);
        Some((start, len))
    }
}

/// What to read from file contents while streaming (see [`ContentPlan`]).
pub type CapturePolicy<'a> = &'a ContentPlan<'a>;

/// Normalises a tar name the way Docker does when it applies a layer: drop leading `/` and
/// `./`, `.` components and empty components; resolve `..` lexically, never above the root.
/// Returns the path (no leading `/`, empty for the root) and the anomalies seen.
pub fn normalize_name(raw: &str) -> (String, Option<AnomalyKind>) {
    let mut anomaly = None;
    if raw.starts_with('/') {
        anomaly = Some(AnomalyKind::AbsolutePath);
    }
    let mut parts: Vec<&str> = Vec::new();
    for component in raw.split('/') {
        match component {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    anomaly = Some(AnomalyKind::PathTraversal);
                }
            }
            other => parts.push(other),
        }
    }
    if raw.split('/').any(|c| c == "..") && anomaly.is_none() {
        // `a/../b` stays inside the root but no honest builder writes it.
        anomaly = Some(AnomalyKind::PathTraversal);
    }
    (parts.join("/"), anomaly)
}

/// Fails a read once more than `limit` bytes came through, so a decompression bomb stops
/// early instead of running for minutes.
struct LimitedReader<R> {
    inner: R,
    remaining: u64,
}

impl<R: Read> Read for LimitedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.remaining {
            return Err(io::Error::other(LimitHit));
        }
        self.remaining -= n as u64;
        Ok(n)
    }
}

#[derive(Debug)]
struct LimitHit;

impl std::fmt::Display for LimitHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("uncompressed size limit reached")
    }
}

impl std::error::Error for LimitHit {}

fn is_limit_hit(err: &io::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = source {
        if current.to_string() == "uncompressed size limit reached" {
            return true;
        }
        if let Some(io_err) = current.downcast_ref::<io::Error>()
            && io_err.get_ref().is_some_and(|inner| inner.is::<LimitHit>())
        {
            return true;
        }
        source = current.source();
    }
    false
}

/// Calls `progress` with the number of blob bytes read as they are read.
struct ProgressReader<'a, R> {
    inner: R,
    progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

impl<R: Read> Read for ProgressReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(progress) = self.progress {
            progress(n as u64);
        }
        Ok(n)
    }
}

/// Streams one layer blob and indexes it. `what` names the layer in errors
/// (`layer 3 (blobs/sha256/…)`).
pub fn index_layer(
    source_name: &str,
    what: &str,
    blob: impl Read,
    limits: &Limits,
    plan: CapturePolicy<'_>,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<LayerIndex> {
    let layer_error = |message: String| ImageError::Layer {
        source_name: source_name.to_owned(),
        what: what.to_owned(),
        message,
    };
    let io_error = |err: io::Error, stage: &str| {
        if is_limit_hit(&err) {
            ImageError::LimitExceeded {
                source_name: source_name.to_owned(),
                what: format!("{what} uncompressed"),
                limit: limits.max_layer_bytes,
                unit: "bytes",
            }
        } else {
            // Escaped: tar errors can quote header bytes from the layer.
            layer_error(crate::error::printable(&format!("{stage}: {err}")))
        }
    };

    let progress_reader = ProgressReader {
        inner: blob,
        progress,
    };
    let mut stored = BufReader::with_capacity(
        256 * 1024,
        if limits.verify_digests {
            HashingReader::new(progress_reader)
        } else {
            HashingReader::counting(progress_reader)
        },
    );
    let head = stored.fill_buf().map_err(|e| io_error(e, "reading blob"))?;
    let compression = Compression::sniff(head);
    let decoder: Box<dyn Read + '_> = match compression {
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(&mut stored)),
        Compression::Zstd => Box::new(
            zstd::stream::read::Decoder::with_buffer(&mut stored)
                .map_err(|e| io_error(e, "starting zstd"))?,
        ),
        Compression::None => Box::new(&mut stored),
    };
    let limited = LimitedReader {
        inner: decoder,
        remaining: limits.max_layer_bytes,
    };
    // An uncompressed blob is the tar itself: its diff ID is the blob digest, hashed once.
    let mut plain = if compression == Compression::None || !limits.verify_digests {
        HashingReader::counting(limited)
    } else {
        HashingReader::new(limited)
    };
    let mut index = LayerIndex {
        compression: Some(compression),
        ..LayerIndex::default()
    };
    // The secrets scan is one visitor among the plan's; its findings go to `index.secrets`.
    let secrets = limits.secret_scan.map(SecretsVisitor);
    let visitors = all_visitors(secrets.as_ref(), plan);
    let mut archive = tar::Archive::new(&mut plain as &mut dyn Read);
    let entries = archive.entries().map_err(|e| io_error(e, "reading tar"))?;
    let states = walk_tar(
        entries,
        &mut index,
        limits,
        &visitors,
        plan.capture,
        source_name,
        what,
    )
    .map_err(|err| match err {
        WalkError::Io(err) => io_error(err, "reading tar"),
        WalkError::Image(err) => err,
    })?;
    keep_visits(&mut index, states, secrets.is_some());
    let (diff_id, tar_size) = plain
        .finish()
        .map_err(|e| io_error(e, "reading past the end of the tar"))?;
    // `finish` drained the decoder; dropping `plain` releases the borrow of `stored`.
    io::copy(&mut stored, &mut io::sink()).map_err(|e| io_error(e, "reading blob"))?;
    let (blob_digest, blob_size) = stored
        .into_inner()
        .finish()
        .map_err(|e| io_error(e, "reading blob"))?;
    index.diff_id = diff_id.or_else(|| blob_digest.clone());
    index.tar_size = tar_size;
    index.blob_digest = blob_digest;
    index.blob_size = blob_size;
    Ok(index)
}

/// Indexes the layer stored as bytes `offset..offset + len` of `file` (a blob of an OCI layout,
/// a member of a `docker save` tar). A compressed layer streams as [`index_layer`] does. An
/// uncompressed one, the usual case in a `docker save` tar, is read twice at once from the page
/// cache: one thread hashes every byte (its digest is both the blob digest and the diff ID,
/// checked as always), while this one walks the tar headers and reads only the files a visitor
/// or the capture wants, seeking over every other file's bytes instead of copying them.
#[allow(clippy::too_many_arguments)]
pub fn index_layer_in_file(
    source_name: &str,
    what: &str,
    file: &std::fs::File,
    offset: u64,
    len: u64,
    limits: &Limits,
    plan: CapturePolicy<'_>,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<LayerIndex> {
    let layer_error = |message: String| ImageError::Layer {
        source_name: source_name.to_owned(),
        what: what.to_owned(),
        message: crate::error::printable(&message),
    };
    let mut head = [0u8; 4];
    let got = read_full_at(file, &mut head, offset, len)
        .map_err(|err| layer_error(format!("reading blob: {err}")))?;
    let compression = Compression::sniff(&head[..got]);
    if compression != Compression::None {
        let region = RegionReader::new(file, offset, len, 256 * 1024);
        return index_layer(source_name, what, region, limits, plan, progress);
    }
    if len > limits.max_layer_bytes {
        return Err(ImageError::LimitExceeded {
            source_name: source_name.to_owned(),
            what: format!("{what} uncompressed"),
            limit: limits.max_layer_bytes,
            unit: "bytes",
        });
    }
    let stop = std::sync::atomic::AtomicBool::new(false);
    let secrets = limits.secret_scan.map(SecretsVisitor);
    let visitors = all_visitors(secrets.as_ref(), plan);
    let mut index = LayerIndex {
        compression: Some(compression),
        ..LayerIndex::default()
    };
    let (walked, hashed) = std::thread::scope(|scope| {
        let hasher = scope.spawn(|| {
            if limits.verify_digests {
                hash_region(file, offset, len, progress, &stop).map(Some)
            } else {
                if let Some(progress) = progress {
                    progress(len);
                }
                Ok(None)
            }
        });
        // 64 KiB: the small files between two headers are read along with them, a large file
        // is seeked over.
        let region = RegionReader::new(file, offset, len, 64 * 1024);
        let mut archive = tar::Archive::new(region);
        let walked = archive
            .entries_with_seek()
            .map_err(WalkError::Io)
            .and_then(|entries| {
                walk_tar(
                    entries,
                    &mut index,
                    limits,
                    &visitors,
                    plan.capture,
                    source_name,
                    what,
                )
            });
        if walked.is_err() {
            // The layer is rejected anyway: no need to hash the rest.
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        let hashed = hasher
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the hashing thread panicked")));
        (walked, hashed)
    });
    let states = walked.map_err(|err| match err {
        WalkError::Io(err) => layer_error(format!("reading tar: {err}")),
        WalkError::Image(err) => err,
    })?;
    let digest = hashed.map_err(|err| layer_error(format!("reading blob: {err}")))?;
    keep_visits(&mut index, states, secrets.is_some());
    index.diff_id = digest.clone();
    index.blob_digest = digest;
    index.tar_size = len;
    index.blob_size = len;
    Ok(index)
}

/// Reads into `buf` from `offset` until it is full or the region of `len` bytes from the
/// region's own `offset` ends; returns how many bytes were read.
fn read_full_at(file: &std::fs::File, buf: &mut [u8], offset: u64, len: u64) -> io::Result<usize> {
    use std::os::unix::fs::FileExt;
    let want = buf.len().min(usize::try_from(len).unwrap_or(usize::MAX));
    let mut got = 0;
    while got < want {
        match file.read_at(&mut buf[got..want], offset + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(got)
}

/// SHA-256 of bytes `offset..offset + len` of `file`, reporting progress as it goes. A file
/// shorter than the region (truncated under us) is an error.
fn hash_region(
    file: &std::fs::File,
    offset: u64,
    len: u64,
    progress: Option<&(dyn Fn(u64) + Sync)>,
    stop: &std::sync::atomic::AtomicBool,
) -> io::Result<Digest> {
    use sha2::Digest as _;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut done = 0u64;
    while done < len {
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(io::Error::other("stopped"));
        }
        let chunk = (len - done).min(buf.len() as u64) as usize;
        let got = read_full_at(file, &mut buf[..chunk], offset + done, chunk as u64)?;
        if got < chunk {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the blob ends after {} of {len} bytes", done + got as u64),
            ));
        }
        hasher.update(&buf[..got]);
        done += got as u64;
        if let Some(progress) = progress {
            progress(got as u64);
        }
    }
    Ok(Digest::from_hasher(hasher))
}

/// Reads bytes `start..start + len` of a file through its own buffer, with positioned reads
/// (so several readers can share one handle), and seeks inside that region: a skip that stays
/// inside the buffer moves a cursor, a longer one drops the buffer without reading what it
/// passes over.
pub struct RegionReader<'f> {
    file: &'f std::fs::File,
    start: u64,
    len: u64,
    /// Offset in the region of the first byte after the buffer's contents.
    filled_to: u64,
    buf: Box<[u8]>,
    /// Unread bytes are `buf[cursor..end]`.
    cursor: usize,
    end: usize,
}

impl<'f> RegionReader<'f> {
    pub fn new(file: &'f std::fs::File, start: u64, len: u64, buffer: usize) -> Self {
        RegionReader {
            file,
            start,
            len,
            filled_to: 0,
            buf: vec![0u8; buffer.max(512)].into_boxed_slice(),
            cursor: 0,
            end: 0,
        }
    }

    /// The offset in the region of the next byte `read` returns.
    fn position(&self) -> u64 {
        self.filled_to - (self.end - self.cursor) as u64
    }
}

impl Read for RegionReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.cursor == self.end {
            let left = self.len - self.filled_to;
            if left == 0 || out.is_empty() {
                return Ok(0);
            }
            // A read as large as the buffer goes straight to the caller.
            if out.len() >= self.buf.len() {
                let got = read_full_at(self.file, out, self.start + self.filled_to, left)?;
                self.filled_to += got as u64;
                return Ok(got);
            }
            let got = read_full_at(self.file, &mut self.buf, self.start + self.filled_to, left)?;
            self.filled_to += got as u64;
            self.cursor = 0;
            self.end = got;
        }
        let n = out.len().min(self.end - self.cursor);
        out[..n].copy_from_slice(&self.buf[self.cursor..self.cursor + n]);
        self.cursor += n;
        Ok(n)
    }
}

impl io::Seek for RegionReader<'_> {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        let here = self.position();
        let target = match to {
            io::SeekFrom::Start(n) => Some(n),
            io::SeekFrom::Current(n) => here.checked_add_signed(n),
            io::SeekFrom::End(n) => self.len.checked_add_signed(n),
        }
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        // Past the end reads nothing, as for a file.
        let target = target.min(self.len);
        if target >= here && target - here <= (self.end - self.cursor) as u64 {
            self.cursor += (target - here) as usize;
        } else {
            self.filled_to = target;
            self.cursor = 0;
            self.end = 0;
        }
        Ok(target)
    }
}

enum WalkError {
    Io(io::Error),
    Image(ImageError),
}

impl From<io::Error> for WalkError {
    fn from(err: io::Error) -> Self {
        WalkError::Io(err)
    }
}

/// The secrets visitor (when `limits` turn it on) followed by the plan's visitors.
fn all_visitors<'a>(
    secrets: Option<&'a SecretsVisitor>,
    plan: CapturePolicy<'a>,
) -> Vec<&'a dyn ContentVisitor> {
    let mut visitors: Vec<&dyn ContentVisitor> = Vec::with_capacity(plan.visitors.len() + 1);
    visitors.extend(secrets.map(|v| v as &dyn ContentVisitor));
    visitors.extend(plan.visitors.iter().copied());
    visitors
}

/// Files the secrets scan's results and the other visitors' states into `index`.
fn keep_visits(index: &mut LayerIndex, mut states: Vec<Box<dyn LayerVisit>>, secrets: bool) {
    if secrets {
        let found = states.remove(0).into_any();
        if let Ok(found) = found.downcast::<LayerSecrets>() {
            index.secrets = found.0;
        }
    }
    index.visits = states;
}

fn walk_tar<R: Read>(
    entries: tar::Entries<'_, R>,
    index: &mut LayerIndex,
    limits: &Limits,
    visitors: &[&dyn ContentVisitor],
    capture: &(dyn Fn(&str, u64) -> bool + Sync),
    source_name: &str,
    what: &str,
) -> Result<Vec<Box<dyn LayerVisit>>, WalkError> {
    let mut states: Vec<Box<dyn LayerVisit>> = visitors
        .iter()
        .map(|visitor| visitor.begin_layer())
        .collect();
    let mut wants: Vec<Option<u64>> = vec![None; visitors.len()];
    // One buffer for every file's content, reused.
    let mut scratch: Vec<u8> = Vec::new();
    for entry in entries {
        let mut entry = entry?;
        if index.entries.len() as u64 >= limits.max_layer_entries {
            return Err(WalkError::Image(ImageError::LimitExceeded {
                source_name: source_name.to_owned(),
                what: format!("{what} entry count"),
                limit: limits.max_layer_entries,
                unit: "entries",
            }));
        }
        let header = entry.header();
        let entry_type = header.entry_type();
        let kind = match entry_type {
            tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
                EntryKind::File
            }
            tar::EntryType::Directory => EntryKind::Dir,
            tar::EntryType::Symlink => EntryKind::Symlink,
            tar::EntryType::Link => EntryKind::HardLink,
            tar::EntryType::XGlobalHeader
            | tar::EntryType::XHeader
            | tar::EntryType::GNULongName
            | tar::EntryType::GNULongLink => continue,
            _ => EntryKind::Other,
        };
        let mode = header.mode().unwrap_or(0);
        let uid = header
            .uid()
            .ok()
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(0);
        let gid = header
            .gid()
            .ok()
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(0);
        let size = if kind == EntryKind::File {
            entry.size()
        } else {
            0
        };

        let raw_bytes = entry.path_bytes();
        let raw_name = String::from_utf8_lossy(&raw_bytes).into_owned();
        let mut anomaly = None;
        if std::str::from_utf8(&raw_bytes).is_err() {
            anomaly = Some(AnomalyKind::NonUtf8Name);
        }
        let (mut path, name_anomaly) = normalize_name(&raw_name);
        if let Some(found) = name_anomaly {
            anomaly = Some(found);
        }
        if let Some(kind) = anomaly.take() {
            index.anomalies.push(Anomaly {
                raw_name: raw_name.clone(),
                kind,
            });
        }
        let mut kind = kind;
        let (parent, base) = match path.rfind('/') {
            Some(slash) => (&path[..slash], &path[slash + 1..]),
            None => ("", path.as_str()),
        };
        if let Some(hidden) = base.strip_prefix(".wh.") {
            if hidden == ".wh..opq" {
                kind = EntryKind::Opaque;
                path = parent.to_owned();
            } else if hidden.starts_with(".wh.") {
                // AUFS bookkeeping (`.wh..wh.plnk`, ...): not part of the filesystem.
                continue;
            } else {
                kind = EntryKind::Whiteout;
                path = if parent.is_empty() {
                    hidden.to_owned()
                } else {
                    format!("{parent}/{hidden}")
                };
            }
        }
        if path.is_empty() && kind != EntryKind::Opaque {
            continue; // the root directory itself
        }

        let link = match kind {
            EntryKind::Symlink => entry
                .link_name_bytes()
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
            EntryKind::HardLink => entry.link_name_bytes().map(|bytes| {
                let raw = String::from_utf8_lossy(&bytes).into_owned();
                let (target, link_anomaly) = normalize_name(&raw);
                if matches!(link_anomaly, Some(AnomalyKind::PathTraversal)) {
                    index.anomalies.push(Anomaly {
                        raw_name: format!("{raw_name} -> {raw}"),
                        kind: AnomalyKind::LinkTraversal,
                    });
                }
                target
            }),
            _ => None,
        };

        let overflow = || {
            WalkError::Image(ImageError::LimitExceeded {
                source_name: source_name.to_owned(),
                what: format!("{what} path names"),
                limit: u64::from(u32::MAX),
                unit: "bytes",
            })
        };
        let (path_start, path_len) = index.push_str(&path).ok_or_else(overflow)?;
        let (link_start, link_len) = match &link {
            Some(target) => index.push_str(target).ok_or_else(overflow)?,
            None => (u32::MAX, 0),
        };
        let entry_index = index.entries.len() as u32;
        index.entries.push(Entry {
            path_start,
            path_len,
            link_start,
            link_len,
            size,
            mode,
            uid,
            gid,
            kind,
        });
        if kind == EntryKind::File {
            index.content_size += size;
            let captured = capture(&path, size).then_some(limits.max_captured_file_bytes);
            // The prefix every visitor that wants this file needs, read once into `scratch`.
            let mut wanted = captured.unwrap_or(0);
            for (slot, visitor) in visitors.iter().enumerate() {
                let want = visitor.wants(&path, size, mode);
                if let Some(bytes) = want {
                    wanted = wanted.max(bytes);
                }
                wants[slot] = want;
            }
            if captured.is_none() && wants.iter().all(Option::is_none) {
                continue;
            }
            scratch.clear();
            (&mut entry)
                .take(wanted.min(size))
                .read_to_end(&mut scratch)?;
            for (state, want) in states.iter_mut().zip(&wants) {
                if let Some(bytes) = *want {
                    let end = scratch
                        .len()
                        .min(usize::try_from(bytes).unwrap_or(usize::MAX));
                    state.visit(entry_index, &path, size, &scratch[..end]);
                }
            }
            if let Some(bytes) = captured {
                let end = scratch
                    .len()
                    .min(usize::try_from(bytes).unwrap_or(usize::MAX));
                index.captured.push((entry_index, scratch[..end].to_vec()));
            }
            // Past the prefix, the rest is left for the tar reader to skip.
            if scratch.capacity() > SCRATCH_KEPT {
                scratch = Vec::new();
            }
        }
    }
    Ok(states)
}

/// Above this, the content buffer is given back after each file so one huge wanted file does
/// not pin its size in memory for the rest of the layer.
const SCRATCH_KEPT: usize = 8 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_like_docker() {
        assert_eq!(normalize_name("./etc/passwd"), ("etc/passwd".into(), None));
        assert_eq!(
            normalize_name("/etc//passwd"),
            ("etc/passwd".into(), Some(AnomalyKind::AbsolutePath))
        );
        assert_eq!(
            normalize_name("../../etc/passwd"),
            ("etc/passwd".into(), Some(AnomalyKind::PathTraversal))
        );
        assert_eq!(
            normalize_name("a/../b"),
            ("b".into(), Some(AnomalyKind::PathTraversal))
        );
        assert_eq!(normalize_name("./"), (String::new(), None));
    }

    #[test]
    fn sniffs_compression() {
        assert_eq!(Compression::sniff(&[0x1f, 0x8b, 8]), Compression::Gzip);
        assert_eq!(
            Compression::sniff(&[0x28, 0xb5, 0x2f, 0xfd]),
            Compression::Zstd
        );
        assert_eq!(Compression::sniff(b"etc/"), Compression::None);
    }

    /// Records what it was given: every file under `pkg/`, at most 4 bytes of each.
    struct Recorder;

    #[derive(Debug, Default)]
    struct Seen(Vec<(String, u64, Vec<u8>)>);

    impl ContentVisitor for Recorder {
        fn wants(&self, path: &str, _size: u64, mode: u32) -> Option<u64> {
            (path.starts_with("pkg/") && mode & 0o100 == 0).then_some(4)
        }
        fn begin_layer(&self) -> Box<dyn LayerVisit> {
            Box::new(Seen::default())
        }
    }

    impl LayerVisit for Seen {
        fn visit(&mut self, _entry: u32, path: &str, size: u64, content: &[u8]) {
            self.0.push((path.to_owned(), size, content.to_vec()));
        }
        fn into_any(self: Box<Self>) -> Box<dyn Any + Send + Sync> {
            self
        }
        fn as_any(&self) -> &dyn Any {
            self
        }
    }

    fn layer_tar(files: &[(&str, u32, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, mode, content) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(content.len() as u64);
            header.set_mode(*mode);
            header.set_cksum();
            builder.append_data(&mut header, path, *content).unwrap();
        }
        builder.into_inner().unwrap()
    }

    #[test]
    fn visitors_get_the_prefix_they_ask_for_in_the_same_pass() {
        let key = b"[gitlab]\ntoken = glpat-Xy7Qm2Lp9Rt4Vb8Nw3Zk\n";
        let tar = layer_tar(&[
            ("pkg/status", 0o644, b"Package: a\nVersion: 1\n"),
            ("pkg/tool", 0o755, b"binary"),
            ("etc/passwd", 0o644, b"root:x:0:0::/root:/bin/sh\n"),
            ("pkg/deploy.ini", 0o600, key),
        ]);
        let capture = |path: &str, _size: u64| path == "etc/passwd";
        let recorder = Recorder;
        let plan = ContentPlan {
            capture: &capture,
            visitors: vec![&recorder],
        };
        let index = index_layer(
            "test",
            "layer 0",
            tar.as_slice(),
            &Limits::default(),
            &plan,
            None,
        )
        .unwrap();
        let seen = index.visits[0].as_any().downcast_ref::<Seen>().unwrap();
        let summary: Vec<(&str, u64, &[u8])> = seen
            .0
            .iter()
            .map(|(path, size, content)| (path.as_str(), *size, content.as_slice()))
            .collect();
        assert_eq!(
            summary,
            [
                ("pkg/status", 22, &b"Pack"[..]),
                ("pkg/deploy.ini", key.len() as u64, &key[..4]),
            ]
        );
        // The other readers of contents still got theirs from the same pass.
        assert_eq!(index.captured.len(), 1);
        assert_eq!(index.captured(2), Some(&b"root:x:0:0::/root:/bin/sh\n"[..]));
        assert!(
            index.secrets.iter().any(|(entry, _, _)| *entry == 3),
            "the secrets scan saw the whole key: {:?}",
            index.secrets
        );
    }

    /// The file fast path (parallel hash, seeks over unwanted bytes) gives exactly what the
    /// streaming reader gives: entries, visits, captures, digests; for a layer stored in the
    /// middle of a larger file, and with files on both sides of its 64 KiB buffer.
    #[test]
    fn file_region_reader_matches_the_stream_reader() {
        use std::io::Write as _;
        let big: Vec<u8> = (0..300_000u32).map(|n| (n * 7 % 251) as u8).collect();
        let long_name = format!("pkg/{}/status", "d".repeat(150));
        let mut files: Vec<(&str, u32, &[u8])> = vec![
            ("pkg/status", 0o644, b"Package: a\nVersion: 1\n"),
            ("blob/big.bin", 0o644, &big),
            ("pkg/after-big", 0o644, b"abcdefgh"),
            ("etc/passwd", 0o644, b"root:x:0:0::/root:/bin/sh\n"),
            ("blob/mid.bin", 0o644, &big[..70_000]),
            (&long_name, 0o644, b"long"),
        ];
        for _ in 0..3 {
            files.push(("blob/small.bin", 0o644, &big[..1_000]));
        }
        let tar = layer_tar(&files);
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&[7u8; 1_234]).unwrap();
        file.write_all(&tar).unwrap();
        file.write_all(&[9u8; 4_321]).unwrap();

        let capture = |path: &str, _size: u64| path == "etc/passwd";
        let recorder = Recorder;
        let plan = ContentPlan {
            capture: &capture,
            visitors: vec![&recorder],
        };
        let limits = Limits::default();
        let streamed = index_layer("t", "layer 0", tar.as_slice(), &limits, &plan, None).unwrap();
        let seen = std::sync::atomic::AtomicU64::new(0);
        let progress = |n: u64| {
            seen.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        };
        let in_file = index_layer_in_file(
            "t",
            "layer 0",
            &file,
            1_234,
            tar.len() as u64,
            &limits,
            &plan,
            Some(&progress),
        )
        .unwrap();
        let listing = |index: &LayerIndex| -> Vec<(String, u64, EntryKind)> {
            index
                .entries
                .iter()
                .map(|e| (index.path(e).to_owned(), e.size, e.kind))
                .collect()
        };
        assert_eq!(listing(&in_file), listing(&streamed));
        assert!(
            listing(&in_file)
                .iter()
                .any(|(path, _, _)| path == &long_name)
        );
        let visits = |index: &LayerIndex| {
            index.visits[0]
                .as_any()
                .downcast_ref::<Seen>()
                .unwrap()
                .0
                .clone()
        };
        assert_eq!(visits(&in_file), visits(&streamed));
        assert_eq!(visits(&in_file).len(), 3, "{:?}", visits(&in_file));
        assert_eq!(in_file.captured, streamed.captured);
        assert_eq!(in_file.diff_id, Some(Digest::of_bytes(&tar)));
        assert_eq!(in_file.diff_id, streamed.diff_id);
        assert_eq!(in_file.blob_digest, streamed.blob_digest);
        assert_eq!(in_file.tar_size, tar.len() as u64);
        assert_eq!(seen.into_inner(), tar.len() as u64);

        // A region that runs past the end of the file (a truncated archive) is an error.
        let truncated = index_layer_in_file(
            "t",
            "layer 0",
            &file,
            1_234 + 4_321,
            tar.len() as u64,
            &limits,
            &plan,
            None,
        );
        assert!(truncated.is_err());
    }

    #[test]
    fn region_reader_seeks_inside_and_past_its_buffer() {
        use std::io::{Seek, SeekFrom, Write as _};
        let bytes: Vec<u8> = (0..5_000u32).map(|n| (n % 256) as u8).collect();
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&bytes).unwrap();
        let mut region = RegionReader::new(&file, 100, 4_000, 512);
        let mut two = [0u8; 2];
        region.read_exact(&mut two).unwrap();
        assert_eq!(two, [bytes[100], bytes[101]]);
        assert_eq!(region.seek(SeekFrom::Current(10)).unwrap(), 12); // inside the buffer
        region.read_exact(&mut two).unwrap();
        assert_eq!(two, [bytes[112], bytes[113]]);
        assert_eq!(region.seek(SeekFrom::Current(2_000)).unwrap(), 2_014); // past it
        region.read_exact(&mut two).unwrap();
        assert_eq!(two, [bytes[2_114], bytes[2_115]]);
        assert_eq!(region.seek(SeekFrom::Start(3)).unwrap(), 3); // backwards
        region.read_exact(&mut two).unwrap();
        assert_eq!(two, [bytes[103], bytes[104]]);
        assert_eq!(region.seek(SeekFrom::End(-1)).unwrap(), 3_999);
        let mut rest = Vec::new();
        region.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, [bytes[4_099]]);
        assert!(region.seek(SeekFrom::Current(-5_000)).is_err());
    }
}
