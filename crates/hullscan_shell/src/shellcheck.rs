//! Optional ShellCheck pass over RUN scripts, the way hadolint feeds them.
//!
//! Each script is prepared as hadolint does: a `#!<shell>` line (the first word of the stage's
//! `SHELL`, default `/bin/sh`), one `export NAME=1` line per ARG/ENV name in scope (so SC2154
//! does not fire on build arguments), then the script. SC2187, SC1090 and SC1091 are excluded,
//! and scripts for PowerShell or cmd are skipped.
//!
//! The pure parts (preparing scripts, reading `-f json1` output and mapping it back to script
//! offsets, caching) are separate from the one function that spawns the process, which sits
//! behind [`ShellcheckRunner`] so the CLI decides when to run it and tests can fake it.
//!
//! ShellCheck is GPL-3.0: it is only ever run as a separate program, never linked.

use std::ffi::OsString;
use std::hash::{Hash, Hasher};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hullscan_text::{TextRange, TextSize};
use rustc_hash::{FxHashMap, FxHasher};
use serde::Deserialize;
use wait_timeout::ChildExt;

/// Codes hadolint always excludes: SC2187 (ash is not supported) and SC1090/SC1091 (they need
/// a `source=` directive a Dockerfile cannot give). Also SC2002 (useless `cat`): optional and
/// off by default since ShellCheck 0.10, which hadolint links (0.11), so results do not depend
/// on an older ShellCheck installed here (Debian 12 has 0.9).
pub const EXCLUDED_CODES: [&str; 4] = ["SC2187", "SC1090", "SC1091", "SC2002"];

/// Proxy variables BuildKit passes to every RUN without an ARG; hadolint exports them too.
pub const PROXY_VARIABLES: [&str; 8] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// The default shell of a Linux RUN.
pub const DEFAULT_SHELL: &str = "/bin/sh";

#[derive(Debug, thiserror::Error)]
pub enum ShellcheckError {
    #[error(
        "`{program}` was not found; install ShellCheck (e.g. `apt-get install shellcheck`) or turn off --shellcheck"
    )]
    NotFound { program: String },
    #[error("could not run `{program}`: {source}")]
    Io {
        program: String,
        #[source]
        source: io::Error,
    },
    #[error("`{program}` failed ({}): {stderr}", exit_description(*.code))]
    Failed {
        program: String,
        code: Option<i32>,
        stderr: String,
    },
    #[error("could not read ShellCheck's JSON output: {0}")]
    BadOutput(String),
    #[error("`{program}` was stopped after {seconds} s on a batch of {scripts} scripts")]
    TimedOut {
        program: String,
        seconds: u64,
        scripts: usize,
    },
    /// The run that checked a script failed; every script of that run shares the error.
    #[error("{0}")]
    Batch(Arc<ShellcheckError>),
    #[error("a script was not among the scripts checked (internal error)")]
    Unchecked,
}

/// `exit code 3`, or `killed by a signal` when there is no code.
fn exit_description(code: Option<i32>) -> String {
    code.map_or_else(
        || "killed by a signal".to_owned(),
        |code| format!("exit code {code}"),
    )
}

impl ShellcheckError {
    /// Whether running fewer scripts might succeed: a failed run or unreadable output can come
    /// from one odd script; a missing program or an I/O error does not, and a batch that timed
    /// out is not split either (each half could take as long again).
    fn may_depend_on_the_scripts(&self) -> bool {
        matches!(self, Self::Failed { .. } | Self::BadOutput(_))
    }
}

/// One script to check, with the context hadolint gives ShellCheck.
#[derive(Clone, Copy, Debug)]
pub struct ScriptInput<'a> {
    pub script: &'a str,
    /// The shell program: the first word of the stage's `SHELL`, or [`DEFAULT_SHELL`].
    pub shell: &'a str,
    /// ARG and ENV names in scope at the RUN (proxy variables are added automatically).
    pub variables: &'a [&'a str],
}

/// False for PowerShell and cmd, which ShellCheck cannot check.
pub fn is_supported_shell(shell: &str) -> bool {
    let lower = shell.to_ascii_lowercase();
    !["pwsh", "powershell", "cmd"]
        .iter()
        .any(|name| lower.contains(name))
}

/// The interpreter named by a script's `#!` line (`python3` for `#!/usr/bin/env python3`), if
/// it has one.
pub fn shebang_interpreter(script: &str) -> Option<&str> {
    let line = script.strip_prefix("#!")?.lines().next()?;
    let mut words = line.split_whitespace();
    let program = words.next()?;
    let name = program.rsplit('/').next().unwrap_or(program);
    if name == "env" {
        return words.find(|word| !word.starts_with('-'));
    }
    Some(name)
}

/// False for a script (typically a `RUN <<EOF` heredoc body) whose `#!` line names something
/// other than a POSIX-family shell, such as `#!/usr/bin/env python3`: hadolint does not send
/// those to ShellCheck.
pub fn is_shell_script(script: &str) -> bool {
    shebang_interpreter(script).is_none_or(|name| {
        matches!(
            name.rsplit('/').next().unwrap_or(name),
            "sh" | "bash" | "dash" | "ash" | "ksh" | "mksh" | "zsh" | "busybox"
        )
    })
}

