//! Reading an SBOM back into an [`Inventory`], so a stored SBOM can be re-matched without the
//! image: CycloneDX JSON (1.4 to 1.6), SPDX 2.x JSON and hullscan's own JSON
//! (docs/sbom-json.md). Packages are identified by their package URL; hullscan's properties
//! (source package, layer, evidence, the OSV ecosystem of the release) are used when present,
//! and the common ones other tools write (a purl's `upstream=` and `distro=` qualifiers) too.

use hullscan_inventory::{Ecosystem, Inventory, OsRelease, Package, SourcePackage};
use serde_json::Value;

use crate::percent::decode;

/// Which kind of document it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SbomKind {
    CycloneDx,
    Spdx,
    Hullscan,
}

impl SbomKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SbomKind::CycloneDx => "CycloneDX",
            SbomKind::Spdx => "SPDX",
            SbomKind::Hullscan => "hullscan JSON",
        }
    }
}

/// What an SBOM says: the subject's name, its layers' diff IDs (when known), the inventory.
#[derive(Clone, Debug, Default)]
pub struct SbomInventory {
    pub subject: Option<String>,
    pub layers: Vec<String>,
    pub inventory: Inventory,
}

/// Whether `bytes` look like an SBOM this module reads (cheap: the first bytes only).
pub fn looks_like_sbom(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    text.trim_start().starts_with('{')
        && (text.contains("\"bomFormat\"")
            || text.contains("\"spdxVersion\"")
            || text.contains("\"format_version\""))
}

/// Reads an SBOM. `name` is used in errors.
pub fn read(name: &str, bytes: &[u8]) -> Result<(SbomKind, SbomInventory), String> {
    let doc: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("{name}: not a JSON SBOM: {e}"))?;
    let mut out = SbomInventory::default();
    let kind = if doc.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        read_cyclonedx(&doc, &mut out);
        SbomKind::CycloneDx
    } else if doc.get("spdxVersion").is_some() {
        read_spdx(&doc, &mut out);
        SbomKind::Spdx
    } else if doc.get("format_version").is_some() && doc.get("packages").is_some() {
        read_native(&doc, &mut out);
        SbomKind::Hullscan
    } else {
        return Err(format!(
            "{name}: not a CycloneDX, SPDX or hullscan JSON SBOM (no bomFormat, spdxVersion or format_version)"
        ));
    };
    finish(&mut out.inventory);
    Ok((kind, out))
}

fn str_of<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// A purl split into its parts, percent-decoded.
struct Purl {
    kind: String,
    namespace: Vec<String>,
    name: String,
    version: Option<String>,
    qualifiers: Vec<(String, String)>,
}

impl Purl {
    fn qualifier(&self, key: &str) -> Option<&str> {
        self.qualifiers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn parse_purl(purl: &str) -> Option<Purl> {
    let rest = purl.trim().strip_prefix("pkg:")?;
    let rest = rest.split('#').next().unwrap_or(rest);
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (path, version) = match rest.rsplit_once('@') {
        Some((path, version)) if !path.ends_with('/') && path.contains('/') => {
            (path, Some(decode(version)))
        }
        _ => (rest, None),
    };
    let mut segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode)
        .collect();
    if segments.len() < 2 {
        return None;
    }
    let kind = segments.remove(0).to_ascii_lowercase();
    let name = segments.pop()?;
    let qualifiers = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_ascii_lowercase(), decode(v)))
        .collect();
    Some(Purl {
        kind,
        namespace: segments,
        name,
        version,
        qualifiers,
    })
}

