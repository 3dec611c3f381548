//! HS260: COPY to a relative destination before any WORKDIR.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;

use super::shell_facts::copy_words;
use super::stage_scan::unquoted;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `COPY` with a relative destination in a stage where no `WORKDIR` has been set yet
    /// (in the stage itself or in a stage it is built `FROM`).
    ///
    /// ## Why is this bad?
    /// A relative destination is resolved against the working directory, which then comes from
    /// the base image: often `/`, but whatever its maintainers chose, and free to change in the
    /// next release. Files can land somewhere unexpected without any change to your Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY app.py app.py
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY app.py app.py
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3045`
    pub static COPY_RELATIVE_DESTINATION_WITHOUT_WORKDIR = {
        code: "HS260",
        name: "copy-relative-destination-without-workdir",
        aliases: ["DL3045"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`COPY` to a relative path before any `WORKDIR` depends on the base image",
    };
}

/// Absolute (`/x`, `C:\x`, `c:/x`) or a variable the build resolves.
fn is_absolute_or_variable(destination: &str) -> bool {
    let bytes = destination.as_bytes();
    destination.starts_with(['/', '$'])
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

/// HS260
pub(crate) fn copy_relative_destination_without_workdir(
    checker: &mut Checker,
    index: usize,
    instruction: &Instruction,
) {
    let words = copy_words(instruction);
    let Some((destination, range)) = words.last() else {
        return;
    };
    // Quotes may wrap only part of the word (`"${HOME}"/x`); what counts is how it starts.
    if words.len() < 2
        || is_absolute_or_variable(unquoted(destination).trim_start_matches(['"', '\'']))
    {
        return;
    }
    let workdir_set = checker.workdir_set_before(index);
    if workdir_set {
        return;
    }
    checker.report_at(
        &COPY_RELATIVE_DESTINATION_WITHOUT_WORKDIR,
        format!("`{destination}` is relative to the base image's working directory, as no `WORKDIR` is set"),
        *range,
        Some("Set `WORKDIR` first, or copy to an absolute path"),
    );
}
