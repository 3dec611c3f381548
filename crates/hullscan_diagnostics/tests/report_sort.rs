//! `FileReport::sort`: findings by position, then code, then message, and findings equal on
//! all three keep the order they were reported in.

use std::borrow::Cow;

use hullscan_diagnostics::{Diagnostic, FileReport, Location, Severity, Subject};
use hullscan_text::{TextRange, TextSize};

fn finding(location: Location, code: &'static str, message: &str, tag: &str) -> Diagnostic {
    Diagnostic {
        code: Cow::Borrowed(code),
        name: Cow::Borrowed("a-rule"),
        aliases: &[],
        severity: Severity::Warning,
        message: message.to_owned(),
        location,
        help: Some(tag.to_owned()),
        related: Vec::new(),
        fix: None,
        fingerprint: None,
    }
}

fn at(start: u32, end: u32) -> Location {
    Location::Text(TextRange::new(TextSize::new(start), TextSize::new(end)))
}

fn report(diagnostics: Vec<Diagnostic>) -> FileReport {
    FileReport {
        path: "Dockerfile".to_owned(),
        subject: Subject::File,
        source: None,
        diagnostics,
    }
}

fn tags(report: &FileReport) -> Vec<&str> {
    report
        .diagnostics
        .iter()
        .map(|d| d.help.as_deref().unwrap())
        .collect()
}

#[test]
fn sorts_by_position_code_and_message_keeping_ties_in_order() {
    let mut report = report(vec![
        finding(at(5, 6), "HS2", "b", "tie-first"),
        finding(at(1, 2), "HS1", "a", "one-two"),
        finding(at(5, 6), "HS2", "b", "tie-second"),
        finding(Location::File, "HS9", "z", "file"),
        finding(at(5, 6), "HS1", "z", "five-hs1"),
        finding(at(1, 3), "HS1", "a", "one-three"),
        finding(at(5, 6), "HS2", "a", "five-hs2-a"),
    ]);
    report.sort();
    assert_eq!(
        tags(&report),
        [
            "file",
            "one-two",
            "one-three",
            "five-hs1",
            "five-hs2-a",
            "tie-first",
            "tie-second"
        ]
    );
}

#[test]
fn sorts_many_findings_and_leaves_sorted_ones_alone() {
    // Reversed, with every position twice: the copy reported first stays first.
    let mut diagnostics = Vec::new();
    for position in (0..1000u32).rev() {
        let first = format!("{position}-first");
        let second = format!("{position}-second");
        diagnostics.push(finding(at(position, position + 1), "HS1", "m", &first));
        diagnostics.push(finding(at(position, position + 1), "HS1", "m", &second));
    }
    let mut report = report(diagnostics);
    report.sort();
    let expected: Vec<String> = (0..1000)
        .flat_map(|position| [format!("{position}-first"), format!("{position}-second")])
        .collect();
    assert_eq!(tags(&report), expected);
    report.sort();
    assert_eq!(tags(&report), expected);
}
