//! `hullscan fix --resolve-digests` end to end: a Debian `docker-registry` on loopback holding
//! an image pushed by skopeo (from an OCI layout made by umoci); the Dockerfile's tags are
//! pinned to exactly the digest skopeo reports, a second run changes nothing, images that
//! cannot be resolved are warned about and left alone, and without the flag nothing is
//! contacted.

// Tests report skips to the developer on stderr.
#![allow(clippy::print_stderr)]

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use common::run;

fn have(tool: &str) -> bool {
    Process::new("sh")
        .args(["-c", &format!("command -v {tool} >/dev/null 2>&1")])
        .status()
        .is_ok_and(|s| s.success())
}

/// False (after saying why) when a tool the registry tests need is missing.
fn require_registry_tools() -> bool {
    let missing: Vec<&str> = ["umoci", "skopeo", "docker-registry"]
        .into_iter()
        .filter(|tool| !have(tool))
        .collect();
    if missing.is_empty() {
        return true;
    }
    eprintln!(
        "skipping: {missing:?} not installed (apt-get install -y umoci skopeo docker-registry)"
    );
    false
}

fn hullscan(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("hullscan").unwrap();
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        // No local daemon to fall back to: the outcome must not depend on the machine's.
        .env(
            "DOCKER_HOST",
            format!("unix://{}/no-daemon.sock", dir.display()),
        )
        // No credentials from the developer's own docker config.
        .env("DOCKER_CONFIG", dir.join("no-docker-config"));
    command
}

