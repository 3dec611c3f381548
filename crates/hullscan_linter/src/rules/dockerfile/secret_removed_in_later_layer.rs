//! HS415: a secret file copied in one instruction and deleted in a later one.

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::Keyword;
use hullscan_shell::tools;

use crate::checker::Checker;
use crate::rules::dockerfile::practice_facts::absolute_path;
use crate::rules::dockerfile::secret_file_copied::secret_file_kind;
use crate::rules::dockerfile::shell_facts::{copy_words, run_commands, unquote};

declare_rule! {
    /// ## What it does
    /// Finds a file that looks like a secret (see `secret-file-copied`) that a `COPY`/`ADD`
    /// puts in the image and a later `RUN rm` of the same stage deletes.
    ///
    /// ## Why is this bad?
    /// An image is a stack of layers and each layer is kept whole. The `rm` adds a new layer
    /// that hides the file, but the layer the `COPY` made still contains it, and `docker save`
    /// or any registry client extracts it in seconds. Deleting a secret in a later layer is
    /// cosmetic. Use `RUN --mount=type=secret,id=…` so the file is only mounted while the
    /// command that needs it runs and is never written to a layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY .netrc /root/.netrc
    /// RUN pip install --no-cache-dir private-package==1.0 && rm /root/.netrc
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN --mount=type=secret,id=netrc,target=/root/.netrc pip install --no-cache-dir private-package==1.0
    /// ```
    ///
    /// ## References
    /// - [Docker docs: build secrets](https://docs.docker.com/build/building/secrets/)
    pub static SECRET_REMOVED_IN_LATER_LAYER = {
        code: "HS415",
        name: "secret-removed-in-later-layer",
        aliases: [],
        severity: Error,
        category: Security,
        fix: None,
        summary: "A secret file is deleted in a later layer but stays in the layer that copied it",
    };
}

/// The absolute paths a COPY at `index` creates for `source` (`dest/name` and `dest`).
fn copied_paths(checker: &Checker, index: usize, source: &str) -> Vec<String> {
    let instruction = &checker.instructions()[index];
    let words = copy_words(instruction);
    let Some(((dest, _), sources)) = words.split_last() else {
        return Vec::new();
    };
    let dest = unquote(dest);
    let workdir = checker.model.workdir_at(index).map(|w| w.path);
    let Some(destination) = absolute_path(workdir, dest) else {
        return Vec::new();
    };
    let name = source
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(source);
    let mut paths = vec![format!("{}/{name}", destination.trim_end_matches('/'))];
    if !dest.ends_with('/') && sources.len() == 1 {
        paths.push(destination);
    }
    paths
}

/// The later RUN command in the same stage that deletes what the COPY at `index` put in place
/// for `source`: `(run index, command range)`.
fn removal(
    checker: &Checker,
    index: usize,
    source: &str,
) -> Option<(usize, hullscan_text::TextRange)> {
    let stage = checker.model.stage_of(index)?;
    let paths = copied_paths(checker, index, source);
    if paths.is_empty() {
        return None;
    }
    for run in index + 1..stage.instructions.end {
        if checker.instructions()[run].keyword != Keyword::Run {
            continue;
        }
        let workdir = checker.model.workdir_at(run).map(|w| w.path);
        for command in run_commands(checker, run) {
            let Some(rm) = tools::rm(&command.invocation) else {
                continue;
            };
            let hit = rm.paths.iter().any(|word| {
                absolute_path(workdir, word.value()).is_some_and(|p| paths.contains(&p))
            });
            if hit {
                return Some((run, command.range()));
            }
        }
    }
    None
}

pub(crate) fn is_removed_later(checker: &Checker, index: usize, source: &str) -> bool {
    removal(checker, index, source).is_some()
}

/// HS415
pub(crate) fn secret_removed_in_later_layer(
    checker: &mut Checker,
    index: usize,
    instruction: &hullscan_dockerfile::Instruction,
) {
    if instruction.flag("from").is_some() {
        return;
    }
    let words = copy_words(instruction);
    let Some((_, sources)) = words.split_last() else {
        return;
    };
    for (source, _) in sources {
        let source = unquote(source);
        let Some(kind) = secret_file_kind(source) else {
            continue;
        };
        let Some((_, range)) = removal(checker, index, source) else {
            continue;
        };
        checker.report(
            Diagnostic::new(
                &SECRET_REMOVED_IN_LATER_LAYER,
                format!(
                    "`{source}` ({kind}) is deleted here, but the layer of the `{}` on line {} still contains it",
                    instruction.keyword.as_str(),
                    instruction.start_line
                ),
                Location::Text(range),
            )
            .with_related(Location::Text(instruction.range), "the secret is stored in this layer")
            .with_help("Use `RUN --mount=type=secret,id=…` for the command that needs it, and rotate the secret"),
        );
    }
}
