//! HS106: a base image (or `COPY --from` image) pinned by tag only, not by digest.

use hullscan_diagnostics::{Applicability, Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::{Instruction, Keyword};
use hullscan_semantic::{Base, ImageRef, SemanticModel, Stage};
use hullscan_text::{TextRange, TextSize};

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `FROM` images, and images named by `COPY --from=`, that have no `@sha256:`
    /// digest, after resolving `ARG` defaults. `scratch`, earlier stages, stage names in
    /// `COPY --from` and names that cannot be resolved (an `ARG` without a default) are left
    /// alone. Off by default: select it, or run `hullscan fix --resolve-digests`, which runs it.
    ///
    /// ## Why is this bad?
    /// A tag is a pointer the publisher can move: `debian:12` gets a new image with every point
    /// release and security rebuild. A build that must be reproducible, or must not take in new
    /// code unreviewed, has to name the exact image by its digest. Keeping the tag next to the
    /// digest (`debian:12@sha256:…`) keeps it readable and lets update bots (Renovate,
    /// Dependabot) move both together.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12@sha256:b877a1a3fdf02469440f1768cf69c9771338a875b7add5e80c45b756c92ac20a
    /// ```
    ///
    /// ## Fix safety
    /// A rule never goes to the network, so the fix exists only when the digest was looked up
    /// first: `hullscan fix --resolve-digests` asks the registry (or, when it cannot be reached,
    /// the local daemon's `RepoDigests`) what each tag points to now and appends `@<digest>`,
    /// keeping the tag. The fix is unsafe: from then on the build is frozen on today's image
    /// and no longer receives the fixes the tag would bring. `--resolve-digests` is that opt-in
    /// for this rule alone; other unsafe fixes still need `--unsafe-fixes`. An image without a
    /// tag is `untagged-base-image`'s finding and is not pinned (tag it first). When the name
    /// comes from an `ARG` (`FROM ${BASE}`), the digest goes on the `ARG` default, so a
    /// `--build-arg` still replaces the whole reference; a name assembled from several parts
    /// (`FROM debian:${TAG}`) is not pinned.
    pub static BASE_IMAGE_WITHOUT_DIGEST = {
        code: "HS106",
        name: "base-image-without-digest",
        aliases: [],
        severity: Info,
        category: BestPractice,
        fix: Sometimes,
        summary: "Image pinned by tag only; the tag can move to a different image",
    };
}

/// One image the rule reports.
struct Unpinned {
    /// The reference as the build uses it (ARGs expanded): the key of
    /// [`crate::LinterSettings::resolved_digests`].
    image: String,
    /// Where it is reported.
    range: TextRange,
    /// Where `@<digest>` goes, when the reference can be pinned in place.
    pin_at: Option<TextSize>,
    /// The ARG the reference comes from, for the message.
    via: Option<String>,
    copy_from: bool,
}

/// The images without a digest, in file order.
fn unpinned_images(model: &SemanticModel<'_>) -> Vec<Unpinned> {
    let mut found = Vec::new();
    for stage in model.stages() {
        if let Some(unpinned) = unpinned_base(model, stage) {
            found.push(unpinned);
        }
    }
    for instruction in &model.dockerfile().instructions {
        if let Some(unpinned) = unpinned_copy_from(model, instruction) {
            found.push(unpinned);
        }
    }
    found.sort_by_key(|unpinned| unpinned.range.start());
    found
}

fn unpinned_base(model: &SemanticModel<'_>, stage: &Stage<'_>) -> Option<Unpinned> {
    if stage.base != Base::Image {
        return None;
    }
    let word = stage.image_word?;
    let Some(Ok(expansion)) = &stage.base_expansion else {
        return None;
    };
    if !expansion.unmatched.is_empty() {
        return None;
    }
    let image = ImageRef::parse(&expansion.value).ok()?;
    // No tag at all is `untagged-base-image`'s finding (tag it first): one problem, one
    // finding, and "pinned by tag only" would not be true.
    if image.digest.is_some() || image.tag.is_none() {
        return None;
    }
    let mut unpinned = Unpinned {
        image: expansion.value.to_string(),
        range: word.range,
        pin_at: None,
        via: None,
        copy_from: false,
    };
    if expansion.matched.is_empty() {
        // Written out: pinned in place when written without quotes or escapes.
        if word.value == expansion.value {
            unpinned.pin_at = Some(word.range.end());
        }
        return Some(unpinned);
    }
    // `FROM $BASE` / `FROM ${BASE}`: the whole reference is one ARG's default.
    let name = whole_word_variable(&word.value)?;
    unpinned.via = Some(name.to_owned());
    if expansion.matched.as_slice() != [name] {
        return Some(unpinned);
    }
    let pair = model
        .meta_args()
        .filter(|binding| binding.name == name)
        .last()
        .and_then(|binding| binding.pair);
    if let Some(pair) = pair
        && pair.value.as_deref() == Some(&*expansion.value)
        && let Some(value_range) = pair.value_range
    {
        unpinned.pin_at = Some(value_range.end());
    }
    Some(unpinned)
}

