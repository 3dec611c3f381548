//! HS402: files copied as root into a directory a later non-root step writes to.

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::Keyword;
use hullscan_shell::tools;

use crate::checker::Checker;
use crate::rules::dockerfile::practice_facts::{self, RunAs, absolute_path, is_within};
use crate::rules::dockerfile::shell_facts::{RunCommand, copy_words, run_commands, unquote};

declare_rule! {
    /// ## What it does
    /// Finds the pattern behind "EACCES: permission denied" after switching to a non-root user:
    /// a `WORKDIR` created while the build still runs as root, files `COPY`'d into it without
    /// `--chown`, then a `USER` switch and a `RUN` that writes into that directory as the
    /// non-root user (`npm ci`, `yarn install`, `bundle install`, `composer install`,
    /// `npm run build`, `go build`, `cargo build`, `mvn package`, `mkdir`/`touch` of a relative
    /// path, ...). It only fires when every step is visible in the file and nothing in between
    /// `chown`s or `chmod`s the directory.
    ///
    /// ## Why is this bad?
    /// `WORKDIR` and `COPY` create directories and files owned by root unless told otherwise.
    /// Switching to a non-root user afterwards is right, but that user may not create files in
    /// a root-owned directory, so the install or build step fails with a permission error (and
    /// an app that writes its cache, uploads or PID files there fails the same way at
    /// startup). Give the user the directory: copy with `--chown=<user>:<group>`, and create
    /// the directory owned by the user (`RUN mkdir /app && chown app:app /app`), or set
    /// `WORKDIR` after `USER` so BuildKit creates it as that user.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY . .
    /// USER node
    /// RUN npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// RUN mkdir /app && chown node:node /app
    /// WORKDIR /app
    /// COPY --chown=node:node . .
    /// USER node
    /// RUN npm ci
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: USER](https://docs.docker.com/reference/dockerfile/#user)
    /// - [Dockerfile reference: COPY --chown](https://docs.docker.com/reference/dockerfile/#copy---chown---chmod)
    pub static ROOT_OWNED_WORKDIR_FOR_NON_ROOT = {
        code: "HS402",
        name: "root-owned-workdir-for-non-root",
        aliases: [],
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "Files copied as root into a directory a later non-root step writes to (EACCES)",
    };
}

/// HS402
pub(crate) fn root_owned_workdir_for_non_root(checker: &mut Checker) {
    let model = checker.model;
    let instructions = checker.instructions();
    for stage in model.stages() {
        // Only the stage's own instructions are checked; its parents are checked as stages.
        let indices: Vec<usize> = stage.instructions.clone().skip(1).collect();
        for &run in &indices {
            if instructions[run].keyword != Keyword::Run
                || practice_facts::run_as_at(checker, run) != RunAs::NonRoot
            {
                continue;
            }
            let Some(workdir) = model.workdir_at(run) else {
                continue;
            };
            let Some(workdir_path) = absolute_path(None, workdir.path) else {
                continue;
            };
            if workdir_path == "/" || workdir_path == "/tmp" {
                continue;
            }
            let Some(writer) = writes_into_workdir(checker, run) else {
                continue;
            };
            // The WORKDIR must be in this stage and run as root (before any USER).
            let w = workdir.instruction;
            if !stage.instructions.contains(&w)
                || practice_facts::run_as_at(checker, w) == RunAs::NonRoot
            {
                continue;
            }
            // With no USER before it, the WORKDIR runs as the base image's user, root for
            // nearly every base; a USER we cannot read might not be root.
            if model.user_at(w).is_some() && practice_facts::run_as_at(checker, w) != RunAs::Root {
                continue;
            }
            // Between the WORKDIR and the RUN: a root COPY without --chown into the directory,
            // and nothing that changes the directory's owner or mode.
            let mut root_copy = None;
            let mut fixed = false;
            for (between, instruction) in instructions.iter().enumerate().take(run).skip(w + 1) {
                match instruction.keyword {
                    Keyword::Copy | Keyword::Add => {
                        if instruction.flag("chown").is_some()
                            || instruction.flag("chmod").is_some()
                        {
                            fixed = true;
                            continue;
                        }
                        if practice_facts::run_as_at(checker, between) == RunAs::NonRoot {
                            continue;
                        }
                        let words = copy_words(instruction);
                        let Some((dest, _)) = words.last() else {
                            continue;
                        };
                        let at = model.workdir_at(between).map(|w| w.path);
                        if absolute_path(at, unquote(dest))
                            .is_some_and(|d| is_within(&d, &workdir_path))
                        {
                            root_copy.get_or_insert(between);
                        }
                    }
                    Keyword::Run => {
                        fixed |= changes_owner(checker, between, &workdir_path);
                    }
                    Keyword::Workdir | Keyword::Volume => {
                        // A later WORKDIR or a VOLUME of the same path changes the picture.
                        fixed |= is_same_dir(checker, between, &workdir_path);
                    }
                    _ => {}
                }
            }
            let Some(copy) = root_copy else {
                continue;
            };
            if fixed {
                continue;
            }
            let user = model
                .user_at(run)
                .map(|u| u.word.value.clone())
                .unwrap_or_default();
            checker.report(
                Diagnostic::new(
                    &ROOT_OWNED_WORKDIR_FOR_NON_ROOT,
                    format!(
                        "`{workdir_path}` and the files copied into it belong to root, but `{}` on line {} writes there as `{user}` and will fail with a permission error",
                        writer,
                        instructions[run].start_line
                    ),
                    Location::Text(instructions[copy].range),
                )
                .with_related(Location::Text(instructions[run].range), format!("runs as `{user}` in `{workdir_path}`"))
                .with_help(format!(
                    "Copy with `--chown={user}` and create `{workdir_path}` owned by `{user}` (`RUN mkdir -p {workdir_path} && chown {user} {workdir_path}`), or set `WORKDIR` after `USER`"
                )),
            );
            // One finding per stage is enough: the fix is the same.
            break;
        }
    }
}

