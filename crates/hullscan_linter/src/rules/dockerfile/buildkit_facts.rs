//! Facts shared by the rules that stand in for BuildKit's build checks (HS3xx): BuildKit's
//! "did you mean" suggestion, the line ranges BuildKit reports on, the stage each instruction
//! belongs to for per-stage checks, and well-known base-image environment variables.

use hullscan_diagnostics::{Diagnostic, Location, RuleMeta};
use hullscan_dockerfile::{Arguments, Instruction, Keyword, Word};
use hullscan_semantic::{Base, Expansion, PlatformFlag, Stage};
use hullscan_text::TextRange;

use crate::checker::Checker;

/// At most this many candidates are weighed for one suggestion, so a file with many thousands
/// of variables in scope and many undefined uses stays linear. Real files stay far below it,
/// and there the suggestion is BuildKit's.
pub(crate) const MAX_SUGGESTION_CANDIDATES: usize = 1000;

/// BuildKit's suggestion (`util/suggest`): the first candidate with the smallest Levenshtein
/// distance below 3, compared case-sensitively (among the first
/// [`MAX_SUGGESTION_CANDIDATES`]).
pub(crate) fn suggest<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let name_len = name.chars().count();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates.into_iter().take(MAX_SUGGESTION_CANDIDATES) {
        if candidate == name {
            continue;
        }
        // The distance is at least the difference in length: skip the quadratic comparison
        // for candidates that cannot be close enough.
        if candidate.chars().count().abs_diff(name_len) >= 3 {
            continue;
        }
        let distance = levenshtein(name, candidate);
        if distance < 3 && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The entries of an `EXPOSE`, word by word, with variables expanded as BuildKit expands them
/// (a word that cannot be expanded is left out).
pub(crate) fn exposed_ports<'i>(
    checker: &Checker,
    index: usize,
    instruction: &'i Instruction,
) -> Vec<(&'i Word, Vec<String>)> {
    let Arguments::Words(words) = &instruction.args else {
        return Vec::new();
    };
    words
        .iter()
        .filter_map(|word| Some((word, checker.model.expand_words(index, &word.value).ok()?)))
        .collect()
}

/// The container port of an `EXPOSE` entry: what follows the last `:` of
/// `[ip:]host:container`, protocol included.
pub(crate) fn container_port(port: &str) -> &str {
    port.rsplit(':').next().unwrap_or(port)
}

/// Levenshtein distance over characters.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The range of 1-based physical `line` (without its line ending).
pub(crate) fn line_range(checker: &Checker, line: u32) -> Option<TextRange> {
    let index = usize::try_from(line).ok()?.checked_sub(1)?;
    checker
        .source
        .line_index()
        .line_range(index, checker.source.text())
}

/// Whether `text` is all lower case or all upper case (Go's `ToLower`/`ToUpper` round trip).
pub(crate) fn is_self_consistent_casing(text: &str) -> bool {
    text == text.to_lowercase() || text == text.to_uppercase()
}

/// Reports every repeated `keyword` instruction in a stage (a derived stage starts afresh), as
/// BuildKit's MultipleInstructionsDisallowed does: at the earlier instruction, which is the
/// one that has no effect, with the later one as related location. Instructions before the
/// first FROM (fragments) count as one stage.
pub(crate) fn report_repeated(checker: &Checker, keyword: Keyword, rule: &RuleMeta) {
    let mut previous: Option<&Instruction> = None;
    for instruction in checker.instructions() {
        if instruction.keyword == Keyword::From {
            previous = None;
            continue;
        }
        if instruction.keyword != keyword {
            continue;
        }
        if let Some(earlier) = previous {
            let message = format!(
                "Multiple {} instructions should not be used in the same stage because only the last one will be used",
                instruction.keyword_text
            );
            checker.report(
                Diagnostic::new(rule, message, Location::Text(earlier.range))
                    .with_help(format!(
                        "Remove this `{}`: the later one on line {} replaces it",
                        earlier.keyword_text, instruction.start_line
                    ))
                    .with_related(
                        Location::Text(instruction.range),
                        format!("this `{}` replaces it", instruction.keyword_text),
                    ),
            );
        }
        previous = Some(instruction);
    }
}

