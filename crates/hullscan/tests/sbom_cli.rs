//! `hullscan sbom` and the inventory in `hullscan image`, through the binary, on an OCI layout
//! built here: layer 0 has os-release and a dpkg status (a binNMU and an epoch), layer 1 two
//! Python dist-infos, layer 2 deletes one of them with a whiteout.

#![allow(clippy::print_stderr)] // skip notes without docker

use std::path::Path;
use std::process::{Command, Output};

use hullscan_image::digest::Digest;
use serde_json::Value;

const STATUS: &str = "Package: bash
Status: install ok installed
Priority: required
Architecture: amd64
Source: bash (5.2.15-2)
Version: 5.2.15-2+b13
Description: GNU Bourne Again SHell

Package: zlib1g
Status: install ok installed
Architecture: amd64
Source: zlib
Version: 1:1.2.13.dfsg-1
Description: compression library - runtime

Package: removed-thing
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1
Description: not installed any more
";

const OS_RELEASE: &str = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n";

fn metadata(name: &str, version: &str) -> String {
    format!(
        "Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: test\nLicense: Apache 2.0\n\n"
    )
}

fn layer(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, content) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, path, *content).unwrap();
    }
    builder.into_inner().unwrap()
}

/// An OCI layout of uncompressed layers; returns the diff IDs.
fn write_layout(dir: &Path, layers: &[Vec<u8>]) -> Vec<String> {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    let mut descriptors = Vec::new();
    let mut diff_ids = Vec::new();
    for tar in layers {
        let digest = Digest::of_bytes(tar);
        std::fs::write(blobs.join(digest.hex()), tar).unwrap();
        descriptors.push(
            serde_json::json!({"mediaType": "application/vnd.oci.image.layer.v1.tar",
            "digest": digest.to_string(), "size": tar.len()}),
        );
        diff_ids.push(digest.to_string());
    }
    let history: Vec<Value> = [
        "ADD rootfs.tar /",
        "RUN pip install requests six",
        "RUN pip uninstall -y six",
    ]
    .iter()
    .map(|line| serde_json::json!({"created_by": line}))
    .collect();
    let config =
        serde_json::json!({"architecture": "amd64", "os": "linux", "config": {"User": "10001"},
        "rootfs": {"type": "layers", "diff_ids": diff_ids}, "history": history})
        .to_string();
    let config_digest = Digest::of_bytes(config.as_bytes());
    std::fs::write(blobs.join(config_digest.hex()), &config).unwrap();
    let manifest = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest.to_string(), "size": config.len()},
        "layers": descriptors})
    .to_string();
    let manifest_digest = Digest::of_bytes(manifest.as_bytes());
    std::fs::write(blobs.join(manifest_digest.hex()), &manifest).unwrap();
    let index = serde_json::json!({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": manifest_digest.to_string(), "size": manifest.len()}]});
    std::fs::write(dir.join("index.json"), index.to_string()).unwrap();
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    diff_ids
}

const SITE: &str = "usr/local/lib/python3.11/site-packages";

fn fixture(dir: &Path) -> Vec<String> {
    let requests = metadata("requests", "2.19.1");
    let six = metadata("six", "1.16.0");
    write_layout(
        dir,
        &[
            layer(&[
                ("usr/lib/os-release", OS_RELEASE.as_bytes()),
                ("var/lib/dpkg/status", STATUS.as_bytes()),
            ]),
            layer(&[
                (
                    &format!("{SITE}/requests-2.19.1.dist-info/METADATA"),
                    requests.as_bytes(),
                ),
                (
                    &format!("{SITE}/six-1.16.0.dist-info/METADATA"),
                    six.as_bytes(),
                ),
            ]),
            layer(&[(&format!("{SITE}/.wh.six-1.16.0.dist-info"), b"")]),
        ],
    )
}

fn hullscan(args: &[&str], cache: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hullscan"))
        .args(args)
        .env("HULLSCAN_CACHE_DIR", cache)
        .env("HULLSCAN_SBOM_TIMESTAMP", "2026-01-02T03:04:05Z")
        .env("HULLSCAN_SBOM_UUID", "0d8a7c2e-5f4b-4c3a-9e1d-2b6f8a9c0e7d")
        .output()
        .expect("hullscan runs")
}

fn stdout_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "hullscan failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

#[test]
fn sbom_of_an_image_is_deterministic_in_every_format_and_reuses_cached_layers() {
    let work = tempfile::tempdir().unwrap();
    let image = work.path().join("image");
    let cache = work.path().join("cache");
    let diff_ids = fixture(&image);
    let image = image.to_str().unwrap();

    let first = hullscan(&["sbom", image, "-f", "json"], &cache);
    let doc = stdout_json(&first);
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["subject"]["kind"], "image");
    let layers = doc["subject"]["layers"].as_array().unwrap();
    let seen: Vec<&str> = layers
        .iter()
        .map(|l| l["diff_id"].as_str().unwrap())
        .collect();
    assert_eq!(seen, diff_ids);
    assert_eq!(layers[1]["created_by"], "RUN pip install requests six");
    let first_err = String::from_utf8_lossy(&first.stderr);
    assert!(
        first_err.contains("inventory cache: 0 of 3 layer(s) reused"),
        "{first_err}"
    );

    // The second run reads every layer's catalog from the cache and prints the same bytes.
    let second = hullscan(&["sbom", image, "-f", "json"], &cache);
    assert_eq!(first.stdout, second.stdout);
    let second_err = String::from_utf8_lossy(&second.stderr);
    assert!(
        second_err.contains("inventory cache: 3 of 3 layer(s) reused"),
        "{second_err}"
    );
    let cached = hullscan(&["sbom", image, "-f", "json", "--no-cache"], &cache);
    assert_eq!(
        first.stdout, cached.stdout,
        "cached and fresh inventories agree"
    );

    // A corrupt entry is ignored with a note, and the output does not change.
    for entry in std::fs::read_dir(cache.join("inventory")).unwrap() {
        std::fs::write(entry.unwrap().path(), b"{not json").unwrap();
    }
    let repaired = hullscan(&["sbom", image, "-f", "json"], &cache);
    assert_eq!(first.stdout, repaired.stdout);
    let repaired_err = String::from_utf8_lossy(&repaired.stderr);
    assert!(
        repaired_err.contains("ignored the unusable inventory cache entry"),
        "{repaired_err}"
    );

    let bom = stdout_json(&hullscan(&["sbom", image, "-f", "cyclonedx"], &cache));
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(
        bom["serialNumber"],
        "urn:uuid:0d8a7c2e-5f4b-4c3a-9e1d-2b6f8a9c0e7d"
    );
    assert_eq!(bom["metadata"]["component"]["type"], "container");
    let spdx = stdout_json(&hullscan(&["sbom", image, "-f", "spdx"], &cache));
    assert_eq!(spdx["spdxVersion"], "SPDX-2.3");
    assert_eq!(spdx["relationships"][0]["relationshipType"], "DESCRIBES");

    // -o writes the same document atomically: nothing else is left in the directory.
    let out_dir = work.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let target = out_dir.join("sbom.json");
    let written = hullscan(
        &["sbom", image, "-f", "json", "-o", target.to_str().unwrap()],
        &cache,
    );
    assert!(written.status.success() && written.stdout.is_empty());
    assert_eq!(std::fs::read(&target).unwrap(), first.stdout);
    assert_eq!(std::fs::read_dir(&out_dir).unwrap().count(), 1);
}

