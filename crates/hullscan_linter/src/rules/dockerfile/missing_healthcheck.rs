//! HS272: a stage that ends up as an image without a HEALTHCHECK.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Keyword;
use hullscan_semantic::{DependencyKind, SourceRef};

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds stages that no later stage builds `FROM` (the images the file produces) and that
    /// have no `HEALTHCHECK`, neither their own nor one from a stage they are built on. A stage
    /// that another stage copies files from (`COPY --from`, `RUN --mount=from`) is a build step
    /// rather than an image to run, so it needs none, unless it is the last stage. Off by
    /// default, as in hadolint: many images (jobs, CLIs, bases) have nothing to check. See
    /// also the service-aware health check rule.
    ///
    /// ## Why is this bad?
    /// Without a health check, Docker (and Compose or Swarm) only knows whether the main
    /// process is running, not whether it works. A server that is deadlocked or stuck at
    /// start-up is reported as healthy and keeps receiving traffic.
    /// `HEALTHCHECK NONE` states that no check is wanted and is accepted.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site /usr/share/nginx/html
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site /usr/share/nginx/html
    /// HEALTHCHECK CMD ["curl", "-fsS", "http://localhost/"]
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3057`
    pub static MISSING_HEALTHCHECK = {
        code: "HS272",
        name: "missing-healthcheck",
        aliases: ["DL3057"],
        severity: Info,
        category: BestPractice,
        fix: None,
        summary: "Image stage without a `HEALTHCHECK`",
    };
}

/// HS272
pub(crate) fn missing_healthcheck(checker: &mut Checker) {
    let instructions = checker.instructions();
    let stages = checker.scanned_stages();
    // One pass in file order (a parent is always earlier): whether each stage is some stage's
    // parent, and whether it or a stage it is built on has a HEALTHCHECK. Asking every stage
    // of every stage, and walking each chain, was quadratic in the number of stages.
    let mut is_parent = vec![false; stages.len()];
    let mut inherited: Vec<bool> = Vec::with_capacity(stages.len());
    for stage in stages {
        let own = instructions[stage.instructions.clone()]
            .iter()
            .any(|instruction| instruction.keyword == Keyword::Healthcheck);
        let from_parent = stage
            .parent
            .is_some_and(|parent| inherited.get(parent).copied().unwrap_or(false));
        inherited.push(own || from_parent);
        if let Some(parent) = stage.parent
            && let Some(flag) = is_parent.get_mut(parent)
        {
            *flag = true;
        }
    }
    // The FROM instructions of the stages whose files another stage copies: build steps.
    let model = checker.model;
    // A set: hostile files have tens of thousands of stages.
    let copied_from: rustc_hash::FxHashSet<usize> = model
        .dependencies()
        .iter()
        .filter(|dependency| dependency.kind != DependencyKind::From)
        .filter_map(|dependency| match dependency.source {
            SourceRef::Stage(source) => model.stage(source).map(|stage| stage.from_index),
            _ => None,
        })
        .collect();
    let last = stages.len().saturating_sub(1);
    for (index, stage) in stages.iter().enumerate() {
        if !stage.has_from() || is_parent[index] {
            continue;
        }
        if index != last && copied_from.contains(&stage.instructions.start) {
            continue;
        }
        if !inherited[index] {
            checker.report_at(
                &MISSING_HEALTHCHECK,
                "this image has no `HEALTHCHECK`",
                instructions[stage.instructions.start].range,
                Some("Add `HEALTHCHECK CMD …` that probes the service, or `HEALTHCHECK NONE` to say none is wanted"),
            );
        }
    }
}
