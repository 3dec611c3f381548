//! HS316: an `ARG` or `ENV` whose name says it holds a secret (BuildKit's
//! `SecretsUsedInArgOrEnv`).

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::{Arguments, Instruction, Keyword};
use hullscan_semantic::BindingKind;

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `ARG` and `ENV` names inside a stage that contain one of the words `apikey`,
    /// `auth`, `credential`, `credentials`, `key`, `password`, `pword`, `passwd`, `secret` or
    /// `token` as a whole `_`-separated part (any case), unless a part is `public`, `file` or
    /// `version`, exactly as BuildKit's `SecretsUsedInArgOrEnv` check matches them. So
    /// `DB_PASSWORD` and `GITHUB_TOKEN` are findings; `PASSWORD_FILE`, `PUBLIC_KEY` and
    /// `TOKENIZER` are not.
    ///
    /// ## Why is this bad?
    /// Build args and environment variables are stored in the image: `docker history` shows
    /// ARG values used by `RUN`, and `docker inspect` shows every ENV. Anyone who can pull the
    /// image can read the secret.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ARG NPM_TOKEN
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
    /// ```
    ///
    /// ## References
    /// - [BuildKit check SecretsUsedInArgOrEnv](https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/)
    pub static SECRET_IN_ARG_OR_ENV = {
        code: "HS316",
        name: "secret-in-arg-or-env",
        aliases: ["SecretsUsedInArgOrEnv"],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "`ARG`/`ENV` name suggests it holds a secret",
    };
}

const DENY: [&str; 10] = [
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
];
const ALLOW: [&str; 3] = ["public", "file", "version"];

/// Whether `name` looks like it holds a secret, by BuildKit's token rules.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let has = |tokens: &[&str]| {
        name.split('_')
            .any(|part| tokens.iter().any(|token| part.eq_ignore_ascii_case(token)))
    };
    has(&DENY) && !has(&ALLOW)
}

/// HS316
pub(crate) fn secret_in_arg_or_env(checker: &mut Checker, index: usize, instruction: &Instruction) {
    let model = checker.model;
    // ARGs before the first FROM are global; BuildKit checks the ones in stages.
    let Some(stage) = model.stage_of(index) else {
        return;
    };
    let kind = if instruction.keyword == Keyword::Arg {
        "ARG"
    } else {
        "ENV"
    };
    let pairs = match &instruction.args {
        Arguments::Arg(pairs) => pairs.as_slice(),
        Arguments::KeyValues(list) => list.pairs.as_slice(),
        _ => return,
    };
    for pair in pairs {
        // ENV keys are expanded; use the name the model bound. A stage's bindings are in
        // instruction order: start at this instruction's rather than scanning the stage.
        let bindings = model.stage_bindings(stage.index);
        let first = bindings.partition_point(|b| b.instruction < Some(index));
        let name = bindings[first..]
            .iter()
            .take_while(|b| b.instruction == Some(index))
            .find(|b| b.pair.is_some_and(|p| std::ptr::eq(p, pair)))
            .filter(|b| b.kind != BindingKind::Predefined)
            .map_or(pair.key.as_str(), |b| b.name.as_ref());
        if is_secret_name(name) {
            checker.report(
                Diagnostic::new(
                    &SECRET_IN_ARG_OR_ENV,
                    format!(
                        "Do not use ARG or ENV instructions for sensitive data ({kind} {name:?})"
                    ),
                    Location::Text(pair.key_range),
                )
                .with_help(
                    "Pass secrets with `RUN --mount=type=secret` so they never enter the image",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_secret_name;

    #[test]
    fn token_rules() {
        for secret in [
            "SECRET_PASSPHRASE",
            "SUPER_Secret",
            "password",
            "auth",
            "apikey",
            "git_key",
            "super_duper_secret_token",
        ] {
            assert!(is_secret_name(secret), "{secret}");
        }
        for fine in [
            "PUBLIC_KEY",
            "public_token",
            "SECRET_PASSPHRASE_FILE",
            "AUTH_MODULE_VERSION",
            "sunflower",
            "TOKENIZER",
            "monkey",
        ] {
            assert!(!is_secret_name(fine), "{fine}");
        }
    }
}
