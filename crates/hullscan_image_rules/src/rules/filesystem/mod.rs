//! Rules over the final (merged) filesystem.

use hullscan_diagnostics::Diagnostic;
use hullscan_image::layer::Entry;
use hullscan_image::merge::ResolveError;
use hullscan_image::model::Image;

use crate::{ImageRuleSettings, file_location};

mod attack_surface_tools;
mod duplicate_uid_gid;
mod empty_password;
mod unexpected_setuid;

pub use attack_surface_tools::ATTACK_SURFACE_TOOLS;
pub use duplicate_uid_gid::DUPLICATE_UID_GID;
pub use empty_password::EMPTY_PASSWORD;
pub use unexpected_setuid::UNEXPECTED_SETUID;

/// The filesystem rules, in the order their findings are reported.
pub(super) fn check(image: &Image, settings: &ImageRuleSettings, out: &mut Vec<Diagnostic>) {
    unexpected_setuid::check(image, settings, out);
    attack_surface_tools::check(image, out);
    empty_password::check(image, out);
    duplicate_uid_gid::check(image, out);
}

/// Every entry of the final filesystem: the layer it comes from, the entry and its path
/// (without the leading `/`).
fn visible_entries(image: &Image) -> impl Iterator<Item = (usize, &Entry, &str)> {
    image.fs.visible().iter().map(|file| {
        let layer = file.layer as usize;
        let files = &image.layers[layer].files;
        let entry = &files.entries[file.entry as usize];
        (layer, entry, files.path(entry))
    })
}

/// The text of a file of the final filesystem (`/etc/passwd`), if it is there. A file behind a
/// symlink loop is reported under [`SUSPICIOUS_LAYER_ENTRY`](crate::SUSPICIOUS_LAYER_ENTRY).
fn read_text(image: &Image, path: &str, out: &mut Vec<Diagnostic>) -> Option<String> {
    match image.final_file(path) {
        Ok(Some(bytes)) => Some(String::from_utf8_lossy(bytes).into_owned()),
        Ok(None) => None,
        Err(ResolveError::Loop(at)) => {
            out.push(Diagnostic::new(
                &crate::SUSPICIOUS_LAYER_ENTRY,
                format!("{path} cannot be read: too many levels of symbolic links at {at} (a symlink loop)"),
                file_location(image, None, path),
            ));
            None
        }
    }
}
