//! HS264: a stage without a label the label schema requires.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::{Arguments, Instruction, Keyword};

use super::stage_scan::{ScannedStage, scan_stages, unquoted};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// When the configuration has a label schema (`label-schema`), finds stages that lack one
    /// of its labels, counting labels set in the stages it is built `FROM`. A stage that only
    /// serves others (a later stage builds `FROM` it or copies from it) is fine when those
    /// stages carry the label.
    ///
    /// ## Why is this bad?
    /// A label schema is a team's promise that every image says where it comes from: source
    /// repository, revision, licence, owner. An image built without them cannot be traced back
    /// when a vulnerability or an incident needs an owner.
    ///
    /// ## Example
    /// With `label-schema: { "maintainer": email }`:
    /// <!-- hullscan-test: label-schema=maintainer:email -->
    /// ```dockerfile
    /// FROM alpine:3.20
    /// CMD ["app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer="platform@example.com"
    /// CMD ["app"]
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3049`
    pub static MISSING_SCHEMA_LABEL = {
        code: "HS264",
        name: "missing-schema-label",
        aliases: ["DL3049"],
        severity: Info,
        category: BestPractice,
        fix: None,
        summary: "Stage without a label the label schema requires",
    };
}

/// Whether the stage or one of its parents sets `label`.
fn has_label(
    instructions: &[Instruction],
    stages: &[ScannedStage],
    stage: usize,
    label: &str,
) -> bool {
    let mut current = Some(stage);
    for _ in 0..stages.len() {
        let Some(index) = current else {
            return false;
        };
        let sets =
            instructions[stages[index].instructions.clone()]
                .iter()
                .any(
                    |instruction| match (&instruction.keyword, &instruction.args) {
                        (Keyword::Label, Arguments::KeyValues(list)) => {
                            list.pairs.iter().any(|pair| unquoted(&pair.key) == label)
                        }
                        _ => false,
                    },
                );
        if sets {
            return true;
        }
        current = stages[index].parent;
    }
    false
}

/// Whether a `COPY --from` in `stage` names stage `source` (by name or number).
fn copies_from(
    instructions: &[Instruction],
    stages: &[ScannedStage],
    stage: usize,
    source: usize,
) -> bool {
    let number = source.to_string();
    instructions[stages[stage].instructions.clone()]
        .iter()
        .filter(|instruction| instruction.keyword == Keyword::Copy)
        .filter_map(|instruction| instruction.flag("from")?.value.as_deref())
        .any(|from| {
            let from = from.to_ascii_lowercase();
            stages[source].name.as_deref() == Some(from.as_str()) || from == number
        })
}

/// HS264
pub(crate) fn missing_schema_label(checker: &mut Checker) {
    if checker.settings.label_schema.is_empty() {
        return;
    }
    let instructions = checker.instructions();
    let stages: Vec<ScannedStage> = scan_stages(instructions)
        .into_iter()
        .filter(ScannedStage::has_from)
        .collect();
    // Re-resolve parents within the real stages (the scan may have had a fragment stage).
    let stages: Vec<ScannedStage> = {
        let mut resolved = stages.clone();
        for (i, stage) in stages.iter().enumerate() {
            resolved[i].parent = stages[..i]
                .iter()
                .rposition(|earlier| earlier.name.is_some() && earlier.name == stage.image);
        }
        resolved
    };
    for label in checker.settings.label_schema.keys() {
        // Later stages first: a stage is covered when it has the label, or when a stage that
        // builds on it or copies from it is covered.
        let mut covered = vec![false; stages.len()];
        for index in (0..stages.len()).rev() {
            covered[index] = has_label(instructions, &stages, index, label)
                || (index + 1..stages.len()).any(|later| {
                    covered[later]
                        && (stages[later].parent == Some(index)
                            || copies_from(instructions, &stages, later, index))
                });
        }
        for (index, stage) in stages.iter().enumerate() {
            if covered[index] {
                continue;
            }
            let from = &instructions[stage.instructions.start];
            let display = stage
                .name
                .clone()
                .unwrap_or_else(|| format!("stage-{index}"));
            checker.report_at(
                &MISSING_SCHEMA_LABEL,
                format!(
                    "stage `{display}` has no `{label}` label, which the label schema requires"
                ),
                from.range,
                Some("Add it with `LABEL`"),
            );
        }
    }
}
