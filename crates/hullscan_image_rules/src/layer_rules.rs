//! Rules over individual layers and the size analyses.

use hullscan_diagnostics::{Diagnostic, declare_rule};

use crate::{ImageRuleSettings, describe_layer, file_location, image_location, layer_location};
use hullscan_image::analysis::human_size;
use hullscan_image::layer::{AnomalyKind, EntryKind};
use hullscan_image::merge::FileRef;
use hullscan_image::model::Image;

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

declare_rule! {
    /// ## What it does
    /// Flags files that a later layer writes again with the same size, typically `COPY`
    /// followed by `RUN chown -R` or `chmod -R`: the image then carries every byte twice.
    ///
    /// ## Why is this bad?
    /// Changing a file's owner or mode in a later layer copies the whole file into that
    /// layer. The first copy is hidden but still pulled and stored.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY app/ /app/
    /// RUN chown -R app:app /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY --chown=app:app app/ /app/
    /// ```
    pub static DUPLICATED_FILES_ACROSS_LAYERS = {
        code: "HS613",
        name: "duplicated-files-across-layers",
        aliases: [],
        severity: Warning,
        category: Performance,
        fix: None,
        summary: "Files copied again by a later layer (COPY then chown/chmod)",
    };
}

declare_rule! {
    /// ## What it does
    /// Flags package-manager caches left in the final filesystem: apt lists and archives,
    /// apk, yum/dnf/zypper caches, pip, npm, yarn and Go build caches.
    ///
    /// ## Why is this bad?
    /// The cache is only needed while installing. Left behind it adds megabytes to every
    /// pull. It must be removed in the same `RUN` that created it (or kept out with a cache
    /// mount), since a later `RUN rm` only hides it.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    pub static PACKAGE_CACHE_LEFT = {
        code: "HS614",
        name: "package-cache-left-in-image",
        aliases: ["DKL-DI-0005"],
        severity: Warning,
        category: Performance,
        fix: None,
        summary: "Package manager cache left in the final image",
    };
}

declare_rule! {
    /// ## What it does
    /// Flags layer entries no honest builder writes: names with `..` that climb above the
    /// root, absolute names, hard links that point outside the root, non-UTF-8 names, and
    /// files the audit needs that sit behind a symlink loop.
    ///
    /// ## Why is this bad?
    /// These are the shapes of path-traversal attacks on tools that unpack images. hullscan
    /// never unpacks, but the image is hostile or broken and should not be trusted.
    ///
    /// ## Example
    /// A layer containing `../../etc/cron.d/x`.
    ///
    /// Use instead: rebuild the image with a standard builder.
    pub static SUSPICIOUS_LAYER_ENTRY = {
        code: "HS615",
        name: "suspicious-layer-entry",
        aliases: [],
        severity: Warning,
        category: Suspicious,
        fix: None,
        summary: "Layer entry with a traversal, absolute or looping path",
    };
}