/// A script as ShellCheck sees it: the injected header, then the script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedScript {
    pub text: String,
    /// Lines before the script's first line.
    pub header_lines: u32,
    /// Byte length of the header.
    pub header_len: usize,
}

fn is_variable_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Builds the ShellCheck input for `input`, or `None` when its shell is not supported.
pub fn prepare(input: &ScriptInput<'_>) -> Option<PreparedScript> {
    if !is_supported_shell(input.shell) {
        return None;
    }
    let shell = input
        .shell
        .split_whitespace()
        .next()
        .unwrap_or(DEFAULT_SHELL);
    let mut text = String::with_capacity(input.script.len() + 64);
    text.push_str("#!");
    text.push_str(shell);
    text.push('\n');
    let mut header_lines = 1;
    let mut seen: Vec<&str> = Vec::new();
    for name in input.variables.iter().copied().chain(PROXY_VARIABLES) {
        if is_variable_name(name) && !seen.contains(&name) {
            seen.push(name);
            text.push_str("export ");
            text.push_str(name);
            text.push_str("=1\n");
            header_lines += 1;
        }
    }
    let header_len = text.len();
    text.push_str(input.script);
    Some(PreparedScript {
        text,
        header_lines,
        header_len,
    })
}

/// The arguments for one batched run over `files` (paths of prepared scripts). `--norc`: like
/// hadolint, no `.shellcheckrc` applies, so results do not depend on the user's home or on one
/// planted in a parent of the (world-writable) temporary directory. Both it and `json1` need
/// ShellCheck 0.7 or later.
pub fn command_args(files: &[PathBuf]) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![
        "--norc".into(),
        "--format=json1".into(),
        format!("--exclude={}", EXCLUDED_CODES.join(",")).into(),
    ];
    args.extend(files.iter().map(|file| file.as_os_str().to_owned()));
    args
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Style,
    Info,
    Warning,
    Error,
}

/// A replacement from ShellCheck's suggested fix, in script offsets.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Replacement {
    pub range: TextRange,
    pub text: String,
}

/// A ShellCheck finding mapped to the script.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Finding {
    /// The number in `SC2086`.
    pub code: u32,
    pub level: Level,
    pub message: String,
    /// The range in the script (not in the prepared text).
    pub range: TextRange,
    pub fix: Vec<Replacement>,
}

impl Finding {
    /// `SC2086`.
    pub fn code_name(&self) -> String {
        format!("SC{:04}", self.code)
    }
}

