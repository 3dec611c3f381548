//! Kubernetes manifests as the checks need them.
//!
//! [`objects`] walks a parsed YAML stream (multi-document, `List` kinds flattened) and returns
//! every object with its kind, name and annotations; objects that run containers (Pods and every
//! workload with a pod template: Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
//! ReplicationController, PodTemplate) carry a [`PodSpec`] with their containers, init containers
//! and ephemeral containers, security contexts at both levels, probes, `preStop`, resources,
//! env, ports and volumes. The model borrows the YAML nodes, so every field keeps its location.
//!
//! Pure: no I/O; wrong types are treated as absent (the checks are linters, not validators).

use hullscan_yaml::{Node, Stream, Value};

/// A Kubernetes object in a manifest.
#[derive(Debug)]
pub struct Object<'a> {
    /// The object's mapping.
    pub node: &'a Node,
    /// Index of the YAML document it came from.
    pub document: usize,
    pub api_version: Option<&'a str>,
    pub kind: &'a str,
    pub name: Option<&'a str>,
    pub namespace: Option<&'a str>,
    /// `metadata.annotations`, in order.
    pub annotations: Vec<(&'a str, &'a Node)>,
    /// The pod the object runs (for Pods and workloads with a pod template).
    pub pod: Option<PodSpec<'a>>,
}

impl Object<'_> {
    /// `Deployment/web` (or just the kind).
    pub fn display_name(&self) -> String {
        match self.name {
            Some(name) => format!("{}/{name}", self.kind),
            None => self.kind.to_owned(),
        }
    }

    /// An annotation's string value.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .and_then(|(_, v)| v.as_str())
    }
}

/// Whether a document looks like a Kubernetes object: a mapping with string `apiVersion` and
/// `kind`.
pub fn is_kubernetes_object(node: &Node) -> bool {
    node.get("apiVersion").and_then(Node::as_str).is_some()
        && node.get("kind").and_then(Node::as_str).is_some()
}

/// Every object of a stream, `List` items flattened (nesting is bounded by the YAML depth
/// limit).
pub fn objects(stream: &Stream) -> Vec<Object<'_>> {
    let mut out = Vec::new();
    for (index, document) in stream.documents.iter().enumerate() {
        if let Some(root) = &document.root {
            collect(root, index, &mut out);
        }
    }
    out
}

fn collect<'a>(node: &'a Node, document: usize, out: &mut Vec<Object<'a>>) {
    let Some(kind) = node.get("kind").and_then(Node::as_str) else {
        return;
    };
    if kind == "List" || kind.ends_with("List") {
        if let Some(items) = node.get("items").and_then(Node::items) {
            for item in items {
                collect(item, document, out);
            }
        }
        return;
    }
    let metadata = node.get("metadata");
    let annotations = metadata
        .and_then(|m| m.get("annotations"))
        .and_then(Node::entries)
        .map(|entries| {
            entries
                .iter()
                .filter_map(|e| Some((e.key.as_str()?, &e.value)))
                .collect()
        })
        .unwrap_or_default();
    out.push(Object {
        node,
        document,
        api_version: node.get("apiVersion").and_then(Node::as_str),
        kind,
        name: metadata.and_then(|m| m.get("name")).and_then(Node::as_str),
        namespace: metadata
            .and_then(|m| m.get("namespace"))
            .and_then(Node::as_str),
        annotations,
        pod: pod_spec_node(kind, node).map(PodSpec::read),
    });
}

/// The pod spec of an object of `kind`, by where each kind keeps it.
fn pod_spec_node<'a>(kind: &str, node: &'a Node) -> Option<&'a Node> {
    let path: &[&str] = match kind {
        "Pod" => &["spec"],
        "PodTemplate" => &["template", "spec"],
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => &["spec", "template", "spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => return None,
    };
    let mut current = node;
    for key in path {
        current = current.get(key)?;
    }
    current.entries().map(|_| current)
}

/// A field's value with the node it was read from.
#[derive(Clone, Copy, Debug)]
pub struct Field<'a, T> {
    pub value: T,
    pub node: &'a Node,
}

