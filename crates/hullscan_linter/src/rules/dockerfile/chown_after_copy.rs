//! HS401: `COPY` followed by a `RUN chown`/`chmod` of the files it copied.

use hullscan_diagnostics::{Applicability, Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::{Instruction, Keyword};
use hullscan_shell::tools;
use hullscan_text::{TextRange, TextSize};

use crate::checker::Checker;
use crate::rules::dockerfile::practice_facts::{absolute_path, is_within};
use crate::rules::dockerfile::shell_facts::{copy_words, run_commands, stage_is_shipped, unquote};

declare_rule! {
    /// ## What it does
    /// Finds a `RUN chown` or `RUN chmod` that changes files an earlier `COPY`/`ADD` of the
    /// same stage put in place: the copy's destination, a file it copied, or (recursively) a
    /// directory holding them. Only stages that end up in an image are checked.
    ///
    /// ## Why is this bad?
    /// Every instruction is a new layer, and a layer stores whole files. Changing the owner or
    /// mode of a file rewrites it, so the files land in the image twice: once as copied, once
    /// with the new owner. A `chown -R` of the application directory can double the image.
    /// `COPY --chown=user:group` and `COPY --chmod=755` set ownership and mode while copying, in
    /// one layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN chown -R node:node /app
    /// USER node
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY --chown=node:node . .
    /// USER node
    /// ```
    ///
    /// ## Fix safety
    /// When the RUN is nothing but that one `chown` (or a `chmod` with an octal mode) of exactly
    /// the copy's destination, the fix moves the owner (mode) into a `--chown` (`--chmod`) flag
    /// of the COPY and deletes the RUN. It is unsafe: a recursive `chown` also changed files
    /// that were in the destination before the copy, which `--chown` leaves alone, and a
    /// `--chown` user name must exist when the COPY runs.
    ///
    /// ## References
    /// - [Dockerfile reference: COPY --chown --chmod](https://docs.docker.com/reference/dockerfile/#copy---chown---chmod)
    pub static CHOWN_AFTER_COPY = {
        code: "HS401",
        name: "chown-after-copy",
        aliases: [],
        severity: Warning,
        category: Performance,
        fix: Sometimes,
        summary: "`RUN chown`/`chmod` of copied files stores them twice; use `COPY --chown`/`--chmod`",
    };
}

/// What one COPY/ADD put where.
struct Copied {
    index: usize,
    /// The destination, absolute.
    destination: String,
    /// Paths of the copied entries when they can be named (`/app/app.py` for
    /// `COPY app.py /app/`); the destination itself for a single source to a non-`/` target.
    entries: Vec<String>,
    has_chown: bool,
    has_chmod: bool,
}

/// HS401
pub(crate) fn chown_after_copy(checker: &mut Checker) {
    let model = checker.model;
    let instructions = checker.instructions();
    for stage in model.stages() {
        if !stage_is_shipped(checker, stage.from_index) {
            continue;
        }
        let mut copies: Vec<Copied> = Vec::new();
        for index in stage.instructions.clone().skip(1) {
            let instruction = &instructions[index];
            match instruction.keyword {
                Keyword::Copy | Keyword::Add => {
                    if let Some(copied) = copied(checker, index, instruction) {
                        copies.push(copied);
                    }
                }
                Keyword::Run if !copies.is_empty() => {
                    check_run(checker, index, instruction, &copies)
                }
                _ => {}
            }
        }
    }
}

fn copied(checker: &Checker, index: usize, instruction: &Instruction) -> Option<Copied> {
    let words = copy_words(instruction);
    let ((dest, _), sources) = words.split_last()?;
    if sources.is_empty() {
        return None;
    }
    let workdir = checker.model.workdir_at(index).map(|w| w.path);
    let dest = unquote(dest);
    let destination = absolute_path(workdir, dest)?;
    let into_directory = dest.ends_with('/') || sources.len() > 1;
    let mut entries = Vec::new();
    if into_directory {
        for (source, _) in sources {
            let source = unquote(source).trim_end_matches('/');
            let name = source.rsplit('/').next().unwrap_or(source);
            if name.is_empty()
                || name == "."
                || name.contains(['*', '?', '[', '$'])
                || source.contains("://")
            {
                continue;
            }
            entries.push(format!("{}/{name}", destination.trim_end_matches('/')));
        }
    } else if !matches!(unquote(sources[0].0), "." | "./") {
        entries.push(destination.clone());
    }
    Some(Copied {
        index,
        destination,
        entries,
        has_chown: instruction.flag("chown").is_some(),
        has_chmod: instruction.flag("chmod").is_some(),
    })
}

/// Which change a command makes.
enum Change<'a> {
    Owner(Option<&'a str>),
    Mode(Option<&'a str>),
}

fn check_run(checker: &Checker, index: usize, instruction: &Instruction, copies: &[Copied]) {
    let Some(script) = checker.run_script(index) else {
        return;
    };
    let commands = run_commands(checker, index);
    let workdir = checker.model.workdir_at(index).map(|w| w.path);
    // After a `cd`, relative paths no longer resolve against WORKDIR.
    let mut changed_directory = false;
    let single_command = commands.len() == 1 && !script.script.has_errors();
    for command in commands {
        let invocation = &command.invocation;
        if tools::cd(invocation).is_some() {
            changed_directory = true;
            continue;
        }
        let (change, paths, recursive) = if let Some(chown) = tools::chown(invocation) {
            (Change::Owner(chown.owner), chown.paths, chown.recursive)
        } else if let Some(chmod) = tools::chmod(invocation) {
            (Change::Mode(chmod.mode), chmod.paths, chmod.recursive)
        } else {
            continue;
        };
        for path in paths {
            let text = path.value();
            if changed_directory && !text.starts_with('/') {
                continue;
            }
            let Some(path) = absolute_path(workdir, text) else {
                continue;
            };
            // The latest copy that put files at or under the path.
            let Some(copy) = copies.iter().rev().find(|copy| {
                copy.entries.contains(&path)
                    || (recursive && is_within(&copy.destination, &path) && path != "/")
            }) else {
                continue;
            };
            let (verb, flag) = match change {
                Change::Owner(_) => ("chown", "--chown"),
                Change::Mode(_) => ("chmod", "--chmod"),
            };
            let copy_instruction = &checker.instructions()[copy.index];
            let mut diagnostic = Diagnostic::new(
                &CHOWN_AFTER_COPY,
                format!(
                    "`{verb}` rewrites files the `{}` on line {} copied, storing them in a second layer",
                    copy_instruction.keyword.as_str(),
                    copy_instruction.start_line
                ),
                Location::Text(command.range()),
            )
            .with_related(Location::Text(copy_instruction.range), "the files are copied here");
            let help = format!(
                "Set it while copying: `{} {flag}=…`",
                copy_instruction.keyword.as_str()
            );
            let fix = if single_command && path == copy.destination {
                mechanical_fix(checker, copy, copy_instruction, instruction, &change)
            } else {
                None
            };
            diagnostic = match fix {
                Some(fix) => diagnostic.with_help(fix.title.clone()).with_fix(fix),
                None => diagnostic.with_help(help),
            };
            checker.report(diagnostic);
            break;
        }
    }
}

/// Moves the owner (mode) into the COPY and deletes the RUN.
fn mechanical_fix(
    checker: &Checker,
    copy: &Copied,
    copy_instruction: &Instruction,
    run: &Instruction,
    change: &Change<'_>,
) -> Option<Fix> {
    let (flag, value) = match change {
        Change::Owner(Some(owner)) if !copy.has_chown => ("chown", *owner),
        Change::Mode(Some(mode)) if !copy.has_chmod && is_octal(mode) => ("chmod", *mode),
        _ => return None,
    };
    if value.contains(['$', '`', '\'', '"', ' ']) || value.is_empty() {
        return None;
    }
    let text = checker.source.text();
    let mut end = run.range.end();
    let rest = text.get(end.to_usize()..).unwrap_or_default();
    if rest.starts_with("\r\n") {
        end = TextSize::new(end.to_u32() + 2);
    } else if rest.starts_with('\n') {
        end = TextSize::new(end.to_u32() + 1);
    }
    let title = format!(
        "Use `{} --{flag}={value}` and drop the `RUN`",
        copy_instruction.keyword.as_str()
    );
    Some(Fix::new(
        title,
        vec![
            Edit::insertion(
                format!(" --{flag}={value}"),
                copy_instruction.keyword_range.end(),
            ),
            Edit::deletion(TextRange::new(run.range.start(), end)),
        ],
        Applicability::Unsafe,
    ))
}

fn is_octal(mode: &str) -> bool {
    (3..=4).contains(&mode.len()) && mode.bytes().all(|b| (b'0'..=b'7').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::CHOWN_AFTER_COPY;
    use crate::rules::dockerfile::buildkit_facts::testing;

    fn fixed(text: &str) -> String {
        testing::fixed(&CHOWN_AFTER_COPY, text)
    }

    #[test]
    fn moves_owner_and_mode_into_the_copy() {
        assert_eq!(
            fixed(
                "FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN chown -R node:node /app\nUSER node\n"
            ),
            "FROM node:22-slim\nWORKDIR /app\nCOPY --chown=node:node . .\nUSER node\n"
        );
        assert_eq!(
            fixed("FROM alpine:3.20\nCOPY run.sh /run.sh\nRUN chmod 755 /run.sh\n"),
            "FROM alpine:3.20\nCOPY --chmod=755 run.sh /run.sh\n"
        );
        // Symbolic modes and RUNs doing more than the chown are reported without a fix.
        let text = "FROM alpine:3.20\nCOPY run.sh /run.sh\nRUN chmod +x /run.sh\n";
        assert_eq!(fixed(text), text);
        let text = "FROM alpine:3.20\nCOPY . /app\nRUN chown -R app /app && echo ok\n";
        assert_eq!(fixed(text), text);
    }
}
