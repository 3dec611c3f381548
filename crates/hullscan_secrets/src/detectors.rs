//! The detector table: what each detector is called, which literals wake it up, how it matches
//! and how its candidates are validated.

use crate::validate::{self, KeyBody};

/// Which rule a detector's findings are reported under (one `HS7xx` rule per family).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    PrivateKey,
    CloudCredential,
    SourceHostToken,
    PackageRegistryToken,
    SaasToken,
    UrlCredential,
    Jwt,
    PasswordHash,
    GenericSecret,
}

/// How sure a detector is that a match is a live credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// A keyword plus a high-entropy value, nothing more to check.
    Low,
    /// A distinctive format (a vendor prefix, a structure that decodes).
    Medium,
    /// A format with a checksum that matched, or a structure that fully decodes.
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// The public description of a detector.
#[derive(Debug, PartialEq, Eq)]
pub struct DetectorMeta {
    /// Stable kebab-case id, used in messages, fingerprints and `allow-detectors`.
    pub id: &'static str,
    /// What it finds, for messages: "GitHub personal access token (classic)".
    pub title: &'static str,
    pub family: Family,
    pub confidence: Confidence,
}

/// How much text around a keyword hit a detector's regex looks at.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Window {
    /// The line that holds the keyword.
    Line,
    /// From `before` bytes before the keyword to `after` bytes after it (multi-line formats).
    Around { before: usize, after: usize },
}

/// How a detector finds candidates once a keyword woke it up.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Matcher {
    /// A bytes regex; the secret is capture group 1 when there is one, else the whole match.
    Regex(&'static str),
    /// `scheme://user:password@host` in URLs (hand-written: `://` is too common for a regex).
    UrlCredentials,
    /// `name = value` where the name says secret (hand-written: the keywords are common words).
    Assignment,
    /// A `begin … end` block whose body (between the markers) is `min_body..=max_body` bytes;
    /// the secret is the whole block and the body is what the check sees (hand-written: a
    /// lazy regex is quadratic on unclosed `begin` lines, see `block.rs`).
    Block {
        begin: &'static str,
        end: &'static str,
        min_body: usize,
        max_body: usize,
    },
}

/// What a candidate must pass to become a finding.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Check {
    /// Not a placeholder and random-looking for its length.
    Random,
    /// Not a placeholder (formats whose structure is already distinctive enough).
    NotPlaceholder,
    /// GitHub/npm CRC32 in base62.
    Crc32Base62,
    /// A private-key body that decodes to the promised structure.
    PrivateKey(KeyBody),
    /// A custom check on the secret.
    Custom(fn(&[u8]) -> bool),
    /// A custom check that also sees the window around the secret.
    Context(fn(&[u8], &[u8]) -> bool),
    /// Handled inside the matcher itself.
    InMatcher,
}

pub(crate) struct Detector {
    pub meta: DetectorMeta,
    pub keywords: &'static [&'static str],
    pub matcher: Matcher,
    pub window: Window,
    pub check: Check,
    /// Lower wins when two detectors report overlapping ranges (specific beats generic).
    pub priority: u8,
}

const fn meta(
    id: &'static str,
    title: &'static str,
    family: Family,
    confidence: Confidence,
) -> DetectorMeta {
    DetectorMeta {
        id,
        title,
        family,
        confidence,
    }
}

/// A vendor-prefixed token found on one line.
const fn prefixed(
    id: &'static str,
    title: &'static str,
    family: Family,
    keywords: &'static [&'static str],
    regex: &'static str,
    check: Check,
) -> Detector {
    let confidence = match check {
        Check::Crc32Base62 | Check::PrivateKey(_) => Confidence::High,
        _ => Confidence::Medium,
    };
    Detector {
        meta: meta(id, title, family, confidence),
        keywords,
        matcher: Matcher::Regex(regex),
        window: Window::Line,
        check,
        priority: 0,
    }
}

/// A value recognised by the name it is assigned to (`TWILIO_AUTH_TOKEN=...`).
const fn contextual(
    id: &'static str,
    title: &'static str,
    family: Family,
    keywords: &'static [&'static str],
    regex: &'static str,
    window: Window,
    check: Check,
) -> Detector {
    Detector {
        meta: meta(id, title, family, Confidence::Medium),
        keywords,
        matcher: Matcher::Regex(regex),
        window,
        check,
        priority: 1,
    }
}

const fn private_key(
    id: &'static str,
    title: &'static str,
    (begin, end, max_body): (&'static str, &'static str, usize),
    body: KeyBody,
) -> Detector {
    Detector {
        meta: meta(id, title, Family::PrivateKey, Confidence::High),
        keywords: &["Y-----", "Y BLOCK-----"],
        matcher: Matcher::Block {
            begin,
            end,
            min_body: 40,
            max_body,
        },
        window: Window::Around {
            before: 64,
            after: 32 * 1024,
        },
        check: Check::PrivateKey(body),
        priority: 0,
    }
}

use Family::*;

const AROUND_SMALL: Window = Window::Around {
    before: 512,
    after: 512,
};

