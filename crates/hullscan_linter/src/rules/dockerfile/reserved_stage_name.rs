//! HS306: a stage named `scratch` or `context` (BuildKit's `ReservedStageName`).

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds stages named `scratch` or `context` (in any case), as BuildKit's
    /// `ReservedStageName` check does.
    ///
    /// ## Why is this bad?
    /// Both names already mean something to BuildKit: `scratch` is the empty image and
    /// `context` the build context in `COPY --from` and named contexts. A stage with such a
    /// name makes `FROM scratch` or `--from=context` ambiguous to readers.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS scratch
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20 AS base
    /// ```
    ///
    /// ## References
    /// - [BuildKit check ReservedStageName](https://docs.docker.com/reference/build-checks/reserved-stage-name/)
    pub static RESERVED_STAGE_NAME = {
        code: "HS306",
        name: "reserved-stage-name",
        aliases: ["ReservedStageName", "DL3063"],
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "Stage is named `scratch` or `context`, which BuildKit reserves",
    };
}

/// HS306
pub(crate) fn reserved_stage_name(checker: &mut Checker) {
    for stage in checker.model.stages() {
        let (Some(name), Some(word)) = (&stage.name, stage.name_word) else {
            continue;
        };
        if name == "scratch" || name == "context" {
            checker.report(
                Diagnostic::new(
                    &RESERVED_STAGE_NAME,
                    format!("Stage name should not use the same name as reserved stage {name:?}"),
                    Location::Text(word.range),
                )
                .with_help("Choose another name for the stage"),
            );
        }
    }
}
