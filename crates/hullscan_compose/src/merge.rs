//! How Compose combines two definitions of the same thing: an override file over the files
//! before it, and a service over the one it `extends` (compose-go's `override` package; the
//! reference's §3.6–3.7).
//!
//! - mappings merge key by key, the later value winning for scalars;
//! - `command`, `entrypoint` and `healthcheck.test` are replaced, not appended;
//! - `volumes`, `secrets` and `configs` are unique by target, `ports` by their mapping, and
//!   capability/option lists by value; other sequences append;
//! - `!reset` drops the earlier value, `!override` replaces it whole.
//!
//! `environment`, `labels`, `build.args`, `sysctls` and `annotations` are turned into mappings
//! first ([`normalize_service`]), so the list and map forms merge alike.

use crate::tree::{Key, Kind, MergeTag, Node, Scalar};

/// Merges `over` onto `base`; `path` is where the values sit (`["services", "web", "ports"]`).
pub fn merge(base: Node, over: Node, path: &mut Vec<String>) -> Node {
    if over.tag == Some(MergeTag::Override) {
        return strip_tags(over);
    }
    if over.tag == Some(MergeTag::Reset) {
        return Node {
            kind: Kind::Null,
            tag: Some(MergeTag::Reset),
            ..over
        };
    }
    match (base.kind, over.kind) {
        (Kind::Map(mut entries), Kind::Map(over_entries)) => {
            for (key, value) in over_entries {
                let existing = entries.iter().position(|(k, _)| k.name == key.name);
                if value.tag == Some(MergeTag::Reset) {
                    if let Some(index) = existing {
                        entries.remove(index);
                    }
                    continue;
                }
                match existing {
                    Some(index) => {
                        let (_, old) = entries.remove(index);
                        path.push(key.name.clone());
                        let merged = merge(old, value, path);
                        path.pop();
                        entries.insert(index, (key, merged));
                    }
                    None => entries.push((key, strip_tags(value))),
                }
            }
            Node {
                kind: Kind::Map(entries),
                ..over
            }
        }
        (Kind::Seq(mut items), Kind::Seq(over_items)) => {
            let kind = sequence_kind(path);
            match kind {
                SequenceMerge::Replace => {
                    return Node {
                        kind: Kind::Seq(over_items),
                        ..over
                    };
                }
                SequenceMerge::Append => items.extend(over_items.into_iter().map(strip_tags)),
                SequenceMerge::UniqueBy(key_of) => {
                    for item in over_items {
                        let key = key_of(&item);
                        match items
                            .iter()
                            .position(|old| key.is_some() && key_of(old) == key)
                        {
                            Some(index) => items[index] = strip_tags(item),
                            None => items.push(strip_tags(item)),
                        }
                    }
                }
            }
            Node {
                kind: Kind::Seq(items),
                ..over
            }
        }
        (_, kind) => strip_tags(Node { kind, ..over }),
    }
}

enum SequenceMerge {
    Replace,
    Append,
    UniqueBy(fn(&Node) -> Option<String>),
}

fn sequence_kind(path: &[String]) -> SequenceMerge {
    let in_service = path.len() >= 3 && path[0] == "services";
    if !in_service {
        return SequenceMerge::Append;
    }
    let rest: Vec<&str> = path[2..].iter().map(String::as_str).collect();
    match rest.as_slice() {
        ["command"] | ["entrypoint"] | ["healthcheck", "test"] => SequenceMerge::Replace,
        ["volumes"] | ["secrets"] | ["configs"] => SequenceMerge::UniqueBy(mount_target),
        ["ports"] => SequenceMerge::UniqueBy(port_key),
        ["cap_add"]
        | ["cap_drop"]
        | ["security_opt"]
        | ["expose"]
        | ["devices"]
        | ["device_cgroup_rules"]
        | ["external_links"]
        | ["links"]
        | ["profiles"]
        | ["group_add"] => SequenceMerge::UniqueBy(scalar_key),
        _ => SequenceMerge::Append,
    }
}

fn scalar_key(node: &Node) -> Option<String> {
    node.as_str().map(str::to_owned)
}

/// The container path of a `volumes`/`secrets`/`configs` entry.
pub fn mount_target(node: &Node) -> Option<String> {
    match &node.kind {
        Kind::Scalar(s) => Some(short_volume_target(&s.text).to_owned()),
        Kind::Map(_) => node
            .get("target")
            .and_then(Node::as_str)
            .map(str::to_owned)
            .or_else(|| node.get("source").and_then(Node::as_str).map(str::to_owned)),
        _ => None,
    }
}

