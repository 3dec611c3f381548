//! hullscan's context file set against a real Docker Engine: for generated contexts with
//! tricky ignore files, a BuildKit `docker build` of `FROM scratch` + `COPY . /ctx/` exported
//! as a tar must contain exactly the paths hullscan computes.
//!
//! Skips (passes with a message) when no daemon answers or no CLI can run a BuildKit build.
//! Set `HULLSCAN_DOCKER` to the docker CLI to use.

#![allow(clippy::print_stderr)] // tests report skips and table counts on stderr

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use hullscan_context::{EntryKind, WalkOptions, load_context, load_context_with};

struct Case {
    name: &'static str,
    /// (path, content); a content starting with `->` makes a symlink to the rest.
    files: &'static [(&'static str, &'static str)],
    /// The Dockerfile path relative to the context (written with `FROM scratch` + COPY).
    dockerfile: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "exceptions-inside-excluded-dirs",
        dockerfile: "Dockerfile",
        files: &[
            (
                ".dockerignore",
                "docs\n!docs/keep.md\nnode_modules\n!node_modules/pkg/package.json\n*.log\n!important.log\n# a comment\n  /build/  \n",
            ),
            ("docs/a.md", "a"),
            ("docs/keep.md", "keep"),
            ("docs/sub/x.md", "x"),
            ("node_modules/pkg/index.js", "js"),
            ("node_modules/pkg/package.json", "{}"),
            ("node_modules/other/y.js", "y"),
            ("a.log", "l"),
            ("important.log", "i"),
            ("sub/b.log", "nested logs are not matched by *.log"),
            ("build/out.bin", "o"),
            ("src/main.rs", "fn main() {}"),
        ],
    },
    Case {
        name: "double-star-and-wildcard-exceptions",
        dockerfile: "Dockerfile",
        files: &[
            (
                ".dockerignore",
                "**/*.tmp\n**/cache\n!**/cache/keep.txt\ntarget/**\n!target/release/app\n",
            ),
            ("a.tmp", "t"),
            ("x/b.tmp", "t"),
            ("x/y/c.tmp", "t"),
            ("x/ok.txt", "ok"),
            ("cache/drop.txt", "d"),
            ("cache/keep.txt", "k"),
            ("a/cache/drop.txt", "d"),
            ("a/cache/keep.txt", "k"),
            ("target/debug/app", "d"),
            ("target/release/app", "r"),
            ("target/release/other", "o"),
        ],
    },
    Case {
        name: "brackets-escapes-and-question-marks",
        dockerfile: "Dockerfile",
        files: &[
            (
                ".dockerignore",
                "[a-c]*.txt\nfile[0-9].dat\n!b-keep.txt\n\\[literal\\].txt\n?.md\n[^x]y.cfg\n",
            ),
            ("apple.txt", "a"),
            ("b-keep.txt", "b"),
            ("cherry.txt", "c"),
            ("date.txt", "d"),
            ("file1.dat", "1"),
            ("fileA.dat", "A"),
            ("[literal].txt", "l"),
            ("l.txt", "l"),
            ("a.md", "a"),
            ("ab.md", "ab"),
            ("zy.cfg", "z"),
            ("xy.cfg", "x"),
            ("sub/apple.txt", "nested: not matched"),
        ],
    },
    Case {
        name: "dockerfile-specific-ignore-file",
        dockerfile: "build/app.Dockerfile",
        files: &[
            (".dockerignore", "secret.txt\n"),
            (
                "build/app.Dockerfile.dockerignore",
                "*.md\nbuild\n!build/app.Dockerfile\n",
            ),
            ("secret.txt", "root ignore file does not apply"),
            ("README.md", "r"),
            ("notes.md", "n"),
            ("build/other.txt", "o"),
            ("main.go", "package main"),
        ],
    },
    Case {
        name: "symlinks-are-sent-as-links",
        dockerfile: "Dockerfile",
        files: &[
            (
                ".dockerignore",
                "excluded-link\nhidden\n!hidden/link-in-hidden\n",
            ),
            ("real/file.txt", "f"),
            ("link-to-file", "->real/file.txt"),
            ("link-to-dir", "->real"),
            ("dangling", "->does/not/exist"),
            ("excluded-link", "->real/file.txt"),
            ("hidden/secret", "s"),
            ("hidden/link-in-hidden", "->../real/file.txt"),
        ],
    },
    Case {
        name: "allowlist-and-self-exclusion",
        dockerfile: "Dockerfile",
        files: &[
            (
                ".dockerignore",
                "*\n!src\n!package.json\nsrc/**/*.test.js\n.dockerignore\nDockerfile\n",
            ),
            ("package.json", "{}"),
            ("package-lock.json", "{}"),
            ("src/index.js", "i"),
            ("src/lib/util.js", "u"),
            ("src/lib/util.test.js", "t"),
            ("test/e2e.js", "e"),
            (".env", "SECRET=1"),
        ],
    },
];

