//! Hostile inputs give notes naming the file and the problem, never panics, and never
//! allocations sized by what the input claims.

mod common;

use std::io::Write;
use std::path::Path;

use hullscan_inventory::{catalog_file, dir::catalog_dir, oversized_note, wants_file};
use zip::write::SimpleFileOptions;

fn write(root: &Path, path: &str, content: &[u8]) {
    let target = root.join(path);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(target, content).unwrap();
}

#[test]
fn truncated_dpkg_status() {
    let full = b"Package: a\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n\n\
Package: b\nStatus: install ok installed\nVersion: 2.0\n\nPackage: c\nStatus: install ok inst";
    let out = catalog_file("var/lib/dpkg/status", full);
    assert_eq!(out.packages.len(), 2);
    assert_eq!(out.notes.len(), 1, "{:?}", out.notes);
    assert!(
        out.notes[0].starts_with("var/lib/dpkg/status: ends in the middle of a line"),
        "{}",
        out.notes[0]
    );

    // The real minbase status cut in the middle of a stanza, at every 997th byte.
    let Some(shared) = common::shared() else {
        return;
    };
    let real =
        std::fs::read(shared.join("vuln/inputs/debian-bookworm-minbase/var/lib/dpkg/status"))
            .unwrap();
    let whole = catalog_file("var/lib/dpkg/status", &real).packages.len();
    assert_eq!(whole, 88);
    for cut in (0..real.len()).step_by(997) {
        let out = catalog_file("var/lib/dpkg/status", &real[..cut]);
        assert!(out.packages.len() <= whole);
        for note in &out.notes {
            assert!(note.starts_with("var/lib/dpkg/status: "), "{note}");
        }
    }
}

#[test]
fn one_gigabyte_package_json_is_not_read() {
    let path = "app/node_modules/huge/package.json";
    assert!(!wants_file(path, 1 << 30, 0o644));
    let note = oversized_note(path, 1 << 30, 0o644).unwrap();
    assert!(note.contains(path) && note.contains("1073741824"), "{note}");
    // Through the directory walk: a sparse 1 GiB file (no disk, no memory) becomes a note.
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("app/node_modules/huge")).unwrap();
    let file = std::fs::File::create(root.path().join(path)).unwrap();
    file.set_len(1 << 30).unwrap();
    write(
        root.path(),
        "app/node_modules/small/package.json",
        br#"{"name":"small","version":"1.0.0"}"#,
    );
    let inventory = catalog_dir(root.path()).unwrap();
    assert_eq!(inventory.packages.len(), 1);
    assert!(
        inventory.notes.iter().any(|n| n.starts_with(path)),
        "{:?}",
        inventory.notes
    );
    // A caller that hands over too many bytes anyway gets a note, not a parse.
    let out = catalog_file(path, &vec![b' '; (16 << 20) + 1]);
    assert!(
        out.packages.is_empty() && out.notes.len() == 1,
        "{:?}",
        out.notes
    );
}

fn jar(entries: &[(&str, &[u8])], stored: bool) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let method = if stored {
        zip::CompressionMethod::Stored
    } else {
        zip::CompressionMethod::Deflated
    };
    for (name, content) in entries {
        writer
            .start_file(
                *name,
                SimpleFileOptions::default().compression_method(method),
            )
            .unwrap();
        writer.write_all(content).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn zip_bomb_jar() {
    // A pom.properties that inflates past the metadata limit, and a nested jar that inflates
    // past the nested-archive limit: each is stopped at its limit with a note.
    let zeros = vec![0u8; 70 << 20];
    let bomb = jar(
        &[
            ("META-INF/maven/evil/evil/pom.properties", &zeros[..2 << 20]),
            ("BOOT-INF/lib/inner.jar", &zeros),
            (
                "META-INF/maven/good/lib/pom.properties",
                b"groupId=good\nartifactId=lib\nversion=1.0\n",
            ),
        ],
        false,
    );
    assert!(
        bomb.len() < 1 << 20,
        "the bomb itself is small: {} bytes",
        bomb.len()
    );
    let out = catalog_file("app/bomb.jar", &bomb);
    let names: Vec<&str> = out.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, vec!["good:lib"]);
    assert_eq!(out.notes.len(), 2, "{:#?}", out.notes);
    assert!(
        out.notes
            .iter()
            .all(|n| n.contains("zip bomb") && n.starts_with("app/bomb.jar!/")),
        "{:#?}",
        out.notes
    );
}

