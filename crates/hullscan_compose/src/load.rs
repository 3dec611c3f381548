//! The loader: compose-go's order (reference §3.3) for each file — parse every document,
//! interpolate (that file's variables), process `include`, apply `extends`, merge onto the
//! files before it — then resolve each service's environment.
//!
//! All reading goes through [`FileSystem`]; a missing or broken file is a [`Problem`] naming it,
//! never a panic, and the rest of the project still loads.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use hullscan_yaml as yaml;

use crate::dotenv;
use crate::interpolate::{self, InterpolationError};
use crate::merge::{self, normalize_service};
use crate::model::{Project, Service, SourceFile};
use crate::tree::{FileId, Key, Kind, MergeTag, Node, Scalar, Site};

/// Where the loader reads files from.
pub trait FileSystem {
    fn read(&self, path: &Path) -> std::io::Result<String>;
    fn is_file(&self, path: &Path) -> bool;
}

/// The real file system, for the CLI (the only I/O this crate's callers need).
#[derive(Clone, Copy, Debug, Default)]
pub struct RealFileSystem;

impl FileSystem for RealFileSystem {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        // A bound, so a huge file named as an env file or include cannot take all memory.
        const MAX: u64 = 16 * 1024 * 1024;
        let meta = std::fs::metadata(path)?;
        if meta.len() > MAX {
            return Err(std::io::Error::other(format!(
                "larger than {} MiB",
                MAX / 1024 / 1024
            )));
        }
        let bytes = std::fs::read(path)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
}

/// What to load.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// The compose files, in `-f` order (later ones override earlier ones).
    pub files: Vec<PathBuf>,
    /// The project directory (default: the first file's directory).
    pub project_dir: Option<PathBuf>,
    /// The process environment; it wins over `.env`.
    pub environment: Vec<(String, String)>,
    /// Read `<project dir>/.env` for interpolation (Compose does).
    pub read_dotenv: bool,
    /// Add the implicit override file next to a single `compose.yaml`/`docker-compose.yml`
    /// (`compose.override.yaml`, ...), as `docker compose` does without `-f`.
    pub implicit_override: bool,
}

/// How bad a [`Problem`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// Compose would refuse the project (a YAML error, a required variable unset, a cycle).
    Error,
    /// Compose accepts it, perhaps with a warning (`version:`, a null section, `yes` as bool).
    Note,
}

/// Something the loader found wrong or worth noting.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub kind: ProblemKind,
    /// The file, and the place in it when known.
    pub file: FileId,
    pub site: Option<Site>,
    pub message: String,
}

/// The override files Compose picks up next to `file` (`compose.yaml` →
/// `compose.override.yaml` or `.yml`; `docker-compose.yml` → `docker-compose.override.yml` or
/// `.yaml`). Other names have none.
pub fn override_candidates(file: &Path) -> Vec<PathBuf> {
    let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let stem = match name {
        "compose.yaml" | "compose.yml" => "compose",
        "docker-compose.yaml" | "docker-compose.yml" => "docker-compose",
        _ => return Vec::new(),
    };
    let dir = file.parent().unwrap_or(Path::new(""));
    ["yaml", "yml"]
        .iter()
        .map(|ext| dir.join(format!("{stem}.override.{ext}")))
        .collect()
}

/// Whether a file name is one Compose would read as a compose file (`compose*.y(a)ml`,
/// `docker-compose*.y(a)ml`).
pub fn is_compose_file_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.starts_with("compose") || lower.starts_with("docker-compose"))
        && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
}

/// Whether a file name is an override file another compose file pulls in.
pub fn is_override_file_name(name: &str) -> bool {
    matches!(
        name,
        "compose.override.yaml"
            | "compose.override.yml"
            | "docker-compose.override.yml"
            | "docker-compose.override.yaml"
    )
}

