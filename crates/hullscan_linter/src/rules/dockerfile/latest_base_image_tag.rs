//! HS102: a base image pinned to `:latest`.

use hullscan_diagnostics::declare_rule;

use crate::checker::Checker;
use crate::rules::dockerfile::base_image::{self, TagProblem};

declare_rule! {
    /// ## What it does
    /// Finds `FROM` instructions whose image tag is `latest` and that have no digest, after
    /// resolving `ARG` defaults (`ARG TAG=latest` then `FROM node:${TAG}`). `scratch` and
    /// references to earlier stages are left alone.
    ///
    /// ## Why is this bad?
    /// `latest` is just the tag that was pushed last. Writing it down looks like a pin but is
    /// not one: the base image changes under the build, so two builds of the same commit can
    /// differ, and a new major release can break the build without a change in the repository.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// ```
    ///
    /// ## Fix safety
    /// When another `FROM` in the same file uses the same image with a version tag, the fix
    /// replaces `latest` with that tag. It is unsafe: the build then uses that version, which
    /// may not be the one `latest` pointed to. Otherwise the help suggests a version tag or a
    /// digest and nothing is applied.
    ///
    /// ## References
    /// - [Docker best practices: pin base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
    /// - hadolint `DL3007`
    pub static LATEST_BASE_IMAGE_TAG = {
        code: "HS102",
        name: "latest-base-image-tag",
        aliases: ["DL3007"],
        severity: Warning,
        category: BestPractice,
        fix: Sometimes,
        summary: "Base image is pinned to the moving `latest` tag",
    };
}

/// HS102
pub(crate) fn latest_base_image_tag(checker: &mut Checker) {
    base_image::check_tags(checker, TagProblem::Latest);
}
