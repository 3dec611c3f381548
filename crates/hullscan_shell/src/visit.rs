//! Walking a script in source order.

use crate::ast::{Block, Command, CommandKind, Pipeline, Redirect, Script, SimpleCommand, Word};

/// A simple command together with where it sits.
#[derive(Clone, Copy, Debug)]
pub struct CommandContext<'a, 'src> {
    pub command: &'a SimpleCommand<'src>,
    /// The redirects of the command (`> file`, `2>&1`, `<<EOF`).
    pub redirects: &'a [Redirect<'src>],
    /// The pipeline the command is part of.
    pub pipeline: &'a Pipeline<'src>,
    /// Its position in [`Self::pipeline`]'s commands.
    pub index_in_pipeline: usize,
    /// True inside `$(…)`, backticks or `<(…)`.
    pub in_substitution: bool,
}

impl<'a, 'src> CommandContext<'a, 'src> {
    /// The commands after this one in its pipeline (those reading its output).
    pub fn downstream(&self) -> &'a [Command<'src>] {
        &self.pipeline.commands[self.index_in_pipeline + 1..]
    }
}

impl<'src> Script<'src> {
    /// Every pipeline, including those inside compound commands and substitutions, in source
    /// order (an enclosing pipeline before the pipelines nested in it).
    pub fn pipelines(&self) -> Vec<&Pipeline<'src>> {
        self.body.pipelines()
    }

    /// Every simple command (with an empty command left out), in source order.
    pub fn simple_commands(&self) -> Vec<&SimpleCommand<'src>> {
        self.body.simple_commands()
    }

    /// Every simple command with its pipeline and nesting, in source order.
    pub fn commands_with_context(&self) -> Vec<CommandContext<'_, 'src>> {
        self.body.commands_with_context()
    }
}

impl<'src> Block<'src> {
    pub fn pipelines(&self) -> Vec<&Pipeline<'src>> {
        let mut out = Vec::new();
        walk_block(self, false, &mut |pipeline, _| out.push(pipeline));
        out
    }

    pub fn simple_commands(&self) -> Vec<&SimpleCommand<'src>> {
        self.commands_with_context()
            .into_iter()
            .map(|context| context.command)
            .collect()
    }

    pub fn commands_with_context(&self) -> Vec<CommandContext<'_, 'src>> {
        let mut out = Vec::new();
        walk_block(self, false, &mut |pipeline, in_substitution| {
            for (index, command) in pipeline.commands.iter().enumerate() {
                if let CommandKind::Simple(simple) = &command.kind
                    && !(simple.words.is_empty()
                        && simple.assignments.is_empty()
                        && command.redirects.is_empty())
                {
                    out.push(CommandContext {
                        command: simple,
                        redirects: &command.redirects,
                        pipeline,
                        index_in_pipeline: index,
                        in_substitution,
                    });
                }
            }
        });
        out
    }
}

fn walk_block<'a, 'src>(
    block: &'a Block<'src>,
    in_substitution: bool,
    visit: &mut dyn FnMut(&'a Pipeline<'src>, bool),
) {
    for list in &block.lists {
        for pipeline in &list.pipelines {
            visit(pipeline, in_substitution);
            for command in &pipeline.commands {
                walk_command(command, in_substitution, visit);
            }
        }
    }
}

fn walk_words<'a, 'src>(
    words: impl IntoIterator<Item = &'a Word<'src>>,
    visit: &mut dyn FnMut(&'a Pipeline<'src>, bool),
) where
    'src: 'a,
{
    for word in words {
        for body in word.substitutions() {
            walk_block(body, true, visit);
        }
    }
}

fn walk_command<'a, 'src>(
    command: &'a Command<'src>,
    in_substitution: bool,
    visit: &mut dyn FnMut(&'a Pipeline<'src>, bool),
) {
    match &command.kind {
        CommandKind::Simple(simple) => {
            walk_words(simple.assignments.iter().map(|a| &a.value), visit);
            walk_words(&simple.words, visit);
        }
        CommandKind::Subshell(body) | CommandKind::BraceGroup(body) => {
            walk_block(body, in_substitution, visit);
        }
        CommandKind::If(if_command) => {
            for branch in &if_command.branches {
                walk_block(&branch.condition, in_substitution, visit);
                walk_block(&branch.body, in_substitution, visit);
            }
            if let Some(body) = &if_command.else_body {
                walk_block(body, in_substitution, visit);
            }
        }
        CommandKind::For(for_command) => {
            if let Some(items) = &for_command.items {
                walk_words(items, visit);
            }
            walk_block(&for_command.body, in_substitution, visit);
        }
        CommandKind::While(while_command) => {
            walk_block(&while_command.condition, in_substitution, visit);
            walk_block(&while_command.body, in_substitution, visit);
        }
        CommandKind::Case(case) => {
            walk_words(std::iter::once(&case.subject), visit);
            for arm in &case.arms {
                walk_block(&arm.body, in_substitution, visit);
            }
        }
        CommandKind::Function(function) => walk_command(&function.body, in_substitution, visit),
        CommandKind::Test(words) => walk_words(words, visit),
        CommandKind::Arithmetic(_) => {}
    }
    walk_words(command.redirects.iter().map(|r| &r.target), visit);
}
