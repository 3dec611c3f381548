//! Rules over individual layers and the size analyses.

use hullscan_diagnostics::Diagnostic;
use hullscan_image::model::Image;

use crate::ImageRuleSettings;

mod duplicated_files_across_layers;
mod image_budget_exceeded;
mod package_cache_left;
mod secret_contents;
mod secret_file_in_layer;
mod suspicious_layer_entry;

pub use duplicated_files_across_layers::DUPLICATED_FILES_ACROSS_LAYERS;
pub use image_budget_exceeded::IMAGE_BUDGET_EXCEEDED;
pub use package_cache_left::PACKAGE_CACHE_LEFT;
pub use secret_file_in_layer::SECRET_FILE_IN_LAYER;
pub use suspicious_layer_entry::SUSPICIOUS_LAYER_ENTRY;

/// The layer rules, in the order their findings are reported.
pub(super) fn check(image: &Image, settings: &ImageRuleSettings, out: &mut Vec<Diagnostic>) {
    secret_file_in_layer::check(image, out);
    secret_contents::check(image, out);
    duplicated_files_across_layers::check(image, out);
    package_cache_left::check(image, out);
    suspicious_layer_entry::check(image, out);
    image_budget_exceeded::check(image, settings, out);
}
