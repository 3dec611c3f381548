//! Names of checks in the tools hullscan stands in for (hadolint, ShellCheck, BuildKit's build
//! checks) that hullscan does not implement (yet). Users write them in `.hadolint.yaml`,
//! `# hadolint ignore=` pragmas and `# check=skip=` directives; they are valid names that select
//! nothing, not typos, so they must not be reported as unknown.

/// BuildKit's build-check names (Dockerfile frontend 1.26), as written in `# check=skip=`.
pub const BUILDKIT_CHECKS: &[&str] = &[
    "ConsistentInstructionCasing",
    "CopyIgnoredFile",
    "DuplicateStageName",
    "ExposeInvalidFormat",
    "ExposeProtoCasing",
    "FromAsCasing",
    "FromPlatformFlagConstDisallowed",
    "InvalidBaseImagePlatform",
    "InvalidDefaultArgInFrom",
    "InvalidDefinitionDescription",
    "JSONArgsRecommended",
    "LegacyKeyValueFormat",
    "MaintainerDeprecated",
    "MultipleInstructionsDisallowed",
    "NoEmptyContinuation",
    "RedundantTargetPlatform",
    "ReservedStageName",
    "SecretsUsedInArgOrEnv",
    "StageNameCasing",
    "UndefinedArgInFrom",
    "UndefinedVar",
    "WorkdirRelativePath",
];

/// BuildKit's experimental checks: they run only when `# check=experimental=` names them (or
/// says `all`), and then `skip` does not apply to them.
pub const BUILDKIT_EXPERIMENTAL_CHECKS: &[&str] = &["InvalidDefinitionDescription"];

/// Checks BuildKit runs outside its per-instruction path, so a `# check=` comment before an
/// instruction does not skip them (only the file-level directive does).
pub const BUILDKIT_FILE_LEVEL_CHECKS: &[&str] = &[
    "ConsistentInstructionCasing",
    "DuplicateStageName",
    "ReservedStageName",
    "NoEmptyContinuation",
    "InvalidDefaultArgInFrom",
];

/// Whether `name` is one of BuildKit's build checks (ASCII case ignored).
pub fn is_buildkit_check(name: &str) -> bool {
    BUILDKIT_CHECKS
        .iter()
        .any(|check| check.eq_ignore_ascii_case(name))
}

/// Whether `code` is a hadolint rule code, current or retired (`DL1000`, `DL3000`–`DL3067`,
/// `DL4000`–`DL4006` without `DL4002`), ASCII case ignored. Retired codes are accepted because
/// old configurations still name them.
pub fn is_hadolint_code(code: &str) -> bool {
    let Some(number) = numbered(code, "DL", 4) else {
        return false;
    };
    matches!(number, 1000 | 1001 | 3000..=3067 | 4000 | 4001 | 4003..=4006)
}

/// Whether `code` is a ShellCheck code (`SC` and four digits), which hadolint accepts in the same
/// places as its own codes.
pub fn is_shellcheck_code(code: &str) -> bool {
    numbered(code, "SC", 4).is_some()
}

/// Whether `name` is a known upstream check name of any of the tools above.
pub fn is_known_upstream(name: &str) -> bool {
    is_hadolint_code(name) || is_shellcheck_code(name) || is_buildkit_check(name)
}

/// `prefix` (ASCII case ignored) followed by exactly `digits` ASCII digits, as a number.
fn numbered(code: &str, prefix: &str, digits: usize) -> Option<u32> {
    let head = code.get(..prefix.len())?;
    let tail = code.get(prefix.len()..)?;
    if !head.eq_ignore_ascii_case(prefix)
        || tail.len() != digits
        || !tail.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    tail.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_upstream_names() {
        assert!(is_hadolint_code("DL3008"));
        assert!(is_hadolint_code("dl4006"));
        assert!(!is_hadolint_code("DL4002"));
        assert!(!is_hadolint_code("DL3099"));
        assert!(!is_hadolint_code("DL300"));
        assert!(is_shellcheck_code("SC2086"));
        assert!(!is_shellcheck_code("SC20866"));
        assert!(is_buildkit_check("jsonargsrecommended"));
        assert!(!is_buildkit_check("JsonArgs"));
        assert!(is_known_upstream("StageNameCasing"));
        assert!(!is_known_upstream("HS101"));
    }
}
