use hullscan_diagnostics::{Diagnostic, Edit, Fix, Location, RuleMeta, Severity};
use hullscan_linter::LinterSettings;
use hullscan_text::TextRange;

use super::*;

static TEST_RULE: RuleMeta = RuleMeta {
    code: "T001",
    name: "test-rule",
    aliases: &[],
    severity: Severity::Warning,
    category: hullscan_diagnostics::Category::Style,
    fix: hullscan_diagnostics::FixAvailability::Always,
    summary: "test",
    docs: "test",
};

fn finding(fix: Fix) -> Diagnostic {
    Diagnostic::new(&TEST_RULE, "m", Location::File).with_fix(fix)
}

fn range(a: usize, b: usize) -> TextRange {
    TextRange::from_usize(a, b)
}

fn safe(edit: Edit) -> Diagnostic {
    finding(Fix::safe("t", edit))
}

#[test]
fn overlapping_and_touching_fixes_never_both_apply() {
    let text = "abcdef";
    let diagnostics = [
        safe(Edit::replacement("X", range(1, 3))),
        // Overlaps the first.
        safe(Edit::replacement("Y", range(2, 4))),
        // Touches the first at its end: deferred to the next round.
        safe(Edit::insertion("Z", hullscan_text::TextSize::new(3))),
        safe(Edit::deletion(range(5, 6))),
    ];
    let round = apply_round(text, &diagnostics, &FixOptions::default());
    assert_eq!(round.text, "aXde");
    assert_eq!(round.applied, vec![0, 3]);
    assert_eq!(round.skipped, 2);
}

#[test]
fn two_insertions_at_one_point_are_one_per_round() {
    let text = "RUN x\n";
    let at = hullscan_text::TextSize::new(5);
    let diagnostics = [
        safe(Edit::insertion(" -y", at)),
        safe(Edit::insertion(" -y", at)),
    ];
    let round = apply_round(text, &diagnostics, &FixOptions::default());
    assert_eq!(round.text, "RUN x -y\n");
    assert_eq!((round.applied.len(), round.skipped), (1, 1));
}

#[test]
fn applicability_threshold_and_display_only() {
    let text = "abc";
    let diagnostics = [
        finding(Fix::unsafe_edit("u", Edit::replacement("U", range(0, 1)))),
        finding(Fix::display_only("d", Edit::replacement("D", range(2, 3)))),
    ];
    assert_eq!(
        apply_round(text, &diagnostics, &FixOptions::new(false)).text,
        "abc"
    );
    assert_eq!(
        apply_round(text, &diagnostics, &FixOptions::new(true)).text,
        "Ubc"
    );
}

#[test]
fn an_unsafe_opt_in_applies_that_rules_unsafe_fixes_only() {
    static OTHER_RULE: RuleMeta = RuleMeta {
        code: "T002",
        ..TEST_RULE
    };
    let text = "abc";
    let diagnostics = [
        finding(Fix::unsafe_edit("u", Edit::replacement("U", range(0, 1)))),
        Diagnostic::new(&OTHER_RULE, "m", Location::File)
            .with_fix(Fix::unsafe_edit("v", Edit::replacement("V", range(1, 2)))),
        finding(Fix::display_only("d", Edit::replacement("D", range(2, 3)))),
    ];
    let options = FixOptions {
        unsafe_opt_in: &["T001"],
        ..FixOptions::new(false)
    };
    assert_eq!(apply_round(text, &diagnostics, &options).text, "Ubc");
}

#[test]
fn edits_that_do_not_fit_are_skipped_not_panicking() {
    let text = "é\u{1F600}";
    let diagnostics = [
        // Inside the two-byte é.
        safe(Edit::replacement("x", range(1, 2))),
        // Past the end.
        safe(Edit::replacement("x", range(4, 99))),
    ];
    let round = apply_round(text, &diagnostics, &FixOptions::default());
    assert_eq!(round.text, text);
    assert_eq!(round.skipped, 2);
}

#[test]
fn crlf_and_bom_are_kept() {
    let text = "\u{feff}FROM a\r\nRUN b\r\n";
    let diagnostics = [
        // An insertion at offset 0 goes after the BOM.
        safe(Edit::insertion(
            "# syntax=docker/dockerfile:1\n",
            hullscan_text::TextSize::new(0),
        )),
        // An edit inside the BOM is refused.
        safe(Edit::replacement("x", range(1, 2))),
    ];
    let round = apply_round(text, &diagnostics, &FixOptions::default());
    assert_eq!(
        round.text,
        "\u{feff}# syntax=docker/dockerfile:1\r\nFROM a\r\nRUN b\r\n"
    );
    assert_eq!(round.skipped, 1);
}

