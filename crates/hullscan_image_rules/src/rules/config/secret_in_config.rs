//! HS604: a secret in the image's `Env` or `Labels`, by name or by value.

use hullscan_diagnostics::{Diagnostic, declare_rule};
use hullscan_image::model::Image;

use super::config_secrets::{VariableKind, config_variables, value_secrets};

declare_rule! {
    /// ## What it does
    /// Flags `Env` variables and `Labels` whose name looks like it holds a secret
    /// (`DB_PASSWORD`, `API_KEY`, `GITHUB_TOKEN`, …) and whose value is set. Names are
    /// matched word by word, so `GPG_KEY`, `KEYCLOAK_URL` and `PASSWORD_FILE` do not match.
    /// The value is never printed.
    ///
    /// ## Why is this bad?
    /// The config is readable by anyone who can pull the image (`docker inspect`).
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV DB_PASSWORD=hunter2
    /// ```
    ///
    /// Use instead: pass secrets at run time (`docker run -e`, orchestrator secrets) or at
    /// build time with `RUN --mount=type=secret`.
    pub static SECRET_IN_CONFIG = {
        code: "HS604",
        name: "secret-in-image-config",
        aliases: ["CIS-DI-0010", "SecretsUsedInArgOrEnv"],
        severity: Error,
        category: Security,
        fix: None,
        summary: "Secret-looking value in the image's Env or Labels",
    };
}

pub(super) fn check(image: &Image, out: &mut Vec<Diagnostic>) {
    let variables = config_variables(image);
    // Secrets judged by value (a GitHub token in `ENV GH=ghp_…`), as `lint` and `secrets` judge
    // them, where the name says nothing: each secret once, at its first place.
    let by_value = value_secrets(&variables);
    for (index, variable) in variables.iter().enumerate() {
        for (_, finding) in by_value.iter().filter(|(at, _)| *at == index) {
            out.push(
                Diagnostic::new(
                    &SECRET_IN_CONFIG,
                    format!(
                        "{} holds a {} (`{}`, not shown in full)",
                        variable.what(),
                        finding.detector.title,
                        finding.redacted
                    ),
                    variable.location.clone(),
                )
                .with_help("revoke it, then pass it at run time or use a build secret (`RUN --mount=type=secret`)")
                .with_fingerprint(finding.fingerprint.clone()),
            );
        }
        if !variable.is_named_secret() {
            continue;
        }
        let diagnostic = Diagnostic::new(
            &SECRET_IN_CONFIG,
            format!(
                "{} holds a secret-looking value ({} characters, not shown)",
                variable.what(),
                variable.value.chars().count()
            ),
            variable.location.clone(),
        );
        out.push(match variable.kind {
            VariableKind::Env => diagnostic
                .with_help("pass it at run time or use a build secret (`RUN --mount=type=secret`)")
                .with_fingerprint(format!("env:{}", variable.name)),
            VariableKind::Label => diagnostic.with_fingerprint(format!("label:{}", variable.name)),
        });
    }
}
