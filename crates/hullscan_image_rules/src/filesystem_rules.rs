//! Rules over the final (merged) filesystem.

use hullscan_diagnostics::{Diagnostic, declare_rule};

use crate::{ImageRuleSettings, describe_layer, file_location};
use hullscan_image::layer::EntryKind;
use hullscan_image::merge::ResolveError;
use hullscan_image::model::Image;

declare_rule! {
    /// ## What it does
    /// Flags regular files with the setuid or setgid bit in the final filesystem, except the
    /// ones distributions ship on purpose (`passwd`, `su`, `mount`, `ping`, …) and paths
    /// added with `--allow-setuid`.
    ///
    /// ## Why is this bad?
    /// A setuid binary runs with its owner's rights whoever starts it. Each one is a way from
    /// an unprivileged user back to root, which defeats `USER`.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN chmod u+s /usr/local/bin/helper
    /// ```
    ///
    /// Use instead: drop the bit (`chmod u-s,g-s`) or remove the binary; prefer capabilities.
    pub static UNEXPECTED_SETUID = {
        code: "HS607",
        name: "unexpected-setuid-file",
        aliases: ["CIS-DI-0008"],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "setuid/setgid file outside the expected set",
    };
}

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

declare_rule! {
    /// ## What it does
    /// Flags accounts in `/etc/shadow` (or `/etc/master.passwd`) whose password field is
    /// empty.
    ///
    /// ## Why is this bad?
    /// An empty password lets anyone log in as that account without one (`su`, `login`).
    ///
    /// ## Example
    /// ```text
    /// app::19000:0:99999:7:::
    /// ```
    ///
    /// Use instead: lock the account (`!` or `*`), e.g. `passwd -l app`.
    pub static EMPTY_PASSWORD = {
        code: "HS610",
        name: "empty-password",
        aliases: ["DKL-LI-0001"],
        severity: Error,
        category: Security,
        fix: None,
        summary: "Account with an empty password",
    };
}

declare_rule! {
    /// ## What it does
    /// Flags UIDs used by more than one account in `/etc/passwd` and GIDs used by more than
    /// one group in `/etc/group`.
    ///
    /// ## Why is this bad?
    /// The kernel only knows numbers: two accounts with one UID are the same user, so
    /// permissions meant for one apply to both (a second UID 0 is a hidden root).
    ///
    /// ## Example
    /// ```text
    /// root:x:0:0:root:/root:/bin/sh
    /// toor:x:0:0::/root:/bin/sh
    /// ```
    ///
    /// Use instead: give every account its own UID (`useradd` does so by default).
    pub static DUPLICATE_UID_GID = {
        code: "HS611",
        name: "duplicate-uid-gid",
        aliases: ["DKL-LI-0002"],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "UID or GID shared by two accounts",
    };
}

/// Setuid/setgid files distributions ship on purpose (paths without the leading `/`).
const SETUID_ALLOWLIST: &[&str] = &[
    "bin/su",
    "bin/mount",
    "bin/umount",
    "bin/ping",
    "bin/ping6",
    "usr/bin/su",
    "usr/bin/mount",
    "usr/bin/umount",
    "usr/bin/ping",
    "usr/bin/passwd",
    "usr/bin/chsh",
    "usr/bin/chfn",
    "usr/bin/newgrp",
    "usr/bin/gpasswd",
    "usr/bin/chage",
    "usr/bin/expiry",
    "usr/bin/wall",
    "usr/bin/write",
    "usr/bin/crontab",
    "usr/bin/ssh-agent",
    "usr/bin/sudo",
    "usr/bin/pkexec",
    "usr/bin/fusermount",
    "usr/bin/fusermount3",
    "sbin/unix_chkpwd",
    "usr/sbin/unix_chkpwd",
    "usr/sbin/pam_extrausers_chkpwd",
    "usr/lib/openssh/ssh-keysign",
    "usr/libexec/openssh/ssh-keysign",
    "usr/lib/dbus-1.0/dbus-daemon-launch-helper",
    "usr/bin/newuidmap",
    "usr/bin/newgidmap",
    "usr/sbin/postdrop",
    "usr/sbin/postqueue",
];

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