declare_rule! {
    /// ## What it does
    /// The CI gates: fires when the image is less efficient than `--min-efficiency`, wastes
    /// more than `--max-wasted`, or is larger than `--max-size`. Efficiency and waste are
    /// hullscan's corrected figures (see `docs/image-efficiency.md`); dive's are reported
    /// beside them.
    ///
    /// ## Why is this bad?
    /// Bytes that the final filesystem does not show are still pulled and stored on every
    /// node.
    ///
    /// ## Example
    /// `hullscan image app.tar --max-wasted 20MB`
    ///
    /// Use instead: delete files in the same layer that created them; use multi-stage
    /// builds.
    pub static IMAGE_BUDGET_EXCEEDED = {
        code: "HS616",
        name: "image-budget-exceeded",
        aliases: ["lowestEfficiency", "highestWastedBytes"],
        severity: Error,
        category: Performance,
        fix: None,
        summary: "Image efficiency, waste or size over the CI budget",
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
pub(crate) fn secret_file_reason(path: &str, content: Option<&[u8]>) -> Option<String> {
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

pub(super) fn check(image: &Image, settings: &ImageRuleSettings, out: &mut Vec<Diagnostic>) {
    check_secret_files(image, out);
    check_secret_contents(image, out);
    check_duplicates(image, out);
    check_caches(image, out);
    check_anomalies(image, out);
    check_budget(image, settings, out);
}

fn check_secret_files(image: &Image, out: &mut Vec<Diagnostic>) {
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

/// Secrets the engine found in file contents, in any layer; deleted files name the layer that
/// only hid them. Reported under the secrets engine's own HS7xx rules.
fn check_secret_contents(image: &Image, out: &mut Vec<Diagnostic>) {
    for (layer_number, layer) in image.layers.iter().enumerate() {
        let files = &layer.files;
        for (entry_number, finding, note) in &files.secrets {
            let entry = &files.entries[*entry_number as usize];
            let path = files.path(entry);
            let hidden_by = image.fs.hidden_by(FileRef {
                layer: layer_number as u32,
                entry: *entry_number,
            });
            let where_note = match hidden_by {
                None => format!(
                    "in /{path}:{}, added by {}",
                    finding.line,
                    describe_layer(image, layer_number)
                ),
                Some(hider) => format!(
                    "in /{path}:{}, added by {} and only hidden by {}, so it is still in the image",
                    finding.line,
                    describe_layer(image, layer_number),
                    describe_layer(image, hider as usize)
                ),
            };
            let note = match note {
                Some(extra) => format!("{where_note}; {extra}"),
                None => where_note,
            };
            let mut diagnostic =
                finding.to_diagnostic(file_location(image, Some(layer_number), path), Some(&note));
            if let Some(hider) = hidden_by {
                diagnostic = diagnostic.with_related(
                    file_location(image, Some(hider as usize), path),
                    format!("hidden here by {}", describe_layer(image, hider as usize)),
                );
            }
            out.push(diagnostic);
        }
    }
}

fn check_duplicates(image: &Image, out: &mut Vec<Diagnostic>) {
    for duplicate in &image.fs.duplicates {
        let lower = duplicate.lower as usize;
        let upper = duplicate.upper as usize;
        let cause = if duplicate.metadata_only == duplicate.files {
            "with only their owner or mode changed"
        } else if duplicate.metadata_only > 0 {
            "some with only their owner or mode changed"
        } else {
            "with the same size"
        };
        out.push(
            Diagnostic::new(
                &DUPLICATED_FILES_ACROSS_LAYERS,
                format!(
                    "{} file(s), {}, from {} are written again by {} {cause} (largest: {})",
                    duplicate.files,
                    human_size(duplicate.bytes),
                    describe_layer(image, lower),
                    describe_layer(image, upper),
                    duplicate.example
                ),
                layer_location(image, upper),
            )
            .with_related(layer_location(image, lower), "first copy")
            .with_help("set owner and mode while copying: `COPY --chown=… --chmod=…`"),
        );
    }
}

fn check_caches(image: &Image, out: &mut Vec<Diagnostic>) {
    for cache in &image.analysis.caches {
        out.push(
            Diagnostic::new(
                &PACKAGE_CACHE_LEFT,
                format!(
                    "{} cache /{} left in the image: {} file(s), {}, mostly from {}",
                    cache.manager,
                    cache.dir,
                    cache.files,
                    human_size(cache.bytes),
                    describe_layer(image, cache.layer as usize)
                ),
                file_location(image, Some(cache.layer as usize), cache.dir),
            )
            .with_help(
                "clean the cache in the same RUN that fills it, or use `RUN --mount=type=cache`",
            ),
        );
    }
}

fn check_anomalies(image: &Image, out: &mut Vec<Diagnostic>) {
    for (layer_number, layer) in image.layers.iter().enumerate() {
        for anomaly in &layer.files.anomalies {
            let what = match anomaly.kind {
                AnomalyKind::PathTraversal => "a name with `..` that climbs out of the root",
                AnomalyKind::AbsolutePath => "an absolute name",
                AnomalyKind::LinkTraversal => "a hard link that points out of the root",
                AnomalyKind::NonUtf8Name => "a name that is not UTF-8",
            };
            out.push(Diagnostic::new(
                &SUSPICIOUS_LAYER_ENTRY,
                format!("layer {layer_number} has {what}: `{}`", anomaly.raw_name),
                layer_location(image, layer_number),
            ));
        }
    }
}

fn check_budget(image: &Image, settings: &ImageRuleSettings, out: &mut Vec<Diagnostic>) {
    let analysis = &image.analysis;
    if let Some(min) = settings.min_efficiency
        && analysis.efficiency < min
    {
        out.push(Diagnostic::new(
            &IMAGE_BUDGET_EXCEEDED,
            format!(
                "efficiency {:.2} % is below the minimum {:.2} % ({} of {} layer bytes are hidden or deleted; dive's score: {:.2} %)",
                analysis.efficiency * 100.0,
                min * 100.0,
                human_size(analysis.wasted_bytes),
                human_size(analysis.total_content),
                analysis.dive_efficiency * 100.0
            ),
            image_location(image),
        ));
    }
    if let Some(max) = settings.max_wasted
        && analysis.wasted_bytes > max
    {
        out.push(Diagnostic::new(
            &IMAGE_BUDGET_EXCEEDED,
            format!(
                "{} wasted (hidden or deleted bytes, counted once) is over the maximum {} (dive would report {})",
                human_size(analysis.wasted_bytes),
                human_size(max),
                human_size(analysis.dive_wasted_bytes)
            ),
            image_location(image),
        ));
    }
    if let Some(max) = settings.max_size
        && analysis.total_content > max
    {
        out.push(Diagnostic::new(
            &IMAGE_BUDGET_EXCEEDED,
            format!(
                "the image's layers hold {} of files, over the maximum {}",
                human_size(analysis.total_content),
                human_size(max)
            ),
            image_location(image),
        ));
    }
}