/// Loads a project. Never fails: what went wrong is in [`Project::problems`].
pub fn load(fs: &dyn FileSystem, options: &LoadOptions) -> Project {
    let mut loader = Loader {
        fs,
        files: Vec::new(),
        parsed: HashMap::new(),
        problems: Vec::new(),
    };
    let project_dir = options
        .project_dir
        .clone()
        .or_else(|| {
            options
                .files
                .first()
                .map(|f| f.parent().unwrap_or(Path::new("")).to_path_buf())
        })
        .unwrap_or_default();
    let mut files = options.files.clone();
    if options.implicit_override
        && files.len() == 1
        && let Some(extra) = override_candidates(&files[0])
            .into_iter()
            .find(|candidate| fs.is_file(candidate))
    {
        files.push(extra);
    }
    let env = loader.environment(&project_dir, options);
    let mut model: Option<Node> = None;
    for path in &files {
        let Some(file_model) = loader.load_file(path, &project_dir, &env, 0) else {
            continue;
        };
        model = Some(match model {
            None => file_model,
            Some(base) => merge::merge(base, file_model, &mut Vec::new()),
        });
    }
    let model = model.map(merge::strip_tags);
    let mut services = Vec::new();
    if let Some(model) = &model
        && let Some(entries) = model.get("services").and_then(Node::entries)
    {
        for (key, node) in entries {
            if !matches!(node.kind, Kind::Map(_)) {
                if !node.is_null() {
                    loader.problem(
                        ProblemKind::Error,
                        Some(key.at),
                        format!("service {:?} must be a mapping", key.name),
                    );
                }
                continue;
            }
            let mut service = Service::new(key.clone(), node.clone());
            service.resolved_environment = loader.resolve_environment(node, &env);
            services.push(service);
        }
    }
    Project {
        files: loader.files,
        project_dir,
        model,
        services,
        problems: loader.problems,
    }
}

/// A parsed and interpolated file, before `extends` and `include`.
struct Parsed {
    model: Option<Node>,
}

struct Loader<'a> {
    fs: &'a dyn FileSystem,
    files: Vec<SourceFile>,
    /// Files already parsed, by (path, whether it was interpolated with the project's
    /// variables): `extends` may name the same file many times.
    parsed: HashMap<PathBuf, Parsed>,
    problems: Vec<Problem>,
}

/// The variables a file is interpolated with: process environment first, then `.env`.
#[derive(Clone, Debug, Default)]
struct Variables {
    process: Vec<(String, String)>,
    dotenv: Vec<(String, String)>,
}

impl Variables {
    fn get(&self, name: &str) -> Option<&str> {
        self.process
            .iter()
            .find(|(k, _)| k == name)
            .or_else(|| self.dotenv.iter().find(|(k, _)| k == name))
            .map(|(_, v)| v.as_str())
    }
}

const MAX_NESTING: usize = 32;

