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
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use hullscan_text::{TextRange, TextSize};
use rustc_hash::{FxHashMap, FxHasher};
use serde::Deserialize;

/// Codes hadolint always excludes: SC2187 (ash is not supported) and SC1090/SC1091 (they need
/// a `source=` directive a Dockerfile cannot give).
pub const EXCLUDED_CODES: [&str; 3] = ["SC2187", "SC1090", "SC1091"];

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
    #[error("`{program}` failed (exit code {code:?}): {stderr}")]
    Failed {
        program: String,
        code: Option<i32>,
        stderr: String,
    },
    #[error("could not read ShellCheck's JSON output: {0}")]
    BadOutput(String),
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

/// The arguments for one batched run over `files` (paths of prepared scripts).
pub fn command_args(files: &[PathBuf]) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![
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
    /// The ShellCheck version, for the cache key.
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
}

impl Default for ProcessRunner {
    fn default() -> Self {
        ProcessRunner {
            program: PathBuf::from("shellcheck"),
        }
    }
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
        let output = Command::new(&self.program)
            .args(command_args(&files))
            .current_dir(dir.path())
            .output()
            .map_err(|error| self.spawn_error(error))?;
        // Exit code 1 means "findings", not failure.
        if !matches!(output.status.code(), Some(0 | 1)) {
            return Err(ShellcheckError::Failed {
                program,
                code: output.status.code(),
                stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            });
        }
        String::from_utf8(output.stdout)
            .map_err(|_| ShellcheckError::BadOutput("output is not UTF-8".to_owned()))
    }
}

/// The cache key: the prepared text (script, shell and exported names) hashed, plus the shell
/// and the ShellCheck version.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CacheKey {
    pub script_hash: u64,
    pub shell: String,
    pub version: String,
}

/// Findings by [`CacheKey`]. In-memory; identical RUNs across the Dockerfiles of one
/// invocation are checked once.
#[derive(Clone, Debug, Default)]
pub struct Cache {
    entries: FxHashMap<CacheKey, Vec<Finding>>,
}

impl Cache {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn cache_key(prepared: &PreparedScript, shell: &str, version: &str) -> CacheKey {
    let mut hasher = FxHasher::default();
    prepared.text.hash(&mut hasher);
    CacheKey {
        script_hash: hasher.finish(),
        shell: shell.to_owned(),
        version: version.to_owned(),
    }
}

/// Checks `inputs` with at most one ShellCheck run (none when everything is cached or skipped).
/// The result has one entry per input: `None` for a skipped (non-POSIX) shell.
pub fn check_scripts(
    runner: &dyn ShellcheckRunner,
    version: &str,
    cache: &mut Cache,
    inputs: &[ScriptInput<'_>],
) -> Result<Vec<Option<Vec<Finding>>>, ShellcheckError> {
    let prepared: Vec<Option<(PreparedScript, CacheKey)>> = inputs
        .iter()
        .map(|input| {
            prepare(input).map(|p| {
                let key = cache_key(&p, input.shell, version);
                (p, key)
            })
        })
        .collect();
    // Inputs to run: uncached, deduplicated by key.
    let mut to_run: Vec<usize> = Vec::new();
    for (index, entry) in prepared.iter().enumerate() {
        if let Some((_, key)) = entry
            && !cache.entries.contains_key(key)
            && !to_run
                .iter()
                .any(|&i| prepared[i].as_ref().is_some_and(|(_, k)| k == key))
        {
            to_run.push(index);
        }
    }
    if !to_run.is_empty() {
        let batch: Vec<&PreparedScript> = to_run
            .iter()
            .filter_map(|&i| prepared[i].as_ref().map(|(p, _)| p))
            .collect();
        let output = runner.run(&batch)?;
        let scripts: Vec<(&str, &PreparedScript)> = to_run
            .iter()
            .zip(&batch)
            .map(|(&i, p)| (inputs[i].script, *p))
            .collect();
        let findings = parse_output(&output, &scripts, file_index)?;
        for (&i, found) in to_run.iter().zip(findings) {
            if let Some((_, key)) = &prepared[i] {
                cache.entries.insert(key.clone(), found);
            }
        }
    }
    Ok(prepared
        .iter()
        .map(|entry| {
            entry
                .as_ref()
                .map(|(_, key)| cache.entries.get(key).cloned().unwrap_or_default())
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

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
        let args = command_args(&[PathBuf::from("0.sh")]);
        assert_eq!(args[0], "--format=json1");
        assert_eq!(args[1], "--exclude=SC2187,SC1090,SC1091");
        assert_eq!(args[2], "0.sh");
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

    /// A runner that records its batches and reports SC2086 on the first `$` of each script.
    struct FakeRunner {
        batches: RefCell<Vec<usize>>,
    }

    impl ShellcheckRunner for FakeRunner {
        fn version(&self) -> Result<String, ShellcheckError> {
            Ok("test".to_owned())
        }

        fn run(&self, scripts: &[&PreparedScript]) -> Result<String, ShellcheckError> {
            self.batches.borrow_mut().push(scripts.len());
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

    #[test]
    fn batches_once_and_caches() {
        let runner = FakeRunner {
            batches: RefCell::new(Vec::new()),
        };
        let mut cache = Cache::default();
        let inputs = [
            ScriptInput {
                script: "echo $a",
                shell: DEFAULT_SHELL,
                variables: &[],
            },
            ScriptInput {
                script: "ls",
                shell: DEFAULT_SHELL,
                variables: &[],
            },
            ScriptInput {
                script: "echo $a",
                shell: DEFAULT_SHELL,
                variables: &[],
            },
            ScriptInput {
                script: "Get-ChildItem $x",
                shell: "pwsh",
                variables: &[],
            },
        ];
        let results = check_scripts(&runner, "test", &mut cache, &inputs).unwrap();
        assert_eq!(
            *runner.batches.borrow(),
            [2],
            "one run, duplicates and pwsh left out"
        );
        assert_eq!(
            results[0].as_ref().unwrap()[0].range,
            TextRange::from_usize(5, 7)
        );
        assert!(results[1].as_ref().unwrap().is_empty());
        assert_eq!(results[2], results[0]);
        assert!(results[3].is_none());
        assert_eq!(cache.len(), 2);
        // A second call is served from the cache; a new version is not.
        check_scripts(&runner, "test", &mut cache, &inputs).unwrap();
        assert_eq!(runner.batches.borrow().len(), 1);
        check_scripts(&runner, "other", &mut cache, &inputs[..1]).unwrap();
        assert_eq!(runner.batches.borrow().len(), 2);
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
        let mut cache = Cache::default();
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
        let results = check_scripts(&runner, &version, &mut cache, &inputs).unwrap();
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
        };
        assert!(matches!(
            missing.version(),
            Err(ShellcheckError::NotFound { .. })
        ));
    }
}
