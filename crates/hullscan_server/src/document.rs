//! One open document: its text, its latest findings, and what the editor asks about them.

use std::collections::HashMap;
use std::path::PathBuf;

use hullscan_diagnostics::{Applicability, Diagnostic, Location, Severity, apply_fixes};
use hullscan_linter::registry;
use hullscan_render::{Newlines, safe_text};
use hullscan_text::{TextRange, TextSize};
use hullscan_workspace::{CliOverrides, ConfigMode, Resolver};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, DiagnosticSeverity, Hover, HoverContents,
    MarkupContent, MarkupKind, NumberOrString, Position, PublishDiagnosticsParams, Range, TextEdit,
    Url, WorkspaceEdit,
};

use crate::kind::FileKind;
use crate::position::PositionMap;

/// Where the server's findings come from, as editors show it next to each one.
const SOURCE: &str = "hullscan";

pub struct Document {
    uri: Url,
    kind: FileKind,
    version: i32,
    text: String,
    /// The file's path when the URI is a `file:` one; configuration is discovered from it.
    path: Option<PathBuf>,
    findings: Vec<Diagnostic>,
    /// Why no findings could be computed (an invalid `hullscan.toml`), shown as one finding.
    config_error: Option<String>,
}

impl Document {
    /// A document the server lints, linted; `None` for a kind of file it does not lint.
    pub fn open(uri: Url, language_id: &str, version: i32, text: String) -> Option<Document> {
        let path = uri.to_file_path().ok();
        let kind = FileKind::detect(language_id, path.as_deref())?;
        let mut document = Document {
            uri,
            kind,
            version,
            text,
            path,
            findings: Vec::new(),
            config_error: None,
        };
        document.lint();
        Some(document)
    }

    /// Takes the document's new full text and lints it again.
    pub fn update(&mut self, version: i32, text: String) {
        self.version = version;
        self.text = text;
        self.lint();
    }

    /// Lints with the configuration as it is on disk now, so an edited `hullscan.toml` applies
    /// on the next keystroke without restarting the server.
    fn lint(&mut self) {
        // An unsaved buffer gets the configuration of the server's working directory.
        let path = self
            .path
            .clone()
            .unwrap_or_else(|| PathBuf::from("Dockerfile"));
        let settings = Resolver::new(ConfigMode::Discover, CliOverrides::default())
            .and_then(|resolver| resolver.settings_for(&path));
        match settings {
            Ok(settings) => {
                let name = path.to_string_lossy().into_owned();
                let report = self.kind.lint(name, self.text.clone(), &path, &settings);
                self.findings = report.diagnostics;
                self.config_error = None;
            }
            Err(err) => {
                self.findings = Vec::new();
                self.config_error = Some(err.to_string());
            }
        }
    }

    pub fn publish_params(&self) -> PublishDiagnosticsParams {
        let map = PositionMap::new(&self.text);
        let mut diagnostics: Vec<lsp_types::Diagnostic> = self
            .findings
            .iter()
            .map(|finding| to_lsp(finding, &map))
            .collect();
        if let Some(message) = &self.config_error {
            diagnostics.push(lsp_types::Diagnostic {
                range: Range::default(),
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some(SOURCE.to_owned()),
                message: format!(
                    "configuration error, nothing checked: {}",
                    safe_text(message, Newlines::Keep)
                ),
                ..lsp_types::Diagnostic::default()
            });
        }
        PublishDiagnosticsParams {
            uri: self.uri.clone(),
            diagnostics,
            version: Some(self.version),
        }
    }

