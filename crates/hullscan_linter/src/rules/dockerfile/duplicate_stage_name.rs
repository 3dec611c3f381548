//! HS305: two stages with the same name (BuildKit's `DuplicateStageName`).

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds a stage whose name (compared in lower case, as BuildKit compares them) was already
    /// used by an earlier stage, as BuildKit's `DuplicateStageName` check and hadolint's
    /// DL3024 do.
    ///
    /// ## Why is this bad?
    /// `COPY --from=<name>`, `FROM <name>` and `--target <name>` can only mean one stage. With
    /// two stages of the same name, which one they get is easy to get wrong, and the other
    /// stage is unreachable by name.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22 AS build
    /// FROM node:22 AS build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22 AS deps
    /// FROM node:22 AS build
    /// ```
    ///
    /// ## References
    /// - [BuildKit check DuplicateStageName](https://docs.docker.com/reference/build-checks/duplicate-stage-name/)
    /// - hadolint `DL3024`
    pub static DUPLICATE_STAGE_NAME = {
        code: "HS305",
        name: "duplicate-stage-name",
        aliases: ["DuplicateStageName", "DL3024"],
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "Stage name is used by an earlier stage",
    };
}

/// HS305
pub(crate) fn duplicate_stage_name(checker: &mut Checker) {
    let model = checker.model;
    for (position, stage) in model.stages().iter().enumerate() {
        let (Some(name), Some(word)) = (&stage.name, stage.name_word) else {
            continue;
        };
        let Some(earlier) = model
            .first_stage_named(name)
            .filter(|&first| first < position)
            .map(|first| &model.stages()[first])
        else {
            continue;
        };
        let mut diagnostic = Diagnostic::new(
            &DUPLICATE_STAGE_NAME,
            format!("Duplicate stage name {name:?}, stage names should be unique"),
            Location::Text(word.range),
        )
        .with_help("Give each stage its own name");
        if let Some(first) = earlier.name_word {
            diagnostic = diagnostic.with_related(Location::Text(first.range), "first used here");
        }
        checker.report(diagnostic);
    }
}
