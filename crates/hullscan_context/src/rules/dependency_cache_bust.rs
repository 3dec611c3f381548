use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::Dockerfile;

use super::ContextCheck;
use crate::analysis::{CacheBust, cache_busts};

declare_rule! {
    /// ## What it does
    /// Finds a COPY that brings dependency manifests (`package.json`, `requirements.txt`,
    /// `go.mod`, `Cargo.toml`, lock files, ...) into the image together with the rest of the
    /// source tree *before* the stage installs dependencies (`npm ci`, `pip install -r`,
    /// `go mod download`, ...). It counts, from the real build context, how many files that
    /// COPY brings in, and says what an edit to any of them costs.
    ///
    ///
    /// `RUN --mount` is understood: an install step that bind-mounts the source tree
    /// (`--mount=type=bind,target=.`) is the same problem (a bind mount's content is part of
    /// the step's cache key), while one that bind-mounts only the manifests counts as copying
    /// them first, so a `COPY . .` after it (uv's recommended
    /// `uv sync --no-install-project` pattern) is fine. Cache, secret and SSH mounts are not
    /// part of the cache key and never count.
    ///
    /// ## Why is this bad?
    /// Any change to any copied file invalidates the COPY layer, so the dependency install and
    /// every later step re-run, even when no dependency changed.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY . .
    /// RUN npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// COPY . .
    /// ```
    pub static DEPENDENCY_CACHE_BUST = {
        code: "HS510",
        name: "dependency-cache-bust",
        aliases: [],
        severity: Warning,
        category: Performance,
        fix: None,
        summary: "A COPY brings manifests and source together before the dependency install",
    };
}

/// Reports each cache bust and returns them.
pub(super) fn check(
    input: &ContextCheck<'_>,
    dockerfile: &Dockerfile,
    out: &mut Vec<Diagnostic>,
) -> Vec<CacheBust> {
    let busts = cache_busts(dockerfile, input.context);
    for bust in &busts {
        let instruction = &dockerfile.instructions[bust.copy_index];
        let manifests: Vec<&str> = bust.manifests.iter().take(3).map(String::as_str).collect();
        out.push(
            Diagnostic::new(
                &DEPENDENCY_CACHE_BUST,
                bust.describe(),
                Location::Text(instruction.range),
            )
            .with_help(
                if instruction.keyword == hullscan_dockerfile::Keyword::Run {
                    format!(
                        "bind-mount only the manifests ({}) into `{}`, and copy the rest after it",
                        manifests.join(", "),
                        bust.install_command
                    )
                } else {
                    format!(
                        "copy only the manifests ({}) before `{}`, and the rest after it",
                        manifests.join(", "),
                        bust.install_command
                    )
                },
            ),
        );
    }
    busts
}
