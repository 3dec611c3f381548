//! One rule per detector family (`HS701`–`HS709`); the detector id is in each message.

use crate::Family;
use hullscan_diagnostics::{RuleMeta, declare_rule};

declare_rule! {
    /// ## What it does
    /// Finds private keys: PEM blocks (RSA, DSA, EC, PKCS#8, encrypted PKCS#8), OpenSSH, PGP private
    /// key blocks, PuTTY and SSH2 key files, and kubeconfig `client-key-data`. The key body must decode
    /// to the structure its header promises (a DER sequence, `openssh-key-v1`, a PGP secret-key
    /// packet), so truncated or made-up blocks in documentation are not reported.
    ///
    /// ## Why is this bad?
    /// Anything in a Dockerfile, a build context or an image layer can be read by everyone who
    /// can pull the image, and stays in the layer history even when a later step deletes it.
    ///
    /// ## Example
    /// ```dockerfile
    /// -----BEGIN OPENSSH PRIVATE KEY-----
    /// b3BlbnNzaC1rZXktdjEAAAAA...
    /// -----END OPENSSH PRIVATE KEY-----
    /// ```
    ///
    /// Use instead:
    /// Mount the key at build time (`RUN --mount=type=ssh` or `--mount=type=secret`) and keep
    /// the file out of the build context with `.dockerignore`.
    pub static PRIVATE_KEY = {
        code: "HS701",
        name: "private-key",
        aliases: [],
        severity: Error,
        category: Security,
        fix: None,
        summary: "A private key (PEM, OpenSSH, PGP, PuTTY, SSH2 or a kubeconfig `client-key-data`)",
    };
}

declare_rule! {
    /// ## What it does
    /// Finds credentials for cloud and infrastructure providers: AWS access key ids, secret keys and
    /// session tokens, GCP API keys, service-account key files and OAuth client secrets, Azure storage
    /// keys, SAS tokens and client secrets, Alibaba, DigitalOcean, Heroku, HashiCorp Vault and
    /// Terraform Cloud, Tailscale, Databricks, Doppler, Pulumi, Supabase, PlanetScale, age keys,
    /// kubeconfig and Kubernetes bootstrap tokens.
    ///
    /// ## Why is this bad?
    /// Anything in a Dockerfile, a build context or an image layer can be read by everyone who
    /// can pull the image, and stays in the layer history even when a later step deletes it.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV AWS_ACCESS_KEY_ID=AKIA...
    /// ```
    ///
    /// Use instead:
    /// Pass the credential at build time with `RUN --mount=type=secret,id=aws` or at run time
    /// through the orchestrator's secret store.
    pub static CLOUD_CREDENTIAL = {
        code: "HS702",
        name: "cloud-credential",
        aliases: [],
        severity: Error,
        category: Security,
        fix: None,
        summary: "A cloud or infrastructure credential (AWS, GCP, Azure, DigitalOcean, Vault, ...)",
    };
}

declare_rule! {
    /// ## What it does
    /// Finds tokens for source hosts: GitHub classic, fine-grained, OAuth, App and refresh tokens
    /// (their CRC32 checksum must match), GitLab personal, runner, deploy, trigger and OAuth tokens,
    /// Bitbucket app passwords and Atlassian API tokens.
    ///
    /// ## Why is this bad?
    /// Anything in a Dockerfile, a build context or an image layer can be read by everyone who
    /// can pull the image, and stays in the layer history even when a later step deletes it.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN git clone https://ghp_...@github.com/org/private.git
    /// ```
    ///
    /// Use instead:
    /// Use `RUN --mount=type=secret,id=gh_token` or `--mount=type=ssh` to clone private
    /// repositories.
    pub static SOURCE_HOST_TOKEN = {
        code: "HS703",
        name: "source-host-token",
        aliases: [],
        severity: Error,
        category: Security,
        fix: None,
        summary: "A GitHub, GitLab, Bitbucket or Atlassian token",
    };
}

declare_rule! {
    /// ## What it does
    /// Finds package-registry credentials: npm tokens (checksum verified) and `.npmrc` `_authToken`,
    /// PyPI API tokens (the macaroon must decode), Docker Hub access tokens and `config.json` `auth`
    /// entries, RubyGems, NuGet and JFrog Artifactory keys.
    ///
    /// ## Why is this bad?
    /// Anything in a Dockerfile, a build context or an image layer can be read by everyone who
    /// can pull the image, and stays in the layer history even when a later step deletes it.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY .npmrc /root/.npmrc   # contains //registry.npmjs.org/:_authToken=npm_...
    /// ```
    ///
    /// Use instead:
    /// Mount the registry credential with `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc`.
    pub static PACKAGE_REGISTRY_TOKEN = {
        code: "HS704",
        name: "package-registry-token",
        aliases: [],
        severity: Error,
        category: Security,
        fix: None,
        summary: "A package-registry credential (npm, PyPI, Docker Hub, RubyGems, NuGet, Artifactory)",
    };
}

declare_rule! {
    /// ## What it does
    /// Finds API tokens and webhook URLs of chat and SaaS services: Slack, Stripe, Twilio, SendGrid,
    /// Mailgun, Datadog, Shopify, Square, OpenAI, Anthropic, Hugging Face, Replicate, Groq, Telegram,
    /// Discord, New Relic, Sentry, Grafana, Linear, Postman, Mapbox, Firebase and Notion.
    ///
    /// ## Why is this bad?
    /// Anything in a Dockerfile, a build context or an image layer can be read by everyone who
    /// can pull the image, and stays in the layer history even when a later step deletes it.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV SLACK_WEBHOOK=https://hooks.slack.com/services/T0000/B0000/...
    /// ```
    ///
    /// Use instead:
    /// Inject the token at run time from a secret store; never bake it into an image.
    pub static SAAS_TOKEN = {
        code: "HS705",
        name: "saas-token",
        aliases: [],
        severity: Error,
        category: Security,
        fix: None,
        summary: "An API token for a chat or SaaS service (Slack, Stripe, Twilio, OpenAI, ...)",
    };
}

