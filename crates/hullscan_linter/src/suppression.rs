//! Suppression comments and BuildKit's `# check=` directive.
//!
//! Understood forms:
//! - `# hullscan ignore=HS101,untagged-base-image`: the next instruction (or, inside an
//!   instruction's continuation lines, that instruction). `# hullscan: ignore=` also works.
//! - `# hullscan global ignore=...`: the whole file, wherever it appears.
//! - `# hadolint ignore=DL3006,SC2086`: the instruction starting on the very next line, as
//!   hadolint does (a blank line in between breaks it).
//! - `# hadolint global ignore=...`: the whole file.
//! - BuildKit's `# check=skip=A,B;error=true` parser directive: `skip` silences the named
//!   checks in the whole file (`skip=all`: every rule that is a BuildKit check), `error=true`
//!   turns findings of BuildKit checks into errors, as the build would fail on them. A
//!   `# check=skip=...` comment right before an instruction skips those checks for that
//!   instruction only, as BuildKit does.
//!
//! Names are resolved through the registry (codes, names, aliases, ASCII case ignored). A name
//! that is neither a hullscan rule nor a known upstream check is an `unknown-rule-in-suppression`
//! finding; a rule that suppressed nothing is an `unused-suppression` finding.

use hullscan_diagnostics::{Diagnostic, Location, Severity};
use hullscan_dockerfile::{Comment, Dockerfile, Instruction};
use hullscan_text::{SourceFile, TextRange, TextSize};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::registry::{self, RuleSet};
use crate::rules::tool::{
    INVALID_CHECK_DIRECTIVE, UNKNOWN_RULE_IN_SUPPRESSION, UNUSED_SUPPRESSION,
};
use crate::settings::LinterSettings;
use crate::upstream;

/// Which syntax a suppression was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    Hullscan,
    Hadolint,
    /// A per-instruction `# check=skip=` comment.
    BuildkitComment,
}

