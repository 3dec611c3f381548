//! Loader tests over an in-memory file system: documents, interpolation with `.env` and the
//! process environment, `include`, `extends`, override files with `!reset`/`!override`,
//! profiles, and where every value was written.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::{FileSystem, LoadOptions, ProblemKind, Project, load};

#[derive(Default)]
struct MemoryFs(HashMap<PathBuf, String>);

impl FileSystem for MemoryFs {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        self.0
            .get(path)
            .cloned()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not found"))
    }

    fn is_file(&self, path: &Path) -> bool {
        self.0.contains_key(path)
    }
}

fn fs(files: &[(&str, &str)]) -> MemoryFs {
    MemoryFs(
        files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), (*t).to_owned()))
            .collect(),
    )
}

fn load_with(files: &[(&str, &str)], env: &[(&str, &str)]) -> Project {
    let fs = fs(files);
    load(
        &fs,
        &LoadOptions {
            files: vec![PathBuf::from(files[0].0)],
            project_dir: None,
            environment: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            read_dotenv: true,
            implicit_override: true,
        },
    )
}

fn field<'p>(project: &'p Project, service: &str, key: &str) -> Option<&'p str> {
    project.service(service)?.get(key)?.as_str()
}

#[test]
fn interpolates_with_process_env_over_dotenv() {
    let project = load_with(
        &[
            (
                "p/compose.yaml",
                "services:\n  web:\n    image: ${REG:-docker.io}/app:${TAG}\n    user: $UID\n",
            ),
            ("p/.env", "TAG=1.0\nUID=1000\n"),
        ],
        &[("UID", "2000")],
    );
    assert_eq!(field(&project, "web", "image"), Some("docker.io/app:1.0"));
    assert_eq!(field(&project, "web", "user"), Some("2000"));
    assert!(!project.has_errors());
}

#[test]
fn unknown_values_and_required_variables() {
    let project = load_with(
        &[(
            "compose.yaml",
            "services:\n  web:\n    image: app:${TAG}\n    user: ${U:?set U}\n",
        )],
        &[],
    );
    let image = project.service("web").unwrap().image().unwrap();
    assert!(image.scalar().unwrap().unknown);
    assert!(project.has_errors());
    let problem = project
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::Error)
        .unwrap();
    assert_eq!(problem.site.unwrap().line(), 4);
    assert!(problem.message.contains("set U"));
}

#[test]
fn documents_merge_in_order() {
    let project = load_with(
        &[(
            "compose.yaml",
            "services:\n  a:\n    image: x:1\n---\nservices:\n  a:\n    user: \"1\"\n  b:\n    image: y:2\n",
        )],
        &[],
    );
    assert_eq!(field(&project, "a", "image"), Some("x:1"));
    assert_eq!(field(&project, "a", "user"), Some("1"));
    assert_eq!(project.services.len(), 2);
}

#[test]
fn override_file_merges_resets_and_overrides() {
    let project = load_with(
        &[
            (
                "compose.yaml",
                "services:\n  web:\n    image: x:1\n    command: [a, b]\n    ports: [\"80:80\"]\n    environment:\n      A: 1\n      B: 2\n    cap_add: [NET_ADMIN]\n    volumes:\n      - data:/data\n",
            ),
            (
                "compose.override.yaml",
                "services:\n  web:\n    command: [c]\n    ports: [\"443:443\"]\n    environment:\n      - B=3\n    cap_add: !reset []\n    volumes: !override\n      - other:/other\n",
            ),
        ],
        &[],
    );
    let web = project.service("web").unwrap();
    let command: Vec<&str> = web
        .get("command")
        .unwrap()
        .items()
        .unwrap()
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    assert_eq!(command, vec!["c"]);
    assert_eq!(web.get("ports").unwrap().items().unwrap().len(), 2);
    assert_eq!(
        web.resolved_environment,
        vec![
            ("A".to_owned(), Some("1".to_owned())),
            ("B".to_owned(), Some("3".to_owned()))
        ]
    );
    assert!(web.get("cap_add").is_none());
    let mounts = web.mounts();
    assert_eq!(mounts.len(), 1);
    assert_eq!(mounts[0].target, "/other");
    // The overriding value points into the override file.
    assert_eq!(
        project.file(web.get("command").unwrap().at.file).path,
        PathBuf::from("compose.override.yaml")
    );
}

#[test]
fn volumes_are_unique_by_target_across_files() {
    let project = load_with(
        &[
            (
                "compose.yaml",
                "services:\n  web:\n    image: x:1\n    volumes: [\"a:/data\", \"b:/logs\"]\n",
            ),
            (
                "compose.override.yaml",
                "services:\n  web:\n    volumes: [\"c:/data:ro\"]\n",
            ),
        ],
        &[],
    );
    let mounts = project.service("web").unwrap().mounts();
    let pairs: Vec<(Option<&str>, &str, bool)> = mounts
        .iter()
        .map(|m| (m.source.as_deref(), m.target.as_str(), m.read_only))
        .collect();
    assert_eq!(
        pairs,
        vec![(Some("c"), "/data", true), (Some("b"), "/logs", false)]
    );
}

