//! Agreement with BuildKit on the real-world corpus (`../shared/corpus/real`): every file must
//! parse to the same instructions, line ranges, flags, values and heredocs as the BuildKit
//! v0.12.5 baseline, except the files listed in `DIFFERENCES.md`, where hullscan deliberately
//! follows today's BuildKit.

// Tests report counts and skips to the developer on stderr.
#![allow(clippy::print_stderr)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use hullscan_dockerfile::{Arguments, Instruction, Parse, buildkit_values, parse_bytes};
use serde_json::Value;

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if dir.join("real").is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: ../shared not found");
        None
    }
}

/// Files where today's BuildKit differs from v0.12.5, parsed from the table in DIFFERENCES.md
/// (lines of the form `| `file` | reason |`).
fn expected_differences() -> BTreeMap<String, String> {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("DIFFERENCES.md"))
        .expect("DIFFERENCES.md");
    doc.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("| `")?;
            let (file, rest) = rest.split_once("` |")?;
            Some((
                file.to_owned(),
                rest.trim().trim_end_matches('|').trim().to_owned(),
            ))
        })
        .collect()
}

/// The baseline's view of one instruction.
fn command_json(inst: &Instruction) -> Value {
    let node = inst.onbuild.as_deref().unwrap_or(inst);
    let mut values = buildkit_values(node);
    if let Arguments::KeyValues(_) = &node.args {
        // v0.12.5 had no separator node: triples become pairs.
        values = values
            .chunks(3)
            .flat_map(|c| c.iter().take(2).cloned())
            .collect();
    }
    let mut original = inst.original.clone();
    for heredoc in &inst.heredocs {
        // The v0.12.5 wrapper reports the original with each body and terminator appended.
        original.push('\n');
        original.push_str(&heredoc.body);
        original.push_str(&heredoc.name);
    }
    if !inst.heredocs.is_empty() {
        original.push('\n');
    }
    serde_json::json!({
        "cmd": inst.keyword_text,
        "sub_cmd": inst.onbuild.as_ref().map(|t| t.keyword_text.clone()),
        "json": node.is_json(),
        "original": original,
        "start_line": inst.start_line,
        "end_line": inst.end_line,
        "flags": inst.flags.iter().chain(inst.onbuild.iter().flat_map(|t| t.flags.iter()))
            .map(|f| f.to_buildkit_string()).collect::<Vec<_>>(),
        "value": values,
        "heredocs": inst.heredocs.iter().map(|h| serde_json::json!({
            "name": h.name, "fd": h.fd.unwrap_or(0), "content": h.body,
        })).collect::<Vec<_>>(),
    })
}

/// Describes the first difference between our parse and the baseline record, if any.
fn compare(parse: &Parse, baseline: &Value) -> Option<String> {
    let ok = baseline["ok"].as_bool().unwrap_or(false);
    if !ok {
        let expected = baseline["error"].as_str().unwrap_or("");
        let expected = expected.strip_prefix("GoParseError: ").unwrap_or(expected);
        return match parse.errors.first() {
            Some(e) if e.message == expected => None,
            Some(e) => Some(format!("error {:?}, expected {expected:?}", e.message)),
            None => Some(format!("accepted, expected error {expected:?}")),
        };
    }
    if let Some(e) = parse.errors.first() {
        return Some(format!("unexpected error {:?}", e.message));
    }
    let expected = baseline["commands"].as_array()?;
    let actual = &parse.dockerfile.instructions;
    if expected.len() != actual.len() {
        return Some(format!(
            "{} instructions, expected {}",
            actual.len(),
            expected.len()
        ));
    }
    for (inst, want) in actual.iter().zip(expected) {
        let got = command_json(inst);
        for key in [
            "cmd",
            "sub_cmd",
            "json",
            "original",
            "start_line",
            "end_line",
            "flags",
            "value",
            "heredocs",
        ] {
            if got[key] != want[key] {
                return Some(format!(
                    "line {}: {key}: got {} expected {}",
                    inst.start_line, got[key], want[key]
                ));
            }
        }
    }
    None
}

#[test]
fn real_corpus_agrees_with_buildkit() {
    let Some(dir) = shared() else { return };
    let mut gz = Vec::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(dir.join("baselines/buildkit-v0.12.5-parse.jsonl.gz")).unwrap(),
    )
    .read_to_end(&mut gz)
    .unwrap();
    let expected_diffs = expected_differences();
    let mut total = 0;
    let mut agree = 0;
    let mut rejected = 0;
    let mut unexpected = Vec::new();
    let mut differing_as_documented = Vec::new();
    for line in gz.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let record: Value = serde_json::from_slice(line).unwrap();
        let file = record["file"].as_str().unwrap().to_owned();
        let bytes = std::fs::read(dir.join("real").join(&file)).unwrap();
        let parse = parse_bytes(&bytes);
        total += 1;
        if !parse.errors.is_empty() {
            rejected += 1;
        }
        match (compare(&parse, &record), expected_diffs.contains_key(&file)) {
            (None, false) => agree += 1,
            (None, true) => unexpected.push(format!("{file}: listed in DIFFERENCES.md but agrees")),
            (Some(_), true) => differing_as_documented.push(file),
            (Some(why), false) => unexpected.push(format!("{file}: {why}")),
        }
    }
    eprintln!(
        "real corpus: {agree}/{total} agree with BuildKit v0.12.5, {} documented differences \
         (DIFFERENCES.md), {rejected} rejected, {} unexpected",
        differing_as_documented.len(),
        unexpected.len()
    );
    assert_eq!(total, 2869, "baseline should cover the whole corpus");
    assert_eq!(rejected, 2, "BuildKit rejects exactly two files");
    assert!(
        unexpected.is_empty(),
        "{} files disagree:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert_eq!(differing_as_documented.len(), expected_diffs.len());
    assert_eq!(agree + differing_as_documented.len(), total);
}

/// Every character of every shell-form text maps back to the same character in the file, and
/// every non-JSON word that does not span a line continuation is exactly its file slice.
#[test]
fn spans_point_at_the_text_on_real_corpus() {
    let Some(dir) = shared() else { return };
    let mut checked_chars = 0usize;
    for entry in std::fs::read_dir(dir.join("real")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let parse = hullscan_dockerfile::parse(&text);
        for inst in &parse.dockerfile.instructions {
            let node = inst.onbuild.as_deref().unwrap_or(inst);
            assert_eq!(&text[node.keyword_range.to_range()], node.keyword_text);
            let shell = match &node.args {
                Arguments::Shell(s) => Some(s),
                Arguments::Healthcheck(h) => match &h.command {
                    Some(hullscan_dockerfile::HealthcheckCommand::Shell(s)) => Some(s),
                    _ => None,
                },
                _ => None,
            };
            if let Some(shell) = shell {
                for (i, ch) in shell.value.char_indices() {
                    let at = shell.map.to_file(hullscan_text::TextSize::new(i as u32));
                    assert!(
                        text[at.to_usize()..].starts_with(ch),
                        "{}: char {i} of {:?}",
                        path.display(),
                        shell.value
                    );
                    checked_chars += 1;
                }
            }
            if let Arguments::Words(words) = &node.args {
                for w in words {
                    let slice = &text[w.range.to_range()];
                    if !slice.contains('\n') {
                        assert_eq!(slice, w.value, "{}", path.display());
                    }
                }
            }
        }
    }
    assert!(
        checked_chars > 1_000_000,
        "checked {checked_chars} characters"
    );
}
