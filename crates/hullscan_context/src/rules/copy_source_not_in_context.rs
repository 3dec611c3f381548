use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::Dockerfile;

use super::ContextCheck;
use crate::analysis::{clean_source, context_copies, resolve_source};

declare_rule! {
    /// ## What it does
    /// Finds COPY and ADD sources (from the build context, without wildcards or variables)
    /// that are not in the context Docker sends: the path does not exist, or `.dockerignore`
    /// excludes it. A missing path inside a build-output directory (`dist/`, `build/`,
    /// `target/`, `bin/`, `node_modules/`, ...) is not reported unless excluded: the project's
    /// own build creates it before `docker build` (`COPY target/app.jar /app.jar`).
    ///
    /// ## Why is this bad?
    /// The build fails at that step with `failed to compute cache key: "/x": not found`.
    /// (A wildcard that matches nothing is allowed by BuildKit and copies nothing.)
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY config/app.yaml /etc/app/
    /// ```
    /// while `.dockerignore` lists `config`.
    ///
    /// Use instead: send the file (`!config/app.yaml` after `config`) or fix the path.
    pub static COPY_SOURCE_NOT_IN_CONTEXT = {
        code: "HS508",
        name: "copy-source-not-in-context",
        aliases: [],
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "A COPY/ADD source is not in the build context, so the build fails",
    };
}

pub(super) fn check(input: &ContextCheck<'_>, dockerfile: &Dockerfile, out: &mut Vec<Diagnostic>) {
    let context = input.context;
    for copy in context_copies(dockerfile) {
        for (source, range) in &copy.sources {
            if source.contains(['*', '?', '[']) {
                continue;
            }
            let cleaned = clean_source(source);
            if cleaned == "."
                || cleaned.starts_with("..")
                || !resolve_source(context, source).is_empty()
            {
                continue;
            }
            let excluded = context.matcher.as_ref().is_some_and(|m| {
                m.matches_or_parent_matches(&cleaned) == Ok(true)
                        // `target/` then `!target/lib/*.jar`: the directory's files that
                        // exist at build time are sent, so it is not excluded for sure.
                        && !m.exception_names_path_under(&cleaned)
            });
            // Build output (`dist/`, `target/app.jar`) is missing from a clean checkout
            // because the project's build creates it before `docker build`; only an exclusion
            // makes such a COPY fail for sure.
            if !excluded && crate::generated::is_build_output(&cleaned) {
                continue;
            }
            let message = if excluded {
                let file = context
                    .ignore_file
                    .as_ref()
                    .map_or(".dockerignore", |f| f.display_path.as_str());
                format!(
                    "`{source}` is excluded by {file}, so this {} fails with \"not found\"",
                    copy.instruction.keyword.as_str()
                )
            } else {
                format!(
                    "`{source}` does not exist in the build context, so this {} fails with \"not found\"",
                    copy.instruction.keyword.as_str()
                )
            };
            out.push(Diagnostic::new(
                &COPY_SOURCE_NOT_IN_CONTEXT,
                message,
                Location::Text(*range),
            ));
        }
    }
}
