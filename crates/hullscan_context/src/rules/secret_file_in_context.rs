use hullscan_diagnostics::{Diagnostic, Location, declare_rule};

use super::{ContextCheck, append_patterns, deciding_pattern, literal_pattern, unsafe_fix};
use crate::analysis::secrets;

declare_rule! {
    /// ## What it does
    /// Finds files that look like credentials and would be sent in the build context:
    /// `.env` files, SSH private keys, `*.pem`/`*.key`/keystores, `.npmrc`/`.pypirc` holding a
    /// token, `.aws/`, `.git-credentials`, `.netrc`, kubeconfigs, Docker `config.json`,
    /// Terraform state.
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

pub(super) fn check(input: &ContextCheck<'_>, out: &mut Vec<Diagnostic>) {
    let context = input.context;
    let source = input.ignore_source();
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
        let mut diagnostic = Diagnostic::new(
            &SECRET_FILE_IN_CONTEXT,
            format!(
                "`{}` looks like {} and is sent in the build context",
                entry.path,
                kind.describe()
            ),
            Location::File,
        )
        .with_help("exclude it in .dockerignore and pass it with `RUN --mount=type=secret` if the build needs it");
        // Without an ignore file, missing-dockerignore carries the whole fix.
        if context.ignore_file.is_some() {
            diagnostic = diagnostic.with_fix(unsafe_fix(
                format!("Add `{}` to .dockerignore", entry.path),
                append_patterns(&source, "", &[literal_pattern(&entry.path)]),
            ));
        }
        out.push(diagnostic);
    }
}
