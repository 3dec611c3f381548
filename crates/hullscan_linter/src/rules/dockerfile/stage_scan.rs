//! Stage facts read straight off the instruction list, for the hadolint-parity rules.
//!
//! hadolint's rules also run on fragments that have no `FROM` (or instructions before the first
//! one), where the semantic model has no stage. These helpers treat everything before the first
//! `FROM` as one more stage, and follow `FROM <earlier stage name>` to parent stages the way
//! BuildKit resolves them (stage names are case-insensitive).

use std::ops::Range;

use hullscan_dockerfile::{Arguments, Instruction, Keyword};

/// One stage as a range of instruction indexes (its FROM first, when it has one) with its
/// lower-cased name and the stage it is built on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ScannedStage {
    pub instructions: Range<usize>,
    pub name: Option<String>,
    /// The image word as written (lower-cased), `None` for the part before the first FROM.
    pub image: Option<String>,
    /// The earlier stage this one is built `FROM`.
    pub parent: Option<usize>,
}

impl ScannedStage {
    /// Whether this is a real stage (it starts with a FROM).
    pub fn has_from(&self) -> bool {
        self.image.is_some()
    }
}

/// The stages of `instructions`; a leading part without FROM (a fragment) is stage 0.
pub(crate) fn scan_stages(instructions: &[Instruction]) -> Vec<ScannedStage> {
    let mut stages: Vec<ScannedStage> = Vec::new();
    let mut latest_named: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
    let first_from = instructions
        .iter()
        .position(|instruction| instruction.keyword == Keyword::From)
        .unwrap_or(instructions.len());
    // Only ARGs before the first FROM is a normal file: no pseudo-stage for it.
    if instructions[..first_from]
        .iter()
        .any(|instruction| instruction.keyword != Keyword::Arg)
    {
        stages.push(ScannedStage {
            instructions: 0..first_from,
            name: None,
            image: None,
            parent: None,
        });
    }
    for (index, instruction) in instructions.iter().enumerate().skip(first_from) {
        if instruction.keyword != Keyword::From {
            continue;
        }
        if let Some(last) = stages.last_mut()
            && last.has_from()
        {
            last.instructions.end = index;
        }
        let (image, name) = match &instruction.args {
            Arguments::From(from) => (
                from.image
                    .as_ref()
                    .map_or_else(String::new, |w| w.value.to_ascii_lowercase()),
                from.stage_name
                    .as_ref()
                    .map(|w| w.value.to_ascii_lowercase()),
            ),
            _ => (String::new(), None),
        };
        // The latest earlier stage of that name, looked up rather than searched for: a search
        // per FROM made tens of thousands of stages quadratic.
        let parent = latest_named.get(image.as_str()).copied();
        if let Some(name) = &name {
            latest_named.insert(name.clone(), stages.len());
        }
        stages.push(ScannedStage {
            instructions: index..instructions.len(),
            name,
            image: Some(image),
            parent,
        });
    }
    stages
}

/// The index (into `stages`) of the stage holding instruction `index`.
pub(crate) fn stage_index_of(stages: &[ScannedStage], index: usize) -> Option<usize> {
    // Stages are contiguous and in file order: a binary search, not a scan per instruction.
    let at = stages.partition_point(|stage| stage.instructions.end <= index);
    stages
        .get(at)
        .filter(|stage| stage.instructions.contains(&index))
        .map(|_| at)
}

/// The instruction ranges that make up the filesystem and config at instruction `index`: its
/// own stage up to `index` (exclusive), then each parent stage (whole) up the `FROM` chain.
pub(crate) fn scope_ranges(stages: &[ScannedStage], index: usize) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let Some(mut current) = stage_index_of(stages, index) else {
        return ranges;
    };
    ranges.push(stages[current].instructions.start..index);
    // Parents are always earlier, so this terminates; the bound guards odd input anyway.
    for _ in 0..stages.len() {
        let Some(parent) = stages[current].parent else {
            break;
        };
        ranges.push(stages[parent].instructions.clone());
        current = parent;
    }
    ranges
}

