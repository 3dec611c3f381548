//! End-to-end tests of `hullscan fix`, `hullscan lint --fix` and `hullscan plan` through the
//! real binary: what is written, what is left alone, exit codes, concurrent and killed runs.

// Tests report skips and timings to the developer on stderr.
#![allow(clippy::print_stderr)]

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::run;
use serde_json::Value;

fn hullscan(dir: &Path) -> Command {
    common::hullscan_in(dir)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Safe fixes: `AS` casing (HS302), MAINTAINER (HS307), `apk add --no-cache` (HS219), exec form
/// (HS105), legacy ENV (HS314).
const FIXABLE: &str = "FROM alpine:3.20 as build\nMAINTAINER me@example.com\nENV MODE prod\nRUN apk add curl=8.9.1-r0\nUSER app\nCMD app --serve\n";

#[test]
fn fix_writes_safe_fixes_keeps_permissions_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    write(&file, FIXABLE);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let first = run(hullscan(dir.path()).args(["fix", "--no-context", "."]));
    assert_eq!(first.code, 0, "{}", first.stderr);
    let fixed = read(&file);
    assert!(fixed.contains("FROM alpine:3.20 AS build\n"), "{fixed}");
    assert!(fixed.contains("ENV MODE=prod\n"), "{fixed}");
    assert!(fixed.contains("apk add --no-cache curl"), "{fixed}");
    assert!(fixed.contains("CMD [\"app\", \"--serve\"]"), "{fixed}");
    assert!(!fixed.contains("MAINTAINER"), "{fixed}");
    // The summary counts per rule.
    assert!(first.stderr.contains("Fixed "), "{}", first.stderr);
    for code in ["HS105", "HS219", "HS302", "HS307", "HS314"] {
        assert!(first.stderr.contains(code), "{code} in {}", first.stderr);
    }
    // The result parses for BuildKit's parser as hullscan models it.
    let parse = run(hullscan(dir.path()).args(["debug", "parse", "Dockerfile"]));
    assert_eq!(parse.code, 0, "{}", parse.stderr);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
    let second = run(hullscan(dir.path()).args(["fix", "--no-context", "."]));
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(read(&file), fixed);
    assert!(
        second.stderr.contains("Fixed 0 finding(s) in 0 file(s)"),
        "{}",
        second.stderr
    );
    // Nothing leaves a temporary file behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["Dockerfile"]);
}

#[test]
fn diff_prints_a_unified_diff_writes_nothing_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    write(&file, FIXABLE);
    let diff = run(hullscan(dir.path()).args(["fix", "--diff", "--no-context", "Dockerfile"]));
    assert_eq!(diff.code, 1, "{}", diff.stderr);
    assert!(
        diff.stdout
            .starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n"),
        "{}",
        diff.stdout
    );
    assert!(
        diff.stdout.contains("-MAINTAINER me@example.com\n"),
        "{}",
        diff.stdout
    );
    assert!(
        diff.stdout.contains("+FROM alpine:3.20 AS build\n"),
        "{}",
        diff.stdout
    );
    assert!(diff.stderr.contains("Would fix"), "{}", diff.stderr);
    assert_eq!(read(&file), FIXABLE);
    // Once fixed, the diff is empty and the exit code 0.
    assert_eq!(
        run(hullscan(dir.path()).args(["fix", "--no-context", "Dockerfile"])).code,
        0
    );
    let clean = run(hullscan(dir.path()).args(["fix", "--diff", "--no-context", "Dockerfile"]));
    assert_eq!((clean.code, clean.stdout.as_str()), (0, ""));
}

#[test]
fn select_and_ignore_limit_the_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    write(&file, FIXABLE);
    let only = run(hullscan(dir.path()).args(["fix", "--no-context", "--select", "HS302", "."]));
    assert_eq!(only.code, 0, "{}", only.stderr);
    let text = read(&file);
    assert!(text.contains(" AS build"), "{text}");
    assert!(text.contains("MAINTAINER"), "{text}");
    assert!(text.contains("ENV MODE prod"), "{text}");
    run(hullscan(dir.path()).args([
        "fix",
        "--no-context",
        "--ignore",
        "maintainer-deprecated",
        ".",
    ]));
    let text = read(&file);
    assert!(text.contains("MAINTAINER"), "{text}");
    assert!(text.contains("ENV MODE=prod"), "{text}");
}