#[test]
fn image_summary_and_json_carry_the_inventory() {
    let work = tempfile::tempdir().unwrap();
    let image = work.path().join("image");
    let cache = work.path().join("cache");
    fixture(&image);
    let image = image.to_str().unwrap();
    let sbom_path = work.path().join("image.cdx.json");
    let output = hullscan(
        &[
            "image",
            image,
            "--format",
            "json",
            "--with-inventory",
            "--fail-on",
            "error",
            "--sbom",
            sbom_path.to_str().unwrap(),
        ],
        &cache,
    );
    let doc = stdout_json(&output);
    assert!(doc["findings"].is_array());
    assert_eq!(doc["inventory"]["subject"]["kind"], "image");
    assert_eq!(
        doc["inventory"]["subject"]["layers"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let summary = String::from_utf8_lossy(&output.stderr);
    assert_eq!(summary.matches(" pkgs").count(), 3, "{summary}");
    let bom: Value = serde_json::from_slice(&std::fs::read(&sbom_path).unwrap()).unwrap();
    assert_eq!(bom["bomFormat"], "CycloneDX");
    // Without --with-inventory the object has the image report and the findings only.
    let plain = stdout_json(&hullscan(
        &["image", image, "--format", "json", "--fail-on", "error"],
        &cache,
    ));
    assert!(plain["findings"].is_array() && plain["image"]["layers"].is_array());
    assert!(plain.get("inventory").is_none());
    let none = hullscan(
        &["image", image, "--no-inventory", "--fail-on", "error"],
        &cache,
    );
    assert!(!String::from_utf8_lossy(&none.stderr).contains("pkgs"));
}

#[test]
fn bad_overrides_and_targets_are_clear_errors() {
    let work = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_hullscan"))
        .args(["sbom", "dir:."])
        .env("HULLSCAN_SBOM_UUID", "nope")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("HULLSCAN_SBOM_UUID"));
    let missing = work.path().join("missing.tar");
    let output = hullscan(&["sbom", missing.to_str().unwrap()], &work.path().join("c"));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("missing.tar"));
}

