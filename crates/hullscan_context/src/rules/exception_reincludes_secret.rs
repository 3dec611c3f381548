use hullscan_diagnostics::{Diagnostic, Location, declare_rule};

use super::{ContextCheck, deciding_pattern};
use crate::analysis::secrets;

declare_rule! {
    /// ## What it does
    /// Finds `!` exceptions in `.dockerignore` that bring a credential-looking file back into
    /// the build context (for example `!config/*` re-including `config/prod.pem`).
    ///
    /// ## Why is this bad?
    /// The secret is sent to the builder and, with `COPY . .`, baked into the image.
    ///
    /// ## Example
    /// ```text
    /// *
    /// !deploy
    /// ```
    /// with `deploy/id_rsa` in the context.
    ///
    /// Use instead:
    /// ```text
    /// *
    /// !deploy
    /// deploy/id_rsa
    /// ```
    pub static EXCEPTION_REINCLUDES_SECRET = {
        code: "HS507",
        name: "exception-reincludes-secret",
        aliases: [],
        severity: Error,
        category: Security,
        fix: None,
        summary: "A .dockerignore exception re-includes a file that looks like a credential",
    };
}

pub(super) fn check(input: &ContextCheck<'_>, out: &mut Vec<Diagnostic>) {
    let context = input.context;
    let (Some(matcher), Some(file)) = (&context.matcher, &context.ignore_file) else {
        return;
    };
    for &(entry_index, kind) in secrets(context) {
        let entry = &context.entries[entry_index];
        let Some(index) = deciding_pattern(context, &entry.path) else {
            continue;
        };
        let pattern = &matcher.patterns()[index];
        if !pattern.is_exception() {
            continue;
        }
        let Some(line) = file.parsed.entries.get(index) else {
            continue;
        };
        out.push(
            Diagnostic::new(
                &EXCEPTION_REINCLUDES_SECRET,
                format!(
                    "`{}` re-includes `{}`, which looks like {}",
                    pattern.display(),
                    entry.path,
                    kind.describe()
                ),
                Location::Text(line.range),
            )
            .with_help(format!(
                "add `{}` after this line to keep it out",
                super::literal_pattern(&entry.path)
            )),
        );
    }
}