#[test]
fn unsafe_fixes_need_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    // `apt` -> `apt-get` (HS227) is an unsafe fix.
    let text =
        "FROM debian:12\nRUN apt install -y --no-install-recommends curl=7.88.1-10\nUSER app\n";
    write(&file, text);
    let safe = run(hullscan(dir.path()).args(["fix", "--no-context", "--select", "HS227", "."]));
    assert_eq!(safe.code, 0, "{}", safe.stderr);
    assert_eq!(read(&file), text);
    assert!(safe.stderr.contains("--unsafe-fixes"), "{}", safe.stderr);
    let risky = run(hullscan(dir.path()).args([
        "fix",
        "--no-context",
        "--unsafe-fixes",
        "--select",
        "HS227",
        ".",
    ]));
    assert_eq!(risky.code, 0, "{}", risky.stderr);
    assert!(
        read(&file).contains("RUN apt-get install"),
        "{}",
        read(&file)
    );
}

#[test]
fn crlf_and_bom_survive_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    let text =
        "\u{feff}FROM alpine:3.20 as base\r\nMAINTAINER x\r\nUSER app\r\nCMD app --serve\r\n";
    write(&file, text);
    let result = run(hullscan(dir.path()).args(["fix", "--no-context", "."]));
    assert_eq!(result.code, 0, "{}", result.stderr);
    let fixed = read(&file);
    assert_ne!(fixed, text);
    assert!(fixed.starts_with('\u{feff}'), "{fixed:?}");
    assert!(
        fixed
            .split('\n')
            .all(|line| line.is_empty() || line.ends_with('\r')),
        "{fixed:?}"
    );
}

#[test]
fn stdin_prints_the_fixed_text() {
    let dir = tempfile::tempdir().unwrap();
    let result = run(hullscan(dir.path())
        .args(["fix", "--no-config", "-"])
        .write_stdin("FROM alpine:3.20 as base\nUSER app\n"));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert_eq!(result.stdout, "FROM alpine:3.20 AS base\nUSER app\n");
}

#[test]
fn lint_fix_fixes_then_reports_what_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    write(&file, FIXABLE);
    let result = run(hullscan(dir.path()).args([
        "lint",
        "--fix",
        "--no-context",
        "-f",
        "json",
        "Dockerfile",
    ]));
    assert!(read(&file).contains(" AS build"));
    let findings: Vec<Value> = serde_json::from_str(&result.stdout).unwrap();
    // Only findings without a safe fix are left.
    assert!(
        findings
            .iter()
            .all(|f| f["fix"].is_null() || f["fix"]["applicability"] != "safe"),
        "{findings:?}"
    );
    assert!(
        !findings.iter().any(|f| f["code"] == "HS302"),
        "{findings:?}"
    );
    assert!(result.stderr.contains("Fixed "), "{}", result.stderr);
}

#[test]
fn dockerignore_entries_are_added_with_unsafe_fixes() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("Dockerfile"),
        "FROM alpine:3.20\nWORKDIR /app\nCOPY . .\nUSER app\nCMD [\"./app\"]\n",
    );
    write(&dir.path().join("app"), "binary\n");
    write(&dir.path().join(".git/HEAD"), "ref: refs/heads/main\n");
    write(&dir.path().join("node_modules/x/index.js"), "x\n");
    let before = run(hullscan(dir.path()).args(["lint", "--no-fail", "-f", "json", "."]));
    let before: Vec<Value> = serde_json::from_str(&before.stdout).unwrap();
    assert!(
        before
            .iter()
            .any(|f| f["file"].as_str().unwrap().ends_with(".dockerignore")),
        "{before:?}"
    );
    let fixed = run(hullscan(dir.path()).args(["fix", "--unsafe-fixes", "."]));
    assert_eq!(fixed.code, 0, "{}", fixed.stderr);
    let ignore = read(&dir.path().join(".dockerignore"));
    assert!(ignore.contains(".git"), "{ignore}");
    assert!(ignore.contains("node_modules"), "{ignore}");
    // The next run has nothing more to add.
    let again = run(hullscan(dir.path()).args(["fix", "--unsafe-fixes", "--diff", "."]));
    assert_eq!(
        (again.code, again.stdout.as_str()),
        (0, ""),
        "{}",
        again.stderr
    );
}