fn bool_field<'a>(parent: Option<&'a Node>, key: &str) -> Option<Field<'a, bool>> {
    let node = parent?.get(key)?;
    Some(Field {
        value: node.as_bool()?,
        node,
    })
}

fn int_field<'a>(parent: Option<&'a Node>, key: &str) -> Option<Field<'a, i64>> {
    let node = parent?.get(key)?;
    Some(Field {
        value: node.as_i64()?,
        node,
    })
}

fn str_field<'a>(parent: Option<&'a Node>, key: &str) -> Option<Field<'a, &'a str>> {
    let node = parent?.get(key)?;
    Some(Field {
        value: node.as_str()?,
        node,
    })
}

fn list<'a>(parent: Option<&'a Node>, key: &str) -> &'a [Node] {
    parent
        .and_then(|p| p.get(key))
        .and_then(Node::items)
        .unwrap_or(&[])
}

/// A pod spec.
#[derive(Debug)]
pub struct PodSpec<'a> {
    pub node: &'a Node,
    pub security_context: SecurityContext<'a>,
    pub termination_grace_period_seconds: Option<Field<'a, i64>>,
    pub host_network: Option<Field<'a, bool>>,
    pub host_pid: Option<Field<'a, bool>>,
    pub host_ipc: Option<Field<'a, bool>>,
    pub containers: Vec<Container<'a>>,
    pub volumes: Vec<Volume<'a>>,
}

impl<'a> PodSpec<'a> {
    fn read(node: &'a Node) -> Self {
        let mut containers = Vec::new();
        for (key, kind) in [
            ("initContainers", ContainerKind::Init),
            ("containers", ContainerKind::Regular),
            ("ephemeralContainers", ContainerKind::Ephemeral),
        ] {
            for item in list(Some(node), key) {
                if item.entries().is_some() {
                    containers.push(Container::read(item, kind));
                }
            }
        }
        PodSpec {
            node,
            security_context: SecurityContext::read(node.get("securityContext")),
            termination_grace_period_seconds: int_field(
                Some(node),
                "terminationGracePeriodSeconds",
            ),
            host_network: bool_field(Some(node), "hostNetwork"),
            host_pid: bool_field(Some(node), "hostPID"),
            host_ipc: bool_field(Some(node), "hostIPC"),
            containers,
            volumes: list(Some(node), "volumes")
                .iter()
                .filter_map(Volume::read)
                .collect(),
        }
    }

    /// The regular containers (those that serve; probes and grace periods apply to them).
    pub fn regular_containers(&self) -> impl Iterator<Item = &Container<'a>> {
        self.containers
            .iter()
            .filter(|c| c.kind == ContainerKind::Regular)
    }

    /// A container's effective `runAsNonRoot` (the container's, else the pod's).
    pub fn run_as_non_root(&self, container: &Container<'a>) -> Option<Field<'a, bool>> {
        container
            .security_context
            .run_as_non_root
            .or(self.security_context.run_as_non_root)
    }

    /// A container's effective `runAsUser` (the container's, else the pod's).
    pub fn run_as_user(&self, container: &Container<'a>) -> Option<Field<'a, i64>> {
        container
            .security_context
            .run_as_user
            .or(self.security_context.run_as_user)
    }

    /// The volume named `name`.
    pub fn volume(&self, name: &str) -> Option<&Volume<'a>> {
        self.volumes.iter().find(|v| v.name == Some(name))
    }
}

/// Which list of the pod spec a container is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerKind {
    Init,
    Regular,
    Ephemeral,
}

impl ContainerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ContainerKind::Init => "init container",
            ContainerKind::Regular => "container",
            ContainerKind::Ephemeral => "ephemeral container",
        }
    }
}

/// A pod-level or container-level `securityContext` (container-only fields are `None` at pod
/// level).
#[derive(Clone, Debug, Default)]
pub struct SecurityContext<'a> {
    pub node: Option<&'a Node>,
    pub run_as_non_root: Option<Field<'a, bool>>,
    pub run_as_user: Option<Field<'a, i64>>,
    pub run_as_group: Option<Field<'a, i64>>,
    pub allow_privilege_escalation: Option<Field<'a, bool>>,
    pub privileged: Option<Field<'a, bool>>,
    pub read_only_root_filesystem: Option<Field<'a, bool>>,
    /// The `capabilities` mapping.
    pub capabilities: Option<&'a Node>,
    pub capabilities_add: Vec<Field<'a, &'a str>>,
    pub capabilities_drop: Vec<Field<'a, &'a str>>,
}

