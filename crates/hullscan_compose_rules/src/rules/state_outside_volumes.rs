//! HS914: a well-known stateful server whose data directory has no volume.

use hullscan_diagnostics::declare_rule;

use crate::{Finding, ServiceCheck};

declare_rule! {
    /// ## What it does
    /// Finds services running a well-known database or broker image (PostgreSQL, MySQL,
    /// MariaDB, MongoDB, Elasticsearch, RabbitMQ, and others; not Redis, often a cache) with no volume or bind mount on
    /// the directory where that image keeps its data, nor on a parent of it. Only images whose
    /// data directory is documented and fixed are judged; an image hullscan does not know is
    /// never reported. PostgreSQL images from 18 on (and untagged or `latest`, which are 18 or
    /// later) keep their data under `/var/lib/postgresql` (`PGDATA` is
    /// `/var/lib/postgresql/18/docker`): a volume on the old `/var/lib/postgresql/data` holds
    /// none of it and is reported.
    ///
    /// ## Why is this bad?
    /// Containers are disposable: what a service writes outside a volume lives in the
    /// container's writable layer (or in an anonymous volume the image declares), and is gone
    /// when the container is removed, by `docker compose down`, a recreate after an image
    /// change, or a cleanup. State belongs in a named volume (or a bind mount) that outlives
    /// the container, so it can be backed up and the container replaced at will.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     volumes:
    ///       - pgdata:/var/lib/postgresql/data
    /// volumes:
    ///   pgdata:
    /// ```
    pub static STATE_OUTSIDE_VOLUMES = {
        code: "HS914",
        name: "compose-state-outside-volumes",
        aliases: [],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "Stateful service keeps its data outside any volume",
    };
}

/// Image repository (last path segment, as on Docker Hub's official images and their common
/// mirrors) → the data directory its documentation names. Redis and Valkey are left out: they
/// run as throw-away caches as often as stores, so a missing volume is no sign of lost data.
const DATA_DIRECTORIES: &[(&str, &str)] = &[
    ("postgres", "/var/lib/postgresql/data"),
    ("postgis", "/var/lib/postgresql/data"),
    ("timescaledb", "/var/lib/postgresql/data"),
    ("mysql", "/var/lib/mysql"),
    ("mariadb", "/var/lib/mysql"),
    ("percona", "/var/lib/mysql"),
    ("mongo", "/data/db"),
    ("elasticsearch", "/usr/share/elasticsearch/data"),
    ("opensearch", "/usr/share/opensearch/data"),
    ("rabbitmq", "/var/lib/rabbitmq"),
    ("cassandra", "/var/lib/cassandra"),
    ("couchdb", "/opt/couchdb/data"),
    ("influxdb", "/var/lib/influxdb2"),
    ("neo4j", "/data"),
    ("clickhouse-server", "/var/lib/clickhouse"),
    ("minio", "/data"),
];

/// Where the official PostgreSQL image keeps its data from 18 on: its `VOLUME`, above
/// `PGDATA=/var/lib/postgresql/18/docker` (the pg_ctlcluster layout).
const POSTGRES_18_DATA: &str = "/var/lib/postgresql";

/// Whether a `postgres`/`postgis` reference names major version 18 or later: its tag starts
/// with that number (`18-alpine`, `18.1`; for PostGIS the PostgreSQL major comes first,
/// `18-3.6`), or it has no numeric tag (`latest`, `alpine`, none), which is the newest.
fn postgres_18_or_later(reference: &str) -> bool {
    let without_digest = reference.split('@').next().unwrap_or(reference);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    let Some((_, tag)) = last.split_once(':') else {
        return true;
    };
    let major: String = tag.chars().take_while(char::is_ascii_digit).collect();
    major.parse::<u32>().map_or(true, |major| major >= 18)
}

