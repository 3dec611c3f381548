//! The Dockerfile checker: runs the enabled rules over one parsed file and applies suppressions
//! and severity overrides. Pure: no I/O, same input, same output.

use std::cell::RefCell;

use hullscan_diagnostics::{Diagnostic, Location, RuleMeta};
use hullscan_dockerfile::{Instruction, Keyword, Parse};
use hullscan_semantic::SemanticModel;
use hullscan_text::{SourceFile, TextRange};

use crate::rules::dockerfile::stage_scan::{
    ScannedStage, first_arg_declarations, latest_in_scope, scan_stages,
};
use crate::rules::dockerfile::{DOCKERFILE_RULES, RulePass};
use crate::rules::tool::SYNTAX_ERROR;
use crate::run_script::{self, RunCommand, RunCommands, RunScript, RunScripts};
use crate::settings::LinterSettings;
use crate::shellcheck::ShellcheckFn;
use hullscan_shell::shellcheck::ShellcheckError;

type InstructionRule = fn(&mut Checker, usize, &Instruction);
/// Every [`Keyword`], `Unknown` included.
const KEYWORDS: usize = Keyword::ALL.len() + 1;
use crate::suppression::Suppressions;

/// What a rule sees: the file, its parse, its semantic model and the settings, plus the findings
/// reported so far. `'a` is the file's data, `'s` the per-file RUN script storage it borrows.
pub struct Checker<'a, 's> {
    pub source: &'a SourceFile,
    pub parse: &'a Parse,
    pub model: &'a SemanticModel<'a>,
    pub settings: &'a LinterSettings,
    /// The shell script of each RUN / ONBUILD RUN, parsed once per file.
    run_scripts: &'s RunScripts<'a>,
    /// The commands of each RUN script, resolved once per file.
    run_commands: &'s RunCommands<'s, 'a>,
    /// Behind a `RefCell` so a rule can report while it holds a script borrowed from the checker.
    diagnostics: RefCell<Vec<Diagnostic>>,
    /// See [`CheckExtras::copied_secret_verdicts`].
    copied_secret_verdicts: &'s [(TextRange, bool)],
    /// The stages as [`scan_stages`] finds them, scanned once per file on first use: rules that
    /// look up an instruction's stage chain would otherwise rescan every stage per instruction.
    scanned_stages: std::cell::OnceCell<Vec<ScannedStage>>,
    /// Per instruction, the latest exec-form `SHELL` and the latest `WORKDIR` (or `ONBUILD
    /// WORKDIR`) before it in its stage chain; computed once per file on first use.
    latest_shell: std::cell::OnceCell<Vec<Option<usize>>>,
    latest_workdir: std::cell::OnceCell<Vec<Option<usize>>>,
    /// Per stage, the stage at the root of its `FROM <stage>` chain (the one built on an image,
    /// `scratch` or an unresolved name); computed once per file so per-variable checks do not
    /// walk the chain.
    chain_roots: std::cell::OnceCell<Vec<Option<usize>>>,
    /// Per instruction, whether any `SHELL` (exec form or not) comes before it in its stage
    /// chain; computed once per file.
    shell_set_before: std::cell::OnceCell<Vec<bool>>,
    /// The first instruction declaring each ARG name; computed once per file.
    first_arg_declarations: std::cell::OnceCell<std::collections::HashMap<&'a str, usize>>,
}

impl<'a, 's> Checker<'a, 's> {
    /// Reports a finding; its severity is settled later (overrides, `# check=error=true`).
    pub fn report(&self, diagnostic: Diagnostic) {
        self.diagnostics.borrow_mut().push(diagnostic);
    }

    /// Reports a finding of `rule` at `range` with an optional help line.
    pub fn report_at(
        &self,
        rule: &RuleMeta,
        message: impl Into<String>,
        range: TextRange,
        help: Option<&str>,
    ) {
        let mut diagnostic = Diagnostic::new(rule, message, Location::Text(range));
        if let Some(help) = help {
            diagnostic = diagnostic.with_help(help);
        }
        self.report(diagnostic);
    }

    /// The source text of `range`.
    /// Whether the files a COPY/ADD source word (at `range`) names hold a credential, as the
    /// build context's content says; `None` when the context was not read or the word names
    /// no such file.
    pub fn copied_file_holds_secret(&self, range: TextRange) -> Option<bool> {
        self.copied_secret_verdicts
            .iter()
            .find(|(judged, _)| *judged == range)
            .map(|(_, holds)| *holds)
    }

