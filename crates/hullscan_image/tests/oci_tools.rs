//! Images built with umoci over a busybox-static rootfs, converted with skopeo, read from
//! every on-disk layout; every rule fires on the problem image and stays quiet on the clean one.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::*;
use hullscan_image::resolve::Layout;

const DATA_SIZE: usize = 100_000;
const TMP_FILES: [(&str, usize); 3] = [("a.bin", 30_000), ("b.bin", 20_000), ("sub/c.bin", 10_000)];
const KEY: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n";

fn pseudo_random(len: usize, seed: u32) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (state >> 16) as u8
        })
        .collect()
}

/// Layer 0 has every problem; layer 1 deletes the key and a directory and chowns /app.
fn problem_image() -> UmociImage {
    let image = UmociImage::new("latest");
    image.layer("ADD rootfs.tar /", |root| {
        busybox_rootfs(root);
        write(
            &root.join("etc/passwd"),
            "root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\nguest:x:1000:1000::/home/guest:/bin/sh\n",
        );
        write(&root.join("etc/group"), "root:x:0:\nwheel:x:0:\n");
        write(&root.join("etc/shadow"), "root:*:19000:0:99999:7:::\nguest::19000:0:99999:7:::\n");
        write(&root.join("root/.ssh/id_rsa"), KEY);
        write(&root.join("srv/deploy.ini"), "[gitlab]\ntoken = glpat-Xy7Qm2Lp9Rt4Vb8Nw3Zk\n");
        std::fs::create_dir_all(root.join("usr/local/bin")).unwrap();
        std::fs::copy(busybox().unwrap(), root.join("usr/local/bin/helper")).unwrap();
        std::fs::set_permissions(root.join("usr/local/bin/helper"), std::fs::Permissions::from_mode(0o4755)).unwrap();
        write(&root.join("var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease"), &"x".repeat(20_000));
        std::fs::create_dir_all(root.join("app")).unwrap();
        std::fs::write(root.join("app/data.bin"), pseudo_random(DATA_SIZE, 7)).unwrap();
        for (name, size) in TMP_FILES {
            let path = root.join("opt/tmpdir").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, pseudo_random(size, size as u32)).unwrap();
        }
    });
    image.layer(
        "RUN |1 NPM_TOKEN=npm_s3cr3tvalue /bin/sh -c rm /root/.ssh/id_rsa && chown -R 10001 /app && rm -rf /opt/tmpdir",
        |root| {
            std::fs::remove_file(root.join("root/.ssh/id_rsa")).unwrap();
            std::fs::remove_file(root.join("srv/deploy.ini")).unwrap();
            std::os::unix::fs::chown(root.join("app/data.bin"), Some(10001), Some(10001)).unwrap();
            std::fs::remove_dir_all(root.join("opt/tmpdir")).unwrap();
        },
    );
    image.config(&[
        "--config.cmd",
        "/bin/sh",
        "--config.cmd",
        "-c",
        "--config.cmd",
        "echo serving",
        "--config.env",
        "DB_PASSWORD=hunter2hunter2",
        "--config.label",
        "com.example.api-token=tok_abcdef123456",
        "--config.exposedports",
        "80/tcp",
    ]);
    image
}

/// No shell, no secrets, non-root, unique ids, locked accounts, a version tag.
fn clean_image(user: &str, port: &str) -> UmociImage {
    let image = UmociImage::new("1.0");
    image.layer("COPY app /app", |root| {
        std::fs::copy(busybox().unwrap(), root.join("app")).unwrap();
        write(
            &root.join("etc/passwd"),
            "root:x:0:0:root:/root:/sbin/nologin\napp:x:10001:10001::/:/sbin/nologin\n",
        );
        write(&root.join("etc/group"), "root:x:0:\napp:x:10001:\n");
        write(
            &root.join("etc/shadow"),
            "root:*:19000:0:99999:7:::\napp:!:19000::::::\n",
        );
    });
    image.config(&[
        "--config.entrypoint",
        "/app",
        "--config.cmd",
        "true",
        "--config.user",
        user,
        "--config.exposedports",
        port,
    ]);
    image
}

