//! Loading a build context from disk: which ignore file applies, reading it, walking.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hullscan_ignore::{IgnoreFile, dockerfile_specific_ignore_name};
use hullscan_text::SourceFile;
use rayon::prelude::*;

use crate::model::{AppliedIgnoreFile, BuildContext, ContextEntry, EntryKind, IgnoreFileKind};

/// Largest registry config whose content the loader reads to look for tokens, and how much
/// of a credential-named file it reads for the secrets engine.
const PROBE_LIMIT: u64 = 64 * 1024;
use crate::walk::{WalkOptions, walk_with};

/// A context that cannot be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: not a directory")]
    NotADirectory { path: String },
    #[error("{path}: not a regular file; hullscan reads only regular files")]
    NotRegular { path: String },
    #[error(
        "{path}: larger than the {limit_mib} MiB limit on input files; raise it with --max-input-mib (or HULLSCAN_MAX_INPUT_MIB)"
    )]
    TooLarge { path: String, limit_mib: u64 },
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// The ignore file Docker (BuildKit) uses for a build of `context` with `dockerfile`:
/// `<Dockerfile name>.dockerignore` beside the Dockerfile when it exists, otherwise
/// `<context>/.dockerignore` when that exists.
pub fn find_ignore_file(context: &Path, dockerfile: &Path) -> Option<(PathBuf, IgnoreFileKind)> {
    if let (Some(name), Some(dir)) = (dockerfile.file_name(), dockerfile.parent()) {
        let specific = dir.join(dockerfile_specific_ignore_name(&name.to_string_lossy()));
        if specific.is_file() {
            return Some((specific, IgnoreFileKind::DockerfileSpecific));
        }
    }
    let root = context.join(".dockerignore");
    root.is_file()
        .then_some((root, IgnoreFileKind::ContextRoot))
}

