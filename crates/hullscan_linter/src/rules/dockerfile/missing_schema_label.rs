//! HS264: a stage without a label the label schema requires.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::{Arguments, Instruction, Keyword};

use rustc_hash::FxHashSet;

use super::stage_scan::{ScannedStage, unquoted};
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

/// One real stage (with a FROM), as HS264 needs it.
struct LabelStage<'a> {
    /// Its FROM instruction.
    from: &'a Instruction,
    /// The stage's lower-cased `AS` name.
    name: Option<&'a str>,
    /// The stage it is built `FROM`, among the real stages.
    parent: Option<usize>,
    /// The label keys its own `LABEL` instructions set (unquoted).
    labels: FxHashSet<&'a str>,
    /// Its `COPY --from` values, lower-cased.
    copies_from: Vec<String>,
}

/// The real stages with their labels and `COPY --from` values, read once: asking every stage's
/// instructions, and every later stage's COPYs, per schema label and stage made a long schema
/// over many labels or stages quadratic (and worse).
fn label_stages<'a>(
    instructions: &'a [Instruction],
    scanned: &'a [ScannedStage],
) -> Vec<LabelStage<'a>> {
    // A leading fragment (instructions before the first FROM) is no stage to BuildKit; it has
    // no name, so it is never a parent, and dropping it shifts the parent indexes by one.
    let skipped = scanned.iter().take_while(|stage| !stage.has_from()).count();
    scanned[skipped..]
        .iter()
        .map(|stage| {
            let mut labels = FxHashSet::default();
            let mut copies_from = Vec::new();
            for instruction in &instructions[stage.instructions.clone()] {
                match (&instruction.keyword, &instruction.args) {
                    (Keyword::Label, Arguments::KeyValues(list)) => {
                        labels.extend(list.pairs.iter().map(|pair| unquoted(&pair.key)));
                    }
                    (Keyword::Copy, _) => {
                        if let Some(from) =
                            instruction.flag("from").and_then(|f| f.value.as_deref())
                        {
                            copies_from.push(from.to_ascii_lowercase());
                        }
                    }
                    _ => {}
                }
            }
            LabelStage {
                from: &instructions[stage.instructions.start],
                name: stage.name.as_deref(),
                parent: stage.parent.and_then(|parent| parent.checked_sub(skipped)),
                labels,
                copies_from,
            }
        })
        .collect()
}

/// For each stage, whether the image built from it carries `label`: it or a stage it is built
/// `FROM` sets the label, or a later stage that builds on it or copies from it (by name or
/// number) carries it. Linear in the stages and their `COPY --from`s.
fn covered_by(stages: &[LabelStage<'_>], label: &str) -> Vec<bool> {
    // Parents come earlier in the file, so one forward pass settles the `FROM` chains.
    let mut inherited: Vec<bool> = Vec::with_capacity(stages.len());
    for stage in stages {
        let from_parent = stage
            .parent
            .is_some_and(|parent| inherited.get(parent).copied().unwrap_or(false));
        inherited.push(from_parent || stage.labels.contains(label));
    }
    // Later stages first: what covered stages build on or copy from is covered too.
    let mut covered = vec![false; stages.len()];
    let mut covered_child = vec![false; stages.len()];
    let mut copied_by_covered: FxHashSet<&str> = FxHashSet::default();
    for (index, stage) in stages.iter().enumerate().rev() {
        let is_covered = inherited[index]
            || covered_child[index]
            || stage
                .name
                .is_some_and(|name| copied_by_covered.contains(name))
            || copied_by_covered.contains(index.to_string().as_str());
        if !is_covered {
            continue;
        }
        covered[index] = true;
        if let Some(parent) = stage.parent.filter(|parent| *parent < index) {
            covered_child[parent] = true;
        }
        copied_by_covered.extend(stage.copies_from.iter().map(String::as_str));
    }
    covered
}

/// HS264
pub(crate) fn missing_schema_label(checker: &mut Checker) {
    if checker.settings.label_schema.is_empty() {
        return;
    }
    let instructions = checker.instructions();
    let stages = label_stages(instructions, checker.scanned_stages());
    for label in checker.settings.label_schema.keys() {
        let covered = covered_by(&stages, label);
        for (index, stage) in stages.iter().enumerate() {
            if covered[index] {
                continue;
            }
            let from = stage.from;
            let display = stage
                .name
                .map_or_else(|| format!("stage-{index}"), str::to_owned);
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
