//! Hostile local inputs: each case builds its input in a temp dir, runs the real binary as a
//! child process under an address-space limit (`ulimit -v`) and a time limit (killed after it),
//! and asserts that it ends with findings or a clear error, never a signal. Sizes are chosen
//! so that the defect each case guards against shows already (a crash, a hang, quadratic time)
//! while the suite stays quick in a debug build. The memory cases also measure the child's
//! peak resident set (with `/usr/bin/time`) against the bound of issue 14, item 8: at most 20
//! times the input's size plus 50 MB.

#![cfg(unix)]
#![allow(clippy::print_stderr)] // skip notes when mkfifo is missing

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a limited run ended.
struct Outcome {
    /// The exit code; `None` when a signal ended it (a crash, or our kill at the time limit).
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    /// The child's peak resident set in KiB, when it was measured (see [`Limited::measure`]).
    peak_kib: Option<u64>,
}

impl Outcome {
    /// Asserts an orderly exit: findings (1), a clear error (2) or clean (0).
    #[track_caller]
    fn assert_exited(&self, what: &str) -> &Self {
        assert!(
            self.code.is_some(),
            "{what}: ended by a signal after {:?} (crash, or killed at the time limit)\nstderr: {}",
            self.elapsed,
            tail(&self.stderr)
        );
        self
    }

    #[track_caller]
    fn assert_error_mentions(&self, what: &str, needle: &str) -> &Self {
        self.assert_exited(what);
        assert_eq!(self.code, Some(2), "{what}: stderr: {}", tail(&self.stderr));
        assert!(
            self.stderr.contains(needle),
            "{what}: stderr lacks {needle:?}: {}",
            tail(&self.stderr)
        );
        self
    }

    #[track_caller]
    fn assert_finding_mentions(&self, what: &str, needle: &str) -> &Self {
        self.assert_exited(what);
        assert!(
            self.stdout.contains(needle),
            "{what}: output lacks {needle:?}; stdout: {}\nstderr: {}",
            tail(&self.stdout),
            tail(&self.stderr)
        );
        self
    }
}

fn tail(text: &str) -> &str {
    let start = text.len().saturating_sub(2000);
    let start = (start..text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    &text[start..]
}

/// A run of the binary under `mem_mib` of address space and `seconds` of wall time.
struct Limited {
    args: Vec<String>,
    dir: PathBuf,
    stdin: Option<PathBuf>,
    mem_mib: u64,
    seconds: u64,
    /// Where `/usr/bin/time` writes the child's peak resident set, when it is measured.
    peak_file: Option<PathBuf>,
}

fn hullscan(dir: &Path, args: &[&str]) -> Limited {
    Limited {
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        dir: dir.to_owned(),
        stdin: None,
        // A debug binary, two pool threads with their stacks, and the input: generous against
        // the sizes here, far below what the unbounded versions took.
        mem_mib: 768,
        seconds: 30,
        peak_file: None,
    }
}

/// The program that measures a child's peak resident set (GNU time's `%M`).
const TIME: &str = "/usr/bin/time";

impl Limited {
    fn memory(mut self, mib: u64) -> Self {
        self.mem_mib = mib;
        self
    }

    fn stdin(mut self, path: &Path) -> Self {
        self.stdin = Some(path.to_owned());
        self
    }

    /// Measures the run's peak resident set with [`TIME`]; `None` (after a note) when that
    /// program is missing. Resident memory, not address space: the allocator and the thread
    /// stacks reserve far more address space than they touch.
    fn measure(mut self) -> Option<Self> {
        if !Path::new(TIME).exists() {
            eprintln!("skipped: {TIME} is not available to measure peak memory");
            return None;
        }
        self.peak_file = Some(self.dir.join(".peak-rss"));
        Some(self)
    }

    fn run(self) -> Outcome {
        let mut command = Command::new("sh");
        let measure = match &self.peak_file {
            Some(path) => {
                command.env("HULLSCAN_PEAK_FILE", path);
                format!("{TIME} -f %M -o \"$HULLSCAN_PEAK_FILE\" ")
            }
            None => String::new(),
        };
        command
            .arg("-c")
            .arg(format!(
                "ulimit -v {} && exec {measure}\"$0\" \"$@\"",
                self.mem_mib * 1024
            ))
            // `HULLSCAN_HOSTILE_BIN` runs the suite against another build (say, an older one).
            .arg(
                std::env::var_os("HULLSCAN_HOSTILE_BIN")
                    .unwrap_or_else(|| env!("CARGO_BIN_EXE_hullscan").into()),
            )
            .args(&self.args)
            .current_dir(&self.dir)
            .env("NO_COLOR", "1")
            .env_remove("HULLSCAN_MAX_INPUT_MIB")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        match &self.stdin {
            Some(path) => command.stdin(std::fs::File::open(path).unwrap()),
            None => command.stdin(Stdio::null()),
        };
        let started = Instant::now();
        let mut child = command.spawn().expect("spawn sh");
        // Drain the pipes on threads so a chatty child cannot block on a full pipe.
        let mut out = child.stdout.take().unwrap();
        let mut err = child.stderr.take().unwrap();
        let stdout = std::thread::spawn(move || {
            let mut text = Vec::new();
            std::io::Read::read_to_end(&mut out, &mut text).ok();
            text
        });
        let stderr = std::thread::spawn(move || {
            let mut text = Vec::new();
            std::io::Read::read_to_end(&mut err, &mut text).ok();
            text
        });
        let deadline = started + Duration::from_secs(self.seconds);
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                break child.wait().expect("wait after kill");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let elapsed = started.elapsed();
        // GNU time writes `Command exited with non-zero status N` first on a failing exit.
        let peak_kib = self.peak_file.as_ref().and_then(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            text.lines().last()?.trim().parse().ok()
        });
        Outcome {
            code: status.code(),
            stdout: String::from_utf8_lossy(&stdout.join().unwrap()).into_owned(),
            stderr: String::from_utf8_lossy(&stderr.join().unwrap()).into_owned(),
            elapsed,
            peak_kib,
        }
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|status| status.success())
}

