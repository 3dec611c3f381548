//! One Dockerfile's text in, its sorted report out: the call every front end makes (`hullscan
//! lint`, the language server), so they agree on every finding.

use std::sync::Arc;

use hullscan_diagnostics::{Diagnostic, FileReport};
use hullscan_dockerfile::Parse;
use hullscan_semantic::SemanticModel;
use hullscan_shell::shellcheck::ShellcheckError;
use hullscan_text::SourceFile;

use crate::checker::{CheckExtras, check_dockerfile, check_dockerfile_with};
use crate::settings::LinterSettings;

/// Lints `text` (already parsed into `parse`) reported under `name`: every enabled rule,
/// suppressions and overrides, findings sorted by position.
pub fn lint_parsed(
    name: String,
    text: String,
    parse: &Parse,
    settings: &LinterSettings,
    extras: CheckExtras<'_>,
) -> Result<FileReport, ShellcheckError> {
    let source = SourceFile::new(name, text);
    let model = SemanticModel::new(&parse.dockerfile);
    let diagnostics = check_dockerfile_with(&source, parse, &model, settings, extras)?;
    Ok(sorted_report(source, diagnostics))
}

/// [`lint_parsed`] for text not parsed yet, with no extras (no ShellCheck, no build context):
/// what an editor asks for on every keystroke.
pub fn lint_text(name: String, text: String, settings: &LinterSettings) -> FileReport {
    let parse = hullscan_dockerfile::parse(&text);
    let source = SourceFile::new(name, text);
    let model = SemanticModel::new(&parse.dockerfile);
    let diagnostics = check_dockerfile(&source, &parse, &model, settings);
    sorted_report(source, diagnostics)
}

/// The report, sorted; it keeps the text only when there are findings, so clean files cost no
/// memory on big trees.
fn sorted_report(source: SourceFile, diagnostics: Vec<Diagnostic>) -> FileReport {
    let mut report = FileReport::for_source(Arc::new(source), diagnostics);
    report.sort();
    if report.diagnostics.is_empty() {
        report.source = None;
    }
    report
}
