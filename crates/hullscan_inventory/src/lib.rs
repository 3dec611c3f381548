//! What is installed in an image or a root filesystem.
//!
//! The flow, built for the image reader's single streaming pass:
//! 1. [`wants_file`] tells the layer reader, from a tar entry's path, size and mode alone,
//!    whether the inventory needs that file's bytes;
//! 2. [`catalog_file`] turns one wanted file's bytes into what it evidences (packages, the OS
//!    release, notes on what could not be read) — pure, no I/O;
//! 3. a [`LayerCatalog`] collects one layer's results (serializable: it is what the per-layer
//!    cache keeps, keyed by the layer's diff ID);
//! 4. [`assemble`] combines the layers' catalogs with the image's final filesystem into the
//!    [`Inventory`].
//!
//! [`dir`] is the one edge that reads files: it catalogs a directory tree (a rootfs, an
//! unpacked application) through the same three steps, as a single layer.

mod apk;
mod assemble;
mod binary;
pub mod dir;
mod dotnet;
mod dpkg;
mod java;
mod kind;
mod model;
mod npm;
mod os_release;
mod php;
pub mod purl;
mod python;
mod rpm;
mod ruby;
mod text;

pub use kind::{FileKind, classify};
pub use model::{
    CatalogedFile, Ecosystem, Inventory, LayerCatalog, OsRelease, Package, SourcePackage,
};

/// Whether the inventory needs the bytes of the file at `path` (relative to the image root, no
/// leading `/`), of `size` bytes with Unix `mode`, to find packages. Called for every regular
/// file of every layer, so it must be cheap. A file of a wanted kind but over that kind's size
/// cap is not wanted; [`oversized_note`] says so for the record.
pub fn wants_file(path: &str, size: u64, mode: u32) -> bool {
    classify(path, mode).is_some_and(|kind| size <= kind.max_bytes() && size >= kind.min_bytes())
}

/// For a file the inventory would read but for its size: the note to record (naming the file,
/// its size and the cap), so the skipped evidence is visible. `None` otherwise.
pub fn oversized_note(path: &str, size: u64, mode: u32) -> Option<String> {
    let kind = classify(path, mode)?;
    (size > kind.max_bytes()).then(|| {
        format!(
            "{path}: not read: {size} bytes is over the {} byte limit for {}",
            kind.max_bytes(),
            kind.describe()
        )
    })
}

/// What the file at `path` with these bytes evidences. Never panics on any input: what cannot
/// be read becomes a note naming the file and the problem.
pub fn catalog_file(path: &str, content: &[u8]) -> CatalogedFile {
    let path = kind::normalize(path);
    let mut out = CatalogedFile {
        path: path.to_owned(),
        ..CatalogedFile::default()
    };
    // The mode is not known here; a file that is not recognised by its path is read as an
    // executable only when its bytes say so.
    let kind = classify(path, 0)
        .or_else(|| binary::is_executable(content).then_some(FileKind::Executable));
    let Some(kind) = kind else {
        return out;
    };
    if content.len() as u64 > kind.max_bytes() {
        out.notes.push(format!(
            "{path}: not read: {} bytes is over the {} byte limit for {}",
            content.len(),
            kind.max_bytes(),
            kind.describe()
        ));
        return out;
    }
    match kind {
        FileKind::OsRelease => out.os = os_release::parse_os_release(path, content, &mut out.notes),
        FileKind::DebianVersion
        | FileKind::AlpineRelease
        | FileKind::RedHatRelease
        | FileKind::LsbRelease => {
            out.os = os_release::parse_fallback(kind, path, content, &mut out.notes);
        }
        FileKind::DpkgStatus | FileKind::DpkgStatusD => {
            out.packages = dpkg::parse_status(path, content, &mut out.notes);
        }
        FileKind::DpkgList => out.owned_paths = dpkg::parse_list(content),
        FileKind::DpkgMd5sums => out.owned_paths = dpkg::parse_md5sums(content),
        FileKind::ApkInstalled => {
            let (packages, owned) = apk::parse_installed(path, content, &mut out.notes);
            out.packages = packages;
            out.owned_paths = owned;
        }
        FileKind::RpmSqlite | FileKind::RpmBerkeley | FileKind::RpmNdb => {
            let (packages, owned) = rpm::read_database(kind, path, content, &mut out.notes);
            out.packages = packages;
            out.owned_paths = owned;
        }
        FileKind::PythonMetadata => {
            out.packages = python::parse_metadata(path, content, &mut out.notes);
        }
        FileKind::NpmPackageJson => {
            out.packages = npm::parse_package_json(path, content, &mut out.notes)
        }
        FileKind::JavaArchive => out.packages = java::read_archive(path, content, &mut out.notes),
        FileKind::Executable => out.packages = binary::read_binary(path, content, &mut out.notes),
        FileKind::Gemspec => out.packages = ruby::parse_gemspec(path, content, &mut out.notes),
        FileKind::DotnetDeps => {
            out.packages = dotnet::parse_deps_json(path, content, &mut out.notes)
        }
        FileKind::ComposerInstalled => {
            out.packages = php::parse_installed_json(path, content, &mut out.notes);
        }
    }
    for package in &mut out.packages {
        if package.evidence.is_empty() {
            package.evidence.push(path.to_owned());
        }
        package.purl = purl::package_purl(package, None);
    }
    out
}

/// The inventory of an image: `layers[i]` is layer `i`'s catalog (bottom first), and
/// `in_final(i, path)` says whether `path` as written by layer `i` is what the final
/// filesystem shows (not deleted by a whiteout nor replaced by a higher layer).
pub fn assemble(layers: &[LayerCatalog], in_final: &dyn Fn(usize, &str) -> bool) -> Inventory {
    assemble::assemble(layers, in_final)
}
