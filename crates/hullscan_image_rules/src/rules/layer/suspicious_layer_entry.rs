//! HS615: a layer entry with a traversal, absolute, link-escaping or non-UTF-8 name. (The
//! accounts rules also report, under this rule, a file they need behind a symlink loop.)

use hullscan_diagnostics::{Diagnostic, declare_rule};
use hullscan_image::layer::AnomalyKind;
use hullscan_image::model::Image;

use crate::layer_location;

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

pub(super) fn check(image: &Image, out: &mut Vec<Diagnostic>) {
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