/// For each instruction, the latest earlier instruction matching `is_match` in its scope (as
/// [`scope_ranges`] defines it: its own stage before it, then each parent stage whole, up the
/// `FROM` chain). One pass in file order, since a parent stage is always earlier: asking
/// [`scope_ranges`] per instruction walked the whole chain each time, quadratic on long chains.
pub(crate) fn latest_in_scope(
    instructions: &[Instruction],
    stages: &[ScannedStage],
    is_match: impl Fn(&Instruction) -> bool,
) -> Vec<Option<usize>> {
    let mut latest = vec![None; instructions.len()];
    // The latest match over each whole stage, its parents included.
    let mut at_stage_end: Vec<Option<usize>> = Vec::with_capacity(stages.len());
    for stage in stages {
        let mut current = stage
            .parent
            .and_then(|parent| at_stage_end.get(parent).copied().flatten());
        for index in stage.instructions.clone() {
            if let Some(slot) = latest.get_mut(index) {
                *slot = current;
            }
            if instructions.get(index).is_some_and(&is_match) {
                current = Some(index);
            }
        }
        at_stage_end.push(current);
    }
    latest
}

/// The ENV pairs in effect before instruction `index` in its stage and its parent stages, latest
/// first: `(key, value as written)`.
pub(crate) fn env_pairs_in_scope<'a>(
    instructions: &'a [Instruction],
    stages: &[ScannedStage],
    index: usize,
) -> Vec<(&'a str, &'a str)> {
    let mut pairs = Vec::new();
    for range in scope_ranges(stages, index) {
        for instruction in instructions[range].iter().rev() {
            if instruction.keyword != Keyword::Env {
                continue;
            }
            if let Arguments::KeyValues(list) = &instruction.args {
                for pair in list.pairs.iter().rev() {
                    pairs.push((pair.key.as_str(), pair.value.as_deref().unwrap_or("")));
                }
            }
        }
    }
    pairs
}

/// The first instruction declaring each `ARG` name (any stage, or global); an ARG is declared
/// before instruction `index` when its first declaration's index is lower.
pub(crate) fn first_arg_declarations(
    instructions: &[Instruction],
) -> std::collections::HashMap<&str, usize> {
    let mut first = std::collections::HashMap::new();
    for (index, instruction) in instructions.iter().enumerate() {
        if let Arguments::Arg(pairs) = &instruction.args
            && instruction.keyword == Keyword::Arg
        {
            for pair in pairs {
                first.entry(pair.key.as_str()).or_insert(index);
            }
        }
    }
    first
}

/// The variable names `text` refers to with `$NAME` or `${NAME…}`, in order.
pub(crate) fn referenced_names(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut names = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'$' {
            at += 1;
            continue;
        }
        let start = if bytes.get(at + 1) == Some(&b'{') {
            at + 2
        } else {
            at + 1
        };
        let end = start
            + bytes[start.min(bytes.len())..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
        if end > start && !bytes[start].is_ascii_digit() {
            names.push(&text[start..end]);
        }
        at = end.max(at + 1);
    }
    names
}

/// `value` without one pair of surrounding double or single quotes.
pub(crate) fn unquoted(value: &str) -> &str {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn stages(text: &str) -> Vec<ScannedStage> {
        scan_stages(&hullscan_dockerfile::parse(text).dockerfile.instructions)
    }

    #[test]
    fn fragments_and_parents() {
        let found = stages("RUN a\nFROM x AS Base\nRUN b\nFROM base\nRUN c\n");
        assert_eq!(found.len(), 3);
        assert!(!found[0].has_from());
        assert_eq!(found[1].name.as_deref(), Some("base"));
        assert_eq!(found[2].parent, Some(1));
        assert_eq!(scope_ranges(&found, 4), vec![3..4, 1..3]);
        // Global ARGs alone are not a stage.
        assert_eq!(stages("ARG V=1\nFROM x\n").len(), 1);
    }

    #[test]
    fn names_in_text() {
        assert_eq!(
            referenced_names("$A/${B_C:-x}/$1/$ /${D}"),
            ["A", "B_C", "D"]
        );
        assert_eq!(referenced_names("BLA/$BLAFOO/BLA"), ["BLAFOO"]);
    }
}
