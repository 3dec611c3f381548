//! Times parsing every file of a directory (default: the shared real-world corpus).
//!
//! `cargo run --release -p hullscan_dockerfile --example parse_corpus [DIR] [ROUNDS]`

// A measuring tool reports on stdout.
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real")
    });
    let rounds: u32 = args.next().and_then(|r| r.parse().ok()).unwrap_or(10);
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "jsonl") || !path.is_file() {
            continue;
        }
        files.push(std::fs::read(&path)?);
    }
    let bytes: usize = files.iter().map(Vec::len).sum();
    let mut best = f64::MAX;
    let mut instructions = 0;
    for _ in 0..rounds {
        let started = Instant::now();
        instructions = 0;
        for file in &files {
            let parsed = hullscan_dockerfile::parse_bytes(file);
            instructions += parsed.dockerfile.instructions.len();
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!(
        "parsed {} files ({bytes} bytes, {instructions} instructions) in {:.2} ms (best of {rounds}), {:.0} MB/s",
        files.len(),
        best * 1e3,
        bytes as f64 / best / 1e6
    );
    Ok(())
}