impl<'a> SecurityContext<'a> {
    fn read(node: Option<&'a Node>) -> Self {
        let node = node.filter(|n| n.entries().is_some());
        let capabilities = node.and_then(|n| n.get("capabilities"));
        let names = |key: &str| -> Vec<Field<'a, &'a str>> {
            list(capabilities, key)
                .iter()
                .filter_map(|n| {
                    Some(Field {
                        value: n.as_str()?,
                        node: n,
                    })
                })
                .collect()
        };
        SecurityContext {
            node,
            run_as_non_root: bool_field(node, "runAsNonRoot"),
            run_as_user: int_field(node, "runAsUser"),
            run_as_group: int_field(node, "runAsGroup"),
            allow_privilege_escalation: bool_field(node, "allowPrivilegeEscalation"),
            privileged: bool_field(node, "privileged"),
            read_only_root_filesystem: bool_field(node, "readOnlyRootFilesystem"),
            capabilities,
            capabilities_add: names("add"),
            capabilities_drop: names("drop"),
        }
    }

    /// Whether `drop` holds `ALL`.
    pub fn drops_all(&self) -> bool {
        self.capabilities_drop
            .iter()
            .any(|c| c.value.eq_ignore_ascii_case("ALL"))
    }

    /// Whether `add` holds `name` (with or without the `CAP_` prefix).
    pub fn adds(&self, name: &str) -> bool {
        self.capabilities_add
            .iter()
            .any(|c| capability_name(c.value).eq_ignore_ascii_case(name))
    }
}

/// A capability name without its `CAP_` prefix.
pub fn capability_name(name: &str) -> &str {
    name.strip_prefix("CAP_")
        .or_else(|| name.strip_prefix("cap_"))
        .unwrap_or(name)
}

/// A container.
#[derive(Debug)]
pub struct Container<'a> {
    pub node: &'a Node,
    pub kind: ContainerKind,
    pub name: Option<&'a str>,
    pub image: Option<Field<'a, &'a str>>,
    pub image_pull_policy: Option<Field<'a, &'a str>>,
    pub command: Vec<&'a Node>,
    pub args: Vec<&'a Node>,
    pub security_context: SecurityContext<'a>,
    pub liveness_probe: Option<Probe<'a>>,
    pub readiness_probe: Option<Probe<'a>>,
    pub startup_probe: Option<Probe<'a>>,
    /// `lifecycle.preStop`.
    pub pre_stop: Option<PreStop<'a>>,
    pub resources: Resources<'a>,
    pub env: Vec<EnvVar<'a>>,
    /// `envFrom` entries.
    pub env_from: Vec<&'a Node>,
    pub ports: Vec<ContainerPort<'a>>,
    pub volume_mounts: Vec<VolumeMount<'a>>,
}

impl<'a> Container<'a> {
    fn read(node: &'a Node, kind: ContainerKind) -> Self {
        let n = Some(node);
        let probe = |key: &str| {
            node.get(key)
                .filter(|p| p.entries().is_some())
                .map(Probe::read)
        };
        Container {
            node,
            kind,
            name: node.get("name").and_then(Node::as_str),
            image: str_field(n, "image"),
            image_pull_policy: str_field(n, "imagePullPolicy"),
            command: list(n, "command").iter().collect(),
            args: list(n, "args").iter().collect(),
            security_context: SecurityContext::read(node.get("securityContext")),
            liveness_probe: probe("livenessProbe"),
            readiness_probe: probe("readinessProbe"),
            startup_probe: probe("startupProbe"),
            pre_stop: node
                .get("lifecycle")
                .and_then(|l| l.get("preStop"))
                .map(PreStop::read),
            resources: Resources::read(node.get("resources")),
            env: list(n, "env").iter().filter_map(EnvVar::read).collect(),
            env_from: list(n, "envFrom").iter().collect(),
            ports: list(n, "ports")
                .iter()
                .filter_map(ContainerPort::read)
                .collect(),
            volume_mounts: list(n, "volumeMounts")
                .iter()
                .filter_map(VolumeMount::read)
                .collect(),
        }
    }

