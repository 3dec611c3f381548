//! HS302: `FROM ... as` with `AS` cased unlike `FROM` (BuildKit's `FromAsCasing`).

use hullscan_diagnostics::{Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::{Arguments, Instruction};

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `FROM image AS name` where the `AS` keyword is not cased like `FROM`: an all-lower
    /// `from` with an `AS` that is not all lower, or an all-upper `FROM` with an `as` that is
    /// not all upper, as BuildKit's `FromAsCasing` check does. A mixed-case `From` is left to
    /// `inconsistent-instruction-casing`.
    ///
    /// ## Why is this bad?
    /// Both words are keywords of the same instruction; casing them differently reads like a
    /// typo and makes files inconsistent.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22 as build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22 AS build
    /// ```
    ///
    /// ## Fix safety
    /// The fix re-cases `AS` to match `FROM`. Keywords are case-insensitive, so this is safe.
    ///
    /// ## References
    /// - [BuildKit check FromAsCasing](https://docs.docker.com/reference/build-checks/from-as-casing/)
    pub static FROM_AS_CASING = {
        code: "HS302",
        name: "from-as-casing",
        aliases: ["FromAsCasing"],
        severity: Warning,
        category: Style,
        fix: Always,
        summary: "`AS` in `FROM ... AS` is not cased like `FROM`",
    };
}

/// HS302
pub(crate) fn from_as_casing(checker: &mut Checker, _index: usize, instruction: &Instruction) {
    let Arguments::From(from) = &instruction.args else {
        return;
    };
    let Some(as_word) = &from.as_keyword else {
        return;
    };
    let keyword = instruction.keyword_text.as_str();
    let wanted = if keyword == keyword.to_lowercase() {
        as_word.value.to_lowercase()
    } else if keyword == keyword.to_uppercase() {
        as_word.value.to_uppercase()
    } else {
        return;
    };
    if wanted == as_word.value {
        return;
    }
    let title = format!("Write `{wanted}` to match `{keyword}`");
    checker.report(
        Diagnostic::new(
            &FROM_AS_CASING,
            format!(
                "'{}' and '{keyword}' keywords' casing do not match",
                as_word.value
            ),
            Location::Text(as_word.range),
        )
        .with_help(title.clone())
        .with_fix(Fix::safe(title, Edit::replacement(wanted, as_word.range))),
    );
}
