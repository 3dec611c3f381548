//! The inventory model shared by the SBOM writers and the vulnerability matcher.

use serde::{Deserialize, Serialize};

/// The package ecosystems hullscan inventories, named as OSV names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Ecosystem {
    /// dpkg (Debian, Ubuntu and derivatives); the OSV ecosystem comes from the [`OsRelease`].
    Dpkg,
    /// apk (Alpine, Wolfi, Chainguard).
    Apk,
    /// rpm (Red Hat and clones, SUSE, Amazon Linux, ...).
    Rpm,
    PyPI,
    Npm,
    Go,
    CratesIo,
    Maven,
    RubyGems,
    NuGet,
    Packagist,
}

impl Ecosystem {
    /// OSV's name for a language ecosystem; `None` for OS package managers, whose OSV
    /// ecosystem depends on the release ([`OsRelease::osv_ecosystem`]).
    pub fn osv_name(self) -> Option<&'static str> {
        Some(match self {
            Ecosystem::Dpkg | Ecosystem::Apk | Ecosystem::Rpm => return None,
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Npm => "npm",
            Ecosystem::Go => "Go",
            Ecosystem::CratesIo => "crates.io",
            Ecosystem::Maven => "Maven",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::NuGet => "NuGet",
            Ecosystem::Packagist => "Packagist",
        })
    }

    pub fn is_os(self) -> bool {
        matches!(self, Ecosystem::Dpkg | Ecosystem::Apk | Ecosystem::Rpm)
    }
}

/// The operating system release, from `etc/os-release` (or its fallbacks).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsRelease {
    /// `ID` (`debian`, `alpine`, `ubuntu`, `rhel`, ...).
    pub id: String,
    /// `VERSION_ID`, when present.
    pub version_id: Option<String>,
    /// `PRETTY_NAME`, when present.
    pub pretty_name: Option<String>,
    /// The OSV ecosystem string for this release's OS packages (`Debian:12`, `Alpine:v3.20`,
    /// `Ubuntu:22.04:LTS`), when known. `None` means advisories must not be matched unscoped.
    pub osv_ecosystem: Option<String>,
    /// The file this was read from.
    pub evidence: String,
}

/// The source package an OS binary package was built from (advisories name source packages).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourcePackage {
    pub name: String,
    pub version: String,
}

/// One installed package.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    pub name: String,
    /// Exactly as the package database gives it (epochs, binNMU suffixes and all).
    pub version: String,
    pub ecosystem: Ecosystem,
    /// The package URL (`pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12`).
    pub purl: String,
    /// For OS packages: the source package, always filled (the binary's own name and version
    /// when the database names no other source).
    pub source: Option<SourcePackage>,
    pub arch: Option<String>,
    pub licenses: Vec<String>,
    /// The files that evidence this package (relative to the root, no leading `/`).
    pub evidence: Vec<String>,
    /// The layer (bottom = 0) that put this package's evidence in place; `None` for a directory.
    pub layer: Option<usize>,
}

/// What one file evidences.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogedFile {
    pub path: String,
    pub packages: Vec<Package>,
    pub os: Option<OsRelease>,
    /// Paths whose files belong to OS packages (from dpkg `*.list`, rpm file lists, apk `R:`),
    /// so a language package inside them is not reported a second time.
    pub owned_paths: Vec<String>,
    /// What could not be read, naming the file and the problem.
    pub notes: Vec<String>,
}

/// One layer's catalog: every wanted file's results. The per-layer cache stores this.
///
/// Keep an OS package database's entry even when it lists nothing: [`crate::assemble`] dates
/// each package to the lowest layer from which it is continuously present, and a layer that
/// rewrote the database without it ends that run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerCatalog {
    pub files: Vec<CatalogedFile>,
}

/// Everything installed, as the final filesystem shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    pub os: Option<OsRelease>,
    /// Sorted by ecosystem, name, version.
    pub packages: Vec<Package>,
    pub notes: Vec<String>,
}
