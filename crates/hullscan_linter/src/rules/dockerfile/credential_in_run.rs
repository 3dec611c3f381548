//! HS416: credentials written into a RUN command line or into a file by RUN.

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_secrets::{is_placeholder, name_is_sensitive};
use hullscan_shell::tools;

use crate::checker::Checker;
use crate::rules::dockerfile::shell_facts::run_commands;

declare_rule! {
    /// ## What it does
    /// Finds credentials handled in the open by a `RUN`:
    /// - a literal user and password passed to a download (`curl -u user:pass`,
    ///   `wget --password=pass`, `--http-password`),
    /// - a URL with a password or token in it (`https://user:pass@host`,
    ///   `https://ghp_…@github.com`),
    /// - a secret variable written to a file (`echo $NPM_TOKEN > .npmrc`,
    ///   `printf "%s" "$API_KEY" >> config`), where the variable's name says it is secret.
    ///
    /// Values taken from variables (`-u "$USER:$PASS"`) are not reported by the first two
    /// checks; BuildKit's `SecretsUsedInArgOrEnv` reports secret-named `ARG`/`ENV`.
    ///
    /// ## Why is this bad?
    /// The `RUN` command line is stored in the image's history (`docker history --no-trunc`)
    /// together with the build arguments it used, and a file written by `RUN` stays in its
    /// layer even if a later step deletes it. A credential used this way ships with every
    /// copy of the image. Mount it for the one command that needs it:
    /// `RUN --mount=type=secret,id=token,env=TOKEN …`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN wget --user=deploy --password=hunter2secret https://files.example.com/app.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN --mount=type=secret,id=netrc,target=/root/.netrc wget https://files.example.com/app.tar.gz
    /// ```
    ///
    /// ## References
    /// - [Docker docs: build secrets](https://docs.docker.com/build/building/secrets/)
    pub static CREDENTIAL_IN_RUN = {
        code: "HS416",
        name: "credential-in-run",
        aliases: [],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "A `RUN` passes a literal credential or writes a secret variable into a file",
    };
}

const HELP: &str =
    "Use `RUN --mount=type=secret,id=…` so the credential is never stored in the image";

/// HS416
pub(crate) fn credential_in_run(checker: &mut Checker, index: usize, _instruction: &Instruction) {
    let Some(script) = checker.run_script(index) else {
        return;
    };
    // The commands that write a file, found once per script on first need (walking the whole
    // script for every `echo` was quadratic in a RUN of thousands of them).
    let mut writers: Option<Vec<usize>> = None;
    for command in run_commands(checker, index) {
        let invocation = &command.invocation;
        let mut problem: Option<String> = None;
        if let Some(curl) = tools::curl(invocation)
            && let Some(user) = curl.user
            && let Some((_, password)) = user.split_once(':')
            && is_literal_secret(password)
        {
            problem = Some("passes a literal password with `curl -u`".to_owned());
        }
        if problem.is_none()
            && let Some(wget) = tools::wget(invocation)
            && wget.password.is_some_and(is_literal_secret)
        {
            problem = Some("passes a literal password to `wget`".to_owned());
        }
        if problem.is_none() {
            for word in invocation.args {
                let value = word.value();
                let Some(userinfo) = tools::url_userinfo(value) else {
                    continue;
                };
                let secret = match userinfo.split_once(':') {
                    Some((_, password)) => is_literal_secret(password),
                    // A bare token as the user part: only long, token-like values.
                    None => userinfo.len() >= 20 && is_literal_secret(userinfo),
                };
                if secret {
                    problem = Some("puts a credential in a URL".to_owned());
                    break;
                }
            }
        }
        if problem.is_none() && matches!(invocation.name, "echo" | "printf") {
            let secret = invocation
                .args
                .iter()
                .flat_map(|word| word.parameters())
                .find(|name| name_is_sensitive(name));
            if let Some(name) = secret
                && writers
                    .get_or_insert_with(|| file_writers(&script.script))
                    .binary_search(&std::ptr::from_ref(invocation.command).addr())
                    .is_ok()
            {
                problem = Some(format!(
                    "writes the secret `${name}` into a file that stays in the layer"
                ));
            }
        }
        if let Some(problem) = problem {
            checker.report(
                Diagnostic::new(
                    &CREDENTIAL_IN_RUN,
                    format!("`{}` {problem}", invocation.name),
                    Location::Text(command.range()),
                )
                .with_help(HELP),
            );
        }
    }
}

/// The addresses of the commands of `script` with a redirect that writes a file, sorted.
fn file_writers(script: &hullscan_shell::ast::Script<'_>) -> Vec<usize> {
    let mut writers: Vec<_> = script
        .commands_with_context()
        .iter()
        .filter(|context| {
            context.redirects.iter().any(|r| {
                let target = r.target.value();
                r.op.writes_file() && !target.starts_with("/dev/") && !target.starts_with('&')
            })
        })
        .map(|context| std::ptr::from_ref(context.command).addr())
        .collect();
    writers.sort_unstable();
    writers
}

/// A value written out (not a variable) that is not an obvious placeholder.
fn is_literal_secret(value: &str) -> bool {
    !value.is_empty() && !value.contains(['$', '`', '<', '{']) && !is_placeholder(value.as_bytes())
}
