//! The shell script of each `RUN` (and `ONBUILD RUN`), parsed once per file and shared by every
//! rule that looks at commands.

use std::cell::OnceCell;

use hullscan_dockerfile::{Arguments, Instruction, Keyword, OffsetMap};
use hullscan_shell::Script;
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

/// Exec-form RUNs (and ONBUILD RUNs) joined into one command line, as hadolint reads them, with
/// the map back to the JSON strings; `None` for every other instruction. Built before the
/// checker because the parsed scripts borrow this text.
pub fn join_exec_runs(instructions: &[Instruction]) -> Vec<Option<(String, OffsetMap)>> {
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
            Some((text, OffsetMap::from_pieces(pieces)))
        })
        .collect()
}

/// Lazily parsed scripts, one slot per instruction.
pub struct RunScripts<'a> {
    instructions: &'a [Instruction],
    joined: &'a [Option<(String, OffsetMap)>],
    slots: Vec<OnceCell<Option<RunScript<'a>>>>,
}

impl<'a> RunScripts<'a> {
    pub fn new(instructions: &'a [Instruction], joined: &'a [Option<(String, OffsetMap)>]) -> Self {
        Self {
            instructions,
            joined,
            slots: (0..instructions.len()).map(|_| OnceCell::new()).collect(),
        }
    }

    /// The script of instruction `index` (a RUN or ONBUILD RUN), parsed on first use.
    pub fn get(&self, index: usize) -> Option<&RunScript<'a>> {
        let slot = self.slots.get(index)?;
        slot.get_or_init(|| self.build(index)).as_ref()
    }

    fn build(&self, index: usize) -> Option<RunScript<'a>> {
        let run = run_of(self.instructions.get(index)?)?;
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
                let (text, map) = self.joined.get(index)?.as_ref()?;
                Some(RunScript {
                    script: hullscan_shell::parse(text),
                    map: ScriptMap::Joined(map),
                })
            }
            _ => None,
        }
    }
}
