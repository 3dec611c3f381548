//! HS229: `FROM --platform` with a fixed platform.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `FROM --platform=<value>` where the value does not use `$BUILDPLATFORM` or
    /// `$TARGETPLATFORM`.
    ///
    /// ## Why is this bad?
    /// A fixed platform such as `linux/amd64` forces that architecture whatever the build is
    /// for: on an arm64 machine or in a multi-platform build the image silently contains
    /// amd64 binaries, which then run under emulation or not at all. Leave `--platform` out
    /// (the target platform is the default), or use `$BUILDPLATFORM` for stages that only
    /// produce files, such as cross-compiling build stages.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 golang:1.23 AS build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM golang:1.23 AS build
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3029`
    /// - BuildKit's `FromPlatformFlagConstDisallowed` is a related, narrower check
    pub static FROM_PLATFORM_FLAG = {
        code: "HS229",
        name: "from-platform-flag",
        aliases: ["DL3029"],
        severity: Warning,
        category: Suspicious,
        fix: None,
        summary: "`FROM --platform` with a value other than `$BUILDPLATFORM`/`$TARGETPLATFORM`",
    };
}

/// HS229
pub(crate) fn from_platform_flag(checker: &mut Checker, _: usize, instruction: &Instruction) {
    let Some(flag) = instruction.flag("platform") else {
        return;
    };
    let value = flag.value.as_deref().unwrap_or_default();
    if value.contains("BUILDPLATFORM") || value.contains("TARGETPLATFORM") {
        return;
    }
    checker.report_at(
        &FROM_PLATFORM_FLAG,
        format!("`--platform={value}` fixes the platform regardless of what the build targets"),
        flag.range,
        Some("Remove `--platform`, or use `--platform=$BUILDPLATFORM` for a build stage"),
    );
}
