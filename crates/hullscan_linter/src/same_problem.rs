//! One problem, one finding: rules that report the same problem under different names (each
//! carrying another upstream tool's code) are merged when both fire on the same place.
//!
//! Two findings of one family are *the same problem* when their places meet: a text range of
//! one (its primary location or a related one) overlaps a text range of the other. The rule
//! listed first in the family keeps its finding; the other finding's primary location is added
//! to it as a related location, so no place is lost.

use hullscan_diagnostics::{Diagnostic, Location, RuleMeta};
use hullscan_text::TextRange;

use crate::rules::dockerfile::secret_file_copied::SECRET_FILE_COPIED;
use crate::rules::dockerfile::secret_in_arg_or_env::SECRET_IN_ARG_OR_ENV;
use crate::rules::dockerfile::secret_name_in_arg_or_env::SECRET_NAME_IN_ARG_OR_ENV;
use crate::rules::dockerfile::source_copied_before_dependency_install::SOURCE_COPIED_BEFORE_DEPENDENCY_INSTALL;

/// Families of rules that report one problem, the one whose finding is kept first.
///
/// - A secret-looking `ARG`/`ENV` name: hadolint's DL3064 (HS280) is kept over BuildKit's
///   `SecretsUsedInArgOrEnv` (HS316); they flag the same key.
/// - A credential file copied into the image: the build-context rule (HS502, which read the
///   file) is kept over the Dockerfile-only HS414, which judges by name when no context is read.
/// - Source copied before the dependency install: the build-context rule (HS510, on the `COPY`,
///   measured against the real context) is kept over the Dockerfile-only HS403 (on the install,
///   with the `COPY` as related location), which it refines.
pub static FAMILIES: &[&[&RuleMeta]] = &[
    &[&SECRET_NAME_IN_ARG_OR_ENV, &SECRET_IN_ARG_OR_ENV],
    &[
        &hullscan_context::rules::DEPENDENCY_CACHE_BUST,
        &SOURCE_COPIED_BEFORE_DEPENDENCY_INSTALL,
    ],
    &[
        &hullscan_context::rules::SECRET_FILE_IN_CONTEXT,
        &SECRET_FILE_COPIED,
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

/// The places of a family's keepers, to ask "which keeper does this range meet?" in
/// logarithmic time: a file can hold hundreds of thousands of findings of one family, and
/// comparing every pair was quadratic.
struct KeeperPlaces {
    /// `(range, keeper index)`, sorted by range start.
    places: Vec<(TextRange, usize)>,
    /// `reach[i]`: the position among `places[..=i]` of the range that ends last.
    reach: Vec<usize>,
}

impl KeeperPlaces {
    fn new(diagnostics: &[Diagnostic], is_keeper: impl Fn(&Diagnostic) -> bool) -> KeeperPlaces {
        let mut places: Vec<(TextRange, usize)> = diagnostics
            .iter()
            .enumerate()
            .filter(|(_, diagnostic)| is_keeper(diagnostic))
            .flat_map(|(index, diagnostic)| ranges(diagnostic).map(move |range| (range, index)))
            .collect();
        places.sort_by_key(|(range, index)| (range.start(), *index));
        let mut reach: Vec<usize> = Vec::with_capacity(places.len());
        for (position, (range, _)) in places.iter().enumerate() {
            let best = match reach.last() {
                Some(&best) if places[best].0.end() >= range.end() => best,
                _ => position,
            };
            reach.push(best);
        }
        KeeperPlaces { places, reach }
    }

    /// A keeper one of whose ranges overlaps `range` or equals it (an empty range meets only
    /// its equal).
    fn meeting(&self, range: TextRange) -> Option<usize> {
        // Of the places that start before `range` ends, the one reaching furthest overlaps it
        // if any does.
        let before_end = self
            .places
            .partition_point(|(x, _)| x.start() < range.end());
        if before_end > 0 {
            let (x, keeper) = self.places[self.reach[before_end - 1]];
            if x.end() > range.start() {
                return Some(keeper);
            }
        }
        let first = self
            .places
            .partition_point(|(x, _)| x.start() < range.start());
        self.places[first..]
            .iter()
            .take_while(|(x, _)| x.start() == range.start())
            .find(|(x, _)| *x == range)
            .map(|(_, keeper)| *keeper)
    }
}

/// Merges the findings of each family that are about the same place (see the module docs).
/// Places are judged as the rules reported them: a place a finding gains here draws no other
/// finding in.
pub fn merge(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    for family in FAMILIES {
        for (rank, loser) in family.iter().enumerate().skip(1) {
            if !diagnostics.iter().any(|d| d.code == loser.code) {
                continue;
            }
            let keepers = KeeperPlaces::new(&diagnostics, |other| {
                family[..rank]
                    .iter()
                    .any(|winner| other.code == winner.code)
            });
            let merged_into: Vec<Option<usize>> = diagnostics
                .iter()
                .map(|d| {
                    (d.code == loser.code)
                        .then(|| ranges(d).find_map(|range| keepers.meeting(range)))
                        .flatten()
                })
                .collect();
            if merged_into.iter().all(Option::is_none) {
                continue;
            }
            // Keepers never move relative to each other; `new_index` maps old to new places.
            let mut kept: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
            let mut new_index = vec![usize::MAX; diagnostics.len()];
            let mut merged = Vec::new();
            for (old, (diagnostic, keeper)) in diagnostics.into_iter().zip(merged_into).enumerate()
            {
                match keeper {
                    Some(keeper) => merged.push((keeper, diagnostic)),
                    None => {
                        new_index[old] = kept.len();
                        kept.push(diagnostic);
                    }
                }
            }
            for (keeper, finding) in merged {
                let keeper = &mut kept[new_index[keeper]];
                if keeper.location != finding.location
                    && !keeper
                        .related
                        .iter()
                        .any(|r| r.location == finding.location)
                {
                    keeper.related.push(hullscan_diagnostics::Related {
                        location: finding.location,
                        message: finding.message,
                    });
                }
            }
            diagnostics = kept;
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
