//! The image rules (HS6xx). Each rule is one file under `rules/`: a `declare_rule!` static with
//! its docs and a pure check over the [`Image`] model; none does I/O. [`ALL`] lists them for the
//! central registry and [`check_image`] runs them all.

mod rules;
mod secret_names;

use hullscan_diagnostics::{Diagnostic, ImageLocation, Location, RuleMeta};

use hullscan_image::model::Image;

pub use hullscan_image::model::wants_key_content;
pub use rules::{
    ATTACK_SURFACE_TOOLS, DUPLICATE_UID_GID, DUPLICATED_FILES_ACROSS_LAYERS, EMPTY_PASSWORD,
    IMAGE_BUDGET_EXCEEDED, LATEST_OR_UNTAGGED_REFERENCE, MISSING_HEALTHCHECK, PACKAGE_CACHE_LEFT,
    PRIVILEGED_PORT_NON_ROOT, RUNS_AS_ROOT, SECRET_FILE_IN_LAYER, SECRET_IN_CONFIG,
    SECRET_IN_HISTORY, SHELL_FORM_COMMAND, SUSPICIOUS_LAYER_ENTRY, UNEXPECTED_SETUID,
};
pub use secret_names::is_secret_name;

/// Every image rule, in code order.
pub static ALL: &[&RuleMeta] = &[
    &RUNS_AS_ROOT,
    &MISSING_HEALTHCHECK,
    &SHELL_FORM_COMMAND,
    &SECRET_IN_CONFIG,
    &SECRET_IN_HISTORY,
    &SECRET_FILE_IN_LAYER,
    &UNEXPECTED_SETUID,
    &ATTACK_SURFACE_TOOLS,
    &PRIVILEGED_PORT_NON_ROOT,
    &EMPTY_PASSWORD,
    &DUPLICATE_UID_GID,
    &LATEST_OR_UNTAGGED_REFERENCE,
    &DUPLICATED_FILES_ACROSS_LAYERS,
    &PACKAGE_CACHE_LEFT,
    &SUSPICIOUS_LAYER_ENTRY,
    &IMAGE_BUDGET_EXCEEDED,
];

/// Settings the image rules read (CI gates and allow-lists).
#[derive(Clone, Debug, Default)]
pub struct ImageRuleSettings {
    /// `--min-efficiency`: fail below this efficiency (0–1, hullscan's corrected figure).
    pub min_efficiency: Option<f64>,
    /// `--max-wasted`: fail above this many wasted bytes (corrected figure).
    pub max_wasted: Option<u64>,
    /// `--max-size`: fail above this many bytes of uncompressed layer content.
    pub max_size: Option<u64>,
    /// Extra setuid/setgid paths to accept (absolute).
    pub setuid_allowlist: Vec<String>,
}

/// Runs every image rule.
pub fn check_image(image: &Image, settings: &ImageRuleSettings) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    rules::check(image, settings, &mut out);
    out
}

pub(crate) fn config_location(image: &Image, pointer: &str) -> Location {
    Location::Image(ImageLocation {
        image: image.reference.clone(),
        layer: None,
        path: None,
        config_pointer: Some(pointer.to_owned()),
    })
}

pub(crate) fn image_location(image: &Image) -> Location {
    Location::Image(ImageLocation {
        image: image.reference.clone(),
        ..ImageLocation::default()
    })
}

pub(crate) fn file_location(image: &Image, layer: Option<usize>, path: &str) -> Location {
    Location::Image(ImageLocation {
        image: image.reference.clone(),
        layer: layer.map(|index| image.layer_ref(index)),
        path: Some(if path.starts_with('/') {
            path.to_owned()
        } else {
            format!("/{path}")
        }),
        config_pointer: None,
    })
}

pub(crate) fn layer_location(image: &Image, layer: usize) -> Location {
    Location::Image(ImageLocation {
        image: image.reference.clone(),
        layer: Some(image.layer_ref(layer)),
        path: None,
        config_pointer: None,
    })
}

/// ``layer 3 (`RUN rm /secret`)`` for messages.
pub(crate) fn describe_layer(image: &Image, layer: usize) -> String {
    if let Some(found) = image.layer_attribution(layer) {
        return format!(
            "layer {layer} ({}:{} `{}`)",
            found.dockerfile,
            found.line,
            shorten(&masked_instruction(&found.text), 80)
        );
    }
    match image.layer_instruction(layer) {
        Some(instruction) if !instruction.is_empty() => {
            format!(
                "layer {layer} (`{}`)",
                shorten(&masked_instruction(instruction), 80)
            )
        }
        _ => format!("layer {layer}"),
    }
}

/// The instruction with the values of secret-looking `NAME=value` words replaced by `****`
/// and every credential the secrets engine's redaction finds masked, so messages never repeat
/// a secret that history recorded.
pub fn masked_instruction(created_by: &str) -> String {
    hullscan_secrets::redact(clean_instruction(created_by))
        .split(' ')
        .map(|word| match word.split_once('=') {
            Some((name, value)) if is_secret_name(name) && !value.is_empty() => {
                format!("{name}=****")
            }
            _ => word.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Strips the classic builder's `/bin/sh -c #(nop) ` prefix.
pub(crate) fn clean_instruction(created_by: &str) -> &str {
    let text = created_by.trim();
    if let Some(rest) = text.strip_prefix("/bin/sh -c #(nop)") {
        return rest.trim();
    }
    text
}

pub(crate) fn shorten(text: &str, max: usize) -> String {
    // Redacted before it is cut: a credential cut in half no longer looks like one.
    let text = hullscan_secrets::redact(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if text.chars().count() <= max {
        text
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}
