//! Facts about RUN instructions shared by the command rules: the commands a RUN runs (seen
//! through `sudo`/`env`/... wrappers), its `--mount` flags, and which stages a finding matters in.

use hullscan_diagnostics::{Edit, RuleMeta};
use hullscan_dockerfile::{Arguments, Instruction, Keyword};
use hullscan_text::TextRange;

use crate::checker::Checker;
pub(crate) use crate::run_script::RunCommand;
use crate::run_script::run_of;

/// The commands of the RUN (or `ONBUILD RUN`) at `index`, in source order, with wrappers such
/// as `sudo` stripped. Commands inside `$(…)` are included, as hadolint's parse also sees them.
/// Built once per file and shared by every rule.
pub(crate) fn run_commands<'s, 'a>(
    checker: &Checker<'a, 's>,
    index: usize,
) -> &'s [RunCommand<'s, 'a>] {
    checker.run_commands(index)
}

/// Reports `rule` at most once for the RUN at `index`, as hadolint does: at the first command
/// that installs an unpinned package, naming every unpinned package of the whole RUN.
/// `unpinned` adds one command's unpinned package names (as written) to the list it is given.
pub(crate) fn report_unpinned_packages<'s, 'a>(
    checker: &Checker<'a, 's>,
    index: usize,
    rule: &'static RuleMeta,
    noun: &str,
    help: &str,
    mut unpinned: impl FnMut(&'s RunCommand<'s, 'a>, &mut Vec<&'s str>),
) {
    let mut names: Vec<&'s str> = Vec::new();
    let mut first_range = None;
    for command in run_commands(checker, index) {
        let before = names.len();
        unpinned(command, &mut names);
        if names.len() > before {
            first_range.get_or_insert(command.range());
        }
    }
    let Some(range) = first_range else {
        return;
    };
    let listed: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    checker.report_at(
        rule,
        format!("unpinned {noun}: {}", listed.join(", ")),
        range,
        Some(help),
    );
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

/// An edit that appends ` && <command>` to the RUN at `index` (`instruction`), so that
/// `command` runs after everything else the RUN does, when all of it succeeded (`a; b || c`
/// becomes `a; b || c && command`, and `&&`/`||` group from the left). `None` where that
/// cannot be done mechanically: exec form, a heredoc, a script that does not parse, a last
/// command sent to the background, or anything but `;` and blanks after it (a trailing
/// `# comment` would swallow the text).
pub(crate) fn append_to_run(
    checker: &Checker,
    index: usize,
    instruction: &Instruction,
    command: &str,
) -> Option<Edit> {
    let run = run_of(instruction)?;
    if !run.heredocs.is_empty() || !matches!(run.args, Arguments::Shell(_)) {
        return None;
    }
    let script = checker.run_script(index)?;
    if !script.is_shell_form() || script.script.has_errors() {
        return None;
    }
    let last = script.script.body.lists.last()?;
    if last.is_background() {
        return None;
    }
    let end = last.range.end();
    let after = &script.script.source[end.to_usize()..];
    if !after.chars().all(|c| c == ';' || c.is_whitespace()) {
        return None;
    }
    let at = script.file_range(last.range).end();
    Some(Edit::insertion(format!(" && {command}"), at))
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
    number + 1 == stages.len() || checker.model.is_parent_stage(number)
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

/// One rule's findings in one RUN, merged into a single diagnostic at the first offending
/// command (hadolint reports each rule at most once per instruction), with the fix edits of
/// every offending command in one fix.
#[derive(Default)]
pub(crate) struct RunFinding {
    range: Option<TextRange>,
    edits: Vec<hullscan_diagnostics::Edit>,
}

impl RunFinding {
    /// Records an offending command and the edit that fixes it, if any.
    pub fn add(&mut self, range: TextRange, edit: Option<hullscan_diagnostics::Edit>) {
        self.range.get_or_insert(range);
        self.edits.extend(edit);
    }

    /// Reports the merged finding, if any command offended.
    pub fn report(
        self,
        checker: &Checker,
        rule: &hullscan_diagnostics::RuleMeta,
        message: &str,
        fix_title: &str,
        applicability: hullscan_diagnostics::Applicability,
    ) {
        let Some(range) = self.range else {
            return;
        };
        let mut diagnostic = hullscan_diagnostics::Diagnostic::new(
            rule,
            message,
            hullscan_diagnostics::Location::Text(range),
        )
        .with_help(fix_title);
        if !self.edits.is_empty() {
            diagnostic = diagnostic.with_fix(hullscan_diagnostics::Fix::new(
                fix_title,
                self.edits,
                applicability,
            ));
        }
        checker.report(diagnostic);
    }
}