/// `NAME` when `word` is exactly `$NAME` or `${NAME}`.
fn whole_word_variable(word: &str) -> Option<&str> {
    let name = word
        .strip_prefix("${")
        .and_then(|rest| rest.strip_suffix('}'))
        .or_else(|| word.strip_prefix('$'))?;
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then_some(name)
}

/// `COPY --from=<image>`: a value that names no stage (by name or index) and no variable.
fn unpinned_copy_from(model: &SemanticModel<'_>, instruction: &Instruction) -> Option<Unpinned> {
    if instruction.keyword != Keyword::Copy {
        return None;
    }
    let flag = instruction.flag("from")?;
    let value = flag.value.as_deref()?;
    if value.contains('$')
        || value.bytes().all(|b| b.is_ascii_digit())
        || value.eq_ignore_ascii_case("scratch")
        || model.stage_by_name(value).is_some()
    {
        return None;
    }
    let image = ImageRef::parse(value).ok()?;
    if image.digest.is_some() || image.tag.is_none() {
        return None;
    }
    let value_range = flag.value_range?;
    let written_plain = value_range.len() == TextSize::of(value);
    Some(Unpinned {
        image: value.to_owned(),
        range: flag.range,
        pin_at: written_plain.then(|| value_range.end()),
        via: None,
        copy_from: true,
    })
}

/// The image references whose digest [`BASE_IMAGE_WITHOUT_DIGEST`]'s fix could pin in this
/// file: what `hullscan fix --resolve-digests` looks up before fixing (the rule itself never
/// goes to the network). Unique, in file order.
pub fn images_to_pin(model: &SemanticModel<'_>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut images: Vec<String> = Vec::new();
    for unpinned in unpinned_images(model) {
        if unpinned.pin_at.is_some() && seen.insert(unpinned.image.clone()) {
            images.push(unpinned.image);
        }
    }
    images
}

