//! Which files the inventory reads, decided from the path (and mode) alone.

const KIB: u64 = 1 << 10;
const MIB: u64 = 1 << 20;

/// The kinds of file the inventory reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `etc/os-release`, `usr/lib/os-release`.
    OsRelease,
    /// `etc/debian_version`.
    DebianVersion,
    /// `etc/alpine-release`.
    AlpineRelease,
    /// `etc/redhat-release` and its relatives (`centos-`, `rocky-`, `fedora-`, `system-` ...).
    RedHatRelease,
    /// `etc/lsb-release`.
    LsbRelease,
    /// `var/lib/dpkg/status`.
    DpkgStatus,
    /// `var/lib/dpkg/status.d/<package>` (distroless).
    DpkgStatusD,
    /// `var/lib/dpkg/info/<package>.list`.
    DpkgList,
    /// Distroless `var/lib/dpkg/status.d/<package>.md5sums` (`<md5>  <path>` lines): the only
    /// record of which files a package owns there.
    DpkgMd5sums,
    /// apk's `lib/apk/db/installed`.
    ApkInstalled,
    /// `rpmdb.sqlite`.
    RpmSqlite,
    /// BerkeleyDB `Packages`.
    RpmBerkeley,
    /// NDB `Packages.db`.
    RpmNdb,
    /// `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, `EGG-INFO/PKG-INFO`, a `*.egg-info` file.
    PythonMetadata,
    /// `node_modules/<name>/package.json`, `node_modules/@scope/<name>/package.json`.
    NpmPackageJson,
    /// `*.jar`, `*.war`, `*.ear` and the other zip-based Java archives.
    JavaArchive,
    /// An executable file (Go and Rust binaries carry their dependency lists).
    Executable,
    /// `specifications/*.gemspec`.
    Gemspec,
    /// `*.deps.json`.
    DotnetDeps,
    /// `vendor/composer/installed.json`.
    ComposerInstalled,
}

impl FileKind {
    /// The largest file of this kind that is read; a bigger one is skipped with a note, so a
    /// hostile image cannot make the inventory hold gigabytes.
    pub fn max_bytes(self) -> u64 {
        match self {
            FileKind::OsRelease
            | FileKind::DebianVersion
            | FileKind::AlpineRelease
            | FileKind::RedHatRelease
            | FileKind::LsbRelease => 64 * KIB,
            FileKind::DpkgStatus | FileKind::ApkInstalled => 64 * MIB,
            FileKind::DpkgStatusD | FileKind::Gemspec => MIB,
            FileKind::DpkgList | FileKind::DpkgMd5sums => 16 * MIB,
            FileKind::RpmSqlite | FileKind::RpmBerkeley | FileKind::RpmNdb => 512 * MIB,
            FileKind::PythonMetadata => 8 * MIB,
            FileKind::NpmPackageJson | FileKind::ComposerInstalled | FileKind::DotnetDeps => {
                16 * MIB
            }
            FileKind::JavaArchive | FileKind::Executable => 256 * MIB,
        }
    }

    /// The smallest file of this kind worth reading (tiny executables are scripts or stubs).
    pub fn min_bytes(self) -> u64 {
        match self {
            FileKind::Executable => KIB,
            _ => 0,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            FileKind::OsRelease => "an os-release file",
            FileKind::DebianVersion
            | FileKind::AlpineRelease
            | FileKind::RedHatRelease
            | FileKind::LsbRelease => "a release file",
            FileKind::DpkgStatus => "a dpkg status database",
            FileKind::DpkgStatusD => "a dpkg status.d entry",
            FileKind::DpkgList => "a dpkg file list",
            FileKind::DpkgMd5sums => "a dpkg md5sums list",
            FileKind::ApkInstalled => "an apk installed database",
            FileKind::RpmSqlite | FileKind::RpmBerkeley | FileKind::RpmNdb => "an rpm database",
            FileKind::PythonMetadata => "Python package metadata",
            FileKind::NpmPackageJson => "an npm package.json",
            FileKind::JavaArchive => "a Java archive",
            FileKind::Executable => "an executable",
            FileKind::Gemspec => "a gemspec",
            FileKind::DotnetDeps => "a .NET deps.json",
            FileKind::ComposerInstalled => "a composer installed.json",
        }
    }

