//! The pattern matcher: Docker's "last applying pattern wins, parents count" rule, with the
//! regex patterns compiled into a few multi-pattern automata so each path is searched once
//! per group. A group that cannot be built is split until every part builds: no pattern is
//! ever dropped.

use regex_automata::meta::{Cache, Regex};
use regex_automata::{Anchored, Input, MatchKind as AutomatonMatchKind, PatternSet};

use crate::clean::{go_clean, go_dir};
use crate::glob_syntax::go_filepath_match;
use crate::pattern::{MatchKind, Pattern};

/// Why Docker rejects a pattern list.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// A lone `!`.
    #[error("illegal exclusion pattern: \"!\"")]
    LoneExclamation { index: usize },
    /// `filepath.Match` rejects the glob syntax.
    #[error("syntax error in pattern {pattern:?}")]
    BadSyntax { index: usize, pattern: String },
}

impl PatternError {
    /// The 0-based index of the offending pattern in the list given to [`PatternMatcher::new`].
    pub fn index(&self) -> usize {
        match self {
            PatternError::LoneExclamation { index } | PatternError::BadSyntax { index, .. } => {
                *index
            }
        }
    }
}

/// A pattern accepted at load time whose regex Go's `regexp` package rejects: Docker then
/// fails every match that evaluates it (the build fails while walking the context).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "pattern {pattern:?} cannot be matched ({reason}): Docker fails the build with `syntax error in pattern`"
)]
pub struct MatchError {
    /// Index into [`PatternMatcher::patterns`].
    pub pattern_index: usize,
    pub pattern: String,
    pub reason: String,
}

/// Per-pattern results for a directory, reused for its children during a walk
/// (patternmatcher's `MatchInfo`). The default value means "no parent information".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MatchInfo {
    parent_matched: Vec<bool>,
}

impl MatchInfo {
    /// Which patterns matched (or were inherited as matched by) the path; empty when unknown.
    pub fn matched_patterns(&self) -> &[bool] {
        &self.parent_matched
    }
}

/// Reusable search state for [`PatternMatcher::direct_hits_into`]: the result sets and the
/// automata's caches (owning them spares a shared cache pool per search).
#[derive(Debug, Default)]
pub struct MatchScratch {
    /// Which regex slots matched the last searched path.
    hits: Vec<bool>,
    set: Vec<PatternSet>,
    /// One cache per group, with the [`PatternMatcher::id`] they belong to.
    caches: Option<(u64, Vec<Cache>)>,
}

/// Most regex patterns per automaton: beyond a few hundred, one combined automaton gets slow
/// to search (its lazy DFA thrashes) and, in the thousands, cannot be built at all.
const GROUP_SIZE: usize = 128;

/// One multi-pattern automaton answering the regex slots `first..first + pattern_len`.
#[derive(Debug)]
struct RegexGroup {
    regex: Regex,
    first: usize,
}

impl RegexGroup {
    /// Builds automata for `sources` (regex slot `first` onwards), splitting any group that
    /// fails to build. A single pattern was validated alone, so it always builds.
    fn build_all(sources: &[String], first: usize, out: &mut Vec<RegexGroup>) {
        if sources.is_empty() {
            return;
        }
        if sources.len() > GROUP_SIZE {
            let (head, tail) = sources.split_at(GROUP_SIZE);
            Self::build_all(head, first, out);
            Self::build_all(tail, first + GROUP_SIZE, out);
            return;
        }
        let built = Regex::builder()
            .configure(Regex::config().match_kind(AutomatonMatchKind::All))
            .build_many(sources);
        match built {
            Ok(regex) => out.push(RegexGroup { regex, first }),
            Err(_) if sources.len() > 1 => {
                let (head, tail) = sources.split_at(sources.len() / 2);
                Self::build_all(head, first, out);
                Self::build_all(tail, first + head.len(), out);
            }
            Err(_) => {
                // Validated alone with the default configuration: build it that way.
                if let Ok(regex) = Regex::new(&sources[0]) {
                    out.push(RegexGroup { regex, first });
                }
            }
        }
    }
}

