//! HS800: the file is not valid YAML.

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_text::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports a Kubernetes manifest (or Compose file) that is not valid YAML, with the line
    /// and column where reading stopped. The file's other checks are skipped.
    ///
    /// ## Why is this bad?
    /// `kubectl apply` and `docker compose` refuse the file, so nothing in it is deployed.
    /// Aliases that expand to huge documents ("billion laughs") and absurd nesting are refused
    /// too, as hostile input.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers: [
    ///     {name: app, image: app:1}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   containers: [{name: app, image: app:1}]
    /// ```
    pub static YAML_SYNTAX_ERROR = {
        code: "HS800",
        name: "yaml-syntax-error",
        aliases: [],
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "The file is not valid YAML",
    };
}

pub(crate) fn diagnostic(error: &hullscan_yaml::Error) -> Diagnostic {
    let offset = error.location.offset;
    Diagnostic::new(
        &YAML_SYNTAX_ERROR,
        format!("Invalid YAML: {}", error.message),
        Location::Text(TextRange::from_usize(offset, offset)),
    )
}
