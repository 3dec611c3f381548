//! HS232: `yum install` without `yum clean all` afterwards in the same `RUN`.

use hullscan_diagnostics::{Applicability, Diagnostic, Fix, Location, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::{RpmTool, rm, rpm};

use super::shell_facts::{append_to_run, run_commands};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds a `RUN` whose `yum install` is not followed, later in the same `RUN`, by
    /// `yum clean all` or `rm -rf /var/cache/yum`.
    ///
    /// ## Why is this bad?
    /// yum keeps repository metadata and downloaded packages under `/var/cache/yum`. Unless
    /// the same `RUN` removes them, they are stored in the layer and ship with the image, often
    /// adding more than the packages themselves. A clean-up in a later `RUN` does not help: the
    /// earlier layer keeps the files.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// ## Fix safety
    /// The fix appends `&& yum clean all` to the end of the RUN's script, after everything
    /// else it does. It is safe: nothing in the image uses the cache, and a later `yum`
    /// fetches the metadata again. There is no fix when the script cannot be extended
    /// mechanically (exec form, a heredoc, a last command in the background, a trailing
    /// comment) or when yum runs through `sudo` or another wrapper (the clean would run
    /// without it).
    ///
    /// ## References
    /// - hadolint `DL3032`
    pub static YUM_CACHE_NOT_CLEANED = {
        code: "HS232",
        name: "yum-cache-not-cleaned",
        aliases: ["DL3032"],
        severity: Warning,
        category: Performance,
        fix: Sometimes,
        summary: "`yum install` without `yum clean all` in the same `RUN` keeps the cache in the layer",
    };
}

/// HS232
pub(crate) fn yum_cache_not_cleaned(
    checker: &mut Checker,
    index: usize,
    instruction: &Instruction,
) {
    let commands = run_commands(checker, index);
    let mut pending = None;
    for command in commands {
        if let Some(yum) = rpm(&command.invocation)
            && yum.tool == RpmTool::Yum
        {
            if yum.is("install") {
                pending.get_or_insert((command.range(), command.invocation.wrappers.is_empty()));
            } else if yum.clean_all {
                pending = None;
            }
        } else if rm(&command.invocation).is_some_and(|rm| {
            rm.paths
                .iter()
                .any(|path| path.value().starts_with("/var/cache/yum"))
        }) {
            pending = None;
        }
    }
    if let Some((range, unwrapped)) = pending {
        let mut diagnostic = Diagnostic::new(
            &YUM_CACHE_NOT_CLEANED,
            "`yum install` leaves its cache in this layer",
            Location::Text(range),
        )
        .with_help("End the same `RUN` with `&& yum clean all`");
        if unwrapped && let Some(edit) = append_to_run(checker, index, instruction, "yum clean all")
        {
            diagnostic = diagnostic.with_fix(Fix::new(
                "Append `&& yum clean all`",
                vec![edit],
                Applicability::Safe,
            ));
        }
        checker.report(diagnostic);
    }
}
