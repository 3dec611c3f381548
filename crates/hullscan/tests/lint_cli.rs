//! End-to-end tests of `hullscan lint`, `rules`, `explain` and `debug parse`: exit codes, stdin,
//! discovery, configuration, pragmas and error reporting, through the real binary.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn hullscan(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("hullscan").unwrap();
    command.current_dir(dir).env("NO_COLOR", "1");
    command
}

/// The rules these tests are about, so that rules added later to the catalogue do not change
/// the expected findings.
const ENGINE_RULES: &str = "HS001,HS002,HS004,HS101,HS102,HS103,HS104,HS105";

/// `hullscan lint` restricted to [`ENGINE_RULES`] (tests of `select` itself use `hullscan`).
fn lint(dir: &Path) -> Command {
    let mut command = hullscan(dir);
    command.args(["lint", "--select", ENGINE_RULES]);
    command
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const CLEAN: &str = "FROM alpine:3.20\nUSER app\nCMD [\"app\"]\n";
const DIRTY: &str = "FROM alpine\nUSER app\nCMD app --serve\n";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(command: &mut Command) -> Run {
    let output = command.output().unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// `lint --format json` findings as `(file, code, line)`.
fn findings(run: &Run) -> Vec<(String, String, u64)> {
    let value: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|err| panic!("not JSON ({err}):\n{}\nstderr: {}", run.stdout, run.stderr));
    let mut found: Vec<(String, String, u64)> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().replace('\\', "/"),
                f["code"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

fn codes(run: &Run) -> Vec<String> {
    findings(run).into_iter().map(|(_, code, _)| code).collect()
}

#[test]
fn exit_codes_clean_findings_threshold_and_no_fail() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("Dockerfile"), CLEAN);
    write(&dir.path().join("bad/Dockerfile"), DIRTY);

    let clean = run(lint(dir.path()).args(["Dockerfile", "-f", "json"]));
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    assert_eq!(clean.stdout.trim(), "[]");

    let dirty = run(lint(dir.path()).args(["bad/Dockerfile", "-f", "json"]));
    assert_eq!(dirty.code, 1);
    assert_eq!(codes(&dirty), ["HS101", "HS105"]);

    // Warnings do not reach an `error` threshold.
    let threshold = run(lint(dir.path()).args(["bad/Dockerfile", "--fail-on", "error"]));
    assert_eq!(threshold.code, 0);
    assert!(threshold.stdout.contains("HS101"), "{}", threshold.stdout);

    for flag in ["--no-fail", "--exit-zero"] {
        let no_fail = run(lint(dir.path()).args(["bad/Dockerfile", flag]));
        assert_eq!(no_fail.code, 0, "{flag}");
    }

    // Style-only findings pass the default (info) threshold.
    write(
        &dir.path().join("style/hullscan.toml"),
        "[severity]\nHS101 = \"style\"\nHS105 = \"style\"\n",
    );
    write(&dir.path().join("style/Dockerfile"), DIRTY);
    let style = run(lint(dir.path()).args(["style/Dockerfile", "-f", "json"]));
    assert_eq!(style.code, 0, "{}", style.stdout);
    assert_eq!(codes(&style).len(), 2);
    let strict = run(lint(dir.path()).args(["style/Dockerfile", "-t", "style"]));
    assert_eq!(strict.code, 1);
}

#[test]
fn stdin_with_and_without_a_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let plain = run(lint(dir.path())
        .args(["-", "-f", "json"])
        .write_stdin(DIRTY));
    assert_eq!(plain.code, 1);
    assert_eq!(findings(&plain)[0].0, "-");

    write(
        &dir.path().join("svc/hullscan.toml"),
        "ignore = [\"HS105\"]\n",
    );
    let named = run(lint(dir.path())
        .args(["-", "--stdin-filename", "svc/Dockerfile", "-f", "json"])
        .write_stdin(DIRTY));
    assert_eq!(
        findings(&named),
        [("svc/Dockerfile".to_owned(), "HS101".to_owned(), 1)],
        "config found from the stdin file name"
    );
}