    /// `web` or `container #2` for messages.
    pub fn display_name(&self) -> String {
        match self.name {
            Some(name) => format!("{} `{name}`", self.kind.as_str()),
            None => self.kind.as_str().to_owned(),
        }
    }

    /// The port number a probe port (number or named port) refers to.
    pub fn resolve_port(&self, port: &ProbePort<'a>) -> Option<i64> {
        match port {
            ProbePort::Number(n) => Some(*n),
            ProbePort::Name(name) => self
                .ports
                .iter()
                .find(|p| p.name == Some(name))
                .map(|p| p.container_port.value),
        }
    }
}

/// A liveness, readiness or startup probe.
#[derive(Debug)]
pub struct Probe<'a> {
    pub node: &'a Node,
    /// The handler: `httpGet`, `tcpSocket`, `grpc` or `exec`.
    pub handler: Option<(&'a str, &'a Node)>,
    /// The port the handler checks, when it checks one.
    pub port: Option<ProbePort<'a>>,
}

/// A probe's port: a number or the name of a container port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbePort<'a> {
    Number(i64),
    Name(&'a str),
}

impl<'a> Probe<'a> {
    fn read(node: &'a Node) -> Self {
        let handler = ["httpGet", "tcpSocket", "grpc", "exec"]
            .into_iter()
            .find_map(|key| Some((key, node.get(key)?)));
        let port = handler.and_then(|(_, h)| h.get("port")).and_then(|p| {
            p.as_i64()
                .or_else(|| p.as_i64_lenient())
                .map(ProbePort::Number)
                .or_else(|| p.as_str().map(ProbePort::Name))
        });
        Probe {
            node,
            handler,
            port,
        }
    }
}

/// `lifecycle.preStop`.
#[derive(Debug)]
pub struct PreStop<'a> {
    pub node: &'a Node,
    /// Seconds the hook sleeps, when it visibly sleeps: the `sleep` action, or an `exec` whose
    /// command runs `sleep N`.
    pub sleep_seconds: Option<Field<'a, u64>>,
}

impl<'a> PreStop<'a> {
    fn read(node: &'a Node) -> Self {
        let from_action = node
            .get("sleep")
            .and_then(|s| s.get("seconds"))
            .and_then(|n| {
                Some(Field {
                    value: u64::try_from(n.as_i64_lenient()?).ok()?,
                    node: n,
                })
            });
        let from_exec = || {
            let command = node.get("exec")?.get("command")?;
            let words: Vec<&Node> = command.items()?.iter().collect();
            words
                .iter()
                .find_map(|w| {
                    Some(Field {
                        value: sleep_in(w.as_str()?)?,
                        node: w,
                    })
                })
                .or_else(|| {
                    // `["sleep", "15"]`
                    words.windows(2).find_map(|pair| {
                        (pair[0].as_str()? == "sleep")
                            .then(|| parse_seconds(pair[1].as_str()?))
                            .flatten()
                            .map(|value| Field {
                                value,
                                node: pair[1],
                            })
                    })
                })
        };
        PreStop {
            node,
            sleep_seconds: from_action.or_else(from_exec),
        }
    }
}

/// The seconds of a `sleep N` inside a shell command (`sh -c "sleep 10 && nginx -s quit"`).
fn sleep_in(text: &str) -> Option<u64> {
    let mut words = text.split(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|');
    while let Some(word) = words.next() {
        if word == "sleep" || word.ends_with("/sleep") {
            return words.find(|w| !w.is_empty()).and_then(parse_seconds);
        }
    }
    None
}

/// `15`, `15s`, `1m`, `1.5` (rounded up) as seconds.
fn parse_seconds(text: &str) -> Option<u64> {
    let text = text.trim_matches(['"', '\'']);
    let (number, unit) = match text.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => text.split_at(i),
        None => (text, ""),
    };
    let value: f64 = number.parse().ok()?;
    let scale = match unit {
        "" | "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return None,
    };
    let seconds = (value * scale).ceil();
    (seconds.is_finite() && (0.0..1e12).contains(&seconds)).then_some(seconds as u64)
}

