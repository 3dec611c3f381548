//! Selection, suppression and severity for findings on YAML files (Kubernetes manifests, and
//! Compose files through the same call).
//!
//! Suppressions:
//! - `# hullscan ignore=HS801,missing-readiness-probe` at the end of a line: that line and the
//!   lines indented under it (a comment after `securityContext:` covers the whole block);
//! - the same comment on a line of its own: the next line that holds YAML, and the lines
//!   indented under it;
//! - `# hullscan global ignore=...`: the whole file;
//! - scoped ignores the caller reads from the file (the Kubernetes annotation
//!   `hullscan.dev/ignore: CODE,...` covers its object).
//!
//! Names resolve through the registry (codes, names, aliases); an unknown one is an
//! `unknown-rule-in-suppression` finding. `disable-ignore-pragma` turns comments off (annotations
//! stay: they are configuration the object carries).

use hullscan_diagnostics::{Diagnostic, Location};
use hullscan_text::{SourceFile, TextRange};

use crate::registry::{self, RuleSet};
use crate::rules::tool::UNKNOWN_RULE_IN_SUPPRESSION;
use crate::settings::LinterSettings;

/// Rule names that apply to a byte range of the file.
#[derive(Clone, Debug)]
pub struct ScopedIgnore {
    pub scope: TextRange,
    /// Each name as written, with where it is written.
    pub names: Vec<(String, TextRange)>,
}

/// Keeps the findings of enabled rules that no suppression covers, with the configured
/// severities, plus findings about unknown names in suppressions. Sorted by position.
pub fn finish(
    source: &SourceFile,
    comments: &[hullscan_yaml::Comment],
    scoped: &[ScopedIgnore],
    diagnostics: Vec<Diagnostic>,
    settings: &LinterSettings,
) -> Vec<Diagnostic> {
    let mut ignores: Vec<(TextRange, RuleSet)> = Vec::new();
    let mut problems = Vec::new();
    let mut resolve = |names: &[(String, TextRange)], scope: TextRange| {
        let mut rules = RuleSet::EMPTY;
        for (name, range) in names {
            match registry::lookup_exact(name) {
                Ok(selection) => rules = rules.union(&selection.rules()),
                Err(unknown) => problems.push(
                    Diagnostic::new(
                        &UNKNOWN_RULE_IN_SUPPRESSION,
                        format!("Suppression names an {unknown}"),
                        Location::Text(*range),
                    )
                    .with_help("Run `hullscan rules` to list codes, names and aliases"),
                ),
            }
        }
        ignores.push((scope, rules));
    };
    for ignore in scoped {
        resolve(&ignore.names, ignore.scope);
    }
    if !settings.disable_ignore_pragma {
        let text = source.text();
        for comment in comments {
            if let Some((global, names)) = parse_pragma(text, comment) {
                let scope = if global {
                    TextRange::from_usize(0, text.len())
                } else {
                    comment_scope(text, comment)
                };
                resolve(&names, scope);
            }
        }
    }
    let mut kept: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| registry::by_code(&d.code).is_none_or(|rule| settings.is_enabled(rule)))
        .filter(|d| {
            let Some(index) = registry::index_of_code(&d.code) else {
                return true;
            };
            let start = d.range().map(|r| r.start());
            !ignores.iter().any(|(scope, rules)| {
                rules.contains(index)
                    && start.is_some_and(|s| scope.contains(s) || scope.end() == s)
            })
        })
        .map(|mut d| {
            if let Some(rule) = registry::by_code(&d.code) {
                d.severity = settings.severity_of(rule);
            }
            d
        })
        .collect();
    if settings.is_enabled(&UNKNOWN_RULE_IN_SUPPRESSION) {
        for mut problem in problems {
            problem.severity = settings.severity_of(&UNKNOWN_RULE_IN_SUPPRESSION);
            kept.push(problem);
        }
    }
    kept.sort_by_key(|d| d.range().map(|r| (r.start(), r.end())));
    kept
}