/// The inventory package a purl names, with `version` (the document's own version field)
/// preferred over the purl's.
fn package_from_purl(purl_text: &str, version: Option<&str>) -> Option<(Package, Option<String>)> {
    let purl = parse_purl(purl_text)?;
    let ecosystem = match purl.kind.as_str() {
        "deb" => Ecosystem::Dpkg,
        "apk" => Ecosystem::Apk,
        "rpm" => Ecosystem::Rpm,
        "pypi" => Ecosystem::PyPI,
        "npm" => Ecosystem::Npm,
        "golang" => Ecosystem::Go,
        "cargo" => Ecosystem::CratesIo,
        "maven" => Ecosystem::Maven,
        "gem" => Ecosystem::RubyGems,
        "nuget" => Ecosystem::NuGet,
        "composer" => Ecosystem::Packagist,
        _ => return None,
    };
    let namespace = purl.namespace.join("/");
    let name = match ecosystem {
        Ecosystem::Maven if !namespace.is_empty() => format!("{namespace}:{}", purl.name),
        Ecosystem::Npm | Ecosystem::Go | Ecosystem::Packagist if !namespace.is_empty() => {
            format!("{namespace}/{}", purl.name)
        }
        _ => purl.name.clone(),
    };
    let mut version = version
        .map(str::to_owned)
        .or_else(|| purl.version.clone())
        .unwrap_or_default();
    if ecosystem == Ecosystem::Rpm
        && !version.contains(':')
        && let Some(epoch) = purl.qualifier("epoch").filter(|e| *e != "0")
    {
        version = format!("{epoch}:{version}");
    }
    // syft writes the source as `upstream=NAME` or `upstream=NAME@VERSION`.
    let source = purl.qualifier("upstream").map(|upstream| {
        let (name, source_version) = upstream.split_once('@').unwrap_or((upstream, ""));
        SourcePackage {
            name: name.trim().to_owned(),
            version: if source_version.is_empty() {
                version.clone()
            } else {
                source_version.to_owned()
            },
        }
    });
    let distro = purl.qualifier("distro").map(str::to_owned);
    Some((
        Package {
            name,
            version,
            ecosystem,
            purl: purl_text.trim().to_owned(),
            source,
            arch: purl.qualifier("arch").map(str::to_owned),
            licenses: Vec::new(),
            evidence: Vec::new(),
            layer: None,
        },
        distro,
    ))
}

/// `debian-12` (a purl's `distro=`) as an OS release.
fn release_from_distro(distro: &str) -> OsRelease {
    let (id, version) = match distro.split_once('-') {
        Some((id, version)) if version.starts_with(|c: char| c.is_ascii_digit()) => {
            (id, Some(version.to_owned()))
        }
        _ => (distro, None),
    };
    let mut release = OsRelease {
        id: id.to_ascii_lowercase(),
        version_id: version,
        evidence: "purl distro qualifier".to_owned(),
        ..OsRelease::default()
    };
    release.osv_ecosystem = osv_ecosystem(&release);
    release
}

/// OSV's ecosystem for a release, decided by the inventory's own os-release reader (one
/// mapping for images and SBOMs alike).
fn osv_ecosystem(release: &OsRelease) -> Option<String> {
    let text = format!(
        "ID={}\nVERSION_ID=\"{}\"\nPRETTY_NAME=\"{}\"\n",
        release.id.replace(['\n', '"'], ""),
        release
            .version_id
            .as_deref()
            .unwrap_or("")
            .replace(['\n', '"'], ""),
        release
            .pretty_name
            .as_deref()
            .unwrap_or("")
            .replace(['\n', '"'], "")
    );
    hullscan_inventory::catalog_file("etc/os-release", text.as_bytes())
        .os
        .and_then(|os| os.osv_ecosystem)
}

fn os_release(
    id: &str,
    version: Option<&str>,
    osv: Option<&str>,
    pretty: Option<&str>,
) -> OsRelease {
    let mut release = OsRelease {
        id: id.to_ascii_lowercase(),
        version_id: version.map(str::to_owned),
        pretty_name: pretty.map(str::to_owned),
        osv_ecosystem: osv.map(str::to_owned),
        evidence: "SBOM".to_owned(),
    };
    if release.osv_ecosystem.is_none() {
        release.osv_ecosystem = osv_ecosystem(&release);
    }
    release
}

/// Fills what a document left out: the OS release from a `distro=` qualifier when no OS entry
/// was given, and every OS package's source (itself, when none is named).
fn finish(inventory: &mut Inventory) {
    for package in &mut inventory.packages {
        if package.ecosystem.is_os() && package.source.is_none() {
            package.source = Some(SourcePackage {
                name: package.name.clone(),
                version: package.version.clone(),
            });
        }
    }
    inventory.packages.sort_by(|a, b| {
        (a.ecosystem, &a.name, &a.version).cmp(&(b.ecosystem, &b.name, &b.version))
    });
}

