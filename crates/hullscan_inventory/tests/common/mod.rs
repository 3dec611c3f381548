//! Helpers shared by the inventory's integration tests.
#![allow(dead_code, clippy::print_stderr)]

use std::path::PathBuf;

/// `../shared` beside the repository root, when present.
pub fn shared() -> Option<PathBuf> {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!("skipped: ../shared is absent (the real package databases live there)");
        None
    }
}

/// Whether a tool is on PATH; prints the skip message when not.
pub fn have_tool(tool: &str) -> bool {
    let found = std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok();
    if !found {
        eprintln!("skipped: {tool} is not installed (it is the oracle for this test)");
    }
    found
}