/// Lints one generated Dockerfile, as concise text.
fn lint_text(text: &str) -> Limited {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    write(&path, text);
    let run = hullscan(
        dir.path(),
        &[
            "lint",
            "--no-config",
            "--no-context",
            "--format",
            "concise",
            "Dockerfile",
        ],
    );
    // The temp dir lives as long as the test process; it is small and removed with /tmp.
    std::mem::forget(dir);
    run
}

// ----- the Dockerfile side (issue 14, item 8) -----

#[test]
fn chained_onbuild_is_an_error_not_a_stack_overflow() {
    let text = format!("FROM a:1\n{}RUN x\n", "ONBUILD ".repeat(10_000));
    lint_text(&text)
        .run()
        .assert_finding_mentions("10,000 chained ONBUILD", "Chaining ONBUILD");
}

#[test]
fn doubling_env_values_hit_the_expansion_limit() {
    let mut text = String::from("FROM a:1\nENV a0=xxxxxxxxxx\n");
    for i in 1..60 {
        text.push_str(&format!("ENV a{i}=${{a{}}}${{a{}}}\n", i - 1, i - 1));
    }
    lint_text(&text)
        .memory(512)
        .run()
        .assert_finding_mentions("ENV doubling 59 times", "expansion too large");
}

#[test]
fn a_long_run_line_stays_within_memory() {
    // 8 MB on one physical line (BuildKit's scanner rejects lines over 64 KiB).
    let text = format!("FROM a:1\nRUN {}\n", "a".repeat(8 << 20));
    lint_text(&text)
        .memory(512)
        .run()
        .assert_finding_mentions("an 8 MB RUN line", "greater than max allowed size");
    // The same length as one logical line over many continuation lines.
    let text = format!(
        "FROM a:1\nRUN {}b\n",
        format!("{} \\\n", "a".repeat(1000)).repeat(8000)
    );
    lint_text(&text)
        .memory(512)
        .run()
        .assert_exited("an 8 MB RUN over continuation lines");
}

#[test]
fn many_instructions_stay_linear() {
    lint_text(&format!("FROM a:1\n{}", "RUN echo hi\n".repeat(50_000)))
        .run()
        .assert_finding_mentions("50,000 RUN lines", "HS274");
    let ands = vec!["true"; 50_000].join(" && ");
    lint_text(&format!("FROM a:1\nRUN {ands}\n"))
        .run()
        .assert_exited("50,000 && in one RUN");
}

