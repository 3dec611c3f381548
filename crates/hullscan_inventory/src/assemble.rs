//! Combines the layers' catalogs into the final view's inventory.

use std::collections::{HashMap, HashSet};

use crate::kind::{FileKind, classify};
use crate::model::{CatalogedFile, Inventory, LayerCatalog, OsRelease, Package};
use crate::purl::package_purl;

/// Which OS release file wins when several are present: os-release first, then the older
/// distribution-specific files, `debian_version` last (it has no id beyond "debian").
fn os_priority(path: &str) -> u8 {
    match path {
        "etc/os-release" => 0,
        "usr/lib/os-release" => 1,
        "etc/alpine-release" => 2,
        "etc/lsb-release" => 4,
        "etc/debian_version" => 5,
        _ => 3,
    }
}

fn same_package(a: &Package, b: &Package) -> bool {
    a.ecosystem == b.ecosystem && a.name == b.name && a.version == b.version && a.arch == b.arch
}

/// The file an evidence string names (a nested archive is written `outer.jar!/inner.jar`).
fn evidence_file(evidence: &str) -> &str {
    evidence.split_once('!').map_or(evidence, |(file, _)| file)
}

pub fn assemble(layers: &[LayerCatalog], in_final: &dyn Fn(usize, &str) -> bool) -> Inventory {
    let by_path: Vec<HashMap<&str, &CatalogedFile>> = layers
        .iter()
        .map(|layer| layer.files.iter().map(|f| (f.path.as_str(), f)).collect())
        .collect();
    let finals: Vec<(usize, &CatalogedFile)> = layers
        .iter()
        .enumerate()
        .flat_map(|(i, layer)| layer.files.iter().map(move |f| (i, f)))
        .filter(|(i, f)| in_final(*i, &f.path))
        .collect();

    let os: Option<OsRelease> = finals
        .iter()
        .filter_map(|(_, f)| f.os.as_ref())
        .min_by_key(|os| os_priority(&os.evidence))
        .cloned()
        .map(|mut os| {
            // os-release without a VERSION_ID (Debian testing) can still take the release number
            // from a fallback file that has one; the fallbacks agree on the id.
            if os.osv_ecosystem.is_none()
                && let Some(fallback) = finals
                    .iter()
                    .filter_map(|(_, f)| f.os.as_ref())
                    .find(|other| other.id == os.id && other.osv_ecosystem.is_some())
            {
                os.version_id.clone_from(&fallback.version_id);
                os.osv_ecosystem.clone_from(&fallback.osv_ecosystem);
            }
            os
        });

    let owned: HashSet<&str> = finals
        .iter()
        .flat_map(|(_, f)| f.owned_paths.iter().map(String::as_str))
        .collect();

    let mut inventory = Inventory {
        os: os.clone(),
        ..Inventory::default()
    };
    let mut owned_skipped = 0usize;
    for (layer, file) in &finals {
        inventory.notes.extend(file.notes.iter().cloned());
        let os_database = classify(&file.path, 0).is_some_and(FileKind::is_os_database);
        for package in &file.packages {
            if !package.ecosystem.is_os()
                && !os_database
                && package
                    .evidence
                    .iter()
                    .any(|e| owned.contains(evidence_file(e)))
            {
                owned_skipped += 1;
                continue;
            }
            let mut package = package.clone();
            package.layer = Some(first_continuous_layer(
                &by_path, *layer, &file.path, &package,
            ));
            if package.ecosystem.is_os() {
                package.purl = package_purl(&package, os.as_ref());
            }
            inventory.packages.push(package);
        }
    }
    if owned_skipped > 0 {
        inventory.notes.push(format!(
            "{owned_skipped} language package(s) not reported again: their files belong to an OS package"
        ));
    }
    inventory.packages.sort_by(|a, b| {
        (a.ecosystem, &a.name, &a.version, &a.evidence).cmp(&(
            b.ecosystem,
            &b.name,
            &b.version,
            &b.evidence,
        ))
    });
    inventory
        .packages
        .dedup_by(|a, b| same_package(a, b) && a.evidence == b.evidence);
    inventory
}

/// The lowest layer from which `package`, found in `path` as layer `top` wrote it, is
/// continuously present: going down, layers that rewrote `path` with the package in it move
/// the answer down; the first rewrite without it stops the walk.
fn first_continuous_layer(
    by_path: &[HashMap<&str, &CatalogedFile>],
    top: usize,
    path: &str,
    package: &Package,
) -> usize {
    let mut first = top;
    for layer in (0..top).rev() {
        let Some(file) = by_path[layer].get(path) else {
            continue;
        };
        if file.packages.iter().any(|p| same_package(p, package)) {
            first = layer;
        } else {
            break;
        }
    }
    first
}
