//! HS613: files a later layer writes again (COPY then chown/chmod).

use hullscan_diagnostics::{Diagnostic, declare_rule};
use hullscan_image::analysis::human_size;
use hullscan_image::model::Image;

use crate::{describe_layer, layer_location};

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

pub(super) fn check(image: &Image, out: &mut Vec<Diagnostic>) {
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