#[derive(Deserialize)]
struct Json1 {
    comments: Vec<JsonComment>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonComment {
    file: String,
    line: u32,
    end_line: u32,
    column: u32,
    end_column: u32,
    level: String,
    code: u32,
    message: String,
    fix: Option<JsonFix>,
}

#[derive(Deserialize)]
struct JsonFix {
    replacements: Vec<JsonReplacement>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonReplacement {
    line: u32,
    end_line: u32,
    column: u32,
    end_column: u32,
    replacement: String,
}

/// The byte offset in `script` of a 1-based line and 1-based character column of the prepared
/// text, or `None` when the position is in the injected header.
fn script_offset(script: &str, header_lines: u32, line: u32, column: u32) -> Option<usize> {
    let script_line = line.checked_sub(header_lines)?.checked_sub(1)?;
    let mut line_start = 0;
    for _ in 0..script_line {
        match script[line_start..].find('\n') {
            Some(newline) => line_start += newline + 1,
            None => return Some(script.len()),
        }
    }
    let line_end = script[line_start..]
        .find('\n')
        .map_or(script.len(), |i| line_start + i);
    let line_text = &script[line_start..line_end];
    // Columns count characters (a tab is one); a column past the end means the line end.
    let chars_before = column.saturating_sub(1) as usize;
    let offset = line_text
        .char_indices()
        .nth(chars_before)
        .map_or(line_text.len(), |(i, _)| i);
    Some(line_start + offset)
}

fn text_range(
    script: &str,
    header_lines: u32,
    start: (u32, u32),
    end: (u32, u32),
) -> Option<TextRange> {
    let start = script_offset(script, header_lines, start.0, start.1)?;
    let end = script_offset(script, header_lines, end.0, end.1)
        .unwrap_or(start)
        .max(start);
    Some(TextRange::new(
        TextSize::try_from(start).ok()?,
        TextSize::try_from(end).ok()?,
    ))
}

/// Reads `-f json1` output for a batch. `file_index` maps the `file` field of a comment to the
/// index of its script in `scripts` (each given with its preparation). Findings in the injected
/// header are dropped.
pub fn parse_output(
    json: &str,
    scripts: &[(&str, &PreparedScript)],
    file_index: impl Fn(&str) -> Option<usize>,
) -> Result<Vec<Vec<Finding>>, ShellcheckError> {
    let output: Json1 = serde_json::from_str(json)
        .map_err(|error| ShellcheckError::BadOutput(error.to_string()))?;
    let mut findings = vec![Vec::new(); scripts.len()];
    for comment in output.comments {
        let Some(index) = file_index(&comment.file).filter(|&i| i < scripts.len()) else {
            return Err(ShellcheckError::BadOutput(format!(
                "a finding names an unknown file `{}`",
                comment.file
            )));
        };
        let (script, prepared) = scripts[index];
        let header = prepared.header_lines;
        let Some(range) = text_range(
            script,
            header,
            (comment.line, comment.column),
            (comment.end_line, comment.end_column),
        ) else {
            continue;
        };
        let fix = comment
            .fix
            .map(|fix| {
                fix.replacements
                    .into_iter()
                    .filter_map(|r| {
                        Some(Replacement {
                            range: text_range(
                                script,
                                header,
                                (r.line, r.column),
                                (r.end_line, r.end_column),
                            )?,
                            text: r.replacement,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let level = match comment.level.as_str() {
            "error" => Level::Error,
            "warning" => Level::Warning,
            "info" => Level::Info,
            _ => Level::Style,
        };
        findings[index].push(Finding {
            code: comment.code,
            level,
            message: comment.message,
            range,
            fix,
        });
    }
    Ok(findings)
}

/// Reads the version from `shellcheck --version` output (`version: 0.9.0`).
pub fn parse_version(output: &str) -> Option<&str> {
    output
        .lines()
        .find_map(|line| line.strip_prefix("version:"))
        .map(str::trim)
        .filter(|version| !version.is_empty())
}

/// Runs ShellCheck over prepared scripts in one batch and returns its `json1` output with
/// `file` fields that [`file_name`] produced.
pub trait ShellcheckRunner {
    /// The ShellCheck version (asked once up front, so a missing program is one clear error).
    fn version(&self) -> Result<String, ShellcheckError>;
    fn run(&self, scripts: &[&PreparedScript]) -> Result<String, ShellcheckError>;
}

/// The file name the batch gives the script at `index`.
pub fn file_name(index: usize) -> String {
    format!("{index}.sh")
}

/// The index of a file named by [`file_name`].
pub fn file_index(name: &str) -> Option<usize> {
    Path::new(name)
        .file_name()?
        .to_str()?
        .strip_suffix(".sh")?
        .parse()
        .ok()
}

/// Runs an installed `shellcheck` program: writes the batch to a temporary directory and runs
/// one process over all of it.
#[derive(Clone, Debug)]
pub struct ProcessRunner {
    pub program: PathBuf,
    /// How long one batch may run before ShellCheck is stopped; default
    /// [`default_time_limit`] of the batch's size.
    pub time_limit: Option<Duration>,
}

impl Default for ProcessRunner {
    fn default() -> Self {
        ProcessRunner {
            program: PathBuf::from("shellcheck"),
            time_limit: None,
        }
    }
}

/// How long ShellCheck may take over `scripts` scripts: a minute, plus a quarter of a second a
/// script (about 60 times what a script takes), so only a hung process is ever stopped.
pub fn default_time_limit(scripts: usize) -> Duration {
    Duration::from_secs(60)
        + Duration::from_millis(250) * u32::try_from(scripts).unwrap_or(u32::MAX)
}

impl ProcessRunner {
    fn spawn_error(&self, source: io::Error) -> ShellcheckError {
        let program = self.program.display().to_string();
        if source.kind() == io::ErrorKind::NotFound {
            ShellcheckError::NotFound { program }
        } else {
            ShellcheckError::Io { program, source }
        }
    }
}

impl ShellcheckRunner for ProcessRunner {
    fn version(&self) -> Result<String, ShellcheckError> {
        let output = Command::new(&self.program)
            .arg("--version")
            .output()
            .map_err(|error| self.spawn_error(error))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        parse_version(&stdout)
            .map(str::to_owned)
            .ok_or_else(|| ShellcheckError::BadOutput(format!("no version in `{stdout}`")))
    }

    fn run(&self, scripts: &[&PreparedScript]) -> Result<String, ShellcheckError> {
        let program = self.program.display().to_string();
        let io_error = |source| ShellcheckError::Io {
            program: program.clone(),
            source,
        };
        let dir = tempfile::tempdir().map_err(io_error)?;
        let mut files = Vec::with_capacity(scripts.len());
        for (index, script) in scripts.iter().enumerate() {
            let name = PathBuf::from(file_name(index));
            std::fs::write(dir.path().join(&name), &script.text).map_err(io_error)?;
            files.push(name);
        }
        let mut child = Command::new(&self.program)
            .args(command_args(&files))
            // Its options would be added to ours (another output format, other exclusions).
            .env_remove("SHELLCHECK_OPTS")
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| self.spawn_error(error))?;
        // Both pipes are drained on their own threads, so a full pipe never stalls ShellCheck
        // while we wait for it with a time limit.
        let drain = |pipe: Option<Box<dyn Read + Send>>| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                if let Some(mut pipe) = pipe {
                    let _ = pipe.read_to_end(&mut bytes);
                }
                bytes
            })
        };
        let stdout = drain(
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        );
        let stderr = drain(
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        );
        let limit = self
            .time_limit
            .unwrap_or_else(|| default_time_limit(scripts.len()));
        let Some(status) = child.wait_timeout(limit).map_err(io_error)? else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(ShellcheckError::TimedOut {
                program,
                seconds: limit.as_secs(),
                scripts: scripts.len(),
            });
        };
        let stdout = stdout.join().unwrap_or_default();
        let stderr = stderr.join().unwrap_or_default();
        // Exit code 1 means "findings", not failure.
        if !matches!(status.code(), Some(0 | 1)) {
            return Err(ShellcheckError::Failed {
                program,
                code: status.code(),
                stderr: String::from_utf8_lossy(&stderr).trim().to_owned(),
            });
        }
        String::from_utf8(stdout)
            .map_err(|_| ShellcheckError::BadOutput("output is not UTF-8".to_owned()))
    }
}

/// The distinct prepared scripts of a whole run, each to be checked once: identical RUNs (same
/// script, shell and exported names) across all the Dockerfiles of one invocation share an id.
/// Nothing is kept between runs.
#[derive(Clone, Debug, Default)]
pub struct ScriptSet {
    scripts: Vec<PreparedScript>,
    /// Hash of the prepared text to the ids with that hash.
    ids_by_hash: FxHashMap<u64, Vec<usize>>,
}

fn text_hash(text: &str) -> u64 {
    let mut hasher = FxHasher::default();
    text.hash(&mut hasher);
    hasher.finish()
}

impl ScriptSet {
    /// The id of `prepared`, added when it is new.
    pub fn insert(&mut self, prepared: PreparedScript) -> usize {
        let ids = self
            .ids_by_hash
            .entry(text_hash(&prepared.text))
            .or_default();
        if let Some(&id) = ids
            .iter()
            .find(|&&id| self.scripts[id].text == prepared.text)
        {
            return id;
        }
        let id = self.scripts.len();
        ids.push(id);
        self.scripts.push(prepared);
        id
    }

    /// The id of the script whose prepared text is `text`.
    pub fn id_of(&self, text: &str) -> Option<usize> {
        self.ids_by_hash
            .get(&text_hash(text))?
            .iter()
            .copied()
            .find(|&id| self.scripts[id].text == text)
    }

    pub fn get(&self, id: usize) -> Option<&PreparedScript> {
        self.scripts.get(id)
    }

    pub fn len(&self) -> usize {
        self.scripts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.scripts.is_empty()
    }
}

/// Batches per worker: more than one, so a worker that finishes early takes another batch
/// instead of idling while one big batch runs on.
const BATCHES_PER_WORKER: usize = 4;

/// At most this many scripts per ShellCheck process, which keeps its command line short.
const MAX_BATCH_SCRIPTS: usize = 2_000;

/// At least about this many bytes of scripts per process (about 35 typical RUN scripts, some
/// 150 ms of ShellCheck against its 10 ms start-up), so a small run starts one process rather
/// than one per core.
const MIN_BATCH_BYTES: usize = 16 * 1024;

/// How many times, in a whole run, a failed batch is split in two to find the scripts that made
/// it fail; bounded so a ShellCheck that fails on everything is not run thousands of times.
const MAX_BATCH_SPLITS: usize = 32;

/// Splits scripts of these byte sizes into contiguous batches of about equal size: roughly
/// [`BATCHES_PER_WORKER`] per worker, each at most [`MAX_BATCH_SCRIPTS`] scripts.
pub fn plan_batches(sizes: &[usize], workers: usize) -> Vec<std::ops::Range<usize>> {
    let total: usize = sizes.iter().sum();
    let target = (total / (workers.max(1) * BATCHES_PER_WORKER)).max(MIN_BATCH_BYTES);
    let mut batches = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (index, size) in sizes.iter().enumerate() {
        bytes += size;
        if bytes >= target || index + 1 - start >= MAX_BATCH_SCRIPTS {
            batches.push(start..index + 1);
            start = index + 1;
            bytes = 0;
        }
    }
    if start < sizes.len() {
        batches.push(start..sizes.len());
    }
    batches
}

/// The outcome for one script: its findings, or the failure of the run that checked it (shared
/// by every script of that run).
pub type ScriptResult = Result<Vec<Finding>, Arc<ShellcheckError>>;

/// Every script of a [`ScriptSet`] with its result.
#[derive(Debug)]
pub struct CheckedScripts {
    set: ScriptSet,
    results: Vec<ScriptResult>,
}

impl CheckedScripts {
    /// The findings for `input`: `Ok(None)` for a skipped (non-POSIX) shell, an error when the
    /// run that checked it failed or it was never part of the set.
    pub fn findings(&self, input: &ScriptInput<'_>) -> Result<Option<&[Finding]>, ShellcheckError> {
        let Some(prepared) = prepare(input) else {
            return Ok(None);
        };
        let id = self
            .set
            .id_of(&prepared.text)
            .ok_or(ShellcheckError::Unchecked)?;
        match &self.results[id] {
            Ok(findings) => Ok(Some(findings)),
            Err(error) => Err(ShellcheckError::Batch(Arc::clone(error))),
        }
    }

    /// [`Self::findings`] for a batch of inputs, in the shape the linter's ShellCheck function
    /// returns.
    pub fn lookup(
        &self,
        inputs: &[ScriptInput<'_>],
    ) -> Result<Vec<Option<Vec<Finding>>>, ShellcheckError> {
        inputs
            .iter()
            .map(|input| Ok(self.findings(input)?.map(<[Finding]>::to_vec)))
            .collect()
    }

    /// The distinct scripts checked.
    pub fn len(&self) -> usize {
        self.results.len()
    }

    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }

    /// The failures, once each (scripts of one failed run share one error).
    pub fn failures(&self) -> Vec<&ShellcheckError> {
        let mut failures: Vec<&Arc<ShellcheckError>> = Vec::new();
        for error in self
            .results
            .iter()
            .filter_map(|result| result.as_ref().err())
        {
            if !failures.iter().any(|seen| Arc::ptr_eq(seen, error)) {
                failures.push(error);
            }
        }
        failures.into_iter().map(|error| &**error).collect()
    }
}

/// Checks every script of `set` with ShellCheck: the scripts are split into batches (see
/// [`plan_batches`]) that `workers` threads take in turn, one process per batch. When a batch
/// fails, it is split to isolate the scripts that made it fail, so only those get the error.
pub fn check_all(
    runner: &(dyn ShellcheckRunner + Sync),
    set: ScriptSet,
    workers: usize,
) -> CheckedScripts {
    let sizes: Vec<usize> = set.scripts.iter().map(|script| script.text.len()).collect();
    let batches = plan_batches(&sizes, workers);
    let next_batch = AtomicUsize::new(0);
    let splits_left = AtomicUsize::new(MAX_BATCH_SPLITS);
    let workers = workers.clamp(1, batches.len().max(1));
    let mut results: Vec<Option<ScriptResult>> = (0..set.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let batch = next_batch.fetch_add(1, Ordering::Relaxed);
                        let Some(range) = batches.get(batch) else {
                            break;
                        };
                        let ids: Vec<usize> = range.clone().collect();
                        run_batch(runner, &set, &ids, &splits_left, &mut done);
                    }
                    done
                })
            })
            .collect();
        for handle in handles {
            // A worker only panics if the runner does; resume that panic here.
            let done = handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (id, result) in done {
                results[id] = Some(result);
            }
        }
    });
    let results = results
        .into_iter()
        .map(|result| result.unwrap_or_else(|| Err(Arc::new(ShellcheckError::Unchecked))))
        .collect();
    CheckedScripts { set, results }
}

