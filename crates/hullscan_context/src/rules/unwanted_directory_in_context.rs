use hullscan_diagnostics::{Diagnostic, Location, declare_rule};

use super::{ContextCheck, append_patterns, literal_pattern, unsafe_fix};
use crate::analysis::{context_copies, human_bytes, resolve_source, thousands, unwanted_dirs};

declare_rule! {
    /// ## What it does
    /// Finds directories that are sent in the build context but almost never belong there:
    /// `.git`/`.hg`/`.svn`, `node_modules`, virtualenvs (`.venv`, `venv`), tool caches
    /// (`__pycache__`, `.pytest_cache`, `.mypy_cache`, `.tox`, `.gradle`, `.next`, `.terraform`,
    /// `.cache`, ...) and build output (`target/` beside `Cargo.toml` or `pom.xml`, `dist/` or
    /// `build/` beside `package.json`, `pyproject.toml` or `setup.py`). A directory that a
    /// COPY or ADD names explicitly is not reported. Without a `.dockerignore`,
    /// missing-dockerignore (HS501) names them instead, when it is enabled.
    ///
    /// ## Why is this bad?
    /// They make every build upload more, and `COPY . .` invalidates the cache whenever they
    /// change (every commit changes `.git`) and copies host-built dependencies compiled for
    /// the wrong platform.
    ///
    /// ## Example
    /// ```text
    /// # .dockerignore
    /// *.log
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// *.log
    /// .git
    /// **/node_modules
    /// ```
    ///
    /// ## Fix safety
    /// The fix appends a pattern to `.dockerignore`. It is unsafe: a build step that reads
    /// the directory (for example `git describe`) stops working.
    pub static UNWANTED_DIRECTORY_IN_CONTEXT = {
        code: "HS503",
        name: "unwanted-directory-in-context",
        aliases: [],
        severity: Warning,
        category: Performance,
        fix: Sometimes,
        summary: "VCS metadata, dependencies, virtualenvs, caches or build output are sent in the context",
    };
}

pub(super) fn check(input: &ContextCheck<'_>, out: &mut Vec<Diagnostic>) {
    let context = input.context;
    // Paths a COPY/ADD names on purpose (`COPY dist/ /srv`) are wanted.
    let named: Vec<String> = input
        .dockerfile
        .map(|d| {
            context_copies(d)
                .iter()
                .flat_map(|c| c.sources.iter())
                .filter(|(s, _)| crate::analysis::clean_source(s) != ".")
                .flat_map(|(s, _)| resolve_source(context, s))
                .map(|e| e.path.clone())
                .collect()
        })
        .unwrap_or_default();
    let source = input.ignore_source();
    for dir in unwanted_dirs(context) {
        if named.iter().any(|p| p == &dir.path) {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            &UNWANTED_DIRECTORY_IN_CONTEXT,
            format!(
                "`{}/` ({}) is sent in the build context: {} files, {}",
                dir.path,
                dir.kind.describe(),
                thousands(dir.files),
                human_bytes(dir.bytes)
            ),
            Location::File,
        );
        if context.ignore_file.is_some() {
            diagnostic = diagnostic.with_fix(unsafe_fix(
                format!("Add `{}` to .dockerignore", dir.path),
                append_patterns(&source, "", &[literal_pattern(&dir.path)]),
            ));
        }
        out.push(diagnostic);
    }
}
