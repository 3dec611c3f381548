//! The loaded model agrees with `docker-compose config` (v1.29, the oracle installed here) on
//! every file of `../shared/corpus/compose` it accepts: service names, images, user,
//! healthcheck, stop_grace_period, environment and volumes. Each disagreement that comes from
//! a Compose v1/v2 difference is listed in [`V1_DIFFERENCES`] with why; nothing else may differ.
//! Every corpus file is read without a panic.
//!
//! Both sides get the same inputs: an empty environment (no variables set), and a project
//! directory holding what the file refers to (its build contexts and env files, created empty
//! from our own model), because v1 refuses a missing build path or env file.
#![allow(clippy::print_stderr)] // test reporting

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use hullscan_compose::duration::parse_duration;
use hullscan_compose::{LoadOptions, Project, RealFileSystem, load};
use serde_yaml_ng::Value;

/// Disagreements explained by a Compose v1/v2 difference: (file, service, field, why).
const V1_DIFFERENCES: &[(&str, &str, &str, &str)] = &[
    (
        "docker__awesome-compose__plex__compose.yaml",
        "plex",
        "volumes",
        "`${PLEX_MEDIA_PATH}:/media/` with the variable unset: v1 reads the empty source as the \
         project directory; v2 (compose-go) rejects the empty section, and we keep it empty",
    ),
    (
        "jaegertracing__jaeger__examples__reverse-proxy__docker-compose.yml",
        "jaeger-uc1",
        "image",
        "nested default `${A:-x:${B:-y}}`: v1 does not interpolate inside a default; v2 does",
    ),
    (
        "jaegertracing__jaeger__examples__reverse-proxy__docker-compose.yml",
        "jaeger-uc2",
        "image",
        "nested default, as above",
    ),
    (
        "jaegertracing__jaeger__examples__reverse-proxy__docker-compose.yml",
        "jaeger-uc3",
        "image",
        "nested default, as above",
    ),
];

/// Files v1 accepts that we reject, with why (none).
const REJECTED_BY_US: &[(&str, &str)] = &[];

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/compose");
    dir.is_dir().then_some(dir)
}

fn compose_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|ext| ext == "yml" || ext == "yaml")
        })
        .collect();
    files.sort();
    files
}

/// The product path: what `hullscan lint` calls for a compose file.
fn load_file(file: &Path, project_dir: &Path) -> Project {
    load(
        &RealFileSystem,
        &LoadOptions {
            files: vec![file.to_path_buf()],
            project_dir: Some(project_dir.to_path_buf()),
            environment: Vec::new(),
            read_dotenv: true,
            implicit_override: false,
        },
    )
}

#[test]
fn every_corpus_file_is_read_without_a_panic() {
    let Some(dir) = corpus() else {
        eprintln!("skipping: ../shared/corpus/compose is absent");
        return;
    };
    let files = compose_files(&dir);
    assert_eq!(files.len(), 123, "the corpus has 123 compose files");
    let project = tempfile::tempdir().unwrap();
    let mut services = 0;
    for file in &files {
        let loaded = load_file(file, project.path());
        services += loaded.services.len();
    }
    // The reference counts 471 services in the corpus (PyYAML, no merging).
    assert_eq!(services, 471);
}

#[test]
fn model_agrees_with_docker_compose_config() {
    let Some(dir) = corpus() else {
        eprintln!("skipping: ../shared/corpus/compose is absent");
        return;
    };
    if Command::new("docker-compose")
        .arg("version")
        .output()
        .is_err()
    {
        eprintln!("skipping: docker-compose is not installed");
        return;
    }
    let files = compose_files(&dir);
    // Two workers: v1 is a Python program that takes seconds to start.
    let results: Vec<Outcome> = std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(files.len().div_ceil(2))
            .map(|chunk| {
                scope.spawn(move || chunk.iter().map(|f| check_file(f)).collect::<Vec<_>>())
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("worker"))
            .collect()
    });
    let mut compared = 0;
    let mut refused = 0;
    let mut disagreements: Vec<String> = Vec::new();
    let mut explained = 0;
    for outcome in results {
        match outcome {
            Outcome::Refused => refused += 1,
            Outcome::Compared {
                explained: e,
                unexplained,
            } => {
                compared += 1;
                explained += e;
                disagreements.extend(unexplained);
            }
        }
    }
    eprintln!(
        "docker-compose config: {compared} files compared, {refused} refused by v1, {explained} listed v1/v2 differences"
    );
    assert!(compared >= 90, "only {compared} files compared");
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    // Every listed difference still happens (a fixed one must leave the list).
    assert_eq!(
        explained,
        V1_DIFFERENCES.len(),
        "a listed v1/v2 difference no longer occurs"
    );
}

enum Outcome {
    Refused,
    Compared {
        explained: usize,
        unexplained: Vec<String>,
    },
}

