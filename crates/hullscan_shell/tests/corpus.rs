//! Parses every RUN body of every Dockerfile in `../shared/corpus/real/` and reports how many
//! scripts had syntax errors and how long parsing took. Run it in release for the timing:
//! `cargo test --release -p hullscan_shell --test corpus -- --nocapture`.

#![allow(
    clippy::print_stderr,
    reason = "the test reports its counts and timing"
)]

use std::path::PathBuf;

use hullscan_shell::WordPart;
use std::time::{Duration, Instant};

/// RUN bodies by a rough line join (the Dockerfile parser lives in another crate): a line
/// starting with `RUN`, plus following lines while the previous one ends with `\`. Comment
/// lines inside a continuation are dropped, as BuildKit does. Leading `--flag` words are
/// removed; exec-form (`RUN [`) and heredoc (`RUN <<`) bodies are left out.
fn run_bodies(text: &str) -> Vec<String> {
    let mut bodies = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let Some(keyword) = trimmed.get(..3) else {
            continue;
        };
        if !keyword.eq_ignore_ascii_case("run") || !trimmed[3..].starts_with([' ', '\t']) {
            continue;
        }
        let mut body = String::new();
        let mut current = &trimmed[3..];
        loop {
            match current.trim_end().strip_suffix('\\') {
                Some(head) => {
                    body.push_str(head);
                    let mut next = lines.next();
                    while let Some(candidate) = next {
                        if candidate.trim_start().starts_with('#') {
                            next = lines.next();
                        } else {
                            break;
                        }
                    }
                    match next {
                        Some(next) => current = next,
                        None => break,
                    }
                }
                None => {
                    body.push_str(current);
                    break;
                }
            }
        }
        let mut rest = body.trim_start();
        while rest.starts_with("--") {
            rest = rest
                .split_once(char::is_whitespace)
                .map_or("", |(_, r)| r)
                .trim_start();
        }
        if rest.starts_with('[') || rest.starts_with("<<") {
            continue;
        }
        bodies.push(rest.to_owned());
    }
    bodies
}

/// A file whose RUNs go to PowerShell or cmd: an `escape=`` ` `` directive or a `SHELL`
/// naming one of them.
fn is_windows_shell(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start().to_ascii_lowercase();
        (line.starts_with('#') && line.replace(' ', "").starts_with("#escape=`"))
            || (line.starts_with("shell")
                && ["powershell", "pwsh", "cmd"]
                    .iter()
                    .any(|s| line.contains(s)))
    })
}

