//! BuildKit's end-to-end `.dockerignore` cases (`../shared/corpus/dockerignore/context_cases.jsonl`)
//! run through the real walker on generated directories, plus walk corner cases.

#![allow(clippy::print_stderr)] // tests report skips and table counts on stderr

use std::path::{Path, PathBuf};

use hullscan_context::{IgnoreFileKind, load_context};
use serde_json::Value;

fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: ../shared not found");
        None
    }
}

fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, content).expect("write");
    }
}

#[test]
fn buildkit_context_cases() {
    let Some(shared) = shared_dir() else { return };
    let text = std::fs::read_to_string(shared.join("corpus/dockerignore/context_cases.jsonl"))
        .expect("context_cases.jsonl");
    let mut ran = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let row: Value = serde_json::from_str(line).expect("json");
        let name = row["name"].as_str().expect("name");
        let dir = tempfile::tempdir().expect("tempdir");
        let files: Vec<(String, String)> = row["files"]
            .as_object()
            .expect("files")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_owned()))
            .collect();
        let borrowed: Vec<(&str, &str)> = files
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        write_files(dir.path(), &borrowed);
        let dockerfile = dir
            .path()
            .join(row["dockerfile_name"].as_str().expect("dockerfile"));
        let context = load_context(dir.path(), Some(&dockerfile)).expect("load");
        if row["expect_error"].as_bool().unwrap_or(false) {
            let err = context
                .ignore_error
                .as_ref()
                .expect("the ignore file must be rejected");
            assert_eq!(err.line, 1, "{name}");
            ran += 1;
            continue;
        }
        assert!(context.ignore_error.is_none(), "{name}");
        let applied = context
            .ignore_file
            .as_ref()
            .expect("an ignore file applies");
        let used = Path::new(&applied.display_path)
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name");
        assert_eq!(Some(used), row["ignore_file_used"].as_str(), "{name}");
        for path in row["expect_in_context"].as_array().expect("in") {
            let path = path.as_str().expect("str");
            assert!(context.contains(path), "{name}: {path} must be sent");
        }
        for path in row["expect_excluded"].as_array().expect("out") {
            let path = path.as_str().expect("str");
            assert!(!context.contains(path), "{name}: {path} must not be sent");
        }
        ran += 1;
    }
    assert_eq!(ran, 4);
    eprintln!("context_cases.jsonl: {ran} cases passed end to end");
}

fn sent(files: &[(&str, &str)]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(dir.path(), files);
    let context = load_context(dir.path(), None).expect("load");
    assert!(context.problems.is_empty(), "{:?}", context.problems);
    context.entries.iter().map(|e| e.path.clone()).collect()
}

#[test]
fn walk_reuses_parent_results_like_fsutil() {
    // Whole-path matching would re-include `a/f` through `!a` matching its parent; the walk
    // records `!a` as unevaluated at `a` and so keeps `a/f` excluded.
    let got = sent(&[
        (".dockerignore", "*/f\n!a\n"),
        ("a/f", ""),
        ("a/g", ""),
        ("b/f", ""),
    ]);
    assert_eq!(got, [".dockerignore", "a", "a/g", "b"]);
}

#[test]
fn reincluded_file_brings_its_directories_only() {
    let got = sent(&[
        (".dockerignore", "deep\n!deep/x/y/keep\n"),
        ("deep/x/y/keep", ""),
        ("deep/x/y/drop", ""),
        ("deep/x/other", ""),
    ]);
    assert_eq!(
        got,
        [
            ".dockerignore",
            "deep",
            "deep/x",
            "deep/x/y",
            "deep/x/y/keep"
        ]
    );
}

#[test]
fn excluded_directory_without_exceptions_is_not_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(
        dir.path(),
        &[
            (".dockerignore", "node_modules\n"),
            ("node_modules/a/b.js", ""),
        ],
    );
    let context = load_context(dir.path(), None).expect("load");
    let skipped: Vec<_> = context
        .excluded
        .iter()
        .map(|e| (e.path.as_str(), e.subtree_skipped))
        .collect();
    assert_eq!(skipped, [("node_modules", true)]);
    assert_eq!(context.usage.decided, [true]);
}

#[test]
fn root_ignore_file_applies_without_a_specific_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(
        dir.path(),
        &[(".dockerignore", "x\n"), ("x", ""), ("y", "yy")],
    );
    let context = load_context(dir.path(), None).expect("load");
    assert_eq!(
        context.ignore_file.as_ref().map(|f| f.kind),
        Some(IgnoreFileKind::ContextRoot)
    );
    // `.dockerignore` (2 bytes) and `y` (2 bytes); `x` is excluded.
    assert_eq!(context.total_bytes(), 4);
}

