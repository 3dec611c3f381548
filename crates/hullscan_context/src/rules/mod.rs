//! Build-context rules (HS5xx). Each rule is a `declare_rule!` static plus a pure check over
//! [`ContextCheck`]; [`check_context`] runs the enabled ones.
//!
//! Findings land in one of two reports:
//! - the ignore file's (the applied `.dockerignore`, or the `.dockerignore` a fix would create
//!   at the context root): problems with patterns point at their line, findings about what
//!   is sent are whole-file findings whose fix appends patterns to the end of the file;
//! - the Dockerfile's: COPY/ADD findings point at the source word.

use std::sync::Arc;

use hullscan_diagnostics::{Diagnostic, Edit, Fix, RuleMeta};
use hullscan_dockerfile::Dockerfile;
use hullscan_text::{SourceFile, TextSize};

use crate::model::BuildContext;

mod copy_ignored_file;
mod copy_source_not_in_context;
mod dependency_cache_bust;
mod exception_reincludes_secret;
mod invalid_dockerignore;
mod large_build_context;
mod missing_dockerignore;
mod secret_file_in_context;
mod shadowed_dockerignore_pattern;
mod unused_dockerignore_pattern;
mod unwanted_directory_in_context;

pub use copy_ignored_file::COPY_IGNORED_FILE;
pub use copy_source_not_in_context::COPY_SOURCE_NOT_IN_CONTEXT;
pub use dependency_cache_bust::DEPENDENCY_CACHE_BUST;
pub use exception_reincludes_secret::EXCEPTION_REINCLUDES_SECRET;
pub use invalid_dockerignore::INVALID_DOCKERIGNORE;
pub use large_build_context::LARGE_BUILD_CONTEXT;
pub use missing_dockerignore::MISSING_DOCKERIGNORE;
pub use secret_file_in_context::SECRET_FILE_IN_CONTEXT;
pub use shadowed_dockerignore_pattern::SHADOWED_DOCKERIGNORE_PATTERN;
pub use unused_dockerignore_pattern::UNUSED_DOCKERIGNORE_PATTERN;
pub use unwanted_directory_in_context::UNWANTED_DIRECTORY_IN_CONTEXT;

/// Every context rule, in code order (the linter's registry lists these).
pub static RULES: &[&RuleMeta] = &[
    &INVALID_DOCKERIGNORE,
    &MISSING_DOCKERIGNORE,
    &SECRET_FILE_IN_CONTEXT,
    &UNWANTED_DIRECTORY_IN_CONTEXT,
    &LARGE_BUILD_CONTEXT,
    &UNUSED_DOCKERIGNORE_PATTERN,
    &SHADOWED_DOCKERIGNORE_PATTERN,
    &EXCEPTION_REINCLUDES_SECRET,
    &COPY_SOURCE_NOT_IN_CONTEXT,
    &COPY_IGNORED_FILE,
    &DEPENDENCY_CACHE_BUST,
];

/// Context rule settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContextSettings {
    /// [`LARGE_BUILD_CONTEXT`] fires above this many bytes.
    pub max_context_bytes: u64,
}

impl Default for ContextSettings {
    fn default() -> Self {
        Self {
            max_context_bytes: 256 * 1024 * 1024,
        }
    }
}

/// What the context rules look at.
#[derive(Clone, Copy, Debug)]
pub struct ContextCheck<'a> {
    pub context: &'a BuildContext,
    /// The parsed Dockerfile of the build, for the COPY/ADD rules.
    pub dockerfile: Option<&'a Dockerfile>,
    pub settings: ContextSettings,
}

/// The findings, split by the report they belong to.
#[derive(Clone, Debug)]
pub struct ContextFindings {
    /// The ignore file the findings point into: the applied one, or an empty
    /// `<context>/.dockerignore` that the fixes would create.
    pub ignore_source: Arc<SourceFile>,
    /// Whether `ignore_source` exists on disk.
    pub ignore_file_exists: bool,
    pub ignore_file: Vec<Diagnostic>,
    /// Findings with text ranges into the Dockerfile.
    pub dockerfile: Vec<Diagnostic>,
    /// The cache costs [`DEPENDENCY_CACHE_BUST`] reported, one per finding (empty when the
    /// rule is off or there is no Dockerfile), for reports that show them in full without
    /// scanning the context again.
    pub cache_busts: Vec<crate::analysis::CacheBust>,
}

impl ContextCheck<'_> {
    /// The ignore file's source: the applied file, or an empty one at the context root.
    pub(crate) fn ignore_source(&self) -> Arc<SourceFile> {
        match &self.context.ignore_file {
            Some(file) => file.source.clone(),
            None => Arc::new(SourceFile::new(
                format!(
                    "{}/.dockerignore",
                    self.context.root_display.trim_end_matches('/')
                ),
                String::new(),
            )),
        }
    }
}