impl Loader<'_> {
    fn problem(&mut self, kind: ProblemKind, site: Option<Site>, message: String) {
        let file = site.map(|s| s.file).unwrap_or(FileId(0));
        self.problems.push(Problem {
            kind,
            file,
            site,
            message,
        });
    }

    fn environment(&mut self, project_dir: &Path, options: &LoadOptions) -> Variables {
        let mut vars = Variables {
            process: options.environment.clone(),
            dotenv: Vec::new(),
        };
        if options.read_dotenv {
            let path = project_dir.join(".env");
            if self.fs.is_file(&path) {
                match self.fs.read(&path) {
                    Ok(text) => {
                        let process = options.environment.clone();
                        let lookup = |name: &str| {
                            process
                                .iter()
                                .find(|(k, _)| k == name)
                                .map(|(_, v)| v.as_str())
                        };
                        match dotenv::parse(&text, &lookup) {
                            Ok(entries) => vars.dotenv = dotenv::to_map(&entries),
                            Err(err) => self.file_problem(&path, format!("{err}")),
                        }
                    }
                    Err(err) => self.file_problem(&path, format!("cannot read: {err}")),
                }
            }
        }
        vars
    }

    /// A problem with a file that is not itself part of the model (an env file).
    fn file_problem(&mut self, path: &Path, message: String) {
        let id = self.add_file(path, String::new(), path.parent().unwrap_or(Path::new("")));
        self.problems.push(Problem {
            kind: ProblemKind::Error,
            file: id,
            site: None,
            message,
        });
    }

    fn add_file(&mut self, path: &Path, text: String, base_dir: &Path) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile {
            path: path.to_path_buf(),
            text: Arc::from(text),
            base_dir: base_dir.to_path_buf(),
            comments: Vec::new(),
        });
        id
    }

    /// Reads, parses and interpolates one file (documents merged), with the file's `include`
    /// and `extends` applied. `None` when it cannot be read or parsed (a problem says why).
    fn load_file(
        &mut self,
        path: &Path,
        base_dir: &Path,
        env: &Variables,
        depth: usize,
    ) -> Option<Node> {
        if depth > MAX_NESTING {
            self.problem(
                ProblemKind::Error,
                None,
                format!("{}: include/extends nested too deep", path.display()),
            );
            return None;
        }
        let parsed_model = self.parse_file(path, base_dir, env)?;
        let mut model = parsed_model.clone();
        self.apply_includes(&mut model, path, env, depth);
        self.apply_extends(&mut model, path, base_dir, env, depth);
        Some(model)
    }

    /// Parses and interpolates a file, once per path.
    fn parse_file(&mut self, path: &Path, base_dir: &Path, env: &Variables) -> Option<Node> {
        let key = normalize(path);
        if let Some(parsed) = self.parsed.get(&key) {
            return parsed.model.clone();
        }
        let text = match self.fs.read(path) {
            Ok(text) => text,
            Err(err) => {
                let id = self.add_file(path, String::new(), base_dir);
                self.parsed.insert(key, Parsed { model: None });
                self.problems.push(Problem {
                    kind: ProblemKind::Error,
                    file: id,
                    site: None,
                    message: format!("cannot read {}: {err}", path.display()),
                });
                return None;
            }
        };
        let id = self.add_file(path, text.clone(), base_dir);
        let stream = match yaml::parse(&text) {
            Ok(stream) => stream,
            Err(err) => {
                let span = yaml::Span {
                    start: err.location,
                    end: err.location,
                };
                self.parsed.insert(key, Parsed { model: None });
                self.problems.push(Problem {
                    kind: ProblemKind::Error,
                    file: id,
                    site: Some(Site { file: id, span }),
                    message: format!("not valid YAML: {}", err.message),
                });
                return None;
            }
        };
        self.files[id.0 as usize].comments = stream.comments.clone();
        for note in &stream.notes {
            let span = yaml::Span {
                start: note.location,
                end: note.location,
            };
            self.problems.push(Problem {
                kind: ProblemKind::Note,
                file: id,
                site: Some(Site { file: id, span }),
                message: note.message.clone(),
            });
        }
        let mut model: Option<Node> = None;
        for document in &stream.documents {
            let Some(root) = &document.root else { continue };
            let node = self.convert(root, id, env, None);
            if node.is_null() {
                continue;
            }
            if !matches!(node.kind, Kind::Map(_)) {
                self.problem(
                    ProblemKind::Error,
                    Some(node.at),
                    "a compose file must be a mapping at the top level".into(),
                );
                continue;
            }
            model = Some(match model {
                None => node,
                Some(base) => merge::merge(base, node, &mut Vec::new()),
            });
        }
        if let Some(model) = &mut model {
            self.check_top_level(model);
        }
        self.parsed.insert(
            key,
            Parsed {
                model: model.clone(),
            },
        );
        model
    }

    /// Notes on top-level keys, and the services normalized for merging.
    fn check_top_level(&mut self, model: &mut Node) {
        let Kind::Map(entries) = &mut model.kind else {
            return;
        };
        let mut notes = Vec::new();
        for (key, value) in entries.iter_mut() {
            match key.name.as_str() {
                "version" => notes.push((
                    ProblemKind::Note,
                    key.at,
                    "`version` is obsolete; Compose ignores it".to_owned(),
                )),
                "services" => {
                    if value.is_null() {
                        notes.push((ProblemKind::Note, key.at, "`services` is empty".to_owned()));
                    }
                    if let Kind::Map(services) = &mut value.kind {
                        for (_, service) in services.iter_mut() {
                            normalize_service(service);
                            yaml11_notes(service, &mut notes);
                        }
                    }
                }
                "name" | "include" | "networks" | "volumes" | "secrets" | "configs" | "models" => {}
                other if other.starts_with("x-") => {}
                other => notes.push((
                    ProblemKind::Note,
                    key.at,
                    format!("unknown top-level key `{other}` (Compose rejects it)"),
                )),
            }
        }
        for (kind, site, message) in notes {
            self.problem(kind, Some(site), message);
        }
    }

    /// One YAML node, interpolated, as a tree node.
    fn convert(
        &mut self,
        node: &yaml::Node,
        file: FileId,
        env: &Variables,
        use_site: Option<yaml::Span>,
    ) -> Node {
        let used = use_site.or(node.alias_site).unwrap_or(node.span);
        let at = Site { file, span: used };
        let defined = (used != node.span).then_some(Site {
            file,
            span: node.span,
        });
        let tag = match node.tag.as_deref() {
            Some("!reset") => Some(MergeTag::Reset),
            Some("!override") => Some(MergeTag::Override),
            _ => None,
        };
        let kind = match &node.value {
            yaml::Value::Scalar(text, style) => {
                if node.is_null() {
                    Kind::Null
                } else {
                    Kind::Scalar(self.interpolate_scalar(text, style.is_plain(), env, at))
                }
            }
            yaml::Value::Sequence(items) => Kind::Seq(
                items
                    .iter()
                    .map(|item| self.convert(item, file, env, None))
                    .collect(),
            ),
            yaml::Value::Mapping(entries) => {
                let mut out: Vec<(Key, Node)> = Vec::with_capacity(entries.len());
                for entry in entries {
                    let name = entry.key.as_scalar().unwrap_or_default().to_owned();
                    let key_span = entry
                        .merged_at
                        .or(entry.key.alias_site)
                        .unwrap_or(entry.key.span);
                    let value = self.convert(&entry.value, file, env, entry.merged_at);
                    // A duplicate key: the last one wins, as in Go's and PyYAML's loaders.
                    out.retain(|(k, _)| k.name != name);
                    out.push((
                        Key {
                            name,
                            at: Site {
                                file,
                                span: key_span,
                            },
                        },
                        value,
                    ));
                }
                Kind::Map(out)
            }
        };
        Node {
            kind,
            at,
            defined,
            tag,
        }
    }

    fn interpolate_scalar(&mut self, text: &str, plain: bool, env: &Variables, at: Site) -> Scalar {
        if !text.contains('$') {
            return Scalar {
                text: text.to_owned(),
                plain,
                unknown: false,
                interpolated: false,
            };
        }
        let lookup = |name: &str| env.get(name);
        match interpolate::interpolate(text, &lookup) {
            Ok(done) => Scalar {
                unknown: done.is_unknown(),
                interpolated: done.referenced,
                text: done.value,
                plain,
            },
            Err(err) => {
                let kind = match err {
                    InterpolationError::Required { .. } | InterpolationError::Invalid { .. } => {
                        ProblemKind::Error
                    }
                };
                self.problem(kind, Some(at), err.to_string());
                Scalar {
                    text: text.to_owned(),
                    plain,
                    unknown: true,
                    interpolated: true,
                }
            }
        }
    }

    /// `include:` entries: each names compose files loaded as their own project (own
    /// directory, own `.env`-less variables here: the including project's), whose services
    /// join this model. A service defined on both sides is an error, as in Compose.
    fn apply_includes(&mut self, model: &mut Node, path: &Path, env: &Variables, depth: usize) {
        let Some(include) = model.get("include").cloned() else {
            return;
        };
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let Some(items) = include.items() else {
            if !include.is_null() {
                self.problem(
                    ProblemKind::Error,
                    Some(include.at),
                    "`include` must be a list".into(),
                );
            }
            return;
        };
        for item in items {
            let (paths, project_dir): (Vec<&Node>, Option<&str>) = match &item.kind {
                Kind::Scalar(_) => (vec![item], None),
                Kind::Map(_) => {
                    let paths = match item.get("path") {
                        Some(node) if node.items().is_some() => {
                            node.items().unwrap_or_default().iter().collect()
                        }
                        Some(node) => vec![node],
                        None => Vec::new(),
                    };
                    let dir = item.get("project_directory").and_then(Node::as_str);
                    (paths, dir)
                }
                _ => (Vec::new(), None),
            };
            let mut included: Option<Node> = None;
            for node in paths {
                let Some(relative) = node.as_str() else {
                    continue;
                };
                let file = dir.join(relative);
                let base = project_dir
                    .map(|d| dir.join(d))
                    .unwrap_or_else(|| file.parent().unwrap_or(Path::new("")).to_path_buf());
                let before = self.problems.len();
                let Some(loaded) = self.load_file(&file, &base, env, depth + 1) else {
                    // Point the reader at the include line too.
                    if self.problems.len() > before {
                        let message = self.problems[before].message.clone();
                        self.problem(ProblemKind::Error, Some(node.at), message);
                    }
                    continue;
                };
                included = Some(match included {
                    None => loaded,
                    Some(base) => merge::merge(base, loaded, &mut Vec::new()),
                });
            }
            let Some(included) = included else { continue };
            let Some(imported) = included.get("services").and_then(Node::entries) else {
                continue;
            };
            let mut conflicts = Vec::new();
            {
                let services = ensure_map_entry(model, "services", item.at);
                let Kind::Map(own) = &mut services.kind else {
                    continue;
                };
                for (key, service) in imported {
                    if own.iter().any(|(k, _)| k.name == key.name) {
                        conflicts.push(key.name.clone());
                    } else {
                        own.push((key.clone(), service.clone()));
                    }
                }
            }
            for name in conflicts {
                self.problem(
                    ProblemKind::Error,
                    Some(item.at),
                    format!("service {name:?} is defined here and in an included file"),
                );
            }
        }
    }

    /// `extends` for every service of a file's model.
    fn apply_extends(
        &mut self,
        model: &mut Node,
        path: &Path,
        base_dir: &Path,
        env: &Variables,
        depth: usize,
    ) {
        let names: Vec<String> = model
            .get("services")
            .and_then(Node::entries)
            .map(|entries| entries.iter().map(|(k, _)| k.name.clone()).collect())
            .unwrap_or_default();
        for name in names {
            let mut stack = vec![(normalize(path), name.clone())];
            let Some(resolved) =
                self.resolve_service(model, &name, path, base_dir, env, &mut stack, depth)
            else {
                continue;
            };
            if let Some(services) = get_map_mut(model, "services")
                && let Kind::Map(entries) = &mut services.kind
                && let Some((_, slot)) = entries.iter_mut().find(|(k, _)| k.name == name)
            {
                *slot = resolved;
            }
        }
    }

    /// The service `name` of `model` with its `extends` chain applied.
    #[allow(clippy::too_many_arguments)]
    fn resolve_service(
        &mut self,
        model: &Node,
        name: &str,
        path: &Path,
        base_dir: &Path,
        env: &Variables,
        stack: &mut Vec<(PathBuf, String)>,
        depth: usize,
    ) -> Option<Node> {
        let service = model.path(&["services", name])?.clone();
        let Some(extends) = service.get("extends").cloned() else {
            return Some(service);
        };
        let (base_name, base_file) = match &extends.kind {
            Kind::Scalar(s) => (s.text.clone(), None),
            Kind::Map(_) => match extends.get("service").and_then(Node::as_str) {
                Some(base) => (
                    base.to_owned(),
                    extends
                        .get("file")
                        .and_then(Node::as_str)
                        .map(str::to_owned),
                ),
                None => {
                    self.problem(
                        ProblemKind::Error,
                        Some(extends.at),
                        "`extends` needs a `service`".into(),
                    );
                    return Some(without_key(service, "extends"));
                }
            },
            _ => return Some(without_key(service, "extends")),
        };
        if stack.len() > MAX_NESTING || depth > MAX_NESTING {
            self.problem(
                ProblemKind::Error,
                Some(extends.at),
                "`extends` chain too long".into(),
            );
            return Some(without_key(service, "extends"));
        }
        let (base_model, base_path, base_base_dir) = match &base_file {
            None => (model.clone(), path.to_path_buf(), base_dir.to_path_buf()),
            Some(file) => {
                let file_path = path.parent().unwrap_or(Path::new("")).join(file);
                let file_dir = file_path.parent().unwrap_or(Path::new("")).to_path_buf();
                let Some(parsed) = self.parse_file(&file_path, &file_dir, env) else {
                    self.problem(
                        ProblemKind::Error,
                        Some(extends.at),
                        format!("cannot load `extends` file {file}"),
                    );
                    return Some(without_key(service, "extends"));
                };
                (parsed, file_path, file_dir)
            }
        };
        let key = (normalize(&base_path), base_name.clone());
        if stack.contains(&key) {
            self.problem(
                ProblemKind::Error,
                Some(extends.at),
                format!("`extends` cycle through service {base_name:?}"),
            );
            return Some(without_key(service, "extends"));
        }
        if base_model.path(&["services", &base_name]).is_none() {
            self.problem(
                ProblemKind::Error,
                Some(extends.at),
                format!("`extends` names service {base_name:?}, which is not defined"),
            );
            return Some(without_key(service, "extends"));
        }
        stack.push(key);
        let base = self.resolve_service(
            &base_model,
            &base_name,
            &base_path,
            &base_base_dir,
            env,
            stack,
            depth + 1,
        );
        stack.pop();
        let base = base?;
        let mut path_keys = vec!["services".to_owned(), name.to_owned()];
        Some(merge::merge(
            without_key(base, "extends"),
            without_key(service, "extends"),
            &mut path_keys,
        ))
    }

    /// `env_file` contents, then `environment` over them; a key without a value takes the
    /// variables' value (process environment, then `.env`), else stays unset.
    fn resolve_environment(
        &mut self,
        service: &Node,
        env: &Variables,
    ) -> Vec<(String, Option<String>)> {
        let mut out: Vec<(String, Option<String>)> = Vec::new();
        let set = |out: &mut Vec<(String, Option<String>)>, key: String, value: Option<String>| {
            out.retain(|(k, _)| *k != key);
            out.push((key, value));
        };
        if let Some(env_file) = service.get("env_file") {
            let entries: Vec<&Node> = match &env_file.kind {
                Kind::Seq(items) => items.iter().collect(),
                _ => vec![env_file],
            };
            for entry in entries {
                let (relative, required) = match &entry.kind {
                    Kind::Scalar(s) => (s.text.clone(), true),
                    Kind::Map(_) => (
                        entry
                            .get("path")
                            .and_then(Node::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        entry
                            .get("required")
                            .and_then(Node::as_bool)
                            .unwrap_or(true),
                    ),
                    _ => continue,
                };
                let base = &self.files[entry.at.file.0 as usize].base_dir;
                let file = base.join(&relative);
                match self.fs.read(&file) {
                    Ok(text) => {
                        let lookup = |name: &str| env.get(name);
                        match dotenv::parse(&text, &lookup) {
                            Ok(entries) => {
                                for entry in entries {
                                    set(&mut out, entry.key, entry.value);
                                }
                            }
                            Err(err) => self.problem(
                                ProblemKind::Error,
                                Some(entry.at),
                                format!("env file {relative}: {err}"),
                            ),
                        }
                    }
                    Err(_) if !required => {}
                    Err(err) => self.problem(
                        ProblemKind::Error,
                        Some(entry.at),
                        format!("cannot read env file {relative}: {err}"),
                    ),
                }
            }
        }
        if let Some(entries) = service.get("environment").and_then(Node::entries) {
            for (key, value) in entries {
                let value = match &value.kind {
                    Kind::Null => env.get(&key.name).map(str::to_owned),
                    Kind::Scalar(s) => Some(s.text.clone()),
                    _ => None,
                };
                set(&mut out, key.name.clone(), value);
            }
        }
        out
    }
}

