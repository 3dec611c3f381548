//! HS414: `COPY`/`ADD` of a file that looks like a secret.

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::Instruction;

use crate::checker::Checker;
use crate::rules::dockerfile::secret_removed_in_later_layer;
use crate::rules::dockerfile::shell_facts::{copy_words, unquote};

declare_rule! {
    /// ## What it does
    /// Finds `COPY` and `ADD` from the build context of files whose names say they hold
    /// secrets: `.env` and `.env.<environment>` files (not `.env.example` and the like), SSH private keys (`id_rsa`,
    /// `id_ed25519`, ...), private keys and key stores (`*.key`, `*key*.pem`, `*.p12`,
    /// `*.pfx`, `*.jks`), and credential files (`.npmrc`, `.pypirc`, `.netrc`,
    /// `.git-credentials`, `.htpasswd`, `credentials`, `credentials.json`,
    /// `service-account*.json`, `.docker/config.json`, `kubeconfig`).
    ///
    /// The name only nominates a file. When `hullscan lint` reads the build context, the
    /// file's content decides, through the secrets engine: an `.npmrc` with only `registry=`
    /// lines or settings, or one whose `_authToken` comes from the environment
    /// (`${NPM_TOKEN}`), is not reported; one with a literal `_authToken=` is. Then the
    /// finding is the build-context rule HS502's (one finding for one problem). Without a
    /// context (`--no-context`, stdin) the name decides.
    ///
    /// ## Why is this bad?
    /// Everything a `COPY` puts in a layer stays in the image, and anyone who can pull the
    /// image can read it with `docker save` or `docker history`, long after the file changed
    /// in the repository. Pass build-time secrets with `RUN --mount=type=secret` (the file is
    /// mounted only for that command and never stored) and run-time secrets through the
    /// orchestrator; keep such files out of the context with `.dockerignore`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY .npmrc package.json package-lock.json ./
    /// RUN npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY package.json package-lock.json ./
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    ///
    /// ## References
    /// - [Docker docs: build secrets](https://docs.docker.com/build/building/secrets/)
    pub static SECRET_FILE_COPIED = {
        code: "HS414",
        name: "secret-file-copied",
        aliases: [],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "`COPY`/`ADD` of a file that looks like a secret bakes it into a layer",
    };
}

/// HS414
pub(crate) fn secret_file_copied(checker: &mut Checker, index: usize, instruction: &Instruction) {
    if instruction.flag("from").is_some() {
        return;
    }
    let words = copy_words(instruction);
    let Some((_, sources)) = words.split_last() else {
        return;
    };
    // A key copied to `*.pub`/`*.asc`/`*.gpg` is a public (signing) key.
    let destination = words
        .last()
        .map_or("", |(dest, _)| unquote(dest))
        .to_ascii_lowercase();
    if [".pub", ".asc", ".gpg"]
        .iter()
        .any(|ext| destination.ends_with(ext))
    {
        return;
    }
    for (source, range) in sources {
        let source = unquote(source);
        let Some(kind) = secret_file_kind(source) else {
            continue;
        };
        // The context's content was read: it decides (HS502 reports what it confirms).
        let kind = match checker.copied_file_holds_secret(*range) {
            Some(false) => continue,
            Some(true) => "a file holding a credential",
            None => kind,
        };
        // A copy removed later gets HS415, which says more.
        if secret_removed_in_later_layer::is_removed_later(checker, index, source) {
            continue;
        }
        checker.report(
            Diagnostic::new(
                &SECRET_FILE_COPIED,
                format!("`{}` copies `{source}`, {kind}, into the image", instruction.keyword.as_str()),
                Location::Text(*range),
            )
            .with_help("Mount it only where needed with `RUN --mount=type=secret,id=…`, and list it in `.dockerignore`"),
        );
    }
}

/// What kind of secret the file name `path` suggests, if any.
pub(crate) fn secret_file_kind(path: &str) -> Option<&'static str> {
    if path.contains("://") || path.contains('$') {
        return None;
    }
    let lower = path.to_ascii_lowercase();
    let name = lower
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let harmless = [
        "example", "sample", "template", "dist", "defaults", "default", "test", "tpl", "ci",
    ];
    if path.contains(['*', '?', '[']) {
        return None;
    }
    if name == ".env" || name.starts_with(".env.") && !harmless.iter().any(|h| name.ends_with(h)) {
        return Some("an environment file that usually holds secrets");
    }
    if matches!(
        name,
        "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" | "id_ecdsa_sk" | "id_ed25519_sk"
    ) {
        return Some("an SSH private key");
    }
    // Public keys named as such (`nginx_public_keys.key`, `yarn-pubkey.gpg.key`, a repo's
    // `*.gpg.key` signing key) are meant to be shipped: no secret in them.
    let says_public = name.contains("public")
        || name.contains("pubkey")
        || (name.contains("gpg") || name.contains("pgp")) && !name.contains("private");
    if says_public && !name.contains("secret") {
        return None;
    }
    if name.ends_with(".key")
        || name.ends_with(".p12")
        || name.ends_with(".pfx")
        || name.ends_with(".jks")
        || name.ends_with(".keystore")
        || (name.ends_with(".pem") && (name.contains("key") || name.contains("private")))
    {
        return Some("a private key or key store");
    }
    if matches!(
        name,
        ".npmrc"
            | ".pypirc"
            | ".netrc"
            | ".git-credentials"
            | ".htpasswd"
            | "credentials"
            | "credentials.json"
            | "kubeconfig"
            | ".pgpass"
            | ".my.cnf"
    ) || (name.starts_with("service-account") && name.ends_with(".json"))
        || lower.ends_with(".docker/config.json")
        || lower.ends_with(".aws/credentials")
    {
        return Some("a credentials file");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::secret_file_kind;

    #[test]
    fn names() {
        for secret in [
            ".env",
            "config/.env.production",
            "id_rsa",
            "certs/server.key",
            "tls-key.pem",
            ".npmrc",
            "creds/credentials.json",
            "service-account-prod.json",
            "home/.aws/credentials",
            "private.gpg.key",
        ] {
            assert!(secret_file_kind(secret).is_some(), "{secret}");
        }
        for fine in [
            ".env.example",
            ".env.sample",
            "id_rsa.pub",
            "ca.pem",
            "cert.pem",
            "package.json",
            "src/",
            ".",
            "keys.py",
            "https://example.com/x.key",
            "library-scripts/*.env",
            "meta.env",
            "nginx_public_keys.key",
            "yarn-pubkey.gpg.key",
            "nodesource-repo.gpg.key",
        ] {
            assert!(secret_file_kind(fine).is_none(), "{fine}");
        }
    }
}
