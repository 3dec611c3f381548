//! Which file names are Dockerfiles, for every front end that finds them (the directory walk of
//! `hullscan lint`, the language server).

/// Whether a file name is a Dockerfile's: `Dockerfile`, `Containerfile`, `Dockerfile.*`,
/// `Dockerfile-*`, `Dockerfile_*`, `Containerfile.*`, `*.Dockerfile`, `*.containerfile` (ASCII
/// case ignored), except names with an extension that marks something else (a template, docs,
/// a `.dockerignore`).
pub fn is_dockerfile_name(name: &str) -> bool {
    // Extensions that make a `Dockerfile.<ext>`/`dockerfile_<x>.<ext>` name some other kind of
    // file: templates, docs, configs, patches, and source code about Dockerfiles (a
    // `dockerfile_parser.rs`, a `dockerfile.js` helper).
    const NOT_DOCKERFILES: &[&str] = &[
        // templates
        "j2",
        "jinja",
        "jinja2",
        "tmpl",
        "tpl",
        "template",
        "erb",
        "in",
        "mustache",
        "hbs",
        "ejs",
        // documentation and data
        "md",
        "txt",
        "rst",
        "adoc",
        "html",
        "htm",
        "json",
        "yml",
        "yaml",
        "toml",
        "xml",
        "csv",
        "ini",
        "cfg",
        "lock",
        "log",
        "dict",
        "dockerignore",
        // editors, patches, backups
        "orig",
        "bak",
        "swp",
        "rej",
        "patch",
        "diff",
        // source code
        "sh",
        "bash",
        "ps1",
        "bat",
        "go",
        "cs",
        "py",
        "rs",
        "js",
        "mjs",
        "cjs",
        "ts",
        "jsx",
        "tsx",
        "java",
        "kt",
        "scala",
        "rb",
        "php",
        "pl",
        "lua",
        "c",
        "h",
        "cc",
        "cpp",
        "hpp",
        "swift",
        "hs",
        "ex",
        "exs",
        "clj",
        "groovy",
        "gradle",
        "nix",
    ];
    let lower = name.to_ascii_lowercase();
    let matches = lower == "dockerfile"
        || lower == "containerfile"
        || [
            "dockerfile.",
            "dockerfile-",
            "dockerfile_",
            "containerfile.",
        ]
        .iter()
        .any(|prefix| lower.starts_with(prefix))
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile");
    if !matches {
        return false;
    }
    let extension = lower.rsplit_once('.').map(|(_, ext)| ext);
    !extension.is_some_and(|ext| NOT_DOCKERFILES.contains(&ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_dockerfile_names() {
        for name in [
            "Dockerfile",
            "dockerfile",
            "Containerfile",
            "Dockerfile.prod",
            "Dockerfile-windows",
            "Dockerfile_dev",
            "Containerfile.fedora",
            "base.Dockerfile",
            "app.containerfile",
        ] {
            assert!(is_dockerfile_name(name), "{name}");
        }
        for name in [
            "Dockerfile.dockerignore",
            "Dockerfile.j2",
            "Dockerfile.md",
            "README.md",
            "dockerfile-lint.yaml",
            "notadockerfile",
            ".dockerignore",
            // Code and data about Dockerfiles.
            "dockerfile_parse.rs",
            "dockerfile.rs",
            "dockerfile.dict",
            "Dockerfile.js",
            "dockerfile_test.go",
            "dockerfile-utils.ts",
        ] {
            assert!(!is_dockerfile_name(name), "{name}");
        }
    }
}