/// A tree of `count` fixable Dockerfiles, each a few kilobytes so a run takes a while.
fn fixable_tree(root: &Path, count: usize) -> Vec<PathBuf> {
    let mut body = String::from("FROM alpine:3.20 as build\nMAINTAINER me@example.com\n");
    for i in 0..60 {
        body.push_str(&format!("ENV VAR_{i} value_{i}\n"));
    }
    body.push_str("USER app\nCMD app --serve\n");
    (0..count)
        .map(|i| {
            let path = root.join(format!("svc{i:04}/Dockerfile"));
            write(&path, &body);
            path
        })
        .collect()
}

#[test]
fn concurrent_and_killed_runs_never_leave_a_truncated_or_mixed_file() {
    let dir = tempfile::tempdir().unwrap();
    // The expected result, from one run alone, and how long such a run takes here.
    let reference = dir.path().join("reference");
    let files = fixable_tree(&reference, 300);
    let original = read(&files[0]);
    let started = std::time::Instant::now();
    let single = run(hullscan(dir.path()).args(["fix", "--no-context", "reference"]));
    let full_run = started.elapsed();
    assert_eq!(single.code, 0, "{}", single.stderr);
    let expected = read(&files[0]);
    assert_ne!(expected, original);
    assert!(files.iter().all(|file| read(file) == expected));

    // Two runs at once on the same tree: every file ends fully fixed.
    let tree = dir.path().join("both");
    let files = fixable_tree(&tree, 300);
    let bin = assert_cmd::cargo::cargo_bin("hullscan");
    let spawn = || {
        std::process::Command::new(&bin)
            .args(["fix", "--no-context"])
            .arg(&tree)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    // A file the other run rewrote between read and write is reported, not overwritten.
    for output in [&a, &b] {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() || stderr.contains("changed while being fixed"),
            "{stderr}"
        );
    }
    for file in &files {
        assert_eq!(read(file), expected, "{}", file.display());
    }

    // Runs killed (SIGKILL) at different moments: each file is the original or the fixed
    // text, never a part of one; a later run finishes the job.
    // Kills spread over the length of a whole run (and one right at the start).
    let full_ms = full_run.as_millis() as u64;
    for delay_ms in [
        5,
        full_ms / 5,
        2 * full_ms / 5,
        3 * full_ms / 5,
        4 * full_ms / 5,
    ] {
        let tree = dir.path().join(format!("killed{delay_ms}"));
        let files = fixable_tree(&tree, 300);
        let mut child = std::process::Command::new(&bin)
            .args(["fix", "--no-context"])
            .arg(&tree)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let mut fixed_count = 0;
        for file in &files {
            let text = read(file);
            assert!(
                text == original || text == expected,
                "{}: {text:?}",
                file.display()
            );
            fixed_count += usize::from(text == expected);
        }
        // How far the killed run got (timing-dependent, so shown rather than asserted).
        eprintln!(
            "killed after {delay_ms} ms: {fixed_count} of {} files fixed",
            files.len()
        );
        let finish = run(hullscan(dir.path())
            .args(["fix", "--no-context"])
            .arg(&tree));
        assert_eq!(finish.code, 0, "{}", finish.stderr);
        for file in &files {
            assert_eq!(read(file), expected, "{}", file.display());
        }
    }
}

