//! One file per rule, in three groups by what they read: the image config and history
//! ([`config`]), the final filesystem ([`filesystem`]), and the layers and size analyses
//! ([`layer`]).

use hullscan_diagnostics::Diagnostic;
use hullscan_image::model::Image;

use crate::ImageRuleSettings;

mod config;
mod filesystem;
mod layer;

pub use config::{
    LATEST_OR_UNTAGGED_REFERENCE, MISSING_HEALTHCHECK, PRIVILEGED_PORT_NON_ROOT, RUNS_AS_ROOT,
    SECRET_IN_CONFIG, SECRET_IN_HISTORY, SHELL_FORM_COMMAND,
};
pub use filesystem::{ATTACK_SURFACE_TOOLS, DUPLICATE_UID_GID, EMPTY_PASSWORD, UNEXPECTED_SETUID};
pub use layer::{
    DUPLICATED_FILES_ACROSS_LAYERS, IMAGE_BUDGET_EXCEEDED, PACKAGE_CACHE_LEFT,
    SECRET_FILE_IN_LAYER, SUSPICIOUS_LAYER_ENTRY,
};

/// Runs every rule, group by group.
pub(crate) fn check(image: &Image, settings: &ImageRuleSettings, out: &mut Vec<Diagnostic>) {
    config::check(image, out);
    filesystem::check(image, settings, out);
    layer::check(image, settings, out);
}