#[test]
fn directory_discovery_is_recursive_and_honours_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for name in [
        "Dockerfile",
        "a/Containerfile",
        "a/b/Dockerfile.prod",
        "a/b/api.Dockerfile",
        "c/Dockerfile-windows",
        "ignored/Dockerfile",
        "c/README.md",
        "c/Dockerfile.j2",
        "c/notes.txt",
    ] {
        write(&root.join(name), DIRTY);
    }
    write(&root.join(".gitignore"), "ignored/\n");
    let result = run(hullscan(root).args(["lint", ".", "-f", "json", "--select", "HS101"]));
    assert_eq!(result.code, 1, "{}", result.stderr);
    let files: Vec<String> = findings(&result)
        .into_iter()
        .map(|(file, _, _)| file)
        .collect();
    assert_eq!(
        files,
        [
            "./Dockerfile",
            "./a/Containerfile",
            "./a/b/Dockerfile.prod",
            "./a/b/api.Dockerfile",
            "./c/Dockerfile-windows"
        ]
    );

    // No path means the current directory.
    let default = run(hullscan(root).args(["lint", "-f", "json", "--select", "HS101"]));
    assert_eq!(findings(&default).len(), 5);

    let empty = tempfile::tempdir().unwrap();
    let nothing = run(lint(empty.path()).args(["."]));
    assert_eq!(nothing.code, 0);
    assert!(
        nothing
            .stderr
            .contains("no Dockerfiles, Compose files or Kubernetes manifests found"),
        "{}",
        nothing.stderr
    );
}

#[test]
fn a_broken_or_missing_file_never_stops_the_others() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("good/Dockerfile"), DIRTY);
    // Invalid UTF-8, a binary NUL and an unterminated heredoc.
    std::fs::create_dir_all(dir.path().join("broken")).unwrap();
    std::fs::write(
        dir.path().join("broken/Dockerfile"),
        b"FROM alpine:3.20\nRUN <<EOF\n\xff\xfe\x00 oops\n",
    )
    .unwrap();
    let result = run(lint(dir.path()).args([
        "good/Dockerfile",
        "broken/Dockerfile",
        "missing/Dockerfile",
        "-f",
        "json",
    ]));
    assert_eq!(result.code, 2, "an unreadable path is an I/O error");
    assert!(
        result.stderr.contains("missing/Dockerfile"),
        "{}",
        result.stderr
    );
    let found = findings(&result);
    assert!(
        found.contains(&("good/Dockerfile".into(), "HS101".into(), 1)),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(file, code, _)| file == "broken/Dockerfile" && code == "HS001"),
        "{found:?}"
    );

    let zero = run(lint(dir.path()).args(["good/Dockerfile", "missing/Dockerfile", "--exit-zero"]));
    assert_eq!(zero.code, 0);
    assert!(zero.stderr.contains("missing/Dockerfile"));
}