/// The target of a short volume spec `SRC:DST[:MODE]` (or `DST` alone).
pub fn short_volume_target(spec: &str) -> &str {
    let parts: Vec<&str> = split_volume(spec);
    match parts.as_slice() {
        [only] => only,
        [_, target] | [_, target, _] => target,
        _ => spec,
    }
}

/// Splits a short volume spec on `:`, keeping a Windows drive letter (`C:\x`) whole.
pub fn split_volume(spec: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = spec.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b':' {
            // `C:\x`, or `C:/x:/dst` (a one-letter volume name, `a:/data`, stays a volume).
            let is_drive = i == start + 1
                && bytes[start].is_ascii_alphabetic()
                && match bytes.get(i + 1) {
                    Some(b'\\') => true,
                    Some(b'/') => spec[i + 1..].contains(":/"),
                    _ => false,
                };
            if !is_drive {
                parts.push(&spec[start..i]);
                start = i + 1;
            }
        }
        i += 1;
    }
    parts.push(&spec[start..]);
    parts
}

fn port_key(node: &Node) -> Option<String> {
    match &node.kind {
        Kind::Scalar(s) => Some(s.text.clone()),
        Kind::Map(_) => {
            let field = |name: &str| node.get(name).and_then(Node::as_str).unwrap_or("");
            Some(format!(
                "{}:{}:{}/{}",
                field("host_ip"),
                field("published"),
                field("target"),
                field("protocol")
            ))
        }
        _ => None,
    }
}

/// Drops `!reset`/`!override` tags (and entries tagged `!reset` with nothing to reset).
pub fn strip_tags(mut node: Node) -> Node {
    node.tag = None;
    node.kind = match node.kind {
        Kind::Map(entries) => Kind::Map(
            entries
                .into_iter()
                .filter(|(_, v)| v.tag != Some(MergeTag::Reset))
                .map(|(k, v)| (k, strip_tags(v)))
                .collect(),
        ),
        Kind::Seq(items) => Kind::Seq(
            items
                .into_iter()
                .filter(|v| v.tag != Some(MergeTag::Reset))
                .map(strip_tags)
                .collect(),
        ),
        other => other,
    };
    node
}

/// The service keys whose list form (`- KEY=VALUE`) means the same as a mapping.
const KEY_VALUE_FIELDS: &[&[&str]] = &[
    &["environment"],
    &["labels"],
    &["annotations"],
    &["sysctls"],
    &["build", "args"],
    &["build", "labels"],
    &["deploy", "labels"],
];

/// Turns the list forms of key/value fields into mappings, so they merge by key. A list item
/// `KEY` without `=` becomes `KEY: null` (its value then comes from the environment).
pub fn normalize_service(service: &mut Node) {
    for path in KEY_VALUE_FIELDS {
        if let Some(node) = get_mut_path(service, path) {
            list_to_map(node);
        }
    }
}

fn get_mut_path<'n>(node: &'n mut Node, path: &[&str]) -> Option<&'n mut Node> {
    let mut node = node;
    for key in path {
        let Kind::Map(entries) = &mut node.kind else {
            return None;
        };
        node = entries
            .iter_mut()
            .rev()
            .find(|(k, _)| k.name == *key)
            .map(|(_, v)| v)?;
    }
    Some(node)
}

fn list_to_map(node: &mut Node) {
    let Kind::Seq(items) = &node.kind else {
        return;
    };
    let mut entries: Vec<(Key, Node)> = Vec::with_capacity(items.len());
    for item in items {
        let Some(scalar) = item.scalar() else {
            continue;
        };
        let (name, value) = match scalar.text.split_once('=') {
            Some((name, value)) => (
                name.to_owned(),
                Kind::Scalar(Scalar {
                    text: value.to_owned(),
                    ..scalar.clone()
                }),
            ),
            None => (scalar.text.clone(), Kind::Null),
        };
        entries.retain(|(k, _)| k.name != name);
        entries.push((
            Key { name, at: item.at },
            Node {
                kind: value,
                at: item.at,
                defined: item.defined,
                tag: None,
            },
        ));
    }
    node.kind = Kind::Map(entries);
}