/// Runs one batch (the scripts `ids`), pushing one result per id onto `done`.
fn run_batch(
    runner: &(dyn ShellcheckRunner + Sync),
    set: &ScriptSet,
    ids: &[usize],
    splits_left: &AtomicUsize,
    done: &mut Vec<(usize, ScriptResult)>,
) {
    let prepared: Vec<&PreparedScript> = ids.iter().map(|&id| &set.scripts[id]).collect();
    let scripts: Vec<(&str, &PreparedScript)> = prepared
        .iter()
        .map(|script| (&script.text[script.header_len..], *script))
        .collect();
    let outcome = runner
        .run(&prepared)
        .and_then(|json| parse_output(&json, &scripts, file_index));
    match outcome {
        Ok(findings) => done.extend(ids.iter().copied().zip(findings.into_iter().map(Ok))),
        Err(error)
            if ids.len() > 1
                && error.may_depend_on_the_scripts()
                && splits_left
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                    .is_ok() =>
        {
            let (first, second) = ids.split_at(ids.len() / 2);
            run_batch(runner, set, first, splits_left, done);
            run_batch(runner, set, second, splits_left, done);
        }
        Err(error) => {
            let error = Arc::new(error);
            done.extend(ids.iter().map(|&id| (id, Err(Arc::clone(&error)))));
        }
    }
}

