use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::Dockerfile;

use super::ContextCheck;
use crate::analysis::context_copies;

declare_rule! {
    /// ## What it does
    /// BuildKit's `CopyIgnoredFile` check, with its exact semantics: a COPY (without
    /// `--from`) or ADD source, cleaned, that `.dockerignore` excludes (the path or one of its
    /// parents matches). Like BuildKit, the check is skipped entirely when the ignore file has
    /// any `!` exception, and wildcard sources are matched as literal paths.
    ///
    /// ## Why is this bad?
    /// The excluded file is not sent, so the COPY copies nothing or fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY docs/ /usr/share/doc/app/
    /// ```
    /// with `docs` in `.dockerignore`.
    ///
    /// Use instead: remove `docs` from `.dockerignore`, or drop the COPY.
    pub static COPY_IGNORED_FILE = {
        code: "HS509",
        name: "copy-ignored-file",
        aliases: ["CopyIgnoredFile"],
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "A COPY/ADD source is excluded by .dockerignore",
    };
}

pub(super) fn check(input: &ContextCheck<'_>, dockerfile: &Dockerfile, out: &mut Vec<Diagnostic>) {
    let Some(matcher) = input.context.matcher.as_ref() else {
        return;
    };
    // Exceptions make the static answer unreliable, so BuildKit does not check at all.
    if matcher.has_exceptions() {
        return;
    }
    for copy in context_copies(dockerfile) {
        let verb = if copy.is_add { "Add" } else { "Copy" };
        for (source, range) in &copy.sources {
            let cleaned = hullscan_ignore::go_clean(source);
            // The context root is the empty path to the matcher: `*` and `**` exclude it,
            // `.*` does not (BuildKit's testCopyIgnoredFileContextRoot).
            let path = if cleaned == "." { "" } else { cleaned.as_str() };
            if matcher.matches_or_parent_matches(path) == Ok(true) {
                out.push(Diagnostic::new(
                    &COPY_IGNORED_FILE,
                    format!(
                        "Attempting to {verb} file {cleaned:?} that is excluded by .dockerignore"
                    ),
                    Location::Text(*range),
                ));
            }
        }
    }
}