#[test]
fn configuration_is_discovered_per_directory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("hullscan.toml"),
        &format!(
            "select = [\"{}\"]\nignore = [\"HS105\"]\n",
            ENGINE_RULES.replace(',', "\", \"")
        ),
    );
    write(&root.join("Dockerfile"), DIRTY);
    write(
        &root.join("svc/.hullscan.toml"),
        "select = [\"HS105\"]\n[severity]\nshell-form-command = \"error\"\n",
    );
    write(&root.join("svc/Dockerfile"), DIRTY);
    let result = run(hullscan(root).args(["lint", ".", "-f", "json"]));
    assert_eq!(
        findings(&result),
        [
            ("./Dockerfile".into(), "HS101".into(), 1),
            ("./svc/Dockerfile".into(), "HS105".into(), 3)
        ]
    );
    let value: Value = serde_json::from_str(&result.stdout).unwrap();
    let svc = value
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "HS105")
        .unwrap();
    assert_eq!(svc["severity"], "error");

    // --config pins one file for everything; --no-config ignores them all.
    write(
        &root.join("ci/strict.toml"),
        "select = [\"HS101\", \"HS105\"]\n",
    );
    let pinned =
        run(hullscan(root).args(["lint", ".", "-f", "json", "--config", "ci/strict.toml"]));
    assert_eq!(codes(&pinned), ["HS101", "HS105", "HS101", "HS105"]);
    let none = run(lint(root).args([".", "-f", "json", "--no-config"]));
    assert_eq!(codes(&none), ["HS101", "HS105", "HS101", "HS105"]);

    // Per-path ignores.
    write(
        &root.join("paths/hullscan.toml"),
        "[per-path-ignores]\n\"legacy/**\" = [\"HS101\"]\n",
    );
    write(&root.join("paths/legacy/old/Dockerfile"), DIRTY);
    let per_path = run(lint(root).args(["paths", "-f", "json"]));
    assert_eq!(codes(&per_path), ["HS105"]);
}

#[test]
fn unknown_rule_names_are_usage_errors_that_say_where() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("Dockerfile"), CLEAN);

    let flag = run(lint(dir.path()).args(["--select", "HS101,untaged-base-image"]));
    assert_eq!(flag.code, 2);
    assert!(
        flag.stderr
            .contains("--select: unknown rule `untaged-base-image`"),
        "{}",
        flag.stderr
    );
    assert!(
        flag.stderr.contains("did you mean `untagged-base-image`"),
        "{}",
        flag.stderr
    );

    write(
        &dir.path().join("hullscan.toml"),
        "select = [\"HS1\"]\nignore = [\n  \"HS999\",\n]\n",
    );
    let config = run(lint(dir.path()).args(["Dockerfile"]));
    assert_eq!(config.code, 2);
    assert!(
        config
            .stderr
            .contains("hullscan.toml:3: unknown rule `HS999`"),
        "{}",
        config.stderr
    );

    write(&dir.path().join("hullscan.toml"), "selcet = [\"HS1\"]\n");
    let key = run(lint(dir.path()).args(["Dockerfile"]));
    assert_eq!(key.code, 2);
    assert!(
        key.stderr.contains("hullscan.toml:1") && key.stderr.contains("selcet"),
        "{}",
        key.stderr
    );

    let bad_severity = run(lint(dir.path()).args(["--no-config", "--fail-on", "fatal"]));
    assert_eq!(bad_severity.code, 2);
}

#[test]
fn hadolint_yaml_is_honoured_when_there_is_no_hullscan_config() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join(".hadolint.yaml"),
        "ignored:\n  - DL3006\n  - SC2086\noverride:\n  error:\n    - DL3025\n",
    );
    write(&dir.path().join("Dockerfile"), DIRTY);
    let result = run(lint(dir.path()).args(["Dockerfile", "-f", "json"]));
    assert_eq!(codes(&result), ["HS105"]);
    let value: Value = serde_json::from_str(&result.stdout).unwrap();
    assert_eq!(value[0]["severity"], "error");

    write(
        &dir.path().join(".hadolint.yaml"),
        "ignored:\n  - DL3006\n  - DL9999\n",
    );
    let bad = run(lint(dir.path()).args(["Dockerfile"]));
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .contains(".hadolint.yaml:3: unknown rule `DL9999`"),
        "{}",
        bad.stderr
    );

    // A hullscan.toml takes precedence.
    write(&dir.path().join("hullscan.toml"), "ignore = [\"HS105\"]\n");
    let both = run(lint(dir.path()).args(["Dockerfile", "-f", "json"]));
    assert_eq!(codes(&both), ["HS101"]);
}