/// Environment variables that well-known base images set in their config, so BuildKit sees them
/// defined although the Dockerfile never declares them. `PATH` is set by nearly every image
/// (not by `scratch`). The table is deliberately small: official images' documented variables.
const IMAGE_ENV: &[(&str, &[&str])] = &[
    ("golang", &["GOLANG_VERSION", "GOPATH", "GOTOOLCHAIN"]),
    ("node", &["NODE_VERSION", "YARN_VERSION"]),
    (
        "python",
        &["PYTHON_VERSION", "PYTHON_SHA256", "GPG_KEY", "LANG"],
    ),
    ("pypy", &["PYPY_VERSION", "LANG"]),
    ("openjdk", &["JAVA_HOME", "JAVA_VERSION", "LANG"]),
    (
        "eclipse-temurin",
        &["JAVA_HOME", "JAVA_VERSION", "LANG", "LANGUAGE", "LC_ALL"],
    ),
    ("amazoncorretto", &["JAVA_HOME", "LANG"]),
    (
        "maven",
        &["JAVA_HOME", "MAVEN_HOME", "MAVEN_CONFIG", "LANG"],
    ),
    (
        "gradle",
        &["JAVA_HOME", "GRADLE_HOME", "GRADLE_VERSION", "LANG"],
    ),
    (
        "ruby",
        &[
            "RUBY_VERSION",
            "GEM_HOME",
            "BUNDLE_APP_CONFIG",
            "BUNDLE_SILENCE_ROOT_WARNING",
            "LANG",
        ],
    ),
    (
        "php",
        &[
            "PHP_INI_DIR",
            "PHP_VERSION",
            "PHPIZE_DEPS",
            "PHP_CFLAGS",
            "PHP_CPPFLAGS",
            "PHP_LDFLAGS",
        ],
    ),
    ("rust", &["RUSTUP_HOME", "CARGO_HOME", "RUST_VERSION"]),
    ("nginx", &["NGINX_VERSION", "NJS_VERSION", "PKG_RELEASE"]),
    ("httpd", &["HTTPD_PREFIX", "HTTPD_VERSION"]),
    ("postgres", &["PGDATA", "PG_MAJOR", "PG_VERSION", "LANG"]),
    ("mysql", &["MYSQL_MAJOR", "MYSQL_VERSION"]),
    ("redis", &["REDIS_VERSION"]),
    ("elixir", &["ELIXIR_VERSION", "LANG"]),
    ("erlang", &["OTP_VERSION", "REBAR3_VERSION"]),
    ("julia", &["JULIA_PATH", "JULIA_VERSION"]),
    ("haskell", &["GHC", "CABAL_INSTALL", "STACK", "LANG"]),
    (
        "micromamba",
        &[
            "MAMBA_USER",
            "MAMBA_USER_ID",
            "MAMBA_USER_GID",
            "MAMBA_ROOT_PREFIX",
            "MAMBA_EXE",
            "ENV_NAME",
        ],
    ),
    (
        "dotnet",
        &[
            "DOTNET_VERSION",
            "ASPNET_VERSION",
            "ASPNETCORE_HTTP_PORTS",
            "DOTNET_RUNNING_IN_CONTAINER",
            "APP_UID",
        ],
    ),
    // Jupyter's docker-stacks (`base-notebook`, `scipy-notebook`, ...).
    (
        "notebook",
        &[
            "NB_USER",
            "NB_UID",
            "NB_GID",
            "CONDA_DIR",
            "HOME",
            "SHELL",
            "LANG",
        ],
    ),
    // Source-to-image builder images (`s2i-base`, `s2i-core`, ...).
    (
        "s2i",
        &[
            "STI_SCRIPTS_PATH",
            "STI_SCRIPTS_URL",
            "APP_ROOT",
            "HOME",
            "PLATFORM",
            "SUMMARY",
            "DESCRIPTION",
        ],
    ),
];

/// Whether a table entry names this image: its last path component is the entry, starts with
/// `entry-` (`python-39`, `s2i-base`) or ends with `-entry` (`scipy-notebook`); .NET images are
/// matched anywhere under `dotnet/`.
fn image_matches(entry: &str, repository: &str, last: &str) -> bool {
    last == entry
        || last
            .strip_prefix(entry)
            .is_some_and(|rest| rest.starts_with('-'))
        || last
            .strip_suffix(entry)
            .is_some_and(|rest| rest.ends_with('-'))
        || (entry == "dotnet" && repository.contains("dotnet/"))
}