impl Origin {
    fn is_pragma(self) -> bool {
        matches!(self, Origin::Hullscan | Origin::Hadolint)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    File,
    Range(TextRange),
    /// A next-line pragma with no instruction after it: applies to nothing.
    Nothing,
}

/// One name in a suppression comment.
#[derive(Debug)]
struct SuppressedName {
    range: TextRange,
    name: String,
    rules: RuleSet,
    used: bool,
}

#[derive(Debug)]
struct Suppression {
    origin: Origin,
    scope: Scope,
    names: Vec<SuppressedName>,
}

/// The file-level `# check=` directive (or the `BUILDKIT_DOCKERFILE_CHECK` build arg that
/// replaces it).
#[derive(Debug, Default)]
struct CheckDirective {
    skip_all: bool,
    skip: RuleSet,
    error: bool,
    /// Experimental checks it turns on (`experimental=all` or by name).
    experimental: RuleSet,
}

/// How many distinct unknown names per file get a "did you mean" suggestion: each costs an
/// edit-distance pass over every known name, so a comment naming thousands of distinct unknown
/// rules would otherwise spend seconds on suggestions nobody reads.
const MAX_SUGGESTED_NAMES: usize = 256;

/// Where a suppression name sits: `(entry, name)` indexes into [`Suppressions::entries`].
type NameAt = (usize, usize);

/// Per rule (registry index) and per upstream code (lower-cased), the first name that names it
/// among a set of suppressions.
#[derive(Debug, Default)]
struct NameIndex {
    rules: FxHashMap<usize, NameAt>,
    codes: FxHashMap<String, NameAt>,
}

/// The suppressions that apply to one instruction's range.
#[derive(Debug)]
struct RangeGroup {
    range: TextRange,
    names: NameIndex,
}

/// The suppressions indexed so a finding finds the name that silences it by lookups, not by
/// asking every comment and every name in it (a comment naming 100,000 rules, or thousands of
/// comments, made that quadratic). Built once all comments are read.
#[derive(Debug, Default)]
struct SuppressionIndex {
    /// File-wide pragmas.
    file: NameIndex,
    /// Next-instruction pragmas, one group per instruction, sorted by start. Instruction
    /// ranges never overlap, so at most one group contains a position.
    pragmas: Vec<RangeGroup>,
    /// Per-instruction `# check=skip=` comments, the same way.
    check_comments: Vec<RangeGroup>,
}

impl SuppressionIndex {
    fn new(entries: &[Suppression]) -> Self {
        let mut index = SuppressionIndex::default();
        let mut pragma_groups: FxHashMap<(TextSize, TextSize), usize> = FxHashMap::default();
        let mut check_groups: FxHashMap<(TextSize, TextSize), usize> = FxHashMap::default();
        // A rule set already indexed for a target: repeated names add nothing (the first wins).
        let mut seen: FxHashSet<(usize, usize, RuleSet)> = FxHashSet::default();
        for (at, entry) in entries.iter().enumerate() {
            // Targets: 0 the file, 1 a pragma group, 2 a check-comment group.
            let (target, names) = match (entry.scope, entry.origin.is_pragma()) {
                (Scope::Nothing, _) => continue,
                (Scope::File, _) => ((0, 0), &mut index.file),
                (Scope::Range(range), true) => {
                    let group = *pragma_groups
                        .entry((range.start(), range.end()))
                        .or_insert_with(|| {
                            index.pragmas.push(RangeGroup {
                                range,
                                names: NameIndex::default(),
                            });
                            index.pragmas.len() - 1
                        });
                    ((1, group), &mut index.pragmas[group].names)
                }
                (Scope::Range(range), false) => {
                    let group = *check_groups
                        .entry((range.start(), range.end()))
                        .or_insert_with(|| {
                            index.check_comments.push(RangeGroup {
                                range,
                                names: NameIndex::default(),
                            });
                            index.check_comments.len() - 1
                        });
                    ((2, group), &mut index.check_comments[group].names)
                }
            };
            for (position, name) in entry.names.iter().enumerate() {
                if !name.rules.is_empty() && seen.insert((target.0, target.1, name.rules)) {
                    for rule in name.rules.indices() {
                        names.rules.entry(rule).or_insert((at, position));
                    }
                }
                // ShellCheck codes, in any case: only these can match an upstream finding.
                let code = name.name.trim();
                if entry.origin.is_pragma()
                    && code
                        .get(..2)
                        .is_some_and(|sc| sc.eq_ignore_ascii_case("sc"))
                {
                    names
                        .codes
                        .entry(code.to_ascii_lowercase())
                        .or_insert((at, position));
                }
            }
        }
        index.pragmas.sort_by_key(|group| group.range.start());
        index
            .check_comments
            .sort_by_key(|group| group.range.start());
        index
    }
}

/// The group whose range contains `offset`.
fn group_at(groups: &[RangeGroup], offset: TextSize) -> Option<&NameIndex> {
    let after = groups.partition_point(|group| group.range.start() <= offset);
    let group = groups.get(after.checked_sub(1)?)?;
    group.range.contains(offset).then_some(&group.names)
}

/// The earlier of two names (the first comment, then the first name in it, wins).
fn earliest(best: Option<NameAt>, found: Option<&NameAt>) -> Option<NameAt> {
    match (best, found) {
        (Some(best), Some(found)) => Some(best.min(*found)),
        (best, found) => best.or(found.copied()),
    }
}

/// Everything a file says about which findings to drop.
#[derive(Debug, Default)]
pub(crate) struct Suppressions {
    entries: Vec<Suppression>,
    /// Built from `entries` when findings are first matched against them.
    index: Option<SuppressionIndex>,
    check: CheckDirective,
    /// Findings about the comments themselves (unknown names, a malformed `# check=`).
    problems: Vec<Diagnostic>,
    /// Each distinct name resolved once: a comment may repeat a name thousands of times.
    resolved: FxHashMap<String, Result<RuleSet, registry::UnknownRule>>,
    /// How many distinct unknown names got a suggestion (see [`MAX_SUGGESTED_NAMES`]).
    suggested: usize,
}

impl Suppressions {
    /// Reads every suppression comment and the `# check=` directive of a parsed file. A
    /// `BUILDKIT_DOCKERFILE_CHECK` value in `settings` replaces the directive, as in BuildKit.
    pub(crate) fn from_file(
        source: &SourceFile,
        dockerfile: &Dockerfile,
        settings: &LinterSettings,
    ) -> Self {
        let mut suppressions = Suppressions::default();
        let text = source.text();
        if let Some(value) = &settings.buildkit_check_override {
            // The value is not in the file, so problems with it have no place to point at; the
            // command line validates it before it gets here.
            let problems = suppressions.problems.len();
            suppressions.read_check_directive(value, TextRange::empty(TextSize::ZERO));
            suppressions.problems.truncate(problems);
        } else {
            for directive in &dockerfile.directives {
                if directive.name == "check" {
                    suppressions.read_check_directive(&directive.value, directive.value_range);
                }
            }
        }
        for comment in &dockerfile.comments {
            if let Some(pragma) = Pragma::parse(text, comment) {
                suppressions.add_pragma(source, dockerfile, comment, &pragma);
            }
        }
        for instruction in &dockerfile.instructions {
            suppressions.read_instruction_check_comment(text, instruction);
        }
        suppressions
    }

