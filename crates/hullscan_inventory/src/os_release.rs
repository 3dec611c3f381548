//! The OS release: `os-release` and the older release files, mapped to OSV's release-scoped
//! ecosystem strings (`Debian:12`, `Alpine:v3.20`, `Ubuntu:22.04:LTS`).

use crate::kind::FileKind;
use crate::model::OsRelease;

/// `KEY=value` lines, values optionally quoted (shell-style, as os-release(5) allows).
fn assignments(text: &str) -> Vec<(&str, String)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            if line.starts_with('#') {
                return None;
            }
            let (key, value) = line.split_once('=')?;
            Some((key.trim(), unquote(value.trim())))
        })
        .collect()
}

fn unquote(value: &str) -> String {
    let inner = if value.len() >= 2
        && ((value.starts_with('"') && value.ends_with('"'))
            || (value.starts_with('\'') && value.ends_with('\'')))
    {
        &value[1..value.len() - 1]
    } else {
        value
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub fn parse_os_release(path: &str, content: &[u8], notes: &mut Vec<String>) -> Option<OsRelease> {
    let text = String::from_utf8_lossy(content);
    // A symbolic link stored as a file holding its target (a checkout without symlink
    // support): `../usr/lib/os-release`. The target is read on its own.
    if !text.contains('=') && text.trim().ends_with("os-release") {
        return None;
    }
    let values = assignments(&text);
    let get = |key: &str| {
        values
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    let Some(id) = get("ID") else {
        notes.push(format!("{path}: no ID= line; the OS is not known"));
        return None;
    };
    let mut release = OsRelease {
        id: id.to_ascii_lowercase(),
        version_id: get("VERSION_ID"),
        pretty_name: get("PRETTY_NAME"),
        osv_ecosystem: None,
        evidence: path.to_owned(),
    };
    release.osv_ecosystem = osv_ecosystem(&release);
    note_unknown(&release, notes);
    Some(release)
}

pub fn parse_fallback(
    kind: FileKind,
    path: &str,
    content: &[u8],
    notes: &mut Vec<String>,
) -> Option<OsRelease> {
    let text = String::from_utf8_lossy(content);
    let first_line = text.lines().next().unwrap_or("").trim().to_owned();
    let (id, version_id, pretty_name) = match kind {
        FileKind::DebianVersion => {
            // `12.15`, or `trixie/sid` on testing and unstable (no release number).
            let version = first_line
                .split('.')
                .next()
                .filter(|major| !major.is_empty() && major.bytes().all(|b| b.is_ascii_digit()))
                .map(str::to_owned);
            ("debian".to_owned(), version, None)
        }
        FileKind::AlpineRelease => (
            "alpine".to_owned(),
            Some(first_line.clone()).filter(|v| !v.is_empty()),
            None,
        ),
        FileKind::LsbRelease => {
            let values = assignments(&text);
            let get = |key: &str| {
                values
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v.clone())
            };
            let Some(id) = get("DISTRIB_ID") else {
                notes.push(format!("{path}: no DISTRIB_ID= line; the OS is not known"));
                return None;
            };
            (
                id.to_ascii_lowercase(),
                get("DISTRIB_RELEASE"),
                get("DISTRIB_DESCRIPTION"),
            )
        }
        _ => {
            let lower = first_line.to_ascii_lowercase();
            let id = [
                ("red hat", "rhel"),
                ("centos", "centos"),
                ("rocky", "rocky"),
                ("almalinux", "almalinux"),
                ("oracle", "ol"),
                ("fedora", "fedora"),
                ("amazon", "amzn"),
            ]
            .iter()
            .find(|(needle, _)| lower.contains(needle))
            .map(|(_, id)| (*id).to_owned());
            let Some(id) = id else {
                notes.push(format!(
                    "{path}: release line {first_line:?} names no known distribution"
                ));
                return None;
            };
            let version = lower
                .split_once("release ")
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .map(str::to_owned);
            (id, version, Some(first_line.clone()))
        }
    };
    let mut release = OsRelease {
        id,
        version_id,
        pretty_name,
        osv_ecosystem: None,
        evidence: path.to_owned(),
    };
    release.osv_ecosystem = osv_ecosystem(&release);
    note_unknown(&release, notes);
    Some(release)
}

fn note_unknown(release: &OsRelease, notes: &mut Vec<String>) {
    if release.osv_ecosystem.is_none() {
        notes.push(format!(
            "{}: no OSV ecosystem is known for ID={} VERSION_ID={}; its OS packages cannot be matched to advisories",
            release.evidence,
            release.id,
            release.version_id.as_deref().unwrap_or("(none)")
        ));
    }
}

/// The leading run of `count` dot-separated numeric components of `version`.
fn numeric_prefix(version: &str, count: usize) -> Option<String> {
    fn digits(p: &str) -> &str {
        let end = p.find(|c: char| !c.is_ascii_digit()).unwrap_or(p.len());
        &p[..end]
    }
    let parts: Vec<&str> = version.split('.').take(count).map(digits).collect();
    (parts.len() == count && parts.iter().all(|p| !p.is_empty())).then(|| parts.join("."))
}

/// OSV's ecosystem string for the release's OS packages, when it is known.
pub fn osv_ecosystem(release: &OsRelease) -> Option<String> {
    let version = release.version_id.as_deref().unwrap_or("");
    match release.id.as_str() {
        "debian" => numeric_prefix(version, 1).map(|major| format!("Debian:{major}")),
        "ubuntu" => {
            let release_number = numeric_prefix(version, 2)?;
            let (year, month) = release_number.split_once('.')?;
            let lts = month == "04" && year.parse::<u32>().is_ok_and(|y| y % 2 == 0);
            Some(if lts {
                format!("Ubuntu:{release_number}:LTS")
            } else {
                format!("Ubuntu:{release_number}")
            })
        }
        "alpine" => numeric_prefix(version, 2).map(|v| format!("Alpine:v{v}")),
        "rocky" => numeric_prefix(version, 1).map(|v| format!("Rocky Linux:{v}")),
        "almalinux" => numeric_prefix(version, 1).map(|v| format!("AlmaLinux:{v}")),
        "mageia" => numeric_prefix(version, 1).map(|v| format!("Mageia:{v}")),
        "photon" => numeric_prefix(version, 2).map(|v| format!("Photon OS:{v}")),
        "azurelinux" => numeric_prefix(version, 1).map(|v| format!("Azure Linux:{v}")),
        "wolfi" => Some("Wolfi".to_owned()),
        "chainguard" => Some("Chainguard".to_owned()),
        id if id.starts_with("sles") || id.starts_with("sle-") || id == "sled" => {
            release.pretty_name.as_ref().map(|p| format!("SUSE:{p}"))
        }
        id if id.starts_with("opensuse") => release
            .pretty_name
            .as_ref()
            .map(|p| format!("openSUSE:{p}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eco(text: &str) -> Option<String> {
        parse_os_release("etc/os-release", text.as_bytes(), &mut Vec::new())
            .and_then(|r| r.osv_ecosystem)
    }

    #[test]
    fn maps_releases() {
        assert_eq!(
            eco("ID=debian\nVERSION_ID=\"12\"\n").as_deref(),
            Some("Debian:12")
        );
        assert_eq!(
            eco("ID=alpine\nVERSION_ID=3.20.3\n").as_deref(),
            Some("Alpine:v3.20")
        );
        assert_eq!(
            eco("ID=ubuntu\nVERSION_ID=\"22.04\"\n").as_deref(),
            Some("Ubuntu:22.04:LTS")
        );
        assert_eq!(
            eco("ID=ubuntu\nVERSION_ID=\"23.10\"\n").as_deref(),
            Some("Ubuntu:23.10")
        );
        assert_eq!(
            eco("ID=ubuntu\nVERSION_ID=\"23.04\"\n").as_deref(),
            Some("Ubuntu:23.04")
        );
        assert_eq!(
            eco("ID=debian\nPRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\n"),
            None
        );
        assert_eq!(
            eco("ID=\"sles\"\nVERSION_ID=\"15.5\"\nPRETTY_NAME=\"SUSE Linux Enterprise Server 15 SP5\"\n").as_deref(),
            Some("SUSE:SUSE Linux Enterprise Server 15 SP5")
        );
        let mut notes = Vec::new();
        let r = parse_os_release("etc/os-release", b"ID=plan9\n", &mut notes).unwrap();
        assert_eq!(r.osv_ecosystem, None);
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn fallbacks() {
        let mut notes = Vec::new();
        let r = parse_fallback(
            FileKind::DebianVersion,
            "etc/debian_version",
            b"12.15\n",
            &mut notes,
        )
        .unwrap();
        assert_eq!(r.osv_ecosystem.as_deref(), Some("Debian:12"));
        let r = parse_fallback(
            FileKind::AlpineRelease,
            "etc/alpine-release",
            b"3.19.1\n",
            &mut notes,
        )
        .unwrap();
        assert_eq!(r.osv_ecosystem.as_deref(), Some("Alpine:v3.19"));
        let r = parse_fallback(
            FileKind::RedHatRelease,
            "etc/redhat-release",
            b"Rocky Linux release 9.3 (Blue Onyx)\n",
            &mut notes,
        )
        .unwrap();
        assert_eq!(r.osv_ecosystem.as_deref(), Some("Rocky Linux:9"));
        assert!(notes.is_empty(), "{notes:?}");
    }
}
