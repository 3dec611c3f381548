//! Package URLs (github.com/package-url/purl-spec) for inventoried packages.

use crate::model::{Ecosystem, OsRelease, Package};

/// Percent-encodes everything but the unreserved characters, as the purl spec asks for names,
/// versions, namespace segments and qualifier values.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The purl namespace of an OS package: the distribution's id as the purl spec's examples spell
/// it.
fn os_namespace(ecosystem: Ecosystem, os: Option<&OsRelease>) -> String {
    if let Some(os) = os {
        let id = os.id.as_str();
        let mapped = match id {
            "rhel" => "redhat",
            "ol" => "oracle",
            "amzn" => "amazon",
            id if id.starts_with("sles") || id.starts_with("sle-") => "suse",
            id if id.starts_with("opensuse") => "opensuse",
            id => id,
        };
        if !mapped.is_empty() {
            return mapped.to_owned();
        }
    }
    match ecosystem {
        Ecosystem::Dpkg => "debian",
        Ecosystem::Apk => "alpine",
        _ => "rpm",
    }
    .to_owned()
}

/// The purl of `package`; OS packages take their namespace and `distro` qualifier from `os`.
pub fn package_purl(package: &Package, os: Option<&OsRelease>) -> String {
    let name = package.name.as_str();
    let version = package.version.as_str();
    let mut qualifiers: Vec<(&str, String)> = Vec::new();
    let (kind, namespace, name, version) = match package.ecosystem {
        Ecosystem::Dpkg | Ecosystem::Apk | Ecosystem::Rpm => {
            let kind = match package.ecosystem {
                Ecosystem::Dpkg => "deb",
                Ecosystem::Apk => "apk",
                _ => "rpm",
            };
            let mut version = version.to_owned();
            if package.ecosystem == Ecosystem::Rpm
                && let Some((epoch, rest)) = package.version.split_once(':')
            {
                qualifiers.push(("epoch", epoch.to_owned()));
                version = rest.to_owned();
            }
            if let Some(arch) = &package.arch {
                qualifiers.push(("arch", arch.clone()));
            }
            if let Some(os) = os {
                let distro = match &os.version_id {
                    Some(v) => format!("{}-{v}", os.id),
                    None => os.id.clone(),
                };
                qualifiers.push(("distro", distro));
            }
            (
                kind,
                vec![os_namespace(package.ecosystem, os)],
                name.to_owned(),
                version,
            )
        }
        Ecosystem::PyPI => (
            "pypi",
            vec![],
            name.to_ascii_lowercase().replace('_', "-"),
            version.to_owned(),
        ),
        Ecosystem::Npm => match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
            Some((scope, rest)) => (
                "npm",
                vec![format!("@{scope}")],
                rest.to_owned(),
                version.to_owned(),
            ),
            None => ("npm", vec![], name.to_owned(), version.to_owned()),
        },
        Ecosystem::Go => {
            let mut segments: Vec<String> = name.split('/').map(str::to_owned).collect();
            let last = segments.pop().unwrap_or_default();
            ("golang", segments, last, version.to_owned())
        }
        Ecosystem::CratesIo => ("cargo", vec![], name.to_owned(), version.to_owned()),
        Ecosystem::Maven => match name.split_once(':') {
            Some((group, artifact)) => (
                "maven",
                vec![group.to_owned()],
                artifact.to_owned(),
                version.to_owned(),
            ),
            None => ("maven", vec![], name.to_owned(), version.to_owned()),
        },
        Ecosystem::RubyGems => ("gem", vec![], name.to_owned(), version.to_owned()),
        Ecosystem::NuGet => ("nuget", vec![], name.to_owned(), version.to_owned()),
        Ecosystem::Packagist => match name.split_once('/') {
            Some((vendor, project)) => (
                "composer",
                vec![vendor.to_owned()],
                project.to_owned(),
                version.to_owned(),
            ),
            None => ("composer", vec![], name.to_owned(), version.to_owned()),
        },
    };
    let mut purl = format!("pkg:{kind}/");
    for segment in &namespace {
        purl.push_str(&encode(segment));
        purl.push('/');
    }
    purl.push_str(&encode(&name));
    if !version.is_empty() {
        purl.push('@');
        purl.push_str(&encode(&version));
    }
    qualifiers.sort_by(|a, b| a.0.cmp(b.0));
    for (i, (key, value)) in qualifiers.iter().enumerate() {
        purl.push(if i == 0 { '?' } else { '&' });
        purl.push_str(key);
        purl.push('=');
        purl.push_str(&encode(value));
    }
    purl
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(ecosystem: Ecosystem, name: &str, version: &str, arch: Option<&str>) -> Package {
        Package {
            name: name.into(),
            version: version.into(),
            ecosystem,
            purl: String::new(),
            source: None,
            arch: arch.map(Into::into),
            licenses: vec![],
            evidence: vec![],
            layer: None,
        }
    }

    #[test]
    fn purls() {
        let debian = OsRelease {
            id: "debian".into(),
            version_id: Some("12".into()),
            ..OsRelease::default()
        };
        assert_eq!(
            package_purl(
                &package(Ecosystem::Dpkg, "libc6", "2.36-9+deb12u4", Some("amd64")),
                Some(&debian)
            ),
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12"
        );
        assert_eq!(
            package_purl(
                &package(Ecosystem::Rpm, "curl", "1:7.50.3-1.fc25", Some("i386")),
                None
            ),
            "pkg:rpm/rpm/curl@7.50.3-1.fc25?arch=i386&epoch=1"
        );
        assert_eq!(
            package_purl(&package(Ecosystem::Npm, "@types/node", "1.0.0", None), None),
            "pkg:npm/%40types/node@1.0.0"
        );
        assert_eq!(
            package_purl(
                &package(Ecosystem::Go, "golang.org/x/net", "v0.7.0", None),
                None
            ),
            "pkg:golang/golang.org/x/net@v0.7.0"
        );
        assert_eq!(
            package_purl(
                &package(Ecosystem::Maven, "org.yaml:snakeyaml", "1.33", None),
                None
            ),
            "pkg:maven/org.yaml/snakeyaml@1.33"
        );
    }
}
