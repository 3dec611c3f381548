//! HS101: a base image without a tag or digest.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Keyword;
use hullscan_semantic::ImageRef;

use crate::checker::Checker;
use crate::rules::dockerfile::base_image::{self, TagProblem};

declare_rule! {
    /// ## What it does
    /// Finds `FROM` instructions whose image has neither a tag nor a digest, after resolving
    /// `ARG` defaults (`ARG BASE=node` then `FROM ${BASE}`). `scratch`, references to earlier
    /// stages and images whose name cannot be resolved (an `ARG` without a default) are left
    /// alone. An image named by `COPY --from=` with a path (`org/tool`, `ghcr.io/org/tool`)
    /// and no tag or digest is reported too: it is pulled just like a base image. (A plain
    /// word that is not a stage, `--from=tool`, is `copy-from-unknown-stage`'s finding.)
    ///
    /// ## Why is this bad?
    /// An untagged image means `:latest`, which moves: the same Dockerfile builds on a
    /// different base from one week to the next, so builds stop being reproducible and a new
    /// major version can break them without any change in the repository.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-bookworm-slim
    /// ```
    ///
    /// or, to pin exactly, a digest:
    /// ```dockerfile
    /// FROM node:22-bookworm-slim@sha256:<digest>
    /// ```
    ///
    /// ## Fix safety
    /// When another `FROM` in the same file uses the same image with a tag, the fix adds that
    /// tag. It is unsafe: the build then uses that version, which may not be the one `latest`
    /// pointed to. Otherwise the help suggests a tag or digest and nothing is applied.
    ///
    /// ## References
    /// - [Docker best practices: pin base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
    /// - hadolint `DL3006`
    pub static UNTAGGED_BASE_IMAGE = {
        code: "HS101",
        name: "untagged-base-image",
        aliases: ["DL3006"],
        severity: Warning,
        category: BestPractice,
        fix: Sometimes,
        summary: "Base image has no tag or digest, so it means `latest`",
    };
}

/// HS101
pub(crate) fn untagged_base_image(checker: &mut Checker) {
    base_image::check_tags(checker, TagProblem::Untagged);
    copy_from_untagged_image(checker);
}

/// `COPY --from=org/tool`: an image (stage names cannot hold `/`) pulled as `latest`.
fn copy_from_untagged_image(checker: &mut Checker) {
    for instruction in checker.instructions() {
        if instruction.keyword != Keyword::Copy {
            continue;
        }
        let Some(flag) = instruction.flag("from") else {
            continue;
        };
        let Some(value) = flag.value.as_deref() else {
            continue;
        };
        if !value.contains('/') || value.contains('$') {
            continue;
        }
        let Ok(image) = ImageRef::parse(value) else {
            continue;
        };
        if !image.is_name_only() {
            continue;
        }
        checker.report_at(
            &UNTAGGED_BASE_IMAGE,
            format!(
                "`COPY --from={value}` pulls an image with no tag, so it means `{value}:latest`"
            ),
            flag.range,
            Some(&format!(
                "Pin a version tag (`{value}:<version>`) or a digest (`{value}@sha256:<digest>`)"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::UNTAGGED_BASE_IMAGE as RULE;
    use crate::tests::{assert_fires, assert_silent};

    #[test]
    fn copy_from_an_untagged_image() {
        assert_fires(
            &RULE,
            "FROM alpine:3.20\nCOPY --from=org/tool /bin/tool /bin/\n",
            &[2],
        );
        assert_fires(
            &RULE,
            "FROM alpine:3.20\nCOPY --from=ghcr.io/org/tool /x /y\n",
            &[2],
        );
        assert_silent(
            &RULE,
            "FROM alpine:3.20 AS build\nFROM alpine:3.20\nCOPY --from=build /a /b\n\
             COPY --from=org/tool:1.2 /a /b\nCOPY --from=org/tool@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef /a /b\n\
             COPY --from=0 /a /b\nCOPY --from=${IMG} /a /b\n",
        );
    }
}