    pub fn is_os_database(self) -> bool {
        matches!(
            self,
            FileKind::DpkgStatus
                | FileKind::DpkgStatusD
                | FileKind::ApkInstalled
                | FileKind::RpmSqlite
                | FileKind::RpmBerkeley
                | FileKind::RpmNdb
        )
    }
}

/// The path without a leading `./` or `/`.
pub fn normalize(path: &str) -> &str {
    let mut path = path;
    loop {
        if let Some(rest) = path.strip_prefix("./") {
            path = rest;
        } else if let Some(rest) = path.strip_prefix('/') {
            path = rest;
        } else {
            return path;
        }
    }
}

const RPM_DIRS: [&str; 3] = ["var/lib/rpm/", "usr/lib/sysimage/rpm/", "usr/share/rpm/"];
const JAVA_EXTENSIONS: [&str; 8] = [
    ".jar", ".war", ".ear", ".par", ".sar", ".jpi", ".hpi", ".kar",
];

/// The kind of file at `path` (relative to the root) with Unix `mode`, if the inventory reads it.
pub fn classify(path: &str, mode: u32) -> Option<FileKind> {
    let path = normalize(path);
    let (dir, name) = match path.rfind('/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("", path),
    };
    match path {
        "etc/os-release" | "usr/lib/os-release" => return Some(FileKind::OsRelease),
        "etc/debian_version" => return Some(FileKind::DebianVersion),
        "etc/alpine-release" => return Some(FileKind::AlpineRelease),
        "etc/lsb-release" => return Some(FileKind::LsbRelease),
        "etc/redhat-release"
        | "etc/centos-release"
        | "etc/rocky-release"
        | "etc/almalinux-release"
        | "etc/oracle-release"
        | "etc/fedora-release"
        | "usr/lib/fedora-release"
        | "etc/system-release"
        | "usr/lib/system-release" => {
            return Some(FileKind::RedHatRelease);
        }
        "var/lib/dpkg/status" => return Some(FileKind::DpkgStatus),
        "lib/apk/db/installed" | "usr/lib/apk/db/installed" | "var/lib/apk/db/installed" => {
            return Some(FileKind::ApkInstalled);
        }
        _ => {}
    }
    if dir == "var/lib/dpkg/status.d/" {
        if name.len() > 8 && name.ends_with(".md5sums") {
            return Some(FileKind::DpkgMd5sums);
        }
        return (!name.is_empty() && !name.starts_with('.')).then_some(FileKind::DpkgStatusD);
    }
    if dir == "var/lib/dpkg/info/" {
        return (name.len() > 5 && name.ends_with(".list")).then_some(FileKind::DpkgList);
    }
    if RPM_DIRS.contains(&dir) {
        match name {
            "rpmdb.sqlite" => return Some(FileKind::RpmSqlite),
            "Packages" => return Some(FileKind::RpmBerkeley),
            "Packages.db" => return Some(FileKind::RpmNdb),
            _ => {}
        }
    }
    if (name == "METADATA" && dir.ends_with(".dist-info/"))
        || (name == "PKG-INFO" && (dir.ends_with(".egg-info/") || dir.ends_with("EGG-INFO/")))
        || (name.ends_with(".egg-info") && name.len() > 9 && is_site_dir(dir))
    {
        return Some(FileKind::PythonMetadata);
    }
    if name == "package.json" && is_node_package_dir(dir) {
        return Some(FileKind::NpmPackageJson);
    }
    if name.ends_with(".gemspec") && dir.ends_with("specifications/") {
        return Some(FileKind::Gemspec);
    }
    if name.ends_with(".deps.json") && name.len() > 10 {
        return Some(FileKind::DotnetDeps);
    }
    if path.ends_with("vendor/composer/installed.json") {
        return Some(FileKind::ComposerInstalled);
    }
    let lower_ext = name.rfind('.').map(|i| &name[i..]);
    if let Some(ext) = lower_ext
        && JAVA_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext))
    {
        return Some(FileKind::JavaArchive);
    }
    if mode & 0o111 != 0 && mode & 0o170000 != 0o040000 && !is_non_binary_name(name) {
        return Some(FileKind::Executable);
    }
    None
}