    fn add_pragma(
        &mut self,
        source: &SourceFile,
        dockerfile: &Dockerfile,
        comment: &Comment,
        pragma: &Pragma,
    ) {
        let scope = if pragma.global {
            Scope::File
        } else {
            match pragma.origin {
                Origin::Hadolint => next_line_instruction(source, dockerfile, comment.range),
                _ => next_instruction(dockerfile, comment.range),
            }
        };
        let names = self.resolve_names(&pragma.names);
        self.entries.push(Suppression {
            origin: pragma.origin,
            scope,
            names,
        });
    }

    /// Resolves names, recording unknown ones as problems.
    fn resolve_names(&mut self, names: &[(String, TextRange)]) -> Vec<SuppressedName> {
        let mut resolved = Vec::with_capacity(names.len());
        for (name, range) in names {
            let lookup = match self.resolved.get(name.as_str()) {
                Some(known) => known.clone(),
                None => {
                    let lookup = if self.suggested < MAX_SUGGESTED_NAMES {
                        registry::lookup_exact(name)
                    } else {
                        registry::lookup_exact_unsuggested(name)
                    };
                    let lookup = lookup.map(|selection| selection.rules());
                    self.suggested += usize::from(lookup.is_err());
                    self.resolved.insert(name.clone(), lookup.clone());
                    lookup
                }
            };
            match lookup {
                Ok(rules) => resolved.push(SuppressedName {
                    range: *range,
                    name: name.clone(),
                    rules,
                    used: false,
                }),
                Err(unknown) => {
                    let mut diagnostic = Diagnostic::new(
                        &UNKNOWN_RULE_IN_SUPPRESSION,
                        format!("Suppression names an {unknown}"),
                        Location::Text(*range),
                    );
                    if let Some(suggestion) = unknown.suggestion {
                        diagnostic = diagnostic.with_help(format!("Did you mean `{suggestion}`?"));
                    } else {
                        diagnostic = diagnostic
                            .with_help("Run `hullscan rules` to list codes, names and aliases");
                    }
                    self.problems.push(diagnostic);
                }
            }
        }
        resolved
    }

    fn read_check_directive(&mut self, value: &str, value_range: TextRange) {
        // BuildKit reads only the part of the value before the first space.
        let end = value.find(char::is_whitespace).unwrap_or(value.len());
        let options = &value[..end];
        match parse_check_options(options, value_range.start()) {
            Ok(parsed) => {
                self.check.error = parsed.error;
                self.check.skip_all = parsed.skip_all;
                let names = self.resolve_names(&parsed.skip);
                for name in names {
                    self.check.skip = self.check.skip.union(&name.rules);
                }
                let experimental = experimental_rules();
                if parsed.experimental_all {
                    self.check.experimental = experimental;
                } else {
                    for name in self.resolve_names(&parsed.experimental) {
                        self.check.experimental = self
                            .check
                            .experimental
                            .union(&name.rules.intersection(&experimental));
                    }
                }
            }
            Err(message) => {
                let range = TextRange::at(
                    value_range.start(),
                    TextSize::of(options).max(TextSize::new(0)),
                );
                self.problems.push(
                    Diagnostic::new(&INVALID_CHECK_DIRECTIVE, message, Location::Text(range))
                        .with_help("Use `skip=<names>|all`, `error=<bool>` and `experimental=<names>|all`, separated by `;`"),
                );
            }
        }
    }