#[test]
fn totals_largest_dirs_and_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(
        dir.path(),
        &[
            ("a/b/big", "123456"),
            ("a/small", "1"),
            ("a.txt", "12"),
            ("c/d", "123"),
        ],
    );
    let context = load_context(dir.path(), None).expect("load");
    let paths: Vec<&str> = context.entries.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        ["a", "a.txt", "a/b", "a/b/big", "a/small", "c", "c/d"]
    );
    let dirs: Vec<(String, u64, u64)> = hullscan_context::analysis::largest_dirs(&context, 2)
        .into_iter()
        .map(|d| (d.path, d.bytes, d.files))
        .collect();
    assert_eq!(dirs, [("a".to_owned(), 7, 2), ("a/b".to_owned(), 6, 1)]);
    let files: Vec<&str> = hullscan_context::analysis::largest_files(&context, 2)
        .into_iter()
        .map(|e| e.path.as_str())
        .collect();
    assert_eq!(files, ["a/b/big", "c/d"]);
    assert_eq!(context.total_bytes(), 12);
}

/// A PKCS#8 Ed25519 private key (made up; the DER structure is what the engine checks).
const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAswVXqfxOkOM1h9osfsETZbgKXK7xQ5XoOozfIXPGGG\n-----END PRIVATE KEY-----\n";

/// The walk classifies credential-looking names as it goes (carrying `.ssh`, `.aws`, ...
/// down the tree); the result must be what classifying each whole sent path gives, including
/// registry configs whose content decides, after the content confirms it (`home/.ssh/.npmrc`
/// holds no key, so it is not one).
#[test]
fn walk_time_secret_classification_matches_whole_path_classification() {
    use hullscan_context::analysis::{SecretKind, content_confirms_secret, secret_kind, secrets};
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(
        dir.path(),
        &[
            (".env", "API_TOKEN=Xk29fj3kdlw0QmZ7\n"),
            ("app/.env.example", "A="),
            ("app/.env.production", "DB_PASSWORD=p4Ss-w0rd-9Zq\n"),
            ("home/.ssh/id_ed25519", KEY),
            ("home/.ssh/id_ed25519.pub", "k"),
            ("home/.ssh/known_hosts", "h"),
            ("home/.ssh/.npmrc", "registry=x"),
            ("deep/x/.aws/sub/credentials", "c"),
            ("not.aws/credentials", "c"),
            ("cfg/.gcloud/credentials.json", "{}"),
            ("cfg/.kube/config", "k"),
            (
                "cfg/.docker/config.json",
                r#"{"auths":{"r.example":{"auth":"eDp5"}}}"#,
            ),
            ("tls/Server.PEM", KEY),
            ("ops/prod.tfstate", "{}"),
            ("web/.npmrc", "//r/:_authToken=abc\n"),
            ("lib/.npmrc", "registry=https://r\n"),
            (".pypirc", "[pypi]\npassword = x\n"),
            ("src/main.rs", "fn main() {}"),
        ],
    );
    let context = load_context(dir.path(), None).expect("load");
    let expected: Vec<(usize, SecretKind)> = context
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind != hullscan_context::EntryKind::Dir)
        .filter_map(|(i, e)| {
            let content = context.probed_content(&e.path);
            secret_kind(&e.path, content)
                .filter(|&k| content_confirms_secret(&e.path, k, content))
                .map(|k| (i, k))
        })
        .collect();
    assert_eq!(secrets(&context), expected.as_slice());
    let found: Vec<(&str, SecretKind)> = secrets(&context)
        .iter()
        .map(|&(i, k)| (context.entries[i].path.as_str(), k))
        .collect();
    assert_eq!(
        found,
        [
            (".env", SecretKind::DotEnv),
            (".pypirc", SecretKind::PackageManagerToken),
            ("app/.env.production", SecretKind::DotEnv),
            ("cfg/.docker/config.json", SecretKind::DockerConfig),
            ("cfg/.gcloud/credentials.json", SecretKind::CloudCredentials),
            ("cfg/.kube/config", SecretKind::Kubeconfig),
            ("deep/x/.aws/sub/credentials", SecretKind::CloudCredentials),
            ("home/.ssh/id_ed25519", SecretKind::SshPrivateKey),
            ("ops/prod.tfstate", SecretKind::TerraformState),
            ("tls/Server.PEM", SecretKind::PrivateKeyOrCertificate),
            ("web/.npmrc", SecretKind::PackageManagerToken),
        ]
    );
}