#[test]
fn every_pragma_form_works() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("# hullscan ignore=HS101\nFROM alpine\nUSER app\n", vec![]),
        (
            "# hullscan: ignore=untagged-base-image\nFROM alpine\nUSER app\n",
            vec![],
        ),
        (
            "FROM alpine\n# hullscan global ignore=DL3006\nUSER app\n",
            vec![],
        ),
        ("# hadolint ignore=DL3006\nFROM alpine\nUSER app\n", vec![]),
        (
            "# hadolint ignore=DL3006\n\nFROM alpine\nUSER app\n",
            vec!["HS101"],
        ),
        (
            "FROM alpine\nUSER app\n# hadolint global ignore=DL3006\n",
            vec![],
        ),
        (
            "# check=skip=JSONArgsRecommended\nFROM alpine:3\nUSER app\nCMD run it\n",
            vec![],
        ),
        (
            "# check=skip=all\nFROM alpine:3\nUSER app\nCMD run it\n",
            vec![],
        ),
        (
            "FROM alpine:3\nUSER app\n# check=skip=JSONArgsRecommended\nCMD run it\n",
            vec![],
        ),
        (
            "# hullscan ignore=nope\nFROM alpine:3\nUSER app\n",
            vec!["HS002"],
        ),
        ("# check=skip=A;\nFROM alpine:3\nUSER app\n", vec!["HS004"]),
    ];
    for (text, expected) in cases {
        write(&dir.path().join("Dockerfile"), text);
        let result = run(lint(dir.path()).args(["Dockerfile", "-f", "json"]));
        assert_eq!(codes(&result), expected, "{text}");
    }
    write(
        &dir.path().join("Dockerfile"),
        "# check=error=true\nFROM alpine:3\nUSER app\nCMD run it\n",
    );
    let escalated = run(lint(dir.path()).args(["Dockerfile", "-f", "json", "--fail-on", "error"]));
    assert_eq!(escalated.code, 1);

    write(
        &dir.path().join("Dockerfile"),
        "# hullscan ignore=HS101\nFROM alpine:3\nUSER app\n",
    );
    let unused =
        run(lint(dir.path()).args(["Dockerfile", "-f", "json", "--extend-select", "HS003"]));
    assert_eq!(codes(&unused), ["HS003"]);
}

#[test]
fn rules_explain_and_debug_parse() {
    let dir = tempfile::tempdir().unwrap();
    let table = run(hullscan(dir.path()).arg("rules"));
    assert_eq!(table.code, 0);
    assert!(table.stdout.starts_with("CODE"), "{}", table.stdout);
    assert!(
        table.stdout.contains("HS101  untagged-base-image"),
        "{}",
        table.stdout
    );

    let json = run(hullscan(dir.path()).args(["rules", "--format", "json"]));
    let rules: Value = serde_json::from_str(&json.stdout).unwrap();
    let untagged = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "HS101")
        .unwrap();
    assert_eq!(untagged["aliases"][0], "DL3006");
    assert_eq!(untagged["severity"], "warning");

    for name in [
        "HS105",
        "shell-form-command",
        "JSONArgsRecommended",
        "dl3025",
    ] {
        let explain = run(hullscan(dir.path()).args(["explain", name]));
        assert_eq!(explain.code, 0, "{name}");
        assert!(
            explain.stdout.starts_with("# shell-form-command (HS105)"),
            "{}",
            explain.stdout
        );
        assert!(explain.stdout.contains("## Why is this bad?"));
    }
    let unknown = run(hullscan(dir.path()).args(["explain", "HS999"]));
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("unknown rule `HS999`"),
        "{}",
        unknown.stderr
    );

    write(
        &dir.path().join("Dockerfile"),
        "FROM alpine:3.20 AS build\nRUN echo hi\n",
    );
    let parse = run(hullscan(dir.path()).args(["debug", "parse", "Dockerfile"]));
    assert_eq!(parse.code, 0, "{}", parse.stderr);
    assert_eq!(
        parse.stdout,
        "(from \"alpine:3.20\" \"AS\" \"build\")\n(run \"echo hi\")\n"
    );
}
