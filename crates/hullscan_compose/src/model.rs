//! The loaded project: its files, the merged model, and each service with typed views of the
//! fields hullscan's rules read.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::duration::parse_duration;
use crate::load::{Problem, ProblemKind};
use crate::merge::split_volume;
use crate::tree::{FileId, Key, Kind, Node, Site};

/// A file the project read.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: Arc<str>,
    /// The directory its relative paths resolve against.
    pub base_dir: PathBuf,
    /// Its comments, for `# hullscan ignore=` suppressions.
    pub comments: Vec<hullscan_yaml::Comment>,
}

/// A project as Compose would run it.
#[derive(Clone, Debug)]
pub struct Project {
    pub files: Vec<SourceFile>,
    pub project_dir: PathBuf,
    /// The merged top-level mapping (`None` when no file could be read).
    pub model: Option<Node>,
    pub services: Vec<Service>,
    pub problems: Vec<Problem>,
}

impl Project {
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Whether Compose would refuse the project.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.kind == ProblemKind::Error)
    }

    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }
}

/// One service after `extends` and overrides.
#[derive(Clone, Debug)]
pub struct Service {
    pub name: String,
    /// Where the service's name is written.
    pub key: Key,
    /// The merged definition.
    pub node: Node,
    /// `profiles:`; empty = always enabled.
    pub profiles: Vec<String>,
    /// The environment the container gets: `env_file` entries, then `environment`, with
    /// value-less keys taken from the variables (`None` = left unset).
    pub resolved_environment: Vec<(String, Option<String>)>,
}

/// A volume or bind mount of a service.
#[derive(Clone, Debug, PartialEq)]
pub struct Mount {
    /// `bind`, `volume`, `tmpfs`, ... (short syntax: `bind` when the source is a path,
    /// `volume` when it is a name or absent).
    pub kind: String,
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
    pub at: Site,
}

/// A service's healthcheck as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Healthcheck {
    /// `disable: true` or `test: ["NONE"]`.
    pub disabled: bool,
    /// The test as a command list (`CMD-SHELL` form for a plain string).
    pub test: Vec<String>,
    pub at: Site,
}

impl Service {
    pub fn new(key: Key, node: Node) -> Self {
        let profiles = node
            .get("profiles")
            .and_then(Node::items)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Node::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        Service {
            name: key.name.clone(),
            key,
            node,
            profiles,
            resolved_environment: Vec::new(),
        }
    }

    pub fn get(&self, field: &str) -> Option<&Node> {
        self.node.get(field)
    }

    /// `image:` (interpolated).
    pub fn image(&self) -> Option<&Node> {
        self.get("image").filter(|n| n.scalar().is_some())
    }

    /// `user:` (an unquoted number counts as its text).
    pub fn user(&self) -> Option<&Node> {
        self.get("user").filter(|n| n.scalar().is_some())
    }

    /// `stop_grace_period` as a duration, with its node (`None` in the duration when the text
    /// is not one).
    pub fn stop_grace_period(&self) -> Option<(&Node, Option<Duration>)> {
        let node = self.get("stop_grace_period")?;
        let duration = node
            .as_str()
            .filter(|_| !node.scalar().is_some_and(|s| s.unknown))
            .and_then(parse_duration);
        Some((node, duration))
    }

    pub fn healthcheck(&self) -> Option<Healthcheck> {
        let node = self.get("healthcheck")?;
        if !matches!(node.kind, Kind::Map(_)) {
            return None;
        }
        let test = match node.get("test").map(|t| &t.kind) {
            Some(Kind::Seq(items)) => items
                .iter()
                .filter_map(Node::as_str)
                .map(str::to_owned)
                .collect(),
            Some(Kind::Scalar(s)) => vec!["CMD-SHELL".to_owned(), s.text.clone()],
            _ => Vec::new(),
        };
        let disabled = node.get("disable").and_then(Node::as_bool) == Some(true)
            || test.first().map(String::as_str) == Some("NONE");
        Some(Healthcheck {
            disabled,
            test,
            at: node.at,
        })
    }

    /// `volumes:` in long form.
    pub fn mounts(&self) -> Vec<Mount> {
        let Some(items) = self.get("volumes").and_then(Node::items) else {
            return Vec::new();
        };
        items.iter().filter_map(mount).collect()
    }

    /// The build context and Dockerfile path (relative to the context), when `build:` is set;
    /// the context is resolved against the directory of the file that wrote it.
    pub fn build(&self, project: &Project) -> Option<BuildInfo> {
        let node = self.get("build")?;
        let (context, dockerfile, inline) = match &node.kind {
            Kind::Scalar(s) => (s.text.clone(), None, false),
            Kind::Map(_) => (
                node.get("context")
                    .and_then(Node::as_str)
                    .unwrap_or(".")
                    .to_owned(),
                node.get("dockerfile")
                    .and_then(Node::as_str)
                    .map(str::to_owned),
                node.get("dockerfile_inline").is_some(),
            ),
            Kind::Null => (".".to_owned(), None, false),
            Kind::Seq(_) => return None,
        };
        let remote = context.contains("://") || context.starts_with("git@");
        let base = &project.file(node.at.file).base_dir;
        let context_dir = clean_path(&base.join(&context));
        let dockerfile_path = if inline {
            None
        } else {
            let name = dockerfile.unwrap_or_else(|| "Dockerfile".to_owned());
            Some(if Path::new(&name).is_absolute() {
                PathBuf::from(name)
            } else {
                context_dir.join(name)
            })
        };
        Some(BuildInfo {
            context: context_dir,
            dockerfile: if remote { None } else { dockerfile_path },
            at: node.at,
        })
    }
}

/// Where a service's image is built from.
#[derive(Clone, Debug, PartialEq)]
pub struct BuildInfo {
    pub context: PathBuf,
    /// `None` for a remote context or `dockerfile_inline`.
    pub dockerfile: Option<PathBuf>,
    pub at: Site,
}

/// `a/./b/../c` → `a/c`, without touching the file system (for paths shown to users).
fn clean_path(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let last_is_normal =
                    matches!(out.components().next_back(), Some(Component::Normal(_)));
                if last_is_normal {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn mount(node: &Node) -> Option<Mount> {
    match &node.kind {
        Kind::Scalar(s) => {
            let parts = split_volume(&s.text);
            let (source, target, mode) = match parts.as_slice() {
                [target] => (None, *target, ""),
                [source, target] => (Some(*source), *target, ""),
                [source, target, mode] => (Some(*source), *target, *mode),
                _ => return None,
            };
            let kind = match source {
                Some(src)
                    if src.starts_with('/')
                        || src.starts_with('.')
                        || src.starts_with('~')
                        || src.contains('\\')
                        || src.contains('/') =>
                {
                    "bind"
                }
                _ => "volume",
            };
            Some(Mount {
                kind: kind.to_owned(),
                source: source.map(str::to_owned),
                target: target.to_owned(),
                read_only: mode.split(',').any(|m| m == "ro"),
                at: node.at,
            })
        }
        Kind::Map(_) => {
            let field = |name: &str| node.get(name).and_then(Node::as_str).map(str::to_owned);
            Some(Mount {
                kind: field("type").unwrap_or_else(|| "volume".to_owned()),
                source: field("source"),
                target: field("target")?,
                read_only: node.get("read_only").and_then(Node::as_bool) == Some(true),
                at: node.at,
            })
        }
        _ => None,
    }
}
