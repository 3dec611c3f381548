use hullscan_diagnostics::{Diagnostic, Location, declare_rule};

use super::{ContextCheck, append_patterns, literal_pattern, unsafe_fix};
use crate::analysis::{secrets, unwanted_dirs};

declare_rule! {
    /// ## What it does
    /// Finds build contexts without a `.dockerignore` (and without a
    /// `<Dockerfile>.dockerignore`) that hold things that should never be sent to the
    /// daemon: version-control metadata, installed dependencies, virtualenvs, caches, build
    /// output, or files that look like credentials.
    ///
    /// ## Why is this bad?
    /// Everything in the context is sent to the builder on every build, and `COPY . .` puts
    /// it into the image: a slower build, a bigger image, and secrets baked into layers.
    ///
    /// ## Example
    /// A context with `.git/`, `node_modules/` and `.env` and no `.dockerignore`.
    ///
    /// Use instead:
    /// ```text
    /// .git
    /// node_modules
    /// .env
    /// ```
    ///
    /// ## Fix safety
    /// The fix creates `.dockerignore` listing what was found. It is unsafe: a build step
    /// that reads one of those paths (say, `git describe` after `COPY . .`) stops working.
    pub static MISSING_DOCKERIGNORE = {
        code: "HS501",
        name: "missing-dockerignore",
        aliases: [],
        severity: Warning,
        category: BestPractice,
        fix: Always,
        summary: "No .dockerignore while the context holds files that should not be sent",
    };
}

pub(super) fn check(input: &ContextCheck<'_>, out: &mut Vec<Diagnostic>) {
    let context = input.context;
    if context.ignore_file.is_some() {
        return;
    }
    let mut patterns: Vec<String> = Vec::new();
    let mut found: Vec<String> = Vec::new();
    for dir in unwanted_dirs(context) {
        let name = dir.path.rsplit('/').next().unwrap_or(&dir.path).to_owned();
        let pattern = if dir.path.contains('/') {
            format!("**/{}", literal_pattern(&name))
        } else {
            literal_pattern(&name)
        };
        if !patterns.contains(&pattern) {
            patterns.push(pattern);
        }
        found.push(format!("{}/ ({})", dir.path, dir.kind.describe()));
    }
    for &(index, _) in secrets(context) {
        let entry = &context.entries[index];
        patterns.push(literal_pattern(&entry.path));
        found.push(entry.path.clone());
    }
    if found.is_empty() {
        return;
    }
    let source = input.ignore_source();
    let shown: Vec<&str> = found.iter().take(5).map(String::as_str).collect();
    let more = if found.len() > shown.len() {
        format!(" and {} more", found.len() - shown.len())
    } else {
        String::new()
    };
    out.push(
        Diagnostic::new(
            &MISSING_DOCKERIGNORE,
            format!(
                "no .dockerignore, so Docker sends everything, including {}{more}",
                shown.join(", ")
            ),
            Location::File,
        )
        .with_fix(unsafe_fix(
            "Create .dockerignore excluding them",
            append_patterns(
                &source,
                "Added by hullscan: never send these to the builder",
                &patterns,
            ),
        )),
    );
}
