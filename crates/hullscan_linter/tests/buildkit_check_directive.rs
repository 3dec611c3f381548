//! BuildKit's `# check=` configuration as hullscan applies it: `skip` (by name and `all`),
//! `error=true`, `experimental=`, the `BUILDKIT_DOCKERFILE_CHECK` build arg that replaces the
//! directive, and the per-instruction `# check=` comment with BuildKit's exceptions.

use hullscan_diagnostics::{Diagnostic, Severity};
use hullscan_linter::LinterSettings;
use hullscan_text::SourceFile;

fn lint(text: &str, settings: &LinterSettings) -> (SourceFile, Vec<Diagnostic>) {
    let parse = hullscan_dockerfile::parse(text);
    let model = hullscan_semantic::SemanticModel::new(&parse.dockerfile);
    let source = SourceFile::new("Dockerfile", text);
    let diagnostics = hullscan_linter::check_dockerfile(&source, &parse, &model, settings);
    (source, diagnostics)
}

/// `(code, line)` of every finding, sorted.
fn found(text: &str, settings: &LinterSettings) -> Vec<(String, u32)> {
    let (source, diagnostics) = lint(text, settings);
    let mut out: Vec<(String, u32)> = diagnostics
        .iter()
        .filter_map(|d| {
            Some((
                d.code.to_string(),
                source.line_column(d.range()?.start()).line,
            ))
        })
        .collect();
    out.sort();
    out
}

fn has(found: &[(String, u32)], code: &str, line: u32) -> bool {
    found.iter().any(|(c, l)| c == code && *l == line)
}

const CASING: &str = "FROM alpine:3.20 as base\nMAINTAINER me\nFROM node\n";

#[test]
fn without_a_directive_the_checks_report_warnings_and_errors_as_declared() {
    let (_, diagnostics) = lint(CASING, &LinterSettings::default());
    let from_as = diagnostics
        .iter()
        .find(|d| d.code == "HS302")
        .expect("FromAsCasing fires");
    assert_eq!(from_as.severity, Severity::Warning);
    assert!(diagnostics.iter().any(|d| d.code == "HS307"));
}

#[test]
fn error_true_makes_buildkit_findings_errors_and_leaves_other_rules_alone() {
    let text = format!("# check=error=true\n{CASING}");
    let (_, diagnostics) = lint(&text, &LinterSettings::default());
    let from_as = diagnostics
        .iter()
        .find(|d| d.code == "HS302")
        .expect("FromAsCasing fires");
    assert_eq!(from_as.severity, Severity::Error);
    // HS101 (untagged base image) is hadolint's DL3006, not a build check: the build does not
    // fail on it, so its severity stays.
    let untagged = diagnostics
        .iter()
        .find(|d| d.code == "HS101")
        .expect("HS101 fires");
    assert_eq!(untagged.severity, Severity::Warning);

    // `error=false` (Go's ParseBool spellings) changes nothing.
    let text = format!("# check=error=F\n{CASING}");
    let (_, diagnostics) = lint(&text, &LinterSettings::default());
    assert_eq!(
        diagnostics
            .iter()
            .find(|d| d.code == "HS302")
            .unwrap()
            .severity,
        Severity::Warning
    );
}

#[test]
fn skip_all_skips_every_build_check_but_not_other_rules() {
    let text = format!("# check=skip=all\n{CASING}");
    let found = found(&text, &LinterSettings::default());
    for code in ["HS302", "HS307"] {
        assert!(
            !found.iter().any(|(c, _)| c == code),
            "{code} should be skipped: {found:?}"
        );
    }
    assert!(has(&found, "HS101", 4), "{found:?}");

    // Skipping by name is exact: the other checks still run.
    let text = format!("# check=skip=FromAsCasing\n{CASING}");
    let found = self::found(&text, &LinterSettings::default());
    assert!(!found.iter().any(|(c, _)| c == "HS302"));
    assert!(has(&found, "HS307", 3), "{found:?}");
}

#[test]
fn the_build_arg_replaces_the_directive() {
    let text = format!("# check=skip=all\n{CASING}");
    let mut settings = LinterSettings::default();
    settings.buildkit_check_override = Some("skip=MaintainerDeprecated;error=true".into());
    let (_, diagnostics) = lint(&text, &settings);
    let from_as = diagnostics
        .iter()
        .find(|d| d.code == "HS302")
        .expect("not skipped any more");
    assert_eq!(from_as.severity, Severity::Error);
    assert!(!diagnostics.iter().any(|d| d.code == "HS307"));
}

#[test]
fn one_alias_skips_all_three_multiple_instruction_rules() {
    let body = "FROM alpine:3.20\nCMD [\"a\"]\nCMD [\"b\"]\nENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\nHEALTHCHECK NONE\nHEALTHCHECK NONE\n";
    let found = self::found(body, &LinterSettings::default());
    for (code, line) in [("HS311", 2), ("HS312", 4), ("HS313", 6)] {
        assert!(has(&found, code, line), "{code}: {found:?}");
    }
    let text = format!("# check=skip=MultipleInstructionsDisallowed\n{body}");
    let found = self::found(&text, &LinterSettings::default());
    assert!(
        !found
            .iter()
            .any(|(c, _)| ["HS311", "HS312", "HS313"].contains(&c.as_str())),
        "{found:?}"
    );
}

#[test]
fn per_instruction_comments_follow_buildkit() {
    // A comment skips the check for its instruction only.
    let text = "FROM alpine:3.20\n# check=skip=MaintainerDeprecated\nMAINTAINER a\nMAINTAINER b\n";
    let found = self::found(text, &LinterSettings::default());
    assert!(
        !has(&found, "HS307", 3) && has(&found, "HS307", 4),
        "{found:?}"
    );

    // ... but not the checks BuildKit runs over the whole file.
    let text = "FROM alpine:3.20\nCOPY a /a\n# check=skip=ConsistentInstructionCasing\ncopy b /b\n";
    let found = self::found(text, &LinterSettings::default());
    assert!(has(&found, "HS304", 4), "{found:?}");

    // A repeated CMD is reported at the earlier one but decided by the later one's comment.
    let text =
        "FROM alpine:3.20\nCMD [\"a\"]\n# check=skip=MultipleInstructionsDisallowed\nCMD [\"b\"]\n";
    let found = self::found(text, &LinterSettings::default());
    assert!(!found.iter().any(|(c, _)| c == "HS311"), "{found:?}");
    let text =
        "FROM alpine:3.20\n# check=skip=MultipleInstructionsDisallowed\nCMD [\"a\"]\nCMD [\"b\"]\n";
    let found = self::found(text, &LinterSettings::default());
    assert!(has(&found, "HS311", 3), "{found:?}");
}

#[test]
fn experimental_checks_run_only_when_the_directive_enables_them_and_ignore_skip() {
    let body = "# not a description\nARG VERSION=1\nFROM alpine:3.20\n";
    assert!(
        !found(body, &LinterSettings::default())
            .iter()
            .any(|(c, _)| c == "HS319")
    );

    let text = format!("# check=experimental=InvalidDefinitionDescription\n{body}");
    assert!(has(&found(&text, &LinterSettings::default()), "HS319", 3));

    let text = format!("# check=skip=all;experimental=all\n{body}");
    assert!(has(&found(&text, &LinterSettings::default()), "HS319", 3));
}
