//! HS610: an account with an empty password.

use hullscan_diagnostics::{Diagnostic, declare_rule};
use hullscan_image::model::Image;

use super::read_text;
use crate::file_location;

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

pub(super) fn check(image: &Image, out: &mut Vec<Diagnostic>) {
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
}
