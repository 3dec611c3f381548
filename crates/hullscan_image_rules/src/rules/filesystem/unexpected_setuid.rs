//! HS607: a setuid/setgid file outside the expected set.

use hullscan_diagnostics::{Diagnostic, declare_rule};
use hullscan_image::layer::EntryKind;
use hullscan_image::model::Image;

use super::visible_entries;
use crate::{ImageRuleSettings, describe_layer, file_location};

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

pub(super) fn check(image: &Image, settings: &ImageRuleSettings, out: &mut Vec<Diagnostic>) {
    for (layer, entry, path) in visible_entries(image) {
        if entry.kind != EntryKind::File || !(entry.is_setuid() || entry.is_setgid()) {
            continue;
        }
        let allowed = SETUID_ALLOWLIST.contains(&path)
            || settings
                .setuid_allowlist
                .iter()
                .any(|p| p.trim_start_matches('/') == path);
        if allowed {
            continue;
        }
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
            .with_help("drop the bit with `chmod u-s,g-s`, or allow it with --allow-setuid"),
        );
    }
}
