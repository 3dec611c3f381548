//! Where an image's files live: an OCI layout directory, a tar archive on disk (`docker save`
//! in either layout, or an OCI archive) read in place by offset, or a tar stream (the daemon's
//! export) consumed once.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use crate::error::{ImageError, Result};
use crate::layer::{self, CapturePolicy, LayerIndex, Limits};

/// Read access to the files of an image layout (`manifest.json`, `index.json`, blobs).
pub trait BlobStore: Sync {
    /// The name errors use (`image.tar`, `./layout`).
    fn name(&self) -> &str;
    fn exists(&self, path: &str) -> bool;
    /// Reads a whole (small) file; `what` says what it is for the error message.
    fn read_small(&self, path: &str, limit: u64) -> Result<Vec<u8>>;
    /// Indexes the layer stored at `path`.
    fn index_layer(
        &self,
        path: &str,
        what: &str,
        limits: &Limits,
        capture: CapturePolicy<'_>,
        progress: Option<&(dyn Fn(u64) + Sync)>,
    ) -> Result<LayerIndex>;
    /// The stored size of the file at `path`, for progress totals.
    fn size_of(&self, path: &str) -> Option<u64>;
}

fn missing(store: &dyn BlobStore, path: &str) -> ImageError {
    ImageError::MissingBlob {
        source_name: store.name().to_owned(),
        digest: path.to_owned(),
    }
}

fn too_big(store: &dyn BlobStore, path: &str, limit: u64) -> ImageError {
    ImageError::LimitExceeded {
        source_name: store.name().to_owned(),
        what: path.to_owned(),
        limit,
        unit: "bytes",
    }
}

/// Checks that `path` is a plain relative path inside the layout, so a hostile
/// `manifest.json` cannot make us read `/etc/shadow` or `../../x`.
fn checked_relative(path: &str) -> Option<&str> {
    let trimmed = path.strip_prefix("./").unwrap_or(path);
    let ok = !trimmed.is_empty()
        && !trimmed.starts_with('/')
        && trimmed
            .split('/')
            .all(|component| !component.is_empty() && component != "." && component != "..");
    ok.then_some(trimmed)
}

/// An OCI image layout directory.
pub struct DirStore {
    root: PathBuf,
    name: String,
}

impl DirStore {
    pub fn new(root: &Path) -> DirStore {
        DirStore {
            root: root.to_owned(),
            name: root.display().to_string(),
        }
    }

    fn resolve(&self, path: &str) -> Option<PathBuf> {
        checked_relative(path).map(|relative| self.root.join(relative))
    }

    /// Opens the blob at `path`: a missing file is a missing blob, anything else an I/O error
    /// naming the file. Only a regular file inside the layout is opened: a symlink that
    /// leads out of it (to `/etc/shadow`) or a FIFO, socket or device is refused before a
    /// byte is read, so no host file is read and no read blocks forever.
    fn open(&self, path: &str) -> Result<(PathBuf, File)> {
        use std::os::unix::fs::OpenOptionsExt;
        let full = self.resolve(path).ok_or_else(|| missing(self, path))?;
        let shown = full.display().to_string();
        let canonical = match full.canonicalize() {
            Ok(canonical) => canonical,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Err(missing(self, path)),
            Err(err) => return Err(ImageError::io(shown, err)),
        };
        let root = self
            .root
            .canonicalize()
            .map_err(|err| ImageError::io(self.name.clone(), err))?;
        if !canonical.starts_with(&root) {
            return Err(ImageError::format(
                &self.name,
                format!("{path} is a symbolic link that leads outside the layout; refused"),
            ));
        }
        let refuse_kind = |metadata: &std::fs::Metadata| -> Result<()> {
            if metadata.is_file() {
                return Ok(());
            }
            let kind = if metadata.is_dir() {
                "a directory"
            } else {
                "not a regular file (a FIFO, socket or device)"
            };
            Err(ImageError::format(
                &self.name,
                format!("{path} is {kind}; blobs must be regular files"),
            ))
        };
        refuse_kind(&std::fs::metadata(&canonical).map_err(|err| ImageError::io(&shown, err))?)?;
        // Checked again on the open handle: the file could be swapped between the two. A FIFO
        // opened non-blocking does not wait for a writer, and a final symlink is not followed.
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
            .open(&canonical);
        let file = match file {
            Ok(file) => file,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Err(missing(self, path)),
            Err(err) => return Err(ImageError::io(shown, err)),
        };
        refuse_kind(&file.metadata().map_err(|err| ImageError::io(&shown, err))?)?;
        Ok((full, file))
    }
}

