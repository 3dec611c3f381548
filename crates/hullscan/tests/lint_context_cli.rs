//! `hullscan lint` runs the build-context rules (HS5xx) next to the Dockerfile rules.

use std::path::Path;

use assert_cmd::Command;

fn lint(dir: &Path, extra: &[&str]) -> (i32, String) {
    let output = Command::cargo_bin("hullscan")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["lint", "--no-config", "--select", "HS5"])
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    (output.status.code().unwrap(), format!("{stdout}{stderr}"))
}

fn project(dockerignore: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.20\nWORKDIR /app\nCOPY . .\nUSER app\n",
    )
    .unwrap();
    std::fs::write(dir.path().join(".env"), "API_TOKEN=abc\n").unwrap();
    std::fs::write(dir.path().join("main.py"), "print('hi')\n").unwrap();
    if let Some(patterns) = dockerignore {
        std::fs::write(dir.path().join(".dockerignore"), patterns).unwrap();
    }
    dir
}

#[test]
fn copy_dot_without_dockerignore_reports_missing_ignore_file_and_secret() {
    let dir = project(None);
    // HS501 names what should never be sent (here `.git/`); HS502 names the secret, once.
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let (code, output) = lint(dir.path(), &["Dockerfile"]);
    assert!(output.contains("HS501"), "{output}");
    assert!(output.contains("HS502"), "{output}");
    assert!(output.contains(".env"), "{output}");
    assert_eq!(code, 1, "{output}");
}

#[test]
fn a_proper_dockerignore_silences_them() {
    let dir = project(Some(".env\n.git\n"));
    let (code, output) = lint(dir.path(), &["Dockerfile"]);
    assert!(!output.contains("HS501"), "{output}");
    assert!(!output.contains("HS502"), "{output}");
    assert_eq!(code, 0, "{output}");
}

#[test]
fn no_context_and_ignore_turn_the_context_rules_off() {
    let dir = project(None);
    let (code, output) = lint(dir.path(), &["--no-context", "Dockerfile"]);
    assert!(!output.contains("HS50"), "{output}");
    assert_eq!(code, 0, "{output}");
    let (_, output) = lint(dir.path(), &["--ignore", "HS502", "Dockerfile"]);
    assert!(
        output.contains("HS501") && !output.contains("HS502"),
        "{output}"
    );
}

#[test]
fn explicit_context_dir_is_used_for_a_dockerfile_elsewhere() {
    let dir = project(None);
    let docker_dir = dir.path().join("docker");
    std::fs::create_dir(&docker_dir).unwrap();
    std::fs::rename(dir.path().join("Dockerfile"), docker_dir.join("Dockerfile")).unwrap();
    // `docker/` holds no sources and no ignore file: no context by default.
    let (_, output) = lint(dir.path(), &["docker/Dockerfile"]);
    assert!(!output.contains("HS502"), "{output}");
    let (_, output) = lint(dir.path(), &["--context", ".", "docker/Dockerfile"]);
    assert!(output.contains("HS502"), "{output}");
}

/// Context findings on a Dockerfile's lines obey its suppression comments like any other
/// finding, and a comment that silences one is not reported as unused.
#[test]
fn suppression_comments_apply_to_context_findings_on_the_dockerfile() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".dockerignore"), ".git\n").unwrap();
    std::fs::write(dir.path().join("main.py"), "print('hi')\n").unwrap();
    let dockerfile = "FROM alpine:3.20\n\
                      # hullscan ignore=copy-source-not-in-context\n\
                      COPY missing-one.txt /app/\n\
                      COPY missing-two.txt /app/\n\
                      COPY main.py /app/\n";
    std::fs::write(dir.path().join("Dockerfile"), dockerfile).unwrap();
    let (code, output) = lint(
        dir.path(),
        &[
            "--extend-select",
            "unused-suppression",
            "--format",
            "concise",
            "Dockerfile",
        ],
    );
    assert!(!output.contains("missing-one.txt"), "{output}");
    assert!(
        output.contains("Dockerfile:4:") && output.contains("HS508"),
        "{output}"
    );
    assert!(
        !output.to_lowercase().contains("unused suppression"),
        "{output}"
    );
    assert_eq!(code, 1, "{output}");

    // A file-wide comment silences every one, so the run passes.
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!("# hullscan global ignore=HS508\n{dockerfile}"),
    )
    .unwrap();
    let (code, output) = lint(dir.path(), &["--format", "concise", "Dockerfile"]);
    assert!(!output.contains("HS508"), "{output}");
    assert_eq!(code, 0, "{output}");
}

