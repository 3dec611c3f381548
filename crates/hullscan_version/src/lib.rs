//! Exact version ordering for the package ecosystems a container image holds.
//!
//! Every comparator is a total order over arbitrary strings: a string that is not a valid version
//! in its scheme still gets a deterministic place (documented per module), because advisory data
//! and package databases contain such strings and a scan must never stop on them.
//!
//! Each module is checked against the native tool's ordering (the osv-scalibr oracle fixtures, see
//! `tests/oracles.rs`).

use std::cmp::Ordering;

pub mod apk;
pub mod dpkg;
pub mod go;
pub mod maven;
pub mod names;
pub mod nuget;
pub mod pep440;
pub mod rpm;
pub mod rubygems;
pub mod semver;

mod digits;

/// A version ordering, one per package ecosystem family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Debian and Ubuntu (`dpkg --compare-versions`).
    Dpkg,
    /// Alpine, Wolfi, Chainguard (`apk version -t`).
    Apk,
    /// Red Hat family and SUSE (`rpm.vercmp` over epoch:version-release).
    Rpm,
    /// PyPI (PEP 440, with old `packaging`'s order for legacy strings).
    Pep440,
    /// npm, crates.io and other SemVer 2.0 ecosystems (precedence; build metadata ignored).
    SemVer,
    /// Go modules: SemVer with a `v` (or `go`) prefix, pseudo-versions, `+incompatible`.
    Go,
    /// Maven's `ComparableVersion`.
    Maven,
    /// RubyGems' `Gem::Version`.
    RubyGems,
    /// NuGet's `NuGetVersion`.
    NuGet,
}

impl Scheme {
    /// The ordering an OSV ecosystem string uses; the release suffix (`Debian:12`) is ignored.
    /// `None` for ecosystems without a known ordering (their records can still match by an exact
    /// `versions` entry).
    pub fn for_ecosystem(ecosystem: &str) -> Option<Scheme> {
        let family = ecosystem.split(':').next().unwrap_or(ecosystem);
        Some(match family {
            "Debian" | "Ubuntu" => Scheme::Dpkg,
            "Alpine"
            | "Wolfi"
            | "Chainguard"
            | "MinimOS"
            | "Alpaquita"
            | "BellSoft Hardened Containers" => Scheme::Apk,
            "Red Hat" | "AlmaLinux" | "Rocky Linux" | "SUSE" | "openSUSE" | "Mageia"
            | "openEuler" => Scheme::Rpm,
            "PyPI" => Scheme::Pep440,
            "npm" | "crates.io" | "Hex" | "Pub" | "SwiftURL" | "Bitnami" => Scheme::SemVer,
            "Go" => Scheme::Go,
            "Maven" => Scheme::Maven,
            "RubyGems" => Scheme::RubyGems,
            "NuGet" => Scheme::NuGet,
            _ => return None,
        })
    }

    /// Orders two version strings the way this ecosystem's own tool does.
    pub fn compare(self, a: &str, b: &str) -> Ordering {
        match self {
            Scheme::Dpkg => dpkg::compare(a, b),
            Scheme::Apk => apk::compare(a, b),
            Scheme::Rpm => rpm::compare(a, b),
            Scheme::Pep440 => pep440::compare(a, b),
            Scheme::SemVer => semver::compare(a, b),
            Scheme::Go => go::compare(a, b),
            Scheme::Maven => maven::compare(a, b),
            Scheme::RubyGems => rubygems::compare(a, b),
            Scheme::NuGet => nuget::compare(a, b),
        }
    }

    /// A short lowercase name (`dpkg`, `pep440`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Dpkg => "dpkg",
            Scheme::Apk => "apk",
            Scheme::Rpm => "rpm",
            Scheme::Pep440 => "pep440",
            Scheme::SemVer => "semver",
            Scheme::Go => "go",
            Scheme::Maven => "maven",
            Scheme::RubyGems => "rubygems",
            Scheme::NuGet => "nuget",
        }
    }
}