/// The docker CLI that can run a BuildKit build against a live daemon, if any.
fn docker_cli() -> Option<String> {
    let mut candidates: Vec<String> = Vec::new();
    if let Ok(cli) = std::env::var("HULLSCAN_DOCKER") {
        candidates.push(cli);
    }
    candidates.extend(["docker".to_owned(), "/usr/bin/docker".to_owned()]);
    let probe = tempfile::tempdir().ok()?;
    std::fs::write(
        probe.path().join("Dockerfile"),
        "FROM scratch\nCOPY . /ctx/\n",
    )
    .ok()?;
    for cli in candidates {
        let out = probe.path().join("probe.tar");
        let ok = docker_build(&cli, probe.path(), &probe.path().join("Dockerfile"), &out).is_ok();
        if ok {
            return Some(cli);
        }
    }
    None
}

fn docker_build(cli: &str, context: &Path, dockerfile: &Path, out: &Path) -> Result<(), String> {
    let output = Command::new(cli)
        .env("DOCKER_BUILDKIT", "1")
        .arg("build")
        .arg("-q")
        .arg("-f")
        .arg(dockerfile)
        .arg("--output")
        .arg(format!("type=tar,dest={}", out.display()))
        .arg(context)
        .output()
        .map_err(|err| format!("{cli}: {err}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

fn server_major_version(cli: &str) -> Option<u32> {
    let output = Command::new(cli)
        .args(["version", "--format", "{{.Server.Version}}"])
        .output()
        .ok()?;
    let version = String::from_utf8_lossy(&output.stdout);
    version.trim().split('.').next()?.parse().ok()
}

fn write_case(root: &Path, case: &Case) {
    for (path, content) in case.files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        if let Some(target) = content.strip_prefix("->") {
            std::os::unix::fs::symlink(target, &full).expect("symlink");
        } else {
            std::fs::write(&full, content).expect("write");
        }
    }
    let dockerfile = root.join(case.dockerfile);
    std::fs::create_dir_all(dockerfile.parent().expect("parent")).expect("mkdir");
    std::fs::write(&dockerfile, "FROM scratch\nCOPY . /ctx/\n").expect("write Dockerfile");
}

/// `(path, kind)` of everything under `ctx/` in the exported tar.
fn image_files(tar_path: &Path) -> BTreeSet<(String, &'static str)> {
    let file = std::fs::File::open(tar_path).expect("tar");
    let mut archive = tar::Archive::new(file);
    let mut set = BTreeSet::new();
    for entry in archive.entries().expect("entries") {
        let entry = entry.expect("entry");
        let path = entry.path().expect("path").to_string_lossy().into_owned();
        let Some(rel) = path.strip_prefix("ctx/") else {
            continue;
        };
        let rel = rel.trim_end_matches('/');
        if rel.is_empty() {
            continue;
        }
        let kind = match entry.header().entry_type() {
            tar::EntryType::Directory => "dir",
            tar::EntryType::Symlink => "symlink",
            _ => "file",
        };
        set.insert((rel.to_owned(), kind));
    }
    set
}

fn kind_name(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Dir => "dir",
        EntryKind::Symlink => "symlink",
        EntryKind::File | EntryKind::Other => "file",
    }
}

#[test]
fn file_set_equals_what_docker_build_copies() {
    let Some(cli) = docker_cli() else {
        eprintln!(
            "skipping: no Docker daemon answered a BuildKit build (set HULLSCAN_DOCKER to a docker CLI with BuildKit support)"
        );
        return;
    };
    let legacy = server_major_version(&cli).is_some_and(|major| major < 23);
    if legacy {
        eprintln!(
            "engine before 23: comparing with the legacy walk (no descent for wildcard exceptions)"
        );
    }
    let options = WalkOptions {
        legacy_exception_skip: legacy,
        ..WalkOptions::default()
    };
    let mut mismatches = Vec::new();
    for case in CASES {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("context");
        write_case(&root, case);
        let dockerfile = root.join(case.dockerfile);
        let out = dir.path().join("out.tar");
        if let Err(err) = docker_build(&cli, &root, &dockerfile, &out) {
            panic!("{}: docker build failed: {err}", case.name);
        }
        let from_docker = image_files(&out);
        let context = load_context_with(&root, Some(&dockerfile), options).expect("load context");
        if legacy {
            // Current engines descend for wildcard exceptions; show what that changes.
            let current = load_context(&root, Some(&dockerfile)).expect("load context");
            let extra: Vec<_> = current
                .entries
                .iter()
                .filter(|e| !context.contains(&e.path))
                .map(|e| e.path.as_str())
                .collect();
            if !extra.is_empty() {
                eprintln!("{}: Docker 23+ would also send {extra:?}", case.name);
            }
        }
        assert!(
            context.problems.is_empty(),
            "{}: {:?}",
            case.name,
            context.problems
        );
        let from_hullscan: BTreeSet<(String, &'static str)> = context
            .entries
            .iter()
            .map(|e| (e.path.clone(), kind_name(e.kind)))
            .collect();
        if from_docker != from_hullscan {
            mismatches.push(format!(
                "{}:\n  only in image:    {:?}\n  only in hullscan: {:?}",
                case.name,
                from_docker.difference(&from_hullscan).collect::<Vec<_>>(),
                from_hullscan.difference(&from_docker).collect::<Vec<_>>(),
            ));
        } else {
            eprintln!("{}: {} paths agree", case.name, from_docker.len());
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
