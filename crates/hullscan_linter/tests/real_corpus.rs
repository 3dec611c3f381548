//! The linter over the real-world corpus (`../shared/corpus/real`), through the same library
//! call `hullscan lint` makes:
//! - `invalid-instruction` (HS005) fires only where BuildKit's own parse of the file (the
//!   recorded v0.12.5 AST in `corpus/baselines/buildkit-v0.12.5-parse.jsonl.gz`) shows what its
//!   instructions layer rejects, and on every file with an unknown instruction;
//! - one problem, one finding: no two findings share rule family, file and line unless they are
//!   about different things (see [`duplicates`]).

#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::io::Read as _;

use hullscan_diagnostics::Diagnostic;
use hullscan_linter::LinterSettings;
use hullscan_text::SourceFile;
use serde_json::Value;

mod common;

use common::shared_dir;

/// The files of the corpus with their text (files that are not UTF-8 are left out).
fn corpus() -> Option<Vec<(String, String)>> {
    let dir = shared_dir()?.join("corpus/real");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_name()?.to_str()?.to_owned();
            if name == "manifest.jsonl" {
                return None;
            }
            Some((name, std::fs::read_to_string(&path).ok()?))
        })
        .collect();
    files.sort();
    Some(files)
}

fn lint(name: &str, text: &str, settings: &LinterSettings) -> (SourceFile, Vec<Diagnostic>) {
    let parse = hullscan_dockerfile::parse(text);
    let model = hullscan_semantic::SemanticModel::new(&parse.dockerfile);
    let source = SourceFile::new(name, text);
    let diagnostics = hullscan_linter::check_dockerfile(&source, &parse, &model, settings);
    (source, diagnostics)
}

fn line_of(source: &SourceFile, diagnostic: &Diagnostic) -> u32 {
    diagnostic
        .range()
        .map_or(0, |range| source.line_column(range.start()).line)
}

/// BuildKit's recorded AST per file: the commands, by start line.
fn buildkit_asts() -> Option<BTreeMap<String, BTreeMap<u64, Value>>> {
    let path = shared_dir()?.join("corpus/baselines/buildkit-v0.12.5-parse.jsonl.gz");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).ok()?)
        .read_to_string(&mut text)
        .ok()?;
    let mut asts = BTreeMap::new();
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let record: Value = serde_json::from_str(line).expect("baseline record");
        let file = record["file"].as_str().unwrap_or_default().to_owned();
        let commands = record["commands"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|command| (command["start_line"].as_u64().unwrap_or(0), command.clone()))
            .collect();
        asts.insert(file, commands);
    }
    Some(asts)
}

const KEYWORDS: [&str; 18] = [
    "add",
    "arg",
    "cmd",
    "copy",
    "entrypoint",
    "env",
    "expose",
    "from",
    "healthcheck",
    "label",
    "maintainer",
    "onbuild",
    "run",
    "shell",
    "stopsignal",
    "user",
    "volume",
    "workdir",
];

/// Why BuildKit's AST of the instruction backs an HS005 `message`, or `None` when it does not.
fn evidence(message: &str, command: &Value) -> Option<&'static str> {
    let cmd = command["cmd"].as_str().unwrap_or_default();
    let values: Vec<&str> = command["value"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let flags: Vec<&str> = command["flags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if let Some(keyword) = message.strip_prefix("unknown instruction: ") {
        let keyword = keyword.split(" (did you mean").next().unwrap_or(keyword);
        return (cmd == keyword && !KEYWORDS.contains(&cmd.to_lowercase().as_str()))
            .then_some("keyword BuildKit does not know");
    }
    for prefix in [
        "unknown flag: ",
        "missing a value on flag: ",
        "duplicate flag specified: ",
    ] {
        if let Some(name) = message.strip_prefix(prefix) {
            let name = name.split(' ').next().unwrap_or(name);
            let written = format!("--{name}");
            return flags
                .iter()
                .any(|flag| *flag == written || flag.starts_with(&format!("{written}=")))
                .then_some("flag in BuildKit's flag list");
        }
    }
    if let Some(rest) = message.strip_prefix("invalid name for build stage: \"") {
        let name = rest.split('"').next().unwrap_or(rest);
        return (cmd.eq_ignore_ascii_case("from") && values.get(2) == Some(&name))
            .then_some("stage name BuildKit's pattern rejects");
    }
    if message.contains("HEALTHCHECK") {
        let kind = values.first().map(|kind| kind.to_uppercase());
        return (cmd.eq_ignore_ascii_case("healthcheck")
            && match kind.as_deref() {
                None => true,
                Some("CMD") => values.len() < 2,
                Some("NONE") => values.len() > 1,
                Some(_) => true,
            })
        .then_some("HEALTHCHECK form BuildKit rejects");
    }
    if message.contains(" requires ") {
        return (values.len() < 2).then_some("too few arguments in BuildKit's AST");
    }
    None
}