/// Checks `inputs` with ShellCheck, identical scripts once, in batches over `workers` threads.
/// The result has one entry per input: `None` for a skipped (non-POSIX) shell.
pub fn check_scripts(
    runner: &(dyn ShellcheckRunner + Sync),
    inputs: &[ScriptInput<'_>],
    workers: usize,
) -> Result<Vec<Option<Vec<Finding>>>, ShellcheckError> {
    let mut set = ScriptSet::default();
    for input in inputs {
        if let Some(prepared) = prepare(input) {
            set.insert(prepared);
        }
    }
    check_all(runner, set, workers).lookup(inputs)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// A ShellCheck that never answers is stopped at the time limit with a clear error.
    #[test]
    fn a_hung_shellcheck_is_stopped_at_the_time_limit() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join("shellcheck");
        std::fs::write(&program, "#!/bin/sh\nexec sleep 60\n").unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        let runner = ProcessRunner {
            program,
            time_limit: Some(Duration::from_millis(500)),
        };
        let script = prepare(&ScriptInput {
            script: "echo $foo",
            shell: DEFAULT_SHELL,
            variables: &[],
        })
        .unwrap();
        let started = std::time::Instant::now();
        let error = runner.run(&[&script]).unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
        assert!(
            matches!(error, ShellcheckError::TimedOut { scripts: 1, .. }),
            "{error}"
        );
        assert!(error.to_string().contains("stopped after"), "{error}");
        assert!(!error.may_depend_on_the_scripts());
        // The default limit grows with the batch and leaves ample room.
        assert_eq!(default_time_limit(0), Duration::from_secs(60));
        assert!(default_time_limit(2_000) > Duration::from_secs(500));
    }

    #[test]
    fn prepares_hadolints_recipe() {
        let input = ScriptInput {
            script: "echo $VERSION",
            shell: "/bin/bash -o pipefail -c",
            variables: &["VERSION", "not a name", "VERSION", "HTTP_PROXY"],
        };
        let prepared = prepare(&input).unwrap();
        let lines: Vec<&str> = prepared.text.lines().collect();
        assert_eq!(lines[0], "#!/bin/bash");
        assert_eq!(lines[1], "export VERSION=1");
        assert_eq!(lines[2], "export HTTP_PROXY=1");
        assert_eq!(lines.len(), 2 + PROXY_VARIABLES.len() + 1);
        assert_eq!(prepared.header_lines, 1 + 1 + PROXY_VARIABLES.len() as u32);
        assert_eq!(&prepared.text[prepared.header_len..], "echo $VERSION");
        assert_eq!(*lines.last().unwrap(), "echo $VERSION");
    }

    #[test]
    fn skips_windows_shells() {
        for shell in [
            "pwsh",
            "powershell -Command",
            "cmd /S /C",
            "C:\\Windows\\cmd.exe",
        ] {
            let input = ScriptInput {
                script: "dir",
                shell,
                variables: &[],
            };
            assert!(prepare(&input).is_none(), "{shell}");
        }
        assert!(is_supported_shell("/bin/ash"));
    }

    #[test]
    fn shebangs() {
        assert_eq!(
            shebang_interpreter("#!/usr/bin/env python3\nprint(1)"),
            Some("python3")
        );
        assert_eq!(shebang_interpreter("#!/bin/bash -e\nls"), Some("bash"));
        assert_eq!(shebang_interpreter("ls"), None);
        assert!(is_shell_script("#!/bin/sh\nls"));
        assert!(is_shell_script("#!/usr/bin/env -S bash -e\nls"));
        assert!(is_shell_script("apt-get update"));
        assert!(!is_shell_script("#!/usr/bin/env python3\nprint(1)"));
        assert!(!is_shell_script("#!/usr/bin/perl\n"));
    }

    #[test]
    fn command_line_excludes_codes() {
        let args = command_args(&[PathBuf::from("0.sh"), PathBuf::from("1.sh")]);
        assert_eq!(
            args,
            [
                "--norc",
                "--format=json1",
                "--exclude=SC2187,SC1090,SC1091,SC2002",
                "0.sh",
                "1.sh"
            ]
        );
    }

    #[test]
    fn maps_lines_and_character_columns_back_to_the_script() {
        let script = "apt-get update\n\techo é $foo\n";
        let input = ScriptInput {
            script,
            shell: DEFAULT_SHELL,
            variables: &[],
        };
        let prepared = prepare(&input).unwrap();
        let header = prepared.header_lines;
        // `$foo` on script line 2 at character columns 9..13 (tab and é count one each).
        let json = format!(
            r#"{{"comments":[
              {{"file":"0.sh","line":{l},"endLine":{l},"column":9,"endColumn":13,"level":"info","code":2086,
                "message":"Double quote","fix":{{"replacements":[
                  {{"line":{l},"endLine":{l},"column":9,"endColumn":9,"replacement":"\"","precedence":7,"insertionPoint":"afterEnd"}}]}}}},
              {{"file":"0.sh","line":1,"endLine":1,"column":1,"endColumn":2,"level":"error","code":9999,"message":"in header","fix":null}}
            ]}}"#,
            l = header + 2
        );
        let findings = parse_output(&json, &[(script, &prepared)], file_index).unwrap();
        assert_eq!(findings[0].len(), 1, "the header finding is dropped");
        let finding = &findings[0][0];
        assert_eq!(&script[finding.range.to_range()], "$foo");
        assert_eq!(finding.level, Level::Info);
        assert_eq!(finding.code_name(), "SC2086");
        assert_eq!(
            finding.fix[0].range,
            TextRange::empty(finding.range.start())
        );
        assert_eq!(finding.fix[0].text, "\"");
    }

    #[test]
    fn rejects_bad_output() {
        let prepared = prepare(&ScriptInput {
            script: "ls",
            shell: DEFAULT_SHELL,
            variables: &[],
        })
        .unwrap();
        assert!(parse_output("not json", &[("ls", &prepared)], file_index).is_err());
        let unknown = r#"{"comments":[{"file":"7.sh","line":1,"endLine":1,"column":1,"endColumn":1,"level":"error","code":1,"message":"x","fix":null}]}"#;
        assert!(parse_output(unknown, &[("ls", &prepared)], file_index).is_err());
    }

    #[test]
    fn reads_versions_and_file_names() {
        let output = "ShellCheck - shell script analysis tool\nversion: 0.9.0\nlicense: GPL\n";
        assert_eq!(parse_version(output), Some("0.9.0"));
        assert_eq!(parse_version("nothing"), None);
        assert_eq!(file_index(&file_name(12)), Some(12));
        assert_eq!(file_index("/tmp/x/3.sh"), Some(3));
        assert_eq!(file_index("-"), None);
    }

    /// A runner that records the size of every batch, fails (like a crashing ShellCheck) on any
    /// batch holding a script that contains `CRASH`, and otherwise reports SC2086 on the first
    /// `$` of each script.
    #[derive(Default)]
    struct FakeRunner {
        batches: Mutex<Vec<usize>>,
    }

    impl FakeRunner {
        fn batches(&self) -> Vec<usize> {
            let mut batches = self.batches.lock().unwrap().clone();
            batches.sort_unstable();
            batches
        }
    }

    impl ShellcheckRunner for FakeRunner {
        fn version(&self) -> Result<String, ShellcheckError> {
            Ok("test".to_owned())
        }

        fn run(&self, scripts: &[&PreparedScript]) -> Result<String, ShellcheckError> {
            self.batches.lock().unwrap().push(scripts.len());
            if scripts.iter().any(|script| script.text.contains("CRASH")) {
                return Err(ShellcheckError::Failed {
                    program: "fake".to_owned(),
                    code: Some(3),
                    stderr: "crashed".to_owned(),
                });
            }
            let mut comments = Vec::new();
            for (index, script) in scripts.iter().enumerate() {
                let body = &script.text[script.header_len..];
                if let Some(dollar) = body.find('$') {
                    let column = body[..dollar].chars().count() + 1;
                    comments.push(format!(
                        r#"{{"file":"{}","line":{},"endLine":{},"column":{column},"endColumn":{},"level":"info","code":2086,"message":"m","fix":null}}"#,
                        file_name(index),
                        script.header_lines + 1,
                        script.header_lines + 1,
                        column + 2
                    ));
                }
            }
            Ok(format!(r#"{{"comments":[{}]}}"#, comments.join(",")))
        }
    }

    fn sh(script: &str) -> ScriptInput<'_> {
        ScriptInput {
            script,
            shell: DEFAULT_SHELL,
            variables: &[],
        }
    }

    #[test]
    fn identical_scripts_run_once_in_one_batch() {
        let runner = FakeRunner::default();
        let inputs = [
            sh("echo $a"),
            sh("ls"),
            sh("echo $a"),
            ScriptInput {
                script: "Get-ChildItem $x",
                shell: "pwsh",
                variables: &[],
            },
            // Same script, other exported names: a different prepared text.
            ScriptInput {
                script: "echo $a",
                shell: DEFAULT_SHELL,
                variables: &["a"],
            },
        ];
        let results = check_scripts(&runner, &inputs, 2).unwrap();
        assert_eq!(
            runner.batches(),
            [3],
            "one small run; the duplicate and pwsh left out"
        );
        assert_eq!(
            results[0].as_ref().unwrap()[0].range,
            TextRange::from_usize(5, 7)
        );
        assert!(results[1].as_ref().unwrap().is_empty());
        assert_eq!(results[2], results[0]);
        assert!(results[3].is_none());
        assert_eq!(results[4], results[0]);
    }

    #[test]
    fn script_set_deduplicates_by_prepared_text() {
        let mut set = ScriptSet::default();
        let a = set.insert(prepare(&sh("echo $a")).unwrap());
        let b = set.insert(prepare(&sh("ls")).unwrap());
        assert_eq!(set.insert(prepare(&sh("echo $a")).unwrap()), a);
        assert_ne!(a, b);
        assert_eq!(set.len(), 2);
        let text = prepare(&sh("ls")).unwrap().text;
        assert_eq!(set.id_of(&text), Some(b));
        assert_eq!(set.id_of("#!/bin/sh\nnever added"), None);
    }

    #[test]
    fn batches_are_balanced_bounded_and_cover_every_script() {
        // 10,000 scripts of 100 bytes on 2 workers: 8 batches of about 125 KB.
        let sizes = vec![100; 10_000];
        let batches = plan_batches(&sizes, 2);
        assert_eq!(batches.len(), 8, "{batches:?}");
        assert!(
            batches.iter().all(|batch| batch.len() == 1_250),
            "{batches:?}"
        );
        // Contiguous and complete.
        assert_eq!(batches[0].start, 0);
        assert!(batches.windows(2).all(|pair| pair[0].end == pair[1].start));
        assert_eq!(batches.last().unwrap().end, sizes.len());
        // Tiny scripts: capped by count.
        let tiny = plan_batches(&vec![1; 5_000], 1);
        assert!(tiny.iter().all(|batch| batch.len() <= MAX_BATCH_SCRIPTS));
        assert_eq!(
            tiny.iter().map(ExactSizeIterator::len).sum::<usize>(),
            5_000
        );
        // A small run is one batch however many workers there are.
        assert_eq!(plan_batches(&[10, 20, 30], 16), vec![0..3]);
        assert!(plan_batches(&[], 4).is_empty());
    }

    #[test]
    fn many_scripts_run_in_parallel_batches_with_findings_in_place() {
        let runner = FakeRunner::default();
        let scripts: Vec<String> = (0..3_000)
            .map(|i| format!("echo {} $v{i}\n{}", "x".repeat(i % 7), "# pad\n".repeat(10)))
            .collect();
        let inputs: Vec<ScriptInput<'_>> = scripts.iter().map(|script| sh(script)).collect();
        let results = check_scripts(&runner, &inputs, 2).unwrap();
        let batches = runner.batches();
        assert!(batches.len() > 2, "{batches:?}");
        assert_eq!(batches.iter().sum::<usize>(), 3_000);
        for (script, result) in scripts.iter().zip(&results) {
            let finding = &result.as_ref().unwrap()[0];
            assert_eq!(&script[finding.range.to_range()], "$v", "{script}");
        }
    }

    #[test]
    fn a_failing_script_only_fails_its_own_result() {
        let runner = FakeRunner::default();
        let mut set = ScriptSet::default();
        let scripts: Vec<String> = (0..200)
            .map(|i| {
                if i == 77 {
                    "CRASH $x".to_owned()
                } else {
                    format!("echo $v{i}")
                }
            })
            .collect();
        for script in &scripts {
            set.insert(prepare(&sh(script)).unwrap());
        }
        let checked = check_all(&runner, set, 2);
        assert_eq!(checked.len(), 200);
        for (i, script) in scripts.iter().enumerate() {
            let result = checked.findings(&sh(script));
            if i == 77 {
                let error = result.unwrap_err();
                assert!(error.to_string().contains("crashed"), "{error}");
            } else {
                assert_eq!(result.unwrap().unwrap().len(), 1, "{script}");
            }
        }
        let failures = checked.failures();
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(matches!(
            checked.findings(&sh("never checked")),
            Err(ShellcheckError::Unchecked)
        ));
    }

    #[test]
    fn splitting_failed_batches_is_bounded() {
        let runner = FakeRunner::default();
        let scripts: Vec<String> = (0..500).map(|i| format!("CRASH {i}")).collect();
        let inputs: Vec<ScriptInput<'_>> = scripts.iter().map(|script| sh(script)).collect();
        assert!(check_scripts(&runner, &inputs, 2).is_err());
        // Unbounded, isolating all 500 would take about 1,000 runs.
        let runs = runner.batches().len();
        assert!(runs > 2 && runs <= 16 + 2 * MAX_BATCH_SPLITS, "{runs} runs");
    }

    /// Runs the real program when it is installed.
    #[test]
    #[allow(
        clippy::print_stderr,
        reason = "the skip message when ShellCheck is missing"
    )]
    fn real_shellcheck_when_installed() {
        let runner = ProcessRunner::default();
        let version = match runner.version() {
            Ok(version) => version,
            Err(error) => {
                eprintln!("skipping: {error}");
                return;
            }
        };
        let inputs = [
            ScriptInput {
                script: "apt-get update\n\techo é $foo $VERSION",
                shell: DEFAULT_SHELL,
                variables: &["VERSION"],
            },
            ScriptInput {
                script: "source ./env.sh && [[ -f x ]] && echo ok",
                shell: DEFAULT_SHELL,
                variables: &[],
            },
        ];
        assert!(!version.is_empty());
        let results = check_scripts(&runner, &inputs, 2).unwrap();
        let first = results[0].as_ref().unwrap();
        let codes: Vec<u32> = first.iter().map(|f| f.code).collect();
        // $foo is unassigned (SC2154) and unquoted (SC2086); $VERSION is exported, so only
        // SC2086 for it.
        assert!(codes.contains(&2154), "{first:?}");
        let foo: Vec<&Finding> = first
            .iter()
            .filter(|f| &inputs[0].script[f.range.to_range()] == "$foo")
            .collect();
        assert!(foo.len() >= 2, "{first:?}");
        assert!(
            !first
                .iter()
                .any(|f| f.code == 2154 && f.message.contains("VERSION")),
            "{first:?}"
        );
        let second = results[1].as_ref().unwrap();
        // POSIX sh: `[[` is not POSIX (SC3010); SC1091 (not following the sourced file) is
        // excluded.
        assert!(second.iter().any(|f| f.code == 3010), "{second:?}");
        assert!(!second.iter().any(|f| f.code == 1091), "{second:?}");
        let missing = ProcessRunner {
            program: PathBuf::from("/nonexistent/shellcheck"),
            ..ProcessRunner::default()
        };
        assert!(matches!(
            missing.version(),
            Err(ShellcheckError::NotFound { .. })
        ));
    }
}