/// Keywords that wake the generic `name = value` detector. Case variants are listed because an
/// ASCII-case-insensitive prefilter cannot use the SIMD (Teddy) searcher.
pub(crate) const ASSIGNMENT_KEYWORDS: &[&str] = &[
    "sswo", "SSWO", "ecret", "ECRET", "oken", "OKEN", "pi_key", "PI_KEY", "piKey", "pikey",
    "pi-key",
];

/// Literals one of which must occur in a detector's window before its regex runs. Detectors
/// woken by the common secret-name keywords use them so that a line with `token` in it does not
/// run fifty regexes: one Aho-Corasick pass over the line picks the few that apply.
pub(crate) const GATES: &[(&str, &[&str])] = &[
    (
        "aws-secret-access-key",
        &["ccess_key", "CCESS_KEY", "ccessKey"],
    ),
    (
        "aws-session-token",
        &["ession_token", "ESSION_TOKEN", "essionToken"],
    ),
    ("gcp-oauth-client-secret", &["GOCSPX-"]),
    ("azure-client-secret", &["Q~"]),
    ("alibaba-access-key-id", &["LTAI"]),
    ("digitalocean-token", &["_v1_"]),
    ("heroku-api-key", &["HRKU-"]),
    ("heroku-api-key-legacy", &["eroku", "EROKU"]),
    ("vault-token", &["hvs.", "hvb."]),
    ("terraform-cloud-token", &[".atlasv1."]),
    ("tailscale-key", &["tskey-"]),
    ("databricks-token", &["dapi"]),
    ("doppler-token", &["dp.pt.", "dp.st."]),
    ("age-secret-key", &["AGE-SECRET-KEY-1"]),
    ("pulumi-token", &["pul-"]),
    ("supabase-token", &["sbp_"]),
    ("planetscale-token", &["pscale_"]),
    ("gitlab-runner-token", &["glrt-", "GR1348941"]),
    ("gitlab-deploy-token", &["gldt-"]),
    ("gitlab-pipeline-trigger-token", &["glptt-"]),
    ("gitlab-oauth-app-secret", &["gloas-"]),
    ("bitbucket-app-password", &["ATBB"]),
    ("atlassian-api-token", &["ATATT3"]),
    ("npmrc-auth-token", &["_auth", "_password"]),
    ("dockerhub-token", &["dckr_"]),
    ("rubygems-api-key", &["rubygems_"]),
    ("nuget-api-key", &["oy2"]),
    ("artifactory-api-key", &["AKCp"]),
    ("artifactory-reference-token", &["cmVmdGtu"]),
    ("slack-app-token", &["xapp-"]),
    ("stripe-webhook-secret", &["whsec_"]),
    ("twilio-api-key", &["wilio", "WILIO"]),
    ("twilio-auth-token", &["wilio", "WILIO"]),
    ("mailgun-api-key", &["key-"]),
    (
        "datadog-api-key",
        &["atadog", "ATADOG", "dd_", "DD_", "ddApi"],
    ),
    (
        "datadog-app-key",
        &["atadog", "ATADOG", "dd_", "DD_", "ddApp"],
    ),
    ("sendgrid-api-key", &["SG."]),
    ("shopify-access-token", &["shpat_", "shpca_", "shppa_"]),
    ("shopify-shared-secret", &["shpss_"]),
    ("square-access-token", &["sq0atp-"]),
    ("square-oauth-secret", &["sq0csp-"]),
    ("replicate-token", &["r8_"]),
    ("groq-api-key", &["gsk_"]),
    ("telegram-bot-token", &[":AA"]),
    ("discord-bot-token", &["iscord", "ISCORD"]),
    ("newrelic-user-api-key", &["NRAK-"]),
    ("newrelic-insert-key", &["NRII-", "NRJS-"]),
    ("sentry-auth-token", &["sntry"]),
    ("grafana-service-account-token", &["glsa_"]),
    ("linear-api-key", &["lin_api_"]),
    ("postman-api-key", &["PMAK-"]),
    ("firebase-fcm-server-key", &[":APA91b"]),
    ("notion-token", &["ntn_"]),
    ("netrc-password", &["machine"]),
    (
        "kubernetes-bootstrap-token",
        &["--token", "kubeadm", "ootstrap"],
    ),
    ("azure-shared-access-key", &["SharedAccessKey="]),
    ("azure-sas-token", &["sig="]),
];

/// `://` is searched with its own `memmem` finder rather than in the keyword groups: it is
/// by far the most frequent keyword in real text.
pub(crate) const URL_KEYWORDS: &[&str] = &["://"];

/// Vendors whose tokens have a prefix too rare to be worth a prefilter literal of its own (each
/// literal costs throughput on every byte) are woken by the secret-name keywords instead: their
/// tokens are almost always assigned to a `*_TOKEN`, `*_API_KEY`, `*_SECRET` or `*_PASSWORD`
/// name on the same line.
pub(crate) const NAME_KEYWORDS: &[&str] = ASSIGNMENT_KEYWORDS;

