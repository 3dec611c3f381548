//! Findings as hullscan diagnostics, so every output format the other commands have (SARIF,
//! checkstyle, GitLab, GitHub annotations, JUnit, ...) renders them, and `hullscan image` shows
//! them with its other findings.

use hullscan_diagnostics::{Diagnostic, ImageLocation, LayerRef, Location, Severity};
use hullscan_vulndb::Level;

use crate::{VULNERABLE_PACKAGE, VulnFinding};

/// The diagnostic severity for an advisory level: CRITICAL and HIGH are errors, MEDIUM a
/// warning, the rest (LOW, NONE, UNKNOWN, informational notices) info.
pub fn diagnostic_severity(finding: &VulnFinding) -> Severity {
    if finding.informational.is_some() {
        return Severity::Info;
    }
    match finding.level() {
        Level::Critical | Level::High => Severity::Error,
        Level::Medium => Severity::Warning,
        Level::Low | Level::None | Level::Unknown => Severity::Info,
    }
}

/// One line: `ID (ALIASES) in PACKAGE VERSION: LEVEL (SOURCE SCORE), fixed in X: SUMMARY`.
pub fn message(finding: &VulnFinding) -> String {
    let mut text = finding.id.clone();
    if !finding.aliases.is_empty() {
        text.push_str(&format!(" ({})", finding.aliases.join(", ")));
    }
    text.push_str(&format!(" in {} {}", finding.package, finding.installed));
    if !finding.binaries.is_empty() {
        let names: Vec<&str> = finding
            .binaries
            .iter()
            .map(|b| b.split(' ').next().unwrap_or(b))
            .collect();
        if names != [finding.package.as_str()] {
            text.push_str(&format!(" [{}]", names.join(", ")));
        }
    }
    match &finding.informational {
        Some(kind) => text.push_str(&format!(": {kind} notice")),
        None => text.push_str(&format!(": {}", severity_text(finding))),
    }
    match &finding.fixed {
        Some(fixed) => text.push_str(&format!(", fixed in {fixed}")),
        None => text.push_str(", no fix yet"),
    }
    if !finding.summary.trim().is_empty() {
        text.push_str(": ");
        text.push_str(finding.summary.trim());
    }
    text
}

/// `HIGH (CVSS_V3 7.5)`, `MEDIUM (GHSA)` or `UNKNOWN`.
pub fn severity_text(finding: &VulnFinding) -> String {
    match &finding.severity {
        Some(severity) => match severity.score {
            Some(score) => format!(
                "{} ({} {score:.1})",
                severity.level.as_str(),
                severity.source
            ),
            None => format!("{} ({})", severity.level.as_str(), severity.source),
        },
        None => "UNKNOWN".to_owned(),
    }
}

/// The diagnostic for `finding` in `subject` (the image reference, directory or SBOM named by
/// the user); `layers` are the subject's layer diff IDs when known.
pub fn to_diagnostic(finding: &VulnFinding, subject: &str, layers: &[String]) -> Diagnostic {
    let layer = finding.layer.map(|index| LayerRef {
        index: u32::try_from(index).unwrap_or(u32::MAX),
        digest: layers.get(index).cloned().unwrap_or_default(),
    });
    let location = Location::Image(ImageLocation {
        image: subject.to_owned(),
        layer,
        path: finding.evidence.first().map(|p| format!("/{p}")),
        config_pointer: None,
    });
    let help = match &finding.fixed {
        Some(fixed) => format!("upgrade {} to {fixed} or later", finding.package),
        None => format!(
            "no fixed version of {} is known yet; record why it is accepted (ignore file or VEX) or remove the package",
            finding.package
        ),
    };
    let mut diagnostic = Diagnostic::new(&VULNERABLE_PACKAGE, message(finding), location)
        .with_help(help)
        .with_fingerprint(format!(
            "{}:{}:{}:{}",
            finding.id, finding.ecosystem, finding.package, finding.installed
        ));
    diagnostic.severity = diagnostic_severity(finding);
    diagnostic
}
