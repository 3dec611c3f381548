//! HS406: package installs that keep optional packages or a download cache, where the hadolint
//! rules do not look.

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::{self, NodeTool, RpmTool};

use crate::checker::Checker;
use crate::rules::dockerfile::shell_facts::{has_cache_mount, run_commands, stage_is_shipped};

declare_rule! {
    /// ## What it does
    /// Finds package installs in an image stage that add what the image does not need, for
    /// the package managers the hadolint rules leave out (those cover `apt-get`
    /// `--no-install-recommends`, apt lists, `apk --no-cache`, pip, yarn and the
    /// `dnf`/`yum`/`zypper` caches):
    /// - `dnf install`/`microdnf install` without `--setopt=install_weak_deps=False` (dnf's
    ///   "recommends"),
    /// - `zypper install` without `--no-recommends`,
    /// - `npm install`/`npm ci` without `npm cache clean --force` in the same `RUN` (or a
    ///   cache mount, or `--cache` pointing elsewhere).
    ///
    /// A `RUN --mount=type=cache` on the manager's cache directory is fine: the cache never
    /// enters the layer.
    ///
    /// ## Why is this bad?
    /// Weak dependencies and recommended packages are installed "just in case": they make the
    /// image bigger and every one is another package that can carry a vulnerability. npm keeps
    /// a copy of every downloaded tarball in `~/.npm`; removing it in a later `RUN` does not
    /// shrink the image, because the earlier layer still holds it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN npm ci --omit=dev
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN npm ci --omit=dev && npm cache clean --force
    /// ```
    ///
    /// ## References
    /// - [Docker docs: RUN --mount=type=cache](https://docs.docker.com/reference/dockerfile/#run---mounttypecache)
    pub static PACKAGE_INSTALL_BLOAT = {
        code: "HS406",
        name: "package-install-bloat",
        aliases: [],
        severity: Info,
        category: Performance,
        fix: None,
        summary: "Package install keeps weak dependencies or its download cache in the layer",
    };
}

/// HS406
pub(crate) fn package_install_bloat(
    checker: &mut Checker,
    index: usize,
    instruction: &Instruction,
) {
    if !stage_is_shipped(checker, index) {
        return;
    }
    let commands = run_commands(checker, index);
    let npm_cleaned = commands.iter().any(|command| {
        tools::node_package_manager(&command.invocation)
            .is_some_and(|npm| npm.tool == NodeTool::Npm && npm.is("cache"))
    }) || has_cache_mount(instruction, |target| target.contains(".npm"));
    for command in commands {
        let invocation = &command.invocation;
        let problem = if let Some(rpm) = tools::rpm(invocation) {
            let weak_off = invocation.args.iter().any(|word| {
                let text = word.value().to_ascii_lowercase();
                text.contains("install_weak_deps=false")
                    || text.contains("install_weak_deps=0")
                    || text.contains("install_weak_deps=no")
            });
            (matches!(rpm.tool, RpmTool::Dnf | RpmTool::Microdnf) && rpm.is("install") && !weak_off)
                .then_some((
                    "installs weak dependencies",
                    "add `--setopt=install_weak_deps=False`",
                ))
        } else if let Some(zypper) = tools::zypper(invocation) {
            (zypper
                .subcommand
                .is_some_and(|w| matches!(w.value(), "install" | "in"))
                && !invocation
                    .args
                    .iter()
                    .any(|w| w.value() == "--no-recommends"))
            .then_some(("installs recommended packages", "add `--no-recommends`"))
        } else if let Some(npm) = tools::node_package_manager(invocation) {
            (npm.tool == NodeTool::Npm
                && npm.installs()
                && !npm_cleaned
                && !npm.args.has(&["cache"]))
            .then_some(("leaves its download cache (`~/.npm`) in the layer", "add `&& npm cache clean --force` to the same `RUN`, or use `RUN --mount=type=cache,target=/root/.npm`"))
        } else {
            None
        };
        if let Some((what, help)) = problem {
            checker.report(
                Diagnostic::new(
                    &PACKAGE_INSTALL_BLOAT,
                    format!("`{}` {what}", invocation.name),
                    Location::Text(command.range()),
                )
                .with_help(help.to_owned()),
            );
        }
    }
}
