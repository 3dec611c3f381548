//! HS608: shells, package managers, compilers, SSH servers and supervisors in the final image.

use hullscan_diagnostics::{Diagnostic, declare_rule};
use hullscan_image::layer::EntryKind;
use hullscan_image::model::Image;

use super::visible_entries;
use crate::file_location;

declare_rule! {
    /// ## What it does
    /// Reports shells, package managers, compilers, an SSH server or a process supervisor in
    /// the final image, one finding per kind with the paths found.
    ///
    /// ## Why is this bad?
    /// Each is a tool an attacker who gets code execution would otherwise have to bring:
    /// shells and package managers to install more, compilers to build exploits, `sshd` to
    /// stay. Runtime images should carry only the application.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23
    /// COPY . .
    /// RUN go build -o /app
    /// CMD ["/app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// COPY . .
    /// RUN CGO_ENABLED=0 go build -o /app
    /// FROM gcr.io/distroless/static
    /// COPY --from=build /app /app
    /// CMD ["/app"]
    /// ```
    pub static ATTACK_SURFACE_TOOLS = {
        code: "HS608",
        name: "attack-surface-tools",
        aliases: [],
        severity: Info,
        category: Security,
        fix: None,
        summary: "Shell, package manager, compiler, SSH server or supervisor in the final image",
    };
}

const TOOL_DIRS: &[&str] = &[
    "bin",
    "sbin",
    "usr/bin",
    "usr/sbin",
    "usr/local/bin",
    "usr/local/sbin",
];

/// (kind, basenames)
const TOOLS: &[(&str, &[&str])] = &[
    (
        "shell",
        &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"],
    ),
    (
        "package manager",
        &[
            "apt", "apt-get", "dpkg", "apk", "yum", "dnf", "microdnf", "rpm", "zypper", "pacman",
            "pip", "pip3", "npm", "gem",
        ],
    ),
    (
        "compiler",
        &[
            "gcc", "cc", "g++", "c++", "clang", "clang++", "rustc", "go", "javac", "tcc", "as",
            "ld",
        ],
    ),
    ("SSH server", &["sshd", "dropbear"]),
    (
        "process supervisor",
        &["supervisord", "s6-svscan", "runsvdir", "tini-supervisor"],
    ),
];

pub(super) fn check(image: &Image, out: &mut Vec<Diagnostic>) {
    let mut tools_found: Vec<Vec<String>> = vec![Vec::new(); TOOLS.len()];
    for (_, entry, path) in visible_entries(image) {
        let Some((dir, base)) = path.rsplit_once('/') else {
            continue;
        };
        if !TOOL_DIRS.contains(&dir)
            || matches!(
                entry.kind,
                EntryKind::Dir | EntryKind::Whiteout | EntryKind::Opaque
            )
        {
            continue;
        }
        if entry.kind == EntryKind::File && !entry.is_executable() {
            continue;
        }
        for (i, (_, names)) in TOOLS.iter().enumerate() {
            if names.contains(&base) {
                tools_found[i].push(format!("/{path}"));
            }
        }
    }
    for ((kind, _), found) in TOOLS.iter().zip(tools_found) {
        if found.is_empty() {
            continue;
        }
        let shown: Vec<&str> = found.iter().take(6).map(String::as_str).collect();
        let more = if found.len() > shown.len() {
            format!(" and {} more", found.len() - shown.len())
        } else {
            String::new()
        };
        out.push(
            Diagnostic::new(
                &ATTACK_SURFACE_TOOLS,
                format!(
                    "the final image contains a {kind}: {}{more}",
                    shown.join(", ")
                ),
                file_location(image, None, &found[0]),
            )
            .with_help(
                "build in one stage and copy only the application into a minimal runtime stage",
            ),
        );
    }
}