/// Whether context findings fail the run follows the threshold of the file they belong to.
#[test]
fn context_findings_fail_the_run_by_their_own_files_threshold() {
    let dir = project(Some(".git\n"));
    // HS502 (the .env is sent) is an error; a threshold above it passes only with --no-fail.
    let (code, output) = lint(dir.path(), &["--format", "concise", "Dockerfile"]);
    assert!(output.contains("HS502"), "{output}");
    assert_eq!(code, 1, "{output}");
    std::fs::write(
        dir.path().join("hullscan.toml"),
        "[severity]\nHS502 = \"style\"\n",
    )
    .unwrap();
    let output = Command::cargo_bin("hullscan")
        .unwrap()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args([
            "lint",
            "--select",
            "HS5",
            "--format",
            "concise",
            "Dockerfile",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("HS502"), "{text}");
    assert_eq!(output.status.code(), Some(0), "{text}");
}

/// `hullscan lint --format json` findings of `select` in `dir`, as (code, file, line).
fn findings(dir: &Path, select: &str, extra: &[&str]) -> Vec<(String, String, u64)> {
    let output = Command::cargo_bin("hullscan")
        .unwrap()
        .current_dir(dir)
        .args([
            "lint",
            "--no-config",
            "--no-fail",
            "--format",
            "json",
            "--select",
            select,
        ])
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let found: Vec<serde_json::Value> = serde_json::from_str(&stdout)
        .unwrap_or_else(|err| panic!("{err}: {stdout}{}", String::from_utf8_lossy(&output.stderr)));
    found
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["file"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("./")
                    .to_owned(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// Issue 14: a Dockerfile kept in `docker/` and built from the repository root (`docker build
/// -f docker/dockerfile .`, as uptime-kuma's package scripts do) copies `package.json` from
/// the root. Its context is the root, not `docker/` (which holds a compose file, so it looked
/// like a context): no "missing source" error.
#[test]
fn a_dockerfile_in_a_docker_dir_gets_the_root_as_context_when_its_sources_are_there() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("docker")).unwrap();
    std::fs::write(
        root.join("docker/dockerfile"),
        "FROM node:22\nWORKDIR /app\nCOPY .npmrc .npmrc\nCOPY package.json package.json\nCOPY package-lock.json package-lock.json\nRUN npm ci\nCOPY . .\n",
    )
    .unwrap();
    std::fs::write(root.join("docker/docker-compose-dev.yml"), "services: {}\n").unwrap();
    std::fs::write(root.join(".npmrc"), "legacy-peer-deps=true\n").unwrap();
    std::fs::write(root.join("package.json"), "{}\n").unwrap();
    std::fs::write(root.join("package-lock.json"), "{}\n").unwrap();
    std::fs::write(root.join(".dockerignore"), ".git\nnode_modules\n").unwrap();
    let found = findings(root, "HS508,HS414,HS502", &["."]);
    assert!(found.is_empty(), "{found:?}");
    // A source missing from the root too is still a build error, reported there.
    std::fs::remove_file(root.join("package-lock.json")).unwrap();
    let found = findings(root, "HS508", &["."]);
    assert_eq!(
        found,
        vec![("HS508".to_owned(), "docker/dockerfile".to_owned(), 5)],
        "{found:?}"
    );
}

/// Issue 14: `COPY build/ …` of a project's build output (gitignored, created by `npm run
/// build` before `docker build`) is not a missing source on a clean checkout; an excluded one
/// still is.
#[test]
fn build_output_missing_from_a_clean_checkout_is_not_a_build_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("Dockerfile"),
        "FROM node:22\nCOPY ./build/ ./build/\nCOPY build.js build.js\nCOPY target/app.jar /app.jar\n",
    )
    .unwrap();
    std::fs::write(root.join("build.js"), "\n").unwrap();
    assert!(findings(root, "HS508", &["."]).is_empty());
    std::fs::write(root.join(".dockerignore"), "target\n").unwrap();
    assert_eq!(
        findings(root, "HS508", &["."]),
        vec![("HS508".to_owned(), "Dockerfile".to_owned(), 4)]
    );
    // An exception re-including files below the excluded directory (DependencyTrack's
    // `target/` + `!target/lib/*.jar`) sends them: `COPY ./target/lib/` works.
    std::fs::write(
        root.join("Dockerfile"),
        "FROM eclipse-temurin:21\nCOPY ./target/lib/ ./lib/\n",
    )
    .unwrap();
    std::fs::write(root.join(".dockerignore"), "target/\n!target/lib/*.jar\n").unwrap();
    assert!(findings(root, "HS508", &["."]).is_empty());
}