/// Reads an ignore file's text, at most `limit` bytes and only from a regular file (opened
/// without blocking, so a FIFO swapped in after the check cannot hang the run); invalid UTF-8
/// is replaced (Docker compares bytes, so such patterns can only match names with the same
/// replacement).
fn read_text(path: &Path, limit: u64) -> Result<String, LoadError> {
    let display = || path.display().to_string();
    let io = |source| LoadError::Io {
        path: display(),
        source,
    };
    let file = open_nonblocking(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(LoadError::NotRegular { path: display() });
    }
    let too_large = || LoadError::TooLarge {
        path: display(),
        limit_mib: limit.div_ceil(1 << 20),
    };
    if meta.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned()))
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Loads the context rooted at `context` for a build of `dockerfile` (default:
/// `<context>/Dockerfile`).
pub fn load_context(context: &Path, dockerfile: Option<&Path>) -> Result<BuildContext, LoadError> {
    load_context_with(context, dockerfile, WalkOptions::default())
}

/// [`load_context`] with walk options (e.g. to reproduce an older engine).
pub fn load_context_with(
    context: &Path,
    dockerfile: Option<&Path>,
    options: WalkOptions,
) -> Result<BuildContext, LoadError> {
    if !context.is_dir() {
        return Err(LoadError::NotADirectory {
            path: context.display().to_string(),
        });
    }
    let default_dockerfile = context.join("Dockerfile");
    let dockerfile = dockerfile.unwrap_or(&default_dockerfile);
    let dockerfile_in_context = relative_inside(context, dockerfile);

    let mut ignore_file = None;
    let mut ignore_error = None;
    let mut matcher = None;
    if let Some((path, kind)) = find_ignore_file(context, dockerfile) {
        let limit = options
            .max_ignore_file_bytes
            .unwrap_or(crate::walk::DEFAULT_MAX_IGNORE_FILE_BYTES);
        let text = read_text(&path, limit)?;
        let parsed = IgnoreFile::parse(&text);
        match parsed.compile() {
            Ok(compiled) => matcher = Some(Arc::new(compiled)),
            Err(err) => ignore_error = Some(err),
        }
        let display_path = path.display().to_string();
        ignore_file = Some(AppliedIgnoreFile {
            kind,
            source: Arc::new(SourceFile::new(display_path.clone(), text)),
            display_path,
            parsed,
        });
    }
    let output = walk_with(context, matcher.as_deref(), options);
    // Registry configs (`.npmrc`) and every file whose name looks like a credential: the
    // rules judge their content (the start of it, for a large file), never the name alone.
    let probe = |e: &ContextEntry| -> Option<(String, String)> {
        if e.kind != EntryKind::File {
            return None;
        }
        let file = std::fs::File::open(context.join(&e.path)).ok()?;
        let mut bytes = Vec::new();
        file.take(PROBE_LIMIT).read_to_end(&mut bytes).ok()?;
        Some((e.path.clone(), String::from_utf8_lossy(&bytes).into_owned()))
    };
    // Each probed file as (index into entries, path, content), read in parallel, and judged
    // by name and content: registry configs by their token, the others by the engine.
    let candidates: Vec<(usize, Option<crate::analysis::SecretKind>)> = output
        .content_checks
        .iter()
        .filter(|&&index| output.entries[index].size <= PROBE_LIMIT)
        .map(|&index| (index, None))
        .chain(
            output
                .secrets
                .iter()
                .map(|&(index, kind)| (index, Some(kind))),
        )
        .collect();
    let judged: Vec<Judged> = candidates
        .into_par_iter()
        .map(|(index, named)| {
            let entry = &output.entries[index];
            let probed = probe(entry);
            let content = probed.as_ref().map(|(_, c)| c.as_str());
            let kind = named
                .or_else(|| crate::analysis::secret_kind(&entry.path, content))
                .filter(|&kind| {
                    crate::analysis::content_confirms_secret(&entry.path, kind, content)
                });
            (index, probed, kind)
        })
        .collect();
    let mut secrets: Vec<(usize, crate::analysis::SecretKind)> = judged
        .iter()
        .filter_map(|&(index, _, kind)| kind.map(|kind| (index, kind)))
        .collect();
    let probed_contents: Vec<(String, String)> = judged
        .into_iter()
        .filter_map(|(_, probed, _)| probed)
        .collect();
    secrets.sort_unstable_by_key(|&(index, _)| index);
    Ok(BuildContext {
        root_display: context.display().to_string(),
        dockerfile_in_context,
        ignore_file,
        matcher,
        ignore_error,
        entries: output.entries,
        excluded: output.excluded,
        usage: output.usage,
        problems: output.problems,
        probed_contents,
        gitignore_patterns: read_gitignore_patterns(context),
        secrets_cache: std::sync::OnceLock::from(secrets),
        dir_totals_cache: std::sync::OnceLock::from(output.dir_totals),
    })
}

/// A probed file: its index into the entries, `(path, content)` when it could be read, and
/// its kind when the content confirms it holds a credential.
type Judged = (
    usize,
    Option<(String, String)>,
    Option<crate::analysis::SecretKind>,
);

/// `path` relative to `root` with `/` separators, when it lies inside it.
fn relative_inside(root: &Path, path: &Path) -> Option<String> {
    let root = root.canonicalize().ok()?;
    let path = path.canonicalize().ok()?;
    let rel = path.strip_prefix(&root).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// The patterns of `<context>/.gitignore`, if it exists and is small (a missing or unreadable
/// one gives none: it only refines the unused-pattern rule).
fn read_gitignore_patterns(context: &Path) -> Vec<String> {
    /// Larger files are not read: this is a hint, not worth megabytes.
    const LIMIT: u64 = 256 * 1024;
    let Ok(file) = std::fs::File::open(context.join(".gitignore")) else {
        return Vec::new();
    };
    let mut bytes = Vec::new();
    if file.take(LIMIT).read_to_end(&mut bytes).is_err() {
        return Vec::new();
    }
    String::from_utf8_lossy(&bytes)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}
