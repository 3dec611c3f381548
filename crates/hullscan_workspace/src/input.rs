//! Reading the files a user points hullscan at (Dockerfiles, stdin, configuration files),
//! bounded: only regular files are read (a FIFO would block forever, `/dev/zero` never ends),
//! they are opened without blocking, and never more than a size cap is read. Every refusal is
//! an [`InputError`] that names the file and, for the cap, the limit and how to raise it.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The default cap on one input file, in MiB. The largest real Dockerfiles are a few hundred
/// KiB; this leaves two orders of magnitude of room and still bounds memory.
pub const DEFAULT_MAX_INPUT_MIB: u64 = 16;

/// The command-line option (and environment variable) that raises the cap.
pub const MAX_INPUT_OPTION: &str = "--max-input-mib (or HULLSCAN_MAX_INPUT_MIB)";

/// The cap in bytes, set once from the command line.
static MAX_INPUT_BYTES: AtomicU64 = AtomicU64::new(DEFAULT_MAX_INPUT_MIB << 20);

/// Sets the cap for every later read (`--max-input-mib`).
pub fn set_max_input_mib(mib: u64) {
    MAX_INPUT_BYTES.store(mib.saturating_mul(1 << 20), Ordering::Relaxed);
}

/// The cap in bytes.
pub fn max_input_bytes() -> u64 {
    MAX_INPUT_BYTES.load(Ordering::Relaxed)
}

/// Why an input was not read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error(
        "{}: not a regular file (a {kind}); hullscan reads only regular files{hint}",
        path.display(),
        hint = if *kind == "FIFO" || *kind == "character device" {
            " (pipe it to `-` to read stdin)"
        } else {
            ""
        }
    )]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error(
        "{}: larger than the {} limit on input files; raise it with {MAX_INPUT_OPTION}",
        path.display(),
        show_size(*limit)
    )]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl InputError {
    /// The underlying I/O error kind, when it is one (callers treat a missing default file
    /// differently from other failures).
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        match self {
            InputError::Io { source, .. } => Some(source.kind()),
            _ => None,
        }
    }
}

fn show_size(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes}-byte")
    }
}

/// Reads the regular file at `path`, at most [`max_input_bytes`].
pub fn read_file(path: &Path) -> Result<Vec<u8>, InputError> {
    read_file_capped(path, max_input_bytes())
}

/// [`read_file`], with the text decoded (invalid UTF-8 is an error naming the file).
pub fn read_file_to_string(path: &Path) -> Result<String, InputError> {
    let bytes = read_file(path)?;
    String::from_utf8(bytes).map_err(|_| InputError::Io {
        path: path.to_owned(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ),
    })
}

/// Reads the regular file at `path`, at most `limit` bytes.
pub fn read_file_capped(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    let io = |source| InputError::Io {
        path: path.to_owned(),
        source,
    };
    let file = open_nonblocking(path).map_err(io)?;
    // Asked of the open file, so a file swapped for a FIFO after a path check cannot slip by.
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(InputError::NotRegular {
            path: path.to_owned(),
            kind: file_kind(&meta),
        });
    }
    if meta.len() > limit {
        return Err(InputError::TooLarge {
            path: path.to_owned(),
            limit,
        });
    }
    read_capped(file, path, limit, meta.len())
}

/// Reads stdin, at most [`max_input_bytes`]; errors name it `stdin`.
pub fn read_stdin() -> Result<Vec<u8>, InputError> {
    read_capped(
        std::io::stdin().lock(),
        Path::new("stdin"),
        max_input_bytes(),
        0,
    )
}

fn read_capped(
    reader: impl Read,
    path: &Path,
    limit: u64,
    size_hint: u64,
) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::with_capacity(usize::try_from(size_hint.min(limit)).unwrap_or(0));
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| InputError::Io {
            path: path.to_owned(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge {
            path: path.to_owned(),
            limit,
        });
    }
    Ok(bytes)
}

/// Opens for reading without waiting for a writer: opening a FIFO for reading otherwise blocks
/// until one appears. Regular files ignore the flag.
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        return "directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "FIFO";
        }
        if kind.is_char_device() {
            return "character device";
        }
        if kind.is_block_device() {
            return "block device";
        }
        if kind.is_socket() {
            return "socket";
        }
    }
    "special file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_up_to_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        std::fs::write(&path, "FROM a\n").unwrap();
        assert_eq!(read_file_capped(&path, 7).unwrap(), b"FROM a\n");
        let err = read_file_capped(&path, 6).unwrap_err();
        assert!(matches!(err, InputError::TooLarge { limit: 6, .. }));
        let message = err.to_string();
        assert!(message.contains("Dockerfile") && message.contains("--max-input-mib"));
    }

    #[test]
    fn refuses_devices_and_directories_without_reading() {
        let err = read_file_capped(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(
            err.to_string()
                .contains("/dev/zero: not a regular file (a character device)"),
            "{err}"
        );
        let dir = tempfile::tempdir().unwrap();
        let err = read_file_capped(dir.path(), 1 << 20).unwrap_err();
        assert!(err.to_string().contains("a directory"), "{err}");
    }

    #[test]
    #[allow(clippy::print_stderr)] // the skip note
    fn a_fifo_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|status| status.success());
        if !made {
            eprintln!("skipped: mkfifo is not available");
            return;
        }
        // Without O_NONBLOCK this open would wait for a writer forever.
        let err = read_file_capped(&fifo, 1 << 20).unwrap_err();
        assert!(err.to_string().contains("a FIFO"), "{err}");
    }
}