/// Needs the package readers, which land in `hullscan_inventory` from another branch: run with
/// `cargo test -p hullscan --test sbom_cli -- --ignored` after the merge.
#[test]
fn image_packages_are_exact_and_whiteouts_apply() {
    let work = tempfile::tempdir().unwrap();
    let image = work.path().join("image");
    let diff_ids = fixture(&image);
    let doc = stdout_json(&hullscan(
        &["sbom", image.to_str().unwrap(), "-f", "json", "--no-cache"],
        &work.path().join("cache"),
    ));
    assert_eq!(doc["os"]["osv_ecosystem"], "Debian:12");
    let packages: Vec<(String, String, Option<String>, u64)> = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_owned(),
                p["version"].as_str().unwrap().to_owned(),
                p["source"]["version"].as_str().map(str::to_owned),
                p["layer"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        packages,
        [
            (
                "bash".into(),
                "5.2.15-2+b13".into(),
                Some("5.2.15-2".into()),
                0
            ),
            (
                "zlib1g".into(),
                "1:1.2.13.dfsg-1".into(),
                Some("1:1.2.13.dfsg-1".into()),
                0
            ),
            ("requests".into(), "2.19.1".into(), None, 1),
        ],
        "six was deleted by layer 2; removed-thing is not installed"
    );
    assert_eq!(doc["packages"][2]["layer_diff_id"], diff_ids[1]);
    assert_eq!(doc["subject"]["layers"][0]["packages"], 2);
}

/// Removes the test's images however the test ends.
struct DockerImages(Vec<String>);

impl Drop for DockerImages {
    fn drop(&mut self) {
        for tag in &self.0 {
            let _ = Command::new("docker").args(["rmi", "-f", tag]).output();
        }
    }
}

