//! The configuration readers the CLI uses, on arbitrary bytes: `hullscan.toml` and
//! `.hadolint.yaml` (`hullscan_workspace::options`, then resolved into settings exactly as the
//! resolver does, which validates every rule name, severity, glob and `[secrets]` entry), and
//! `.dockerignore` (`hullscan_ignore::IgnoreFile`, compiled and matched against a few paths).
//! The first byte picks the reader; the rest is the file. Nothing may panic: a refusal is an
//! error value naming the file.
#![no_main]

use std::path::{Path, PathBuf};

use hullscan_ignore::IgnoreFile;
use hullscan_workspace::options::{read_hadolint_yaml, read_hullscan_toml};
use hullscan_workspace::{CliOverrides, Settings};
use libfuzzer_sys::fuzz_target;

/// Paths a compiled `.dockerignore` is asked about: plain, nested, dotted, odd.
const PATHS: &[&str] = &[
    "Dockerfile",
    ".dockerignore",
    "src/main.rs",
    ".git/config",
    "a/b/c/d.txt",
    "node_modules/x/package.json",
    ".env",
    "dir/.hidden",
    "ü/ñ",
    "*",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    // The CLI decodes configurations as UTF-8 (invalid UTF-8 is an error before parsing) and
    // `.dockerignore` lossily.
    match selector % 3 {
        0 | 1 => {
            let Ok(text) = std::str::from_utf8(rest) else {
                return;
            };
            let (path, config) = if selector % 3 == 0 {
                let path = Path::new("/fuzz/hullscan.toml");
                (path, read_hullscan_toml(path, text))
            } else {
                let path = Path::new("/fuzz/.hadolint.yaml");
                (path, read_hadolint_yaml(path, text))
            };
            let config = match config {
                Ok(config) => config,
                Err(err) => {
                    assert!(!err.to_string().is_empty());
                    return;
                }
            };
            let resolved = Settings::resolve(
                &config,
                Some(path),
                &CliOverrides::default(),
                PathBuf::from("/fuzz"),
            );
            if let Ok(settings) = resolved {
                // Per-path ignores and the secrets allow-list are matched per file.
                for file in PATHS {
                    let _ = settings.linter_for(&Path::new("/fuzz").join(file));
                    let _ = settings.secrets.allows_path(Path::new(file));
                }
            }
        }
        _ => {
            let text = String::from_utf8_lossy(rest);
            let parsed = IgnoreFile::parse(&text);
            if let Ok(matcher) = parsed.compile() {
                for file in PATHS {
                    let _ = matcher.matches_or_parent_matches(file);
                }
            }
        }
    }
});
