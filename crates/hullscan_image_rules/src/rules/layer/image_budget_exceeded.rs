//! HS616: the CI gates on efficiency, waste and size.

use hullscan_diagnostics::{Diagnostic, declare_rule};
use hullscan_image::analysis::human_size;
use hullscan_image::model::Image;

use crate::{ImageRuleSettings, image_location};

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

pub(super) fn check(image: &Image, settings: &ImageRuleSettings, out: &mut Vec<Diagnostic>) {
    let analysis = &image.analysis;
    let over_budget = [
        settings
            .min_efficiency
            .filter(|min| analysis.efficiency < *min)
            .map(|min| {
                format!(
                    "efficiency {:.2} % is below the minimum {:.2} % ({} of {} layer bytes are hidden or deleted; dive's score: {:.2} %)",
                    analysis.efficiency * 100.0,
                    min * 100.0,
                    human_size(analysis.wasted_bytes),
                    human_size(analysis.total_content),
                    analysis.dive_efficiency * 100.0
                )
            }),
        settings
            .max_wasted
            .filter(|max| analysis.wasted_bytes > *max)
            .map(|max| {
                format!(
                    "{} wasted (hidden or deleted bytes, counted once) is over the maximum {} (dive would report {})",
                    human_size(analysis.wasted_bytes),
                    human_size(max),
                    human_size(analysis.dive_wasted_bytes)
                )
            }),
        settings
            .max_size
            .filter(|max| analysis.total_content > *max)
            .map(|max| {
                format!(
                    "the image's layers hold {} of files, over the maximum {}",
                    human_size(analysis.total_content),
                    human_size(max)
                )
            }),
    ];
    for message in over_budget.into_iter().flatten() {
        out.push(Diagnostic::new(
            &IMAGE_BUDGET_EXCEEDED,
            message,
            image_location(image),
        ));
    }
}
