use hullscan_diagnostics::{Diagnostic, Location, declare_rule};

use super::ContextCheck;
use crate::generated::guards_generated;
use hullscan_ignore::go_filepath_match;

declare_rule! {
    /// ## What it does
    /// Finds `.dockerignore` patterns that match no path Docker looks at in the context as it
    /// is now: no file or directory matches them, directly or through a parent directory.
    /// A pattern that only matches inside a directory an earlier pattern already excludes
    /// (so Docker never reads it) counts as matching nothing.
    ///
    /// ## Why is this bad?
    /// Usually a typo or a pattern written with `.gitignore` habits: `.dockerignore` patterns
    /// are anchored at the context root, so `*.log` does not match `logs/app.log`; that
    /// needs `**/*.log`.
    ///
    /// Patterns for what a checkout gains later are not reported: env files, build output
    /// (`dist`, `build`, `target`, `*.egg-info`, ...), dependencies, caches (`__pycache__`,
    /// `*.pyc`, ...), logs, editor files, credentials and repository boilerplate (`*.md`,
    /// `README*`, `.gitignore`). A clean checkout may have none of them;
    /// listing them before they exist is good practice. So are patterns the context's
    /// `.gitignore` lists too (`/data*` for run-time data): git ignores what a working tree
    /// creates.
    ///
    /// ## Known problems
    /// Other patterns for things that only exist on other machines or later in CI are
    /// reported too; the finding describes the context as it is now.
    ///
    /// ## Example
    /// ```text
    /// *.pyc
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// **/*.pyc
    /// ```
    pub static UNUSED_DOCKERIGNORE_PATTERN = {
        code: "HS505",
        name: "unused-dockerignore-pattern",
        aliases: [],
        severity: Info,
        category: Suspicious,
        fix: None,
        summary: "A .dockerignore pattern matches nothing in the context",
    };
}

pub(super) fn check(input: &ContextCheck<'_>, out: &mut Vec<Diagnostic>) {
    let context = input.context;
    let (Some(matcher), Some(file)) = (&context.matcher, &context.ignore_file) else {
        return;
    };
    for (index, pattern) in matcher.patterns().iter().enumerate() {
        if context.usage.applied.get(index).copied().unwrap_or(true) {
            continue;
        }
        let Some(entry) = file.parsed.entries.get(index) else {
            continue;
        };
        let root_only = !pattern.text().contains('/') && !pattern.text().starts_with("**");
        // `*.pyc` with `pkg/mod.pyc` in the context: written with `.gitignore` habits, and
        // provably missing files, so reported even for generated files.
        let misses_deeper_files = root_only
            && context
                .entries
                .iter()
                .map(|e| e.path.as_str())
                .chain(context.excluded.iter().map(|e| e.path.as_str()))
                .filter_map(|path| path.rsplit_once('/').map(|(_, name)| name))
                .any(|name| go_filepath_match(pattern.text(), name) == Ok(true));
        let gitignored = gitignored_too(context, pattern.text());
        // `.gitignore` anchors `/data*` at the root on purpose: deeper `data…` files are
        // not what either list means.
        if gitignored == Some(true)
            || ((is_conventional(pattern.text()) || gitignored.is_some()) && !misses_deeper_files)
        {
            continue;
        }
        let hint = if root_only {
            format!(
                "; patterns are anchored at the context root, use `**/{}` to match at any depth",
                pattern.text()
            )
        } else {
            String::new()
        };
        out.push(Diagnostic::new(
            &UNUSED_DOCKERIGNORE_PATTERN,
            format!(
                "`{}` matches nothing in the build context{hint}",
                pattern.display()
            ),
            Location::Text(entry.range),
        ));
    }
}

/// Repository boilerplate a directory commonly gains (docs, git and editor settings): listed
/// ahead of time so `COPY . .` never ships it, like `*.md` beside a new README.
const BOILERPLATE: &[&str] = &[
    "README.md",
    "CHANGELOG.md",
    "LICENSE",
    ".gitignore",
    ".gitattributes",
    ".editorconfig",
];

/// Whether the context's `.gitignore` lists the same pattern (leading and trailing `/`
/// aside): git ignores it because a working tree creates it (run-time data, build output),
/// so a clean checkout lacking it says nothing. `Some(true)` when `.gitignore` anchors it at
/// the root (`/data*`), `Some(false)` when not, `None` when it does not list it.
fn gitignored_too(context: &crate::model::BuildContext, pattern: &str) -> Option<bool> {
    let normal = |p: &str| p.trim_start_matches('/').trim_end_matches('/').to_owned();
    let pattern = normal(pattern);
    context
        .gitignore_patterns
        .iter()
        .find(|ignored| normal(ignored) == pattern)
        .map(|ignored| ignored.starts_with('/'))
}

/// Whether a pattern names something a checkout gains later (see [`guards_generated`]), the
/// build's own files or repository boilerplate: worth listing before they exist.
fn is_conventional(pattern: &str) -> bool {
    let last = pattern.rsplit('/').next().unwrap_or(pattern);
    guards_generated(pattern)
        // Named build output and scratch directories: `app.egg-info`, `client/.tmp`.
        || last.ends_with(".egg-info")
        || matches!(last, ".tmp" | ".temp")
        || BOILERPLATE
            .iter()
            .any(|name| go_filepath_match(last, name) == Ok(true))
        || last.starts_with("Dockerfile")
        || last.starts_with(".dockerignore")
        || last.starts_with("docker-compose")
        || last.starts_with("compose.")
}
