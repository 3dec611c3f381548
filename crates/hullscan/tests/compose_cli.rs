//! `hullscan lint` on Compose projects: discovery, the Compose rules (HS9xx) — each fires on a
//! fixture with its problem and stays silent on one without — the cross-file rules on small
//! repositories holding a Dockerfile and a compose file, override files, profiles, and
//! `# hullscan ignore=` suppressions. Every finding has a line and column.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn lint(dir: &Path, extra: &[&str]) -> Run {
    let output = Command::cargo_bin("hullscan")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("DB_PASSWORD")
        .args(["lint", "--no-config", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// `(file name, code, line, column, message)` of every finding.
fn findings(run: &Run) -> Vec<(String, String, u64, u64, String)> {
    let value: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|err| panic!("not JSON ({err}):\n{}\nstderr: {}", run.stdout, run.stderr));
    let mut found: Vec<_> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap().replace('\\', "/");
            let name = file.rsplit('/').next().unwrap().to_owned();
            (
                name,
                f["code"].as_str().unwrap().to_owned(),
                f["line"].as_u64().expect("every finding has a line"),
                f["column"].as_u64().expect("every finding has a column"),
                f["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

fn codes(run: &Run) -> Vec<String> {
    findings(run).into_iter().map(|f| f.1).collect()
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Lints a single `compose.yaml` and returns the codes of `code` it reports.
fn lint_compose(compose: &str, code: &str) -> Vec<(String, String, u64, u64, String)> {
    lint_files(&[("compose.yaml", compose)], code)
}

fn lint_files(files: &[(&str, &str)], code: &str) -> Vec<(String, String, u64, u64, String)> {
    let dir = project(files);
    let run = lint(dir.path(), &["--select", code]);
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}: {}",
        run.code,
        run.stderr
    );
    findings(&run)
}

/// A service that passes every rule, to build fixtures from.
const CLEAN_SERVICE: &str = "    image: example/app:1.2.3\n    user: \"10001\"\n";

#[test]
fn discovery_finds_compose_files_and_skips_other_yaml() {
    let dir = project(&[
        (
            "compose.yaml",
            "services:\n  web:\n    image: nginx\n    user: \"101\"\n",
        ),
        (
            "sub/docker-compose.prod.yml",
            "services:\n  api:\n    image: example/api:latest\n    user: \"1\"\n",
        ),
        ("sub/config.yaml", "services:\n  x:\n    image: nope\n"),
    ]);
    let run = lint(dir.path(), &["--select", "HS905"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = findings(&run);
    assert_eq!(
        found
            .iter()
            .map(|f| (f.0.as_str(), f.2, f.3))
            .collect::<Vec<_>>(),
        vec![("compose.yaml", 3, 12), ("docker-compose.prod.yml", 3, 12)]
    );
}

#[test]
fn a_compose_file_named_on_the_command_line_is_linted() {
    let dir = project(&[("compose.yaml", "services:\n  web:\n    image: redis\n")]);
    let run = lint(dir.path(), &["--select", "HS905", "compose.yaml"]);
    assert_eq!(codes(&run), vec!["HS905"]);
}

#[test]
fn a_yaml_file_with_services_named_on_the_command_line_is_a_compose_file() {
    let dir = project(&[("stack.yml", "services:\n  web:\n    image: redis\n")]);
    let run = lint(dir.path(), &["--select", "HS905", "stack.yml"]);
    assert_eq!(codes(&run), vec!["HS905"]);
}

/// The shared corpus, every file named on the command line: no panic, every finding placed.
#[test]
fn corpus_files_lint_without_errors_and_every_finding_has_a_place() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/compose");
    if !corpus.is_dir() {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("skipping: ../shared/corpus/compose is absent");
        }
        return;
    }
    let mut files: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path().to_string_lossy().into_owned())
        .filter(|p| p.ends_with(".yml") || p.ends_with(".yaml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 123);
    let mut args = vec!["--select", "HS9"];
    args.extend(files.iter().map(String::as_str));
    let run = lint(&corpus, &args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("hullscan: error"), "{}", run.stderr);
    let found = findings(&run);
    // The reference counts 24 services mounting docker.sock and 2 privileged ones.
    let count = |code: &str| found.iter().filter(|f| f.1 == code).count();
    assert!(count("HS908") >= 20, "{}", count("HS908"));
    assert_eq!(count("HS907"), 2);
}

#[test]
fn hs901_missing_healthcheck_against_the_dockerfile() {
    let dockerfile_without = "FROM alpine:3.20\nUSER app\nCMD [\"app\"]\n";
    let dockerfile_with =
        "FROM alpine:3.20\nUSER app\nHEALTHCHECK CMD wget -qO- localhost\nCMD [\"app\"]\n";
    let compose = "services:\n  web:\n    build: .\n    ports:\n      - \"8080:8080\"\n";
    let fires = lint_files(
        &[
            ("compose.yaml", compose),
            ("Dockerfile", dockerfile_without),
        ],
        "HS901",
    );
    assert_eq!(fires.len(), 1, "{fires:?}");
    assert_eq!((fires[0].2, fires[0].3), (2, 3));
    assert!(
        lint_files(
            &[("compose.yaml", compose), ("Dockerfile", dockerfile_with)],
            "HS901"
        )
        .is_empty()
    );
    let with_healthcheck = "services:\n  web:\n    build: .\n    ports:\n      - \"8080:8080\"\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n";
    assert!(
        lint_files(
            &[
                ("compose.yaml", with_healthcheck),
                ("Dockerfile", dockerfile_without)
            ],
            "HS901"
        )
        .is_empty()
    );
    // An image-only service: its image's HEALTHCHECK is unknown, so nothing is said.
    assert!(lint_compose("services:\n  web:\n    image: nginx:1.27\n", "HS901").is_empty());
}

/// Issue 14 (precision labels): of HS901's first labelled findings only a published web
/// service was right; one-shot jobs, workers and a benchmark runner that nothing reaches or
/// waits for were wrong or debatable. Shapes minimised from the labelled stacks.
#[test]
fn hs901_only_for_services_others_reach_or_wait_for() {
    let dockerfile = "FROM alpine:3.20\nUSER app\nCMD [\"app\"]\n";
    let compose = "services:
  init:
    build: .
    command: init
  engine:
    build: .
    command: start-engine
    depends_on:
      init:
        condition: service_completed_successfully
  runs:
    build: .
    command: create-runs
    restart: \"no\"
  server:
    build: .
    command: server
  worker:
    build: .
    command: worker
    depends_on:
      - server
";
    let fires = lint_files(
        &[("compose.yaml", compose), ("Dockerfile", dockerfile)],
        "HS901",
    );
    let lines: Vec<u64> = fires.iter().map(|f| f.2).collect();
    // Only `server` (line 15), which `worker` waits for; the one-shot `init`, the `engine`
    // and `runs` nothing waits for, and the `worker` itself are left alone.
    assert_eq!(lines, vec![15], "{fires:?}");
    assert!(fires[0].4.contains("`worker` depends on it"), "{fires:?}");
}

#[test]
fn hs902_healthcheck_disabled_over_a_dockerfile_healthcheck() {
    let dockerfile = "FROM alpine:3.20\nHEALTHCHECK CMD wget -qO- localhost\n";
    let disabled = "services:\n  web:\n    build: .\n    healthcheck:\n      disable: true\n";
    let fires = lint_files(
        &[("compose.yaml", disabled), ("Dockerfile", dockerfile)],
        "HS902",
    );
    assert_eq!(fires.len(), 1);
    assert!(fires[0].4.contains("Dockerfile:2"), "{}", fires[0].4);
    assert!(
        lint_files(
            &[
                ("compose.yaml", disabled),
                ("Dockerfile", "FROM alpine:3.20\n")
            ],
            "HS902"
        )
        .is_empty()
    );
}

#[test]
fn hs903_stop_grace_period_shorter_than_the_drain() {
    let fires = lint_compose(
        "services:\n  web:\n    image: example/web:2\n    command: gunicorn --graceful-timeout 30 app:app\n",
        "HS903",
    );
    assert_eq!(fires.len(), 1, "{fires:?}");
    assert!(fires[0].4.contains("default stop_grace_period of 10s"));
    let short = lint_compose(
        "services:\n  web:\n    image: example/web:2\n    command: [\"server\", \"--shutdown-timeout=45s\"]\n    stop_grace_period: 20s\n",
        "HS903",
    );
    assert_eq!(short.len(), 1);
    assert_eq!(short[0].2, 5);
    assert!(lint_compose(
        "services:\n  web:\n    image: example/web:2\n    command: gunicorn --graceful-timeout 30 app:app\n    stop_grace_period: 1m\n",
        "HS903",
    )
    .is_empty());
}

#[test]
fn hs904_runs_as_root_resolved_through_the_dockerfile() {
    // `user: root` overriding the Dockerfile's USER: the finding names the Dockerfile line.
    let files = [
        (
            "compose.yaml",
            "services:\n  api:\n    build: .\n    user: root\n",
        ),
        (
            "Dockerfile",
            "FROM alpine:3.20\nRUN adduser -D app\nUSER app\n",
        ),
    ];
    let fires = lint_files(&files, "HS904");
    assert_eq!(fires.len(), 1);
    assert_eq!(fires[0].2, 4);
    assert!(fires[0].4.contains("USER app"), "{}", fires[0].4);
    // No `user:`, and the Dockerfile sets a non-root USER: silent.
    let silent = [
        ("compose.yaml", "services:\n  api:\n    build: .\n"),
        ("Dockerfile", "FROM alpine:3.20\nUSER 10001\n"),
    ];
    assert!(lint_files(&silent, "HS904").is_empty());
    // No `user:` and a Dockerfile without USER: root.
    let root = [
        ("compose.yaml", "services:\n  api:\n    build: .\n"),
        ("Dockerfile", "FROM alpine:3.20\n"),
    ];
    assert_eq!(lint_files(&root, "HS904").len(), 1);
    assert_eq!(
        lint_compose(
            "services:\n  db:\n    image: postgres:16\n    user: \"0:0\"\n",
            "HS904"
        )
        .len(),
        1
    );
    assert!(lint_compose(&format!("services:\n  db:\n{CLEAN_SERVICE}"), "HS904").is_empty());
}

#[test]
fn hs905_unpinned_images() {
    let fires = lint_compose(
        "services:\n  a:\n    image: redis\n  b:\n    image: ghcr.io/x/y:latest\n  c:\n    image: localhost:5000/app\n",
        "HS905",
    );
    assert_eq!(fires.iter().map(|f| f.2).collect::<Vec<_>>(), vec![3, 5, 7]);
    assert!(lint_compose(
        "services:\n  a:\n    image: redis:7.4\n  b:\n    image: x/y@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n  c:\n    image: ${IMAGE}\n  d:\n    build: .\n    image: mine\n",
        "HS905",
    )
    .is_empty());
    // Judged on the default when the variable is unset.
    assert_eq!(
        lint_compose("services:\n  a:\n    image: ${IMG:-redis}\n", "HS905").len(),
        1
    );
}

#[test]
fn hs906_literal_secrets_in_environment_never_printed() {
    let secret = "Zq7vK2mXw9pL4tRb";
    let dir = project(&[(
        "compose.yaml",
        &format!(
            "services:\n  app:\n    image: example/app:1\n    environment:\n      SERVICE_PASSWORD: {secret}\n      DB_PASSWORD: ${{DB_PASSWORD}}\n      - nothing\n"
        )
        .replace("      - nothing\n", ""),
    )]);
    let run = lint(dir.path(), &["--select", "HS906"]);
    let found = findings(&run);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].2, 5);
    assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
    // The list form, and a value from a variable or the environment, are fine.
    assert!(lint_compose(
        "services:\n  app:\n    image: example/app:1\n    environment:\n      - DB_PASSWORD=${DB_PASSWORD:?}\n      - API_TOKEN\n",
        "HS906",
    )
    .is_empty());
}

#[test]
fn hs907_privileged() {
    let fires = lint_compose(
        "services:\n  a:\n    image: x:1\n    privileged: true\n",
        "HS907",
    );
    assert_eq!((fires.len(), fires[0].2, fires[0].3), (1, 4, 17));
    // YAML 1.1 `yes` is a boolean to Compose.
    assert_eq!(
        lint_compose(
            "services:\n  a:\n    image: x:1\n    privileged: yes\n",
            "HS907"
        )
        .len(),
        1
    );
    assert!(
        lint_compose(
            "services:\n  a:\n    image: x:1\n    privileged: false\n",
            "HS907"
        )
        .is_empty()
    );
}

#[test]
fn hs908_docker_socket_and_hs909_sensitive_paths() {
    let compose = "services:\n  a:\n    image: x:1\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n      - /etc:/host/etc\n      - /:/rootfs:ro\n      - ./data:/data\n";
    let socket = lint_compose(compose, "HS908");
    assert_eq!(socket.iter().map(|f| f.2).collect::<Vec<_>>(), vec![5]);
    let sensitive = lint_compose(compose, "HS909");
    assert_eq!(sensitive.iter().map(|f| f.2).collect::<Vec<_>>(), vec![6]);
    let long = "services:\n  a:\n    image: x:1\n    volumes:\n      - type: bind\n        source: /var/run/docker.sock\n        target: /sock\n";
    assert_eq!(lint_compose(long, "HS908").len(), 1);
    assert!(
        lint_compose(
            "services:\n  a:\n    image: x:1\n    volumes: [data:/data]\n",
            "HS908,HS909"
        )
        .is_empty()
    );
}

#[test]
fn hs910_capabilities_beyond_net_bind_service() {
    let fires = lint_compose(
        "services:\n  a:\n    image: x:1\n    cap_add:\n      - NET_BIND_SERVICE\n      - SYS_ADMIN\n",
        "HS910",
    );
    assert_eq!(fires.iter().map(|f| f.2).collect::<Vec<_>>(), vec![6]);
    assert!(
        lint_compose(
            "services:\n  a:\n    image: x:1\n    cap_add: [CAP_NET_BIND_SERVICE]\n",
            "HS910"
        )
        .is_empty()
    );
}

#[test]
fn hs911_read_only_where_the_service_writes_to_volumes() {
    assert_eq!(
        lint_compose(
            "services:\n  a:\n    image: x:1\n    volumes: [data:/data]\n",
            "HS911"
        )
        .len(),
        1
    );
    assert!(
        lint_compose(
            "services:\n  a:\n    image: x:1\n    read_only: true\n    volumes: [data:/data]\n",
            "HS911"
        )
        .is_empty()
    );
    assert!(lint_compose("services:\n  a:\n    image: x:1\n", "HS911").is_empty());
}

#[test]
fn hs912_several_long_running_processes() {
    let fires = lint_compose(
        "services:\n  a:\n    image: x:1\n    command: sh -c \"worker & exec web\"\n  b:\n    image: x:1\n    command: [\"supervisord\", \"-n\"]\n",
        "HS912",
    );
    assert_eq!(fires.iter().map(|f| f.2).collect::<Vec<_>>(), vec![4, 7]);
    assert!(
        lint_compose(
            "services:\n  a:\n    image: x:1\n    command: sh -c \"migrate && exec web 2>&1\"\n",
            "HS912"
        )
        .is_empty()
    );
}

#[test]
fn hs913_published_port_not_exposed_by_the_dockerfile() {
    let dockerfile = ("Dockerfile", "FROM alpine:3.20\nEXPOSE 8080/tcp\n");
    let fires = lint_files(
        &[
            (
                "compose.yaml",
                "services:\n  web:\n    build: .\n    ports:\n      - \"80:80\"\n      - \"8081:8080\"\n",
            ),
            dockerfile,
        ],
        "HS913",
    );
    assert_eq!(fires.iter().map(|f| f.2).collect::<Vec<_>>(), vec![5]);
    assert!(
        lint_files(
            &[
                (
                    "compose.yaml",
                    "services:\n  web:\n    build: .\n    ports: [\"80:8080\"]\n"
                ),
                dockerfile
            ],
            "HS913",
        )
        .is_empty()
    );
}

#[test]
fn override_file_is_merged_and_its_findings_point_into_it() {
    let dir = project(&[
        (
            "compose.yaml",
            "services:\n  web:\n    image: example/web:1\n    user: \"1000\"\n",
        ),
        (
            "compose.override.yaml",
            "services:\n  web:\n    privileged: true\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n",
        ),
    ]);
    let run = lint(dir.path(), &["--select", "HS907,HS908"]);
    let found = findings(&run);
    assert_eq!(
        found
            .iter()
            .map(|f| (f.0.as_str(), f.1.as_str(), f.2))
            .collect::<Vec<_>>(),
        vec![
            ("compose.override.yaml", "HS907", 3),
            ("compose.override.yaml", "HS908", 5)
        ]
    );
    // `!reset` in the override removes what the base set.
    let dir = project(&[
        (
            "compose.yaml",
            "services:\n  web:\n    image: x:1\n    privileged: true\n",
        ),
        (
            "compose.override.yaml",
            "services:\n  web:\n    privileged: !reset null\n",
        ),
    ]);
    assert!(findings(&lint(dir.path(), &["--select", "HS907"])).is_empty());
}

#[test]
fn extends_and_anchors_point_at_the_use_site() {
    let compose = "x-base: &base\n  image: x:1\n  privileged: true\nservices:\n  a:\n    <<: *base\n  b:\n    extends: a\n";
    let found = lint_compose(compose, "HS907");
    // `a` through the merge key (its `<<` line), `b` through extends (the same anchored value).
    assert_eq!(found.iter().map(|f| f.2).collect::<Vec<_>>(), vec![6, 6]);
}

#[test]
fn findings_are_labelled_with_profiles() {
    let found = lint_compose(
        "services:\n  debug:\n    image: x:1\n    privileged: true\n    profiles: [debug]\n",
        "HS907",
    );
    assert!(found[0].4.ends_with("[profiles: debug]"), "{}", found[0].4);
}

#[test]
fn suppression_comments_work_in_compose_files() {
    let compose = "services:\n  a:\n    image: x:1\n    privileged: true  # hullscan ignore=HS907\n  b:\n    image: redis\n    # hullscan ignore=compose-privileged\n    privileged: true\n";
    let found = lint_compose(compose, "HS907");
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn broken_files_are_errors_naming_the_file_and_the_rest_goes_on() {
    let dir = project(&[
        ("a/compose.yaml", "services:\n  web: [unclosed\n"),
        ("b/compose.yaml", "services:\n  web:\n    image: redis\n"),
    ]);
    let run = lint(dir.path(), &["--select", "HS905"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("compose.yaml:"), "{}", run.stderr);
    assert_eq!(codes(&run), vec!["HS905"]);
}

#[test]
fn version_key_and_null_sections_are_notes_not_failures() {
    let dir = project(&[(
        "compose.yaml",
        "version: \"3.8\"\nservices:\n  web:\n    image: x:1\n    user: \"1\"\n    environment:\n",
    )]);
    let run = lint(dir.path(), &["--select", "HS9"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("`version` is obsolete"),
        "{}",
        run.stderr
    );
}

#[test]
fn hs914_state_of_a_known_server_outside_any_volume() {
    let fires = lint_compose(
        "services:\n  db:\n    image: postgres:16-alpine\n    user: postgres\n",
        "HS914",
    );
    assert_eq!(fires.iter().map(|f| f.2).collect::<Vec<_>>(), vec![3]);
    assert!(fires[0].4.contains("/var/lib/postgresql/data"), "{fires:?}");
    // A named volume on the data directory, or on a parent of it.
    for quiet in [
        "services:\n  db:\n    image: postgres:16\n    volumes: [pgdata:/var/lib/postgresql/data]\nvolumes:\n  pgdata:\n",
        "services:\n  db:\n    image: docker.io/library/mongo:7\n    volumes: [\"./data:/data\"]\n",
        // Throw-away data on purpose, or a data directory moved elsewhere.
        "services:\n  db:\n    image: mongo:7\n    tmpfs: [/data/db]\n",
        // Redis is as often a throw-away cache as a store.
        "services:\n  cache:\n    image: redis:7\n",
        "services:\n  db:\n    image: postgres:16\n    environment:\n      PGDATA: /srv/pg\n    volumes: [\"pg:/srv\"]\n",
        // An image whose data directory hullscan does not know.
        "services:\n  app:\n    image: example/app:1.2.3\n",
    ] {
        assert!(lint_compose(quiet, "HS914").is_empty(), "{quiet}");
    }
}

/// Issue 14 (precision labels): the official PostgreSQL image moved its data in 18
/// (`PGDATA=/var/lib/postgresql/18/docker`, `VOLUME /var/lib/postgresql`). HS914 used to
/// advise a volume on `/var/lib/postgresql/data` for `postgres:18-alpine`, and stayed quiet
/// when one was mounted there, though it holds none of the data.
#[test]
fn hs914_knows_where_postgres_18_keeps_its_data() {
    let fires = lint_compose(
        "services:\n  postgres:\n    image: postgres:18-alpine\n    command: \"postgres -c fsync=off\"\n",
        "HS914",
    );
    assert_eq!(fires.len(), 1, "{fires:?}");
    assert!(
        fires[0]
            .4
            .contains("mount a named volume on `/var/lib/postgresql`")
            && !fires[0].4.contains("/var/lib/postgresql/data"),
        "{fires:?}"
    );
    let old_path = "services:\n  db:\n    image: postgres:18\n    volumes: [pgdata:/var/lib/postgresql/data]\nvolumes:\n  pgdata:\n";
    assert_eq!(lint_compose(old_path, "HS914").len(), 1);
    let new_path = "services:\n  db:\n    image: postgres:18\n    volumes: [pgdata:/var/lib/postgresql]\nvolumes:\n  pgdata:\n";
    assert!(lint_compose(new_path, "HS914").is_empty());
}
