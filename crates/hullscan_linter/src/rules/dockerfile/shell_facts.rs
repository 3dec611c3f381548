//! Facts about RUN instructions shared by the command rules: the commands a RUN runs (seen
//! through `sudo`/`env`/... wrappers), its `--mount` flags, and which stages a finding matters in.

use hullscan_dockerfile::{Arguments, Instruction, Keyword};
use hullscan_shell::{Invocation, SimpleCommand};
use hullscan_text::TextRange;

use crate::checker::Checker;
use crate::run_script::{RunScript, run_of};

/// One command of a RUN script.
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

/// The commands of the RUN (or `ONBUILD RUN`) at `index`, in source order, with wrappers such
/// as `sudo` stripped. Commands inside `$(…)` are included, as hadolint's parse also sees them.
pub(crate) fn run_commands<'c, 'a>(checker: &'c Checker<'a>, index: usize) -> Vec<RunCommand<'c, 'a>> {
    let Some(script) = checker.run_script(index) else {
        return Vec::new();
    };
    script
        .script
        .simple_commands()
        .into_iter()
        .filter_map(|command: &'c SimpleCommand<'a>| {
            Invocation::new(command).map(|invocation| RunCommand { invocation, script })
        })
        .collect()
}

/// A `--mount=type=…,target=…` flag of a RUN.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Mount {
    pub kind: String,
    pub target: String,
    pub from: Option<String>,
    pub range: TextRange,
}

/// The `--mount` flags of the RUN `instruction` stands for (itself or its ONBUILD trigger).
pub(crate) fn run_mounts(instruction: &Instruction) -> Vec<Mount> {
    let Some(run) = run_of(instruction) else {
        return Vec::new();
    };
    run.flags
        .iter()
        .filter(|flag| flag.name == "mount")
        .filter_map(|flag| {
            let value = flag.value.as_deref()?;
            let mut mount = Mount {
                kind: "bind".to_owned(),
                range: flag.range,
                ..Mount::default()
            };
            for field in value.split(',') {
                let (key, value) = field.split_once('=').unwrap_or((field, ""));
                let value = value.trim_matches(|c| c == '"' || c == '\'');
                match key.trim() {
                    "type" => value.clone_into(&mut mount.kind),
                    "target" | "dst" | "destination" => value.clone_into(&mut mount.target),
                    "from" => mount.from = Some(value.to_owned()),
                    _ => {}
                }
            }
            Some(mount)
        })
        .collect()
}

/// Whether the RUN has a cache or tmpfs mount whose target satisfies `matches`.
pub(crate) fn has_cache_mount(instruction: &Instruction, matches: impl Fn(&str) -> bool) -> bool {
    run_mounts(instruction)
        .iter()
        .any(|mount| matches!(mount.kind.as_str(), "cache" | "tmpfs") && matches(&mount.target))
}

/// The stage number of instruction `index`; instructions before the first FROM (fragments)
/// belong to no stage.
pub(crate) fn stage_number(checker: &Checker, index: usize) -> Option<usize> {
    checker.model.stage_of(index).map(|stage| stage.index)
}

/// Whether what instruction `index` leaves in its stage's filesystem ends up in an image someone
/// uses: the stage is the last one, or a later stage is built `FROM` it. Instructions before any
/// FROM count as the final stage when the file has no stage at all.
pub(crate) fn stage_is_shipped(checker: &Checker, index: usize) -> bool {
    let stages = checker.model.stages();
    let Some(number) = stage_number(checker, index) else {
        return stages.is_empty();
    };
    number + 1 == stages.len()
        || stages
            .iter()
            .skip(number + 1)
            .any(|later| later.parent() == Some(number))
}

/// The keywords of instructions that may run a shell script.
pub(crate) const RUN_KEYWORDS: &[Keyword] = &[Keyword::Run, Keyword::Onbuild];

/// The words of a COPY/ADD in either form (flags excluded): sources then destination.
pub(crate) fn copy_words(instruction: &Instruction) -> Vec<(&str, TextRange)> {
    match &instruction.args {
        Arguments::Exec(exec) => exec
            .words
            .iter()
            .map(|w| (w.value.as_str(), w.range))
            .collect(),
        Arguments::Words(words) => words.iter().map(|w| (w.value.as_str(), w.range)).collect(),
        _ => Vec::new(),
    }
}

/// `value` without one pair of surrounding quotes.
pub(crate) fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}
