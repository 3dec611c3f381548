//! Go module version ordering.
//!
//! Module versions are SemVer with a `v`; OSV's Go records drop the `v`, and binaries report the
//! toolchain as `go1.22.3`. Pseudo-versions (`v0.0.0-20240101120000-abcdef123456`,
//! `v1.2.4-0.2024…`, `v1.2.3-pre.0.2024…`) are ordinary pre-releases, so SemVer precedence
//! orders them right: below the next release, above the tag they were made after. `+incompatible`
//! is build metadata and does not count. Go's shorthand `v1.2` means `v1.2.0`.

use std::cmp::Ordering;

/// Strips the `go` toolchain prefix (`go1.21rc2` → `1.21-rc2`, Go's own pre-release spelling).
fn normalize(text: &str) -> std::borrow::Cow<'_, str> {
    let text = text.trim();
    let Some(rest) = text.strip_prefix("go") else {
        return text.into();
    };
    // `go1.21rc2`, `go1.22beta1`: the letters start a pre-release.
    match rest.find(|c: char| c.is_ascii_alphabetic()) {
        Some(at) if !rest[..at].contains('-') => format!("{}-{}", &rest[..at], &rest[at..]).into(),
        _ => rest.into(),
    }
}

/// Orders two Go module (or toolchain) versions.
pub fn compare(a: &str, b: &str) -> Ordering {
    crate::semver::compare(&normalize(a), &normalize(b))
}
