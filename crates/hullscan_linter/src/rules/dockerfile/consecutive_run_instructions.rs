//! HS274: consecutive single-command RUN instructions.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::{Instruction, Keyword};

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds a `RUN` right after another `RUN` with the same flags, when each runs a single
    /// command. Comments in between do not separate them; any other instruction does.
    ///
    /// ## Why is this bad?
    /// Every RUN makes a layer and a cache entry. Single commands in a row are usually one
    /// step split for no reason: joined with `&&` they build faster, make a smaller image, and
    /// files deleted in the step are really gone from it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN mkdir -p /app/data
    /// RUN chown nobody /app/data
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN mkdir -p /app/data && chown nobody /app/data
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3059`
    pub static CONSECUTIVE_RUN_INSTRUCTIONS = {
        code: "HS274",
        name: "consecutive-run-instructions",
        aliases: ["DL3059"],
        severity: Info,
        category: BestPractice,
        fix: None,
        summary: "Consecutive single-command `RUN`s that could be one layer",
    };
}

/// Whether the RUN at `index` runs at most one command.
fn is_single_command(checker: &Checker, index: usize) -> bool {
    checker
        .run_script(index)
        .is_some_and(|script| script.script.simple_commands().len() <= 1)
}

fn same_flags(a: &Instruction, b: &Instruction) -> bool {
    a.flags.len() == b.flags.len()
        && a.flags
            .iter()
            .zip(&b.flags)
            .all(|(x, y)| x.name == y.name && x.value == y.value)
}

/// HS274
pub(crate) fn consecutive_run_instructions(
    checker: &mut Checker,
    index: usize,
    instruction: &Instruction,
) {
    let Some(previous_index) = index.checked_sub(1) else {
        return;
    };
    let previous = &checker.instructions()[previous_index];
    if previous.keyword != Keyword::Run || !same_flags(previous, instruction) {
        return;
    }
    if !is_single_command(checker, previous_index) || !is_single_command(checker, index) {
        return;
    }
    checker.report_at(
        &CONSECUTIVE_RUN_INSTRUCTIONS,
        "this `RUN` follows another single-command `RUN`; join them with `&&` to save a layer",
        instruction.range,
        None,
    );
}