    pub fn slice(&self, range: TextRange) -> &'a str {
        self.source.text().get(range.to_range()).unwrap_or_default()
    }

    pub fn instructions(&self) -> &'a [Instruction] {
        &self.parse.dockerfile.instructions
    }

    /// The latest exec-form `SHELL` before instruction `index` in its stage chain.
    pub(crate) fn latest_shell_before(&self, index: usize) -> Option<&'a Instruction> {
        let latest = self.latest_shell.get_or_init(|| {
            latest_in_scope(self.instructions(), self.scanned_stages(), |instruction| {
                instruction.keyword == Keyword::Shell
                    && matches!(instruction.args, hullscan_dockerfile::Arguments::Exec(_))
            })
        });
        latest
            .get(index)
            .copied()
            .flatten()
            .and_then(|at| self.instructions().get(at))
    }

    /// Whether a `WORKDIR` (or `ONBUILD WORKDIR`) comes before instruction `index` in its
    /// stage chain.
    pub(crate) fn workdir_set_before(&self, index: usize) -> bool {
        let latest = self.latest_workdir.get_or_init(|| {
            latest_in_scope(self.instructions(), self.scanned_stages(), |instruction| {
                instruction.keyword == Keyword::Workdir
                    || instruction
                        .onbuild
                        .as_deref()
                        .is_some_and(|trigger| trigger.keyword == Keyword::Workdir)
            })
        });
        latest.get(index).copied().flatten().is_some()
    }

    /// The stage at the root of stage `stage`'s `FROM <stage>` chain: the one whose base is an
    /// image, `scratch` or unresolved.
    pub(crate) fn chain_root(&self, stage: usize) -> Option<&'a hullscan_semantic::Stage<'a>> {
        let roots = self.chain_roots.get_or_init(|| {
            let stages = self.model.stages();
            let mut roots: Vec<Option<usize>> = Vec::with_capacity(stages.len());
            for stage in stages {
                let root = match stage.parent() {
                    // A parent is always an earlier stage, so its root is known already.
                    Some(parent) => roots.get(parent).copied().flatten(),
                    None => Some(stage.index),
                };
                roots.push(root);
            }
            roots
        });
        roots
            .get(stage)
            .copied()
            .flatten()
            .and_then(|root| self.model.stage(root))
    }

    /// Whether a `SHELL` (any form) comes before instruction `index` in its stage or anywhere in
    /// a stage its stage is built `FROM`.
    pub(crate) fn shell_set_before(&self, index: usize) -> bool {
        let set = self.shell_set_before.get_or_init(|| {
            let instructions = self.instructions();
            let mut set = vec![false; instructions.len()];
            // Whether each stage, with its parents, holds a SHELL anywhere.
            let mut at_stage_end: Vec<bool> = Vec::with_capacity(self.model.stages().len());
            for stage in self.model.stages() {
                let mut current = stage
                    .parent()
                    .is_some_and(|parent| at_stage_end.get(parent).copied().unwrap_or(false));
                for at in stage.instructions.clone() {
                    if let Some(slot) = set.get_mut(at) {
                        *slot = current;
                    }
                    if instructions
                        .get(at)
                        .is_some_and(|instruction| instruction.keyword == Keyword::Shell)
                    {
                        current = true;
                    }
                }
                at_stage_end.push(current);
            }
            set
        });
        set.get(index).copied().unwrap_or(false)
    }

    /// Whether an `ARG name` appears anywhere before instruction `index` (any stage, or global).
    pub(crate) fn arg_declared_before(&self, index: usize, name: &str) -> bool {
        self.first_arg_declarations
            .get_or_init(|| first_arg_declarations(self.instructions()))
            .get(name)
            .is_some_and(|&first| first < index)
    }

    /// The file's stages (see [`scan_stages`]), scanned once per file.
    pub(crate) fn scanned_stages(&self) -> &[ScannedStage] {
        self.scanned_stages
            .get_or_init(|| scan_stages(self.instructions()))
    }

    /// The parsed shell script of instruction `index` when it is a `RUN` or `ONBUILD RUN` (the
    /// heredoc body for `RUN <<EOF`; exec form joined with spaces, as hadolint reads it). Parsed
    /// once per file, shared by every rule.
    pub fn run_script(&self, index: usize) -> Option<&'s RunScript<'a>> {
        self.run_scripts.get(index)
    }

    /// The commands of the RUN at `index`, wrappers stripped; built once per file.
    pub(crate) fn run_commands(&self, index: usize) -> &'s [RunCommand<'s, 'a>] {
        self.run_commands.get(index)
    }
}

/// Lints one parsed Dockerfile: every enabled rule, parse errors as `syntax-error`, then
/// suppression comments, `# check=` directives and severity overrides.
pub fn check_dockerfile(
    source: &SourceFile,
    parse: &Parse,
    model: &SemanticModel<'_>,
    settings: &LinterSettings,
) -> Vec<Diagnostic> {
    // Without a ShellCheck runner nothing can fail.
    check_dockerfile_with_shellcheck(source, parse, model, settings, None).unwrap_or_default()
}

/// [`check_dockerfile`], plus ShellCheck over the RUN scripts when `shellcheck` is given; its
/// findings (`SC2086`, ...) go through the same suppression comments as every other finding.
pub fn check_dockerfile_with_shellcheck(
    source: &SourceFile,
    parse: &Parse,
    model: &SemanticModel<'_>,
    settings: &LinterSettings,
    shellcheck: Option<&ShellcheckFn<'_>>,
) -> Result<Vec<Diagnostic>, ShellcheckError> {
    check_dockerfile_with(
        source,
        parse,
        model,
        settings,
        CheckExtras {
            shellcheck,
            ..CheckExtras::default()
        },
    )
}

