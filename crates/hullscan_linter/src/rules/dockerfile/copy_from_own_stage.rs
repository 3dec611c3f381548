//! HS223: `COPY --from` naming the stage it is in.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `COPY --from=<name>` inside the stage called `<name>`.
    ///
    /// ## Why is this bad?
    /// A stage cannot copy from itself: the stage is not finished yet, and BuildKit rejects
    /// the build with a circular dependency. The name is a slip (usually the previous stage
    /// was meant), or the stage was renamed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22 AS build
    /// COPY --from=build /app/dist /srv
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22 AS build
    /// RUN npm run build
    /// FROM nginx:1.27 AS web
    /// COPY --from=build /app/dist /srv
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3023`
    pub static COPY_FROM_OWN_STAGE = {
        code: "HS223",
        name: "copy-from-own-stage",
        aliases: ["DL3023"],
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "`COPY --from` names the stage the instruction is in",
    };
}

/// HS223
pub(crate) fn copy_from_own_stage(checker: &mut Checker, index: usize, instruction: &Instruction) {
    let Some(flag) = instruction.flag("from") else {
        return;
    };
    let Some(value) = flag.value.as_deref() else {
        return;
    };
    let Some(stage) = checker.model.stage_of(index) else {
        return;
    };
    let own_name = stage
        .name
        .as_deref()
        .is_some_and(|name| name.eq_ignore_ascii_case(value));
    let own_number = value
        .parse::<usize>()
        .is_ok_and(|number| number == stage.index);
    if own_name || own_number {
        checker.report_at(
            &COPY_FROM_OWN_STAGE,
            format!("`--from={value}` is the stage this `COPY` is in"),
            flag.range,
            Some("Copy from an earlier stage"),
        );
    }
}
