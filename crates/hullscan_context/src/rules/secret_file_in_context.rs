use std::collections::HashMap;

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_text::TextRange;

use super::{ContextCheck, append_patterns, deciding_pattern, literal_pattern, unsafe_fix};
use crate::analysis::{clean_source, context_copies, resolve_source, secrets};

declare_rule! {
    /// ## What it does
    /// Finds files that look like credentials and would be sent in the build context:
    /// `.env` files, SSH private keys, `*.pem`/`*.key`/keystores, `.npmrc`/`.pypirc` holding a
    /// token, `.aws/`, `.git-credentials`, `.netrc`, kubeconfigs, Docker `config.json`,
    /// Terraform state. The name only nominates a file: its content decides (the secrets
    /// engine must find a private key in a key file; an empty file, public keys such as
    /// `authorized_keys`, or a certificate are not reported).
    ///
    /// A file the Dockerfile copies by name (`COPY server.key /etc/ssl/`) is reported once,
    /// at that COPY: excluding it in `.dockerignore` would only break the build.
    ///
    /// ## Why is this bad?
    /// Whatever is sent can end up in the image (`COPY . .`), in the build cache and in any
    /// registry the image is pushed to. Use build secrets (`RUN --mount=type=secret`) instead.
    ///
    /// ## Example
    /// A context with `.env` next to the Dockerfile and no pattern excluding it.
    ///
    /// Use instead:
    /// ```text
    /// # .dockerignore
    /// .env
    /// ```
    ///
    /// ## Fix safety
    /// The fix appends the path to `.dockerignore`. It is unsafe: a build that copies the file
    /// on purpose stops finding it.
    pub static SECRET_FILE_IN_CONTEXT = {
        code: "HS502",
        name: "secret-file-in-context",
        aliases: [],
        severity: Error,
        category: Security,
        fix: Sometimes,
        summary: "A file that looks like a credential is sent in the build context",
    };
}

/// Where the Dockerfile copies a sent file into the image by naming it (or a directory or
/// wildcard holding it): the COPY/ADD instruction and the source word's range.
pub(crate) struct ExplicitCopy {
    pub instruction: TextRange,
    pub source: TextRange,
    pub line: u32,
}

/// The explicit copies of every sent path (a `COPY . .` is not one: excluding the file in
/// `.dockerignore` is then the right fix).
pub(crate) fn explicit_copies<'c>(input: &ContextCheck<'c>) -> HashMap<&'c str, ExplicitCopy> {
    let mut copied = HashMap::new();
    let (Some(dockerfile), context) = (input.dockerfile, input.context) else {
        return copied;
    };
    for copy in context_copies(dockerfile) {
        for (source, range) in &copy.sources {
            if clean_source(source) == "." {
                continue;
            }
            for entry in resolve_source(context, source) {
                copied.entry(entry.path.as_str()).or_insert(ExplicitCopy {
                    instruction: copy.instruction.range,
                    source: *range,
                    line: copy.instruction.start_line,
                });
            }
        }
    }
    copied
}

/// The line of the first `COPY .`/`ADD .` of the whole context, if any.
fn whole_context_copy_line(input: &ContextCheck<'_>) -> Option<u32> {
    let dockerfile = input.dockerfile?;
    context_copies(dockerfile)
        .iter()
        .find(|copy| copy.sources.iter().any(|(s, _)| clean_source(s) == "."))
        .map(|copy| copy.instruction.start_line)
}

/// Reports each sent credential once: a file the Dockerfile copies by name gets one finding
/// at that COPY (a `.dockerignore` entry would break the build), any other one a finding on
/// the ignore file with a fix excluding it. `fix_missing_ignore_file`: there is no ignore file
/// and no other finding creates one, so the first finding's fix creates it.
pub(super) fn check(
    input: &ContextCheck<'_>,
    fix_missing_ignore_file: bool,
    ignore_out: &mut Vec<Diagnostic>,
    dockerfile_out: &mut Vec<Diagnostic>,
) {
    let context = input.context;
    let source = input.ignore_source();
    let copied = explicit_copies(input);
    let whole_copy = whole_context_copy_line(input);
    let mut not_copied: Vec<String> = Vec::new();
    let mut first_uncopied: Option<usize> = None;
    for &(index, kind) in secrets(context) {
        let entry = &context.entries[index];
        // A secret re-included by an exception is reported at the exception instead.
        if let Some(index) = deciding_pattern(context, &entry.path)
            && context
                .matcher
                .as_ref()
                .is_some_and(|m| m.patterns()[index].is_exception())
        {
            continue;
        }
        if let Some(copy) = copied.get(entry.path.as_str()) {
            dockerfile_out.push(
                Diagnostic::new(
                    &SECRET_FILE_IN_CONTEXT,
                    format!(
                        "`{}` looks like {} and this COPY puts it into the image (line {})",
                        entry.path,
                        kind.describe(),
                        copy.line
                    ),
                    Location::Text(copy.source),
                )
                .with_related(
                    Location::Text(copy.instruction),
                    format!("copies `{}` into the image", entry.path),
                )
                .with_help(
                    "do not copy credentials into layers: mount it in the step that needs it (`RUN --mount=type=secret,id=...`) or provide it at run time",
                ),
            );
            continue;
        }
        let copied_by = whole_copy
            .map(|line| format!("; `COPY .` (line {line}) puts it into the image"))
            .unwrap_or_default();
        let mut diagnostic = Diagnostic::new(
            &SECRET_FILE_IN_CONTEXT,
            format!(
                "`{}` looks like {} and is sent in the build context{copied_by}",
                entry.path,
                kind.describe()
            ),
            Location::File,
        )
        .with_help("exclude it in .dockerignore and pass it with `RUN --mount=type=secret` if the build needs it");
        if context.ignore_file.is_some() {
            diagnostic = diagnostic.with_fix(unsafe_fix(
                format!("Add `{}` to .dockerignore", entry.path),
                append_patterns(&source, "", &[literal_pattern(&entry.path)]),
            ));
        }
        first_uncopied.get_or_insert(ignore_out.len());
        not_copied.push(literal_pattern(&entry.path));
        ignore_out.push(diagnostic);
    }
    if fix_missing_ignore_file
        && context.ignore_file.is_none()
        && let Some(first) = first_uncopied
    {
        let fix = unsafe_fix(
            "Create .dockerignore excluding the credential files",
            append_patterns(
                &source,
                "Added by hullscan: never send these to the builder",
                &not_copied,
            ),
        );
        ignore_out[first] = ignore_out[first].clone().with_fix(fix);
    }
}
