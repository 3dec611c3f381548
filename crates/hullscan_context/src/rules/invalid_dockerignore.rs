use hullscan_diagnostics::{Diagnostic, Location, declare_rule};

use super::ContextCheck;

declare_rule! {
    /// ## What it does
    /// Finds `.dockerignore` files that Docker refuses: a lone `!`, a malformed glob such as
    /// `[a-` or a trailing `\`, a line of 64 KiB or more, or a pattern Docker accepts when
    /// loading but cannot match (for example `[Local-Only]`, whose range `l-O` is invalid).
    ///
    /// ## Why is this bad?
    /// `docker build` fails before sending anything (`illegal exclusion pattern`,
    /// `syntax error in pattern`).
    ///
    /// ## Example
    /// ```text
    /// !
    /// [Local-Only]/
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// \[Local-Only\]/
    /// ```
    pub static INVALID_DOCKERIGNORE = {
        code: "HS500",
        name: "invalid-dockerignore",
        aliases: [],
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "Docker rejects this .dockerignore and the build fails",
    };
}

pub(super) fn check(input: &ContextCheck<'_>, out: &mut Vec<Diagnostic>) {
    let context = input.context;
    if let Some(err) = &context.ignore_error {
        out.push(
            Diagnostic::new(
                &INVALID_DOCKERIGNORE,
                format!("Docker rejects this ignore file: {}", err.message),
                Location::Text(err.range),
            )
            .with_help("fix or remove this line; a `\\` escapes `[`, `]`, `*`, `?` and `!`"),
        );
    }
    let (Some(matcher), Some(file)) = (&context.matcher, &context.ignore_file) else {
        return;
    };
    for err in matcher.match_time_errors() {
        let Some(entry) = file.parsed.entries.get(err.pattern_index) else {
            continue;
        };
        out.push(
            Diagnostic::new(
                &INVALID_DOCKERIGNORE,
                format!(
                    "pattern `{}` cannot be matched ({}); Docker fails the build with `syntax error in pattern`",
                    err.pattern, err.reason
                ),
                Location::Text(entry.range),
            )
            .with_help("escape literal brackets with `\\[` and `\\]`"),
        );
    }
}
