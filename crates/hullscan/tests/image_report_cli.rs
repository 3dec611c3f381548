//! Issue 14, item 7: `hullscan image --format json` carries the size report the human summary
//! shows (the layer table, hullscan's and dive's efficiency figures) and the files whose bytes
//! are wasted, through the binary, on OCI layouts built here from hand-made layers.

mod common;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const DOC: &str = include_str!("../../../docs/json-format.md");

/// Not a real token: a secret-looking `NAME=value` the masking must hide.
const TOKEN: &str = "hsTestTok3nValue9QmZ2xVb7TqL0pRw5YhN";
/// A URL credential the secrets engine's redaction masks.
const URL_PASSWORD: &str = "Zr8wQv2kLm5nB7xc";
/// A path with an escape sequence: it must never reach a terminal raw.
const ODD_NAME: &[u8] = b"odd\x1b[31mname";

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn hullscan(image: &Path, extra: &[&str]) -> Run {
    let output = Command::cargo_bin("hullscan")
        .unwrap()
        .current_dir(image)
        .args(["image", "--no-config", "--no-cache", "--no-vulns"])
        .args(extra)
        .arg(format!("oci:{}", image.display()))
        .output()
        .unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn json(run: &Run) -> Value {
    assert!(
        matches!(run.code, Some(0 | 1)),
        "exit {:?}: {}",
        run.code,
        run.stderr
    );
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|err| panic!("{err}: {}\n{}", run.stdout, run.stderr))
}

/// Three layers:
/// - 0 (`ADD`, plain tar): `etc/app.conf` 1000 B, `data/big.bin` 5000 B, `cache/a` and
///   `cache/b` 700 B each, `keep/x` 50 B, `odd\e[31mname` 20 B;
/// - 1 (`RUN` with a token and a URL password, gzip): `etc/app.conf` again (1000 B, the chown
///   pattern), `tmp/t` 2000 B;
/// - 2 (`RUN rm …`, plain tar): whiteouts for `cache` (a directory), `data/big.bin` and the odd
///   name, and `tmp/t` rewritten with 10 B.
fn write_fixture(dir: &Path) -> Vec<common::WrittenLayer> {
    let (k1, k5, k2) = (vec![b'a'; 1000], vec![b'b'; 5000], vec![b'c'; 2000]);
    let (c7, x50, odd20, t10) = (vec![b'd'; 700], vec![b'e'; 50], [b'f'; 20], [b'g'; 10]);
    let mut odd_whiteout = b".wh.".to_vec();
    odd_whiteout.extend_from_slice(ODD_NAME);
    let config = serde_json::json!({
        "architecture": "arm64",
        "os": "linux",
        "config": {"User": "10001", "Cmd": ["/app"]},
        "history": [
            {"created_by": "ADD rootfs.tar / # buildkit"},
            {"created_by": format!(
                "RUN /bin/sh -c export GITHUB_TOKEN={TOKEN} && git clone https://deploy:{URL_PASSWORD}@git.example.com/app.git && chown app /etc/app.conf"
            )},
            {"created_by": "RUN /bin/sh -c rm -rf /cache /data/big.bin /odd*"},
            {"created_by": "CMD [\"/app\"]", "empty_layer": true},
        ],
    });
    common::write_oci_image(
        dir,
        config,
        &[
            (
                false,
                vec![
                    (b"etc/app.conf", &k1),
                    (b"data/big.bin", &k5),
                    (b"cache/a", &c7),
                    (b"cache/b", &c7),
                    (b"keep/x", &x50),
                    (ODD_NAME, &odd20),
                ],
            ),
            (true, vec![(b"etc/app.conf", &k1), (b"tmp/t", &k2)]),
            (
                false,
                vec![
                    (b".wh.cache", b""),
                    (b"data/.wh.big.bin", b""),
                    (&odd_whiteout, b""),
                    (b"tmp/t", &t10),
                ],
            ),
        ],
    )
}

