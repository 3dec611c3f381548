//! HS911: no `read_only` for a service that has volumes to write to.

use hullscan_diagnostics::declare_rule;

use crate::{Finding, ServiceCheck};

declare_rule! {
    /// ## What it does
    /// Finds services without `read_only: true` that already keep their state in volumes or
    /// `tmpfs` (a writable volume, bind mount or tmpfs is declared), so the root filesystem
    /// could be read-only.
    ///
    /// ## Why is this bad?
    /// A writable root filesystem lets an attacker (or a bug) drop binaries, change
    /// configuration and hide state that a restart silently keeps in the container layer.
    /// Where the service writes only to its volumes, `read_only: true` costs nothing and
    /// makes the image immutable at run time; add a `tmpfs` for `/tmp` if it needs scratch
    /// space.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:3.1
    ///     volumes:
    ///       - data:/var/lib/api
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     read_only: true
    ///     tmpfs: [/tmp]
    ///     volumes:
    ///       - data:/var/lib/api
    /// ```
    pub static MISSING_READ_ONLY = {
        code: "HS911",
        name: "compose-missing-read-only",
        aliases: ["CL-0007"],
        severity: Info,
        category: Security,
        fix: None,
        summary: "Service with volumes does not make its root filesystem read-only",
    };
}

pub(crate) fn check(check: &ServiceCheck<'_>, out: &mut Vec<Finding>) {
    if let Some(node) = check.service.get("read_only")
        && (node.as_bool() == Some(true) || node.scalar().is_some_and(|s| s.unknown))
    {
        return;
    }
    let writable = check
        .service
        .mounts()
        .iter()
        .any(|m| !m.read_only && !m.target.ends_with(".sock"))
        || check.service.get("tmpfs").is_some();
    if !writable {
        return;
    }
    out.push(check.finding(
        &MISSING_READ_ONLY,
        check.service_site(),
        format!(
            "service `{}` writes to volumes but its root filesystem stays writable: set `read_only: true`",
            check.service.name
        ),
    ));
}