    /// BuildKit's per-instruction form: the first `check=` comment among the comments right
    /// before the instruction adds its `skip` list for that instruction. A comment BuildKit
    /// cannot parse is ignored, as BuildKit ignores it.
    fn read_instruction_check_comment(&mut self, text: &str, instruction: &Instruction) {
        let Some(comment) = instruction
            .prev_comments
            .iter()
            .find(|comment| comment.text.starts_with("check="))
        else {
            return;
        };
        let value = &comment.text["check=".len()..];
        let options = value.split(char::is_whitespace).next().unwrap_or_default();
        // Where the options start in the file, for ranges of the names in them.
        let slice = &text[comment.range.to_range()];
        let Some(at) = slice.find("check=") else {
            return;
        };
        let options_start = comment.range.start() + TextSize::of(&slice[..at + "check=".len()]);
        let Ok(parsed) = parse_check_options(options, options_start) else {
            return;
        };
        let mut names = self.resolve_names(&parsed.skip);
        if parsed.skip_all {
            names.push(SuppressedName {
                range: comment.range,
                name: "all".to_owned(),
                rules: buildkit_rules(),
                used: false,
            });
        }
        if !names.is_empty() {
            self.entries.push(Suppression {
                origin: Origin::BuildkitComment,
                scope: Scope::Range(instruction.range),
                names,
            });
        }
    }

    /// BuildKit's experimental checks that the `# check=experimental=` directive turns on: they
    /// run even when the settings leave them off.
    pub(crate) fn enabled_experimental(&self) -> RuleSet {
        self.check.experimental
    }

    /// Drops suppressed findings, adds the findings about the suppression comments themselves,
    /// and settles severities: configured overrides, then `# check=error=true`.
    pub(crate) fn apply(
        mut self,
        diagnostics: Vec<Diagnostic>,
        settings: &LinterSettings,
    ) -> Vec<Diagnostic> {
        let buildkit = buildkit_rules();
        let experimental = experimental_rules();
        // Filtered in place: a second list of a million findings would double their cost.
        let mut kept = diagnostics;
        kept.retain_mut(|diagnostic| {
            let Some(index) = registry::index_of_code(&diagnostic.code) else {
                if upstream::is_shellcheck_code(&diagnostic.code) {
                    if !settings.is_shellcheck_code_enabled(&diagnostic.code)
                        || self.suppress_upstream(diagnostic, settings)
                    {
                        return false;
                    }
                    if let Some(severity) = settings.shellcheck_severity_of(&diagnostic.code) {
                        diagnostic.severity = severity;
                    }
                }
                return true;
            };
            let is_buildkit = buildkit.contains(index);
            // BuildKit's experimental checks ignore `skip`, in the directive and in comments.
            let is_experimental = experimental.contains(index);
            if !is_experimental
                && ((self.check.skip_all && is_buildkit) || self.check.skip.contains(index))
            {
                return false;
            }
            !self.suppress(index, diagnostic, is_experimental, settings)
        });

        if settings.is_enabled(&UNUSED_SUPPRESSION) {
            for entry in &self.entries {
                if !entry.origin.is_pragma() || settings.disable_ignore_pragma {
                    continue;
                }
                for name in &entry.names {
                    if name.used || name.rules.intersection(&settings.rules).is_empty() {
                        continue;
                    }
                    let message = format!("Unused suppression: `{}` suppressed nothing", name.name);
                    kept.push(
                        Diagnostic::new(&UNUSED_SUPPRESSION, message, Location::Text(name.range))
                            .with_help("Remove it from the comment"),
                    );
                }
            }
        }
        kept.extend(self.problems.drain(..).filter(|problem| {
            registry::by_code(&problem.code).is_some_and(|rule| settings.is_enabled(rule))
        }));
        // Configured severities first; then `# check=error=true`, because the build itself fails
        // on those findings whatever hullscan's configuration says.
        for diagnostic in &mut kept {
            let Some(index) = registry::index_of_code(&diagnostic.code) else {
                continue;
            };
            if let Some(severity) = settings.severity_override(index) {
                diagnostic.severity = severity;
            }
            if self.check.error && buildkit.contains(index) {
                diagnostic.severity = Severity::Error;
            }
        }
        kept
    }