/// The repository name of an image reference: registry and namespace dropped, tag and
/// digest cut off (`docker.io/library/postgres:16-alpine` → `postgres`).
fn repository(reference: &str) -> &str {
    let without_digest = reference.split('@').next().unwrap_or(reference);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split(':').next().unwrap_or(last)
}

/// Whether a mount on `target` holds what is written under `directory`.
fn covers(target: &str, directory: &str) -> bool {
    let target = target.trim_end_matches('/');
    target.is_empty()
        || directory == target
        || directory
            .strip_prefix(target)
            .is_some_and(|rest| rest.starts_with('/'))
}

pub(crate) fn check(check: &ServiceCheck<'_>, out: &mut Vec<Finding>) {
    // A service built from the repository's Dockerfile may keep its data anywhere.
    if check.service.get("build").is_some() {
        return;
    }
    let Some(node) = check.service.image() else {
        return;
    };
    let Some(scalar) = node.scalar() else { return };
    if scalar.unknown {
        return;
    }
    let reference = scalar.text.trim();
    let repository = repository(reference);
    let Some((_, directory)) = DATA_DIRECTORIES
        .iter()
        .find(|(name, _)| *name == repository)
    else {
        return;
    };
    let directory =
        if matches!(repository, "postgres" | "postgis") && postgres_18_or_later(reference) {
            POSTGRES_18_DATA
        } else {
            directory
        };
    let mounts = check.service.mounts();
    if mounts.iter().any(|mount| covers(&mount.target, directory)) {
        return;
    }
    // A tmpfs there is a deliberate choice of throw-away data (tests, caches).
    let tmpfs_targets: Vec<&str> = match check.service.get("tmpfs") {
        Some(node) => match node.items() {
            Some(items) => items.iter().filter_map(|item| item.as_str()).collect(),
            None => node.as_str().into_iter().collect(),
        },
        None => Vec::new(),
    };
    if tmpfs_targets
        .iter()
        .any(|target| covers(target.split(':').next().unwrap_or(target), directory))
    {
        return;
    }
    // The data directory may be moved by the environment (PGDATA and friends); a service that
    // sets such a variable is not judged, as its data may well sit in a mounted directory.
    const MOVERS: [&str; 3] = ["PGDATA", "MYSQL_DATADIR", "REDIS_DATA_DIR"];
    if check.service.get("environment").is_some_and(|environment| {
        MOVERS.iter().any(|key| environment.get(key).is_some())
            || environment.items().is_some_and(|items| {
                items.iter().filter_map(|item| item.as_str()).any(|item| {
                    let key = item.split('=').next().unwrap_or(item);
                    MOVERS.contains(&key)
                })
            })
    }) {
        return;
    }
    out.push(check.finding(
        &STATE_OUTSIDE_VOLUMES,
        node.at,
        format!(
            "service `{}` runs `{repository}`, which keeps its data in `{directory}`, but no volume is mounted there: the data is lost with the container; mount a named volume on `{directory}`",
            check.service.name
        ),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_and_coverage() {
        assert_eq!(
            repository("docker.io/library/postgres:16-alpine"),
            "postgres"
        );
        assert_eq!(repository("bitnami/redis@sha256:abc"), "redis");
        assert_eq!(repository("mongo"), "mongo");
        assert!(covers(
            "/var/lib/postgresql/data",
            "/var/lib/postgresql/data"
        ));
        assert!(covers("/var/lib/postgresql/", "/var/lib/postgresql/data"));
        assert!(!covers("/var/lib/postgres", "/var/lib/postgresql/data"));
        assert!(!covers("/data/db/x", "/data/db"));
        assert!(postgres_18_or_later("postgres:18-alpine"));
        assert!(postgres_18_or_later("postgres"));
        assert!(postgres_18_or_later("postgres:alpine"));
        assert!(postgres_18_or_later("postgis/postgis:18-3.6"));
        assert!(!postgres_18_or_later("postgres:17.5-bookworm"));
        assert!(!postgres_18_or_later(
            "docker.io/library/postgres:9.6@sha256:abc"
        ));
    }
}
