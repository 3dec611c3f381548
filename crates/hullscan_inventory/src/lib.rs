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

pub mod dir;
mod model;

pub use model::{
    CatalogedFile, Ecosystem, Inventory, LayerCatalog, OsRelease, Package, SourcePackage,
};

/// Whether the inventory needs the bytes of the file at `path` (relative to the image root, no
/// leading `/`), of `size` bytes with Unix `mode`, to find packages. Called for every regular
/// file of every layer, so it must be cheap.
pub fn wants_file(path: &str, size: u64, mode: u32) -> bool {
    let _ = (path, size, mode);
    false
}

/// What the file at `path` with these bytes evidences. Never panics on any input: what cannot
/// be read becomes a note naming the file and the problem.
pub fn catalog_file(path: &str, content: &[u8]) -> CatalogedFile {
    let _ = content;
    CatalogedFile {
        path: path.to_owned(),
        ..CatalogedFile::default()
    }
}

/// The inventory of an image: `layers[i]` is layer `i`'s catalog (bottom first), and
/// `in_final(i, path)` says whether `path` as written by layer `i` is what the final
/// filesystem shows (not deleted by a whiteout nor replaced by a higher layer).
pub fn assemble(layers: &[LayerCatalog], in_final: &dyn Fn(usize, &str) -> bool) -> Inventory {
    let _ = (layers, in_final);
    Inventory::default()
}
