//! One problem, one finding: rules that report the same problem under different names (each
//! carrying another upstream tool's code) are merged when both fire on the same place.
//!
//! Two findings of one family are *the same problem* when their places meet: a text range of
//! one (its primary location or a related one) overlaps a text range of the other. The rule
//! listed first in the family keeps its finding; the other finding's primary location is added
//! to it as a related location, so no place is lost.

use hullscan_diagnostics::{Diagnostic, Location, RuleMeta};
use hullscan_text::TextRange;

use crate::rules::dockerfile::secret_in_arg_or_env::SECRET_IN_ARG_OR_ENV;
use crate::rules::dockerfile::secret_name_in_arg_or_env::SECRET_NAME_IN_ARG_OR_ENV;
use crate::rules::dockerfile::source_copied_before_dependency_install::SOURCE_COPIED_BEFORE_DEPENDENCY_INSTALL;

/// Families of rules that report one problem, the one whose finding is kept first.
///
/// - A secret-looking `ARG`/`ENV` name: hadolint's DL3064 (HS280) is kept over BuildKit's
///   `SecretsUsedInArgOrEnv` (HS316); they flag the same key.
/// - Source copied before the dependency install: the build-context rule (HS510, on the `COPY`,
///   measured against the real context) is kept over the Dockerfile-only HS403 (on the install,
///   with the `COPY` as related location), which it refines.
pub static FAMILIES: &[&[&RuleMeta]] = &[
    &[&SECRET_NAME_IN_ARG_OR_ENV, &SECRET_IN_ARG_OR_ENV],
    &[
        &hullscan_context::rules::DEPENDENCY_CACHE_BUST,
        &SOURCE_COPIED_BEFORE_DEPENDENCY_INSTALL,
    ],
];

/// The family `code` belongs to (its index in [`FAMILIES`]), if any.
pub fn family_of(code: &str) -> Option<usize> {
    FAMILIES
        .iter()
        .position(|family| family.iter().any(|rule| rule.code == code))
}

/// Every text range a finding points at: its location and its related locations.
fn ranges(diagnostic: &Diagnostic) -> impl Iterator<Item = TextRange> + '_ {
    std::iter::once(&diagnostic.location)
        .chain(diagnostic.related.iter().map(|related| &related.location))
        .filter_map(|location| match location {
            Location::Text(range) => Some(*range),
            _ => None,
        })
}

fn meet(a: &Diagnostic, b: &Diagnostic) -> bool {
    ranges(a).any(|x| ranges(b).any(|y| x == y || (x.start() < y.end() && y.start() < x.end())))
}

/// Merges the findings of each family that are about the same place (see the module docs).
pub fn merge(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    for family in FAMILIES {
        for (rank, loser) in family.iter().enumerate().skip(1) {
            let mut index = 0;
            while index < diagnostics.len() {
                if diagnostics[index].code != loser.code {
                    index += 1;
                    continue;
                }
                let keeper = diagnostics.iter().position(|other| {
                    family[..rank]
                        .iter()
                        .any(|winner| other.code == winner.code)
                        && meet(other, &diagnostics[index])
                });
                let Some(keeper) = keeper else {
                    index += 1;
                    continue;
                };
                let merged = diagnostics.remove(index);
                let keeper = if keeper > index { keeper - 1 } else { keeper };
                let kept = &mut diagnostics[keeper];
                if kept.location != merged.location
                    && !kept.related.iter().any(|r| r.location == merged.location)
                {
                    kept.related.push(hullscan_diagnostics::Related {
                        location: merged.location,
                        message: merged.message,
                    });
                }
            }
        }
    }
    diagnostics
}

#[cfg(test)]
mod tests {
    use crate::registry::RuleSet;
    use crate::settings::LinterSettings;

    fn lint(text: &str) -> Vec<(String, u32, usize)> {
        let parse = hullscan_dockerfile::parse(text);
        let model = hullscan_semantic::SemanticModel::new(&parse.dockerfile);
        let source = hullscan_text::SourceFile::new("Dockerfile", text);
        crate::check_dockerfile(
            &source,
            &parse,
            &model,
            &LinterSettings::with_rules(RuleSet::defaults()),
        )
        .into_iter()
        .filter(|d| matches!(&*d.code, "HS280" | "HS316" | "HS403" | "HS510"))
        .map(|d| {
            let line = source.line_column(d.range().unwrap().start()).line;
            (d.code.into_owned(), line, d.related.len())
        })
        .collect()
    }

    #[test]
    fn one_secret_name_one_finding() {
        assert_eq!(
            lint("FROM node:22\nARG NPM_TOKEN\nRUN npm ci\n"),
            [("HS280".to_owned(), 2, 0)]
        );
        // Only BuildKit's check flags `GPG_KEY`: it stays.
        assert_eq!(
            lint("FROM node:22\nENV GPG_KEY=abc\n"),
            [("HS316".to_owned(), 2, 0)]
        );
    }
}