    /// Whether a finding of an upstream check hullscan does not implement itself (ShellCheck's
    /// `SC2086` from `--shellcheck`) is suppressed by a pragma naming its code, marking the name
    /// that did it.
    fn suppress_upstream(&mut self, diagnostic: &Diagnostic, settings: &LinterSettings) -> bool {
        if !upstream::is_shellcheck_code(&diagnostic.code) || settings.disable_ignore_pragma {
            return false;
        }
        let range = diagnostic.range();
        let index = self
            .index
            .get_or_insert_with(|| SuppressionIndex::new(&self.entries));
        let code = diagnostic.code.to_ascii_lowercase();
        let mut best = earliest(None, index.file.codes.get(&code));
        if let Some(range) = range {
            best = earliest(
                best,
                group_at(&index.pragmas, range.start()).and_then(|names| names.codes.get(&code)),
            );
        }
        self.mark_used(best)
    }

    /// Marks the name at `at` as having suppressed something; whether there was one.
    fn mark_used(&mut self, at: Option<NameAt>) -> bool {
        let Some((entry, name)) = at else {
            return false;
        };
        self.entries[entry].names[name].used = true;
        true
    }

    /// Whether `diagnostic` (of the rule with registry index `index`) is suppressed, marking
    /// the name that did it.
    fn suppress(
        &mut self,
        index: usize,
        diagnostic: &Diagnostic,
        is_experimental: bool,
        settings: &LinterSettings,
    ) -> bool {
        if self.entries.is_empty() {
            return false;
        }
        let range = diagnostic.range();
        let rule = registry::RULES[index];
        let file_level_only = rule
            .aliases
            .iter()
            .any(|alias| upstream::BUILDKIT_FILE_LEVEL_CHECKS.contains(alias));
        // BuildKit reports a repeated CMD/ENTRYPOINT/HEALTHCHECK at the earlier one but decides
        // with the comments of the later one, which hullscan records as the related location.
        let check_anchor = if rule.aliases.contains(&"MultipleInstructionsDisallowed") {
            diagnostic
                .related
                .first()
                .and_then(|related| match related.location {
                    Location::Text(range) => Some(range),
                    _ => None,
                })
                .or(range)
        } else {
            range
        };
        let suppressions = self
            .index
            .get_or_insert_with(|| SuppressionIndex::new(&self.entries));
        let mut best = None;
        if !settings.disable_ignore_pragma {
            best = earliest(best, suppressions.file.rules.get(&index));
            if let Some(range) = range {
                best = earliest(
                    best,
                    group_at(&suppressions.pragmas, range.start())
                        .and_then(|names| names.rules.get(&index)),
                );
            }
        }
        // BuildKit's per-instruction comments never silence its experimental or file-level
        // checks.
        if !is_experimental
            && !file_level_only
            && let Some(anchor) = check_anchor
        {
            best = earliest(
                best,
                group_at(&suppressions.check_comments, anchor.start())
                    .and_then(|names| names.rules.get(&index)),
            );
        }
        self.mark_used(best)
    }
}

fn buildkit_rules() -> RuleSet {
    // Built once: matching every rule's aliases against BuildKit's check names per file was a
    // measurable share of lint time.
    static BUILDKIT: std::sync::LazyLock<RuleSet> = std::sync::LazyLock::new(|| {
        registry::RULES
            .iter()
            .copied()
            .filter(|rule| registry::is_buildkit_rule(rule))
            .collect()
    });
    *BUILDKIT
}

/// The rules that stand for BuildKit's experimental checks.
fn experimental_rules() -> RuleSet {
    static EXPERIMENTAL: std::sync::LazyLock<RuleSet> = std::sync::LazyLock::new(|| {
        registry::RULES
            .iter()
            .copied()
            .filter(|rule| {
                rule.aliases
                    .iter()
                    .any(|alias| upstream::BUILDKIT_EXPERIMENTAL_CHECKS.contains(alias))
            })
            .collect()
    });
    *EXPERIMENTAL
}

/// A `# hullscan ...` or `# hadolint ...` ignore comment.
#[derive(Debug)]
struct Pragma {
    origin: Origin,
    global: bool,
    names: Vec<(String, TextRange)>,
}

impl Pragma {
    fn parse(text: &str, comment: &Comment) -> Option<Pragma> {
        let raw = text.get(comment.range.to_range())?;
        let body_offset = raw.find('#')? + 1;
        let body = &raw[body_offset..];
        let trimmed = body.trim_start();
        let mut offset = body_offset + (body.len() - trimmed.len());

        let (origin, rest) = if let Some(rest) = strip_prefix_ignore_case(trimmed, "hullscan") {
            (Origin::Hullscan, rest)
        } else if let Some(rest) = strip_prefix_ignore_case(trimmed, "hadolint") {
            (Origin::Hadolint, rest)
        } else {
            return None;
        };
        let rest = match origin {
            Origin::Hullscan => rest.strip_prefix(':').unwrap_or(rest),
            _ => rest,
        };
        if !rest.starts_with(char::is_whitespace) {
            return None;
        }
        let mut words = rest.trim_start();
        let global = if let Some(after) = strip_prefix_ignore_case(words, "global") {
            if !after.starts_with(char::is_whitespace) {
                return None;
            }
            words = after.trim_start();
            true
        } else {
            false
        };
        let list = strip_prefix_ignore_case(words, "ignore")?
            .trim_start()
            .strip_prefix('=')?
            .trim_start();
        offset += trimmed.len() - list.len();

        let mut names = Vec::new();
        // The list ends at whitespace that is not around a comma; anything after it (a `# why`
        // or free text) is a reason, not a name.
        let mut position = 0;
        for item in list.split(',') {
            let start = position + (item.len() - item.trim_start().len());
            position += item.len() + 1;
            let trimmed_item = item.trim_start();
            let name_len = trimmed_item
                .find(|c: char| c.is_whitespace() || c == '#')
                .unwrap_or(trimmed_item.len());
            let name = &trimmed_item[..name_len];
            if !name.is_empty() {
                let range = TextRange::at(
                    comment.range.start() + TextSize::of(&raw[..offset + start]),
                    TextSize::of(name),
                );
                names.push((name.to_owned(), range));
            }
            let tail = trimmed_item[name_len..].trim();
            if !tail.is_empty() {
                break;
            }
        }
        Some(Pragma {
            origin,
            global,
            names,
        })
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// The instruction a hullscan next-instruction pragma applies to: the one containing the
/// comment (a comment inside continuation lines), else the first one after it.
fn next_instruction(dockerfile: &Dockerfile, comment: TextRange) -> Scope {
    let instructions = &dockerfile.instructions;
    let after = instructions.partition_point(|i| i.range.start() <= comment.start());
    if let Some(containing) = after.checked_sub(1).and_then(|i| instructions.get(i))
        && containing.range.contains(comment.start())
    {
        return Scope::Range(containing.range);
    }
    instructions
        .get(after)
        .map_or(Scope::Nothing, |next| Scope::Range(next.range))
}

/// The instruction a hadolint pragma applies to: one that starts on the very next line.
fn next_line_instruction(
    source: &SourceFile,
    dockerfile: &Dockerfile,
    comment: TextRange,
) -> Scope {
    let comment_line = source.line_index().line_of(comment.start()) + 1; // 1-based
    let instructions = &dockerfile.instructions;
    let after = instructions.partition_point(|i| i.range.start() <= comment.start());
    match instructions.get(after) {
        Some(next) if next.start_line as usize == comment_line + 1 => Scope::Range(next.range),
        _ => Scope::Nothing,
    }
}

/// The parsed options of a `check=` directive or comment.
#[derive(Debug, Default)]
struct CheckOptions {
    skip_all: bool,
    skip: Vec<(String, TextRange)>,
    error: bool,
    experimental_all: bool,
    experimental: Vec<(String, TextRange)>,
}

/// Parses BuildKit's check options (`skip=A,B;error=true;experimental=C`) as BuildKit does;
/// `start` is the file offset of `options`.
fn parse_check_options(options: &str, start: TextSize) -> Result<CheckOptions, String> {
    let mut parsed = CheckOptions::default();
    if options.is_empty() {
        return Ok(parsed);
    }
    let mut position = 0;
    for part in options.split(';') {
        let part_start = position;
        position += part.len() + 1;
        let Some((key, value)) = part.split_once('=') else {
            return Err(format!(
                "Invalid check option `{part}`: BuildKit fails the build with `failed to parse check options`"
            ));
        };
        match key.trim() {
            "skip" | "experimental" => {
                let is_skip = key.trim() == "skip";
                if value.trim() == "all" {
                    if is_skip {
                        parsed.skip_all = true;
                    } else {
                        parsed.experimental_all = true;
                    }
                    continue;
                }
                let mut name_position = part_start + key.len() + 1;
                for name in value.split(',') {
                    let leading = name.len() - name.trim_start().len();
                    let trimmed = name.trim();
                    if !trimmed.is_empty() {
                        let at = start + TextSize::of(&options[..name_position + leading]);
                        let entry = (trimmed.to_owned(), TextRange::at(at, TextSize::of(trimmed)));
                        if is_skip {
                            parsed.skip.push(entry);
                        } else {
                            parsed.experimental.push(entry);
                        }
                    }
                    name_position += name.len() + 1;
                }
            }
            "error" => {
                parsed.error = match value.trim() {
                    "1" | "t" | "T" | "TRUE" | "true" | "True" => true,
                    "0" | "f" | "F" | "FALSE" | "false" | "False" => false,
                    other => {
                        return Err(format!(
                            "Invalid check option `error={other}`: expected a boolean (`true` or `false`)"
                        ));
                    }
                };
            }
            other => {
                return Err(format!(
                    "Invalid check option `{other}`: BuildKit knows only `skip`, `error` and `experimental`"
                ));
            }
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(text: &str) -> (String, Comment) {
        let full = format!("FROM a\n{text}\nRUN b\n");
        let start = TextSize::of("FROM a\n");
        let range = TextRange::at(start, TextSize::of(text));
        let c = Comment {
            range,
            text: text.trim_start_matches('#').trim().to_owned(),
        };
        (full, c)
    }

    fn names(pragma: &Pragma, text: &str) -> Vec<(String, String)> {
        pragma
            .names
            .iter()
            .map(|(name, range)| (name.clone(), text[range.to_range()].to_owned()))
            .collect()
    }

    #[test]
    fn parses_pragmas_with_ranges() {
        let (text, c) = comment("# hullscan ignore=HS101, untagged-base-image  # why");
        let pragma = Pragma::parse(&text, &c).unwrap();
        assert_eq!(pragma.origin, Origin::Hullscan);
        assert!(!pragma.global);
        let got = names(&pragma, &text);
        assert_eq!(got.len(), 2);
        for (name, at) in got {
            assert_eq!(name, at);
        }

        let (text, c) = comment("#hadolint global ignore=DL3006,SC2086 because reasons");
        let pragma = Pragma::parse(&text, &c).unwrap();
        assert_eq!(pragma.origin, Origin::Hadolint);
        assert!(pragma.global);
        assert_eq!(
            names(&pragma, &text),
            vec![
                ("DL3006".into(), "DL3006".into()),
                ("SC2086".into(), "SC2086".into())
            ]
        );

        let (text, c) = comment("# hullscan: ignore = HS105");
        assert_eq!(names(&Pragma::parse(&text, &c).unwrap(), &text).len(), 1);

        for not_a_pragma in [
            "# hullscanignore=HS101",
            "# hadolint shell=bash",
            "# see hullscan ignore=HS101",
            "# hullscan globalignore=HS101",
        ] {
            let (text, c) = comment(not_a_pragma);
            assert!(Pragma::parse(&text, &c).is_none(), "{not_a_pragma}");
        }
    }

    #[test]
    fn parses_check_options_like_buildkit() {
        let parsed = parse_check_options(
            "skip=JSONArgsRecommended, StageNameCasing;error=true",
            TextSize::new(10),
        )
        .unwrap();
        assert!(parsed.error && !parsed.skip_all);
        assert_eq!(parsed.skip.len(), 2);
        assert_eq!(parsed.skip[1].0, "StageNameCasing");
        assert_eq!(parsed.skip[0].1.start(), TextSize::new(15));
        assert_eq!(parsed.skip[1].1.start(), TextSize::new(10 + 26));
        assert!(
            parse_check_options("skip=all", TextSize::new(0))
                .unwrap()
                .skip_all
        );
        assert!(parse_check_options("skip=A;", TextSize::new(0)).is_err());
        assert!(parse_check_options("error=yes", TextSize::new(0)).is_err());
        assert!(parse_check_options("fail=true", TextSize::new(0)).is_err());
        assert!(parse_check_options("skip", TextSize::new(0)).is_err());
        assert!(
            !parse_check_options("error=False", TextSize::new(0))
                .unwrap()
                .error
        );
    }
}
