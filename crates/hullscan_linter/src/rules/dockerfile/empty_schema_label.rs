//! HS266: a schema label with an empty value.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;

use super::label_schema::label_pairs;
use super::stage_scan::unquoted;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds labels listed in the label schema (`label-schema`) whose value is empty.
    ///
    /// ## Why is this bad?
    /// An empty value satisfies the letter of the schema but carries no information: the image
    /// still cannot be traced to its source, owner or licence. It usually means a build
    /// argument that was meant to fill the label was never passed.
    ///
    /// ## Example
    /// With `label-schema: { "maintainer": email }`:
    /// <!-- hullscan-test: label-schema=maintainer:email,org.opencontainers.image.version:semver -->
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer=""
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer="platform@example.com"
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3051`
    pub static EMPTY_SCHEMA_LABEL = {
        code: "HS266",
        name: "empty-schema-label",
        aliases: ["DL3051"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "Label from the label schema with an empty value",
    };
}

/// HS266
pub(crate) fn empty_schema_label(checker: &mut Checker, _: usize, instruction: &Instruction) {
    for pair in label_pairs(instruction) {
        let key = unquoted(&pair.key);
        if !checker.settings.label_schema.contains_key(key) {
            continue;
        }
        if unquoted(pair.value.as_deref().unwrap_or(""))
            .trim()
            .is_empty()
        {
            checker.report_at(
                &EMPTY_SCHEMA_LABEL,
                format!("label `{key}` is required by the label schema but empty"),
                pair.range,
                None,
            );
        }
    }
}