pub(super) fn check(image: &Image, settings: &ImageRuleSettings, out: &mut Vec<Diagnostic>) {
    let mut tools_found: Vec<Vec<String>> = vec![Vec::new(); TOOLS.len()];
    for file in image.fs.visible() {
        let layer = file.layer as usize;
        let files = &image.layers[layer].files;
        let entry = &files.entries[file.entry as usize];
        let path = files.path(entry);
        if entry.kind == EntryKind::File && (entry.is_setuid() || entry.is_setgid()) {
            let allowed = SETUID_ALLOWLIST.contains(&path)
                || settings
                    .setuid_allowlist
                    .iter()
                    .any(|p| p.trim_start_matches('/') == path);
            if !allowed {
                let bits = match (entry.is_setuid(), entry.is_setgid()) {
                    (true, true) => "setuid and setgid",
                    (true, false) => "setuid",
                    _ => "setgid",
                };
                out.push(
                    Diagnostic::new(
                        &UNEXPECTED_SETUID,
                        format!(
                            "/{path} is {bits} (mode {:04o}, owner {}), added by {}",
                            entry.mode & 0o7777,
                            entry.uid,
                            describe_layer(image, layer)
                        ),
                        file_location(image, Some(layer), path),
                    )
                    .with_help(
                        "drop the bit with `chmod u-s,g-s`, or allow it with --allow-setuid",
                    ),
                );
            }
        }
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

    check_accounts(image, out);
}

fn read_text(image: &Image, path: &str, out: &mut Vec<Diagnostic>) -> Option<String> {
    match image.final_file(path) {
        Ok(Some(bytes)) => Some(String::from_utf8_lossy(bytes).into_owned()),
        Ok(None) => None,
        Err(ResolveError::Loop(at)) => {
            out.push(Diagnostic::new(
                &crate::SUSPICIOUS_LAYER_ENTRY,
                format!("{path} cannot be read: too many levels of symbolic links at {at} (a symlink loop)"),
                file_location(image, None, path),
            ));
            None
        }
    }
}

fn check_accounts(image: &Image, out: &mut Vec<Diagnostic>) {
    for shadow_path in ["/etc/shadow", "/etc/master.passwd"] {
        let Some(text) = read_text(image, shadow_path, out) else {
            continue;
        };
        for line in text.lines() {
            let mut fields = line.split(':');
            let (Some(name), Some(password)) = (fields.next(), fields.next()) else {
                continue;
            };
            if !name.is_empty() && !name.starts_with('#') && password.is_empty() {
                out.push(
                    Diagnostic::new(
                        &EMPTY_PASSWORD,
                        format!("account `{name}` in {shadow_path} has an empty password"),
                        file_location(image, None, shadow_path),
                    )
                    .with_help(format!("lock it: `passwd -l {name}`")),
                );
            }
        }
    }
    for (path, what) in [("/etc/passwd", "UID"), ("/etc/group", "GID")] {
        let Some(text) = read_text(image, path, out) else {
            continue;
        };
        let mut seen: Vec<(&str, &str)> = Vec::new();
        // The id is the third field in both files.
        let field = 2;
        for line in text.lines() {
            let fields: Vec<&str> = line.split(':').collect();
            if fields.len() <= field || fields[0].is_empty() || fields[0].starts_with('#') {
                continue;
            }
            let id = fields[field];
            if let Some((first, _)) = seen.iter().find(|(_, other)| *other == id) {
                out.push(Diagnostic::new(
                    &DUPLICATE_UID_GID,
                    format!(
                        "{what} {id} is used by both `{first}` and `{}` in {path}",
                        fields[0]
                    ),
                    file_location(image, None, path),
                ));
            } else {
                seen.push((fields[0], id));
            }
        }
    }
}
