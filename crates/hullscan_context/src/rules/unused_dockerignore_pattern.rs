use hullscan_diagnostics::{Diagnostic, Location, declare_rule};

use super::ContextCheck;
use hullscan_ignore::go_filepath_match;

declare_rule! {
    /// ## What it does
    /// Finds `.dockerignore` patterns written with `.gitignore` habits: a pattern of one path
    /// component (`*.pyc`, `__pycache__`, `node_modules`) that matches nothing at the context
    /// root while files or directories deeper in the context that Docker sends have a name it
    /// matches (`pkg/mod.pyc`, `web/node_modules`).
    ///
    /// ## Why is this bad?
    /// `.gitignore` matches such a pattern at any depth; `.dockerignore` anchors every pattern
    /// at the context root, so `*.pyc` does not exclude `pkg/mod.pyc` and the files the
    /// author meant to keep out are sent and copied into the image. `**/*.pyc` matches at
    /// any depth.
    ///
    /// A pattern that matches nothing anywhere in the context is not reported: it is a stale
    /// entry (the file was removed) or a guard for what a working tree gains later (build
    /// output, caches, env files). Either way it excludes nothing Docker would send and is
    /// harmless to keep. Neither is a pattern with a `/` in it (`/data`, `./*.log`,
    /// `docs/*.md`, a trailing `/` aside): its author anchored it on purpose. Nor is one the
    /// context's `.gitignore` anchors at the root too (`data*` beside a `.gitignore` line
    /// `/data*`): there both lists mean the root only. An exception (`!pattern`) that
    /// re-includes nothing is left alone; copy-ignored-file reports files a COPY needs
    /// that stay excluded.
    ///
    /// ## Known problems
    /// A plain name can match a deeper path by coincidence: `README.md` written for a root
    /// README that was removed also matches `docs/README.md`. The finding then asks to
    /// exclude what the author never meant to; keep the pattern as it is or delete it.
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
        summary: "A one-component .dockerignore pattern matches nothing at the context root but names files deeper in it",
    };
}

pub(super) fn check(input: &ContextCheck<'_>, out: &mut Vec<Diagnostic>) {
    let context = input.context;
    let (Some(matcher), Some(file)) = (&context.matcher, &context.ignore_file) else {
        return;
    };
    for (index, pattern) in matcher.patterns().iter().enumerate() {
        if pattern.is_exception() || context.usage.applied.get(index).copied().unwrap_or(true) {
            continue;
        }
        let Some(entry) = file.parsed.entries.get(index) else {
            continue;
        };
        // Docker cleans a pattern (drops a leading `/` or `./`) before matching; what the
        // author wrote tells whether the pattern was anchored on purpose.
        let written = file
            .source
            .text()
            .get(entry.range.to_range())
            .unwrap_or(pattern.text());
        let written = written.trim_start_matches('!').trim();
        let name = pattern.text();
        if written.trim_end_matches('/').contains('/')
            || name.contains('/')
            || name.starts_with("**")
            || name.is_empty()
            || name == "."
            || gitignore_anchors(context, name)
        {
            continue;
        }
        let Some(example) = context
            .entries
            .iter()
            .map(|e| e.path.as_str())
            .find(|path| {
                path.rsplit_once('/')
                    .is_some_and(|(_, last)| go_filepath_match(name, last) == Ok(true))
            })
        else {
            continue;
        };
        out.push(Diagnostic::new(
            &UNUSED_DOCKERIGNORE_PATTERN,
            format!(
                "`{}` matches nothing at the context root, but deeper paths such as `{}` are sent; patterns are anchored at the context root, use `**/{}` to match at any depth",
                pattern.display(),
                example,
                name
            ),
            Location::Text(entry.range),
        ));
    }
}

/// Whether the context's `.gitignore` lists `name` anchored at the root (`/data*`): then the
/// root-only `.dockerignore` pattern means what the author wants.
fn gitignore_anchors(context: &crate::model::BuildContext, name: &str) -> bool {
    context
        .gitignore_patterns
        .iter()
        .any(|ignored| ignored.starts_with('/') && ignored[1..].trim_end_matches('/') == name)
}