pub(crate) static DETECTORS: &[Detector] = &[
    // ---- private keys -------------------------------------------------------------------
    private_key(
        "private-key-rsa",
        "RSA private key",
        (
            "-----BEGIN RSA PRIVATE KEY-----",
            "-----END RSA PRIVATE KEY-----",
            16384,
        ),
        KeyBody::Der,
    ),
    private_key(
        "private-key-dsa",
        "DSA private key",
        (
            "-----BEGIN DSA PRIVATE KEY-----",
            "-----END DSA PRIVATE KEY-----",
            16384,
        ),
        KeyBody::Der,
    ),
    private_key(
        "private-key-ec",
        "EC private key",
        (
            "-----BEGIN EC PRIVATE KEY-----",
            "-----END EC PRIVATE KEY-----",
            16384,
        ),
        KeyBody::Der,
    ),
    private_key(
        "private-key-openssh",
        "OpenSSH private key",
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----",
            "-----END OPENSSH PRIVATE KEY-----",
            16384,
        ),
        KeyBody::OpenSsh,
    ),
    private_key(
        "private-key-pkcs8",
        "PKCS#8 private key",
        (
            "-----BEGIN PRIVATE KEY-----",
            "-----END PRIVATE KEY-----",
            16384,
        ),
        KeyBody::Der,
    ),
    private_key(
        "private-key-pkcs8-encrypted",
        "encrypted PKCS#8 private key",
        (
            "-----BEGIN ENCRYPTED PRIVATE KEY-----",
            "-----END ENCRYPTED PRIVATE KEY-----",
            16384,
        ),
        KeyBody::Der,
    ),
    private_key(
        "private-key-pgp",
        "PGP private key block",
        (
            "-----BEGIN PGP PRIVATE KEY BLOCK-----",
            "-----END PGP PRIVATE KEY BLOCK-----",
            32000,
        ),
        KeyBody::Pgp,
    ),
    Detector {
        meta: meta(
            "private-key-ssh2",
            "SSH2 (SECSH) encrypted private key",
            PrivateKey,
            Confidence::High,
        ),
        keywords: &["Y-----", "Y BLOCK-----"],
        matcher: Matcher::Block {
            begin: "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----",
            end: "---- END SSH2 ENCRYPTED PRIVATE KEY ----",
            min_body: 40,
            max_body: 16384,
        },
        window: Window::Around {
            before: 64,
            after: 32 * 1024,
        },
        check: Check::PrivateKey(KeyBody::Base64),
        priority: 0,
    },
    Detector {
        meta: meta(
            "private-key-putty",
            "PuTTY private key",
            PrivateKey,
            Confidence::High,
        ),
        keywords: &["PuTTY-User-Key-File-"],
        matcher: Matcher::Regex(
            r"PuTTY-User-Key-File-[23]: [^\r\n]+\r?\n(?:[^\r\n]*\r?\n){1,60}?Private-Lines: \d+\r?\n((?:[A-Za-z0-9+/=]{1,128}\r?\n){1,128})",
        ),
        window: Window::Around {
            before: 8,
            after: 16 * 1024,
        },
        check: Check::PrivateKey(KeyBody::Base64),
        priority: 0,
    },
    // ---- cloud ----------------------------------------------------------------------------
    prefixed(
        "aws-access-key-id",
        "AWS access key id",
        CloudCredential,
        &["AKIA", "ASIA"],
        r"\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b",
        Check::Random,
    ),
    contextual(
        "aws-secret-access-key",
        "AWS secret access key",
        CloudCredential,
        NAME_KEYWORDS,
        r#"(?i)secret_?access_?key["']?\s*(?:=|:|:=|=>)\s*["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#,
        Window::Line,
        Check::Random,
    ),
    contextual(
        "aws-session-token",
        "AWS session token",
        CloudCredential,
        NAME_KEYWORDS,
        r#"(?i)session_?token["']?\s*(?:=|:)\s*["']?([A-Za-z0-9/+=]{100,2048})"#,
        Window::Line,
        Check::Random,
    ),
    prefixed(
        "gcp-api-key",
        "Google Cloud API key",
        CloudCredential,
        &["AIza"],
        r"\b(AIza[0-9A-Za-z_\-]{35})(?:[^0-9A-Za-z_\-]|$)",
        Check::Random,
    ),
    contextual(
        "gcp-service-account",
        "Google Cloud service-account key file",
        CloudCredential,
        &["Y-----"],
        r#""private_key_id"\s*:\s*"([0-9a-f]{40})""#,
        Window::Around {
            before: 4096,
            after: 4096,
        },
        Check::Context(gcp_service_account_context),
    ),
    prefixed(
        "gcp-oauth-client-secret",
        "Google OAuth client secret",
        CloudCredential,
        NAME_KEYWORDS,
        r"\b(GOCSPX-[A-Za-z0-9_\-]{28})(?:[^A-Za-z0-9_\-]|$)",
        Check::Random,
    ),
    prefixed(
        "azure-storage-account-key",
        "Azure storage account key",
        CloudCredential,
        &["ndpointsProtocol"],
        r"AccountKey=([A-Za-z0-9+/]{86}==)",
        Check::Custom(validate::azure_storage_key_ok),
    ),
    prefixed(
        "azure-shared-access-key",
        "Azure Service Bus / Event Hubs shared access key",
        CloudCredential,
        URL_KEYWORDS,
        r"SharedAccessKey=([A-Za-z0-9+/]{42,44}=)",
        Check::Random,
    ),
    prefixed(
        "azure-client-secret",
        "Azure AD (Entra ID) client secret",
        CloudCredential,
        NAME_KEYWORDS,
        r"(?:^|[^A-Za-z0-9_~.\-])([A-Za-z0-9_~.\-]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34})(?:[^A-Za-z0-9_~.\-]|$)",
        Check::Random,
    ),
    prefixed(
        "azure-sas-token",
        "Azure shared access signature",
        CloudCredential,
        URL_KEYWORDS,
        r"[?&;]sv=\d{4}-\d{2}-\d{2}[^\s\x22']*?[?&;]sig=([A-Za-z0-9%+/]{40,}(?:%3D|=)?)",
        Check::Random,
    ),
    prefixed(
        "alibaba-access-key-id",
        "Alibaba Cloud access key id",
        CloudCredential,
        &["LTAI"],
        r"\b(LTAI[A-Za-z0-9]{20})\b",
        Check::Random,
    ),
    prefixed(
        "digitalocean-token",
        "DigitalOcean token",
        CloudCredential,
        NAME_KEYWORDS,
        r"\b(do[por]_v1_[a-f0-9]{64})\b",
        Check::Random,
    ),
    prefixed(
        "heroku-api-key",
        "Heroku API key",
        CloudCredential,
        NAME_KEYWORDS,
        r"\b(HRKU-[A-Za-z0-9_\-]{60})(?:[^A-Za-z0-9_\-]|$)",
        Check::Random,
    ),
    contextual(
        "heroku-api-key-legacy",
        "Heroku API key (UUID form)",
        CloudCredential,
        NAME_KEYWORDS,
        r#"(?i)heroku_?api_?key["']?\s*(?:=|:)\s*["']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"#,
        Window::Line,
        Check::NotPlaceholder,
    ),
    prefixed(
        "vault-token",
        "HashiCorp Vault token",
        CloudCredential,
        NAME_KEYWORDS,
        r"\b(hv[sb]\.[A-Za-z0-9_\-]{24,})",
        Check::Random,
    ),
    prefixed(
        "terraform-cloud-token",
        "Terraform Cloud / HCP API token",
        CloudCredential,
        NAME_KEYWORDS,
        r"\b([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_\-]{60,70})",
        Check::Random,
    ),
    prefixed(
        "tailscale-key",
        "Tailscale API or auth key",
        CloudCredential,
        &["tskey-"],
        r"\b(tskey-(?:api|auth|client|scim|webhook)-[A-Za-z0-9]{8,}-[A-Za-z0-9]{20,})",
        Check::Random,
    ),
    prefixed(
        "databricks-token",
        "Databricks personal access token",
        CloudCredential,
        NAME_KEYWORDS,
        r"\b(dapi[a-f0-9]{32}(?:-\d)?)\b",
        Check::Random,
    ),
    prefixed(
        "doppler-token",
        "Doppler token",
        CloudCredential,
        NAME_KEYWORDS,
        r"\b(dp\.(?:pt|st)\.[A-Za-z0-9]{40,44})\b",
        Check::Random,
    ),
    prefixed(
        "age-secret-key",
        "age encryption secret key",
        CloudCredential,
        NAME_KEYWORDS,
        r"(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})",
        Check::Custom(validate::bech32_ok),
    ),
    prefixed(
        "pulumi-token",
        "Pulumi access token",
        CloudCredential,
        NAME_KEYWORDS,
        r"\b(pul-[a-f0-9]{40})\b",
        Check::Random,
    ),
    prefixed(
        "supabase-token",
        "Supabase access token",
        CloudCredential,
        NAME_KEYWORDS,
        r"\b(sbp_[a-f0-9]{40})\b",
        Check::Random,
    ),
    prefixed(
        "planetscale-token",
        "PlanetScale token or password",
        CloudCredential,
        NAME_KEYWORDS,
        r"\b(pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.=\-]{32,64})",
        Check::Random,
    ),
    // ---- source hosts -----------------------------------------------------------------------
    prefixed(
        "github-pat",
        "GitHub personal access token (classic)",
        SourceHostToken,
        &["ghp_"],
        r"\b(ghp_[A-Za-z0-9]{36})\b",
        Check::Crc32Base62,
    ),
    prefixed(
        "github-oauth-token",
        "GitHub OAuth access token",
        SourceHostToken,
        &["gho_"],
        r"\b(gho_[A-Za-z0-9]{36})\b",
        Check::Crc32Base62,
    ),
    prefixed(
        "github-user-to-server-token",
        "GitHub App user-to-server token",
        SourceHostToken,
        &["ghu_"],
        r"\b(ghu_[A-Za-z0-9]{36})\b",
        Check::Crc32Base62,
    ),
    prefixed(
        "github-server-to-server-token",
        "GitHub App installation (server-to-server) token",
        SourceHostToken,
        &["ghs_"],
        r"\b(ghs_[A-Za-z0-9]{36})\b",
        Check::Crc32Base62,
    ),
    prefixed(
        "github-refresh-token",
        "GitHub refresh token",
        SourceHostToken,
        &["ghr_"],
        r"\b(ghr_[A-Za-z0-9]{36})\b",
        Check::Crc32Base62,
    ),
    prefixed(
        "github-fine-grained-pat",
        "GitHub fine-grained personal access token",
        SourceHostToken,
        &["ub_pat_"],
        r"\b(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b",
        Check::Random,
    ),
    prefixed(
        "gitlab-pat",
        "GitLab personal/project/group access token",
        SourceHostToken,
        &["glpat-"],
        r"\b(glpat-[A-Za-z0-9_\-]{20,}(?:\.[A-Za-z0-9]{2}\.[a-z0-9]{9})?)",
        Check::Random,
    ),
    prefixed(
        "gitlab-runner-token",
        "GitLab runner authentication token",
        SourceHostToken,
        NAME_KEYWORDS,
        r"\b((?:glrt-|GR1348941)[A-Za-z0-9_\-]{20,})",
        Check::Random,
    ),
    prefixed(
        "gitlab-deploy-token",
        "GitLab deploy token",
        SourceHostToken,
        NAME_KEYWORDS,
        r"\b(gldt-[A-Za-z0-9_\-]{20,})",
        Check::Random,
    ),
    prefixed(
        "gitlab-pipeline-trigger-token",
        "GitLab pipeline trigger token",
        SourceHostToken,
        NAME_KEYWORDS,
        r"\b(glptt-[a-f0-9]{40})\b",
        Check::Random,
    ),
    prefixed(
        "gitlab-oauth-app-secret",
        "GitLab OAuth application secret",
        SourceHostToken,
        NAME_KEYWORDS,
        r"\b(gloas-[a-f0-9]{64})\b",
        Check::Random,
    ),
    prefixed(
        "bitbucket-app-password",
        "Bitbucket app password",
        SourceHostToken,
        NAME_KEYWORDS,
        r"\b(ATBB[A-Za-z0-9_=.\-]{32,})",
        Check::Random,
    ),
    prefixed(
        "atlassian-api-token",
        "Atlassian API token",
        SourceHostToken,
        NAME_KEYWORDS,
        r"\b(ATATT3[A-Za-z0-9_=\-]{150,300})",
        Check::Random,
    ),
    // ---- package registries -------------------------------------------------------------------
    prefixed(
        "npm-token",
        "npm access token",
        PackageRegistryToken,
        &["npm_"],
        r"\b(npm_[A-Za-z0-9]{36})\b",
        Check::Crc32Base62,
    ),
    contextual(
        "npmrc-auth-token",
        ".npmrc registry credential (_authToken/_auth/_password)",
        PackageRegistryToken,
        NAME_KEYWORDS,
        r#"(?m)^\s*(?://[^\s=]*:)?(?:_authToken|_auth|_password)\s*=\s*["']?([^\s"'#;]{8,})"#,
        Window::Line,
        Check::Random,
    ),
    Detector {
        meta: meta(
            "pypi-token",
            "PyPI API token",
            PackageRegistryToken,
            Confidence::High,
        ),
        keywords: &["pypi-AgE"],
        matcher: Matcher::Regex(r"\b(pypi-AgE[A-Za-z0-9_\-]{50,})"),
        window: Window::Line,
        check: Check::Custom(validate::pypi_ok),
        priority: 0,
    },
    prefixed(
        "dockerhub-token",
        "Docker Hub personal or organisation access token",
        PackageRegistryToken,
        NAME_KEYWORDS,
        r"\b(dckr_(?:pat|oat)_[A-Za-z0-9_\-]{27,})",
        Check::Random,
    ),
    contextual(
        "docker-config-auth",
        "Docker config.json registry credential",
        PackageRegistryToken,
        &["\"auth\""],
        r#""auth"\s*:\s*"([A-Za-z0-9+/=]{8,})""#,
        Window::Line,
        Check::Custom(validate::docker_auth_ok),
    ),
    prefixed(
        "rubygems-api-key",
        "RubyGems API key",
        PackageRegistryToken,
        NAME_KEYWORDS,
        r"\b(rubygems_[a-f0-9]{48})\b",
        Check::Random,
    ),
    prefixed(
        "nuget-api-key",
        "NuGet API key",
        PackageRegistryToken,
        NAME_KEYWORDS,
        r"\b(oy2[a-z0-9]{43})\b",
        Check::Random,
    ),
    prefixed(
        "artifactory-api-key",
        "JFrog Artifactory API key",
        PackageRegistryToken,
        NAME_KEYWORDS,
        r"\b(AKCp[A-Za-z0-9]{69})\b",
        Check::Random,
    ),
    prefixed(
        "artifactory-reference-token",
        "JFrog Artifactory reference token",
        PackageRegistryToken,
        NAME_KEYWORDS,
        r"\b(cmVmdGtu[A-Za-z0-9]{56})\b",
        Check::Random,
    ),
    // ---- chat and SaaS ------------------------------------------------------------------------
    prefixed(
        "slack-bot-token",
        "Slack bot token",
        SaasToken,
        &["xox"],
        r"\b(xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24,34})\b",
        Check::Random,
    ),
    prefixed(
        "slack-user-token",
        "Slack user token",
        SaasToken,
        &["xox"],
        r"\b(xoxp-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32})\b",
        Check::Random,
    ),
    prefixed(
        "slack-legacy-token",
        "Slack legacy/workspace token",
        SaasToken,
        &["xox"],
        r"\b(xox[aros]-(?:[0-9]{1,13}-){1,3}[A-Za-z0-9]{16,64})\b",
        Check::Random,
    ),
    prefixed(
        "slack-config-token",
        "Slack app configuration token",
        SaasToken,
        &["xox"],
        r"\b(xoxe(?:\.xox[bp])?-1-[A-Za-z0-9]{140,170})\b",
        Check::Random,
    ),
    prefixed(
        "slack-app-token",
        "Slack app-level token",
        SaasToken,
        NAME_KEYWORDS,
        r"\b(xapp-\d-[A-Z0-9]{9,12}-\d{10,14}-[a-f0-9]{64})\b",
        Check::Random,
    ),
    prefixed(
        "slack-webhook",
        "Slack incoming webhook URL",
        SaasToken,
        URL_KEYWORDS,
        r"hooks\.slack\.com/(?:services|workflows|triggers)/(T[A-Z0-9]{8,12}/[A-Z0-9]{8,12}/[A-Za-z0-9]{20,32})",
        Check::Random,
    ),
    prefixed(
        "stripe-secret-key",
        "Stripe live secret or restricted key",
        SaasToken,
        &["k_live_"],
        r"\b([sr]k_live_[0-9a-zA-Z]{20,247})\b",
        Check::Random,
    ),
    prefixed(
        "stripe-webhook-secret",
        "Stripe webhook signing secret",
        SaasToken,
        NAME_KEYWORDS,
        r"\b(whsec_[A-Za-z0-9+/]{32,})",
        Check::Random,
    ),
    contextual(
        "twilio-api-key",
        "Twilio API key",
        SaasToken,
        NAME_KEYWORDS,
        r"\b(SK[0-9a-f]{32})\b",
        AROUND_SMALL,
        Check::Random,
    ),
    contextual(
        "twilio-auth-token",
        "Twilio auth token",
        SaasToken,
        NAME_KEYWORDS,
        r#"(?i)twilio[a-z_]*?_?(?:auth_?)?token["']?\s*(?:=|:)\s*["']?([a-f0-9]{32})\b"#,
        Window::Line,
        Check::Random,
    ),
    prefixed(
        "sendgrid-api-key",
        "SendGrid API key",
        SaasToken,
        NAME_KEYWORDS,
        r"\b(SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})(?:[^A-Za-z0-9_\-]|$)",
        Check::Random,
    ),
    prefixed(
        "mailgun-api-key",
        "Mailgun API key",
        SaasToken,
        NAME_KEYWORDS,
        r"\b(key-[0-9a-f]{32})\b",
        Check::Random,
    ),
    contextual(
        "datadog-api-key",
        "Datadog API key",
        SaasToken,
        NAME_KEYWORDS,
        r#"(?i)(?:dd|datadog)_?api_?key["']?\s*(?:=|:)\s*["']?([a-f0-9]{32})\b"#,
        Window::Line,
        Check::Random,
    ),
    contextual(
        "datadog-app-key",
        "Datadog application key",
        SaasToken,
        &["PP_KEY", "pp_key"],
        r#"(?i)(?:dd|datadog)_?app(?:lication)?_?key["']?\s*(?:=|:)\s*["']?([a-f0-9]{40})\b"#,
        Window::Line,
        Check::Random,
    ),
    prefixed(
        "shopify-access-token",
        "Shopify access token",
        SaasToken,
        NAME_KEYWORDS,
        r"\b(shp(?:at|ca|pa)_[a-fA-F0-9]{32})\b",
        Check::Random,
    ),
    prefixed(
        "shopify-shared-secret",
        "Shopify app shared secret",
        SaasToken,
        NAME_KEYWORDS,
        r"\b(shpss_[a-fA-F0-9]{32})\b",
        Check::Random,
    ),
    prefixed(
        "square-access-token",
        "Square access token",
        SaasToken,
        NAME_KEYWORDS,
        r"\b(sq0atp-[0-9A-Za-z_\-]{22})(?:[^0-9A-Za-z_\-]|$)",
        Check::Random,
    ),
    prefixed(
        "square-oauth-secret",
        "Square OAuth secret",
        SaasToken,
        NAME_KEYWORDS,
        r"\b(sq0csp-[0-9A-Za-z_\-]{43})(?:[^0-9A-Za-z_\-]|$)",
        Check::Random,
    ),
    prefixed(
        "openai-api-key",
        "OpenAI API key",
        SaasToken,
        &["sk-"],
        r"\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,200}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})(?:[^A-Za-z0-9_\-]|$)",
        Check::Random,
    ),
    prefixed(
        "anthropic-api-key",
        "Anthropic API key",
        SaasToken,
        &["sk-"],
        r"\b(sk-ant-(?:api03|admin01)-[A-Za-z0-9_\-]{93}AA)(?:[^A-Za-z0-9_\-]|$)",
        Check::Random,
    ),
    Detector {
        meta: meta(
            "huggingface-token",
            "Hugging Face access token",
            SaasToken,
            Confidence::Medium,
        ),
        keywords: &["hf_"],
        matcher: Matcher::Regex(r"\b(hf_[A-Za-z]{34})\b"),
        window: Window::Line,
        check: Check::Custom(mixed_case_random),
        priority: 0,
    },
    prefixed(
        "replicate-token",
        "Replicate API token",
        SaasToken,
        NAME_KEYWORDS,
        r"\b(r8_[A-Za-z0-9]{37})\b",
        Check::Random,
    ),
    prefixed(
        "groq-api-key",
        "Groq API key",
        SaasToken,
        NAME_KEYWORDS,
        r"\b(gsk_[A-Za-z0-9]{52})\b",
        Check::Random,
    ),
    prefixed(
        "telegram-bot-token",
        "Telegram bot token",
        SaasToken,
        NAME_KEYWORDS,
        r"\b(\d{8,10}:AA[0-9A-Za-z_\-]{33})(?:[^0-9A-Za-z_\-]|$)",
        Check::Random,
    ),
    prefixed(
        "discord-webhook",
        "Discord webhook URL",
        SaasToken,
        URL_KEYWORDS,
        r"discord(?:app)?\.com/api/webhooks/(\d{17,20}/[A-Za-z0-9_\-]{60,70})",
        Check::Random,
    ),
    contextual(
        "discord-bot-token",
        "Discord bot token",
        SaasToken,
        NAME_KEYWORDS,
        r"\b([MNO][A-Za-z0-9_\-]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38})\b",
        AROUND_SMALL,
        Check::Custom(validate::discord_bot_token_ok),
    ),
    prefixed(
        "newrelic-user-api-key",
        "New Relic user API key",
        SaasToken,
        NAME_KEYWORDS,
        r"\b(NRAK-[A-Z0-9]{27})\b",
        Check::Random,
    ),
    prefixed(
        "newrelic-insert-key",
        "New Relic insert/ingest key",
        SaasToken,
        &["NRII-", "NRJS-"],
        r"\b(NRII-[A-Za-z0-9_\-]{32}|NRJS-[a-f0-9]{19})(?:[^A-Za-z0-9_\-]|$)",
        Check::Random,
    ),
    contextual(
        "sentry-dsn",
        "Sentry DSN (with its public key)",
        SaasToken,
        URL_KEYWORDS,
        r"https?://([0-9a-f]{32})@[a-z0-9.\-]*\.sentry\.io/\d+",
        Window::Line,
        Check::Random,
    ),
    prefixed(
        "sentry-auth-token",
        "Sentry auth token",
        SaasToken,
        NAME_KEYWORDS,
        r"\b(sntrys_eyJ[A-Za-z0-9+/=_\-]{60,}|sntryu_[a-f0-9]{64})",
        Check::Custom(validate::sentry_token_ok),
    ),
    prefixed(
        "grafana-service-account-token",
        "Grafana service-account token",
        SaasToken,
        NAME_KEYWORDS,
        r"\b(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})\b",
        Check::Random,
    ),
    prefixed(
        "grafana-cloud-token",
        "Grafana Cloud token",
        SaasToken,
        &["eyJ"],
        r"\b(glc_[A-Za-z0-9+/]{32,400}={0,2})",
        Check::Custom(validate::grafana_cloud_ok),
    ),
    prefixed(
        "linear-api-key",
        "Linear API key",
        SaasToken,
        NAME_KEYWORDS,
        r"\b(lin_api_[A-Za-z0-9]{40})\b",
        Check::Random,
    ),
    prefixed(
        "postman-api-key",
        "Postman API key",
        SaasToken,
        NAME_KEYWORDS,
        r"\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34})\b",
        Check::Random,
    ),
    prefixed(
        "mapbox-secret-token",
        "Mapbox secret token",
        SaasToken,
        &["eyJ"],
        r"\b(sk\.eyJ[A-Za-z0-9_\-]{20,}\.[A-Za-z0-9_\-]{20,})",
        Check::Random,
    ),
    prefixed(
        "firebase-fcm-server-key",
        "Firebase Cloud Messaging server key",
        SaasToken,
        &[":APA91b"],
        r"\b(AAAA[A-Za-z0-9_\-]{7}:APA91b[A-Za-z0-9_\-]{134})",
        Check::Random,
    ),
    prefixed(
        "notion-token",
        "Notion integration token",
        SaasToken,
        NAME_KEYWORDS,
        r"\b(ntn_[0-9]{11}[A-Za-z0-9]{35})\b",
        Check::Random,
    ),
    // ---- JWT ------------------------------------------------------------------------------
    Detector {
        meta: meta("jwt", "JSON Web Token", Jwt, Confidence::Medium),
        keywords: &["eyJ"],
        matcher: Matcher::Regex(
            r"\b(eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{2,}\.[A-Za-z0-9_\-]{16,})(?:[^A-Za-z0-9_\-.]|$)",
        ),
        window: Window::Line,
        check: Check::Custom(validate::jwt_ok),
        priority: 1,
    },
    // ---- credentials in URLs and config files ------------------------------------------------
    Detector {
        meta: meta(
            "database-url",
            "database connection URL with a password",
            UrlCredential,
            Confidence::Medium,
        ),
        keywords: URL_KEYWORDS,
        matcher: Matcher::UrlCredentials,
        window: Window::Line,
        check: Check::InMatcher,
        priority: 0,
    },
    Detector {
        meta: meta(
            "git-credentials",
            "Git host credential in a URL (.git-credentials style)",
            UrlCredential,
            Confidence::Medium,
        ),
        keywords: &[],
        matcher: Matcher::UrlCredentials,
        window: Window::Line,
        check: Check::InMatcher,
        priority: 0,
    },
    Detector {
        meta: meta(
            "url-credentials",
            "password in a URL",
            UrlCredential,
            Confidence::Low,
        ),
        keywords: &[],
        matcher: Matcher::UrlCredentials,
        window: Window::Line,
        check: Check::InMatcher,
        priority: 1,
    },
    contextual(
        "netrc-password",
        ".netrc machine password",
        UrlCredential,
        &["sswo"],
        r"machine\s+[^\s]+(?:\s+login\s+[^\s]+)?\s+password\s+([^\s]{4,})",
        Window::Around {
            before: 512,
            after: 512,
        },
        Check::Custom(generic_value_ok),
    ),
    contextual(
        "kubeconfig-client-key",
        "kubeconfig client key (client-key-data)",
        PrivateKey,
        &["-key-data"],
        r#"client-key-data:\s*["']?([A-Za-z0-9+/=]{40,})"#,
        Window::Line,
        Check::Custom(validate::kube_client_key_ok),
    ),
    contextual(
        "kubernetes-bootstrap-token",
        "Kubernetes bootstrap token",
        CloudCredential,
        &["oken"],
        r"\b([a-z0-9]{6}\.[a-z0-9]{16})\b",
        Window::Line,
        Check::Custom(bootstrap_token_ok),
    ),
    contextual(
        "htpasswd-hash",
        "htpasswd password hash",
        PasswordHash,
        &["$apr1$", "$2y$"],
        r"(?m)^[^:\s#]+:(\$apr1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22}|\{SHA\}[A-Za-z0-9+/]{27}=|\$2[aby]\$\d\d\$[./0-9A-Za-z]{53})\s*$",
        Window::Line,
        Check::Custom(hash_not_placeholder),
    ),
    contextual(
        "unix-password-hash",
        "shadow-style password hash",
        PasswordHash,
        &["$6$", "$y$"],
        r"(?m)^[a-z_][a-z0-9_.\-]*:(\$(?:1|5|6|y)\$[^:\s]{8,}):",
        Window::Line,
        Check::Custom(hash_not_placeholder),
    ),
    // ---- generic ----------------------------------------------------------------------------
    Detector {
        meta: meta(
            "generic-secret-assignment",
            "high-entropy value assigned to a secret-named key",
            GenericSecret,
            Confidence::Low,
        ),
        keywords: ASSIGNMENT_KEYWORDS,
        matcher: Matcher::Assignment,
        window: Window::Line,
        check: Check::InMatcher,
        priority: 2,
    },
    Detector {
        meta: meta(
            "kubeconfig-token",
            "kubeconfig user token",
            CloudCredential,
            Confidence::Medium,
        ),
        keywords: &[],
        matcher: Matcher::Assignment,
        window: Window::Line,
        check: Check::InMatcher,
        priority: 1,
    },
];

