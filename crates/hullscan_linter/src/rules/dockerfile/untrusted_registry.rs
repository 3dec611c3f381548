//! HS226: images from registries outside the configured trusted list.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::{Arguments, Keyword};
use hullscan_semantic::ImageRef;
use hullscan_text::TextRange;

use super::shell_facts::run_mounts;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// When `trusted-registries` is configured, finds images pulled from any other registry:
    /// in `FROM`, in `COPY --from=<image>` and in `RUN --mount=from=<image>`. Images without a
    /// registry come from Docker Hub, which matches `docker.io` or `hub.docker.com`. Patterns
    /// may be `*`, `*.example.com` (any subdomain) or `prefix*`. Does nothing when the list is
    /// empty.
    ///
    /// ## Why is this bad?
    /// Organisations that mirror, scan and sign their images want every build to use them.
    /// An image from an arbitrary registry bypasses that review: it may be unscanned, change
    /// without notice, or disappear.
    ///
    /// ## Example
    /// With `trusted-registries = ["registry.example.com"]`:
    /// <!-- hullscan-test: trusted-registries=registry.example.com -->
    /// ```dockerfile
    /// FROM docker.io/library/python:3.12-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM registry.example.com/library/python:3.12-slim
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3026`
    pub static UNTRUSTED_REGISTRY = {
        code: "HS226",
        name: "untrusted-registry",
        aliases: ["DL3026"],
        severity: Error,
        category: Security,
        fix: None,
        summary: "Image from a registry outside the trusted list",
    };
}

/// Whether `registry` matches one of `patterns` (`*`, `*.suffix`, `prefix*` or exact).
pub(crate) fn registry_is_trusted(registry: &str, patterns: &[String]) -> bool {
    let candidates: &[&str] = if registry == "docker.io" {
        &["docker.io", "hub.docker.com"]
    } else {
        &[registry]
    };
    patterns.iter().any(|pattern| {
        candidates.iter().any(|candidate| {
            if pattern == "*" {
                true
            } else if let Some(suffix) = pattern.strip_prefix('*') {
                candidate.ends_with(suffix)
            } else if let Some(prefix) = pattern.strip_suffix('*') {
                candidate.starts_with(prefix)
            } else {
                candidate.eq_ignore_ascii_case(pattern)
            }
        })
    })
}

/// HS226
pub(crate) fn untrusted_registry(checker: &mut Checker) {
    let trusted = &checker.settings.trusted_registries;
    if trusted.is_empty() {
        return;
    }
    let mut stage_names: Vec<String> = Vec::new();
    let mut findings: Vec<(String, TextRange)> = Vec::new();
    let check = |image: &str,
                 range: TextRange,
                 names: &[String],
                 findings: &mut Vec<(String, TextRange)>| {
        let lower = image.to_ascii_lowercase();
        if image.is_empty() || image.contains('$') || lower == "scratch" || names.contains(&lower) {
            return;
        }
        if let Ok(reference) = ImageRef::parse(image)
            && !registry_is_trusted(reference.registry, trusted)
        {
            findings.push((reference.registry.to_owned(), range));
        }
    };
    for (index, instruction) in checker.instructions().iter().enumerate() {
        match instruction.keyword {
            Keyword::From => {
                if let Some(stage) = checker
                    .model
                    .stages()
                    .iter()
                    .find(|s| s.from_index == index)
                    && let Some(word) = stage.image_word
                    && stage.parent().is_none()
                    && let Some(name) = stage.base_name()
                {
                    check(name, word.range, &stage_names, &mut findings);
                }
                if let Arguments::From(from) = &instruction.args
                    && let Some(name) = &from.stage_name
                {
                    stage_names.push(name.value.to_ascii_lowercase());
                }
            }
            Keyword::Copy => {
                if let Some(flag) = instruction.flag("from")
                    && let Some(value) = flag.value.as_deref()
                    && value.parse::<usize>().is_err()
                {
                    check(value, flag.range, &stage_names, &mut findings);
                }
            }
            Keyword::Run | Keyword::Onbuild => {
                for mount in run_mounts(instruction) {
                    if let Some(from) = &mount.from
                        && from.parse::<usize>().is_err()
                    {
                        check(from, mount.range, &stage_names, &mut findings);
                    }
                }
            }
            _ => {}
        }
    }
    for (registry, range) in findings {
        checker.report_at(
            &UNTRUSTED_REGISTRY,
            format!("registry `{registry}` is not in the trusted registries"),
            range,
            Some(
                "Use an image from a trusted registry, or add the registry to `trusted-registries`",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::registry_is_trusted;

    #[test]
    fn patterns() {
        let list = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(registry_is_trusted("docker.io", &list(&["hub.docker.com"])));
        assert!(registry_is_trusted(
            "foo.random.com",
            &list(&["*.random.com"])
        ));
        assert!(!registry_is_trusted("x.com", &list(&["*.random.com"])));
        assert!(registry_is_trusted("ghcr.io", &list(&["ghcr*"])));
        assert!(registry_is_trusted("anything", &list(&["*"])));
        assert!(!registry_is_trusted("docker.io", &list(&["trusted.com"])));
    }
}
