//! HS222: `COPY --from` naming no earlier stage.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `COPY --from=<name>` where `<name>` is neither the name of an earlier stage, nor
    /// the number of an earlier stage, nor an image reference with a registry, tag or digest
    /// (`nginx:1.27`, `ghcr.io/org/tool@sha256:…`). Values with variables are not checked.
    ///
    /// ## Why is this bad?
    /// A name that is not a stage is pulled as an image. Usually that is a typo of a stage
    /// name, or a stage defined *after* the `COPY`, and the build copies from an unrelated
    /// image or fails to pull. If an image is really meant, give it a tag so it is both
    /// obviously an image and pinned.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app ./cmd/app
    /// FROM gcr.io/distroless/static-debian12:nonroot
    /// COPY --from=builder /out/app /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app ./cmd/app
    /// FROM gcr.io/distroless/static-debian12:nonroot
    /// COPY --from=build /out/app /app
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3022`
    pub static COPY_FROM_UNKNOWN_STAGE = {
        code: "HS222",
        name: "copy-from-unknown-stage",
        aliases: ["DL3022"],
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "`COPY --from` names no earlier stage",
    };
}

/// HS222
pub(crate) fn copy_from_unknown_stage(
    checker: &mut Checker,
    index: usize,
    instruction: &Instruction,
) {
    let Some(flag) = instruction.flag("from") else {
        return;
    };
    let Some(value) = flag.value.as_deref() else {
        return;
    };
    if value.is_empty() || value.contains(['$', ':', '/', '@']) {
        return;
    }
    // Stages up to the current one (found through the model's name index: listing every
    // earlier stage for each COPY was quadratic in a long `COPY --from` chain).
    let current_stage = checker.model.stage_of(index).map(|stage| stage.index);
    let earlier = current_stage.unwrap_or(0);
    let lower = value.to_ascii_lowercase();
    if checker
        .model
        .first_stage_named(&lower)
        .is_some_and(|first| current_stage.is_some_and(|current| first <= current))
    {
        return;
    }
    if let Ok(number) = value.parse::<usize>()
        && number < earlier
    {
        return;
    }
    let current = checker
        .model
        .stage_of(index)
        .and_then(|stage| stage.name.as_deref())
        .map(str::to_ascii_lowercase);
    // Copying from the stage itself is HS223's finding.
    if current.as_deref() == Some(lower.as_str()) {
        return;
    }
    checker.report_at(
        &COPY_FROM_UNKNOWN_STAGE,
        format!("`--from={value}` is not an earlier stage; it would be pulled as an image"),
        flag.range,
        Some("Name an earlier stage, or give the image a tag (`name:tag`)"),
    );
}