fn tool(program: &str, args: &[&str]) -> String {
    let output = Process::new(program).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `docker-registry serve` on 127.0.0.1, killed on drop.
struct Registry {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Registry {
    fn start() -> Registry {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let config = format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
            dir.path().join("data").display()
        );
        let config_path = dir.path().join("config.yml");
        std::fs::write(&config_path, config).unwrap();
        let child = Process::new("docker-registry")
            .arg("serve")
            .arg(&config_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the registry did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Registry {
            child,
            port,
            _dir: dir,
        }
    }

    /// Builds a one-layer image with umoci and pushes it as `name` (`repo:tag`) with skopeo;
    /// returns the digest the registry serves it under, as skopeo reports it.
    fn push(&self, name: &str, marker: &str) -> String {
        let work = tempfile::tempdir().unwrap();
        let layout = work.path().join("oci");
        let image = format!("{}:latest", layout.display());
        tool("umoci", &["init", "--layout", layout.to_str().unwrap()]);
        tool("umoci", &["new", "--image", &image]);
        let bundle = work.path().join("bundle");
        tool(
            "umoci",
            &[
                "unpack",
                "--rootless",
                "--image",
                &image,
                bundle.to_str().unwrap(),
            ],
        );
        std::fs::create_dir_all(bundle.join("rootfs/etc")).unwrap();
        std::fs::write(bundle.join("rootfs/etc/marker"), marker).unwrap();
        tool(
            "umoci",
            &["repack", "--image", &image, bundle.to_str().unwrap()],
        );
        let destination = format!("docker://127.0.0.1:{}/{name}", self.port);
        tool(
            "skopeo",
            &[
                "copy",
                "--quiet",
                "--dest-tls-verify=false",
                &format!("oci:{image}"),
                &destination,
            ],
        );
        tool(
            "skopeo",
            &[
                "inspect",
                "--tls-verify=false",
                "--format",
                "{{.Digest}}",
                &destination,
            ],
        )
        .trim()
        .to_owned()
    }
}

#[test]
fn resolve_digests_pins_tags_to_the_registry_digest_and_a_second_run_changes_nothing() {
    if !require_registry_tools() {
        return;
    }
    let registry = Registry::start();
    let port = registry.port;
    let app = registry.push("hullscan/app:1", "app");
    let tool_digest = registry.push("hullscan/tool:2", "tool");
    assert!(app.starts_with("sha256:") && app.len() == 71, "{app}");
    assert_ne!(app, tool_digest);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    let original = format!(
        "ARG BASE=127.0.0.1:{port}/hullscan/app:1\n\
         FROM 127.0.0.1:{port}/hullscan/app:1 AS build\n\
         FROM ${{BASE}}\n\
         COPY --from=127.0.0.1:{port}/hullscan/tool:2 /etc/marker /marker\n\
         COPY --from=build /etc/marker /marker2\n\
         FROM 127.0.0.1:{port}/hullscan/missing:3\n\
         FROM scratch\n"
    );
    std::fs::write(&file, &original).unwrap();

    let first = run(hullscan(dir.path()).args(["fix", "--no-context", "--resolve-digests", "."]));
    assert_eq!(first.code, 0, "{}", first.stderr);
    let expected = format!(
        "ARG BASE=127.0.0.1:{port}/hullscan/app:1@{app}\n\
         FROM 127.0.0.1:{port}/hullscan/app:1@{app} AS build\n\
         FROM ${{BASE}}\n\
         COPY --from=127.0.0.1:{port}/hullscan/tool:2@{tool_digest} /etc/marker /marker\n\
         COPY --from=build /etc/marker /marker2\n\
         FROM 127.0.0.1:{port}/hullscan/missing:3\n\
         FROM scratch\n"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
    // The tag nobody pushed: named in a warning, its line untouched, the exit unaffected.
    assert!(
        first.stderr.contains(&format!(
            "warning: cannot resolve the digest of `127.0.0.1:{port}/hullscan/missing:3`"
        )),
        "{}",
        first.stderr
    );
    assert!(first.stderr.contains("HS106"), "{}", first.stderr);

    let second = run(hullscan(dir.path()).args(["fix", "--no-context", "--resolve-digests", "."]));
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
    assert!(
        second.stderr.contains("Fixed 0 finding(s)"),
        "{}",
        second.stderr
    );

    // `lint --fix --resolve-digests` does the same; HS106, off by default, is then not
    // reported for the image left unresolved.
    std::fs::write(&file, &original).unwrap();
    let lint = run(hullscan(dir.path()).args([
        "lint",
        "--no-context",
        "--fix",
        "--resolve-digests",
        "--format",
        "json",
        ".",
    ]));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
    assert!(!lint.stdout.contains("HS106"), "{}", lint.stdout);
}

#[test]
fn without_the_flag_nothing_is_contacted() {
    // A listener that counts as "contacted" if anything connects to it.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    let text = format!("FROM 127.0.0.1:{port}/hullscan/app:1\nUSER 10001\n");
    std::fs::write(&file, &text).unwrap();
    for args in [
        &["fix", "--no-context", "."][..],
        &[
            "fix",
            "--no-context",
            "--unsafe-fixes",
            "--select",
            "HS106",
            ".",
        ],
        &["lint", "--no-context", "--fix", "--unsafe-fixes", "."],
    ] {
        let out = run(hullscan(dir.path()).args(args));
        assert_ne!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            !out.stderr.contains("hullscan: error"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("warning"), "{args:?}: {}", out.stderr);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "{args:?}");
    }
    assert!(
        matches!(listener.accept(), Err(ref err) if err.kind() == std::io::ErrorKind::WouldBlock),
        "something connected to the registry without --resolve-digests"
    );
}

#[test]
fn an_unreachable_registry_is_a_warning_and_the_file_is_left_alone() {
    let port = free_port(); // nothing listens there
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    let text = format!("FROM 127.0.0.1:{port}/hullscan/app:1\nUSER 10001\n");
    std::fs::write(&file, &text).unwrap();
    let out = run(hullscan(dir.path()).args(["fix", "--no-context", "--resolve-digests", "."]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    let warning = format!(
        "hullscan: warning: cannot resolve the digest of `127.0.0.1:{port}/hullscan/app:1`, left as it is: registry:"
    );
    assert!(out.stderr.contains(&warning), "{}", out.stderr);
    assert!(out.stderr.contains("daemon:"), "{}", out.stderr);
    assert!(!out.stderr.contains("hullscan: error"), "{}", out.stderr);
}
