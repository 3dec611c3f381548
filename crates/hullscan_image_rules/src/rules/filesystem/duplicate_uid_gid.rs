//! HS611: a UID or GID shared by two accounts or groups.

use hullscan_diagnostics::{Diagnostic, declare_rule};
use hullscan_image::model::Image;

use super::read_text;
use crate::file_location;

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

pub(super) fn check(image: &Image, out: &mut Vec<Diagnostic>) {
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
