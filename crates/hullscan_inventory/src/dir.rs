//! The inventory's file-reading edge: catalogs a directory tree (a root filesystem, an
//! unpacked application) as one layer.

use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::{
    CatalogedFile, Inventory, LayerCatalog, assemble, catalog_file, oversized_note, wants_file,
};

/// Catalogs every wanted file under `root`. Files that cannot be read become notes; the
/// walk goes on. Symbolic links are not followed (an image layer stores them as links too).
pub fn catalog_dir(root: &Path) -> std::io::Result<Inventory> {
    let meta = std::fs::metadata(root)?;
    if !meta.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{}: not a directory", root.display()),
        ));
    }
    let mut layer = LayerCatalog::default();
    let mut notes = Vec::new();
    let mut wanted: Vec<(PathBuf, String, u64)> = Vec::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, relative)) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) => {
                notes.push(format!("{}: cannot list: {error}", display(&relative)));
                continue;
            }
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if relative.is_empty() {
                name
            } else {
                format!("{relative}/{name}")
            };
            let Ok(meta) = entry.metadata() else {
                notes.push(format!("{path}: cannot stat"));
                continue;
            };
            if meta.is_dir() {
                stack.push((entry.path(), path));
                continue;
            }
            if !meta.is_file() {
                continue;
            }
            let mode = file_mode(&meta);
            let size = meta.len();
            if !wants_file(&path, size, mode) {
                if let Some(note) = oversized_note(&path, size, mode) {
                    notes.push(note);
                }
                continue;
            }
            wanted.push((entry.path(), path, size));
        }
    }
    // Reading and parsing is the slow part (executables and jars); it runs in parallel, and
    // the results keep the walk's order.
    let results: Vec<Result<CatalogedFile, String>> = wanted
        .par_iter()
        .map(|(full, path, size)| match read_capped(full, *size) {
            Ok(bytes) => Ok(catalog_file(path, &bytes)),
            Err(error) => Err(format!("{path}: cannot read: {error}")),
        })
        .collect();
    for result in results {
        match result {
            Ok(cataloged) => {
                if !(cataloged.packages.is_empty()
                    && cataloged.os.is_none()
                    && cataloged.owned_paths.is_empty()
                    && cataloged.notes.is_empty())
                {
                    layer.files.push(cataloged);
                }
            }
            Err(note) => notes.push(note),
        }
    }
    let mut inventory = assemble(std::slice::from_ref(&layer), &|_, _| true);
    for package in &mut inventory.packages {
        package.layer = None;
    }
    notes.append(&mut inventory.notes);
    inventory.notes = notes;
    Ok(inventory)
}

fn display(relative: &str) -> &str {
    if relative.is_empty() { "." } else { relative }
}

/// Reads at most `expected` bytes (the size the walk saw), so a file that grows meanwhile
/// cannot push past the cap `wants_file` checked.
fn read_capped(path: &Path, expected: u64) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0).min(64 << 20));
    file.take(expected).read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(unix)]
fn file_mode(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode()
}

#[cfg(not(unix))]
fn file_mode(_meta: &std::fs::Metadata) -> u32 {
    0o644
}