fn yaml11_notes(service: &Node, notes: &mut Vec<(ProblemKind, Site, String)>) {
    for field in ["privileged", "read_only", "init", "tty", "stdin_open"] {
        if let Some(value) = service.get(field)
            && value.is_yaml11_bool()
        {
            notes.push((
                ProblemKind::Note,
                value.at,
                format!(
                    "`{field}: {}` is a YAML 1.1 boolean; Compose accepts it with a warning (write true/false)",
                    value.as_str().unwrap_or_default()
                ),
            ));
        }
    }
}

fn without_key(mut node: Node, key: &str) -> Node {
    if let Kind::Map(entries) = &mut node.kind {
        entries.retain(|(k, _)| k.name != key);
    }
    node
}

fn get_map_mut<'n>(node: &'n mut Node, key: &str) -> Option<&'n mut Node> {
    let Kind::Map(entries) = &mut node.kind else {
        return None;
    };
    entries
        .iter_mut()
        .rev()
        .find(|(k, _)| k.name == key)
        .map(|(_, v)| v)
}

fn ensure_map_entry<'n>(node: &'n mut Node, key: &str, at: Site) -> &'n mut Node {
    let Kind::Map(entries) = &mut node.kind else {
        unreachable!("compose models are mappings at the top level");
    };
    let index = match entries.iter().position(|(k, _)| k.name == key) {
        Some(index) => index,
        None => {
            entries.push((
                Key {
                    name: key.to_owned(),
                    at,
                },
                Node::new(Kind::Map(Vec::new()), at),
            ));
            entries.len() - 1
        }
    };
    let slot = &mut entries[index].1;
    if slot.is_null() {
        slot.kind = Kind::Map(Vec::new());
    }
    slot
}

/// A path with `.` and `..` folded (no file system access), for caching and cycle detection.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}
