//! The shell script of each `RUN` (and `ONBUILD RUN`), parsed once per file and shared by every
//! rule that looks at commands.

use hullscan_dockerfile::{Arguments, Instruction, Keyword, OffsetMap};
use hullscan_shell::{Invocation, Script, SimpleCommand};
use hullscan_text::{TextRange, TextSize};

/// A parsed RUN script with the map from script offsets back to the Dockerfile.
#[derive(Debug)]
pub struct RunScript<'a> {
    pub script: Script<'a>,
    map: ScriptMap<'a>,
}

#[derive(Debug)]
enum ScriptMap<'a> {
    /// Shell form: through the parser's continuation-line map.
    Shell(&'a OffsetMap),
    /// A heredoc body: one contiguous piece of the file starting here.
    Contiguous(TextSize),
    /// Exec form joined with spaces: each word starts at its JSON string.
    Joined(&'a OffsetMap),
}

impl RunScript<'_> {
    /// Whether the script is the RUN's own shell-form text (continuations aside): text
    /// inserted into it lands in the shell command line. Not so for exec form, whose joined
    /// words map back into separate JSON strings, nor for a heredoc body.
    pub fn is_shell_form(&self) -> bool {
        matches!(self.map, ScriptMap::Shell(_))
    }

    /// Whether an edit inside a word of the script edits the shell text (shell form or a
    /// heredoc body), not a JSON string of exec form.
    pub fn is_shell_text(&self) -> bool {
        !matches!(self.map, ScriptMap::Joined(_))
    }

    /// The Dockerfile range of `range`, a range in [`Self::script`].
    pub fn file_range(&self, range: TextRange) -> TextRange {
        let source = self.script.source;
        match &self.map {
            ScriptMap::Shell(map) => hullscan_shell::map_range(source, range, &|o| map.to_file(o)),
            ScriptMap::Contiguous(start) => {
                let start = *start;
                hullscan_shell::map_range(source, range, &move |o: TextSize| start + o)
            }
            ScriptMap::Joined(map) => hullscan_shell::map_range(source, range, &|o| map.to_file(o)),
        }
    }
}

/// The RUN instruction `instruction` stands for: itself, or the trigger of an `ONBUILD RUN`.
pub fn run_of(instruction: &Instruction) -> Option<&Instruction> {
    match instruction.keyword {
        Keyword::Run => Some(instruction),
        Keyword::Onbuild => instruction
            .onbuild
            .as_deref()
            .filter(|trigger| trigger.keyword == Keyword::Run),
        _ => None,
    }
}

/// An exec-form RUN joined into one command line, with the map back to its JSON strings.
pub type JoinedRun = (String, OffsetMap);

/// Exec-form RUNs (and ONBUILD RUNs) joined into one command line, as hadolint reads them, with
/// the map back to the JSON strings; `None` for every other instruction. Built before the
/// checker because the parsed scripts borrow this text. Boxed: one slot per instruction, and
/// most are not exec-form RUNs.
pub fn join_exec_runs(instructions: &[Instruction]) -> Vec<Option<Box<JoinedRun>>> {
    instructions
        .iter()
        .map(|instruction| {
            let run = run_of(instruction)?;
            let Arguments::Exec(exec) = &run.args else {
                return None;
            };
            let mut text = String::new();
            let mut pieces = Vec::with_capacity(exec.words.len());
            for word in &exec.words {
                if !text.is_empty() {
                    text.push(' ');
                }
                // The JSON string's content starts after its opening quote.
                let file_start = word.range.start() + TextSize::new(1);
                pieces.push((TextSize::of(&text), file_start));
                text.push_str(&word.value);
            }
            Some(Box::new((text, OffsetMap::from_pieces(pieces))))
        })
        .collect()
}

/// The parsed scripts, one slot per instruction (`None` for anything but a RUN / ONBUILD RUN).
/// Built eagerly, before the checker, so the checker can cache each RUN's command list borrowed
/// from it: nearly every file has rules that read every RUN, so nothing is parsed needlessly.
pub struct RunScripts<'a> {
    slots: Vec<Option<RunScript<'a>>>,
}

impl<'a> RunScripts<'a> {
    pub fn new(instructions: &'a [Instruction], joined: &'a [Option<Box<JoinedRun>>]) -> Self {
        Self {
            slots: (0..instructions.len())
                .map(|index| Self::build(instructions, joined, index))
                .collect(),
        }
    }

    /// The script of instruction `index` (a RUN or ONBUILD RUN).
    pub fn get(&self, index: usize) -> Option<&RunScript<'a>> {
        self.slots.get(index)?.as_ref()
    }

    fn build(
        instructions: &'a [Instruction],
        joined: &'a [Option<Box<JoinedRun>>],
        index: usize,
    ) -> Option<RunScript<'a>> {
        let run = run_of(instructions.get(index)?)?;
        match &run.args {
            Arguments::Shell(text) => {
                // `RUN <<EOF` runs the heredoc body as the script.
                if let Some(heredoc) = run.heredocs.first()
                    && text.value.trim_start().starts_with("<<")
                {
                    return Some(RunScript {
                        script: hullscan_shell::parse(&heredoc.body),
                        map: ScriptMap::Contiguous(heredoc.body_range.start()),
                    });
                }
                Some(RunScript {
                    script: hullscan_shell::parse(&text.value),
                    map: ScriptMap::Shell(&text.map),
                })
            }
            Arguments::Exec(_) => {
                let (text, map) = &**joined.get(index)?.as_ref()?;
                Some(RunScript {
                    script: hullscan_shell::parse(text),
                    map: ScriptMap::Joined(map),
                })
            }
            _ => None,
        }
    }
}

/// One command of a RUN script, seen through wrappers such as `sudo`.
pub(crate) struct RunCommand<'c, 'a> {
    pub invocation: Invocation<'c, 'a>,
    pub script: &'c RunScript<'a>,
}

impl<'c> RunCommand<'c, '_> {
    /// The Dockerfile range of the whole command.
    pub fn range(&self) -> TextRange {
        self.script.file_range(self.invocation.command.range)
    }

    /// The operand words (no flags) as written, in order.
    pub fn arg_values(&self) -> impl Iterator<Item = &'c str> + 'c {
        self.invocation.args.iter().map(|word| &*word.value)
    }
}

/// The commands of every RUN script, one list per instruction, built once per file: about forty
/// rules read them, and walking the script and resolving wrappers per rule dominated lint time.
pub(crate) struct RunCommands<'c, 'a> {
    lists: Vec<Vec<RunCommand<'c, 'a>>>,
}

impl<'c, 'a> RunCommands<'c, 'a> {
    /// Commands inside `$(…)` are included, as hadolint's parse also sees them.
    pub fn new(scripts: &'c RunScripts<'a>) -> Self {
        let lists = scripts
            .slots
            .iter()
            .map(|slot| {
                let Some(script) = slot else {
                    return Vec::new();
                };
                let mut commands: Vec<RunCommand<'c, 'a>> = script
                    .script
                    .simple_commands()
                    .into_iter()
                    .filter_map(|command: &'c SimpleCommand<'a>| {
                        Invocation::new(command).map(|invocation| RunCommand { invocation, script })
                    })
                    .collect();
                // Kept for the whole check, one list per RUN: no growth slack.
                commands.shrink_to_fit();
                commands
            })
            .collect();
        Self { lists }
    }

    /// The commands of instruction `index`, in source order; empty for anything but a RUN.
    pub fn get(&self, index: usize) -> &[RunCommand<'c, 'a>] {
        self.lists.get(index).map_or(&[], Vec::as_slice)
    }
}
