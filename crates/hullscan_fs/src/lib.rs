//! The one way hullscan writes a file, so that a reader — another scan, a concurrent run, the
//! user — sees either the old file or the whole new one, and a crash leaves no half file.

use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Writes `path` through a temporary file in its directory (created if missing): `write` fills
/// it, it is flushed to disk and renamed over `path`, and the directory is flushed so the
/// rename survives a crash. On any error the temporary file is removed and `path` is untouched.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    write_atomically_with(path, None, write)
}

/// [`write_atomically`] for rewriting a user's file in place (`hullscan fix`): the new file
/// gets the old one's permissions (an executable script stays executable, a 0644 file does not
/// become the temporary file's 0600). A missing `path` is created as [`write_atomically`] does.
pub fn rewrite_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => Some(meta.permissions()),
        Err(err) if err.kind() == io::ErrorKind::NotFound => None,
        Err(err) => return Err(err),
    };
    write_atomically_with(path, permissions, write)
}

fn write_atomically_with(
    path: &Path,
    permissions: Option<std::fs::Permissions>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let file_name = path.file_name().map(|name| name.to_string_lossy());
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{}.", file_name.as_deref().unwrap_or("hullscan")))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    {
        let mut out = BufWriter::new(temp.as_file_mut());
        write(&mut out)?;
        out.flush()?;
    }
    if let Some(permissions) = permissions {
        temp.as_file().set_permissions(permissions)?;
    }
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|err| err.error)?;
    if let Ok(dir_handle) = std::fs::File::open(dir) {
        // Not every platform can flush a directory; the rename is already done.
        let _ = dir_handle.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{rewrite_atomically, write_atomically};

    #[test]
    fn replaces_whole_and_a_failed_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/out.json");
        write_atomically(&path, |w| w.write_all(b"one")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        let failed = write_atomically(&path, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("stopped"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        let left: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("out.json")]);
    }

    #[cfg(unix)]
    #[test]
    fn rewrite_keeps_the_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o754)).unwrap();
        rewrite_atomically(&path, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o754);
        // A new file is created as by write_atomically.
        rewrite_atomically(&dir.path().join("fresh"), |w| w.write_all(b"x")).unwrap();
    }
}