fn check_file(file: &Path) -> Outcome {
    let mut disagreements = Vec::new();
    let mut explained = 0;
    {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let project_dir = tempfile::tempdir().unwrap();
        let first = load_file(file, project_dir.path());
        prepare_project_dir(&first, project_dir.path());
        let ours = load_file(file, project_dir.path());
        let output = Command::new("docker-compose")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home())
            .arg("-f")
            .arg(file)
            .arg("--project-directory")
            .arg(project_dir.path())
            .arg("config")
            .output()
            .expect("docker-compose runs");
        if !output.status.success() {
            return Outcome::Refused;
        }
        let theirs: Value = serde_yaml_ng::from_slice(&output.stdout).expect("config prints YAML");
        if ours.has_errors() {
            if !REJECTED_BY_US.iter().any(|(f, _)| *f == name) {
                let problems: Vec<String> =
                    ours.problems.iter().map(|p| p.message.clone()).collect();
                disagreements.push(format!("{name}: v1 accepts it, we report {problems:?}"));
            }
            return Outcome::Compared {
                explained,
                unexplained: disagreements,
            };
        }
        for difference in compare(&ours, &theirs, project_dir.path()) {
            let (service, field, detail) = difference;
            if V1_DIFFERENCES
                .iter()
                .any(|(f, s, d, _)| *f == name && *s == service && *d == field)
            {
                explained += 1;
            } else {
                disagreements.push(format!("{name}: service {service}: {field}: {detail}"));
            }
        }
    }
    Outcome::Compared {
        explained,
        unexplained: disagreements,
    }
}

/// Creates the build contexts and env files the project names, so v1 accepts it.
fn prepare_project_dir(project: &Project, dir: &Path) {
    for service in &project.services {
        if let Some(build) = service.build(project)
            && build.context.starts_with(dir)
        {
            std::fs::create_dir_all(&build.context).ok();
        }
        if let Some(env_file) = service.get("env_file") {
            let items: Vec<&hullscan_compose::Node> = match env_file.items() {
                Some(items) => items.iter().collect(),
                None => vec![env_file],
            };
            for item in items {
                let path = item
                    .as_str()
                    .or_else(|| item.get("path").and_then(hullscan_compose::Node::as_str));
                if let Some(path) = path {
                    let full = dir.join(path);
                    if full.starts_with(dir) {
                        std::fs::create_dir_all(full.parent().unwrap()).ok();
                        std::fs::write(&full, "").ok();
                    }
                }
            }
        }
    }
}

type Difference = (String, String, String);

fn compare(ours: &Project, theirs: &Value, dir: &Path) -> Vec<Difference> {
    let mut out = Vec::new();
    let empty = serde_yaml_ng::Mapping::new();
    let their_services = theirs
        .get("services")
        .and_then(Value::as_mapping)
        .unwrap_or(&empty);
    let their_names: Vec<String> = their_services
        .keys()
        .filter_map(|k| k.as_str().map(str::to_owned))
        .collect();
    let mut our_names: Vec<String> = ours.services.iter().map(|s| s.name.clone()).collect();
    let mut sorted = their_names.clone();
    sorted.sort();
    our_names.sort();
    if sorted != our_names {
        out.push((
            "*".into(),
            "services".into(),
            format!("ours {our_names:?}, v1 {sorted:?}"),
        ));
        return out;
    }
    for service in &ours.services {
        let theirs = &their_services[Value::String(service.name.clone())];
        let mut differ = |field: &str, ours: String, v1: String| {
            if ours != v1 {
                out.push((
                    service.name.clone(),
                    field.to_owned(),
                    format!("ours {ours:?}, v1 {v1:?}"),
                ));
            }
        };
        differ(
            "image",
            format!("{:?}", service.image().and_then(|n| n.as_str())),
            format!("{:?}", theirs.get("image").map(scalar)),
        );
        differ(
            "user",
            format!("{:?}", service.user().and_then(|n| n.as_str())),
            format!("{:?}", theirs.get("user").map(scalar)),
        );
        differ(
            "stop_grace_period",
            format!("{:?}", service.stop_grace_period().and_then(|(_, d)| d)),
            format!(
                "{:?}",
                theirs
                    .get("stop_grace_period")
                    .and_then(|v| parse_duration(&scalar(v)))
            ),
        );
        differ(
            "healthcheck",
            our_healthcheck(service),
            their_healthcheck(theirs.get("healthcheck")),
        );
        differ(
            "environment",
            format!("{:?}", our_environment(service)),
            format!("{:?}", their_environment(theirs.get("environment"))),
        );
        differ(
            "volumes",
            format!("{:?}", our_volumes(ours, service, dir)),
            format!("{:?}", their_volumes(theirs.get("volumes"))),
        );
    }
    out
}

/// A scalar as text; v1 escapes `$` as `$$` in its output.
fn scalar(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        other => format!("{other:?}"),
    };
    text.replace("$$", "$")
}

