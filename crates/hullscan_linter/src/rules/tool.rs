//! HS0xx: findings about the file or the tool itself rather than Docker practice.

use hullscan_diagnostics::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a Dockerfile that BuildKit's parser rejects: a repeated or invalid parser
    /// directive, a JSON array with a non-string element, an `ENV` without a value, a heredoc
    /// without its terminator line, a line over 64 KiB, bytes that are not UTF-8, or a file
    /// with no instructions.
    ///
    /// ## Why is this bad?
    /// `docker build` stops at the first parse error. hullscan reports every one it finds and
    /// still checks the rest of the file with the other rules, so one typo does not hide the
    /// other findings.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV DEBUG
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV DEBUG=1
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference](https://docs.docker.com/reference/dockerfile/)
    pub static SYNTAX_ERROR = {
        code: "HS001",
        name: "syntax-error",
        aliases: ["DL1000"],
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "BuildKit's parser rejects the Dockerfile",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a rule name in a suppression comment (`# hullscan ignore=`, `# hadolint ignore=`,
    /// `# check=skip=`) that names no rule: not a hullscan code, name or alias, and not a
    /// hadolint, ShellCheck or BuildKit check name.
    ///
    /// ## Why is this bad?
    /// A misspelt name suppresses nothing, so the comment looks like it silences a finding
    /// while the finding it was written for is still reported, or is silenced for the wrong
    /// reason later.
    ///
    /// ## Example
    /// ```dockerfile
    /// # hullscan ignore=untaged-base-image
    /// FROM alpine
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # hullscan ignore=untagged-base-image
    /// FROM alpine
    /// ```
    pub static UNKNOWN_RULE_IN_SUPPRESSION = {
        code: "HS002",
        name: "unknown-rule-in-suppression",
        aliases: [],
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "A suppression comment names a rule that does not exist",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a rule named in a `# hullscan ignore=` or `# hadolint ignore=` comment (or
    /// their `global` forms) that suppressed nothing: the rule is enabled but did not fire
    /// where the comment applies.
    ///
    /// Names of upstream checks hullscan does not implement, and of rules that are not
    /// enabled, are never reported, because hullscan cannot know whether they would fire.
    /// Off by default; select `HS003` to turn it on.
    ///
    /// ## Why is this bad?
    /// Stale suppressions pile up after the code they were written for changes, and then hide
    /// new findings of the same rule.
    ///
    /// ## Example
    /// ```dockerfile
    /// # hullscan ignore=untagged-base-image
    /// FROM alpine:3.20
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ```
    pub static UNUSED_SUPPRESSION = {
        code: "HS003",
        name: "unused-suppression",
        aliases: [],
        severity: Info,
        category: Style,
        fix: None,
        summary: "A suppression comment suppresses nothing",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a BuildKit `# check=` parser directive that BuildKit cannot parse: a part
    /// without `=`, an unknown key (only `skip`, `error` and `experimental` exist), an empty
    /// part from a trailing `;`, or an `error` value that is not a boolean.
    ///
    /// ## Why is this bad?
    /// BuildKit fails the whole build with `failed to parse check options` when it meets one.
    ///
    /// ## Example
    /// ```dockerfile
    /// # check=skip=JSONArgsRecommended;
    /// FROM alpine:3.20
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # check=skip=JSONArgsRecommended
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## References
    /// - [Configure build checks](https://docs.docker.com/build/checks/#configure-checks)
    pub static INVALID_CHECK_DIRECTIVE = {
        code: "HS004",
        name: "invalid-check-directive",
        aliases: [],
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "BuildKit cannot parse the `# check=` directive",
    };
}
