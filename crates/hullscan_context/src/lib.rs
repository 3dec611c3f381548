//! The Docker build context: exactly which files `docker build` sends, how big they are,
//! and what each COPY brings in.
//!
//! - [`load_context`] (I/O) finds the applicable ignore file, reads it and walks the context
//!   with BuildKit's walk semantics ([`walk`]).
//! - [`model`] holds the plain data; [`analysis`] and [`rules`] are pure functions over it.

pub mod analysis;
mod generated;
mod load;
pub mod model;
pub mod rules;
pub mod walk;

pub use load::{LoadError, find_ignore_file, load_context, load_context_with};
pub use model::{
    AppliedIgnoreFile, BuildContext, ContextEntry, EntryKind, ExcludedEntry, IgnoreFileKind,
    PatternUsage, WalkProblem,
};
pub use walk::WalkOptions;
