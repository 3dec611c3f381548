//! Compose files read the way Compose builds them (compose-go's loader): multi-document files,
//! interpolation per file with `.env` and the process environment, `include`, `extends`,
//! override files with `!reset`/`!override`, and profiles. Every value keeps where it was
//! written (and, through a merge key, where the anchor defined it), so findings point at lines.
//!
//! The crate does no I/O of its own: the loader reads files through a [`FileSystem`] the caller
//! supplies (the CLI passes the real one; tests pass a map).

pub mod dotenv;
pub mod duration;
pub mod interpolate;
pub mod load;
pub mod merge;
pub mod model;
pub mod tree;

pub use load::{
    FileSystem, LoadOptions, Problem, ProblemKind, RealFileSystem, is_compose_file_name,
    is_override_file_name, load, override_candidates,
};
pub use model::{BuildInfo, Healthcheck, Mount, Project, Service, SourceFile};
pub use tree::{FileId, Key, Kind, MergeTag, Node, Scalar, Site};

#[cfg(test)]
mod tests;