const EXPECTED_PROBLEMS: [&str; 13] = [
    "HS601", "HS602", "HS603", "HS604", "HS605", "HS606", "HS607", "HS608", "HS610", "HS611",
    "HS612", "HS613", "HS614",
];

fn assert_problem_findings(image: &hullscan_image::Image) {
    let found = findings(image);
    let codes = codes(&found);
    for code in EXPECTED_PROBLEMS {
        assert!(
            codes.contains(&code.to_owned()),
            "{code} missing from {codes:?}"
        );
    }
    // The key: added by layer 0, only hidden by layer 1, which the finding names as related.
    let secret = with_code(&found, "HS606");
    assert_eq!(secret.len(), 1, "{secret:#?}");
    assert!(
        secret[0].message.contains("/root/.ssh/id_rsa"),
        "{}",
        secret[0].message
    );
    assert!(secret[0].message.contains("layer 0") && secret[0].message.contains("only hid it"));
    assert_eq!(secret[0].related.len(), 1);
    let hullscan_diagnostics::Location::Image(related) = &secret[0].related[0].location else {
        panic!("related is not an image location")
    };
    assert_eq!(related.layer.as_ref().map(|l| l.index), Some(1));
    // The secrets engine reads file contents in every layer, deleted files included.
    let content: Vec<_> = found.iter().filter(|d| d.code.starts_with("HS7")).collect();
    assert_eq!(content.len(), 1, "{content:#?}");
    assert!(
        content[0].message.contains("/srv/deploy.ini:2")
            && content[0].message.contains("only hidden by layer 1"),
        "{}",
        content[0].message
    );
    assert_eq!(content[0].related.len(), 1);
    assert!(!content[0].message.contains("Xy7Qm2Lp9Rt4Vb8Nw3Zk"));
    // Both secret-looking config values, never their text.
    let config_secrets = with_code(&found, "HS604");
    assert_eq!(config_secrets.len(), 2);
    assert!(
        found
            .iter()
            .all(|d| !d.message.contains("hunter2") && !d.message.contains("s3cr3t"))
    );
    assert!(with_code(&found, "HS605")[0].message.contains("NPM_TOKEN"));
    assert!(
        with_code(&found, "HS607")[0]
            .message
            .contains("/usr/local/bin/helper")
    );
    assert!(
        with_code(&found, "HS611")[0]
            .message
            .contains("`root` and `toor`")
    );
    assert!(with_code(&found, "HS610")[0].message.contains("`guest`"));
    let duplicate = with_code(&found, "HS613");
    assert!(
        duplicate[0].message.contains("/app/data.bin")
            && duplicate[0].message.contains("owner or mode")
    );
    // Running as root: the privileged-port rule stays quiet.
    assert!(!codes.contains(&"HS609".to_owned()));
}

