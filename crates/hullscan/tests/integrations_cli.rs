//! hullscan where users already are: the pre-commit hooks (run by `pre-commit` itself), the
//! GitHub Action's script, the project's own Dockerfile, shell completions, the man page, and
//! the hadolint-style command line a migrating user types.
#![allow(clippy::print_stderr)] // skip notices

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine as _;
use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn hullscan(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hullscan"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run hullscan")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const DIRTY: &str = "FROM alpine\nUSER app\nCMD app --serve\n";
const CLEAN: &str = "FROM alpine:3.20\nUSER 10001:10001\nCMD [\"app\"]\n";

#[test]
fn own_dockerfile_lints_clean() {
    let root = repo_root();
    let output = hullscan(&root, &["lint", "--format", "json", "Dockerfile"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    let findings: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(findings, serde_json::json!([]), "hullscan lint Dockerfile");
    // Every rule, the ones off by default too (building and auditing the image itself is
    // scripts/self-image.sh: a release build is too slow for the test suite). All but HS106
    // (base image pinned by digest): the builder's digest is whatever the registry serves when
    // the release is cut (`hullscan fix --resolve-digests`); no registry is reachable here.
    let all = hullscan(
        &root,
        &[
            "lint",
            "--select",
            "ALL",
            "--ignore",
            "HS106",
            "--format",
            "json",
            "Dockerfile",
        ],
    );
    assert_eq!(all.status.code(), Some(0), "{}", text(&all.stdout));
    let findings: Value = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!(findings, serde_json::json!([]), "--select ALL");
    // The build context is the repository: its .dockerignore keeps it to what the build copies.
    let context = hullscan(&root, &["context", "--format", "json", "."]);
    assert!(context.status.success(), "{}", text(&context.stderr));
}

/// A checksum-valid fake GitHub token from the secrets engine's labelled set, built at run time
/// so the repository holds no credential-shaped text.
fn github_token() -> String {
    let data = include_str!("../../hullscan_secrets/tests/data/labelled/labelled.jsonl");
    let scanner = hullscan_secrets::Scanner::new();
    data.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|v| v["kind"] == "github-pat")
        .find_map(|v| {
            let text = base64::engine::general_purpose::STANDARD
                .decode(v["text_b64"].as_str()?)
                .ok()?;
            let text = String::from_utf8(text).ok()?;
            let finding = scanner.scan(text.as_bytes()).into_iter().next()?;
            Some(text[finding.range].to_owned())
        })
        .expect("a github-pat sample")
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .status()
        .expect("git");
    assert!(status.success(), "git {args:?}");
}

/// `pre-commit try-repo <this repository> HOOK` in a scratch repository, the built binary first
/// on PATH (the hooks run the `hullscan` on PATH).
fn try_hook(repo: &Path, home: &Path, hook: &str) -> Output {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_hullscan")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_owned()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    Command::new("pre-commit")
        .args(["try-repo", repo_root().to_str().unwrap(), hook, "--verbose"])
        .current_dir(repo)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", home)
        .env("NO_COLOR", "1")
        // try-repo commits this repository's uncommitted state to a scratch clone.
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("run pre-commit")
}

#[test]
fn pre_commit_hooks_run_with_pre_commit() {
    if Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipping: pre-commit is not installed (pip install pre-commit)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let home = dir.path().join("pre-commit-home");
    std::fs::create_dir_all(repo.join("app")).unwrap();
    git(&repo, &["init", "-q"]);
    std::fs::write(repo.join("app/Dockerfile"), DIRTY).unwrap();
    std::fs::write(repo.join("README.md"), "FROM alpine\n").unwrap();
    git(&repo, &["add", "-A"]);

    let dirty = try_hook(&repo, &home, "hullscan-lint");
    let shown = text(&dirty.stdout) + &text(&dirty.stderr);
    assert_eq!(dirty.status.code(), Some(1), "{shown}");
    assert!(shown.contains("app/Dockerfile"), "{shown}");
    assert!(shown.contains("HS101"), "{shown}");
    // README.md is not a Dockerfile: the hook is not given it.
    assert!(!shown.contains("README.md"), "{shown}");

    std::fs::write(repo.join("app/Dockerfile"), CLEAN).unwrap();
    git(&repo, &["add", "-A"]);
    let clean = try_hook(&repo, &home, "hullscan-lint");
    let shown = text(&clean.stdout) + &text(&clean.stderr);
    assert_eq!(clean.status.code(), Some(0), "{shown}");
    assert!(shown.contains("Passed"), "{shown}");

    // A staged file holding a token stops the commit; the token is not printed.
    let token = github_token();
    std::fs::write(repo.join("app/settings.env"), format!("TOKEN={token}\n")).unwrap();
    git(&repo, &["add", "-A"]);
    let secret = try_hook(&repo, &home, "hullscan-secrets");
    let shown = text(&secret.stdout) + &text(&secret.stderr);
    assert_eq!(secret.status.code(), Some(1), "{shown}");
    assert!(shown.contains("app/settings.env"), "{shown}");
    assert!(!shown.contains(&token), "the hook printed the token");
}

struct ActionRun {
    code: Option<i32>,
    log: String,
    outputs: String,
}

fn action_run(dir: &Path, env: &[(&str, &str)]) -> ActionRun {
    let outputs = dir.join("github-output");
    std::fs::write(&outputs, "").unwrap();
    let mut command = Command::new("bash");
    command
        .arg(repo_root().join("scripts/action-run.sh"))
        .arg("run")
        .current_dir(dir)
        .env("HULLSCAN_BIN", env!("CARGO_BIN_EXE_hullscan"))
        .env("GITHUB_OUTPUT", &outputs)
        .env_remove("INPUT_PATHS")
        .env_remove("INPUT_ARGS")
        .env_remove("INPUT_SARIF_FILE")
        .env_remove("INPUT_FAIL_ON_FINDINGS");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("run action-run.sh");
    ActionRun {
        code: output.status.code(),
        log: text(&output.stdout) + &text(&output.stderr),
        outputs: std::fs::read_to_string(&outputs).unwrap(),
    }
}

#[test]
fn action_script_writes_sarif_and_exits_like_hullscan() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("svc")).unwrap();
    std::fs::write(root.join("svc/Dockerfile"), DIRTY).unwrap();

    let run = action_run(
        root,
        &[("INPUT_PATHS", "svc"), ("INPUT_SARIF_FILE", "out.sarif")],
    );
    assert_eq!(run.code, Some(1), "{}", run.log);
    assert!(run.log.contains("::error::"), "{}", run.log);
    assert!(run.outputs.contains("exit-code=1\n"), "{}", run.outputs);
    assert!(
        run.outputs.contains("sarif-file=out.sarif\n"),
        "{}",
        run.outputs
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(
        results.iter().any(|result| result["ruleId"] == "HS101"),
        "{results:?}"
    );

    // Findings reported, not failing.
    let lenient = action_run(
        root,
        &[
            ("INPUT_PATHS", "svc"),
            ("INPUT_FAIL_ON_FINDINGS", "false"),
            ("INPUT_ARGS", "--ignore HS104"),
        ],
    );
    assert_eq!(lenient.code, Some(0), "{}", lenient.log);
    assert!(root.join("hullscan.sarif").is_file());

    // Clean: exit 0, the SARIF has no results.
    std::fs::write(root.join("svc/Dockerfile"), CLEAN).unwrap();
    let clean = action_run(root, &[("INPUT_PATHS", "svc/Dockerfile")]);
    assert_eq!(clean.code, Some(0), "{}", clean.log);
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("hullscan.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));

    // An error (a path that does not exist): exit 2, no SARIF left behind.
    let broken = action_run(
        root,
        &[
            ("INPUT_PATHS", "missing"),
            ("INPUT_SARIF_FILE", "broken.sarif"),
        ],
    );
    assert_eq!(broken.code, Some(2), "{}", broken.log);
    assert!(
        broken.outputs.contains("exit-code=2\n"),
        "{}",
        broken.outputs
    );
    assert!(
        !broken.outputs.contains("sarif-file="),
        "{}",
        broken.outputs
    );
    assert!(!root.join("broken.sarif").exists());
    assert!(!root.join("broken.sarif.partial").exists());
}

#[test]
fn completions_are_valid_scripts_for_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let bash = hullscan(dir.path(), &["completions", "bash"]);
    assert!(bash.status.success());
    let script = dir.path().join("hullscan.bash");
    std::fs::write(&script, &bash.stdout).unwrap();
    // Sourced by bash itself: the script must parse and register a completion for hullscan.
    let registered = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {} && complete -p hullscan",
            script.display()
        ))
        .output()
        .unwrap();
    assert!(registered.status.success(), "{}", text(&registered.stderr));
    let bash = text(&bash.stdout);
    for word in ["lint", "server", "completions", "--fail-on", "--no-color"] {
        assert!(bash.contains(word), "bash completion lacks {word}");
    }
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let output = hullscan(dir.path(), &["completions", shell]);
        assert!(output.status.success(), "{shell}");
        assert!(text(&output.stdout).contains("lint"), "{shell}");
    }
    let unknown = hullscan(dir.path(), &["completions", "tcsh"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn man_pages_come_from_the_cli_definition() {
    let dir = tempfile::tempdir().unwrap();
    let page = hullscan(dir.path(), &["man"]);
    assert!(page.status.success());
    let page = text(&page.stdout);
    assert!(page.contains(".TH hullscan 1"), "{page}");
    assert!(page.contains("server"), "{page}");

    let out = dir.path().join("man1");
    let written = hullscan(dir.path(), &["man", "--out-dir", out.to_str().unwrap()]);
    assert!(written.status.success(), "{}", text(&written.stderr));
    let lint = std::fs::read_to_string(out.join("hullscan-lint.1")).unwrap();
    assert!(lint.contains("fail\\-on"), "{lint}");
    assert!(out.join("hullscan.1").is_file());
    assert!(out.join("hullscan-server.1").is_file());
}

#[test]
fn hadolint_command_lines_work() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("Dockerfile"), DIRTY).unwrap();

    // `hadolint Dockerfile` → `hullscan Dockerfile`: the same as `hullscan lint Dockerfile`.
    let bare = hullscan(root, &["Dockerfile"]);
    let lint = hullscan(root, &["lint", "Dockerfile"]);
    assert_eq!(bare.status.code(), Some(1));
    assert_eq!(text(&bare.stdout), text(&lint.stdout));
    assert!(text(&bare.stdout).contains("HS101"));

    // Flags first, hadolint's format and rule names.
    let flags = hullscan(root, &["--ignore", "DL3006", "-f", "json", "Dockerfile"]);
    let findings: Value = serde_json::from_slice(&flags.stdout).unwrap();
    let codes: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["code"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"HS101"), "{codes:?}");
    assert!(!codes.is_empty(), "{codes:?}");

    // hadolint's format names for the same outputs.
    let tty = hullscan(root, &["-f", "tty", "Dockerfile"]);
    assert_eq!(text(&tty.stdout), text(&lint.stdout));
    let gnu = hullscan(root, &["lint", "-f", "gnu", "Dockerfile"]);
    let concise = hullscan(root, &["lint", "-f", "concise", "Dockerfile"]);
    assert_eq!(text(&gnu.stdout), text(&concise.stdout));
    assert!(
        text(&gnu.stdout).starts_with("Dockerfile:1:"),
        "{}",
        text(&gnu.stdout)
    );
    let gitlab = hullscan(root, &["lint", "-f", "gitlab_codeclimate", "Dockerfile"]);
    let native = hullscan(root, &["lint", "-f", "gitlab", "Dockerfile"]);
    assert_eq!(text(&gitlab.stdout), text(&native.stdout));
    // Those hullscan cannot write: a clear error saying what to use.
    for name in ["codacy", "sonarqube", "codeclimate"] {
        let refused = hullscan(root, &["lint", "-f", name, "Dockerfile"]);
        assert_eq!(refused.status.code(), Some(2), "{name}");
        let stderr = text(&refused.stderr);
        assert!(
            stderr.contains(name) && stderr.contains("sarif"),
            "{stderr}"
        );
    }

    // --no-color wins over --color always.
    let plain = hullscan(
        root,
        &["lint", "--color", "always", "--no-color", "Dockerfile"],
    );
    assert!(!text(&plain.stdout).contains('\u{1b}'));
    let coloured = hullscan(root, &["lint", "--color", "always", "Dockerfile"]);
    assert!(text(&coloured.stdout).contains('\u{1b}'));

    // hadolint's `-t`/`--failure-threshold` and `-c`/`--config` with a .hadolint.yaml.
    std::fs::write(root.join("lenient.yaml"), "ignored:\n  - DL3006\n").unwrap();
    let threshold = hullscan(root, &["-t", "error", "-c", "lenient.yaml", "Dockerfile"]);
    assert_eq!(
        threshold.status.code(),
        Some(0),
        "{}",
        text(&threshold.stderr)
    );
    assert!(!text(&threshold.stdout).contains("HS101"));

    // Stdin, as `hadolint - < Dockerfile`.
    let mut stdin = Command::new(env!("CARGO_BIN_EXE_hullscan"));
    stdin
        .arg("-")
        .current_dir(root)
        .stdin(std::fs::File::open(root.join("Dockerfile")).unwrap());
    let piped = stdin.output().unwrap();
    assert_eq!(piped.status.code(), Some(1));
    assert!(text(&piped.stdout).contains("HS101"));

    // Not a file and not a subcommand: clap's own error, not a lint of nothing.
    let typo = hullscan(root, &["lnt"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(text(&typo.stderr).contains("lnt"));
}