#[test]
fn plan_orders_the_seed_scenario_and_warns_about_eacces() {
    let dir = tempfile::tempdir().unwrap();
    // The seed's interview Dockerfile: runs as root, no healthcheck, `latest`, shell form.
    write(
        &dir.path().join("Dockerfile"),
        "FROM node:latest\nWORKDIR /app\nCOPY package.json server.js ./\nRUN npm ci\nEXPOSE 3000\nCMD node server.js\n",
    );
    let json = run(hullscan(dir.path()).args(["plan", "--no-context", "-f", "json", "Dockerfile"]));
    assert_eq!(json.code, 0, "{}", json.stderr);
    let plans: Vec<Value> = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(plans.len(), 1);
    let steps = plans[0]["steps"].as_array().unwrap();
    let ids: Vec<&str> = steps.iter().map(|s| s["id"].as_str().unwrap()).collect();
    let position = |id: &str| {
        ids.iter()
            .position(|x| *x == id)
            .unwrap_or_else(|| panic!("{id} in {ids:?}"))
    };
    assert_eq!(position("pin-base-image"), 0, "{ids:?}");
    assert!(position("pin-base-image") < position("run-as-non-root"));
    assert!(position("run-as-non-root") < position("add-healthcheck"));
    assert!(position("add-healthcheck") < position("exec-form-and-signals"));
    // Phases never go backwards.
    let order = [
        "build",
        "reproducibility",
        "security",
        "operability",
        "size-and-cache",
        "hygiene",
    ];
    let phases: Vec<usize> = steps
        .iter()
        .map(|s| {
            order
                .iter()
                .position(|p| *p == s["phase"].as_str().unwrap())
                .unwrap()
        })
        .collect();
    assert!(phases.windows(2).all(|w| w[0] <= w[1]), "{phases:?}");
    // Exec form has a fix command; the root step says what to verify.
    let exec = &steps[position("exec-form-and-signals")];
    assert!(
        exec["commands"][0]
            .as_str()
            .unwrap()
            .starts_with("hullscan fix --select HS105"),
        "{exec}"
    );
    let human = run(hullscan(dir.path()).args(["plan", "--no-context", "Dockerfile"]));
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(
        human
            .stdout
            .contains("1. [reproducibility] Pin the base image"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("EACCES"), "{}", human.stdout);
    // Following the plan's first command changes what the plan says.
    let command = exec["commands"][0].as_str().unwrap();
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    assert_eq!(run(hullscan(dir.path()).args(&args)).code, 0);
    let after =
        run(hullscan(dir.path()).args(["plan", "--no-context", "-f", "json", "Dockerfile"]));
    let plans: Vec<Value> = serde_json::from_str(&after.stdout).unwrap();
    assert!(
        !plans[0]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["code"] == "HS105")),
        "{}",
        after.stdout
    );
}

/// Whether a Docker Engine answers.
fn docker_available() -> bool {
    std::process::Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .output()
        .is_ok_and(|output| output.status.success())
}

fn docker(args: &[&str], dir: &Path) -> (bool, String) {
    let output = std::process::Command::new("docker")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// A base image made with `docker import` from the host's static busybox (`sh`, `echo`, `cat`,
/// `id`, ...) with a minimal user database. Tagged `alpine` so hullscan treats it as Alpine.
/// Debian's busybox has no `addgroup`/`adduser` applets, so the image gets two small scripts
/// that do what `addgroup -S G` and `adduser -S -D -G G U` do to the user database; `docker`
/// itself then resolves `USER` from `/etc/passwd`, as in a real Alpine image.
fn import_busybox_base(dir: &Path, tag: &str) -> bool {
    let Ok(busybox) = std::fs::read("/bin/busybox") else {
        return false;
    };
    let mut tar = tar::Builder::new(Vec::new());
    let mut add = |path: &str, data: &[u8], mode: u32| {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(mode);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, path, data).unwrap();
    };
    add("bin/busybox", &busybox, 0o755);
    add("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n", 0o644);
    add("etc/group", b"root:x:0:\n", 0o644);
    add(
        "bin/addgroup",
        b"#!/bin/sh\nfor last; do :; done\necho \"$last:x:101:\" >> /etc/group\n",
        0o755,
    );
    add(
        "bin/adduser",
        b"#!/bin/sh\nfor last; do :; done\nmkdir -p /home/$last\necho \"$last:x:100:101:$last:/home/$last:/bin/sh\" >> /etc/passwd\n",
        0o755,
    );
    for applet in ["sh", "echo", "cat", "id", "mkdir", "chown"] {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Symlink);
        header.set_size(0);
        header.set_mode(0o777);
        tar.append_link(&mut header, format!("bin/{applet}"), "busybox")
            .unwrap();
    }
    for (directory, mode) in [("tmp/", 0o1777), ("home/", 0o755)] {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Directory);
        header.set_size(0);
        header.set_mode(mode);
        tar.append_data(&mut header, directory, std::io::empty())
            .unwrap();
    }
    let bytes = tar.into_inner().unwrap();
    let path = dir.join("base.tar");
    std::fs::write(&path, bytes).unwrap();
    let (ok, output) = docker(&["import", "base.tar", tag], dir);
    assert!(ok, "docker import: {output}");
    true
}

