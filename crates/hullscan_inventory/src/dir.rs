//! The inventory's file-reading edge: catalogs a directory tree (a root filesystem, an
//! unpacked application) as one layer.

use std::io::Read;
use std::path::Path;

use crate::{Inventory, LayerCatalog, assemble, catalog_file, oversized_note, wants_file};

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
            match read_capped(&entry.path(), size) {
                Ok(bytes) => {
                    let cataloged = catalog_file(&path, &bytes);
                    if !(cataloged.packages.is_empty()
                        && cataloged.os.is_none()
                        && cataloged.owned_paths.is_empty()
                        && cataloged.notes.is_empty())
                    {
                        layer.files.push(cataloged);
                    }
                }
                Err(error) => notes.push(format!("{path}: cannot read: {error}")),
            }
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