/// The peak resident set issue 14 (item 8) allows `hullscan lint` for an input of `bytes`: 20
/// times its size plus 50 MiB.
fn allowed_peak_kib(bytes: usize) -> u64 {
    (20 * bytes as u64 + (50 << 20)) / 1024
}

/// Lints `text` as one Dockerfile (with the input cap raised above its size) while measuring
/// the run's peak resident set, and asserts that it stayed within [`allowed_peak_kib`]. `None`
/// when memory cannot be measured here.
fn lint_within_memory_bound(what: &str, text: &str) -> Option<Outcome> {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("Dockerfile"), text);
    let mut run = hullscan(
        dir.path(),
        &[
            "lint",
            "--no-config",
            "--no-context",
            "--max-input-mib",
            "64",
            "--format",
            "concise",
            "Dockerfile",
        ],
    )
    .measure()?;
    // Address space is not what is bounded here: leave room for the allocator's reservations.
    run.mem_mib = 4096;
    run.seconds = 120;
    let outcome = run.run();
    outcome.assert_exited(what);
    let peak = outcome.peak_kib.unwrap_or_else(|| {
        panic!(
            "{what}: no peak resident set measured; stderr: {}",
            tail(&outcome.stderr)
        )
    });
    let allowed = allowed_peak_kib(text.len());
    assert!(
        peak <= allowed,
        "{what}: peak resident set {} MiB, over the {} MiB allowed for {} bytes of input",
        peak / 1024,
        allowed / 1024,
        text.len()
    );
    Some(outcome)
}

#[test]
fn a_50_mb_run_line_peaks_within_twenty_times_its_size() {
    // One physical line (BuildKit rejects it, hullscan says so) that once took 4.4 GB.
    let text = format!("FROM a:1\nRUN {}\n", "a".repeat(50_000_000));
    if let Some(outcome) = lint_within_memory_bound("a 50 MB RUN line", &text) {
        outcome.assert_finding_mentions("a 50 MB RUN line", "greater than max allowed size");
    }
}

#[test]
#[ignore = "not met yet: in a debug build 1,000,000 RUN lines (12 MB) peak near 1.5 GB and \
            200,000 && (1.6 MB) near 140 MB, against 290 MB and 82 MB allowed"]
fn the_issues_run_line_cases_peak_within_twenty_times_their_size() {
    let text = format!("FROM a:1\n{}", "RUN echo hi\n".repeat(1_000_000));
    lint_within_memory_bound("1,000,000 RUN lines", &text);
    let text = format!("FROM a:1\nRUN {}\n", vec!["true"; 200_000].join(" && "));
    lint_within_memory_bound("200,000 && in one RUN", &text);
}

#[test]
fn many_stages_stay_linear() {
    // Untagged stages: each asked every other stage for a tag to suggest.
    let stages: String = (0..20_000).map(|i| format!("FROM a AS s{i}\n")).collect();
    lint_text(&stages)
        .run()
        .assert_finding_mentions("20,000 stages", "HS101");
    // A `COPY --from` chain.
    let mut chain = String::from("FROM a AS s0\n");
    for i in 1..10_000 {
        chain.push_str(&format!("FROM a AS s{i}\nCOPY --from=s{} /x /x\n", i - 1));
    }
    lint_text(&chain)
        .run()
        .assert_finding_mentions("a 10,000-stage COPY --from chain", "HS101");
}

#[test]
fn merging_one_problem_findings_stays_linear() {
    // Every `ARG TOKEN_i` is one problem reported by two rules (HS280 and HS316); merging them
    // compared every pair of findings.
    let mut text = String::from("FROM a:1\n");
    for i in 0..40_000 {
        text.push_str(&format!("ARG TOKEN_{i}=x\n"));
    }
    let outcome = lint_text(&text).run();
    outcome.assert_finding_mentions("40,000 secret-named ARGs", "HS280");
    assert!(
        !outcome.stdout.contains("HS316"),
        "HS316 should be merged into HS280"
    );
}

#[test]
fn a_suppression_naming_many_codes_stays_linear() {
    let codes: Vec<String> = (0..50_000)
        .map(|i| format!("HS{}", 100 + i % 900))
        .collect();
    let text = format!("# hullscan ignore={}\nFROM a:1\n", codes.join(","));
    lint_text(&text)
        .run()
        .assert_finding_mentions("50,000 codes in one suppression", "HS002");
    // One unknown name of 1 MB: no edit distance against every known name.
    let text = format!("# hullscan ignore={}\nFROM a:1\n", "x".repeat(1 << 20));
    lint_text(&text)
        .run()
        .assert_finding_mentions("a 1 MB rule name", "HS002");
}