fn duration_field(value: Option<&Value>) -> Option<Duration> {
    value.and_then(|v| parse_duration(&scalar(v)))
}

fn our_healthcheck(service: &hullscan_compose::Service) -> String {
    let Some(check) = service.healthcheck() else {
        return "none".into();
    };
    let node = service.get("healthcheck").unwrap();
    let duration = |name: &str| {
        node.get(name)
            .and_then(|n| n.as_str())
            .and_then(parse_duration)
    };
    let retries = node
        .get("retries")
        .and_then(|n| n.as_str())
        .and_then(|t| t.parse::<u64>().ok());
    format!(
        "disabled={} test={:?} interval={:?} timeout={:?} retries={:?} start={:?}",
        check.disabled,
        if check.disabled {
            Vec::new()
        } else {
            check.test
        },
        duration("interval"),
        duration("timeout"),
        retries,
        duration("start_period"),
    )
}

fn their_healthcheck(value: Option<&Value>) -> String {
    let Some(value) = value else {
        return "none".into();
    };
    let test: Vec<String> = match value.get("test") {
        Some(Value::Sequence(items)) => items.iter().map(scalar).collect(),
        Some(Value::String(s)) => vec!["CMD-SHELL".to_owned(), s.replace("$$", "$")],
        _ => Vec::new(),
    };
    let disabled = value.get("disable").and_then(Value::as_bool) == Some(true)
        || test.first().map(String::as_str) == Some("NONE");
    format!(
        "disabled={} test={:?} interval={:?} timeout={:?} retries={:?} start={:?}",
        disabled,
        if disabled { Vec::new() } else { test },
        duration_field(value.get("interval")),
        duration_field(value.get("timeout")),
        value
            .get("retries")
            .map(scalar)
            .and_then(|t| t.parse::<u64>().ok()),
        duration_field(value.get("start_period")),
    )
}

fn our_environment(service: &hullscan_compose::Service) -> BTreeMap<String, Option<String>> {
    service.resolved_environment.iter().cloned().collect()
}

fn their_environment(value: Option<&Value>) -> BTreeMap<String, Option<String>> {
    let mut out = BTreeMap::new();
    if let Some(Value::Mapping(map)) = value {
        for (key, value) in map {
            let value = match value {
                Value::Null => None,
                other => Some(scalar(other)),
            };
            out.insert(scalar(key), value);
        }
    }
    out
}

/// (target, source, read-only) per volume, sources of bind mounts made absolute.
fn our_volumes(
    project: &Project,
    service: &hullscan_compose::Service,
    dir: &Path,
) -> Vec<(String, String, bool)> {
    let mut out: Vec<(String, String, bool)> = service
        .mounts()
        .into_iter()
        .map(|mount| {
            let base = &project.file(mount.at.file).base_dir;
            let source = match (&mount.source, mount.kind.as_str()) {
                (Some(source), "bind") => absolute(base, source, dir),
                (Some(source), _) => source.clone(),
                (None, _) => String::new(),
            };
            (clean(&mount.target), source, mount.read_only)
        })
        .collect();
    out.sort();
    out
}

fn their_volumes(value: Option<&Value>) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    if let Some(Value::Sequence(items)) = value {
        for item in items {
            match item {
                Value::String(spec) => {
                    let parts = hullscan_compose::merge::split_volume(spec);
                    let (source, target, mode) = match parts.as_slice() {
                        [target] => ("", *target, ""),
                        [source, target] => (*source, *target, ""),
                        [source, target, mode, ..] => (*source, *target, *mode),
                        [] => continue,
                    };
                    let read_only = mode.split(',').any(|m| m == "ro");
                    out.push((clean(target), clean(source), read_only));
                }
                Value::Mapping(_) => {
                    let field = |name: &str| item.get(name).map(scalar).unwrap_or_default();
                    out.push((
                        clean(&field("target")),
                        clean(&field("source")),
                        item.get("read_only").and_then(Value::as_bool) == Some(true),
                    ));
                }
                _ => {}
            }
        }
    }
    out.sort();
    out
}

fn home() -> String {
    std::env::var("HOME").unwrap_or_else(|_| "/root".into())
}

fn absolute(base: &Path, source: &str, dir: &Path) -> String {
    let _ = dir;
    if let Some(rest) = source.strip_prefix('~') {
        // Both Compose versions expand `~` to the home directory.
        return clean(&format!("{}{rest}", home()));
    }
    if source.starts_with('/') {
        return clean(source);
    }
    clean(&base.join(source).to_string_lossy())
}

/// A path with `.` segments, doubled and trailing slashes removed.
fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." if !parts.is_empty() => {}
            ".." if parts.len() > 1 => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    if joined.is_empty() && path.starts_with('/') {
        "/".into()
    } else {
        joined
    }
}