impl BlobStore for DirStore {
    fn name(&self) -> &str {
        &self.name
    }

    fn exists(&self, path: &str) -> bool {
        self.resolve(path).is_some_and(|p| {
            p.symlink_metadata()
                .is_ok_and(|m| m.is_file() || m.is_symlink())
        })
    }

    fn read_small(&self, path: &str, limit: u64) -> Result<Vec<u8>> {
        let (full, file) = self.open(path)?;
        read_capped(file, limit).map_err(|err| match err {
            ReadCapped::TooBig => too_big(self, path, limit),
            ReadCapped::Io(err) => ImageError::io(full.display().to_string(), err),
        })
    }

    fn index_layer(
        &self,
        path: &str,
        what: &str,
        limits: &Limits,
        capture: CapturePolicy<'_>,
        progress: Option<&(dyn Fn(u64) + Sync)>,
    ) -> Result<LayerIndex> {
        let (full, file) = self.open(path)?;
        let len = file
            .metadata()
            .map_err(|err| ImageError::io(full.display().to_string(), err))?
            .len();
        layer::index_layer_in_file(&self.name, what, &file, 0, len, limits, capture, progress)
    }

    fn size_of(&self, path: &str) -> Option<u64> {
        std::fs::symlink_metadata(self.resolve(path)?)
            .ok()
            .filter(std::fs::Metadata::is_file)
            .map(|m| m.len())
    }
}

enum ReadCapped {
    TooBig,
    Io(io::Error),
}

fn read_capped(reader: impl Read, limit: u64) -> Result<Vec<u8>, ReadCapped> {
    let mut bytes = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadCapped::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadCapped::TooBig);
    }
    Ok(bytes)
}

/// Where a member's data sits in the archive file.
#[derive(Clone, Debug)]
enum Member {
    Data {
        offset: u64,
        size: u64,
    },
    /// `docker save` writes a symlink for a layer shared by two images; resolved on use.
    Link(String),
}

/// A tar archive on disk, read in place: one pass over the headers records each member's
/// offset, then any member can be read (several at once, from separate handles).
pub struct TarStore {
    file_path: PathBuf,
    name: String,
    members: FxHashMap<String, Member>,
}

impl TarStore {
    pub fn open(path: &Path) -> Result<TarStore> {
        let name = path.display().to_string();
        let file = File::open(path).map_err(|err| ImageError::io(&name, err))?;
        let mut archive = tar::Archive::new(file);
        let mut members = FxHashMap::default();
        let entries = archive
            .entries_with_seek()
            .map_err(|err| ImageError::format(&name, format!("not a tar archive: {err}")))?;
        for entry in entries {
            let entry = entry.map_err(|err| {
                ImageError::format(&name, format!("corrupt or truncated tar archive: {err}"))
            })?;
            let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let Some(member_path) = checked_relative(raw.trim_end_matches('/')) else {
                continue; // a member no layout ever refers to; never resolved
            };
            let member_path = member_path.to_owned();
            match entry.header().entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => {
                    members.insert(
                        member_path,
                        Member::Data {
                            offset: entry.raw_file_position(),
                            size: entry.size(),
                        },
                    );
                }
                tar::EntryType::Symlink | tar::EntryType::Link => {
                    if let Ok(Some(target)) = entry.link_name() {
                        let target = target.to_string_lossy().into_owned();
                        let resolved = if entry.header().entry_type() == tar::EntryType::Symlink {
                            let parent = member_path.rsplit_once('/').map_or("", |(p, _)| p);
                            join_lexically(parent, &target)
                        } else {
                            Some(target)
                        };
                        if let Some(resolved) = resolved {
                            members.insert(member_path, Member::Link(resolved));
                        }
                    }
                }
                _ => {}
            }
        }
        let metadata = std::fs::metadata(path).map_err(|err| ImageError::io(&name, err))?;
        // A member whose data runs past the end of the file means the archive was cut short.
        for (member, location) in &members {
            if let Member::Data { offset, size } = location
                && offset.saturating_add(*size) > metadata.len()
            {
                return Err(ImageError::format(
                    &name,
                    format!("truncated archive: member {member} runs past the end of the file"),
                ));
            }
        }
        Ok(TarStore {
            file_path: path.to_owned(),
            name,
            members,
        })
    }

    fn locate(&self, path: &str) -> Option<(u64, u64)> {
        let mut current = checked_relative(path)?.to_owned();
        for _ in 0..16 {
            match self.members.get(&current)? {
                Member::Data { offset, size } => return Some((*offset, *size)),
                Member::Link(target) => current = target.clone(),
            }
        }
        None // a link loop
    }

    fn open_member(&self, path: &str) -> Result<io::Take<File>> {
        let (offset, size) = self.locate(path).ok_or_else(|| missing(self, path))?;
        let mut file =
            File::open(&self.file_path).map_err(|err| ImageError::io(&self.name, err))?;
        file.seek(SeekFrom::Start(offset))
            .map_err(|err| ImageError::io(&self.name, err))?;
        Ok(file.take(size))
    }
}