#[test]
fn suppressions_are_matched_by_lookup_not_by_scanning() {
    // Ten global suppressions repeating one name 10,000 times each (one line stays under
    // BuildKit's 64 KiB), then 100,000 RUNs each with its own suppression comment: every
    // finding asked every comment, and every name in it, for a match (quadratic: 32 s of CPU
    // in a debug build, 0.7 s now).
    let global = format!(
        "# hullscan global ignore={}\n",
        vec!["HS101"; 10_000].join(",")
    );
    let mut text = global.repeat(10);
    text.push_str("FROM a:1\n");
    text.push_str(&"# hullscan ignore=HS274\nRUN echo hi\n".repeat(100_000));
    // The findings, names and comments of a debug build take ~400 MB.
    let outcome = lint_text(&text).memory(1536).run();
    outcome.assert_finding_mentions("100,000 suppression comments and 100,000 names", "HS103");
    assert!(
        !outcome.stdout.contains("HS274"),
        "every HS274 is suppressed: {}",
        tail(&outcome.stdout)
    );
    // 300,000 repetitions of 900 names, most unknown: each name is resolved (and given a
    // "did you mean") once, not once per repetition.
    let codes: Vec<String> = (0..300_000)
        .map(|i| format!("HS{}", 100 + i % 900))
        .collect();
    let text = format!("# hullscan ignore={}\nFROM a:1\n", codes.join(","));
    lint_text(&text)
        .memory(1536)
        .run()
        .assert_finding_mentions("300,000 codes in one suppression", "did you mean");
}

#[test]
fn label_schema_checks_stay_linear() {
    // 40,000 schema labels against a stage setting 40,000 labels: HS264 compared every schema
    // label with every LABEL pair of every stage in the chain (over 250 s; 0.1 s of CPU now).
    let dir = tempfile::tempdir().unwrap();
    let mut schema = String::from("[label-schema]\n");
    let mut labels = String::from("FROM a:1 AS base\n");
    for i in 0..40_000 {
        schema.push_str(&format!("l{i} = \"text\"\n"));
        labels.push_str(&format!("LABEL l{i}=x\n"));
    }
    // One missing label, so the rule has something to say.
    schema.push_str("missing = \"text\"\n");
    labels.push_str("FROM base\n");
    write(&dir.path().join("hullscan.toml"), &schema);
    write(&dir.path().join("Dockerfile"), &labels);
    let outcome = hullscan(
        dir.path(),
        &[
            "lint",
            "--config",
            "hullscan.toml",
            "--no-context",
            "--select",
            "HS264",
            "--format",
            "concise",
            "Dockerfile",
        ],
    )
    .run();
    outcome.assert_finding_mentions("40,000 schema labels", "no `missing` label");
    assert!(
        !outcome.stdout.contains("no `l1` label"),
        "inherited labels count: {}",
        tail(&outcome.stdout)
    );
}

#[test]
fn hs416_on_thousands_of_echo_commands_stays_linear() {
    let commands: Vec<String> = (0..20_000)
        .map(|i| format!("echo $NPM_TOKEN_{i} > /tmp/f{i}"))
        .collect();
    // Continuation lines: one physical line over 64 KiB is a syntax error instead.
    let text = format!("FROM a:1\nRUN {}\n", commands.join(" && \\\n  "));
    lint_text(&text)
        .run()
        .assert_finding_mentions("20,000 echo commands", "HS416");
}

#[test]
fn deep_directory_trees_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("Dockerfile"), "FROM a:1\nCOPY . /app\n");
    let deep = dir.path().join(vec!["d"; 600].join("/"));
    std::fs::create_dir_all(&deep).unwrap();
    write(&deep.join("Dockerfile"), "FROM a:1\n");
    let lint = hullscan(
        dir.path(),
        &["lint", "--no-config", "--format", "concise", "."],
    )
    .run();
    lint.assert_exited("lint over a 600-deep tree");
    assert!(
        lint.stderr.contains("nested more than"),
        "{}",
        tail(&lint.stderr)
    );
    let context = hullscan(dir.path(), &["context", "."]).run();
    context.assert_exited("context over a 600-deep tree");
    assert!(
        format!("{}{}", context.stdout, context.stderr).contains("nested more than"),
        "{}",
        tail(&context.stdout)
    );
}