/// A single-file `*.egg-info` (distutils) sits directly in a `site-packages` or
/// `dist-packages` directory.
fn is_site_dir(dir: &str) -> bool {
    dir.ends_with("site-packages/") || dir.ends_with("dist-packages/")
}

/// `dir` is `.../node_modules/<name>/` or `.../node_modules/@scope/<name>/`: a package's own
/// directory, not a folder inside a package.
fn is_node_package_dir(dir: &str) -> bool {
    let Some(dir) = dir.strip_suffix('/') else {
        return false;
    };
    let Some(i) = dir.rfind("node_modules/") else {
        return false;
    };
    if i != 0 && !dir[..i].ends_with('/') {
        return false;
    }
    let rest = &dir[i + "node_modules/".len()..];
    let mut parts = rest.split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(name), None, _) => {
            !name.is_empty() && !name.starts_with('.') && !name.starts_with('@')
        }
        (Some(scope), Some(name), None) => {
            scope.starts_with('@') && scope.len() > 1 && !name.is_empty()
        }
        _ => false,
    }
}

/// Executable files that cannot be Go or Rust binaries, skipped to keep the pass cheap.
fn is_non_binary_name(name: &str) -> bool {
    const SCRIPT_EXTENSIONS: [&str; 12] = [
        ".sh", ".py", ".pl", ".rb", ".js", ".txt", ".md", ".json", ".yaml", ".yml", ".conf", ".h",
    ];
    SCRIPT_EXTENSIONS.iter().any(|e| name.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_paths() {
        assert_eq!(
            classify("var/lib/dpkg/status", 0o644),
            Some(FileKind::DpkgStatus)
        );
        assert_eq!(
            classify("/var/lib/dpkg/status.d/base", 0o644),
            Some(FileKind::DpkgStatusD)
        );
        assert_eq!(
            classify("var/lib/dpkg/status.d/base.md5sums", 0o644),
            Some(FileKind::DpkgMd5sums)
        );
        assert_eq!(
            classify("app/node_modules/a/package.json", 0o644),
            Some(FileKind::NpmPackageJson)
        );
        assert_eq!(
            classify("node_modules/@types/a/package.json", 0o644),
            Some(FileKind::NpmPackageJson)
        );
        assert_eq!(classify("app/node_modules/a/lib/package.json", 0o644), None);
        assert_eq!(classify("app/package.json", 0o644), None);
        assert_eq!(classify("x/mynode_modules/a/package.json", 0o644), None);
        assert_eq!(
            classify("usr/share/java/a.JAR", 0o644),
            Some(FileKind::JavaArchive)
        );
        assert_eq!(classify("usr/bin/tool", 0o755), Some(FileKind::Executable));
        assert_eq!(classify("usr/bin/tool", 0o644), None);
        assert_eq!(classify("usr/bin/run.sh", 0o755), None);
        assert_eq!(
            classify("var/lib/rpm/Packages", 0o644),
            Some(FileKind::RpmBerkeley)
        );
        assert_eq!(
            classify("usr/lib/python3/dist-packages/six-1.16.0.egg-info", 0o644),
            Some(FileKind::PythonMetadata)
        );
    }
}
