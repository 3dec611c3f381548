//! Fully resolved linter settings: what the checker needs, with every name already validated.

use std::collections::BTreeMap;

use hullscan_diagnostics::{RuleMeta, Severity};

use crate::registry::{self, RULES, RuleSet};

/// Settings for one file, as produced by `hullscan_workspace` from configuration and the command
/// line. Cheap to share between threads; clone it only to narrow it for one path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinterSettings {
    /// The rules that run.
    pub rules: RuleSet,
    /// Severity per registry index, where configuration overrides the rule's default.
    severity_overrides: Vec<Option<Severity>>,
    /// Registries whose images may be used (`[]` = no restriction); for the trusted-registry rule.
    pub trusted_registries: Vec<String>,
    /// Required labels and their value types (hadolint's `label-schema`).
    pub label_schema: BTreeMap<String, String>,
    /// Whether labels outside `label_schema` are findings (hadolint's `strict-labels`).
    pub strict_labels: bool,
    /// When set, suppression comments (`# hullscan ignore=`, `# hadolint ignore=`) are not
    /// honoured (hadolint's `disable-ignore-pragma`); `# check=` directives still are, since they
    /// configure BuildKit itself.
    pub disable_ignore_pragma: bool,
    /// The value of the `BUILDKIT_DOCKERFILE_CHECK` build arg, when given: like BuildKit, it
    /// replaces the file's `# check=` directive entirely (same syntax, not merged).
    pub buildkit_check_override: Option<String>,
    /// ShellCheck codes or prefixes (`SC2086`, `SC`) that `select` (with `extend-select`) names,
    /// when a `select` is given (`ALL` is `SC`); `None`: every ShellCheck code is selected.
    /// Findings of the `--shellcheck` pass are not registry rules, so they are matched by code.
    pub shellcheck_select: Option<Vec<String>>,
    /// ShellCheck codes or prefixes that `ignore` names; ignoring wins over selecting.
    pub shellcheck_ignore: Vec<String>,
    /// Severity overrides for ShellCheck codes or prefixes, in configuration order (last wins).
    pub shellcheck_severity: Vec<(String, Severity)>,
    /// The key of secret fingerprints (`[secrets] fingerprint-salt`).
    pub fingerprint_key: hullscan_secrets::FingerprintKey,
    /// Image reference (as the build uses it, ARGs expanded) → the `sha256:` digest its tag
    /// points to, looked up by the command line before linting (`hullscan fix
    /// --resolve-digests`); what `base-image-without-digest` pins. Empty unless asked: rules
    /// never go to the network themselves.
    pub resolved_digests: BTreeMap<String, String>,
}

impl Default for LinterSettings {
    fn default() -> Self {
        Self::with_rules(RuleSet::defaults())
    }
}

impl LinterSettings {
    /// Default settings running exactly `rules`.
    pub fn with_rules(rules: RuleSet) -> Self {
        Self {
            rules,
            severity_overrides: vec![None; RULES.len()],
            trusted_registries: Vec::new(),
            label_schema: BTreeMap::new(),
            strict_labels: false,
            disable_ignore_pragma: false,
            buildkit_check_override: None,
            shellcheck_select: None,
            shellcheck_ignore: Vec::new(),
            shellcheck_severity: Vec::new(),
            fingerprint_key: hullscan_secrets::FingerprintKey::default(),
            resolved_digests: BTreeMap::new(),
        }
    }

    /// Settings that run only `rule`: what rule tests use.
    pub fn for_rule(rule: &RuleMeta) -> Self {
        Self::with_rules(RuleSet::of(rule))
    }

    /// Settings that run every rule, including the ones off by default.
    pub fn all_rules() -> Self {
        Self::with_rules(RuleSet::all())
    }

    pub fn is_enabled(&self, rule: &RuleMeta) -> bool {
        self.rules.contains_rule(rule)
    }

    /// Sets the severity of every rule in `rules`.
    pub fn set_severity(&mut self, rules: &RuleSet, severity: Severity) {
        for index in rules.indices() {
            if let Some(slot) = self.severity_overrides.get_mut(index) {
                *slot = Some(severity);
            }
        }
    }

