use hullscan_diagnostics::{Diagnostic, Location, declare_rule};

use super::ContextCheck;
use crate::analysis::{human_bytes, largest_dirs, thousands};
use crate::model::EntryKind;

declare_rule! {
    /// ## What it does
    /// Reports a build context larger than the configured threshold (256 MiB by default),
    /// naming the directories that weigh the most.
    ///
    /// ## Why is this bad?
    /// The whole context is transferred to the builder before the first step runs, on every
    /// build; large contexts make builds slow, especially against remote builders.
    ///
    /// ## Example
    /// A context with a 2 GiB `data/` directory the image never uses.
    ///
    /// Use instead:
    /// ```text
    /// # .dockerignore
    /// data
    /// ```
    pub static LARGE_BUILD_CONTEXT = {
        code: "HS504",
        name: "large-build-context",
        aliases: [],
        severity: Warning,
        category: Performance,
        fix: None,
        summary: "The build context is larger than the threshold",
    };
}

pub(super) fn check(input: &ContextCheck<'_>, out: &mut Vec<Diagnostic>) {
    let context = input.context;
    let total = context.total_bytes();
    if total <= input.settings.max_context_bytes {
        return;
    }
    let files = context
        .entries
        .iter()
        .filter(|e| e.kind != EntryKind::Dir)
        .count();
    let top: Vec<String> = largest_dirs(context, 64)
        .into_iter()
        .filter(|d| !d.path.contains('/'))
        .take(3)
        .map(|d| format!("{}/ {}", d.path, human_bytes(d.bytes)))
        .collect();
    let largest = if top.is_empty() {
        String::new()
    } else {
        format!("; largest: {}", top.join(", "))
    };
    out.push(Diagnostic::new(
        &LARGE_BUILD_CONTEXT,
        format!(
            "the build context is {} in {} files (threshold {}){largest}",
            human_bytes(total),
            thousands(files as u64),
            human_bytes(input.settings.max_context_bytes)
        ),
        Location::File,
    ));
}
