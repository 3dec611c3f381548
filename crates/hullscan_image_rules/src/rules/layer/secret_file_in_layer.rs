//! HS606: a secret file in a layer, even one a later layer deleted.

use hullscan_diagnostics::{Diagnostic, declare_rule};
use hullscan_image::analysis::human_size;
use hullscan_image::layer::EntryKind;
use hullscan_image::merge::FileRef;
use hullscan_image::model::Image;

use crate::{describe_layer, file_location};

declare_rule! {
    /// ## What it does
    /// Flags secret files (private keys, cloud credentials, `.env`, keystores, …) in **any**
    /// layer, including files a later layer deleted. For a deleted file it names the layer
    /// that added it and the layer that only hid it.
    ///
    /// ## Why is this bad?
    /// Layers are immutable: `RUN rm secret` in a later layer adds a whiteout, and the file
    /// stays in the earlier layer for anyone who pulls the image (`docker save` and untar).
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY id_rsa /root/.ssh/id_rsa
    /// RUN git clone git@example.com:app.git && rm /root/.ssh/id_rsa
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=ssh git clone git@example.com:app.git
    /// ```
    pub static SECRET_FILE_IN_LAYER = {
        code: "HS606",
        name: "secret-file-in-layer",
        aliases: ["CIS-DI-0010"],
        severity: Error,
        category: Security,
        fix: None,
        summary: "Secret file in a layer (even if a later layer deleted it)",
    };
}

/// Basenames that are credentials (from what leaks in practice; dockle lists similar ones).
const SECRET_BASENAMES: &[&str] = &[
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    "credentials.json",
    "credential.json",
    "password.txt",
    "passwords.txt",
    ".env",
    ".netrc",
    "_netrc",
    ".pgpass",
    ".git-credentials",
    ".npmrc",
    ".pypirc",
    "secret_token.rb",
    "master.key",
    "credentials.xml",
    ".htpasswd",
    "terraform.tfstate",
    "service-account.json",
    "secrets.yml",
    "secrets.yaml",
    "vault-token",
];
const SECRET_EXTENSIONS: &[&str] = &[
    "ovpn",
    "private_key",
    "cscfg",
    "rdp",
    "jks",
    "keystore",
    "p12",
    "pfx",
    "pkcs12",
    "psafe3",
    "agilekeychain",
    "keychain",
    "kdbx",
    "tfvars",
    "secret",
];
/// Paths ending in these (dir/basename) are credentials.
const SECRET_SUFFIXES: &[&str] = &[
    ".aws/credentials",
    ".docker/config.json",
    ".kube/config",
    ".ssh/id_rsa",
    ".config/gcloud/credentials.db",
    ".azure/accessTokens.json",
];

/// Why a file is a secret, from its path and (for small key files) its content.
fn secret_file_reason(path: &str, content: Option<&[u8]>) -> Option<String> {
    let base = path.rsplit('/').next().unwrap_or(path);
    if path.starts_with("usr/share/") || path.starts_with("usr/lib/python") {
        return None; // test fixtures and docs ship sample keys
    }
    if SECRET_BASENAMES.contains(&base) {
        return Some(format!("`{base}` is a credentials file name"));
    }
    if let Some(suffix) = SECRET_SUFFIXES.iter().find(|s| path.ends_with(*s)) {
        return Some(format!("`{suffix}` holds credentials"));
    }
    if let Some((_, extension)) = base.rsplit_once('.')
        && SECRET_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str())
    {
        return Some(format!("`.{extension}` files hold keys or credentials"));
    }
    if let Some(bytes) = content
        && !path.contains("snakeoil")
        && memmem(bytes, b"PRIVATE KEY-----")
    {
        return Some("it contains a PEM private key".to_owned());
    }
    None
}

fn memmem(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

pub(super) fn check(image: &Image, out: &mut Vec<Diagnostic>) {
    for (layer_number, layer) in image.layers.iter().enumerate() {
        let files = &layer.files;
        for (entry_number, entry) in files.entries.iter().enumerate() {
            if entry.kind != EntryKind::File {
                continue;
            }
            let path = files.path(entry);
            let content = files.captured(entry_number as u32);
            // A file the secrets engine found something in is reported by that finding.
            if files
                .secrets
                .iter()
                .any(|(e, _, _)| *e == entry_number as u32)
            {
                continue;
            }
            let Some(reason) = secret_file_reason(path, content) else {
                continue;
            };
            let hidden_by = image.fs.hidden_by(FileRef {
                layer: layer_number as u32,
                entry: entry_number as u32,
            });
            let location = file_location(image, Some(layer_number), path);
            let diagnostic = match hidden_by {
                None => Diagnostic::new(
                    &SECRET_FILE_IN_LAYER,
                    format!("/{path} looks like a secret ({reason}); added by {}", describe_layer(image, layer_number)),
                    location,
                )
                .with_help("never COPY secrets into an image; use `RUN --mount=type=secret`"),
                Some(hider) => Diagnostic::new(
                    &SECRET_FILE_IN_LAYER,
                    format!(
                        "/{path} looks like a secret ({reason}); {} added it and {} only hid it, so its {} are still in the image",
                        describe_layer(image, layer_number),
                        describe_layer(image, hider as usize),
                        human_size(entry.size)
                    ),
                    location,
                )
                .with_related(
                    file_location(image, Some(hider as usize), path),
                    format!("hidden here by {}", describe_layer(image, hider as usize)),
                )
                .with_help("a later `RUN rm` cannot remove a file from an earlier layer; use `RUN --mount=type=secret`"),
            };
            out.push(diagnostic.with_fingerprint(format!("file:/{path}")));
        }
    }
}