/// What a check of one file can take besides the file and its settings.
#[derive(Default)]
pub struct CheckExtras<'f> {
    /// Runs ShellCheck over the RUN scripts (`--shellcheck`).
    pub shellcheck: Option<&'f ShellcheckFn<'f>>,
    /// Findings on this file made outside the linter, such as the build-context rules (which
    /// need the context on disk). They go through the file's suppression comments, `# check=`
    /// directive and severity overrides exactly like the linter's own, so a
    /// `# hullscan ignore=` above a COPY silences a context finding on it too.
    pub external: Vec<Diagnostic>,
    /// For COPY/ADD source words naming credential-looking files of the build context, whether
    /// their content holds a credential (`hullscan_context::analysis::copied_secret_verdicts`):
    /// HS414 then judges by content instead of by name.
    pub copied_secret_verdicts: Vec<(TextRange, bool)>,
}

/// [`check_dockerfile`] with [`CheckExtras`].
pub fn check_dockerfile_with(
    source: &SourceFile,
    parse: &Parse,
    model: &SemanticModel<'_>,
    settings: &LinterSettings,
    extras: CheckExtras<'_>,
) -> Result<Vec<Diagnostic>, ShellcheckError> {
    let CheckExtras {
        shellcheck,
        external,
        copied_secret_verdicts,
    } = extras;
    let joined_exec_runs = run_script::join_exec_runs(&parse.dockerfile.instructions);
    // Outlive the checker so it can hand out commands borrowed from the scripts.
    let run_scripts = RunScripts::new(&parse.dockerfile.instructions, &joined_exec_runs);
    // Before the checker borrows the scripts for its whole life.
    let shellcheck_diagnostics = match shellcheck {
        Some(run) => crate::shellcheck::check_runs(parse, model, &run_scripts, run)?,
        None => Vec::new(),
    };
    let run_commands = RunCommands::new(&run_scripts);
    let mut checker = Checker {
        source,
        parse,
        model,
        settings,
        run_scripts: &run_scripts,
        run_commands: &run_commands,
        diagnostics: RefCell::new(Vec::new()),
        copied_secret_verdicts: &copied_secret_verdicts,
        scanned_stages: std::cell::OnceCell::new(),
        latest_shell: std::cell::OnceCell::new(),
        latest_workdir: std::cell::OnceCell::new(),
        chain_roots: std::cell::OnceCell::new(),
        shell_set_before: std::cell::OnceCell::new(),
        first_arg_declarations: std::cell::OnceCell::new(),
    };

    if settings.is_enabled(&SYNTAX_ERROR) {
        for error in &parse.errors {
            checker.report_at(&SYNTAX_ERROR, error.message.clone(), error.range, None);
        }
        // A build would not fail here, but hullscan stopped expanding: say so rather than
        // judge the file on words it left unexpanded.
        for error in model.errors() {
            if error.error.kind == hullscan_semantic::ExpandErrorKind::TooLarge
                && let Some(instruction) = parse.dockerfile.instructions.get(error.instruction)
            {
                checker.report_at(
                    &SYNTAX_ERROR,
                    error.error.to_string(),
                    instruction.range,
                    None,
                );
            }
        }
    }

    // Read first: `# check=experimental=` turns on BuildKit's experimental checks.
    let suppressions = Suppressions::from_file(source, &parse.dockerfile, settings);
    let experimental = suppressions.enabled_experimental();

    // One pass over the instructions for the per-instruction rules, each called only for the
    // keywords it declares (bucketed by keyword here, in registry order, rather than asking
    // every rule about every instruction); whole-file rules run once.
    let mut rules_by_keyword: [Vec<InstructionRule>; KEYWORDS] =
        std::array::from_fn(|_| Vec::new());
    for (rule, pass) in DOCKERFILE_RULES {
        if !settings.is_enabled(rule) && !experimental.contains_rule(rule) {
            continue;
        }
        match pass {
            RulePass::File(run) => run(&mut checker),
            RulePass::Instruction(keywords, run) => {
                for (at, keyword) in keywords.iter().enumerate() {
                    // Once per instruction even if a keyword were listed twice.
                    if !keywords[..at].contains(keyword) {
                        rules_by_keyword[*keyword as usize].push(*run);
                    }
                }
            }
        }
    }
    for (index, instruction) in parse.dockerfile.instructions.iter().enumerate() {
        for run in &rules_by_keyword[instruction.keyword as usize] {
            run(&mut checker, index, instruction);
        }
    }

    let mut diagnostics = checker.diagnostics.take();
    diagnostics.extend(shellcheck_diagnostics);
    diagnostics.extend(external);
    // After suppressions, so silencing one name of a problem leaves the other's finding.
    Ok(crate::same_problem::merge(
        suppressions.apply(diagnostics, settings),
    ))
}
