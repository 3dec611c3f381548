//! HS282: `COPY --from=<stage> / /`.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;

use super::shell_facts::copy_words;
use super::stage_scan::unquoted;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `COPY --from=…` that copies the root directory `/` of another stage or image to
    /// `/`.
    ///
    /// ## Why is this bad?
    /// Copying a whole filesystem brings along everything the multi-stage build was meant to
    /// leave behind: compilers, package caches, shells, `/etc/passwd` and `/etc/shadow` from the
    /// other image. It overwrites the target stage's own system files, and the result is larger
    /// and harder to reason about than either image. Copy only the files the program needs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app .
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build / /
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app .
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /out/app /app
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3067`
    pub static COPY_WHOLE_FILESYSTEM = {
        code: "HS282",
        name: "copy-whole-filesystem",
        aliases: ["DL3067"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`COPY --from` of a whole filesystem (`/` to `/`)",
    };
}

/// HS282
pub(crate) fn copy_whole_filesystem(checker: &mut Checker, _: usize, instruction: &Instruction) {
    if instruction.flag("from").is_none() {
        return;
    }
    let words = copy_words(instruction);
    if words.len() == 2 && words.iter().all(|(word, _)| unquoted(word) == "/") {
        checker.report_at(
            &COPY_WHOLE_FILESYSTEM,
            "`COPY --from` copies the whole filesystem of another stage over this one",
            instruction.range,
            Some("Copy only the files the program needs"),
        );
    }
}