#[test]
fn jar_nested_100_deep() {
    let mut current = jar(
        &[(
            "META-INF/maven/deep/core/pom.properties",
            b"groupId=deep\nartifactId=core\nversion=9\n",
        )],
        true,
    );
    for level in 0..100 {
        let pom = format!("groupId=deep\nartifactId=level{level}\nversion=1\n");
        current = jar(
            &[
                ("META-INF/maven/deep/x/pom.properties", pom.as_bytes()),
                ("lib/inner.jar", &current),
            ],
            true,
        );
    }
    let out = catalog_file("opt/app.jar", &current);
    // The outer eight archives are read, the rest is a note.
    assert_eq!(
        out.packages.len(),
        8,
        "{:?}",
        out.packages.iter().map(|p| &p.name).collect::<Vec<_>>()
    );
    assert_eq!(out.notes.len(), 1, "{:?}", out.notes);
    assert!(
        out.notes[0].contains("nested more than 8 deep"),
        "{}",
        out.notes[0]
    );
    assert!(
        out.notes[0].starts_with("opt/app.jar!/lib/inner.jar!/"),
        "{}",
        out.notes[0]
    );
}

#[test]
fn rpmdb_with_a_wrong_page_size() {
    // A SQLite header announcing 1000-byte pages (not a power of two).
    let mut db = vec![0u8; 4096];
    db[..16].copy_from_slice(b"SQLite format 3\0");
    db[16..18].copy_from_slice(&1000u16.to_be_bytes());
    let out = catalog_file("var/lib/rpm/rpmdb.sqlite", &db);
    assert!(out.packages.is_empty());
    assert_eq!(out.notes.len(), 1);
    assert!(
        out.notes[0]
            .starts_with("var/lib/rpm/rpmdb.sqlite: not a readable rpm database: page size 1000"),
        "{}",
        out.notes[0]
    );
    // BerkeleyDB metadata with a page size of 3.
    let mut bdb = vec![0u8; 4096];
    bdb[12..16].copy_from_slice(&0x0006_1561u32.to_le_bytes());
    bdb[20..24].copy_from_slice(&3u32.to_le_bytes());
    let out = catalog_file("var/lib/rpm/Packages", &bdb);
    assert!(out.notes[0].contains("page size 3"), "{:?}", out.notes);

    // The real databases with their page size rewritten to every other legal size.
    let Some(shared) = common::shared() else {
        return;
    };
    let real =
        std::fs::read(shared.join("vuln/inputs/rpmdb/cbl-mariner-2.0/rpmdb.sqlite")).unwrap();
    for size in [512u16, 1024, 2048, 8192, 16384, 32768, 1, 0, 4095] {
        let mut bent = real.clone();
        bent[16..18].copy_from_slice(&size.to_be_bytes());
        let out = catalog_file("var/lib/rpm/rpmdb.sqlite", &bent);
        assert!(!out.notes.is_empty(), "page size {size}: no note");
        assert!(
            out.notes
                .iter()
                .all(|n| n.starts_with("var/lib/rpm/rpmdb.sqlite: "))
        );
    }
    let real = std::fs::read(shared.join("vuln/inputs/rpmdb/libuuid/Packages")).unwrap();
    for size in [512u32, 1024, 2048, 8192, 65536, 0, 7] {
        let mut bent = real.clone();
        bent[20..24].copy_from_slice(&size.to_le_bytes());
        let out = catalog_file("var/lib/rpm/Packages", &bent);
        assert!(out.packages.len() <= 1, "page size {size}");
    }
}

#[test]
fn go_binary_with_corrupt_build_info() {
    // A minimal ELF-looking file whose inline build-info string lengths run past the end.
    let mut binary = b"\x7fELF\x02\x01\x01".to_vec();
    binary.resize(64, 0);
    binary.extend_from_slice(b"\xff Go buildinf:\x08\x02");
    binary.resize(96, 0);
    binary.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x0f]);
    binary.resize(2048, 0);
    let out = catalog_file("usr/local/bin/tool", &binary);
    assert!(out.packages.is_empty());
    assert_eq!(
        out.notes,
        vec![
            "usr/local/bin/tool: Go build info is corrupt (string lengths run past the file)"
                .to_string()
        ]
    );

    // The real fixture with its modinfo length bent to every byte value.
    let Some(shared) = common::shared() else {
        return;
    };
    let real = std::fs::read(shared.join("vuln/inputs/appfs/usr/local/bin/gofixture")).unwrap();
    let magic = real
        .windows(14)
        .position(|w| w == b"\xff Go buildinf:")
        .unwrap();
    let version_len = usize::from(real[magic + 32]);
    for value in 0..=255u8 {
        let mut bent = real.clone();
        bent[magic + 33 + version_len] = value;
        bent[magic + 15] = value; // flags too: the pre-1.18 path with wild pointers
        let _ = catalog_file("usr/local/bin/gofixture", &bent);
    }
    let mut bent = real.clone();
    bent[magic + 33 + version_len..magic + 38 + version_len]
        .copy_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x7f]);
    let out = catalog_file("usr/local/bin/gofixture", &bent);
    assert!(
        out.notes.iter().any(|n| n.contains("corrupt")),
        "{:?}",
        out.notes
    );
}
