use hullscan_diagnostics::{Diagnostic, Location, declare_rule};

use super::ContextCheck;

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
    /// Patterns naming directories that tools create (`node_modules`, `.git`, `dist`,
    /// `__pycache__`, `.venv`, ...) and `.env` files are not reported: listing them before
    /// they exist is good practice.
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
        if is_conventional(pattern.text()) {
            continue;
        }
        let hint = if !pattern.text().contains('/') && !pattern.text().starts_with("**") {
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

/// Whether a pattern names something tools generate, which is worth listing in advance.
fn is_conventional(pattern: &str) -> bool {
    let last = pattern.rsplit('/').next().unwrap_or(pattern);
    let last = last.strip_prefix("**").unwrap_or(last);
    matches!(
        last,
        ".git"
            | ".hg"
            | ".svn"
            | "node_modules"
            | "bower_components"
            | ".venv"
            | "venv"
            | "__pycache__"
            | ".pytest_cache"
            | ".mypy_cache"
            | ".ruff_cache"
            | ".tox"
            | ".nox"
            | ".gradle"
            | ".next"
            | ".nuxt"
            | ".cache"
            | ".terraform"
            | "dist"
            | "build"
            | "target"
            | "out"
            | "coverage"
            | ".idea"
            | ".vscode"
            | ".DS_Store"
            | "*.log"
            | "npm-debug.log*"
            | "yarn-error.log*"
            | "tmp"
            | "temp"
            | "logs"
    ) || last.starts_with(".env")
        || last.starts_with("Dockerfile")
        || last.starts_with(".dockerignore")
        || last.starts_with("docker-compose")
        || last.starts_with("compose.")
}