    /// The findings under `position`, each with its rule's documentation.
    pub fn hover(&self, position: Position) -> Option<Hover> {
        let map = PositionMap::new(&self.text);
        let offset = map.offset(position);
        let here: Vec<&Diagnostic> = self
            .findings
            .iter()
            .filter(|finding| {
                finding
                    .range()
                    .is_some_and(|range| range.start() <= offset && offset <= range.end())
            })
            .collect();
        let first = here.first()?;
        let mut markdown = String::new();
        let mut explained: Vec<&str> = Vec::new();
        for finding in &here {
            markdown.push_str(&format!(
                "**{}** `{}`: {}\n\n",
                finding.code,
                finding.name,
                safe_text(&finding.message, Newlines::Keep)
            ));
            if let Some(help) = &finding.help {
                markdown.push_str(&format!("{}\n\n", safe_text(help, Newlines::Keep)));
            }
        }
        for finding in &here {
            if explained.contains(&finding.code.as_ref()) {
                continue;
            }
            explained.push(&finding.code);
            if let Some(rule) = registry::by_code(&finding.code) {
                markdown.push_str("---\n\n");
                markdown.push_str(&registry::explanation(rule));
                markdown.push('\n');
            }
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: markdown.trim_end().to_owned(),
            }),
            range: first.range().map(|range| map.range(range)),
        })
    }

    /// Quick fixes for the findings touching `range`, and one action applying every safe fix of
    /// the file, limited to the kinds in `only` when the editor names some.
    pub fn code_actions(
        &self,
        range: Range,
        only: Option<&[CodeActionKind]>,
    ) -> Vec<CodeActionOrCommand> {
        let map = PositionMap::new(&self.text);
        let wanted = map.text_range(range);
        let mut actions = Vec::new();
        if kind_wanted(only, &CodeActionKind::QUICKFIX) {
            for finding in &self.findings {
                let Some(fix) = &finding.fix else { continue };
                // Display-only fixes are suggestions (a skeleton to fill in), never applied.
                if fix.applicability == Applicability::DisplayOnly {
                    continue;
                }
                let touches = [finding.range(), fix.range()]
                    .into_iter()
                    .flatten()
                    .any(|range| touching(range, wanted));
                if !touches {
                    continue;
                }
                let edits = fix
                    .edits()
                    .iter()
                    .map(|edit| TextEdit {
                        range: map.range(edit.range),
                        new_text: edit.content.to_string(),
                    })
                    .collect();
                let safe = fix.applicability == Applicability::Safe;
                let title = if safe {
                    format!("{} ({})", fix.title, finding.code)
                } else {
                    format!("{} ({}, unsafe fix)", fix.title, finding.code)
                };
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![to_lsp(finding, &map)]),
                    edit: Some(self.edit(edits)),
                    is_preferred: Some(safe),
                    ..CodeAction::default()
                }));
            }
        }
        let fix_all = crate::fix_all_kind();
        if kind_wanted(only, &fix_all) {
            let outcome = apply_fixes(
                &self.text,
                self.findings
                    .iter()
                    .filter_map(|finding| finding.fix.as_ref()),
                Applicability::Safe,
            );
            if outcome.applied > 0 {
                let whole = TextRange::new(TextSize::ZERO, TextSize::of(&self.text));
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Apply every safe hullscan fix ({})", outcome.applied),
                    kind: Some(fix_all),
                    edit: Some(self.edit(vec![TextEdit {
                        range: map.range(whole),
                        new_text: outcome.text,
                    }])),
                    ..CodeAction::default()
                }));
            }
        }
        actions
    }

    fn edit(&self, edits: Vec<TextEdit>) -> WorkspaceEdit {
        WorkspaceEdit {
            changes: Some(HashMap::from([(self.uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }
    }
}

/// Whether the editor's `only` filter admits `kind`: no filter, or a kind equal to it or a
/// parent of it (`source` admits `source.fixAll.hullscan`).
fn kind_wanted(only: Option<&[CodeActionKind]>, kind: &CodeActionKind) -> bool {
    only.is_none_or(|only| {
        only.iter().any(|parent| {
            let (parent, kind) = (parent.as_str(), kind.as_str());
            kind == parent
                || kind
                    .strip_prefix(parent)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    })
}

/// Whether two ranges overlap or touch (a cursor at a finding's end still offers its fix).
fn touching(a: TextRange, b: TextRange) -> bool {
    a.start() <= b.end() && b.start() <= a.end()
}

fn to_lsp(finding: &Diagnostic, map: &PositionMap<'_>) -> lsp_types::Diagnostic {
    let range = match finding.location {
        Location::Text(range) => map.range(range),
        // A finding on the whole file sits at its start.
        Location::File | Location::Image(_) => Range::default(),
    };
    let severity = match finding.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Style => DiagnosticSeverity::HINT,
    };
    lsp_types::Diagnostic {
        range,
        severity: Some(severity),
        code: Some(NumberOrString::String(finding.code.to_string())),
        source: Some(SOURCE.to_owned()),
        // Messages quote the file; one that quotes a credential shows it masked, as the CLI does.
        message: safe_text(&finding.message, Newlines::Keep).into_owned(),
        ..lsp_types::Diagnostic::default()
    }
}