// ----- read caps and FIFOs (issue 15, items 2 and 3) -----

#[test]
fn endless_inputs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("Dockerfile"), "FROM a:1\n");
    hullscan(dir.path(), &["lint", "/dev/zero"])
        .run()
        .assert_error_mentions("lint /dev/zero", "/dev/zero: not a regular file");
    hullscan(dir.path(), &["lint", "-"])
        .stdin(Path::new("/dev/zero"))
        .run()
        .assert_error_mentions("lint - < /dev/zero", "stdin: larger than the 16 MiB limit");
    hullscan(dir.path(), &["debug", "parse", "-"])
        .stdin(Path::new("/dev/zero"))
        .run()
        .assert_error_mentions("debug parse - < /dev/zero", "larger than the 16 MiB limit");
    hullscan(dir.path(), &["lint", "--config", "/dev/zero", "Dockerfile"])
        .run()
        .assert_error_mentions("--config /dev/zero", "not a regular file");
}

#[test]
fn oversized_files_name_the_limit_and_the_option() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("Dockerfile"), "FROM a:1\n");
    // A sparse 3 GB configuration is refused by its size, without reading it.
    let config = dir.path().join("hullscan.toml");
    std::fs::File::create(&config)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    hullscan(dir.path(), &["lint", "Dockerfile"])
        .memory(256)
        .run()
        .assert_error_mentions("a sparse 3 GB hullscan.toml", "--max-input-mib");
    std::fs::remove_file(&config).unwrap();
    // A 2 MiB Dockerfile over a 1 MiB cap, for lint and context -f; raising the cap reads it.
    let big = format!(
        // A program of its own, so HS103 has an application to speak about.
        "{}FROM a:1\nCMD [\"/app\"]\n",
        format!("# {}\n", "c".repeat(100)).repeat(15_000)
    );
    write(&dir.path().join("big.Dockerfile"), &big);
    hullscan(
        dir.path(),
        &[
            "lint",
            "--max-input-mib",
            "1",
            "--no-config",
            "big.Dockerfile",
        ],
    )
    .run()
    .assert_error_mentions(
        "lint over the cap",
        "big.Dockerfile: larger than the 1 MiB limit",
    );
    hullscan(
        dir.path(),
        &[
            "context",
            "--max-input-mib",
            "1",
            "-f",
            "big.Dockerfile",
            ".",
        ],
    )
    .run()
    .assert_error_mentions("context -f over the cap", "larger than the 1 MiB limit");
    let raised = hullscan(
        dir.path(),
        &[
            "lint",
            "--max-input-mib",
            "4",
            "--no-config",
            "--format",
            "concise",
            "big.Dockerfile",
        ],
    )
    .run();
    raised.assert_finding_mentions("lint with the cap raised", "HS103");
}

#[test]
fn fifos_are_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    if !mkfifo(&fifo) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    write(&dir.path().join("Dockerfile"), "FROM a:1\n");
    for args in [
        vec!["lint", "pipe"],
        vec!["debug", "parse", "pipe"],
        vec!["lint", "--config", "pipe", "Dockerfile"],
        vec!["context", "-f", "pipe", "."],
    ] {
        let mut run = hullscan(dir.path(), &args);
        run.seconds = 10;
        run.run()
            .assert_error_mentions(&args.join(" "), "pipe: not a regular file (a FIFO)");
    }
}

#[test]
fn image_dockerfile_fifo_is_refused_and_same_path_layers_stay_linear() {
    let dir = tempfile::tempdir().unwrap();
    // One layer that writes the same path 100,000 times (each later copy hides the earlier).
    let mut tar = Vec::new();
    for i in 0..100_000u32 {
        let data = i.to_le_bytes();
        tar_entry(&mut tar, "etc/same", &data);
    }
    tar.extend(std::iter::repeat_n(0u8, 1024));
    let layout = dir.path().join("layout");
    oci_layout(&layout, &tar);
    let fifo = dir.path().join("pipe");
    let image = layout.display().to_string();
    let run = hullscan(dir.path(), &["image", "--format", "json", &image]).run();
    run.assert_exited("an image layer with 100,000 entries at one path");
    assert!(
        run.code == Some(0) || run.code == Some(1),
        "stderr: {}",
        tail(&run.stderr)
    );
    if mkfifo(&fifo) {
        hullscan(dir.path(), &["image", "--dockerfile", "pipe", &image])
            .run()
            .assert_error_mentions("image --dockerfile pipe", "not a regular file (a FIFO)");
    }
}

