//! HS816: a literal secret in a container's `env`.

use hullscan_diagnostics::declare_rule;
use hullscan_secrets::Scanner;

use crate::{Checker, at, describe, range};

declare_rule! {
    /// ## What it does
    /// Finds an `env` entry whose literal `value` is a secret, as hullscan's secrets engine
    /// sees it: a known credential format (cloud keys, tokens, private keys, URLs with
    /// passwords), or a high-entropy value under a name such as `PASSWORD`, `API_KEY` or
    /// `TOKEN`. Placeholders and `$(VAR)` references are not findings. The value is never
    /// printed.
    ///
    /// ## Why is this bad?
    /// A manifest is committed, reviewed, copied into CI logs and stored unencrypted in etcd as
    /// part of the Pod spec; anyone who can read the Deployment can read the secret. A Secret
    /// referenced with `secretKeyRef` keeps it out of the manifest, can be encrypted at rest and
    /// rotated without a new Deployment.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     value: "s3cr3t-Pa55w0rd-9f8e7d"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     valueFrom:
    ///       secretKeyRef: {name: db, key: password}
    /// ```
    ///
    /// ## References
    /// - [Using Secrets as environment variables](https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables)
    pub static LITERAL_SECRET_IN_ENV = {
        code: "HS816",
        name: "literal-secret-in-env",
        aliases: [],
        severity: Error,
        category: Security,
        fix: None,
        summary: "A container's `env` holds a literal secret; use `valueFrom.secretKeyRef`",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&LITERAL_SECRET_IN_ENV) {
        return;
    }
    let scanner = Scanner::global();
    let mut found = Vec::new();
    let mut masks = Vec::new();
    for (object, _, container) in checker.containers() {
        for var in &container.env {
            let Some(value) = var.value else {
                continue;
            };
            // Kubernetes expands `$(VAR)` references; a value made of one is not a literal.
            if value.value.trim().starts_with("$(") && value.value.trim().ends_with(')') {
                continue;
            }
            let checked = scanner.scan_assignment(var.name.value, value.value);
            let Some(finding) = checked.findings.first() else {
                continue;
            };
            let value_range = range(value.node);
            // Mask the value as written (quotes included) so no snippet shows it.
            masks.push(value_range.to_range());
            found.push(
                at(
                    &LITERAL_SECRET_IN_ENV,
                    format!(
                        "{}: `{}` holds a literal secret ({})",
                        describe(object, container),
                        var.name.value,
                        finding.detector.title
                    ),
                    value_range,
                )
                .with_fingerprint(finding.fingerprint_with(&checker.options.fingerprint_key))
                .with_help(format!(
                    "Move it into a Secret and use `valueFrom: {{secretKeyRef: {{name: ..., key: ...}}}}` for `{}`",
                    var.name.value
                )),
            );
        }
    }
    found.into_iter().for_each(|d| checker.report(d));
    masks.into_iter().for_each(|m| checker.mask(m));
}