fn settings() -> LinterSettings {
    LinterSettings::default()
}

#[test]
fn fixes_a_dockerfile_until_stable_and_a_second_run_changes_nothing() {
    // Keyword casing (HS302), MAINTAINER (HS307), legacy ENV (HS314) and pip cache (HS257).
    let text = "FROM python:3.12 as build\nMAINTAINER me@example.com\nENV A b\nRUN pip install flask==3.0.0\n";
    let fixed = fix_dockerfile("Dockerfile", text, &settings(), &FixOptions::default());
    assert!(fixed.failure.is_none());
    assert!(fixed.converged);
    assert!(
        fixed.text.contains("FROM python:3.12 AS build\n"),
        "{}",
        fixed.text
    );
    assert!(fixed.text.contains("ENV A=b\n"), "{}", fixed.text);
    assert!(fixed.text.contains("--no-cache-dir"), "{}", fixed.text);
    assert!(!fixed.text.contains("MAINTAINER"), "{}", fixed.text);
    let per_rule = fixed.applied_per_rule();
    for code in ["HS257", "HS302", "HS307", "HS314"] {
        assert_eq!(per_rule.get(code), Some(&1), "{code}: {per_rule:?}");
    }
    // Nothing safe is left.
    assert!(
        fixed
            .remaining
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .all(|fix| fix.applicability != Applicability::Safe)
    );
    let again = fix_dockerfile(
        "Dockerfile",
        &fixed.text,
        &settings(),
        &FixOptions::default(),
    );
    assert_eq!(again.text, fixed.text);
    assert!(again.applied.is_empty());
}

#[test]
fn crlf_dockerfile_stays_crlf() {
    let text = "\u{feff}FROM alpine:3.20 as base\r\nMAINTAINER x\r\nRUN apk add curl=8.0.0-r0\r\n";
    let fixed = fix_dockerfile("Dockerfile", text, &settings(), &FixOptions::default());
    assert!(fixed.text.starts_with('\u{feff}'));
    assert!(!fixed.applied.is_empty());
    assert!(
        fixed
            .text
            .split('\n')
            .all(|line| line.is_empty() || line.ends_with('\r')),
        "{:?}",
        fixed.text
    );
    assert!(
        fixed.text.contains("apk add --no-cache"),
        "{:?}",
        fixed.text
    );
}

#[test]
fn a_fix_that_breaks_the_syntax_is_refused() {
    let text = "FROM a\nRUN b\n";
    // `ENV b` (a key without a value) is a syntax error for BuildKit.
    assert!(dockerfile_syntax_errors(text).is_empty());
    assert!(!dockerfile_syntax_errors("FROM a\nENV b\n").is_empty());
    let mut lint = |current: &str| {
        if current.contains("RUN b") {
            vec![safe(Edit::replacement("ENV", range(7, 10)))]
        } else {
            Vec::new()
        }
    };
    let result = fix_text(
        text,
        &FixOptions::default(),
        &mut lint,
        &dockerfile_syntax_errors,
    );
    assert_eq!(result.text, text);
    assert!(result.failure.is_some());
    assert!(result.applied.is_empty());
}

#[test]
fn a_fix_that_keeps_re_triggering_stops_at_the_bound() {
    let text = "x";
    let mut calls = 0;
    let mut lint = |current: &str| {
        calls += 1;
        vec![safe(Edit::insertion(
            "x",
            hullscan_text::TextSize::new(current.len() as u32),
        ))]
    };
    let options = FixOptions {
        max_rounds: 4,
        ..FixOptions::default()
    };
    let result = fix_text(text, &options, &mut lint, &|_| Vec::new());
    assert_eq!(result.text, "xxxxx");
    assert_eq!(result.rounds, 4);
    assert!(!result.converged);
    assert_eq!(calls, 5);
}

#[test]
fn fixes_that_undo_each_other_stop() {
    let mut lint = |current: &str| {
        let replacement = if current == "a" { "b" } else { "a" };
        vec![safe(Edit::replacement(replacement, range(0, 1)))]
    };
    let result = fix_text("a", &FixOptions::default(), &mut lint, &|_| Vec::new());
    assert!(!result.converged);
    assert!(result.rounds < DEFAULT_MAX_ROUNDS);
}