#[test]
fn config_files_stay_linear_and_bounded() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("Dockerfile"), "FROM a:1\n");
    // 100,000 names in `ignore`: each looked up its line by counting from the start.
    let names = vec!["\"DL3006\""; 100_000].join(",\n");
    write(
        &dir.path().join("hullscan.toml"),
        &format!("ignore = [\n{names}\n]\n"),
    );
    hullscan(dir.path(), &["lint", "--format", "concise", "Dockerfile"])
        .run()
        .assert_exited("a 100,000-entry ignore list");
    // One unknown name of 1 MB.
    write(
        &dir.path().join("hullscan.toml"),
        &format!("ignore = [\"{}\"]\n", "x".repeat(1 << 20)),
    );
    hullscan(dir.path(), &["lint", "Dockerfile"])
        .run()
        .assert_error_mentions("a 1 MB unknown rule name", "unknown rule");
    std::fs::remove_file(dir.path().join("hullscan.toml")).unwrap();
    // A YAML alias bomb: a 256 KiB scalar referenced 40,000 times is 10 GB expanded.
    let anchor = "x".repeat(256 << 10);
    let refs = vec!["*a"; 40_000].join(", ");
    write(
        &dir.path().join(".hadolint.yaml"),
        &format!("label-schema:\n  k: &a \"{anchor}\"\nignored: [{refs}]\n"),
    );
    hullscan(dir.path(), &["lint", "Dockerfile"])
        .memory(512)
        .run()
        .assert_error_mentions("a YAML alias bomb", "YAML aliases expand");
}

/// Appends a regular-file entry to a ustar archive.
fn tar_entry(tar: &mut Vec<u8>, name: &str, data: &[u8]) {
    let mut header = [0u8; 512];
    header[..name.len()].copy_from_slice(name.as_bytes());
    let octal = |field: &mut [u8], value: u64| {
        let width = field.len() - 1;
        let text = format!("{value:0width$o}");
        field[..width].copy_from_slice(text.as_bytes());
    };
    octal(&mut header[100..108], 0o644);
    octal(&mut header[108..116], 0);
    octal(&mut header[116..124], 0);
    octal(&mut header[124..136], data.len() as u64);
    octal(&mut header[136..148], 0);
    header[156] = b'0';
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    header[148..156].copy_from_slice(b"        ");
    let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    header[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    tar.extend_from_slice(&header);
    tar.extend_from_slice(data);
    tar.extend(std::iter::repeat_n(0u8, (512 - data.len() % 512) % 512));
}

/// Writes an OCI layout with one uncompressed layer.
fn oci_layout(dir: &Path, layer: &[u8]) {
    use hullscan_image::digest::Digest;
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    let put = |bytes: &[u8]| {
        let digest = Digest::of_bytes(bytes);
        std::fs::File::create(blobs.join(digest.hex()))
            .unwrap()
            .write_all(bytes)
            .unwrap();
        digest.to_string()
    };
    let layer_digest = put(layer);
    let config = serde_json::json!({"architecture": "amd64", "os": "linux",
        "config": {"User": "10001"},
        "rootfs": {"type": "layers", "diff_ids": [layer_digest]}})
    .to_string();
    let config_digest = put(config.as_bytes());
    let manifest = serde_json::json!({"schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config_digest, "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
            "digest": layer_digest, "size": layer.len()}]})
    .to_string();
    let manifest_digest = put(manifest.as_bytes());
    let index = serde_json::json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": manifest_digest, "size": manifest.len()}]});
    std::fs::write(dir.join("index.json"), index.to_string()).unwrap();
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
}

// ----- issue 15: long lines, stage chains, ignore-file caps, special files -----