#[test]
fn invalid_instruction_fires_only_where_buildkit_rejects() {
    let (Some(files), Some(asts)) = (corpus(), buildkit_asts()) else {
        println!("skipping: ../shared not found");
        return;
    };
    let settings = LinterSettings::with_rules(hullscan_linter::registry::RuleSet::of(
        &hullscan_linter::rules::dockerfile::invalid_instruction::INVALID_INSTRUCTION,
    ));
    let mut unbacked = Vec::new();
    let mut files_with_findings = 0;
    let mut findings = 0;
    let mut unknown_keyword_files = 0;
    let mut unknown_keyword_files_found = 0;
    for (name, text) in &files {
        let Some(ast) = asts.get(name) else {
            continue;
        };
        let has_unknown_keyword = ast.values().any(|command| {
            let cmd = command["cmd"].as_str().unwrap_or_default().to_lowercase();
            !KEYWORDS.contains(&cmd.as_str())
        });
        unknown_keyword_files += usize::from(has_unknown_keyword);
        let (source, diagnostics) = lint(name, text, &settings);
        let ours: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.code == "HS005").collect();
        if ours.is_empty() {
            continue;
        }
        files_with_findings += 1;
        findings += ours.len();
        if has_unknown_keyword
            && ours
                .iter()
                .any(|d| d.message.starts_with("unknown instruction"))
        {
            unknown_keyword_files_found += 1;
        }
        for diagnostic in ours {
            let line = u64::from(line_of(&source, diagnostic));
            let backed = ast
                .get(&line)
                .and_then(|command| evidence(&diagnostic.message, command));
            if backed.is_none() {
                unbacked.push(format!("{name}:{line}: {}", diagnostic.message));
            }
        }
    }
    println!(
        "HS005: {findings} findings in {files_with_findings} of {} files; unknown-instruction \
         files found {unknown_keyword_files_found}/{unknown_keyword_files}",
        files.len()
    );
    assert!(
        unbacked.is_empty(),
        "HS005 findings BuildKit's AST does not back:\n{}",
        unbacked.join("\n")
    );
    assert!(
        unknown_keyword_files > 0,
        "the corpus has files with unknown instructions"
    );
    assert_eq!(
        unknown_keyword_files_found, unknown_keyword_files,
        "every file with an unknown instruction is reported"
    );
}

/// A rule family: the rules [`hullscan_linter::same_problem::FAMILIES`] groups as one problem,
/// otherwise the rule itself.
fn family(code: &str) -> String {
    hullscan_linter::same_problem::family_of(code)
        .map_or_else(|| code.to_owned(), |index| format!("family {index}"))
}

/// The findings of one file that are the same problem reported twice: same rule family, same
/// line and the same *subject*, the text the finding points at (its primary range in the file).
/// They are about different things when the subjects differ (two unpinned packages of one
/// `RUN`), or when one rule says two different things about one subject (two undefined
/// variables in one word: the messages differ). Two *different* rules of one family on one
/// subject are always the same problem.
fn duplicates(source: &SourceFile, diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut seen: BTreeMap<(String, u32, String), Vec<&Diagnostic>> = BTreeMap::new();
    for diagnostic in diagnostics {
        let Some(range) = diagnostic.range() else {
            continue;
        };
        let subject = source
            .text()
            .get(range.to_range())
            .unwrap_or_default()
            .to_owned();
        seen.entry((
            family(&diagnostic.code),
            line_of(source, diagnostic),
            subject,
        ))
        .or_default()
        .push(diagnostic);
    }
    seen.into_iter()
        .filter(|(_, found)| {
            found.iter().enumerate().any(|(i, a)| {
                found[i + 1..]
                    .iter()
                    .any(|b| a.code != b.code || a.message == b.message)
            })
        })
        .map(|((family, line, subject), found)| {
            let what: Vec<String> = found
                .iter()
                .map(|d| format!("{} {}", d.code, d.message))
                .collect();
            format!("line {line} ({family}) `{subject}`: {what:?}")
        })
        .collect()
}

#[test]
fn one_problem_one_finding_on_the_real_corpus() {
    let Some(files) = corpus() else {
        println!("skipping: ../shared not found");
        return;
    };
    let settings = LinterSettings::default();
    let mut found = Vec::new();
    let mut findings = 0;
    for (name, text) in &files {
        let (source, diagnostics) = lint(name, text, &settings);
        findings += diagnostics.len();
        found.extend(
            duplicates(&source, &diagnostics)
                .into_iter()
                .map(|duplicate| format!("{name}: {duplicate}")),
        );
    }
    println!(
        "{findings} findings in {} files, {} duplicates",
        files.len(),
        found.len()
    );
    assert!(
        found.is_empty(),
        "findings reported twice:\n{}",
        found.join("\n")
    );
}