    /// The severity a finding of the rule with registry index `index` gets, when overridden.
    pub fn severity_override(&self, index: usize) -> Option<Severity> {
        self.severity_overrides.get(index).copied().flatten()
    }

    /// Whether `selector` (`SC`, `SC20`, `SC2086`, ASCII case ignored) names ShellCheck codes.
    pub fn is_shellcheck_selector(selector: &str) -> bool {
        let selector = selector.trim();
        selector
            .get(..2)
            .is_some_and(|head| head.eq_ignore_ascii_case("sc"))
            && selector.len() <= 6
            && selector[2..].bytes().all(|b| b.is_ascii_digit())
    }

    /// Whether findings of the ShellCheck code `code` (`SC2086`) are reported: selected (or no
    /// `select` given) and not ignored.
    pub fn is_shellcheck_code_enabled(&self, code: &str) -> bool {
        let selected = self.shellcheck_select.as_ref().is_none_or(|select| {
            select
                .iter()
                .any(|selector| starts_with_ignore_case(code, selector))
        });
        selected
            && !self
                .shellcheck_ignore
                .iter()
                .any(|selector| starts_with_ignore_case(code, selector))
    }

    /// Whether any ShellCheck code can be reported, so whether running ShellCheck is worth it.
    pub fn selects_any_shellcheck_code(&self) -> bool {
        let everything_ignored = self
            .shellcheck_ignore
            .iter()
            .any(|selector| selector.trim().eq_ignore_ascii_case("sc"));
        !everything_ignored
            && self
                .shellcheck_select
                .as_ref()
                .is_none_or(|select| !select.is_empty())
    }

    /// The configured severity of the ShellCheck finding `code`, when overridden.
    pub fn shellcheck_severity_of(&self, code: &str) -> Option<Severity> {
        self.shellcheck_severity
            .iter()
            .rev()
            .find(|(selector, _)| starts_with_ignore_case(code, selector))
            .map(|(_, severity)| *severity)
    }

    /// The severity findings of `rule` get.
    pub fn severity_of(&self, rule: &RuleMeta) -> Severity {
        registry::index_of(rule)
            .and_then(|index| self.severity_override(index))
            .unwrap_or(rule.severity)
    }
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    let prefix = prefix.trim();
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::tool::{SYNTAX_ERROR, UNUSED_SUPPRESSION};

    #[test]
    fn defaults_and_overrides() {
        let mut settings = LinterSettings::default();
        assert!(settings.is_enabled(&SYNTAX_ERROR));
        assert!(!settings.is_enabled(&UNUSED_SUPPRESSION));
        assert_eq!(settings.severity_of(&SYNTAX_ERROR), Severity::Error);
        settings.set_severity(&RuleSet::of(&SYNTAX_ERROR), Severity::Style);
        assert_eq!(settings.severity_of(&SYNTAX_ERROR), Severity::Style);
        assert_eq!(settings.severity_of(&UNUSED_SUPPRESSION), Severity::Info);
        assert!(LinterSettings::for_rule(&UNUSED_SUPPRESSION).is_enabled(&UNUSED_SUPPRESSION));
    }

    #[test]
    fn shellcheck_codes_follow_select_and_ignore() {
        let mut settings = LinterSettings::default();
        assert!(settings.is_shellcheck_code_enabled("SC2086"));
        assert!(settings.selects_any_shellcheck_code());
        settings.shellcheck_select = Some(vec!["sc20".to_owned()]);
        assert!(settings.is_shellcheck_code_enabled("SC2086"));
        assert!(!settings.is_shellcheck_code_enabled("SC3010"));
        settings.shellcheck_ignore = vec!["SC2086".to_owned()];
        assert!(!settings.is_shellcheck_code_enabled("SC2086"));
        assert!(settings.is_shellcheck_code_enabled("SC2046"));
        assert!(settings.selects_any_shellcheck_code());
        settings.shellcheck_ignore = vec!["SC".to_owned()];
        assert!(!settings.is_shellcheck_code_enabled("SC2046"));
        assert!(!settings.selects_any_shellcheck_code());
        settings.shellcheck_ignore.clear();
        settings.shellcheck_select = Some(Vec::new());
        assert!(!settings.is_shellcheck_code_enabled("SC2046"));
        assert!(!settings.selects_any_shellcheck_code());
    }
}