#[test]
fn many_findings_on_one_long_line_render_linearly() {
    // 2,000 URL passwords on one 90 KB line: each finding drew the whole line (172 s in a debug
    // build); now each draws a bounded window around its span.
    let dir = tempfile::tempdir().unwrap();
    let line: Vec<String> = (0..2000)
        .map(|i| format!("https://u{i}:Pw{i}x9Kq2Lm@h{i}.example.com/x"))
        .collect();
    write(
        &dir.path().join("urls.txt"),
        &format!("{}\n", line.join(" ")),
    );
    let run = hullscan(dir.path(), &["secrets", "--no-config", "urls.txt"]).run();
    run.assert_finding_mentions("2,000 findings on one line", "Found 2000 problems");
    assert!(
        run.stdout.contains("…"),
        "long lines are clipped: {}",
        &run.stdout[..run.stdout.len().min(2000)]
    );
    assert!(
        !run.stdout.contains("Pw1999x9Kq2Lm"),
        "passwords stay masked"
    );
}

/// Lints `text` with the default rules under a 60 s limit and 2 GiB of address space.
fn lint_large(text: &str) -> Limited {
    let mut run = lint_text(text);
    run.seconds = 60;
    run.mem_mib = 2048;
    run
}

#[test]
fn undefined_variable_lookups_stay_linear() {
    // One stage of 40,000 ENVs using one undefined variable: HS310 compared the name with every
    // binding in scope for its "did you mean" (25 s at 20,000 in a debug build, so about 100 s
    // here; now about 3 s), and each lookup of the name walked every binding before it.
    let envs: String = (0..40_000).map(|i| format!("ENV A{i}=$Z\n")).collect();
    lint_large(&format!("FROM a:1\n{envs}"))
        .run()
        .assert_finding_mentions("40,000 ENVs using $Z", "(did you mean $A0?)");
    // A 20,000-stage FROM chain with an ENV and a COPY of an undefined variable per stage: each
    // lookup walked the whole chain, and so did HS310's base-image and candidate searches
    // (25 s at 10,000, so about 100 s here; now about 5 s).
    let mut chain = String::from("FROM a AS s0\n");
    for i in 1..20_000 {
        chain.push_str(&format!(
            "FROM s{} AS s{i}\nENV A{i}=1\nCOPY $U{i} /x\n",
            i - 1
        ));
    }
    lint_large(&chain)
        .run()
        .assert_finding_mentions("a 20,000-stage FROM chain of undefined COPYs", "'$U19999'");
}

#[test]
fn shell_and_arg_searches_stay_linear() {
    // A 160,000-stage FROM chain with a shell-form CMD per stage: HS105 searched the whole chain
    // for a SHELL per CMD (0.47 s at 10,000 in a debug build, so about 120 s here).
    let mut chain = String::from("FROM a AS s0\n");
    for i in 1..160_000 {
        chain.push_str(&format!("FROM s{} AS s{i}\nCMD echo hi\n", i - 1));
    }
    lint_large(&chain)
        .run()
        .assert_finding_mentions("a 160,000-stage FROM chain of CMDs", "HS105");
    // 160,000 `USER $Un` lines: HS281 rescanned every earlier instruction for an ARG of the
    // name. That quadratic part was small (about 1 of 2.9 s at 40,000 in a debug build, some
    // 25 s here), so this guards the whole file staying well within the limit (about 7 s now)
    // rather than telling the old code apart by itself.
    let users: String = (0..160_000).map(|i| format!("USER $U{i}\n")).collect();
    lint_large(&format!("FROM a:1\n{users}"))
        .run()
        .assert_finding_mentions("160,000 USER lines", "HS281");
}

#[test]
fn copy_from_chains_and_select_all_stay_linear() {
    // An 80,000-stage COPY --from chain with every rule on: the reachability walk filtered every
    // edge per stage, HS272 asked every stage of every stage, the stage scan searched every
    // earlier stage per FROM and was redone per instruction (20,000 stages took 5 s in a debug
    // build, so 80,000 took well over the limit).
    let mut chain = String::from("FROM a AS s0\n");
    for i in 1..80_000 {
        chain.push_str(&format!("FROM a AS s{i}\nCOPY --from=s{} /x y\n", i - 1));
    }
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("Dockerfile"), &chain);
    let mut run = hullscan(
        dir.path(),
        &[
            "lint",
            "--no-config",
            "--no-context",
            "--select",
            "ALL",
            "--format",
            "concise",
            "Dockerfile",
        ],
    );
    run.seconds = 60;
    run.mem_mib = 2048;
    run.run()
        .assert_finding_mentions("an 80,000-stage chain, --select ALL", "HS272");
    // A FROM chain (each stage built on the one before) with a piped RUN and a relative COPY in
    // each: the SHELL and WORKDIR in effect were looked up by walking the whole chain per
    // instruction.
    let mut chain = String::from("FROM a AS s0\n");
    for i in 1..20_000 {
        chain.push_str(&format!("FROM s{} AS s{i}\nRUN a | b\nCOPY x y\n", i - 1));
    }
    write(&dir.path().join("Dockerfile"), &chain);
    let mut run = hullscan(
        dir.path(),
        &[
            "lint",
            "--no-config",
            "--no-context",
            "--select",
            "ALL",
            "--format",
            "concise",
            "Dockerfile",
        ],
    );
    run.seconds = 60;
    run.mem_mib = 2048;
    run.run()
        .assert_finding_mentions("a 20,000-stage FROM chain, --select ALL", "HS");
}