fn assert_problem_analysis(image: &hullscan_image::Image) {
    assert_eq!(image.layers.len(), 2);
    let a = &image.analysis;
    let key = (KEY.len() + "[gitlab]\ntoken = glpat-Xy7Qm2Lp9Rt4Vb8Nw3Zk\n".len()) as u64;
    let data = DATA_SIZE as u64;
    let tmp: u64 = TMP_FILES.iter().map(|(_, s)| *s as u64).sum();
    let s0 = a.layers[0].content_size;
    // Corrected: every hidden byte once, including what the directory whiteout deleted.
    assert_eq!(a.wasted_bytes, data + key + tmp);
    assert_eq!(a.layers[0].hidden_bytes, data + key + tmp);
    // dive: the chowned file counted twice, the deleted directory not at all.
    assert_eq!(a.dive_wasted_bytes, 2 * data + key);
    let expected_efficiency = (s0 - key + tmp) as f64 / (s0 + data + tmp) as f64;
    assert!(
        (a.dive_efficiency - expected_efficiency).abs() < 1e-12,
        "{} vs {expected_efficiency}",
        a.dive_efficiency
    );
    // History: umoci's config entry is an empty layer and matches none.
    assert!(
        image
            .history
            .iter()
            .any(|h| h.empty_layer && h.layer.is_none())
    );
    assert_eq!(
        image.layers[1]
            .history
            .map(|h| image.history[h].created_by.starts_with("RUN |1")),
        Some(true)
    );
    // The merged view no longer shows what layer 1 deleted.
    assert!(
        image
            .fs
            .resolve(&image.layers, "/root/.ssh/id_rsa")
            .unwrap()
            .is_none()
    );
    assert!(
        image
            .fs
            .resolve(&image.layers, "/opt/tmpdir/sub/c.bin")
            .unwrap()
            .is_none()
    );
    assert!(
        image
            .fs
            .resolve(&image.layers, "/bin/sh")
            .unwrap()
            .is_some()
    );
    assert!(!a.layers[0].largest.is_empty());
    // The wasted files name each hidden copy, largest first; they add up to the corrected
    // figure. umoci rewrites the chowned file whole, so its 100 kB copy in layer 0 is waste.
    let wasted = &image.fs.wasted;
    assert_eq!(wasted.bytes, a.wasted_bytes);
    assert_eq!(wasted.paths, 3 + TMP_FILES.len() as u64);
    let top: Vec<(&str, u64, Vec<u32>, Vec<u32>)> = wasted
        .top
        .iter()
        .map(|w| {
            let (layers, hidden_by) = (w.layers.clone(), w.hidden_by.clone());
            (w.path.as_str(), w.wasted_bytes, layers, hidden_by)
        })
        .collect();
    let deploy = key - KEY.len() as u64;
    assert_eq!(
        top,
        [
            ("/app/data.bin", data, vec![0], vec![1]),
            ("/opt/tmpdir/a.bin", 30_000, vec![0], vec![1]),
            ("/opt/tmpdir/b.bin", 20_000, vec![0], vec![1]),
            ("/opt/tmpdir/sub/c.bin", 10_000, vec![0], vec![1]),
            ("/root/.ssh/id_rsa", KEY.len() as u64, vec![0], vec![1]),
            ("/srv/deploy.ini", deploy, vec![0], vec![1]),
        ]
    );
}

#[test]
fn problem_image_from_every_layout() {
    if !require(&["umoci", "skopeo"]) || busybox().is_none() {
        return;
    }
    let image = problem_image();
    let from_dir = read(&image.reference());
    assert_eq!(from_dir.layout, Layout::Oci);
    assert_problem_findings(&from_dir);
    assert_problem_analysis(&from_dir);

    let work = tempfile::tempdir().unwrap();
    // docker save (legacy layout), written by skopeo.
    let legacy = work.path().join("legacy.tar");
    image.skopeo_copy(&format!(
        "docker-archive:{}:problem:latest",
        legacy.display()
    ));
    let from_legacy = read(legacy.to_str().unwrap());
    assert_eq!(from_legacy.layout, Layout::DockerSaveLegacy);
    assert_eq!(
        from_legacy.repo_tags,
        vec!["docker.io/library/problem:latest".to_owned()]
    );
    // OCI archive.
    let archive = work.path().join("oci.tar");
    image.skopeo_copy(&format!("oci-archive:{}:latest", archive.display()));
    let from_archive = read(&format!("oci-archive:{}", archive.display()));
    assert_eq!(from_archive.layout, Layout::Oci);
    // docker save from Docker 25 on: the OCI layout plus manifest.json naming blobs.
    let docker25 = docker25_save(&image.layout(), work.path(), "problem:latest");
    let from_docker25 = read(docker25.to_str().unwrap());
    assert_eq!(from_docker25.layout, Layout::DockerSaveOci);

    for other in [&from_legacy, &from_archive, &from_docker25] {
        let diff_ids: Vec<_> = other.layers.iter().map(|l| l.diff_id.clone()).collect();
        let expected: Vec<_> = from_dir.layers.iter().map(|l| l.diff_id.clone()).collect();
        assert_eq!(diff_ids, expected, "{:?}", other.layout);
        assert_problem_findings(other);
        assert_problem_analysis(other);
    }
    // The legacy layout stores layers uncompressed; the OCI ones gzip.
    assert_eq!(from_legacy.layers[0].compression.as_str(), "none");
    assert_eq!(from_dir.layers[0].compression.as_str(), "gzip");
}