fn docker(args: &[&str], dir: &Path) -> Output {
    let output = Command::new("docker")
        .args(args)
        .current_dir(dir)
        .env("DOCKER_BUILDKIT", "0")
        .output()
        .expect("docker runs");
    assert!(
        output.status.success(),
        "docker {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// `--dockerfile` on an image `docker build` made: FROM a `docker import`ed base (os-release,
/// a dpkg status and a static busybox for RUN), a COPY that adds a dist-info and a RUN that
/// writes one. Every package is tied to the instruction that installed it, in the JSON, the
/// CycloneDX and the table; the base image's packages to none.
#[test]
fn packages_are_attributed_to_the_dockerfile_instruction_that_installed_them() {
    if Command::new("docker")
        .arg("info")
        .output()
        .map_or(true, |o| !o.status.success())
    {
        eprintln!("skipping: no docker daemon (needed to build the image)");
        return;
    }
    let busybox = Path::new("/usr/bin/busybox");
    let is_static = Command::new("file")
        .arg(busybox)
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("statically linked"));
    if !is_static {
        eprintln!("skipping: no static /usr/bin/busybox to run the Dockerfile's RUN with");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let unique = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let base_tag = format!("hullscan-test-sbom-base:{unique}");
    let app_tag = format!("hullscan-test-sbom-app:{unique}");
    let _images = DockerImages(vec![app_tag.clone(), base_tag.clone()]);

    let mut base = tar::Builder::new(Vec::new());
    let mut add = |path: &str, mode: u32, content: &[u8]| {
        let mut header = tar::Header::new_gnu();
        header.set_size(content.len() as u64);
        header.set_mode(mode);
        header.set_cksum();
        base.append_data(&mut header, path, content).unwrap();
    };
    add("usr/lib/os-release", 0o644, OS_RELEASE.as_bytes());
    add("var/lib/dpkg/status", 0o644, STATUS.as_bytes());
    add("bin/busybox", 0o755, &std::fs::read(busybox).unwrap());
    let mut link = tar::Header::new_gnu();
    link.set_entry_type(tar::EntryType::Symlink);
    link.set_size(0);
    link.set_mode(0o777);
    base.append_link(&mut link, "bin/sh", "busybox").unwrap();
    // The directory the RUN writes into, so it needs only the shell's own builtins.
    let mut dir_header = tar::Header::new_gnu();
    dir_header.set_entry_type(tar::EntryType::Directory);
    dir_header.set_size(0);
    dir_header.set_mode(0o755);
    base.append_data(
        &mut dir_header,
        format!("{SITE}/six-1.16.0.dist-info/"),
        std::io::empty(),
    )
    .unwrap();
    std::fs::write(dir.join("base.tar"), base.into_inner().unwrap()).unwrap();
    docker(&["import", "base.tar", &base_tag], dir);

    let copied = dir.join("ctx/requests-2.19.1.dist-info");
    std::fs::create_dir_all(&copied).unwrap();
    std::fs::write(
        copied.join("METADATA"),
        metadata("requests", "2.19.1").as_bytes(),
    )
    .unwrap();
    let run_metadata = metadata("six", "1.16.0").replace('\n', "\\n");
    let dockerfile = format!(
        "FROM {base_tag}\n\
         ENV PYTHONDONTWRITEBYTECODE=1\n\
         COPY requests-2.19.1.dist-info /{SITE}/requests-2.19.1.dist-info\n\
         RUN cd / && \\\n    \
         printf '{run_metadata}' > /{SITE}/six-1.16.0.dist-info/METADATA\n"
    );
    std::fs::write(dir.join("Dockerfile"), &dockerfile).unwrap();
    docker(
        &["build", "-q", "-t", &app_tag, "-f", "Dockerfile", "ctx"],
        dir,
    );
    docker(&["save", "-o", "app.tar", &app_tag], dir);

    let image = dir.join("app.tar");
    let image = image.to_str().unwrap();
    let dockerfile_path = dir.join("Dockerfile");
    let dockerfile_arg = dockerfile_path.to_str().unwrap();
    let cache = dir.join("cache");
    let doc = stdout_json(&hullscan(
        &["sbom", image, "-f", "json", "--dockerfile", dockerfile_arg],
        &cache,
    ));
    let instruction = |name: &str| -> Value {
        doc["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{name} not found in {doc}"))["instruction"]
            .clone()
    };
    assert_eq!(instruction("requests")["line"], 3, "{doc}");
    assert_eq!(instruction("requests")["dockerfile"], dockerfile_arg);
    assert!(
        instruction("requests")["text"]
            .as_str()
            .unwrap()
            .starts_with("COPY requests-2.19.1.dist-info"),
        "{doc}"
    );
    assert_eq!(instruction("six")["line"], 4, "{doc}");
    assert!(
        instruction("six")["text"]
            .as_str()
            .unwrap()
            .starts_with("RUN cd / &&"),
        "{doc}"
    );
    // The base image's packages were installed by no instruction of this Dockerfile.
    assert_eq!(instruction("bash"), Value::Null, "{doc}");
    assert_eq!(instruction("zlib1g"), Value::Null, "{doc}");

    let bom = stdout_json(&hullscan(
        &[
            "sbom",
            image,
            "-f",
            "cyclonedx",
            "--dockerfile",
            dockerfile_arg,
        ],
        &cache,
    ));
    let property = |name: &str, key: &str| -> Option<String> {
        let component = bom["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)?;
        component["properties"]
            .as_array()?
            .iter()
            .find(|p| p["name"] == key)
            .map(|p| p["value"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        property("six", "hullscan:dockerfile:location"),
        Some(format!("{dockerfile_arg}:4"))
    );
    assert_eq!(
        property("requests", "hullscan:dockerfile:location"),
        Some(format!("{dockerfile_arg}:3"))
    );
    assert_eq!(property("bash", "hullscan:dockerfile:location"), None);

    let table = hullscan(&["sbom", image, "--dockerfile", dockerfile_arg], &cache);
    assert!(table.status.success());
    let table = String::from_utf8_lossy(&table.stdout);
    let row = |name: &str| {
        table
            .lines()
            .find(|line| line.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} not in\n{table}"))
            .to_owned()
    };
    assert!(table.contains("INSTRUCTION"), "{table}");
    assert!(
        row("requests").contains(&format!("{dockerfile_arg}:3 COPY requests")),
        "{table}"
    );
    assert!(
        row("six").contains(&format!("{dockerfile_arg}:4 RUN cd / &&")),
        "{table}"
    );
    assert!(row("bash").trim_end().ends_with('-'), "{table}");

    // Without --dockerfile nothing is attributed and the table keeps its five columns.
    let plain = stdout_json(&hullscan(&["sbom", image, "-f", "json"], &cache));
    assert!(
        plain["packages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["instruction"].is_null())
    );
    // `hullscan image --sbom` carries the same attribution.
    let sbom_path = dir.join("image.cdx.json");
    let audit = hullscan(
        &[
            "image",
            image,
            "-q",
            "--fail-on",
            "error",
            "--dockerfile",
            dockerfile_arg,
            "--sbom",
            sbom_path.to_str().unwrap(),
        ],
        &cache,
    );
    assert!(
        audit.status.success(),
        "{}",
        String::from_utf8_lossy(&audit.stderr)
    );
    let written = std::fs::read_to_string(&sbom_path).unwrap();
    assert!(
        written.contains(&format!("{dockerfile_arg}:4")),
        "{written}"
    );
}

/// A layer whose bytes no longer match the digests the manifest and config state: checked by
/// default (a clear digest error), taken as stated with `--no-verify-digests`, and then never
/// kept in the inventory cache (a catalog of unchecked bytes must not answer for that digest).
#[test]
fn unverified_layers_are_read_on_request_and_never_cached() {
    let work = tempfile::tempdir().unwrap();
    let image = work.path().join("image");
    let cache = work.path().join("cache");
    let diff_ids = fixture(&image);
    // Rewrite layer 1 in place with a same-sized tar naming another version of requests.
    let blob = image
        .join("blobs/sha256")
        .join(&diff_ids[1]["sha256:".len()..]);
    let original = std::fs::read(&blob).unwrap();
    // Only the METADATA body changes (the tar header names the old version and keeps its
    // checksum).
    let forged = String::from_utf8_lossy(&original).replace("Version: 2.19.1", "Version: 2.31.0");
    assert_eq!(forged.len(), original.len());
    std::fs::write(&blob, forged.as_bytes()).unwrap();
    let image = image.to_str().unwrap();

    let checked = hullscan(&["sbom", image, "-f", "json"], &cache);
    assert_eq!(checked.status.code(), Some(2));
    let err = String::from_utf8_lossy(&checked.stderr);
    assert!(
        err.contains("layer 1") && err.contains(&diff_ids[1]),
        "{err}"
    );

    let unchecked = hullscan(
        &["sbom", image, "-f", "json", "--no-verify-digests"],
        &cache,
    );
    let doc = stdout_json(&unchecked);
    let versions: Vec<&str> = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] == "requests")
        .map(|p| p["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["2.31.0"], "the bytes as they are, unchecked");
    let layers: Vec<&str> = doc["subject"]["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["diff_id"].as_str().unwrap())
        .collect();
    assert_eq!(layers, diff_ids, "digests taken as the config states them");
    let kept = std::fs::read_dir(cache.join("inventory"))
        .map(|dir| dir.count())
        .unwrap_or(0);
    assert_eq!(kept, 0, "nothing unchecked goes into the cache");
}
