//! HS906: a literal secret in `environment:`.

use hullscan_diagnostics::declare_rule;

use crate::{Finding, ServiceCheck};

declare_rule! {
    /// ## What it does
    /// Finds credentials written as literal values in a service's `environment:` (map or list
    /// form), as hullscan's secrets engine recognises them: known token formats anywhere, and
    /// secret-looking values of secret-named variables (`DB_PASSWORD: s3cr3t-Pa55`). Values
    /// taken from a variable (`${DB_PASSWORD}`) or from the environment (`- DB_PASSWORD`) are
    /// fine. The finding never repeats the value.
    ///
    /// ## Why is this bad?
    /// The compose file is committed, shared and printed (`docker compose config`), and the
    /// value lands in `docker inspect` of the container. Keep secrets in an untracked `.env`,
    /// the shell, or Compose `secrets:` (mounted as files under `/run/secrets`).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     environment:
    ///       POSTGRES_PASSWORD: hunter2-prod-Secret
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     environment:
    ///       POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}
    /// ```
    pub static SECRET_IN_ENVIRONMENT = {
        code: "HS906",
        name: "compose-secret-in-environment",
        aliases: ["CL-0020"],
        severity: Error,
        category: Security,
        fix: None,
        summary: "Literal secret in a service's environment",
    };
}

pub(crate) fn check(check: &ServiceCheck<'_>, out: &mut Vec<Finding>) {
    let Some(entries) = check.service.get("environment").and_then(|n| n.entries()) else {
        return;
    };
    let scanner = hullscan_secrets::Scanner::global();
    for (key, value) in entries {
        let Some(scalar) = value.scalar() else {
            continue;
        };
        if scalar.interpolated || scalar.text.is_empty() {
            continue;
        }
        let found = scanner.scan_assignment(&key.name, &scalar.text);
        if let Some(first) = found.findings.first() {
            out.push(check.finding(
                &SECRET_IN_ENVIRONMENT,
                value.at,
                format!(
                    "service `{}` sets {} to a literal secret ({}); take it from a variable or a Compose secret",
                    check.service.name,
                    key.name,
                    first.rule().name
                ),
            ));
        }
    }
}