/// This thread's CPU time so far (Linux), which, unlike wall time, does not grow while other
/// processes hold the CPU.
fn thread_cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Checks that a word's parts cover it exactly, in order, and that the parts inside a closed
/// double-quoted string cover the text between its quotes.
fn check_parts_tile(source: &str, word: &hullscan_shell::Word<'_>) {
    fn tile(source: &str, parts: &[WordPart<'_>], start: usize, end: usize) {
        let mut at = start;
        for part in parts {
            let range = part.range().to_range();
            assert_eq!(
                range.start,
                at,
                "parts of {:?} do not tile",
                &source[start..end]
            );
            at = range.end;
            if let WordPart::DoubleQuoted { parts, .. } = part {
                let text = &source[range.clone()];
                let open = if text.starts_with('$') { 2 } else { 1 };
                if text.len() > open && text.ends_with('"') {
                    tile(source, parts, range.start + open, range.end - 1);
                }
            }
        }
        assert_eq!(at, end, "parts of {:?} stop early", &source[start..end]);
    }
    let range = word.range.to_range();
    tile(source, &word.parts, range.start, range.end);
}

#[test]
fn parses_every_run_body_of_the_real_corpus() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real");
    if !dir.is_dir() {
        eprintln!("skipping: ../shared not found ({})", dir.display());
        return;
    }
    let mut scripts = Vec::new();
    let mut files = 0usize;
    let mut skipped_windows = 0usize;
    for entry in std::fs::read_dir(&dir).expect("corpus directory is readable") {
        let path = entry.expect("directory entry").path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        files += 1;
        if is_windows_shell(&text) {
            // PowerShell/cmd RUN bodies are not shell scripts; hullscan never parses them as such.
            skipped_windows += 1;
            continue;
        }
        scripts.extend(
            run_bodies(&text)
                .into_iter()
                .map(|body| (path.clone(), body)),
        );
    }
    assert!(
        files > 2000,
        "expected the 2,869-file corpus, found {files} files"
    );
    assert!(
        scripts.len() > 5000,
        "found only {} RUN bodies",
        scripts.len()
    );

    let bytes: usize = scripts.iter().map(|(_, s)| s.len()).sum();
    let mut with_errors = Vec::new();
    let mut commands = 0usize;
    let mut best = Duration::MAX;
    let mut best_cpu: Option<Duration> = None;
    for round in 0..5 {
        let started = Instant::now();
        let cpu_started = thread_cpu_time();
        for (path, script) in &scripts {
            let parsed = hullscan_shell::parse(script);
            if round == 0 {
                commands += parsed.simple_commands().len();
                for command in parsed.simple_commands() {
                    for word in &command.words {
                        check_parts_tile(script, word);
                    }
                    for assignment in &command.assignments {
                        check_parts_tile(script, &assignment.value);
                    }
                }
                if parsed.has_errors() {
                    with_errors.push((path, script, parsed.errors[0].message.clone()));
                }
            }
            std::hint::black_box(&parsed);
        }
        best = best.min(started.elapsed());
        if let (Some(before), Some(after)) = (cpu_started, thread_cpu_time()) {
            let cpu = after.saturating_sub(before);
            best_cpu = Some(best_cpu.map_or(cpu, |b| b.min(cpu)));
        }
    }
    if let Some(cpu) = best_cpu {
        eprintln!(
            "parse CPU time: {:.1} ms total, {:.2} µs/script",
            cpu.as_secs_f64() * 1e3,
            cpu.as_secs_f64() * 1e6 / scripts.len() as f64
        );
    }
    let per_script = best.as_secs_f64() * 1e6 / scripts.len() as f64;
    eprintln!(
        "{} RUN scripts ({} bytes, {} simple commands) from {files} files; {} with syntax errors; \
         {skipped_windows} Windows-shell files skipped; parse: {:.1} ms total, {per_script:.2} µs/script, {:.0} MB/s (best of 5{})",
        scripts.len(),
        bytes,
        commands,
        with_errors.len(),
        best.as_secs_f64() * 1e3,
        bytes as f64 / best.as_secs_f64() / 1e6,
        if cfg!(debug_assertions) {
            ", debug build"
        } else {
            ", release build"
        },
    );
    for (path, script, message) in with_errors.iter().take(60) {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let head: String = script.chars().take(100).collect();
        eprintln!("  {name}: {message}: {head}");
    }
    // Every truncation of a real script is a broken script; none may panic, and every range
    // must slice the source.
    let mut truncated = 0usize;
    for (_, script) in &scripts {
        for fraction in [3, 5, 7] {
            let mut cut = script.len() * fraction / 11;
            while !script.is_char_boundary(cut) {
                cut -= 1;
            }
            let source = &script[..cut];
            let parsed = hullscan_shell::parse(source);
            for context in parsed.commands_with_context() {
                let _ = parsed.text(context.pipeline.range);
                for word in &context.command.words {
                    for part in &word.parts {
                        let _ = parsed.text(part.range());
                    }
                }
            }
            for error in &parsed.errors {
                let _ = parsed.text(error.range);
            }
            truncated += 1;
        }
    }
    eprintln!("{truncated} truncated scripts parsed");

    // Real-world RUN bodies are overwhelmingly valid shell; a jump here means a parser bug.
    assert!(
        with_errors.len() * 100 < scripts.len(),
        "{} of {} scripts had syntax errors",
        with_errors.len(),
        scripts.len()
    );
}
