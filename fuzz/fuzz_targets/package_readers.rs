//! The inventory's package readers on arbitrary bytes: the first byte picks the path (and so
//! the reader: dpkg, apk, the three rpm databases, Python, npm, Java, executables, Ruby, .NET,
//! PHP, os-release), the rest is the file. Nothing may panic; a note is the only allowed way
//! to refuse. A catalog of the result is then assembled to exercise attribution too.
#![no_main]

use hullscan_inventory::{LayerCatalog, assemble, catalog_file};
use libfuzzer_sys::fuzz_target;

const PATHS: &[&str] = &[
    "etc/os-release",
    "etc/debian_version",
    "etc/alpine-release",
    "etc/redhat-release",
    "etc/lsb-release",
    "var/lib/dpkg/status",
    "var/lib/dpkg/status.d/base",
    "var/lib/dpkg/info/libc6.list",
    "lib/apk/db/installed",
    "var/lib/rpm/rpmdb.sqlite",
    "var/lib/rpm/Packages",
    "usr/lib/sysimage/rpm/Packages.db",
    "usr/lib/python3/dist-packages/x-1.0.dist-info/METADATA",
    "usr/lib/python3/dist-packages/x-1.0.egg-info",
    "app/node_modules/x/package.json",
    "usr/share/java/x.jar",
    "usr/local/bin/tool",
    "usr/local/bundle/specifications/x-1.0.gemspec",
    "app/x.deps.json",
    "vendor/composer/installed.json",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, content)) = data.split_first() else {
        return;
    };
    let path = PATHS[usize::from(selector) % PATHS.len()];
    let file = catalog_file(path, content);
    // Every executable-looking input also goes through the binary readers.
    let _ = catalog_file("usr/local/bin/unknown", content);
    let layers = [
        LayerCatalog {
            files: vec![file.clone()],
        },
        LayerCatalog { files: vec![file] },
    ];
    let _ = assemble(&layers, &|layer, _| layer == 1);
});
