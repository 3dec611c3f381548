//! Comparators without a generated oracle here (Go, RubyGems, NuGet) against facts of their
//! ecosystems' own documentation, plus the ecosystem-to-scheme mapping. Each case is checked in
//! both directions.

use std::cmp::Ordering::{self, Equal, Greater, Less};

use hullscan_version::Scheme;

fn check(scheme: Scheme, cases: &[(&str, Ordering, &str)]) {
    for &(a, expected, b) in cases {
        assert_eq!(
            scheme.compare(a, b),
            expected,
            "{}: {a} vs {b}",
            scheme.name()
        );
        assert_eq!(
            scheme.compare(b, a),
            expected.reverse(),
            "{}: {b} vs {a}",
            scheme.name()
        );
    }
}

#[test]
fn go_versions_prefixes_and_pseudo_versions() {
    check(
        Scheme::Go,
        &[
            ("v1.2.3", Equal, "1.2.3"),
            ("v1.2", Equal, "v1.2.0"),
            ("v1.10.0", Greater, "v1.9.9"),
            // A pseudo-version made before any tag is below every release.
            ("v0.0.0-20191109021931-daa7c04131f5", Less, "v0.1.0"),
            (
                "v0.0.0-20191109021931-daa7c04131f5",
                Less,
                "v0.0.0-20200101000000-aaaaaaaaaaaa",
            ),
            // After tag v1.2.3: above it, below v1.2.4 and below any v1.2.4 pre-release.
            ("v1.2.4-0.20191109021931-daa7c04131f5", Greater, "v1.2.3"),
            ("v1.2.4-0.20191109021931-daa7c04131f5", Less, "v1.2.4"),
            ("v1.2.4-0.20191109021931-daa7c04131f5", Less, "v1.2.4-rc.1"),
            // After a pre-release tag.
            (
                "v1.2.3-pre.0.20191109021931-daa7c04131f5",
                Greater,
                "v1.2.3-pre",
            ),
            ("v1.2.3-pre.0.20191109021931-daa7c04131f5", Less, "v1.2.3"),
            // +incompatible is build metadata.
            ("v2.0.0+incompatible", Equal, "2.0.0"),
            ("v2.1.0+incompatible", Greater, "v2.0.9+incompatible"),
            // Toolchain versions as binaries report them.
            ("go1.22.3", Equal, "1.22.3"),
            ("go1.22", Equal, "1.22.0"),
            ("go1.21rc2", Less, "1.21.0"),
            ("go1.21rc2", Greater, "go1.20.14"),
            ("go1.21rc2", Greater, "go1.21rc1"),
        ],
    );
}

#[test]
fn rubygems_gem_version_order() {
    check(
        Scheme::RubyGems,
        &[
            ("1.0", Equal, "1"),
            ("1.0.0", Equal, "1"),
            ("1.9.3", Less, "1.10"),
            ("1.0.a", Less, "1.0"),
            ("1.0.0.rc1", Less, "1.0.0"),
            ("2.0.0.pre", Less, "2.0.0"),
            ("1.0.b1", Greater, "1.0.a2"),
            ("1.2.b1", Equal, "1.2.b.1"),
            ("5.a", Less, "5.0.0.rc2"),
            ("1.0-beta", Equal, "1.0.pre.beta"),
            ("1.0.0.1", Greater, "1.0.0"),
            ("3.2.0.rc1", Greater, "3.1.9"),
        ],
    );
}

#[test]
fn nuget_version_order() {
    check(
        Scheme::NuGet,
        &[
            ("1.0", Equal, "1.0.0.0"),
            ("1.0.0.1", Greater, "1.0.0"),
            ("1.0.0-alpha", Less, "1.0.0"),
            ("1.0.0-ALPHA", Equal, "1.0.0-alpha"),
            ("1.0.0+build.5", Equal, "1.0.0"),
            ("1.0.0-alpha.2", Less, "1.0.0-alpha.10"),
            ("1.0.0-beta", Greater, "1.0.0-alpha.1"),
            ("1.0.0-alpha", Less, "1.0.0-alpha.1"),
            ("4.5.1", Greater, "4.5.0-rc1"),
        ],
    );
}

#[test]
fn ecosystem_strings_choose_schemes() {
    assert_eq!(Scheme::for_ecosystem("Debian:12"), Some(Scheme::Dpkg));
    assert_eq!(
        Scheme::for_ecosystem("Ubuntu:22.04:LTS"),
        Some(Scheme::Dpkg)
    );
    assert_eq!(Scheme::for_ecosystem("Alpine:v3.20"), Some(Scheme::Apk));
    assert_eq!(
        Scheme::for_ecosystem("Red Hat:rhel_aus:8.4::appstream"),
        Some(Scheme::Rpm)
    );
    assert_eq!(Scheme::for_ecosystem("PyPI"), Some(Scheme::Pep440));
    assert_eq!(Scheme::for_ecosystem("crates.io"), Some(Scheme::SemVer));
    assert_eq!(Scheme::for_ecosystem("npm"), Some(Scheme::SemVer));
    assert_eq!(Scheme::for_ecosystem("Go"), Some(Scheme::Go));
    assert_eq!(Scheme::for_ecosystem("Maven"), Some(Scheme::Maven));
    assert_eq!(Scheme::for_ecosystem("RubyGems"), Some(Scheme::RubyGems));
    assert_eq!(Scheme::for_ecosystem("NuGet"), Some(Scheme::NuGet));
    assert_eq!(Scheme::for_ecosystem("Hackage"), None);
}

#[test]
fn garbage_never_panics_and_orders_consistently() {
    let junk = [
        "", " ", "-", ":", "~", "^", "..", "1:", ":1", "v", "go", "1-r", "_", "é", "1.é", "0x",
        "+", "1+",
    ];
    let schemes = [
        Scheme::Dpkg,
        Scheme::Apk,
        Scheme::Rpm,
        Scheme::Pep440,
        Scheme::SemVer,
        Scheme::Go,
        Scheme::Maven,
        Scheme::RubyGems,
        Scheme::NuGet,
    ];
    for scheme in schemes {
        for a in junk {
            assert_eq!(scheme.compare(a, a), Equal, "{}: {a:?}", scheme.name());
            for b in junk {
                assert_eq!(
                    scheme.compare(a, b),
                    scheme.compare(b, a).reverse(),
                    "{}: {a:?} {b:?}",
                    scheme.name()
                );
            }
        }
    }
}
