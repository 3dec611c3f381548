//! HS265: with strict labels, a label the schema does not list.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;

use super::label_schema::label_pairs;
use super::stage_scan::unquoted;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// When `strict-labels` is on, finds `LABEL` keys that the label schema does not list
    /// (with no schema, every label).
    ///
    /// ## Why is this bad?
    /// Teams that turn on strict labels want one agreed set of labels, so that every image can
    /// be searched and audited the same way. A stray key is often a typo of a schema label
    /// (`org.opencontainers.image.licence`), which then counts as missing.
    ///
    /// ## Example
    /// With `label-schema: { "maintainer": email }` and `strict-labels: true`:
    /// <!-- hullscan-test: label-schema=maintainer:email,org.opencontainers.image.version:semver -->
    /// <!-- hullscan-test: strict-labels -->
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer="platform@example.com" team="platform"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer="platform@example.com"
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3050`
    pub static LABEL_NOT_IN_SCHEMA = {
        code: "HS265",
        name: "label-not-in-schema",
        aliases: ["DL3050"],
        severity: Info,
        category: Style,
        fix: None,
        summary: "With strict labels, a `LABEL` key the schema does not list",
    };
}

/// HS265
pub(crate) fn label_not_in_schema(checker: &mut Checker, _: usize, instruction: &Instruction) {
    if !checker.settings.strict_labels {
        return;
    }
    for pair in label_pairs(instruction) {
        let key = unquoted(&pair.key);
        if !checker.settings.label_schema.contains_key(key) {
            checker.report_at(
                &LABEL_NOT_IN_SCHEMA,
                format!("label `{key}` is not in the label schema"),
                pair.key_range,
                None,
            );
        }
    }
}