/// Writes what `docker save` writes from Docker 25 on, from an OCI layout, with `tar`.
fn docker25_save(layout: &Path, work: &Path, tag: &str) -> std::path::PathBuf {
    let root = work.join("docker25");
    run(
        "cp",
        &["-r", layout.to_str().unwrap(), root.to_str().unwrap()],
    );
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("index.json")).unwrap()).unwrap();
    let manifest_digest = index["manifests"][0]["digest"]
        .as_str()
        .unwrap()
        .trim_start_matches("sha256:")
        .to_owned();
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root.join("blobs/sha256").join(&manifest_digest)).unwrap(),
    )
    .unwrap();
    let blob = |d: &serde_json::Value| {
        format!(
            "blobs/sha256/{}",
            d["digest"].as_str().unwrap().trim_start_matches("sha256:")
        )
    };
    let layers: Vec<String> = manifest["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(blob)
        .collect();
    let save = serde_json::json!([{ "Config": blob(&manifest["config"]), "RepoTags": [tag], "Layers": layers }]);
    std::fs::write(root.join("manifest.json"), save.to_string()).unwrap();
    let tar = work.join("docker25.tar");
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
    tar
}

#[test]
fn clean_image_is_quiet() {
    if !require(&["umoci"]) || busybox().is_none() {
        return;
    }
    let image = clean_image("10001", "8080/tcp");
    let read_back = read(&image.reference());
    let found = findings(&read_back);
    // HEALTHCHECK is not in the OCI config umoci writes; the docker-built clean image covers it.
    let unexpected: Vec<_> = found.iter().filter(|d| d.code != "HS602").collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    assert_eq!(read_back.analysis.wasted_bytes, 0);
    assert!((read_back.analysis.dive_efficiency - 1.0).abs() < f64::EPSILON);
}

#[test]
fn privileged_port_fires_only_for_non_root() {
    if !require(&["umoci"]) || busybox().is_none() {
        return;
    }
    let non_root = read(&clean_image("app", "80/tcp").reference());
    let found = findings(&non_root);
    assert_eq!(
        codes(&found)
            .iter()
            .filter(|c| *c != "HS602")
            .collect::<Vec<_>>(),
        vec!["HS609"]
    );
    assert!(with_code(&found, "HS609")[0].message.contains("80/tcp"));
    let as_root = read(&clean_image("0:0", "80/tcp").reference());
    let codes = codes(&findings(&as_root));
    assert!(codes.contains(&"HS601".to_owned()) && !codes.contains(&"HS609".to_owned()));
    let with_root_name = read(&clean_image("root:root", "8080/tcp").reference());
    assert!(
        with_code(&findings(&with_root_name), "HS601")[0]
            .message
            .contains("root:root")
    );
}

/// The total announced before the layers are read is exactly what the progress callback then
/// counts, for every layout that reads layers after the manifest (what a progress bar needs).
#[test]
fn progress_total_matches_the_bytes_read() {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU64, Ordering};
    if !require(&["umoci", "skopeo"]) || busybox().is_none() {
        return;
    }
    let image = problem_image();
    let work = tempfile::tempdir().unwrap();
    let legacy = work.path().join("legacy.tar");
    image.skopeo_copy(&format!("docker-archive:{}:p:latest", legacy.display()));
    let archive = work.path().join("oci.tar");
    image.skopeo_copy(&format!("oci-archive:{}:latest", archive.display()));
    for reference in [
        image.reference(),
        legacy.display().to_string(),
        format!("oci-archive:{}", archive.display()),
    ] {
        let read = AtomicU64::new(0);
        let totals = Mutex::new(Vec::new());
        let on_bytes = |n: u64| {
            read.fetch_add(n, Ordering::Relaxed);
        };
        let on_total = |total: u64| totals.lock().unwrap().push(total);
        let options = hullscan_image::ReadOptions {
            progress: Some(&on_bytes),
            total_bytes: Some(&on_total),
            ..hullscan_image::ReadOptions::default()
        };
        let (opened, _) = hullscan_image::open(&reference, &options).unwrap();
        let totals = totals.into_inner().unwrap();
        assert_eq!(totals.len(), 1, "{reference}: one total, before reading");
        assert!(totals[0] > 0, "{reference}");
        assert_eq!(totals[0], read.load(Ordering::Relaxed), "{reference}");
        let stored: u64 = opened.layers.iter().map(|layer| layer.blob_size).sum();
        assert_eq!(totals[0], stored, "{reference}");
    }
}