fn join_lexically(base: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = if relative.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|c| !c.is_empty()).collect()
    };
    for component in relative.split('/') {
        match component {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

impl BlobStore for TarStore {
    fn name(&self) -> &str {
        &self.name
    }

    fn exists(&self, path: &str) -> bool {
        self.locate(path).is_some()
    }

    fn read_small(&self, path: &str, limit: u64) -> Result<Vec<u8>> {
        let member = self.open_member(path)?;
        read_capped(member, limit).map_err(|err| match err {
            ReadCapped::TooBig => too_big(self, path, limit),
            ReadCapped::Io(err) => ImageError::io(&self.name, err),
        })
    }

    fn index_layer(
        &self,
        path: &str,
        what: &str,
        limits: &Limits,
        capture: CapturePolicy<'_>,
        progress: Option<&(dyn Fn(u64) + Sync)>,
    ) -> Result<LayerIndex> {
        let (offset, size) = self.locate(path).ok_or_else(|| missing(self, path))?;
        let file = File::open(&self.file_path).map_err(|err| ImageError::io(&self.name, err))?;
        layer::index_layer_in_file(
            &self.name, what, &file, offset, size, limits, capture, progress,
        )
    }

    fn size_of(&self, path: &str) -> Option<u64> {
        self.locate(path).map(|(_, size)| size)
    }
}

/// A `docker save` stream consumed once, front to back (the daemon's export). Small JSON
/// members are kept; every other regular member is indexed as a layer as it streams past,
/// because the manifest that says which members are layers comes last.
pub struct StreamedStore {
    name: String,
    documents: FxHashMap<String, Vec<u8>>,
    layers: std::sync::Mutex<FxHashMap<String, Result<LayerIndex>>>,
    links: FxHashMap<String, String>,
    sizes: FxHashMap<String, u64>,
}

impl StreamedStore {
    /// Consumes `stream`. Members up to `limits.max_json_bytes` that start with `{` or `[` are
    /// kept as documents; other members are indexed as layers (errors are kept and reported
    /// only if the manifest refers to that member).
    pub fn consume(
        name: &str,
        stream: impl Read,
        limits: &Limits,
        capture: CapturePolicy<'_>,
        progress: Option<&(dyn Fn(u64) + Sync)>,
    ) -> Result<StreamedStore> {
        let mut documents = FxHashMap::default();
        let mut layers = FxHashMap::default();
        let mut links = FxHashMap::default();
        let mut sizes = FxHashMap::default();
        let mut kept_bytes = 0u64;
        let mut archive = tar::Archive::new(stream);
        let entries = archive
            .entries()
            .map_err(|err| ImageError::format(name, format!("not a tar stream: {err}")))?;
        for entry in entries {
            let mut entry = entry.map_err(|err| {
                ImageError::format(name, format!("corrupt or truncated tar stream: {err}"))
            })?;
            let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let Some(member_path) = checked_relative(raw.trim_end_matches('/')) else {
                continue;
            };
            let member_path = member_path.to_owned();
            let entry_type = entry.header().entry_type();
            if matches!(entry_type, tar::EntryType::Symlink | tar::EntryType::Link) {
                if let Ok(Some(target)) = entry.link_name() {
                    let target = target.to_string_lossy().into_owned();
                    let parent = member_path.rsplit_once('/').map_or("", |(p, _)| p);
                    let resolved = if entry_type == tar::EntryType::Symlink {
                        join_lexically(parent, &target)
                    } else {
                        Some(target)
                    };
                    if let Some(resolved) = resolved {
                        links.insert(member_path, resolved);
                    }
                }
                continue;
            }
            if !matches!(
                entry_type,
                tar::EntryType::Regular | tar::EntryType::Continuous
            ) {
                continue;
            }
            let size = entry.size();
            sizes.insert(member_path.clone(), size);
            if size <= limits.max_json_bytes {
                // Peek: documents are JSON, layers are tar/gzip/zstd.
                let mut head = [0u8; 1];
                let got = entry.read(&mut head).map_err(|err| {
                    ImageError::format(name, format!("reading {member_path}: {err}"))
                })?;
                if got == 1 && (head[0] == b'{' || head[0] == b'[') {
                    let mut bytes = vec![head[0]];
                    entry.read_to_end(&mut bytes).map_err(|err| {
                        ImageError::format(name, format!("reading {member_path}: {err}"))
                    })?;
                    kept_bytes += bytes.len() as u64;
                    if kept_bytes > limits.max_json_bytes.saturating_mul(4) {
                        return Err(ImageError::LimitExceeded {
                            source_name: name.to_owned(),
                            what: "JSON documents in the stream".to_owned(),
                            limit: limits.max_json_bytes.saturating_mul(4),
                            unit: "bytes",
                        });
                    }
                    documents.insert(member_path, bytes);
                    continue;
                }
                let chained = (&head[..got]).chain(&mut entry);
                let what = format!("layer {member_path}");
                let indexed = layer::index_layer(name, &what, chained, limits, capture, progress);
                layers.insert(member_path, indexed);
                continue;
            }
            let what = format!("layer {member_path}");
            let indexed = layer::index_layer(name, &what, &mut entry, limits, capture, progress);
            layers.insert(member_path, indexed);
        }
        Ok(StreamedStore {
            name: name.to_owned(),
            documents,
            layers: std::sync::Mutex::new(layers),
            links,
            sizes,
        })
    }

    fn canonical(&self, path: &str) -> Option<String> {
        let mut current = checked_relative(path)?.to_owned();
        for _ in 0..16 {
            match self.links.get(&current) {
                Some(target) => current = target.clone(),
                None => return Some(current),
            }
        }
        None
    }
}

impl BlobStore for StreamedStore {
    fn name(&self) -> &str {
        &self.name
    }

    fn exists(&self, path: &str) -> bool {
        self.canonical(path).is_some_and(|p| {
            self.documents.contains_key(&p)
                || self
                    .layers
                    .lock()
                    .is_ok_and(|layers| layers.contains_key(&p))
        })
    }

    fn read_small(&self, path: &str, limit: u64) -> Result<Vec<u8>> {
        let canonical = self.canonical(path).ok_or_else(|| missing(self, path))?;
        match self.documents.get(&canonical) {
            Some(bytes) if bytes.len() as u64 <= limit => Ok(bytes.clone()),
            Some(_) => Err(too_big(self, path, limit)),
            None => Err(missing(self, path)),
        }
    }

    fn index_layer(
        &self,
        path: &str,
        _what: &str,
        _limits: &Limits,
        _capture: CapturePolicy<'_>,
        _progress: Option<&(dyn Fn(u64) + Sync)>,
    ) -> Result<LayerIndex> {
        let canonical = self.canonical(path).ok_or_else(|| missing(self, path))?;
        let mut layers = self
            .layers
            .lock()
            .map_err(|_| ImageError::format(&self.name, "layer table poisoned"))?;
        // The stream is gone, so each layer can be handed out once; the reader asks once per
        // distinct path and shares the index between manifest entries that repeat it.
        match layers.remove(&canonical) {
            Some(result) => result,
            None => Err(missing(self, path)),
        }
    }

    fn size_of(&self, path: &str) -> Option<u64> {
        self.sizes.get(&self.canonical(path)?).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_outside_the_layout() {
        assert_eq!(checked_relative("blobs/sha256/ab"), Some("blobs/sha256/ab"));
        assert_eq!(checked_relative("./manifest.json"), Some("manifest.json"));
        assert_eq!(checked_relative("../etc/passwd"), None);
        assert_eq!(checked_relative("/etc/passwd"), None);
        assert_eq!(checked_relative("a//b"), None);
    }

    #[test]
    fn joins_link_targets() {
        assert_eq!(
            join_lexically("abc", "../def/layer.tar").as_deref(),
            Some("def/layer.tar")
        );
        assert_eq!(join_lexically("", "../x"), None);
    }
}
