//! Not a rule of its own: the secrets the engine found in file contents, in any layer, reported
//! under the engine's HS7xx rules with where the image holds them.

use hullscan_diagnostics::Diagnostic;
use hullscan_image::merge::FileRef;
use hullscan_image::model::Image;

use crate::{describe_layer, file_location};

/// Secrets the engine found in file contents, in any layer; deleted files name the layer that
/// only hid them. Reported under the secrets engine's own HS7xx rules.
pub(super) fn check(image: &Image, out: &mut Vec<Diagnostic>) {
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
