//! HS101: a base image without a tag or digest.

use hullscan_diagnostics::declare_rule;

use crate::checker::Checker;
use crate::rules::dockerfile::base_image::{self, TagProblem};

declare_rule! {
    /// ## What it does
    /// Finds `FROM` instructions whose image has neither a tag nor a digest, after resolving
    /// `ARG` defaults (`ARG BASE=node` then `FROM ${BASE}`). `scratch`, references to earlier
    /// stages and images whose name cannot be resolved (an `ARG` without a default) are left
    /// alone.
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
}