fn set_distro(inventory: &mut Inventory, distro: Option<String>) {
    if inventory.os.is_none()
        && let Some(distro) = distro
    {
        inventory.os = Some(release_from_distro(&distro));
    }
}

fn properties(component: &Value) -> Vec<(&str, &str)> {
    component
        .get("properties")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|p| Some((str_of(p, "name")?, p.get("value")?.as_str()?)))
                .collect()
        })
        .unwrap_or_default()
}

fn read_cyclonedx(doc: &Value, out: &mut SbomInventory) {
    let metadata = doc.get("metadata");
    if let Some(root) = metadata.and_then(|m| m.get("component")) {
        out.subject = str_of(root, "name").map(str::to_owned);
        let props = properties(root);
        let mut index = 0;
        while let Some((_, diff_id)) = props
            .iter()
            .find(|(k, _)| *k == format!("hullscan:layer:{index}:diff_id"))
        {
            out.layers.push((*diff_id).to_owned());
            index += 1;
        }
    }
    let mut stack: Vec<&Value> = doc
        .get("components")
        .and_then(Value::as_array)
        .map(|list| list.iter().collect())
        .unwrap_or_default();
    let mut distros = Vec::new();
    while let Some(component) = stack.pop() {
        if let Some(children) = component.get("components").and_then(Value::as_array) {
            stack.extend(children);
        }
        let props = properties(component);
        let prop = |key: &str| props.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        if str_of(component, "type") == Some("operating-system") {
            out.inventory.os = Some(os_release(
                str_of(component, "name").unwrap_or(""),
                str_of(component, "version"),
                prop("hullscan:osv:ecosystem"),
                str_of(component, "description"),
            ));
            continue;
        }
        let Some(purl) = str_of(component, "purl") else {
            continue;
        };
        let Some((mut package, distro)) = package_from_purl(purl, str_of(component, "version"))
        else {
            continue;
        };
        distros.extend(distro);
        // trivy's names for the source package; hullscan's own below win.
        if let (Some(name), version) = (
            prop("aquasecurity:trivy:SrcName"),
            prop("aquasecurity:trivy:SrcVersion"),
        ) {
            package.source = Some(SourcePackage {
                name: name.to_owned(),
                version: version.unwrap_or(&package.version).to_owned(),
            });
        }
        if let (Some(name), Some(version)) = (
            prop("hullscan:source:name"),
            prop("hullscan:source:version"),
        ) {
            package.source = Some(SourcePackage {
                name: name.to_owned(),
                version: version.to_owned(),
            });
        }
        package.layer = prop("hullscan:layer:index").and_then(|l| l.parse().ok());
        package.evidence = props
            .iter()
            .filter(|(k, _)| *k == "hullscan:evidence:path")
            .map(|(_, v)| v.trim_start_matches('/').to_owned())
            .collect();
        out.inventory.packages.push(package);
    }
    set_distro(&mut out.inventory, distros.into_iter().next());
}