/// Index of a detector by id (for the hand-written matchers that report several ids).
pub(crate) fn detector_index(id: &str) -> usize {
    DETECTORS
        .iter()
        .position(|d| d.meta.id == id)
        .unwrap_or_else(|| unreachable!("detector table has no `{id}`"))
}

fn mixed_case_random(token: &[u8]) -> bool {
    let classes = validate::CharClasses::of(token);
    classes.lower && classes.upper && validate::looks_random(token)
}

/// Bootstrap tokens: both letters and digits in the secret half, not the kubeadm doc example.
fn bootstrap_token_ok(token: &[u8]) -> bool {
    let secret = &token[7..];
    let classes = validate::CharClasses::of(secret);
    classes.lower && classes.digit && validate::looks_random(secret)
}

fn hash_not_placeholder(hash: &[u8]) -> bool {
    !validate::is_placeholder(&hash[hash.len().saturating_sub(22)..])
}

/// A value for a password-like field: long enough, not a placeholder, not a word.
pub(crate) fn generic_value_ok(value: &[u8]) -> bool {
    crate::assignment::value_looks_secret(value)
}

fn gcp_service_account_context(_secret: &[u8], window: &[u8]) -> bool {
    let has = |needle: &[u8]| memchr::memmem::find(window, needle).is_some();
    has(b"\"service_account\"") && has(b"\"client_email\"") && has(b"\"private_key\"")
}
