//! Times building the semantic model for every file of a directory (default:
//! `../shared/corpus/real/`), separately from parsing. Run in release:
//!
//! ```text
//! cargo run --release -p hullscan_semantic --example model_corpus_timing [DIR] [ROUNDS]
//! ```

#![allow(clippy::print_stdout)] // a command-line timing tool

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hullscan_dockerfile::parse_bytes;
use hullscan_semantic::SemanticModel;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real"),
        PathBuf::from,
    );
    let rounds: u32 = args.next().and_then(|r| r.parse().ok()).unwrap_or(20);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("cannot read {}", dir.display());
        std::process::exit(2);
    };
    let texts: Vec<Vec<u8>> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter_map(|p| std::fs::read(p).ok())
        .collect();

    // Time the model right after each parse, as the linter builds it, so the tree is warm in
    // the cache; parsing is timed separately and reported for scale.
    let mut best_parse = Duration::MAX;
    let mut best_model = Duration::MAX;
    let mut stages = 0;
    for _ in 0..rounds {
        let (mut parse_time, mut model_time) = (Duration::ZERO, Duration::ZERO);
        stages = 0;
        for text in &texts {
            let start = Instant::now();
            let parse = parse_bytes(text);
            let parsed = Instant::now();
            let model = SemanticModel::new(&parse.dockerfile);
            stages += model.stages().len();
            model_time += parsed.elapsed();
            parse_time += parsed - start;
        }
        best_parse = best_parse.min(parse_time);
        best_model = best_model.min(model_time);
    }
    let per_file = |d: Duration| d.as_secs_f64() * 1e6 / texts.len().max(1) as f64;
    println!(
        "{} files, {stages} stages, best of {rounds} rounds: parse {best_parse:?} ({:.2} µs/file), \
         model build {best_model:?} ({:.2} µs/file)",
        texts.len(),
        per_file(best_parse),
        per_file(best_model),
    );
}