#[test]
fn extends_in_the_same_and_another_file() {
    let project = load_with(
        &[
            (
                "app/compose.yaml",
                "services:\n  base:\n    image: x:1\n    environment: {A: \"1\"}\n  web:\n    extends: base\n    environment: {B: \"2\"}\n  ext:\n    extends:\n      file: common/base.yaml\n      service: common\n",
            ),
            (
                "app/common/base.yaml",
                "services:\n  common:\n    image: common:2\n    build: ./ctx\n    privileged: true\n",
            ),
        ],
        &[],
    );
    let web = project.service("web").unwrap();
    assert_eq!(field(&project, "web", "image"), Some("x:1"));
    assert_eq!(web.resolved_environment.len(), 2);
    assert!(web.get("extends").is_none());
    let ext = project.service("ext").unwrap();
    assert_eq!(field(&project, "ext", "image"), Some("common:2"));
    // Paths in the base file resolve against its own directory.
    let build = ext.build(&project).unwrap();
    assert_eq!(build.context, PathBuf::from("app/common/ctx"));
    assert_eq!(
        project.file(ext.get("privileged").unwrap().at.file).path,
        PathBuf::from("app/common/base.yaml")
    );
}

#[test]
fn extends_cycles_and_missing_bases_are_errors_not_hangs() {
    let project = load_with(
        &[(
            "compose.yaml",
            "services:\n  a:\n    image: x:1\n    extends: b\n  b:\n    extends: a\n  c:\n    extends: nope\n",
        )],
        &[],
    );
    assert!(project.has_errors());
    assert!(project.problems.iter().any(|p| p.message.contains("cycle")));
    assert!(
        project
            .problems
            .iter()
            .any(|p| p.message.contains("not defined"))
    );
    assert_eq!(project.services.len(), 3);
}

#[test]
fn include_brings_services_in_and_conflicts_are_errors() {
    let project = load_with(
        &[
            (
                "compose.yaml",
                "include:\n  - db/compose.yaml\nservices:\n  web:\n    image: x:1\n",
            ),
            (
                "db/compose.yaml",
                "services:\n  db:\n    image: postgres:16\n    build: .\n",
            ),
        ],
        &[],
    );
    assert!(!project.has_errors(), "{:?}", project.problems);
    let db = project.service("db").unwrap();
    assert_eq!(db.build(&project).unwrap().context, PathBuf::from("db"));
    let conflict = load_with(
        &[
            (
                "compose.yaml",
                "include: [other.yaml]\nservices:\n  db:\n    image: x:1\n",
            ),
            ("other.yaml", "services:\n  db:\n    image: y:1\n"),
        ],
        &[],
    );
    assert!(conflict.has_errors());
    let missing = load_with(
        &[("compose.yaml", "include: [gone.yaml]\nservices: {}\n")],
        &[],
    );
    assert!(
        missing
            .problems
            .iter()
            .any(|p| p.site.is_some_and(|s| s.line() == 1))
    );
}

#[test]
fn anchors_keep_use_site_and_defining_site() {
    let project = load_with(
        &[(
            "compose.yaml",
            "x-common: &common\n  privileged: true\n  image: x:1\nservices:\n  a:\n    <<: *common\n    user: \"1\"\n  b:\n    logging: *common\n",
        )],
        &[],
    );
    let a = project.service("a").unwrap();
    let privileged = a.get("privileged").unwrap();
    assert_eq!(privileged.at.line(), 6);
    assert_eq!(privileged.defined.unwrap().line(), 2);
    let b = project.service("b").unwrap();
    assert_eq!(b.get("logging").unwrap().at.line(), 9);
}

#[test]
fn lenient_like_docker() {
    let project = load_with(
        &[(
            "compose.yaml",
            "version: \"3\"\nservices:\n  a:\n    image: x:1\n    privileged: yes\n    environment:\n    volumes:\n",
        )],
        &[],
    );
    assert!(!project.has_errors(), "{:?}", project.problems);
    let notes: Vec<&str> = project
        .problems
        .iter()
        .map(|p| p.message.as_str())
        .collect();
    assert!(notes.iter().any(|m| m.contains("version")));
    assert!(notes.iter().any(|m| m.contains("YAML 1.1")));
    assert_eq!(
        project
            .service("a")
            .unwrap()
            .get("privileged")
            .unwrap()
            .as_bool(),
        Some(true)
    );
}

#[test]
fn env_file_then_environment() {
    let project = load_with(
        &[
            (
                "compose.yaml",
                "services:\n  a:\n    image: x:1\n    env_file: [a.env, {path: opt.env, required: false}]\n    environment:\n      - B=env\n      - HOME_DIR\n",
            ),
            ("a.env", "A=file\nB=file\n"),
        ],
        &[("HOME_DIR", "/home/x")],
    );
    assert!(!project.has_errors(), "{:?}", project.problems);
    assert_eq!(
        project.service("a").unwrap().resolved_environment,
        vec![
            ("A".to_owned(), Some("file".to_owned())),
            ("B".to_owned(), Some("env".to_owned())),
            ("HOME_DIR".to_owned(), Some("/home/x".to_owned())),
        ]
    );
}

#[test]
fn profiles_are_kept_on_services() {
    let project = load_with(
        &[(
            "compose.yaml",
            "services:\n  a:\n    image: x:1\n    profiles: [debug, test]\n  b:\n    image: y:1\n",
        )],
        &[],
    );
    assert_eq!(
        project.service("a").unwrap().profiles,
        vec!["debug", "test"]
    );
    assert!(project.service("b").unwrap().profiles.is_empty());
}

#[test]
fn bad_input_is_a_problem_not_a_panic() {
    for text in [
        "",
        "[1, 2]",
        "services: [a]",
        "services:\n  a: 5\n",
        "services:\n  a:\n    extends: {file: 5}\n",
        "include: 5\n",
        "services:\n  a:\n    image: ${\n",
        ":\n- ]",
    ] {
        let _ = load_with(&[("compose.yaml", text)], &[]);
    }
    let missing = load_with(&[("compose.yaml", "")], &[]);
    assert!(missing.services.is_empty());
}
