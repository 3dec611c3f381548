//! HS283: a stage that uses both `curl` and `wget`.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Keyword;

use super::shell_facts::run_commands;
use crate::checker::Checker;
use crate::run_script::run_of;

declare_rule! {
    /// ## What it does
    /// Finds stages whose RUN instructions use both `curl` and `wget`. Each RUN that uses one of
    /// them is reported once both have appeared in the stage.
    ///
    /// ## Why is this bad?
    /// The two tools do the same job. Installing both adds a package, its libraries and their
    /// vulnerabilities to the image for nothing; using only one keeps the image smaller and the
    /// download steps consistent.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN wget -q https://example.com/a.tar.gz
    /// RUN curl -fsSLO https://example.com/b.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN curl -fsSLO https://example.com/a.tar.gz
    /// RUN curl -fsSLO https://example.com/b.tar.gz
    /// ```
    ///
    /// ## References
    /// - hadolint `DL4001`
    pub static CURL_AND_WGET = {
        code: "HS283",
        name: "curl-and-wget",
        aliases: ["DL4001"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "Stage uses both `curl` and `wget`",
    };
}

/// HS283
pub(crate) fn curl_and_wget(checker: &mut Checker) {
    let (mut seen_curl, mut seen_wget) = (false, false);
    for (index, instruction) in checker.instructions().iter().enumerate() {
        if instruction.keyword == Keyword::From {
            (seen_curl, seen_wget) = (false, false);
            continue;
        }
        if run_of(instruction).is_none() {
            continue;
        }
        let commands = run_commands(checker, index);
        let curl = commands
            .iter()
            .any(|command| command.invocation.name == "curl");
        let wget = commands
            .iter()
            .any(|command| command.invocation.name == "wget");
        seen_curl |= curl;
        seen_wget |= wget;
        if (curl || wget) && seen_curl && seen_wget {
            checker.report_at(
                &CURL_AND_WGET,
                "this stage uses both `curl` and `wget`; pick one",
                instruction.range,
                None,
            );
        }
    }
}
