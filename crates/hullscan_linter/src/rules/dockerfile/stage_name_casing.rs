//! HS301: a stage name with upper-case letters (BuildKit's `StageNameCasing`).

use hullscan_diagnostics::{Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::{Arguments, Instruction};
use hullscan_semantic::model::is_valid_stage_name;

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `FROM ... AS <name>` where the stage name has upper-case letters, as BuildKit's
    /// `StageNameCasing` check does.
    ///
    /// ## Why is this bad?
    /// BuildKit lower-cases stage names, so `AS Builder` defines the stage `builder`. Writing
    /// the name in mixed case suggests that case matters when it does not, and makes the same
    /// stage look different in `FROM`, `COPY --from` and `--target`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS Builder
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.22 AS builder
    /// ```
    ///
    /// ## Fix safety
    /// The fix lower-cases the name. This is safe: BuildKit already treats the name in lower
    /// case, and every reference to a stage is case-insensitive.
    ///
    /// ## References
    /// - [BuildKit check StageNameCasing](https://docs.docker.com/reference/build-checks/stage-name-casing/)
    pub static STAGE_NAME_CASING = {
        code: "HS301",
        name: "stage-name-casing",
        aliases: ["StageNameCasing"],
        severity: Warning,
        category: Style,
        fix: Always,
        summary: "Stage name is not lower case",
    };
}

/// HS301
pub(crate) fn stage_name_casing(checker: &mut Checker, _index: usize, instruction: &Instruction) {
    let Arguments::From(from) = &instruction.args else {
        return;
    };
    let Some(name) = &from.stage_name else {
        return;
    };
    let lower = name.value.to_lowercase();
    // An invalid name (`AS ${NAME}`, `AS 1st`) is a build error, which BuildKit reports
    // instead of this check.
    if lower == name.value || !is_valid_stage_name(&lower) {
        return;
    }
    let title = format!("Rename the stage to `{lower}`");
    checker.report(
        Diagnostic::new(
            &STAGE_NAME_CASING,
            format!("Stage name '{}' should be lowercase", name.value),
            Location::Text(name.range),
        )
        .with_help(title.clone())
        .with_fix(Fix::safe(title, Edit::replacement(lower, name.range))),
    );
}
