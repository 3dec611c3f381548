//! HS280: ARG/ENV names that look like they hold a secret (hadolint's list).

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::{Arguments, Instruction, KeyValue, Keyword};

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `ARG` and `ENV` variables whose name says they hold a secret: a well-known
    /// credential variable (`AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`, `NPM_TOKEN`,
    /// `POSTGRES_PASSWORD`, …) or a name containing `password`, `secret`, `token`, `api_key`,
    /// `client_key`, `private` or `username`. Names that only point at a secret
    /// (`…_FILE`, `…_PATH`, `…_DIR`) and Go's `GOPRIVATE` are not secrets and are left alone.
    ///
    /// ## Why is this bad?
    /// `ENV` values are stored in the image config, and `ARG` values in the build history of
    /// every layer that uses them: anyone who can pull the image can read them with
    /// `docker history` or `docker inspect`. Pass secrets with `RUN --mount=type=secret`
    /// (or at run time) instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// ARG NPM_TOKEN
    /// RUN npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// RUN --mount=type=secret,id=npm,env=NPM_CONFIG_TOKEN npm ci
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3064`
    /// - See also the BuildKit check `SecretsUsedInArgOrEnv`, which matches names differently.
    pub static SECRET_NAME_IN_ARG_OR_ENV = {
        code: "HS280",
        name: "secret-name-in-arg-or-env",
        aliases: ["DL3064"],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "`ARG`/`ENV` whose name says it holds a secret",
    };
}

/// Variables that hold credentials by convention of the service that reads them.
const WELL_KNOWN: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AZURE_CLIENT_SECRET",
    "AZURE_STORAGE_KEY",
    "AZURE_STORAGE_CONNECTION_STRING",
    "GCP_SERVICE_ACCOUNT_KEY",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "GITLAB_TOKEN",
    "CI_JOB_TOKEN",
    "NPM_TOKEN",
    "NODE_AUTH_TOKEN",
    "PYPI_TOKEN",
    "TWINE_PASSWORD",
    "DOCKER_PASSWORD",
    "DOCKERHUB_TOKEN",
    "SLACK_TOKEN",
    "STRIPE_SECRET_KEY",
    "STRIPE_API_KEY",
    "SENDGRID_API_KEY",
    "TWILIO_AUTH_TOKEN",
    "HEROKU_API_KEY",
    "DATABASE_URL",
    "POSTGRES_PASSWORD",
    "PGPASSWORD",
    "MYSQL_ROOT_PASSWORD",
    "MYSQL_PASSWORD",
    "MARIADB_ROOT_PASSWORD",
    "MONGO_INITDB_ROOT_PASSWORD",
    "REDIS_PASSWORD",
    "RABBITMQ_DEFAULT_PASS",
    "SECRET_KEY_BASE",
    "DJANGO_SECRET_KEY",
    "JWT_SECRET",
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "HF_TOKEN",
    "HUGGING_FACE_HUB_TOKEN",
    "SENTRY_AUTH_TOKEN",
    "SENTRY_DSN",
    "DD_API_KEY",
    "DATADOG_API_KEY",
    "NEW_RELIC_LICENSE_KEY",
    "VAULT_TOKEN",
    "CONSUL_HTTP_TOKEN",
    "SONAR_TOKEN",
    "CODECOV_TOKEN",
    "SNYK_TOKEN",
];

/// Parts of a lower-cased name that say it holds a secret.
const SECRET_WORDS: &[&str] = &[
    "api_key",
    "client_key",
    "password",
    "private",
    "secret",
    "token",
    "username",
];

/// Suffixes of names that hold where a secret is, not the secret itself.
const REFERENCE_SUFFIXES: &[&str] = &["_FILE", "_PATH", "_DIR"];

/// Names that contain a secret word but are not secrets.
const NOT_SECRETS: &[&str] = &["GOPRIVATE"];

/// Whether the variable name looks like it holds a secret.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    if NOT_SECRETS.contains(&upper.as_str())
        || REFERENCE_SUFFIXES
            .iter()
            .any(|suffix| upper.ends_with(suffix))
    {
        return false;
    }
    if WELL_KNOWN.contains(&upper.as_str()) {
        return true;
    }
    let lower = name.to_ascii_lowercase();
    SECRET_WORDS.iter().any(|word| lower.contains(word))
}

fn check_pairs(checker: &Checker, keyword: Keyword, pairs: &[KeyValue]) {
    for pair in pairs {
        if is_secret_name(&pair.key) {
            checker.report_at(
                &SECRET_NAME_IN_ARG_OR_ENV,
                format!(
                    "`{} {}` looks like a secret; its value is readable by anyone with the image",
                    keyword.as_str(),
                    pair.key
                ),
                pair.key_range,
                Some("Use `RUN --mount=type=secret` for build secrets, or pass it at run time"),
            );
        }
    }
}

/// HS280
pub(crate) fn secret_name_in_arg_or_env(
    checker: &mut Checker,
    _: usize,
    instruction: &Instruction,
) {
    let instruction = instruction.onbuild.as_deref().unwrap_or(instruction);
    match &instruction.args {
        Arguments::Arg(pairs) if instruction.keyword == Keyword::Arg => {
            check_pairs(checker, Keyword::Arg, pairs);
        }
        Arguments::KeyValues(list) if instruction.keyword == Keyword::Env => {
            check_pairs(checker, Keyword::Env, &list.pairs);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::is_secret_name;

    #[test]
    fn secret_names() {
        for secret in [
            "AWS_ACCESS_KEY_ID",
            "openai_api_key",
            "my_password",
            "GITHUB_TOKEN",
            "DB_SECRET",
        ] {
            assert!(is_secret_name(secret), "{secret}");
        }
        for plain in [
            "foobar",
            "GOPRIVATE",
            "POSTGRES_PASSWORD_FILE",
            "GITHUB_TOKEN_PATH",
            "PATH",
        ] {
            assert!(!is_secret_name(plain), "{plain}");
        }
    }
}
