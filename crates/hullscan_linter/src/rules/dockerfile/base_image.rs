//! Shared by HS101 and HS102: the tag of each stage's base image, after ARG expansion.

use hullscan_diagnostics::{Applicability, Diagnostic, Edit, Fix, Location, RuleMeta};
use hullscan_semantic::{Base, ImageRef, Stage};
use hullscan_text::{TextRange, TextSize};

use crate::checker::Checker;
use crate::rules::dockerfile::latest_base_image_tag::LATEST_BASE_IMAGE_TAG;
use crate::rules::dockerfile::untagged_base_image::UNTAGGED_BASE_IMAGE;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TagProblem {
    /// Neither tag nor digest.
    Untagged,
    /// `:latest` without a digest.
    Latest,
}

impl TagProblem {
    fn rule(self) -> &'static RuleMeta {
        match self {
            TagProblem::Untagged => &UNTAGGED_BASE_IMAGE,
            TagProblem::Latest => &LATEST_BASE_IMAGE_TAG,
        }
    }

    fn matches(self, image: &ImageRef<'_>) -> bool {
        match self {
            TagProblem::Untagged => image.tag.is_none() && image.digest.is_none(),
            TagProblem::Latest => image.tag == Some("latest") && image.digest.is_none(),
        }
    }
}

pub(crate) fn check_tags(checker: &mut Checker, problem: TagProblem) {
    let model = checker.model;
    // Built on first need: asking every stage of a 100,000-stage file for each flagged stage
    // was quadratic.
    let mut tags: Option<PinnedTags> = None;
    for stage in model.stages() {
        let Some(word) = stage.image_word else {
            continue;
        };
        let Some(image) = resolved_image(stage) else {
            continue;
        };
        if !problem.matches(&image) {
            continue;
        }
        let expansion = match &stage.base_expansion {
            Some(Ok(expansion)) => expansion,
            _ => continue,
        };
        let name = stage.base_name().unwrap_or_default();
        let via_args = !expansion.matched.is_empty();
        let message = match (problem, via_args) {
            (TagProblem::Untagged, false) => {
                format!("Base image `{name}` has no tag, so it means `{name}:latest`")
            }
            (TagProblem::Untagged, true) => format!(
                "Base image `{name}` (from `{}`) has no tag, so it means `{name}:latest`",
                word.value
            ),
            (TagProblem::Latest, false) => {
                format!("Base image `{name}` uses the `latest` tag, which moves")
            }
            (TagProblem::Latest, true) => format!(
                "Base image `{name}` (from `{}`) uses the `latest` tag, which moves",
                word.value
            ),
        };
        let mut diagnostic = Diagnostic::new(problem.rule(), message, Location::Text(word.range));

        let repository = short_repository(&image);
        let inferred = if via_args {
            None
        } else {
            tags.get_or_insert_with(|| pinned_tags(checker))
                .get(&(image.registry.to_string(), image.repository.to_string()))
                .cloned()
        };
        match inferred {
            Some(tag) => {
                let edit = match problem {
                    TagProblem::Untagged => {
                        Some(Edit::insertion(format!(":{tag}"), word.range.end()))
                    }
                    TagProblem::Latest => word.value.ends_with(":latest").then(|| {
                        let latest = TextSize::of("latest");
                        Edit::replacement(
                            tag.clone(),
                            TextRange::new(word.range.end() - latest, word.range.end()),
                        )
                    }),
                };
                let title = format!("Pin `{repository}:{tag}`, the tag this file uses elsewhere");
                diagnostic = diagnostic.with_help(title.clone());
                if let Some(edit) = edit {
                    diagnostic =
                        diagnostic.with_fix(Fix::new(title, vec![edit], Applicability::Unsafe));
                }
            }
            None => {
                let help = if via_args {
                    format!(
                        "Give the ARG a default with a version tag (`{repository}:<version>`) or a digest (`{repository}@sha256:<digest>`)"
                    )
                } else {
                    format!(
                        "Pin a version tag (`{repository}:<version>`) or a digest (`{repository}@sha256:<digest>`)"
                    )
                };
                diagnostic = diagnostic.with_help(help);
            }
        }
        if via_args {
            for name in &expansion.matched {
                if let Some(pair) = model
                    .meta_args()
                    .filter(|binding| binding.name == *name)
                    .last()
                    .and_then(|binding| binding.pair)
                {
                    diagnostic = diagnostic
                        .with_related(Location::Text(pair.range), format!("`{name}` is set here"));
                }
            }
        }
        checker.report(diagnostic);
    }
}

/// The base image of a stage built on an image, when its name is fully known: parsed, and with
/// no variable left unresolved (an `ARG` without a default is given at build time, so the tag
/// cannot be judged).
fn resolved_image<'s>(stage: &'s Stage<'_>) -> Option<ImageRef<'s>> {
    if stage.base != Base::Image {
        return None;
    }
    match &stage.base_expansion {
        Some(Ok(expansion)) if expansion.unmatched.is_empty() => {}
        _ => return None,
    }
    stage.image_ref()?.ok()
}

/// The repository as a user would write it (`node`, `ghcr.io/org/app`).
fn short_repository(image: &ImageRef<'_>) -> String {
    let repository = image.repository.as_ref();
    if image.registry == "docker.io" {
        repository
            .strip_prefix("library/")
            .unwrap_or(repository)
            .to_owned()
    } else {
        format!("{}/{repository}", image.registry)
    }
}

/// The first version tag (not `latest`) the file gives each image, by registry and repository.
type PinnedTags = rustc_hash::FxHashMap<(String, String), String>;

fn pinned_tags(checker: &Checker) -> PinnedTags {
    let mut tags = PinnedTags::default();
    for stage in checker.model.stages() {
        let Some(image) = resolved_image(stage) else {
            continue;
        };
        if let Some(tag) = image.tag.filter(|tag| *tag != "latest") {
            tags.entry((image.registry.to_string(), image.repository.to_string()))
                .or_insert_with(|| tag.to_owned());
        }
    }
    tags
}