#[test]
fn fixed_dockerfiles_still_build_with_docker() {
    if !docker_available() {
        eprintln!("skipping: no Docker Engine");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let id = std::process::id();
    let base = format!("hullscan-fixtest-base{id}:alpine");
    if !import_busybox_base(dir.path(), &base) {
        eprintln!("skipping: no /bin/busybox to build a base image from");
        return;
    }
    let cases = [
        (
            "scratch",
            "FROM scratch as final\nMAINTAINER me@example.com\nENV MODE prod\nLABEL tier backend\nCOPY app.txt /srv/app\nUSER 65532\nCMD /srv/app --serve\n".to_owned(),
            false,
        ),
        (
            "imported",
            format!(
                "FROM {base} as build\nENV GREETING hello\nRUN echo $GREETING > /greeting\n\nFROM {base}\nCOPY --from=build /greeting /greeting\nCMD cat /greeting\n"
            ),
            // With the unsafe fixes: a non-root user for the (busybox) Alpine family.
            true,
        ),
    ];
    let mut images = Vec::new();
    for (name, text, unsafe_fixes) in cases {
        let context = dir.path().join(name);
        write(&context.join("Dockerfile"), &text);
        write(&context.join("app.txt"), "app\n");
        write(&context.join("notes.txt"), "notes\n");
        let before = format!("hullscan-fixtest-{name}{id}:before");
        let after = format!("hullscan-fixtest-{name}{id}:after");
        images.extend([before.clone(), after.clone()]);
        let (ok, output) = docker(&["build", "-q", "-t", &before, "."], &context);
        assert!(ok, "{name}: the original does not build: {output}");
        let mut args = vec!["fix", "--no-context", "--no-config"];
        if unsafe_fixes {
            args.push("--unsafe-fixes");
        }
        args.push("Dockerfile");
        let fixed = run(hullscan(&context).args(&args));
        assert_eq!(fixed.code, 0, "{name}: {}", fixed.stderr);
        let new_text = read(&context.join("Dockerfile"));
        assert_ne!(new_text, text, "{name}: nothing was fixed");
        let (ok, output) = docker(&["build", "-q", "-t", &after, "."], &context);
        assert!(
            ok,
            "{name}: the fixed file does not build:\n{new_text}\n{output}"
        );
        if unsafe_fixes {
            assert!(new_text.contains("USER 10001:10001"), "{new_text}");
            let (ok, uid) = docker(
                &["run", "--rm", "--entrypoint", "id", &after, "-u"],
                &context,
            );
            assert!(ok, "{uid}");
            assert_ne!(uid.trim(), "0", "the fixed image still runs as root");
            let (ok, greeting) = docker(&["run", "--rm", &after], &context);
            assert!(ok && greeting.trim() == "hello", "{greeting}");
        }
    }
    images.push(base);
    let mut rmi = vec!["rmi", "-f"];
    rmi.extend(images.iter().map(String::as_str));
    docker(&rmi, dir.path());
}

#[test]
fn plan_with_an_image_plans_its_findings_too() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("Dockerfile"),
        "FROM alpine:3.20\nCOPY app /app\nCMD [\"/app\"]\n",
    );
    // The image built from it: no user, a shell-form command, a private key in a layer.
    let layout = dir.path().join("layout");
    let config = serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "config": {"Cmd": ["/bin/sh", "-c", "/app"]},
        "history": [{"created_by": "COPY app /app"}],
    });
    let key = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAACDm\n-----END OPENSSH PRIVATE KEY-----\n";
    common::write_oci_layout(&layout, "app", config, &[("root/.ssh/id_ed25519", key)]);
    let reference = format!("oci:{}", layout.display());
    let json = run(hullscan(dir.path()).args([
        "plan",
        "--no-context",
        "-f",
        "json",
        "--image",
        &reference,
        "Dockerfile",
    ]));
    assert_eq!(json.code, 0, "{}", json.stderr);
    let plans: Vec<Value> = serde_json::from_str(&json.stdout).unwrap();
    let steps = plans[0]["steps"].as_array().unwrap();
    let step_of = |code: &str| {
        steps
            .iter()
            .find(|s| {
                s["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f["code"] == code)
            })
            .map(|s| {
                (
                    s["id"].as_str().unwrap().to_owned(),
                    s["number"].as_u64().unwrap(),
                )
            })
    };
    let (root_step, root_number) = step_of("HS601").expect("the image runs as root");
    assert_eq!(root_step, "run-as-non-root");
    // The image's finding sits with the Dockerfile's own finding on the same problem.
    assert_eq!(
        step_of("HS103").map(|s| s.0).as_deref(),
        Some("run-as-non-root")
    );
    let (secret_step, secret_number) = step_of("HS606").expect("the key in a layer");
    assert_eq!(secret_step, "remove-secrets");
    // Secrets already in a layer come before root.
    assert!(secret_number < root_number);
    // The key itself is never printed.
    assert!(
        !json
            .stdout
            .contains("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ")
    );
}