fn is_same_dir(checker: &Checker, index: usize, dir: &str) -> bool {
    let instruction = &checker.instructions()[index];
    let at = checker.model.workdir_at(index).map(|w| w.path);
    copy_words(instruction)
        .iter()
        .chain(
            match &instruction.args {
                hullscan_dockerfile::Arguments::Words(words) => words
                    .iter()
                    .map(|w| (w.value.as_str(), w.range))
                    .collect::<Vec<_>>(),
                _ => Vec::new(),
            }
            .iter(),
        )
        .any(|(word, _)| absolute_path(at, unquote(word)).is_some_and(|p| p == dir))
}

/// Whether the RUN at `index` runs `chown`/`chmod` on `dir` or a directory holding it.
fn changes_owner(checker: &Checker, index: usize, dir: &str) -> bool {
    let at = checker.model.workdir_at(index).map(|w| w.path);
    run_commands(checker, index).iter().any(|command| {
        let paths = if let Some(chown) = tools::chown(&command.invocation) {
            chown.paths
        } else if let Some(chmod) = tools::chmod(&command.invocation) {
            chmod.paths
        } else {
            return false;
        };
        paths.iter().any(|path| {
            // A path we cannot resolve may well be the directory: assume it is.
            absolute_path(at, path.value()).is_none_or(|p| is_within(dir, &p))
        })
    })
}

/// The command of the RUN at `index` that creates files in its working directory.
fn writes_into_workdir(checker: &Checker, index: usize) -> Option<String> {
    let commands = run_commands(checker, index);
    for command in commands {
        if tools::cd(&command.invocation).is_some() {
            // After `cd` the working directory is another one.
            return None;
        }
        if writes(command) {
            return Some(command.invocation.name.to_owned() + &first_arg(command));
        }
    }
    None
}

fn first_arg(command: &RunCommand<'_, '_>) -> String {
    command
        .arg_values()
        .find(|arg| !arg.starts_with('-'))
        .map(|arg| format!(" {arg}"))
        .unwrap_or_default()
}

fn writes(command: &RunCommand<'_, '_>) -> bool {
    let invocation = &command.invocation;
    if let Some(node) = tools::node_package_manager(invocation) {
        return (node.installs() && !node.global)
            || node.is("run") && command.arg_values().any(|a| a == "build")
            || node.is("build");
    }
    let args: Vec<&str> = command.arg_values().collect();
    let first = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .copied()
        .unwrap_or("");
    match invocation.name {
        "bundle" => matches!(first, "install" | ""),
        "composer" => matches!(first, "install" | "update" | "require"),
        "cargo" => matches!(first, "build" | "install" | "fetch"),
        "mvn" | "mvnw" | "gradle" | "gradlew" => true,
        "go" => first == "build" && !args.contains(&"-o"),
        "mkdir" | "touch" => args.iter().any(|a| {
            !a.starts_with('-') && !a.starts_with('/') && !a.starts_with('$') && !a.starts_with('~')
        }),
        _ => false,
    }
}
