//! A `.dockerignore` with thousands of wildcard patterns: every pattern still applies
//! (a combined automaton that cannot be built must never make patterns disappear).

use hullscan_ignore::{IgnoreFile, PatternMatcher};

fn many(n: usize) -> Vec<String> {
    let mut patterns: Vec<String> = (0..n).map(|i| format!("**/dir{i}/*.ext{i}")).collect();
    patterns.push("**/*.secret".to_owned());
    patterns.push("!**/dir7/keep.ext7".to_owned());
    patterns
}

#[test]
fn thousands_of_wildcard_patterns_all_apply() {
    for n in [10, 1_000, 5_000] {
        let m = PatternMatcher::new(&many(n)).expect("valid patterns");
        // The last wildcard pattern, one in the middle, and the exception all take effect.
        assert_eq!(m.matches_or_parent_matches("a/b/x.secret"), Ok(true), "{n}");
        assert_eq!(
            m.matches_or_parent_matches("x/dir3/y.ext3"),
            Ok(true),
            "{n}"
        );
        let last = n - 1;
        assert_eq!(
            m.matches_or_parent_matches(&format!("dir{last}/y.ext{last}")),
            Ok(true),
            "{n}"
        );
        assert_eq!(
            m.matches_or_parent_matches("q/dir7/keep.ext7"),
            Ok(false),
            "{n}"
        );
        assert_eq!(
            m.matches_or_parent_matches("q/dir7/other.ext7"),
            Ok(true),
            "{n}"
        );
        assert_eq!(m.matches_or_parent_matches("src/main.rs"), Ok(false), "{n}");
        // The walk's path (one search answering every pattern) agrees.
        let hits = m.direct_hits("a/b/x.secret");
        assert!(hits[n], "{n}");
        let hits = m.direct_hits("q/dir7/keep.ext7");
        assert!(hits[7] && hits[n + 1], "{n}");
    }
}

#[test]
fn a_parsed_file_with_thousands_of_patterns_compiles_them_all() {
    let text = many(4_000).join("\n");
    let matcher = IgnoreFile::parse(&text).compile().expect("compiles");
    assert_eq!(matcher.patterns().len(), 4_002);
    assert_eq!(matcher.matches_or_parent_matches("deep/x.secret"), Ok(true));
}