/// `hullscan ignore=A,B` / `hullscan: ignore=A` / `hullscan global ignore=A`: whether global,
/// and the names with their ranges.
fn parse_pragma(
    text: &str,
    comment: &hullscan_yaml::Comment,
) -> Option<(bool, Vec<(String, TextRange)>)> {
    // The comment's text starts after `#` and leading blanks.
    let hash = comment.location.offset;
    let line_end = text[hash..].find('\n').map_or(text.len(), |i| hash + i);
    let body = &text[hash + 1..line_end];
    let body_start = hash + 1 + (body.len() - body.trim_start().len());
    let rest = strip_word(&text[body_start..line_end], "hullscan")?;
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
    let (global, rest) = match strip_word(rest, "global") {
        Some(after) => (true, after.trim_start()),
        None => (false, rest),
    };
    let list = strip_word(rest, "ignore")?.trim_start().strip_prefix('=')?;
    let list = list.trim_start();
    let list = list.split_whitespace().next()?;
    let mut names = Vec::new();
    // `list` is a slice of `text`: its offset is the distance between their starts.
    let mut offset = list.as_ptr() as usize - text.as_ptr() as usize;
    for part in list.split(',') {
        if !part.is_empty() {
            names.push((
                part.to_owned(),
                TextRange::from_usize(offset, offset + part.len()),
            ));
        }
        offset += part.len() + 1;
    }
    (!names.is_empty()).then_some((global, names))
}

fn strip_word<'t>(text: &'t str, word: &str) -> Option<&'t str> {
    let head = text.get(..word.len())?;
    head.eq_ignore_ascii_case(word).then(|| &text[word.len()..])
}

/// The lines a non-global pragma covers: its own line when it trails YAML, else the next line
/// holding YAML; with every following line indented deeper than that line (blank and comment
/// lines included).
fn comment_scope(text: &str, comment: &hullscan_yaml::Comment) -> TextRange {
    let hash = comment.location.offset;
    let line_start = text[..hash].rfind('\n').map_or(0, |i| i + 1);
    let trails = !text[line_start..hash].trim().is_empty();
    let mut lines = LineIter::new(text, line_start);
    let (first_start, first_end, indent) = if trails {
        let (start, end) = lines.next_line().unwrap_or((line_start, text.len()));
        (start, end, indentation(&text[start..end]))
    } else {
        lines.next_line();
        loop {
            match lines.next_line() {
                None => return TextRange::from_usize(hash, hash),
                Some((start, end)) => {
                    let line = &text[start..end];
                    let trimmed = line.trim_start();
                    if trimmed.is_empty() || trimmed.starts_with('#') {
                        continue;
                    }
                    break (start, end, indentation(line));
                }
            }
        }
    };
    let mut scope_end = first_end;
    while let Some((start, end)) = lines.next_line() {
        let line = &text[start..end];
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        // A list item at the same indentation as its key still belongs to it (`key:\n- a`).
        let deeper = indentation(line) > indent
            || (indentation(line) == indent
                && trimmed.starts_with("- ")
                && !text[first_start..first_end].trim_start().starts_with("- "));
        if !deeper {
            break;
        }
        scope_end = end;
    }
    TextRange::from_usize(first_start, scope_end)
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// Lines (start, end without the line break) from a line start.
struct LineIter<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> LineIter<'t> {
    fn new(text: &'t str, at: usize) -> Self {
        LineIter { text, at }
    }

    fn next_line(&mut self) -> Option<(usize, usize)> {
        if self.at >= self.text.len() {
            return None;
        }
        let start = self.at;
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        self.at = end + 1;
        let end = if self.text[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        Some((start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope_text(text: &str) -> Vec<String> {
        let stream = hullscan_yaml::parse(text).unwrap();
        stream
            .comments
            .iter()
            .map(|c| text[comment_scope(text, c).to_range()].to_owned())
            .collect()
    }

    #[test]
    fn own_line_comment_covers_the_next_node_and_its_block() {
        let text = "a:\n  # hullscan ignore=HS801\n  b:\n    c: 1\n  d: 2\n";
        assert_eq!(scope_text(text), ["  b:\n    c: 1"]);
    }

    #[test]
    fn trailing_comment_covers_its_line_and_block() {
        let text = "s:  # hullscan ignore=HS801\n- x\n- y\nt: 1\n";
        assert_eq!(scope_text(text), ["s:  # hullscan ignore=HS801\n- x\n- y"]);
    }

    #[test]
    fn pragma_names_and_ranges() {
        let text = "a: 1 # hullscan: ignore=HS801,missing-readiness-probe trailing words\n# hullscan global ignore=HS802\n# unrelated\n";
        let stream = hullscan_yaml::parse(text).unwrap();
        let (global, names) = parse_pragma(text, &stream.comments[0]).unwrap();
        assert!(!global);
        let written: Vec<&str> = names.iter().map(|(_, r)| &text[r.to_range()]).collect();
        assert_eq!(written, ["HS801", "missing-readiness-probe"]);
        let (global, names) = parse_pragma(text, &stream.comments[1]).unwrap();
        assert!(global);
        assert_eq!(names[0].0, "HS802");
        assert!(parse_pragma(text, &stream.comments[2]).is_none());
    }
}