fn read_spdx(doc: &Value, out: &mut SbomInventory) {
    out.subject = str_of(doc, "name").map(str::to_owned);
    let mut distros = Vec::new();
    for package in doc
        .get("packages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if str_of(package, "primaryPackagePurpose") == Some("OPERATING_SYSTEM")
            || str_of(package, "primaryPackagePurpose") == Some("OPERATING-SYSTEM")
        {
            out.inventory.os = Some(os_release(
                str_of(package, "name").unwrap_or(""),
                str_of(package, "versionInfo"),
                None,
                str_of(package, "comment"),
            ));
            continue;
        }
        let purl = package
            .get("externalRefs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|r| str_of(r, "referenceType") == Some("purl"))
            .and_then(|r| str_of(r, "referenceLocator"));
        let Some(purl) = purl else { continue };
        let Some((mut inventory_package, distro)) =
            package_from_purl(purl, str_of(package, "versionInfo"))
        else {
            continue;
        };
        distros.extend(distro);
        // hullscan writes `source package: NAME VERSION; layer N: sha256:...` as the comment.
        for part in str_of(package, "comment").unwrap_or("").split("; ") {
            if let Some(source) = part.strip_prefix("source package: ")
                && let Some((name, version)) = source.split_once(' ')
            {
                inventory_package.source = Some(SourcePackage {
                    name: name.to_owned(),
                    version: version.to_owned(),
                });
            } else if let Some(layer) = part.strip_prefix("layer ") {
                let number = layer.split(':').next().unwrap_or("");
                inventory_package.layer = number.trim().parse().ok();
            }
        }
        if let Some(evidence) = str_of(package, "sourceInfo")
            .and_then(|s| s.strip_prefix("acquired package info from: "))
        {
            inventory_package.evidence = evidence
                .split(", ")
                .map(|p| p.trim_start_matches('/').to_owned())
                .collect();
        }
        out.inventory.packages.push(inventory_package);
    }
    set_distro(&mut out.inventory, distros.into_iter().next());
}

fn read_native(doc: &Value, out: &mut SbomInventory) {
    if let Some(subject) = doc.get("subject") {
        out.subject = str_of(subject, "name").map(str::to_owned);
        out.layers = subject
            .get("layers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|l| str_of(l, "diff_id").map(str::to_owned))
            .collect();
    }
    if let Some(os) = doc.get("os").filter(|os| os.is_object()) {
        out.inventory.os = Some(os_release(
            str_of(os, "id").unwrap_or(""),
            str_of(os, "version_id"),
            str_of(os, "osv_ecosystem"),
            str_of(os, "pretty_name"),
        ));
    }
    let mut distros = Vec::new();
    for entry in doc
        .get("packages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(purl) = str_of(entry, "purl") else {
            continue;
        };
        let Some((mut package, distro)) = package_from_purl(purl, str_of(entry, "version")) else {
            continue;
        };
        distros.extend(distro);
        if let Some(source) = entry.get("source").filter(|s| s.is_object())
            && let (Some(name), Some(version)) = (str_of(source, "name"), str_of(source, "version"))
        {
            package.source = Some(SourcePackage {
                name: name.to_owned(),
                version: version.to_owned(),
            });
        }
        package.layer = entry
            .get("layer")
            .and_then(Value::as_u64)
            .and_then(|l| usize::try_from(l).ok());
        package.evidence = entry
            .get("evidence")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|p| p.trim_start_matches('/').to_owned())
            .collect();
        out.inventory.packages.push(package);
    }
    set_distro(&mut out.inventory, distros.into_iter().next());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_to_packages() {
        let (p, distro) = package_from_purl(
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&upstream=glibc&distro=debian-12",
            None,
        )
        .unwrap();
        assert_eq!(
            (p.name.as_str(), p.version.as_str()),
            ("libc6", "2.36-9+deb12u7")
        );
        assert_eq!(p.source.unwrap().name, "glibc");
        assert_eq!(distro.as_deref(), Some("debian-12"));
        assert_eq!(
            release_from_distro("debian-12").osv_ecosystem.as_deref(),
            Some("Debian:12")
        );
        let (p, _) = package_from_purl("pkg:maven/org.yaml/snakeyaml@1.33", None).unwrap();
        assert_eq!(p.name, "org.yaml:snakeyaml");
        let (p, _) = package_from_purl("pkg:npm/%40types/node@1.0.0", None).unwrap();
        assert_eq!(p.name, "@types/node");
        let (p, _) = package_from_purl("pkg:golang/golang.org/x/net@v0.7.0", None).unwrap();
        assert_eq!(
            (p.name.as_str(), p.version.as_str()),
            ("golang.org/x/net", "v0.7.0")
        );
        assert!(package_from_purl("pkg:generic/x@1", None).is_none());
        assert!(package_from_purl("not a purl", None).is_none());
    }

    #[test]
    fn rejects_other_json() {
        assert!(
            read("x.json", b"{\"a\": 1}")
                .unwrap_err()
                .contains("not a CycloneDX")
        );
        assert!(read("x.json", b"[1,").is_err());
    }
}