/// Source of [`PatternMatcher`] ids, so a scratch never uses another matcher's cache.
static NEXT_MATCHER_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A compiled `.dockerignore` pattern list.
#[derive(Debug)]
pub struct PatternMatcher {
    patterns: Vec<Pattern>,
    /// For each pattern: its slot in `regex` (regexp patterns that compiled), or the reason Go
    /// would refuse to compile it.
    regex_slot: Vec<RegexSlot>,
    /// The automata answering every slot, in slot order.
    groups: Vec<RegexGroup>,
    /// How many regex slots there are.
    slots: usize,
    /// The literal text every regexp pattern in `groups` ends with (a match must end with one
    /// of them, so other paths skip the search); `None` when some pattern has none.
    regex_tails: Option<Vec<String>>,
    has_exceptions: bool,
    /// Unique per matcher (see [`MatchScratch`]).
    id: u64,
    /// Whether every exception is free of wildcards, so excluded directories can be skipped
    /// unless an exception names a path inside them.
    only_prefix_exceptions: bool,
}

#[derive(Clone, Debug)]
enum RegexSlot {
    NotRegex,
    Slot(usize),
    Invalid(String),
}

impl PatternMatcher {
    /// Compiles patterns exactly as `patternmatcher.New` does: each is trimmed, skipped when
    /// empty, cleaned, and a leading `!` marks an exception.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, PatternError> {
        let mut compiled = Vec::with_capacity(patterns.len());
        for (index, raw) in patterns.iter().enumerate() {
            let trimmed = raw.as_ref().trim();
            if trimmed.is_empty() {
                continue;
            }
            let cleaned = go_clean(trimmed);
            let (exclusion, text) = match cleaned.strip_prefix('!') {
                Some("") => return Err(PatternError::LoneExclamation { index }),
                Some(rest) => (true, rest.to_owned()),
                None => (false, cleaned),
            };
            if go_filepath_match(&text, ".").is_err() {
                return Err(PatternError::BadSyntax {
                    index,
                    pattern: raw.as_ref().to_owned(),
                });
            }
            compiled.push(Pattern::new(text, exclusion));
        }
        Ok(Self::from_patterns(compiled))
    }

    fn from_patterns(patterns: Vec<Pattern>) -> Self {
        let mut regex_slot = Vec::with_capacity(patterns.len());
        let mut sources = Vec::new();
        for pattern in &patterns {
            if pattern.kind() != MatchKind::Regexp {
                regex_slot.push(RegexSlot::NotRegex);
                continue;
            }
            let translated = pattern.rust_regex().and_then(|rust| {
                // Validate alone so one bad pattern does not poison the shared automaton.
                Regex::new(&rust)
                    .map(|_| rust)
                    .map_err(|err| err.to_string())
            });
            match translated {
                Ok(rust) => {
                    regex_slot.push(RegexSlot::Slot(sources.len()));
                    sources.push(rust);
                }
                Err(reason) => regex_slot.push(RegexSlot::Invalid(reason)),
            }
        }
        let mut groups = Vec::new();
        RegexGroup::build_all(&sources, 0, &mut groups);
        let regex_tails = patterns
            .iter()
            .zip(&regex_slot)
            .filter(|(_, slot)| matches!(slot, RegexSlot::Slot(_)))
            .map(|(pattern, _)| pattern.literal_tail().map(str::to_owned))
            .collect();
        let has_exceptions = patterns.iter().any(Pattern::is_exception);
        let only_prefix_exceptions = !patterns
            .iter()
            .any(|p| p.is_exception() && p.exception_has_wildcards());
        Self {
            patterns,
            regex_slot,
            groups,
            slots: sources.len(),
            regex_tails,
            has_exceptions,
            id: NEXT_MATCHER_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            only_prefix_exceptions,
        }
    }

    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// Whether any pattern is an exception (`!`).
    pub fn has_exceptions(&self) -> bool {
        self.has_exceptions
    }

    /// Patterns accepted at load time that fail at match time (see [`MatchError`]).
    pub fn match_time_errors(&self) -> Vec<MatchError> {
        self.regex_slot
            .iter()
            .enumerate()
            .filter_map(|(index, slot)| match slot {
                RegexSlot::Invalid(reason) => Some(self.match_error(index, reason)),
                _ => None,
            })
            .collect()
    }

    fn match_error(&self, index: usize, reason: &str) -> MatchError {
        MatchError {
            pattern_index: index,
            pattern: self.patterns[index].display(),
            reason: reason.to_owned(),
        }
    }

    /// Every regex slot's result for one path, using the automata's shared cache pools (for
    /// one-off queries; walks use [`Self::search_slots`] with their own scratch).
    fn pooled_search(&self, path: &str) -> Vec<bool> {
        let mut hits = vec![false; self.slots];
        let input = Input::new(path).anchored(Anchored::Yes);
        for group in &self.groups {
            let mut set = PatternSet::new(group.regex.pattern_len());
            group.regex.which_overlapping_matches(&input, &mut set);
            for pattern in set.iter() {
                hits[group.first + pattern.as_usize()] = true;
            }
        }
        hits
    }

    /// Every regex slot's result for one path (one search per automaton), into
    /// `scratch.hits`.
    fn search_slots(&self, path: &str, scratch: &mut MatchScratch) {
        scratch.hits.clear();
        scratch.hits.resize(self.slots, false);
        if scratch.set.len() != self.groups.len()
            || scratch
                .set
                .iter()
                .zip(&self.groups)
                .any(|(set, group)| set.capacity() != group.regex.pattern_len())
        {
            scratch.set = self
                .groups
                .iter()
                .map(|group| PatternSet::new(group.regex.pattern_len()))
                .collect();
        }
        let caches = match &mut scratch.caches {
            Some((id, caches)) if *id == self.id => caches,
            slot => {
                let caches = self.groups.iter().map(|g| g.regex.create_cache()).collect();
                &mut slot.insert((self.id, caches)).1
            }
        };
        let input = Input::new(path).anchored(Anchored::Yes);
        for ((group, set), cache) in self.groups.iter().zip(&mut scratch.set).zip(caches) {
            set.clear();
            group
                .regex
                .which_overlapping_matches_with(cache, &input, set);
            for pattern in set.iter() {
                scratch.hits[group.first + pattern.as_usize()] = true;
            }
        }
    }

    /// Whether pattern `index` matches `path` exactly (no parent logic).
    fn pattern_matches(
        &self,
        index: usize,
        path: &str,
        hits: &mut Option<Vec<bool>>,
    ) -> Result<bool, MatchError> {
        let pattern = &self.patterns[index];
        if let Some(result) = pattern.match_literal(path) {
            return Ok(result);
        }
        match &self.regex_slot[index] {
            RegexSlot::NotRegex => Ok(false),
            RegexSlot::Invalid(reason) => Err(self.match_error(index, reason)),
            RegexSlot::Slot(slot) => {
                let hits = hits.get_or_insert_with(|| self.pooled_search(path));
                Ok(hits[*slot])
            }
        }
    }

    /// Whether pattern `index` matches one of `path`'s ancestor directories (`a`, `a/b`, ...).
    /// Match errors count as "no match" here, as in Docker.
    fn pattern_matches_a_parent(&self, index: usize, parent: &str) -> bool {
        if parent == "." {
            return false;
        }
        let mut end = 0;
        loop {
            let next = parent[end..].find('/').map(|i| end + i);
            let prefix = match next {
                Some(i) => &parent[..i],
                None => parent,
            };
            let mut hits = None;
            if self.pattern_matches(index, prefix, &mut hits) == Ok(true) {
                return true;
            }
            match next {
                Some(i) => end = i + 1,
                None => return false,
            }
        }
    }

    /// Whether `path` (slash-separated, relative to the context root) is excluded: the last
    /// pattern that matches the path or one of its parents decides (`MatchesOrParentMatches`).
    pub fn matches_or_parent_matches(&self, path: &str) -> Result<bool, MatchError> {
        let parent = go_dir(path);
        let mut matched = false;
        let mut hits = None;
        for (index, pattern) in self.patterns.iter().enumerate() {
            // An include cannot change an already excluded path, nor an exception an included one.
            if pattern.is_exception() != matched {
                continue;
            }
            let mut is_match = self.pattern_matches(index, path, &mut hits)?;
            if !is_match {
                is_match = self.pattern_matches_a_parent(index, &parent);
            }
            if is_match {
                matched = !pattern.is_exception();
            }
        }
        Ok(matched)
    }

    /// The walk's variant (`MatchesUsingParentResults`): reuses the parent directory's
    /// per-pattern results instead of re-matching ancestors. With a default `parent` it
    /// behaves like [`PatternMatcher::matches_or_parent_matches`]. Patterns skipped by the
    /// short-circuit are recorded as not matched, which is how the walk can differ from
    /// whole-path matching (`*/f` then `!a` excludes `a/f` in a walk).
    pub fn matches_using_parent_results(
        &self,
        path: &str,
        parent: &MatchInfo,
    ) -> Result<(bool, MatchInfo), MatchError> {
        let parent_matched = &parent.parent_matched;
        debug_assert!(parent_matched.is_empty() || parent_matched.len() == self.patterns.len());
        let have_parent = parent_matched.len() == self.patterns.len() && !parent_matched.is_empty();
        let mut info = MatchInfo {
            parent_matched: vec![false; self.patterns.len()],
        };
        let mut matched = false;
        let mut hits = None;
        let mut parent_dir: Option<String> = None;
        for (index, pattern) in self.patterns.iter().enumerate() {
            let mut is_match = have_parent && parent_matched[index];
            if !is_match {
                if pattern.is_exception() != matched {
                    continue;
                }
                is_match = self.pattern_matches(index, path, &mut hits)?;
                if !is_match && !have_parent {
                    let dir = parent_dir.get_or_insert_with(|| go_dir(path));
                    is_match = self.pattern_matches_a_parent(index, dir);
                }
            }
            info.parent_matched[index] = is_match;
            if is_match {
                matched = !pattern.is_exception();
            }
        }
        Ok((matched, info))
    }

    /// Which patterns match `path` itself (no parent logic), one automaton search for all
    /// regex patterns. Patterns Go cannot compile count as not matching here; [`Self::decide`]
    /// raises their error if Docker would evaluate them.
    pub fn direct_hits(&self, path: &str) -> Vec<bool> {
        let mut out = Vec::new();
        self.direct_hits_into(path, &mut MatchScratch::default(), &mut out);
        out
    }

    /// [`Self::direct_hits`] into a reused buffer, with reused search state (for walks).
    pub fn direct_hits_into(&self, path: &str, scratch: &mut MatchScratch, out: &mut Vec<bool>) {
        out.clear();
        let mut searched = false;
        let regex_may_match = self
            .regex_tails
            .as_ref()
            .is_none_or(|tails| tails.iter().any(|tail| path.ends_with(tail.as_str())));
        for (index, pattern) in self.patterns.iter().enumerate() {
            let hit = match pattern.match_literal(path) {
                Some(result) => result,
                None => match &self.regex_slot[index] {
                    RegexSlot::Slot(_) if !regex_may_match => false,
                    RegexSlot::Slot(slot) => {
                        if !searched {
                            self.search_slots(path, scratch);
                            searched = true;
                        }
                        scratch.hits[*slot]
                    }
                    _ => false,
                },
            };
            out.push(hit);
        }
    }

    /// The walk decision for a path from its [`Self::direct_hits`] and its parent directory's
    /// [`MatchInfo`]: the same answer as [`Self::matches_using_parent_results`], for callers
    /// that also want every pattern's direct result (pattern-usage statistics). `parent` must
    /// be the parent's info, or the default for a top-level path.
    pub fn decide(
        &self,
        direct: &[bool],
        parent: &MatchInfo,
    ) -> Result<(bool, MatchInfo), MatchError> {
        let mut info = MatchInfo {
            parent_matched: Vec::with_capacity(self.patterns.len()),
        };
        let excluded = self.decide_recording(direct, parent, Some(&mut info.parent_matched))?;
        Ok((excluded, info))
    }

    /// [`Self::decide`] without building the [`MatchInfo`] (for files, which have no
    /// children).
    pub fn decide_excluded(&self, direct: &[bool], parent: &MatchInfo) -> Result<bool, MatchError> {
        self.decide_recording(direct, parent, None)
    }

    fn decide_recording(
        &self,
        direct: &[bool],
        parent: &MatchInfo,
        mut record: Option<&mut Vec<bool>>,
    ) -> Result<bool, MatchError> {
        let parent_matched = &parent.parent_matched;
        let have_parent = !parent_matched.is_empty() && parent_matched.len() == self.patterns.len();
        if let Some(record) = record.as_deref_mut() {
            record.clear();
            record.resize(self.patterns.len(), false);
        }
        let mut matched = false;
        for (index, pattern) in self.patterns.iter().enumerate() {
            let mut is_match = have_parent && parent_matched[index];
            if !is_match {
                if pattern.is_exception() != matched {
                    continue;
                }
                if let RegexSlot::Invalid(reason) = &self.regex_slot[index] {
                    return Err(self.match_error(index, reason));
                }
                is_match = direct[index];
            }
            if let Some(record) = record.as_deref_mut() {
                record[index] = is_match;
            }
            if is_match {
                matched = !pattern.is_exception();
            }
        }
        Ok(matched)
    }

    /// Whether a walk must descend into the excluded directory `dir` because an exception
    /// could re-include something below it (fsutil's rule). Without exceptions it never does;
    /// with a wildcard exception it always does; otherwise only when an exception names
    /// `dir` or a path inside it.
    pub fn must_descend_into_excluded(&self, dir: &str) -> bool {
        if !self.only_prefix_exceptions {
            return true;
        }
        self.exception_names_path_under(dir)
    }

    /// The older rule (Docker Engine before 23, BuildKit before 0.11): descend into an
    /// excluded directory only when an exception names it or a path inside it, even when
    /// exceptions have wildcards (so `!**/keep` cannot re-include inside excluded dirs).
    pub fn exception_names_path_under(&self, dir: &str) -> bool {
        if !self.has_exceptions {
            return false;
        }
        let dir_slash = format!("{dir}/");
        self.patterns.iter().any(|p| {
            p.is_exception() && format!("{}/", p.without_trailing_glob()).starts_with(&dir_slash)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(patterns: &[&str]) -> PatternMatcher {
        PatternMatcher::new(patterns).expect("valid patterns")
    }

    #[test]
    fn descent_into_excluded_directories_follows_fsutil() {
        // No exceptions: never descend.
        assert!(!matcher(&["node_modules"]).must_descend_into_excluded("node_modules"));
        // A literal exception inside the directory (a trailing `/*` or `/**` is ignored).
        let m = matcher(&["docs", "!docs/keep/**"]);
        assert!(m.must_descend_into_excluded("docs"));
        assert!(m.must_descend_into_excluded("docs/keep"));
        assert!(!m.must_descend_into_excluded("other"));
        // A wildcard exception anywhere: always descend (current engines) ...
        let m = matcher(&["cache", "!**/keep.txt"]);
        assert!(m.must_descend_into_excluded("cache"));
        // ... but older engines only follow exceptions that name a path inside.
        assert!(!m.exception_names_path_under("cache"));
    }

    #[test]
    fn invalid_regex_fails_only_when_evaluated() {
        let m = matcher(&["[Local-Only]"]);
        assert_eq!(m.match_time_errors().len(), 1);
        assert!(m.matches_or_parent_matches("x").is_err());
        // An exception after a pattern that already excluded nothing is skipped, so its
        // error does not surface (Go evaluates lazily too).
        let m = matcher(&["a", "![Local-Only]"]);
        assert_eq!(m.matches_or_parent_matches("b"), Ok(false));
        assert!(m.matches_or_parent_matches("a").is_err());
    }

    /// Paths that cannot end like any regexp pattern skip the automaton; the answers must be
    /// the automaton's (compared with the per-pattern search `matches_or_parent_matches`
    /// uses), including where `**/` makes a slash optional.
    #[test]
    fn literal_tails_only_skip_searches_that_cannot_match() {
        let patterns = ["**/*.log", "*.tmp", "a**/b", "x/**/y.txt", "[ab]c", "d?e"];
        let m = matcher(&patterns);
        assert!(m.regex_tails.is_some());
        let paths = [
            "ab",
            "a/b",
            "azz/b",
            "b",
            "x/y.txt",
            "x/k/y.txt",
            "xy.txt",
            "run.log",
            "d/run.log",
            "a.tmp",
            "d/a.tmp",
            "ac",
            "bc",
            "cc",
            "dde",
            "de",
            "d/e",
            "file.js",
        ];
        for path in paths {
            let fast = m.direct_hits(path);
            for (index, hit) in fast.iter().enumerate() {
                let mut hits = None;
                let slow = m.pattern_matches(index, path, &mut hits) == Ok(true);
                assert_eq!(*hit, slow, "{} on {path}", patterns[index]);
            }
        }
        assert!(m.direct_hits("ab")[2]);
        assert!(m.direct_hits("x/y.txt")[3]);
        // A pattern ending in a wildcard has no tail: every path is searched.
        assert!(matcher(&["*.log", "q/*"]).regex_tails.is_none());
    }

    #[test]
    fn one_search_answers_every_regex_pattern() {
        let m = matcher(&["*.md", "docs/**/*.png", "!README.md", "a?c", "exact"]);
        assert_eq!(
            m.direct_hits("README.md"),
            [true, false, true, false, false]
        );
        assert_eq!(
            m.direct_hits("docs/x/y.png"),
            [false, true, false, false, false]
        );
        assert_eq!(m.matches_or_parent_matches("README.md"), Ok(false));
        assert_eq!(m.matches_or_parent_matches("CHANGES.md"), Ok(true));
    }
}