/// Whether `digest` is `sha256:` and 64 lowercase hex digits: what may be written into a file.
fn is_sha256_digest(digest: &str) -> bool {
    digest.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// HS106
pub(crate) fn base_image_without_digest(checker: &mut Checker) {
    for unpinned in unpinned_images(checker.model) {
        let image = &unpinned.image;
        let message = match (&unpinned.via, unpinned.copy_from) {
            (_, true) => format!("`COPY --from={image}` names an image by tag only, not by digest"),
            (Some(name), false) => format!(
                "Base image `{image}` (from `${name}`) is pinned by tag only, not by digest"
            ),
            (None, false) => format!("Base image `{image}` is pinned by tag only, not by digest"),
        };
        let mut diagnostic = Diagnostic::new(
            &BASE_IMAGE_WITHOUT_DIGEST,
            message,
            Location::Text(unpinned.range),
        );
        let digest = checker
            .settings
            .resolved_digests
            .get(image)
            .filter(|digest| is_sha256_digest(digest));
        match (unpinned.pin_at, digest) {
            (Some(at), Some(digest)) => {
                let title = format!("Pin `{image}@{digest}`, the image the tag points to now");
                diagnostic = diagnostic.with_help(title.clone()).with_fix(Fix::new(
                    title,
                    vec![Edit::insertion(format!("@{digest}"), at)],
                    Applicability::Unsafe,
                ));
            }
            (Some(_), None) => {
                diagnostic = diagnostic.with_help(format!(
                    "Pin the digest (`{image}@sha256:<digest>`); `hullscan fix --resolve-digests` looks it up"
                ));
            }
            (None, _) => {
                diagnostic = diagnostic.with_help(format!(
                    "Pin the digest by hand (`{image}@sha256:<digest>`)"
                ));
            }
        }
        checker.report(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::BASE_IMAGE_WITHOUT_DIGEST as RULE;
    use super::images_to_pin;
    use crate::LinterSettings;
    use crate::tests::{assert_fires, assert_silent};

    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn images(text: &str) -> Vec<String> {
        let parse = hullscan_dockerfile::parse(text);
        let model = hullscan_semantic::SemanticModel::new(&parse.dockerfile);
        images_to_pin(&model)
    }

    /// The text after applying the rule's fix once, with `digests` resolved.
    fn fixed(text: &str, digests: &[(&str, &str)]) -> String {
        let mut settings = LinterSettings::for_rule(&RULE);
        for (image, digest) in digests {
            settings
                .resolved_digests
                .insert((*image).to_owned(), (*digest).to_owned());
        }
        let diagnostics =
            crate::lint_text("Dockerfile".to_owned(), text.to_owned(), &settings).diagnostics;
        let mut out = text.to_owned();
        let mut edits: Vec<_> = diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .flat_map(|fix| fix.edits().to_vec())
            .collect();
        edits.sort_by_key(|edit| std::cmp::Reverse(edit.range.start()));
        edits.dedup_by_key(|edit| edit.range);
        for edit in edits {
            out.replace_range(edit.range.to_range(), &edit.content);
        }
        out
    }

    #[test]
    fn fires_on_tag_only_images() {
        assert_fires(&RULE, "FROM debian:12\n", &[1]);
        // Untagged: HS101 reports it (one problem, one finding), HS106 once it has a tag.
        assert_silent(&RULE, "FROM node\nCOPY --from=org/tool /x /y\n");
        assert_silent(&RULE, "ARG BASE=node\nFROM ${BASE}\n");
        assert_fires(
            &RULE,
            "FROM alpine:3.20\nCOPY --from=ghcr.io/org/tool:1.2 /x /y\n",
            &[1, 2],
        );
        assert_fires(&RULE, "ARG BASE=debian:12\nFROM ${BASE}\n", &[2]);
        assert_silent(
            &RULE,
            &format!(
                "FROM scratch AS a\nFROM debian:12@{DIGEST} AS build\nFROM build\n\
                 COPY --from=build /a /b\nCOPY --from=0 /a /b\nCOPY --from=${{IMG}} /a /b\n\
                 COPY --from=org/tool:1@{DIGEST} /a /b\n"
            ),
        );
        // An ARG without a default: the name is given at build time.
        assert_silent(&RULE, "ARG BASE\nFROM ${BASE}\n");
    }

    #[test]
    fn lists_what_the_fix_can_pin() {
        assert_eq!(
            images(
                "ARG BASE=python:3.13-slim\nARG TAG=12\nFROM ${BASE} AS one\nFROM debian:${TAG} AS two\n\
                 FROM node AS three\nFROM \"alpine:3.20\" AS four\nFROM debian:12\nFROM debian:12\n\
                 COPY --from=one /a /b\nCOPY --from=org/tool:1.2 /a /b\n"
            ),
            ["python:3.13-slim", "debian:12", "org/tool:1.2"]
        );
    }

    #[test]
    fn the_fix_appends_the_resolved_digest() {
        assert_eq!(
            fixed("FROM debian:12 AS base\n", &[("debian:12", DIGEST)]),
            format!("FROM debian:12@{DIGEST} AS base\n")
        );
        // On the ARG default, so a --build-arg still replaces the whole reference.
        assert_eq!(
            fixed(
                "ARG BASE=debian:12\nFROM ${BASE}\n",
                &[("debian:12", DIGEST)]
            ),
            format!("ARG BASE=debian:12@{DIGEST}\nFROM ${{BASE}}\n")
        );
        assert_eq!(
            fixed(
                "FROM alpine:3.20\nCOPY --from=org/tool:1.2 /x /y\n",
                &[("org/tool:1.2", DIGEST)]
            ),
            format!("FROM alpine:3.20\nCOPY --from=org/tool:1.2@{DIGEST} /x /y\n")
        );
        // Nothing resolved, or something that is not a digest: nothing to write.
        assert_eq!(fixed("FROM debian:12\n", &[]), "FROM debian:12\n");
        assert_eq!(
            fixed("FROM debian:12\n", &[("debian:12", "sha256:zz\nRUN x")]),
            "FROM debian:12\n"
        );
    }
}
