//! HS810: root filesystem not read-only.

use hullscan_diagnostics::declare_rule;

use crate::{Checker, at, container_range, describe, range};

declare_rule! {
    /// ## What it does
    /// Finds a container whose `securityContext` does not set `readOnlyRootFilesystem: true`.
    ///
    /// ## Why is this bad?
    /// A writable root filesystem lets an intruder drop tools and change binaries, and lets the
    /// application keep state where it is lost on restart and invisible to backups. Mount an
    /// `emptyDir` or a volume where the application must write, and make the rest read-only.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   runAsNonRoot: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   runAsNonRoot: true
    ///   readOnlyRootFilesystem: true
    /// volumeMounts:
    ///   - {name: tmp, mountPath: /tmp}
    /// ```
    ///
    /// ## References
    /// - [Configure a security context](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    pub static WRITABLE_ROOT_FILESYSTEM = {
        code: "HS810",
        name: "writable-root-filesystem",
        aliases: ["CKV_K8S_22"],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "A container's root filesystem is writable (`readOnlyRootFilesystem` is not true)",
    };
}

pub(crate) fn check(checker: &mut Checker<'_>) {
    if !checker.is_enabled(&WRITABLE_ROOT_FILESYSTEM) {
        return;
    }
    let mut found = Vec::new();
    for (object, _, container) in checker.containers() {
        let setting = container.security_context.read_only_root_filesystem;
        if setting.is_some_and(|f| f.value) {
            continue;
        }
        let where_ = setting.map_or_else(|| container_range(container), |f| range(f.node));
        found.push(
            at(
                &WRITABLE_ROOT_FILESYSTEM,
                format!(
                    "{} has a writable root filesystem",
                    describe(object, container)
                ),
                where_,
            )
            .with_help("Set `securityContext.readOnlyRootFilesystem: true` and mount volumes where the app writes"),
        );
    }
    found.into_iter().for_each(|d| checker.report(d));
}
