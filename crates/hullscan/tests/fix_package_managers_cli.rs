//! The package-manager fixes through `hullscan fix`: each rule's fix on a Dockerfile, the exact
//! text written, the rule (by its hadolint code) quiet on the result, a second run changing
//! nothing, and the scripts that cannot be extended mechanically left alone.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::run;

fn hullscan(dir: &Path) -> Command {
    common::hullscan_in(dir)
}

/// Fixes `before` with only `code` selected (and `--unsafe-fixes` when `unsafe_fixes`), and
/// returns the file's text afterwards.
fn fix(code: &str, before: &str, unsafe_fixes: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    std::fs::write(&file, before).unwrap();
    let mut args = vec!["fix", "--no-context", "--select", code];
    if unsafe_fixes {
        args.push("--unsafe-fixes");
    }
    args.push("Dockerfile");
    let out = run(hullscan(dir.path()).args(&args));
    assert_eq!(out.code, 0, "{code}: {}", out.stderr);
    std::fs::read_to_string(&file).unwrap()
}

/// `code`'s fix turns `before` into exactly `after`; then `alias` (the hadolint code) no longer
/// fires, and a second run changes nothing.
fn assert_fixes(code: &str, alias: &str, unsafe_fixes: bool, before: &str, after: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    std::fs::write(&file, before).unwrap();
    let mut args = vec!["fix", "--no-context", "--select", code];
    if unsafe_fixes {
        args.push("--unsafe-fixes");
    }
    args.push("Dockerfile");
    let first = run(hullscan(dir.path()).args(&args));
    assert_eq!(first.code, 0, "{code}: {}", first.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), after, "{code}");
    assert!(
        first
            .stderr
            .contains(" finding(s) in 1 file(s); 0 remaining."),
        "{code}: {}",
        first.stderr
    );
    let lint = run(hullscan(dir.path()).args([
        "lint",
        "--no-context",
        "--select",
        alias,
        "--format",
        "concise",
        "Dockerfile",
    ]));
    assert_eq!(lint.code, 0, "{alias} still fires:\n{}", lint.stdout);
    assert!(!lint.stdout.contains(code), "{}", lint.stdout);
    let second = run(hullscan(dir.path()).args(&args));
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), after, "{code}");
    // Without `--unsafe-fixes` an unsafe fix is left for the user.
    if unsafe_fixes {
        assert_eq!(fix(code, before, false), before, "{code}");
    }
}

#[test]
fn apt_lists_are_removed_at_the_end_of_the_run() {
    assert_fixes(
        "HS209",
        "DL3009",
        false,
        "FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5\nUSER 10001\n",
        "FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*\nUSER 10001\n",
    );
    // A later RUN that installs without updating needs the lists: unsafe then.
    let later = "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5\nRUN apt-get install -y --no-install-recommends wget=1.21.3-1+b2\n";
    assert_eq!(fix("HS209", later, false), later);
    assert_eq!(
        fix("HS209", later, true),
        "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*\nRUN apt-get install -y --no-install-recommends wget=1.21.3-1+b2\n"
    );
}

#[test]
fn apt_get_install_gets_no_install_recommends() {
    assert_fixes(
        "HS215",
        "DL3015",
        true,
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u5 \\\n    && apt-get install -y wget=1.21.3-1+b2\n",
        "FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl=7.88.1-10+deb12u5 \\\n    && apt-get install --no-install-recommends -y wget=1.21.3-1+b2\n",
    );
    // Exec form: the flag would join `install` in one JSON string.
    let exec =
        "FROM debian:12\nRUN [\"apt-get\", \"install\", \"-y\", \"curl=7.88.1-10+deb12u5\"]\n";
    assert_eq!(fix("HS215", exec, true), exec);
}

#[test]
fn yarn_cache_is_cleaned_with_unsafe_fixes() {
    assert_fixes(
        "HS275",
        "DL3060",
        true,
        "FROM node:22-slim\nRUN yarn install --frozen-lockfile && yarn build\n",
        "FROM node:22-slim\nRUN yarn install --frozen-lockfile && yarn build && yarn cache clean\n",
    );
}

#[test]
fn dnf_zypper_and_yum_caches_are_cleaned() {
    assert_fixes(
        "HS255",
        "DL3040",
        false,
        "FROM fedora:40\nRUN dnf -y install mariadb-10.11.8; microdnf -y install tar-1.35\n",
        "FROM fedora:40\nRUN dnf -y install mariadb-10.11.8; microdnf -y install tar-1.35 && dnf clean all && microdnf clean all\n",
    );
    assert_fixes(
        "HS252",
        "DL3036",
        false,
        "FROM opensuse/leap:15.6\nRUN zypper -n install mariadb=10.11.6\n",
        "FROM opensuse/leap:15.6\nRUN zypper -n install mariadb=10.11.6 && zypper clean\n",
    );
    assert_fixes(
        "HS232",
        "DL3032",
        false,
        "FROM centos:7\nRUN yum install -y httpd-2.4.6 || yum install -y nginx-1.20.1;\n",
        "FROM centos:7\nRUN yum install -y httpd-2.4.6 || yum install -y nginx-1.20.1 && yum clean all;\n",
    );
}

#[test]
fn wget_gets_no_verbose() {
    assert_fixes(
        "HS262",
        "DL3047",
        false,
        "FROM debian:12-slim\nRUN wget https://example.com/a.tar.gz && sudo wget -O b https://example.com/b\n",
        "FROM debian:12-slim\nRUN wget -nv https://example.com/a.tar.gz && sudo wget -nv -O b https://example.com/b\n",
    );
}

#[test]
fn scripts_that_cannot_be_extended_mechanically_are_left_alone() {
    for (code, text) in [
        // A trailing comment would swallow the appended command.
        (
            "HS255",
            "FROM fedora:40\nRUN dnf -y install mariadb-10.11.8 # the database\n",
        ),
        // The last command runs in the background.
        (
            "HS252",
            "FROM opensuse/leap:15.6\nRUN zypper -n install mariadb=10.11.6 &\n",
        ),
        // A heredoc.
        (
            "HS232",
            "# syntax=docker/dockerfile:1\nFROM centos:7\nRUN <<EOF\nyum install -y httpd-2.4.6\nEOF\n",
        ),
        // Exec form.
        ("HS209", "FROM debian:12\nRUN [\"apt-get\", \"update\"]\n"),
        // Through sudo: the clean-up would run without it.
        (
            "HS255",
            "FROM fedora:40\nUSER app\nRUN sudo dnf -y install mariadb-10.11.8\n",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("Dockerfile");
        std::fs::write(&file, text).unwrap();
        let lint = run(hullscan(dir.path()).args([
            "lint",
            "--no-context",
            "--select",
            code,
            "--format",
            "concise",
            "Dockerfile",
        ]));
        assert!(
            lint.stdout.contains(code),
            "{code} should fire on:\n{text}\n{}",
            lint.stdout
        );
        assert_eq!(fix(code, text, true), text, "{code}");
    }
}
