//! Throughput benchmark: scans every file under a directory (held in memory) on one thread and
//! prints bytes per second and prefilter counters. Driven by `scripts/secrets/bench.sh`.
//!
//! Usage: `cargo run --release -p hullscan_secrets --example throughput -- DIR [ROUNDS]`

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::Instant;

use hullscan_secrets::{ScanStats, Scanner};

/// CPU seconds this thread has used (user + system), from `/proc/thread-self/stat` in clock
/// ticks (100 Hz on Linux). The machine may be shared, so wall time alone overstates the cost.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: throughput DIR [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: u32 = args.next().and_then(|r| r.parse().ok()).unwrap_or(1);
    let mut buffers = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    for path in &paths {
        buffers.push(std::fs::read(path)?);
    }
    let total: u64 = buffers.iter().map(|b| b.len() as u64).sum();
    let scanner = Scanner::new();
    println!(
        "detectors: {}, prefilter keywords: {}",
        scanner.detectors().len(),
        scanner.keyword_count()
    );
    // Warm-up: compile lazily built regexes and fault pages in.
    let _ = scanner.scan(&buffers[0][..buffers[0].len().min(1 << 20)]);
    if std::env::var_os("PREFILTER_ONLY").is_some() {
        let cpu_start = thread_cpu_seconds().unwrap_or_default();
        let hits: usize = buffers.iter().map(|b| scanner.prefilter_hits(b)).sum();
        let secs = thread_cpu_seconds().unwrap_or_default() - cpu_start;
        println!(
            "prefilter only: {hits} hits, {:.2} GB/s by CPU time",
            total as f64 / secs / 1e9
        );
    }
    let mut best = f64::MAX;
    let mut best_cpu = f64::MAX;
    let mut stats = ScanStats::default();
    let mut finding_ids: Vec<(String, String)> = Vec::new();
    for round in 0..rounds {
        stats = ScanStats::default();
        let start = Instant::now();
        let cpu_start = thread_cpu_seconds();
        for buffer in &buffers {
            for finding in scanner.scan_with_stats(buffer, &mut stats) {
                if round == 0 {
                    // Context for false-positive review: the line up to the secret, then the
                    // redacted prefix and the secret's length (never the secret itself).
                    let line_start = buffer[..finding.range.start]
                        .iter()
                        .rposition(|&b| b == b'\n')
                        .map_or(0, |p| p + 1)
                        .max(finding.range.start.saturating_sub(80));
                    let context = String::from_utf8_lossy(&buffer[line_start..finding.range.start]);
                    finding_ids.push((
                        finding.detector.id.to_owned(),
                        format!(
                            "{}{} [{} bytes]",
                            context.trim_start(),
                            finding.redacted,
                            finding.range.len()
                        ),
                    ));
                }
            }
        }
        best = best.min(start.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu_start, thread_cpu_seconds()) {
            best_cpu = best_cpu.min(b - a);
        }
    }
    let mib = total as f64 / (1024.0 * 1024.0);
    println!(
        "scanned: {total} bytes ({:.2} GiB) in {} files, best of {rounds} round(s)",
        mib / 1024.0,
        buffers.len()
    );
    println!("time: {best:.3} s wall, {best_cpu:.2} s CPU, on 1 thread");
    println!(
        "throughput per core: {:.2} GB/s by CPU time ({:.2} GB/s by wall time; load average {})",
        total as f64 / best_cpu / 1e9,
        total as f64 / best / 1e9,
        std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|l| l.split_whitespace().next().map(str::to_owned))
            .unwrap_or_default()
    );
    println!(
        "prefilter: {} keyword hits ({:.1} per MiB, one per {:.0} bytes), {} detector runs ({:.1} per MiB)",
        stats.keyword_hits,
        stats.keyword_hits as f64 / mib,
        total as f64 / stats.keyword_hits.max(1) as f64,
        stats.detector_runs,
        stats.detector_runs as f64 / mib,
    );
    println!("findings: {}", stats.findings);
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (id, _) in &finding_ids {
        *counts.entry(id.as_str()).or_default() += 1;
    }
    for (id, count) in counts {
        println!("  {id}: {count}");
    }
    if std::env::var_os("SHOW_FINDINGS").is_some() {
        for (id, redacted) in &finding_ids {
            println!("    {id} {redacted}");
        }
    }
    Ok(())
}