declare_rule! {
    /// ## What it does
    /// Finds passwords embedded in URLs (`postgres://user:password@host`, `https://user:token@github.com`)
    /// and `.netrc` `password` entries. Defaults and placeholders (`postgres:postgres`, `${DB_PASSWORD}`,
    /// `user:password`) are not reported.
    ///
    /// ## Why is this bad?
    /// Anything in a Dockerfile, a build context or an image layer can be read by everyone who
    /// can pull the image, and stays in the layer history even when a later step deletes it.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV DATABASE_URL=postgres://app:Zq7v...@db:5432/app
    /// ```
    ///
    /// Use instead:
    /// Build the URL at run time from a secret (`DATABASE_PASSWORD_FILE=/run/secrets/db`).
    pub static URL_CREDENTIAL = {
        code: "HS706",
        name: "url-credential",
        aliases: [],
        severity: Error,
        category: Security,
        fix: None,
        summary: "A password in a URL, a `.netrc` or a `.git-credentials` file",
    };
}

declare_rule! {
    /// ## What it does
    /// Finds JSON Web Tokens whose header decodes to JSON with an `alg` (and not `none`) and whose
    /// payload decodes to a JSON object. A JWT is a bearer credential until it expires.
    ///
    /// ## Why is this bad?
    /// Anything in a Dockerfile, a build context or an image layer can be read by everyone who
    /// can pull the image, and stays in the layer history even when a later step deletes it.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV API_TOKEN=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOi...
    /// ```
    ///
    /// Use instead:
    /// Fetch short-lived tokens at run time instead of storing them.
    pub static JSON_WEB_TOKEN = {
        code: "HS707",
        name: "json-web-token",
        aliases: [],
        severity: Error,
        category: Security,
        fix: None,
        summary: "A JSON Web Token",
    };
}

declare_rule! {
    /// ## What it does
    /// Finds password hashes in htpasswd (`$apr1$`, `{SHA}`, bcrypt) and shadow (`$1$`, `$5$`, `$6$`,
    /// `$y$`) format. Hashes can be cracked offline, and a baked-in hash means every container shares
    /// one password.
    ///
    /// ## Why is this bad?
    /// Anything in a Dockerfile, a build context or an image layer can be read by everyone who
    /// can pull the image, and stays in the layer history even when a later step deletes it.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN echo 'admin:$apr1$...' > /etc/nginx/.htpasswd
    /// ```
    ///
    /// Use instead:
    /// Generate the file at start-up from a mounted secret.
    pub static PASSWORD_HASH = {
        code: "HS708",
        name: "password-hash",
        aliases: [],
        severity: Error,
        category: Security,
        fix: None,
        summary: "A password hash (htpasswd, shadow)",
    };
}

declare_rule! {
    /// ## What it does
    /// Finds `password = ...`, `token: ...`, `API_KEY=...` and similar assignments whose value looks
    /// like a real secret: long enough, random enough (a Shannon-entropy gate scaled to its length),
    /// and not a placeholder (`changeme`, `${VAR}`, `<your-token>`, `xxxx`), a reference, a path, a
    /// word or an identifier. Names are split into words, so `tokenizer` and `GPG_KEY` do not count.
    ///
    /// ## Why is this bad?
    /// Anything in a Dockerfile, a build context or an image layer can be read by everyone who
    /// can pull the image, and stays in the layer history even when a later step deletes it.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV DB_PASSWORD=q8Fz2LmPw0cYt7Rk
    /// ```
    ///
    /// Use instead:
    /// Pass it with `RUN --mount=type=secret` at build time or from a secret store at run time.
    pub static GENERIC_SECRET = {
        code: "HS709",
        name: "generic-secret",
        aliases: [],
        severity: Error,
        category: Security,
        fix: None,
        summary: "A high-entropy value assigned to a secret-named key",
    };
}

/// Every secrets rule, in code order.
pub static RULES: &[&RuleMeta] = &[
    &PRIVATE_KEY,
    &CLOUD_CREDENTIAL,
    &SOURCE_HOST_TOKEN,
    &PACKAGE_REGISTRY_TOKEN,
    &SAAS_TOKEN,
    &URL_CREDENTIAL,
    &JSON_WEB_TOKEN,
    &PASSWORD_HASH,
    &GENERIC_SECRET,
];

/// The rule a detector family reports under.
pub fn rule_for(family: Family) -> &'static RuleMeta {
    match family {
        Family::PrivateKey => &PRIVATE_KEY,
        Family::CloudCredential => &CLOUD_CREDENTIAL,
        Family::SourceHostToken => &SOURCE_HOST_TOKEN,
        Family::PackageRegistryToken => &PACKAGE_REGISTRY_TOKEN,
        Family::SaasToken => &SAAS_TOKEN,
        Family::UrlCredential => &URL_CREDENTIAL,
        Family::Jwt => &JSON_WEB_TOKEN,
        Family::PasswordHash => &PASSWORD_HASH,
        Family::GenericSecret => &GENERIC_SECRET,
    }
}