/// An edit appending `patterns` (one per line) to the end of the ignore file.
pub(crate) fn append_patterns(source: &SourceFile, comment: &str, patterns: &[String]) -> Edit {
    let text = source.text();
    let mut content = String::new();
    if !text.is_empty() && !text.ends_with('\n') {
        content.push('\n');
    }
    if !comment.is_empty() {
        content.push_str("# ");
        content.push_str(comment);
        content.push('\n');
    }
    for pattern in patterns {
        content.push_str(pattern);
        content.push('\n');
    }
    Edit::insertion(content, TextSize::of(text))
}

/// A `.dockerignore` pattern matching exactly `path` (glob characters escaped).
pub fn literal_pattern(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub(crate) fn unsafe_fix(title: impl Into<String>, edit: Edit) -> Fix {
    Fix::new(
        title,
        vec![edit],
        hullscan_diagnostics::Applicability::Unsafe,
    )
}

/// Runs every enabled context rule.
pub fn check_context(
    input: &ContextCheck<'_>,
    enabled: &dyn Fn(&RuleMeta) -> bool,
) -> ContextFindings {
    let mut ignore_file = Vec::new();
    let mut dockerfile = Vec::new();
    let mut cache_busts = Vec::new();
    let on = |rule: &RuleMeta| enabled(rule);
    if on(&INVALID_DOCKERIGNORE) {
        invalid_dockerignore::check(input, &mut ignore_file);
    }
    // One finding per credential file: HS502 names each, HS501 only the directories (its
    // fix covers both); without HS501's fix, HS502 creates the ignore file itself.
    let secrets_reported = on(&SECRET_FILE_IN_CONTEXT);
    let before = ignore_file.len();
    if on(&MISSING_DOCKERIGNORE) {
        missing_dockerignore::check(input, secrets_reported, &mut ignore_file);
    }
    let ignore_file_fix_given = ignore_file.len() > before;
    if secrets_reported {
        secret_file_in_context::check(
            input,
            !ignore_file_fix_given,
            &mut ignore_file,
            &mut dockerfile,
        );
    }
    // Without an ignore file, HS501 names the unwanted directories and its fix excludes
    // them: one finding for one problem.
    if on(&UNWANTED_DIRECTORY_IN_CONTEXT)
        && (input.context.ignore_file.is_some() || !on(&MISSING_DOCKERIGNORE))
    {
        unwanted_directory_in_context::check(input, &mut ignore_file);
    }
    if on(&LARGE_BUILD_CONTEXT) {
        large_build_context::check(input, &mut ignore_file);
    }
    if on(&UNUSED_DOCKERIGNORE_PATTERN) {
        unused_dockerignore_pattern::check(input, &mut ignore_file);
    }
    if on(&SHADOWED_DOCKERIGNORE_PATTERN) {
        shadowed_dockerignore_pattern::check(input, &mut ignore_file);
    }
    if on(&EXCEPTION_REINCLUDES_SECRET) {
        exception_reincludes_secret::check(input, &mut ignore_file);
    }
    if let Some(parsed) = input.dockerfile {
        if on(&COPY_SOURCE_NOT_IN_CONTEXT) {
            copy_source_not_in_context::check(input, parsed, &mut dockerfile);
        }
        if on(&COPY_IGNORED_FILE) {
            copy_ignored_file::check(input, parsed, &mut dockerfile);
        }
        if on(&DEPENDENCY_CACHE_BUST) {
            cache_busts = dependency_cache_bust::check(input, parsed, &mut dockerfile);
        }
    }
    ContextFindings {
        ignore_source: input.ignore_source(),
        ignore_file_exists: input.context.ignore_file.is_some(),
        ignore_file,
        dockerfile,
        cache_busts,
    }
}

/// The index of the pattern that decides `path` by whole-path matching (the last pattern
/// matching the path or an ancestor), if any.
pub(crate) fn deciding_pattern(context: &BuildContext, path: &str) -> Option<usize> {
    let matcher = context.matcher.as_ref()?;
    let mut applying = vec![false; matcher.patterns().len()];
    let mut end = 0;
    loop {
        let next = path[end..].find('/').map(|i| end + i);
        let prefix = next.map_or(path, |i| &path[..i]);
        for (slot, hit) in applying.iter_mut().zip(matcher.direct_hits(prefix)) {
            *slot |= hit;
        }
        match next {
            Some(i) => end = i + 1,
            None => break,
        }
    }
    applying.iter().rposition(|a| *a)
}