#[test]
fn unified_diff_has_headers_and_hunks() {
    let diff = unified_diff("Dockerfile", "FROM a\nMAINTAINER x\n", "FROM a\n");
    assert!(
        diff.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n"),
        "{diff}"
    );
    assert!(diff.contains("-MAINTAINER x\n"), "{diff}");
    assert_eq!(unified_diff("D", "same", "same"), "");
}

fn only(code: &str) -> LinterSettings {
    LinterSettings::for_rule(hullscan_linter::registry::by_code(code).expect("known rule"))
}

#[test]
fn non_root_user_fix_follows_the_distribution() {
    let unsafe_fixes = FixOptions::new(true);
    let cases = [
        (
            "FROM alpine:3.20\nCOPY app /app\nCMD [\"/app\"]\n",
            Some(
                "COPY app /app\nRUN addgroup -S -g 10001 app && adduser -S -D -u 10001 -G app app\nUSER 10001:10001\nCMD [\"/app\"]\n",
            ),
        ),
        (
            "FROM debian:12-slim\nRUN true\nEXPOSE 8080\nCMD [\"/app\"]\n",
            Some(
                "RUN true\nRUN groupadd -r -g 10001 app && useradd -r -u 10001 -g app --no-log-init app\nUSER 10001:10001\nEXPOSE 8080\n",
            ),
        ),
        (
            "FROM gcr.io/distroless/static-debian12\nCOPY app /app\nENTRYPOINT [\"/app\"]\n",
            Some("COPY app /app\nUSER 65532:65532\nENTRYPOINT"),
        ),
        // The distribution is unknown: no fix.
        ("FROM example.com/base:1\nCMD [\"/app\"]\n", None),
        // The last build step continues into the end of the file: an added line would join it.
        ("FROM alpine:3.20\nCMD [\"/app\"]\nENV A=b \\\n", None),
    ];
    for (text, expected) in cases {
        let safe = fix_dockerfile("Dockerfile", text, &only("HS103"), &FixOptions::default());
        assert_eq!(safe.text, text, "an unsafe fix applied without being asked");
        let fixed = fix_dockerfile("Dockerfile", text, &only("HS103"), &unsafe_fixes);
        match expected {
            Some(wanted) => {
                assert!(fixed.text.contains(wanted), "{}", fixed.text);
                assert!(fixed.remaining.is_empty(), "{:?}", fixed.remaining);
            }
            None => assert_eq!(fixed.text, text),
        }
    }
}

#[test]
fn healthcheck_skeleton_is_applied_only_where_its_tool_exists() {
    let unsafe_fixes = FixOptions::new(true);
    // HS407 asks only images that carry the application from the build context.
    let alpine = "FROM alpine:3.20\nRUN apk add --no-cache nginx\nCOPY site/ /usr/share/nginx/html/\nEXPOSE 3000\nCMD [\"nginx\"]\n";
    let fixed = fix_dockerfile("Dockerfile", alpine, &only("HS407"), &unsafe_fixes);
    assert!(
        fixed.text.contains(
            "html/\nHEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD wget -q --spider http://localhost:3000/ || exit 1\nEXPOSE 3000"
        ),
        "{}",
        fixed.text
    );
    // Debian without curl: the skeleton is only shown.
    let debian = "FROM debian:12-slim\nCOPY site/ /srv/\nEXPOSE 80\nCMD [\"nginx\"]\n";
    let shown = fix_dockerfile("Dockerfile", debian, &only("HS407"), &unsafe_fixes);
    assert_eq!(shown.text, debian);
    let fix = shown.remaining[0].fix.as_ref().expect("a shown fix");
    assert_eq!(fix.applicability, Applicability::DisplayOnly);
    assert!(
        fix.edits()[0]
            .content
            .contains("curl -fsS http://localhost:80/")
    );
    // With curl installed, it applies.
    let with_curl = "FROM debian:12-slim\nRUN apt-get install -y curl\nCOPY site/ /srv/\nEXPOSE 80\nCMD [\"nginx\"]\n";
    let fixed = fix_dockerfile("Dockerfile", with_curl, &only("HS407"), &unsafe_fixes);
    assert!(fixed.text.contains("CMD curl -fsS"), "{}", fixed.text);
}
