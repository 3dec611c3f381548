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

/// `secrets_reported`: secret-file-in-context reports each credential file itself, so this
/// finding names only the directories (its fix still excludes those files, so the one
/// `.dockerignore` it creates is complete). Files the Dockerfile copies by name are never
/// listed: excluding them would break the build.
pub(super) fn check(input: &ContextCheck<'_>, secrets_reported: bool, out: &mut Vec<Diagnostic>) {
    let context = input.context;
    if context.ignore_file.is_some() {
        return;
    }
    let copied = super::secret_file_in_context::explicit_copies(input);
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
    let dirs_found = found.len();
    let mut secret_files = 0usize;
    for &(index, _) in secrets(context) {
        let entry = &context.entries[index];
        if copied.contains_key(entry.path.as_str()) {
            continue;
        }
        patterns.push(literal_pattern(&entry.path));
        secret_files += 1;
        if !secrets_reported {
            found.push(entry.path.clone());
        }
    }
    if found.is_empty() || (secrets_reported && dirs_found == 0) {
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
            if secrets_reported && secret_files > 0 {
                format!(
                    "Create .dockerignore excluding them and the {secret_files} credential file(s) reported separately"
                )
            } else {
                "Create .dockerignore excluding them".to_owned()
            },
            append_patterns(
                &source,
                "Added by hullscan: never send these to the builder",
                &patterns,
            ),
        )),
    );
}
