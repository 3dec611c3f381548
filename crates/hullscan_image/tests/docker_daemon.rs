//! Real `docker build` of real Dockerfiles over a busybox base made with `docker import`, read
//! from `docker save` and straight from the engine's export stream.

#![allow(clippy::print_stderr)] // skip messages

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn docker_available() -> bool {
    if !have("docker") || busybox().is_none() {
        eprintln!("skipping: docker or busybox-static is not installed");
        return false;
    }
    let ok = Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipping: the docker daemon is not reachable");
    }
    ok
}

fn docker(args: &[&str], dir: &Path) {
    let output = Command::new("docker")
        .args(args)
        .current_dir(dir)
        .env("DOCKER_BUILDKIT", "0")
        .output()
        .expect("running docker");
    assert!(
        output.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `docker import` of a busybox-static rootfs tar, as `hullscan-test-base:1`.
fn base_image(work: &Path) {
    let root = work.join("rootfs");
    busybox_rootfs(&root);
    let tar = work.join("rootfs.tar");
    run(
        "tar",
        &[
            "-C",
            root.to_str().unwrap(),
            "-cf",
            tar.to_str().unwrap(),
            ".",
        ],
    );
    docker(
        &[
            "import",
            "--change",
            "CMD [\"/bin/sh\"]",
            tar.to_str().unwrap(),
            "hullscan-test-base:1",
        ],
        work,
    );
}

const PROBLEM: &str = r#"FROM hullscan-test-base:1 AS build
RUN echo built > /artifact

FROM hullscan-test-base:1
COPY --from=build /artifact /artifact
COPY id_rsa /root/.ssh/id_rsa
RUN rm /root/.ssh/id_rsa
COPY data.bin /app/data.bin
RUN chown -R 10001 /app
ARG NPM_TOKEN
RUN echo "installing" > /tmp/log
ENV API_KEY=sk_live_0123456789abcdef
CMD echo serving
"#;

const CLEAN: &str = r#"FROM hullscan-test-base:1 AS build
RUN cp /bin/busybox /app-bin

FROM scratch
COPY --from=build /app-bin /app
COPY passwd /etc/passwd
COPY group /etc/group
USER 10001
HEALTHCHECK CMD ["/app", "true"]
ENTRYPOINT ["/app"]
CMD ["sleep", "1"]
"#;

#[test]
fn docker_built_images_from_save_and_from_the_engine() {
    if !docker_available() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    base_image(work.path());

    let problem_dir = work.path().join("problem");
    write(&problem_dir.join("Dockerfile"), PROBLEM);
    write(
        &problem_dir.join("id_rsa"),
        "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n",
    );
    std::fs::write(problem_dir.join("data.bin"), vec![7u8; 50_000]).unwrap();
    docker(
        &[
            "build",
            "-q",
            "--build-arg",
            "NPM_TOKEN=npm_tok_0123456789",
            "-t",
            "hullscan-test-problem",
            ".",
        ],
        &problem_dir,
    );

    let clean_dir = work.path().join("clean");
    write(&clean_dir.join("Dockerfile"), CLEAN);
    write(
        &clean_dir.join("passwd"),
        "root:x:0:0:root:/root:/sbin/nologin\napp:x:10001:10001::/:/sbin/nologin\n",
    );
    write(&clean_dir.join("group"), "root:x:0:\napp:x:10001:\n");
    docker(
        &["build", "-q", "-t", "hullscan-test-clean:1.0", "."],
        &clean_dir,
    );

    // docker save, then the file.
    let saved = work.path().join("problem.tar");
    docker(
        &[
            "save",
            "-o",
            saved.to_str().unwrap(),
            "hullscan-test-problem",
        ],
        work.path(),
    );
    let from_file = read(saved.to_str().unwrap());
    // The engine's export stream, no file in between (a bare name goes to the daemon).
    let from_engine = read("hullscan-test-problem");
    assert_eq!(from_engine.source, hullscan_image::SourceKind::Daemon);
    let ids = |image: &hullscan_image::Image| {
        image
            .layers
            .iter()
            .map(|l| l.diff_id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&from_file), ids(&from_engine));

    for image in [&from_file, &from_engine] {
        let found = findings(image);
        let codes = codes(&found);
        for code in [
            "HS601", "HS602", "HS603", "HS604", "HS605", "HS606", "HS608", "HS612", "HS613",
        ] {
            assert!(
                codes.contains(&code.to_owned()),
                "{code} missing from {codes:?}"
            );
        }
        let secret = with_code(&found, "HS606");
        assert_eq!(secret.len(), 1);
        assert!(
            secret[0].message.contains("COPY")
                && secret[0].message.contains("rm /root/.ssh/id_rsa"),
            "{}",
            secret[0].message
        );
        assert_eq!(secret[0].related.len(), 1);
        assert!(with_code(&found, "HS605")[0].message.contains("NPM_TOKEN"));
        assert!(with_code(&found, "HS604")[0].message.contains("API_KEY"));
        assert!(
            found
                .iter()
                .all(|d| !d.message.contains("npm_tok_0123") && !d.message.contains("sk_live"))
        );
        // history: every layer has its instruction; ENV/CMD/ARG entries are empty layers.
        assert!(image.layers.iter().all(|l| l.history.is_some()));
        assert!(image.history.iter().filter(|h| h.empty_layer).count() >= 2);
        assert!(image.analysis.wasted_bytes >= 50_000);
    }

    // --dockerfile: layers tied to their instructions; the base is the imported layer only.
    let mut attributed = read(saved.to_str().unwrap());
    let matched =
        hullscan_image::dockerfile::attribute(&mut attributed, "Dockerfile", PROBLEM, None);
    assert!(matched >= 9, "{matched}");
    assert_eq!(attributed.base_layer_count, 1);
    let found = findings(&attributed);
    let secret = with_code(&found, "HS606");
    assert!(
        secret[0]
            .message
            .contains("Dockerfile:6 `COPY id_rsa /root/.ssh/id_rsa`")
            && secret[0]
                .message
                .contains("Dockerfile:7 `RUN rm /root/.ssh/id_rsa`"),
        "{}",
        secret[0].message
    );
    assert!(
        with_code(&found, "HS613")[0]
            .message
            .contains("Dockerfile:9")
    );
    // ... and the findings an instruction made are moved onto its text, keeping where they
    // are in the image as a related location.
    let total = found.len();
    let (on_image, on_dockerfile) =
        hullscan_image::dockerfile::attribute_findings(&attributed, found);
    assert_eq!(on_image.len() + on_dockerfile.len(), total);
    let at = |code: &str| -> &str {
        let finding = on_dockerfile
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("{code} not moved onto the Dockerfile: {on_dockerfile:#?}"));
        let range = finding.range().unwrap();
        assert!(
            matches!(
                finding.related[0].location,
                hullscan_diagnostics::Location::Image(_)
            ),
            "{finding:#?}"
        );
        &PROBLEM[usize::from(range.start())..usize::from(range.end())]
    };
    // The secret file: on the COPY that added it (its layer).
    assert_eq!(at("HS606"), "COPY id_rsa /root/.ssh/id_rsa");
    // The build argument recorded in history: on the RUN that used it (its history entry).
    assert_eq!(at("HS605"), "RUN echo \"installing\" > /tmp/log");
    // Image-wide findings (no HEALTHCHECK, runs as root) stay on the image.
    assert!(on_image.iter().any(|d| d.code == "HS602"), "{on_image:#?}");
    assert!(on_dockerfile.iter().all(|d| d.code != "HS602"));

    // The clean image: every rule quiet, from the engine and from a save.
    let clean = read("docker-daemon:hullscan-test-clean:1.0");
    let found = findings(&clean);
    assert!(found.is_empty(), "{found:#?}");
    let clean_saved = work.path().join("clean.tar");
    docker(
        &[
            "save",
            "-o",
            clean_saved.to_str().unwrap(),
            "hullscan-test-clean:1.0",
        ],
        work.path(),
    );
    assert!(findings(&read(clean_saved.to_str().unwrap())).is_empty());

    let _ = Command::new("docker")
        .args([
            "rmi",
            "-f",
            "hullscan-test-problem",
            "hullscan-test-clean:1.0",
        ])
        .output();
}

#[test]
fn missing_daemon_image_is_a_clear_error() {
    if !docker_available() {
        return;
    }
    let err = hullscan_image::open(
        "hullscan-no-such-image:0",
        &hullscan_image::ReadOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("no such image"), "{err}");
}
