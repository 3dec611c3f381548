//! HS200: inline `# hadolint ignore=` / `# hullscan ignore=` comments (off by default).

use hullscan_diagnostics::declare_rule;

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds comments that switch rules off for the next instruction: `# hadolint ignore=…`
    /// and `# hullscan ignore=…`. File-wide `global ignore=` comments are not reported. Off by
    /// default; turn it on where suppressions must go through the configuration file.
    ///
    /// ## Why is this bad?
    /// An inline suppression silences a rule at one spot without review. Teams that want every
    /// exception recorded in one place (the configuration, with a reason) use this rule to keep
    /// ad-hoc suppressions out of Dockerfiles.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// # hadolint ignore=DL3008
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
    /// ```
    ///
    /// ## References
    /// - hadolint `DL1001`
    pub static INLINE_IGNORE_PRAGMA = {
        code: "HS200",
        name: "inline-ignore-pragma",
        aliases: ["DL1001"],
        severity: Info,
        category: Style,
        fix: None,
        summary: "An inline ignore comment switches rules off without going through the configuration",
    };
}

/// Whether `comment` (from `#`) is an inline (next-instruction) ignore pragma.
fn is_inline_ignore(comment: &str) -> bool {
    let body = comment.trim_start_matches('#').trim_start();
    let Some(rest) = body
        .strip_prefix("hadolint")
        .or_else(|| body.strip_prefix("hullscan"))
    else {
        return false;
    };
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    if !rest.starts_with([' ', '\t']) {
        return false;
    }
    rest.trim_start()
        .strip_prefix("ignore")
        .is_some_and(|after| after.trim_start().starts_with('='))
}

/// HS200
pub(crate) fn inline_ignore_pragma(checker: &mut Checker) {
    for comment in &checker.parse.dockerfile.comments {
        let text = checker.slice(comment.range);
        if is_inline_ignore(text) {
            checker.report_at(
                &INLINE_IGNORE_PRAGMA,
                "inline ignore comment: record the exception in the configuration instead",
                comment.range,
                Some("Move the exception, with its reason, to the `ignore` or `per-file-ignores` settings of the configuration file"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_inline_ignore;

    #[test]
    fn recognises_inline_ignores_only() {
        assert!(is_inline_ignore("# hadolint ignore=DL3003"));
        assert!(is_inline_ignore("#hadolint ignore = DL3003"));
        assert!(is_inline_ignore("# hullscan: ignore=HS101"));
        assert!(!is_inline_ignore("# hadolint global ignore=DL3003"));
        assert!(!is_inline_ignore("# hadolint shell=powershell"));
        assert!(!is_inline_ignore("# hadolintignore=DL3003"));
        assert!(!is_inline_ignore("# foobar"));
    }
}