#[test]
fn an_oversized_dockerignore_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("Dockerfile"), "FROM a:1\nCOPY . /app\n");
    // A sparse 3 GB `.dockerignore`: refused by its size, never read into memory.
    std::fs::File::create(dir.path().join(".dockerignore"))
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    hullscan(dir.path(), &["context", "."])
        .memory(256)
        .run()
        .assert_error_mentions(
            "context with a 3 GB .dockerignore",
            ".dockerignore: larger than the 16 MiB limit",
        );
    let lint = hullscan(dir.path(), &["lint", "--no-config", "Dockerfile"])
        .memory(256)
        .run();
    lint.assert_exited("lint with a 3 GB .dockerignore");
    assert!(
        lint.stderr
            .contains(".dockerignore: larger than the 16 MiB limit")
            && lint.stderr.contains("--max-input-mib"),
        "{}",
        tail(&lint.stderr)
    );
    // A 2 MiB one under a 1 MiB cap; raising the cap reads it.
    std::fs::remove_file(dir.path().join(".dockerignore")).unwrap();
    write(
        &dir.path().join(".dockerignore"),
        &"# a comment line of padding\n".repeat(80_000),
    );
    hullscan(dir.path(), &["context", "--max-input-mib", "1", "."])
        .run()
        .assert_error_mentions("context over a 1 MiB cap", "larger than the 1 MiB limit");
    hullscan(dir.path(), &["context", "--max-input-mib", "4", "."])
        .run()
        .assert_exited("context with the cap raised");
}

#[test]
fn special_files_in_walked_directories_are_named_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    std::fs::create_dir_all(&tree).unwrap();
    write(&tree.join("plain.txt"), "nothing here\n");
    if !mkfifo(&tree.join("pipe")) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let socket = std::os::unix::net::UnixListener::bind(tree.join("sock")).ok();
    let mut run = hullscan(dir.path(), &["secrets", "--no-config", "tree"]);
    run.seconds = 20;
    let run = run.run();
    run.assert_exited("secrets over a directory with a FIFO");
    assert_eq!(run.code, Some(0), "stderr: {}", tail(&run.stderr));
    let count = if socket.is_some() {
        "2 special files"
    } else {
        "1 special file"
    };
    assert!(
        run.stderr.contains(count) && run.stderr.contains("tree/pipe (a FIFO)"),
        "{}",
        tail(&run.stderr)
    );
    if socket.is_some() {
        assert!(
            run.stderr.contains("tree/sock (a socket)"),
            "{}",
            tail(&run.stderr)
        );
    }
    // `context` lists them as Docker sends them (no content) and never opens them either.
    write(&tree.join("Dockerfile"), "FROM a:1\nCOPY . /app\n");
    let mut context = hullscan(dir.path(), &["context", "tree"]);
    context.seconds = 20;
    context
        .run()
        .assert_exited("context over a directory with a FIFO");
}

#[test]
fn repeated_private_key_headers_stay_linear() {
    // Every line opens a key block that never closes: each was searched to the end of the file
    // (~8 s per MB, growing with the square of the size). 4 MB here.
    let dir = tempfile::tempdir().unwrap();
    let line = "-----BEGIN PRIVATE KEY-----\n";
    write(
        &dir.path().join("keys.pem"),
        &line.repeat((4 << 20) / line.len()),
    );
    hullscan(dir.path(), &["secrets", "--no-config", "keys.pem"])
        .run()
        .assert_exited("4 MB of unclosed private key headers");
}