/// `resources`.
#[derive(Debug, Default)]
pub struct Resources<'a> {
    pub node: Option<&'a Node>,
    pub requests: Option<&'a Node>,
    pub limits: Option<&'a Node>,
}

impl<'a> Resources<'a> {
    fn read(node: Option<&'a Node>) -> Self {
        Resources {
            node,
            requests: node.and_then(|n| n.get("requests")),
            limits: node.and_then(|n| n.get("limits")),
        }
    }

    pub fn request(&self, resource: &str) -> Option<&'a Node> {
        self.requests?.get(resource).filter(|n| !n.is_null())
    }

    pub fn limit(&self, resource: &str) -> Option<&'a Node> {
        self.limits?.get(resource).filter(|n| !n.is_null())
    }
}

/// One `env` entry.
#[derive(Debug)]
pub struct EnvVar<'a> {
    pub node: &'a Node,
    pub name: Field<'a, &'a str>,
    /// A literal `value`.
    pub value: Option<Field<'a, &'a str>>,
    /// `valueFrom`.
    pub value_from: Option<&'a Node>,
}

impl<'a> EnvVar<'a> {
    fn read(node: &'a Node) -> Option<Self> {
        Some(EnvVar {
            node,
            name: str_field(Some(node), "name")?,
            value: str_field(Some(node), "value"),
            value_from: node.get("valueFrom"),
        })
    }
}

/// One `ports` entry of a container.
#[derive(Debug)]
pub struct ContainerPort<'a> {
    pub node: &'a Node,
    pub name: Option<&'a str>,
    pub container_port: Field<'a, i64>,
    pub protocol: Option<&'a str>,
}

impl<'a> ContainerPort<'a> {
    fn read(node: &'a Node) -> Option<Self> {
        Some(ContainerPort {
            node,
            name: node.get("name").and_then(Node::as_str),
            container_port: int_field(Some(node), "containerPort")?,
            protocol: node.get("protocol").and_then(Node::as_str),
        })
    }
}

/// One `volumeMounts` entry.
#[derive(Debug)]
pub struct VolumeMount<'a> {
    pub node: &'a Node,
    pub name: Option<&'a str>,
    pub mount_path: Option<Field<'a, &'a str>>,
    pub read_only: Option<Field<'a, bool>>,
}

impl<'a> VolumeMount<'a> {
    fn read(node: &'a Node) -> Option<Self> {
        node.entries()?;
        Some(VolumeMount {
            node,
            name: node.get("name").and_then(Node::as_str),
            mount_path: str_field(Some(node), "mountPath"),
            read_only: bool_field(Some(node), "readOnly"),
        })
    }
}

/// One pod `volumes` entry.
#[derive(Debug)]
pub struct Volume<'a> {
    pub node: &'a Node,
    pub name: Option<&'a str>,
    /// `hostPath.path`.
    pub host_path: Option<Field<'a, &'a str>>,
}

impl<'a> Volume<'a> {
    fn read(node: &'a Node) -> Option<Self> {
        node.entries()?;
        Some(Volume {
            node,
            name: node.get("name").and_then(Node::as_str),
            host_path: str_field(node.get("hostPath"), "path"),
        })
    }
}

/// Whether two nodes hold the same YAML value (locations, styles and tags aside; scalars by
/// text). Used for "liveness and readiness probes are identical".
pub fn same_value(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Scalar(x, _), Value::Scalar(y, _)) => x == y,
        (Value::Sequence(x), Value::Sequence(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(p, q))
        }
        (Value::Mapping(x), Value::Mapping(y)) => {
            x.len() == y.len()
                && x.iter().all(|e| {
                    e.key.as_scalar().is_some_and(|key| {
                        b.get(key).is_some_and(|other| same_value(&e.value, other))
                    })
                })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;