/// Issue 14: HS414 judged `.npmrc` by its name. With the context read, the content decides,
/// through the secrets engine: settings and `registry=` lines are no secret, a token taken
/// from the environment is none either, a literal `_authToken` is one, reported once.
#[test]
fn a_copied_npmrc_is_judged_by_its_content() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("Dockerfile"),
        "FROM node:22\nCOPY .npmrc package.json ./\nRUN npm ci\n",
    )
    .unwrap();
    std::fs::write(root.join("package.json"), "{}\n").unwrap();
    std::fs::write(root.join(".dockerignore"), ".git\n").unwrap();
    for clean in [
        "registry=https://registry.npmjs.org/\n@corp:registry=https://npm.corp.example/\n",
        "legacy-peer-deps=true\nmin-release-age=3\n",
        "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n",
    ] {
        std::fs::write(root.join(".npmrc"), clean).unwrap();
        let found = findings(root, "HS414,HS502", &["."]);
        assert!(found.is_empty(), "{clean:?}: {found:?}");
    }
    std::fs::write(
        root.join(".npmrc"),
        "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=9f2c1e7a-4b3d-4e8f-a1c2-7d6e5f4a3b2c\n",
    )
    .unwrap();
    let found = findings(root, "HS414,HS502", &["."]);
    assert_eq!(found.len(), 1, "one problem, one finding: {found:?}");
    assert_eq!((found[0].1.as_str(), found[0].2), ("Dockerfile", 2));
    // Without the context (stdin, --no-context) only the name is known: HS414 still warns.
    let found = findings(root, "HS414", &["--no-context", "Dockerfile"]);
    assert_eq!(
        found,
        vec![("HS414".to_owned(), "Dockerfile".to_owned(), 2)]
    );
}

/// Issue 14: HS505 reports a one-component pattern that misses deeper sent files (the
/// `.gitignore` habit), not stale entries nor patterns anchored with `/`. When the project's
/// `.gitignore` anchors the same pattern at the root (`/data*` for run-time data), the
/// root-only `.dockerignore` pattern means what it says: not reported either.
#[test]
fn dockerignore_patterns_missing_deeper_files_unless_gitignore_anchors_them_too() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("Dockerfile"), "FROM node:22\nCOPY . .\n").unwrap();
    std::fs::write(root.join("server.js"), "\n").unwrap();
    std::fs::write(
        root.join(".dockerignore"),
        "data*\n/cache\n*.log\napp.json\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("src/cache")).unwrap();
    std::fs::write(root.join("src/database.js"), "\n").unwrap();
    std::fs::write(root.join("src/cache/entry"), "\n").unwrap();
    std::fs::write(root.join("src/debug.log"), "\n").unwrap();
    let lines = |found: Vec<(String, String, u64)>| -> Vec<u64> {
        found.into_iter().map(|(_, _, line)| line).collect()
    };
    // `/cache` is anchored on purpose, `app.json` is stale (matches nothing anywhere).
    assert_eq!(lines(findings(root, "HS505", &["."])), vec![1, 3]);
    std::fs::write(
        root.join(".gitignore"),
        "# local\n/data*\n!/data/.gitkeep\n*.log\n",
    )
    .unwrap();
    // `.gitignore`'s `*.log` matches at any depth, unlike `.dockerignore`'s: still reported.
    assert_eq!(lines(findings(root, "HS505", &["."])), vec![3]);
}