/// Whether the base image at the root of a stage's `FROM <stage>` chain (see
/// [`Checker::chain_root`]; `None` when the chain is broken) is known to define `name` in its
/// config.
pub(crate) fn base_image_defines(root: Option<&Stage<'_>>, name: &str) -> bool {
    let Some(root) = root else {
        return false;
    };
    match root.base {
        Base::Stage(_) | Base::Scratch => false,
        // An image whose name is not known still almost surely sets PATH.
        Base::Unresolved => name == "PATH",
        Base::Image => {
            if name == "PATH" {
                return true;
            }
            let Some(Ok(image)) = root.image_ref() else {
                return false;
            };
            let repository = image.repository.as_ref();
            let last = repository.rsplit('/').next().unwrap_or(repository);
            IMAGE_ENV
                .iter()
                .filter(|(image, _)| image_matches(image, repository, last))
                .any(|(_, names)| names.contains(&name))
        }
    }
}

/// The names the base image at the root of a stage's chain is known to define (for
/// suggestions).
pub(crate) fn base_image_env(root: Option<&Stage<'_>>) -> Vec<&'static str> {
    let mut names = Vec::new();
    if base_image_defines(root, "PATH") {
        names.push("PATH");
    }
    for (_, image_names) in IMAGE_ENV {
        for name in *image_names {
            if !names.contains(name) && base_image_defines(root, name) {
                names.push(name);
            }
        }
    }
    names
}

/// Test helpers: a rule's findings and the text after applying its fixes.
#[cfg(test)]
pub(crate) mod testing {
    use hullscan_diagnostics::{Applicability, Diagnostic, RuleMeta, apply_fixes};
    use hullscan_text::SourceFile;

    use crate::settings::LinterSettings;

    /// The findings of `rule` alone on `text`.
    pub(crate) fn findings(rule: &RuleMeta, text: &str) -> Vec<Diagnostic> {
        let parse = hullscan_dockerfile::parse(text);
        let model = hullscan_semantic::SemanticModel::new(&parse.dockerfile);
        let source = SourceFile::new("Dockerfile", text);
        crate::check_dockerfile(&source, &parse, &model, &LinterSettings::for_rule(rule))
    }

    /// `text` with every fix of `rule` applied (unsafe ones included).
    pub(crate) fn fixed(rule: &RuleMeta, text: &str) -> String {
        fixed_at(rule, text, Applicability::Unsafe)
    }

    /// `text` with the fixes of `rule` applied that are at least as safe as `applicability`.
    pub(crate) fn fixed_at(rule: &RuleMeta, text: &str, applicability: Applicability) -> String {
        let found = findings(rule, text);
        apply_fixes(
            text,
            found.iter().filter_map(|d| d.fix.as_ref()),
            applicability,
        )
        .text
    }

    /// The messages of `rule`'s findings on `text`.
    pub(crate) fn messages(rule: &RuleMeta, text: &str) -> Vec<String> {
        findings(rule, text)
            .into_iter()
            .map(|d| d.message)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_follow_buildkit() {
        assert_eq!(
            suggest("BULIDPLATFORM", ["TARGETOS", "BUILDPLATFORM"]),
            Some("BUILDPLATFORM")
        );
        assert_eq!(suggest("MYARCH", ["MY_OS", "MY_ARCH"]), Some("MY_ARCH"));
        assert_eq!(suggest("PAHT", ["PATH"]), Some("PATH"));
        // Distance 3 is too far; case matters.
        assert_eq!(suggest("abc", ["xyz"]), None);
        assert_eq!(suggest("path", ["PATH"]), None);
        // The first of equally close candidates wins.
        assert_eq!(suggest("ab", ["ac", "ad"]), Some("ac"));
    }

    #[test]
    fn casing() {
        assert!(is_self_consistent_casing("FROM"));
        assert!(is_self_consistent_casing("from"));
        assert!(!is_self_consistent_casing("From"));
    }
}

/// The stage the FROM at `index` starts, its `--platform` flag and that flag's value as it
/// expanded, when there is a flag and it expanded.
pub(crate) fn from_platform<'a>(
    checker: &Checker<'a, '_>,
    index: usize,
) -> Option<(&'a Stage<'a>, &'a PlatformFlag<'a>, &'a Expansion<'a>)> {
    let stage = checker
        .model
        .stage_of(index)
        .filter(|stage| stage.from_index == index)?;
    let platform = stage.platform.as_ref()?;
    let expansion = platform.expansion.as_ref().ok()?;
    Some((stage, platform, expansion))
}
