//! HS275: `yarn install` without `yarn cache clean`.

use hullscan_diagnostics::{Applicability, Diagnostic, Fix, Location, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::{NodeTool, node_package_manager};

use super::shell_facts::{
    RunCommand, append_to_run, has_cache_mount, run_commands, stage_is_shipped,
};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `yarn install` without a `yarn cache clean` after it in the same RUN, in a stage
    /// that ends up in an image (the last stage, or one a later stage builds `FROM`). A RUN
    /// with a cache or tmpfs mount on yarn's cache (`.cache/yarn`) is fine.
    ///
    /// ## Why is this bad?
    /// yarn keeps a copy of every package it downloads in its global cache. In the image that
    /// copy is never used again but doubles the space the dependencies take. It has to go in
    /// the same RUN: a later clean cannot shrink the layer that holds it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// RUN yarn install --frozen-lockfile
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// RUN yarn install --frozen-lockfile && yarn cache clean
    /// ```
    ///
    /// ## Fix safety
    /// The fix appends `&& yarn cache clean` to the end of the RUN's script, after everything
    /// else it does. It is unsafe: with Yarn 2+ and Plug'n'Play the cache is where the
    /// installed packages live, so cleaning it can break the program. There is no fix when the
    /// script cannot be extended mechanically (exec form, a heredoc, a last command in the
    /// background, a trailing comment) or when yarn runs through `sudo` or another wrapper.
    ///
    /// ## References
    /// - hadolint `DL3060`
    pub static YARN_CACHE_NOT_CLEANED = {
        code: "HS275",
        name: "yarn-cache-not-cleaned",
        aliases: ["DL3060"],
        severity: Info,
        category: Performance,
        fix: Always,
        summary: "`yarn install` without `yarn cache clean` keeps yarn's cache in the image",
    };
}

fn is_cache_clean(command: &RunCommand) -> bool {
    node_package_manager(&command.invocation).is_some_and(|pm| {
        pm.tool == NodeTool::Yarn && pm.is("cache") && command.arg_values().nth(1) == Some("clean")
    })
}

/// HS275
pub(crate) fn yarn_cache_not_cleaned(
    checker: &mut Checker,
    index: usize,
    instruction: &Instruction,
) {
    if has_cache_mount(instruction, |target| target.contains(".cache/yarn")) {
        return;
    }
    let commands = run_commands(checker, index);
    let mut reported = false;
    for (position, command) in commands.iter().enumerate() {
        let Some(pm) = node_package_manager(&command.invocation) else {
            continue;
        };
        if pm.tool != NodeTool::Yarn || !pm.is("install") {
            continue;
        }
        if commands[position + 1..].iter().any(is_cache_clean) {
            continue;
        }
        // An ONBUILD trigger in a stage nothing builds on never runs, like any RUN there.
        if !reported && !stage_is_shipped(checker, index) {
            return;
        }
        reported = true;
        let mut diagnostic = Diagnostic::new(
            &YARN_CACHE_NOT_CLEANED,
            "`yarn install` without a later `yarn cache clean` in the same RUN keeps yarn's cache in the image",
            Location::Text(command.range()),
        )
        .with_help("Add `&& yarn cache clean` after the install, or use a cache mount on yarn's cache");
        if command.invocation.wrappers.is_empty()
            && let Some(edit) = append_to_run(checker, index, instruction, "yarn cache clean")
        {
            diagnostic = diagnostic.with_fix(Fix::new(
                "Append `&& yarn cache clean`",
                vec![edit],
                Applicability::Unsafe,
            ));
        }
        checker.report(diagnostic);
    }
}