/// The odd name as the report must print it: the escape made visible, the rest kept.
fn odd_path_ok(path: &str) -> bool {
    path.starts_with("/odd") && path.ends_with("[31mname") && !path.contains('\u{1b}')
}

#[test]
fn the_json_report_has_the_layer_table_the_figures_and_the_wasted_files() {
    let dir = tempfile::tempdir().unwrap();
    let written = write_fixture(dir.path());
    let run = hullscan(dir.path(), &["--format", "json"]);
    let doc = json(&run);
    assert!(doc["findings"].is_array(), "{}", run.stdout);
    assert!(doc.get("inventory").is_none(), "only with --with-inventory");
    assert!(
        !run.stdout.contains("\\u001b"),
        "an escaped ESC: {}",
        run.stdout
    );
    let image = &doc["image"];
    assert_eq!(image["os"], "linux");
    assert_eq!(image["architecture"], "arm64");
    assert!(
        image["config_digest"]
            .as_str()
            .is_some_and(|d| d.starts_with("sha256:") && d.len() == 71)
    );

    // The layer table, exact.
    let layers = image["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 3);
    let expected = [
        // (content, hidden later, compression, entries)
        (7470u64, 7420u64, "none", 6u64),
        (3000, 2000, "gzip", 2),
        (10, 0, "none", 4),
    ];
    for (index, ((layer, written), (content, hidden, compression, entries))) in
        layers.iter().zip(&written).zip(expected).enumerate()
    {
        assert_eq!(layer["index"], index, "{layer}");
        assert_eq!(layer["digest"], written.diff_id.as_str(), "{layer}");
        assert_eq!(
            layer["blob_digest"],
            written.blob_digest.as_str(),
            "{layer}"
        );
        assert_eq!(layer["blob_size"], written.blob_size, "{layer}");
        assert_eq!(layer["content_size"], content, "{layer}");
        assert_eq!(layer["hidden_bytes"], hidden, "{layer}");
        assert_eq!(layer["compression"], compression, "{layer}");
        assert_eq!(layer["entries"], entries, "{layer}");
        // No package databases in these layers, but the inventory ran.
        assert_eq!(layer["packages"], 0, "{layer}");
    }
    // A plain tar's blob is the tar itself; the gzip one is smaller than its 3 kB of `a`s.
    assert!(written[0].blob_size > 7470 && written[1].blob_size < 3000);
    assert_eq!(
        layers[0]["instruction"], "ADD rootfs.tar / # buildkit",
        "{layers:?}"
    );
    assert_eq!(
        layers[2]["instruction"],
        "RUN /bin/sh -c rm -rf /cache /data/big.bin /odd*"
    );

    // The secrets in the RUN line are masked in the table, and appear nowhere.
    let run_line = layers[1]["instruction"].as_str().unwrap();
    assert!(run_line.contains("GITHUB_TOKEN=****"), "{run_line}");
    assert!(run_line.contains("chown app /etc/app.conf"), "{run_line}");
    for secret in [TOKEN, URL_PASSWORD] {
        assert!(!run.stdout.contains(secret), "stdout printed a secret");
        assert!(!run.stderr.contains(secret), "stderr printed a secret");
    }

    // hullscan's figures: 10,480 B in all layers, 1,060 B visible (app.conf from layer 1,
    // keep/x, the 10-byte tmp/t).
    assert_eq!(image["content_size"], 10_480);
    assert_eq!(image["visible_size"], 1060);
    assert_eq!(image["wasted_bytes"], 9420);
    assert_close(&image["efficiency"], 1060.0 / 10_480.0);
    // No CMD before the last layers marks a base image: dive's rule, layer 0.
    assert_eq!(image["base_layers"], 1);

    // The wasted files: every hidden copy, largest first, ties by path, exact bytes.
    let wasted = image["wasted_files"].as_array().unwrap();
    assert_eq!(
        wasted[..5],
        serde_json::json!([
            {"path": "/data/big.bin", "wasted_bytes": 5000, "layers": [0], "hidden_by": [2], "count": 1},
            {"path": "/tmp/t", "wasted_bytes": 2000, "layers": [1], "hidden_by": [2], "count": 1},
            {"path": "/etc/app.conf", "wasted_bytes": 1000, "layers": [0], "hidden_by": [1], "count": 1},
            {"path": "/cache/a", "wasted_bytes": 700, "layers": [0], "hidden_by": [2], "count": 1},
            {"path": "/cache/b", "wasted_bytes": 700, "layers": [0], "hidden_by": [2], "count": 1},
        ])
        .as_array()
        .unwrap()[..],
        "{wasted:#?}"
    );
    assert_eq!(wasted.len(), 6, "{wasted:#?}");
    assert!(
        odd_path_ok(wasted[5]["path"].as_str().unwrap()),
        "{wasted:#?}"
    );
    assert_eq!(wasted[5]["wasted_bytes"], 20);
    assert_eq!(image["wasted_paths"], 6);
    let listed: u64 = wasted
        .iter()
        .map(|w| w["wasted_bytes"].as_u64().unwrap())
        .sum();
    assert_eq!(Value::from(listed), image["wasted_bytes"]);

    // dive's figures: paths in two or more layers, each copy counted (app.conf 2 × 1000,
    // tmp/t 2000 + 10, big.bin 5000 + its whiteout's 0, the odd name 20 + 0); the directory
    // whiteout's 1400 B are not waste to dive.
    let dive = &image["dive"];
    assert_eq!(dive["wasted_bytes"], 2000 + 2010 + 5000 + 20);
    assert_eq!(dive["inefficient_paths"], 4);
    assert_eq!(dive["user_size"], 3010);
    assert_close(&dive["user_wasted_ratio"], 9030.0 / 3010.0);
    let inefficient: Vec<(&str, u64, u64)> = dive["inefficient_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap(),
                f["count"].as_u64().unwrap(),
                f["cumulative_size"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        inefficient[..3],
        [
            ("/data/big.bin", 2, 5000),
            ("/tmp/t", 2, 2010),
            ("/etc/app.conf", 2, 2000)
        ]
    );
    assert!(odd_path_ok(inefficient[3].0) && inefficient[3].2 == 20);
    // Σ min / Σ cumulative over leaf paths: the `cache` whiteout (1400 B) is one of them.
    let (min, cumulative) = (
        1000 + 1400 + 700 + 700 + 50 + 10,
        2000 + 5000 + 1400 + 700 + 700 + 50 + 20 + 2010,
    );
    assert_close(&dive["efficiency"], f64::from(min) / f64::from(cumulative));

    // The human summary lists them too, the escape made visible.
    let summary = hullscan(dir.path(), &[]).stderr;
    assert!(
        summary.contains("wasted files: 6 path(s) hide 9.4 kB:"),
        "{summary}"
    );
    assert!(summary.contains("5.0 kB  /data/big.bin  (layer 0, hidden by 2)"));
    assert!(!summary.contains('\u{1b}'), "a raw escape reached stderr");
    assert!(summary.lines().any(odd_path_ok_line), "{summary}");
    for secret in [TOKEN, URL_PASSWORD] {
        assert!(!summary.contains(secret));
    }

    // The document describes every field the object has.
    check_documented(image, "Image report");
    for layer in layers {
        check_documented(layer, "Image layer");
    }
    check_documented(dive, "Dive figures");
    for file in image["wasted_files"].as_array().unwrap() {
        check_documented(file, "Wasted file");
    }
    for file in dive["inefficient_files"].as_array().unwrap() {
        check_documented(file, "Inefficient file");
    }
}

/// JSON numbers are parsed back to the nearest double or one next to it: 1e-12 is exact enough.
fn assert_close(value: &Value, expected: f64) {
    let got = value.as_f64().unwrap_or(f64::NAN);
    assert!((got - expected).abs() < 1e-12, "{got} vs {expected}");
}

fn odd_path_ok_line(line: &str) -> bool {
    line.contains("/odd") && line.contains("[31mname  (layer 0, hidden by 2)")
}

/// `object`'s keys are exactly the fields of the table under `## {heading}`.
fn check_documented(object: &Value, heading: &str) {
    let start = DOC
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("docs/json-format.md has no `## {heading}`"));
    let section = &DOC[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let mut documented: Vec<&str> = section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .filter_map(|line| line.split('|').nth(1))
        .map(|cell| cell.trim().trim_matches('`'))
        .collect();
    let mut present: Vec<&str> = object
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    documented.sort_unstable();
    present.sort_unstable();
    assert_eq!(present, documented, "`## {heading}` vs {object}");
}

#[test]
fn the_wasted_files_list_keeps_only_the_largest_n() {
    // 3000 files of 1..=3000 bytes under `d`, deleted by the next layer with `rm -rf /d`.
    let dir = tempfile::tempdir().unwrap();
    let data = vec![b'z'; 3000];
    let names: Vec<Vec<u8>> = (1..=3000)
        .map(|i| format!("d/f{i:04}").into_bytes())
        .collect();
    let files: Vec<common::RawEntry<'_>> = names
        .iter()
        .enumerate()
        .map(|(i, name)| (name.as_slice(), &data[..=i]))
        .collect();
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "history": [{"created_by": "ADD d /d"}, {"created_by": "RUN rm -rf /d"}],
    });
    common::write_oci_image(
        dir.path(),
        config,
        &[(false, files), (false, vec![(b".wh.d", b"")])],
    );
    let all_bytes: u64 = (1..=3000).sum();

    let keep_three = json(&hullscan(
        dir.path(),
        &["-q", "--format", "json", "--wasted-files", "3"],
    ));
    let image = &keep_three["image"];
    let top: Vec<(&str, u64)> = image["wasted_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap(),
                f["wasted_bytes"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        top,
        [("/d/f3000", 3000), ("/d/f2999", 2999), ("/d/f2998", 2998)]
    );
    assert_eq!(image["wasted_paths"], 3000);
    assert_eq!(image["wasted_bytes"], all_bytes);
    assert_eq!(image["efficiency"], 0.0);
    // dive sees one record per deleted file and one for the whiteout: nothing in two layers.
    assert_eq!(image["dive"]["inefficient_paths"], 0);

    // The default keeps 100; 0 keeps none; the totals never change.
    let default = json(&hullscan(dir.path(), &["-q", "--format", "json"]));
    let files = default["image"]["wasted_files"].as_array().unwrap();
    assert_eq!(files.len(), 100);
    assert_eq!(files[99]["path"], "/d/f2901");
    let none = json(&hullscan(
        dir.path(),
        &["-q", "--format", "json", "--wasted-files", "0"],
    ));
    assert_eq!(none["image"]["wasted_files"], serde_json::json!([]));
    assert_eq!(none["image"]["wasted_paths"], 3000);

    // The summary shows the largest ten of them.
    let summary = hullscan(dir.path(), &[]).stderr;
    assert!(
        summary.contains("wasted files: 3000 path(s) hide 4.5 MB; the largest 10:"),
        "{summary}"
    );
    assert!(summary.contains("/d/f2991  (layer 0, hidden by 1)"));
    assert!(!summary.contains("/d/f2990"));
}

#[test]
fn with_inventory_adds_the_inventory_beside_image_and_findings() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let doc = json(&hullscan(
        dir.path(),
        &["-q", "--format", "json", "--with-inventory"],
    ));
    let keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert_eq!(doc["inventory"]["subject"]["kind"], "image");
    assert_eq!(doc["image"]["layers"].as_array().unwrap().len(), 3);
    // Without the inventory there are no package counts.
    let bare = json(&hullscan(
        dir.path(),
        &["-q", "--format", "json", "--no-inventory"],
    ));
    assert!(bare["image"]["layers"][0]["packages"].is_null());
}
