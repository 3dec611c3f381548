//! HS259: an ENV pair that uses a variable set earlier in the same ENV.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::{Arguments, Instruction, Keyword};

use super::stage_scan::referenced_names;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds an `ENV` pair whose value refers to a variable that an earlier pair of the *same*
    /// `ENV` instruction sets, when no earlier `ENV` or `ARG` defines it.
    ///
    /// ## Why is this bad?
    /// Docker expands every value of an `ENV` instruction with the environment as it was
    /// *before* that instruction. In `ENV DIR=/opt/app BIN=$DIR/bin`, `$DIR` is still unset,
    /// so `BIN` becomes `/bin`, not `/opt/app/bin` as the line suggests.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV DIR=/opt/app BIN=$DIR/bin
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV DIR=/opt/app
    /// ENV BIN=$DIR/bin
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3044`
    pub static ENV_REFERS_TO_SAME_INSTRUCTION = {
        code: "HS259",
        name: "env-refers-to-same-instruction",
        aliases: ["DL3044"],
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "`ENV` value uses a variable set in the same `ENV`, which is not set yet",
    };
}

/// Whether an ENV or ARG before instruction `index` defines `name`.
fn defined_before(instructions: &[Instruction], index: usize, name: &str) -> bool {
    instructions[..index].iter().any(|instruction| {
        match (&instruction.keyword, &instruction.args) {
            (Keyword::Env, Arguments::KeyValues(list)) => {
                list.pairs.iter().any(|pair| pair.key == name)
            }
            (Keyword::Arg, Arguments::Arg(pairs)) => pairs.iter().any(|pair| pair.key == name),
            _ => false,
        }
    })
}

/// HS259
pub(crate) fn env_refers_to_same_instruction(
    checker: &mut Checker,
    index: usize,
    instruction: &Instruction,
) {
    let Arguments::KeyValues(list) = &instruction.args else {
        return;
    };
    let instructions = checker.instructions();
    for (position, pair) in list.pairs.iter().enumerate() {
        let Some(value) = pair.value.as_deref() else {
            continue;
        };
        let earlier = &list.pairs[..position];
        let Some(name) = referenced_names(value).into_iter().find(|name| {
            earlier.iter().any(|other| other.key == *name)
                && !defined_before(instructions, index, name)
        }) else {
            continue;
        };
        checker.report_at(
            &ENV_REFERS_TO_SAME_INSTRUCTION,
            format!(
                "`${name}` is set in this same `ENV`, so `{}` gets its old (empty) value",
                pair.key
            ),
            pair.range,
            Some("Move the pair into a separate `ENV` after the one that sets the variable"),
        );
    }
}
