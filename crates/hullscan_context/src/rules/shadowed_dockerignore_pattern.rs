use hullscan_diagnostics::{Diagnostic, Location, declare_rule};

use super::ContextCheck;
use crate::generated::guards_generated;

declare_rule! {
    /// ## What it does
    /// Finds `.dockerignore` patterns that match paths in the context but never decide any of
    /// them, because a later pattern matches every one of those paths too (the last matching
    /// pattern wins). The classic case is an exception written before the pattern it should
    /// override. A pattern overridden only by later exceptions is not reported (it still
    /// excludes every path the exceptions do not name, such as the `.env` a checkout gains
    /// later with `.env*` then `!.env.example`), nor one for files a checkout gains later.
    ///
    /// ## Why is this bad?
    /// The pattern has no effect; what the author meant (usually "send this file after all")
    /// does not happen.
    ///
    /// ## Example
    /// ```text
    /// !README.md
    /// *.md
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// *.md
    /// !README.md
    /// ```
    pub static SHADOWED_DOCKERIGNORE_PATTERN = {
        code: "HS506",
        name: "shadowed-dockerignore-pattern",
        aliases: [],
        severity: Warning,
        category: Suspicious,
        fix: None,
        summary: "A .dockerignore pattern is overridden by later patterns for every path it matches",
    };
}

pub(super) fn check(input: &ContextCheck<'_>, out: &mut Vec<Diagnostic>) {
    let context = input.context;
    let (Some(matcher), Some(file)) = (&context.matcher, &context.ignore_file) else {
        return;
    };
    for (index, pattern) in matcher.patterns().iter().enumerate() {
        let applied = context.usage.applied.get(index).copied().unwrap_or(false);
        let decided = context.usage.decided.get(index).copied().unwrap_or(true);
        if !applied || decided {
            continue;
        }
        // A pattern whose paths a later exception keeps today still excludes the paths the
        // exception does not name (`.env*` then `!.env.example` guards the next `.env`); so
        // does one for files a checkout gains later. Only exceptions are surely dead here.
        if !pattern.is_exception()
            && (guards_generated(pattern.text())
                || matcher.patterns()[index + 1..]
                    .iter()
                    .any(|later| later.is_exception()))
        {
            continue;
        }
        let Some(entry) = file.parsed.entries.get(index) else {
            continue;
        };
        let advice = if pattern.is_exception() {
            "; an exception must come after the patterns it overrides"
        } else {
            ""
        };
        out.push(Diagnostic::new(
            &SHADOWED_DOCKERIGNORE_PATTERN,
            format!(
                "`{}` has no effect: a later pattern also matches every path it matches, and the last match wins{advice}",
                pattern.display()
            ),
            Location::Text(entry.range),
        ));
    }
}
