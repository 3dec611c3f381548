//! HS304: instruction keywords not in the file's majority case (BuildKit's
//! `ConsistentInstructionCasing`).

use hullscan_diagnostics::{Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::Keyword;

use crate::checker::Checker;
use crate::rules::dockerfile::buildkit_facts::is_self_consistent_casing;

declare_rule! {
    /// ## What it does
    /// Counts the instruction keywords written all in lower case and all in upper case, from
    /// the first `FROM` on (ARGs before it are not counted), and finds every keyword that is
    /// not in the majority case, mixed-case ones (`From`) included. Lower case is the majority
    /// only when it has strictly more keywords; a tie means upper case. This is BuildKit's
    /// `ConsistentInstructionCasing` check.
    ///
    /// ## Why is this bad?
    /// Keywords are case-insensitive, so mixing cases changes nothing for Docker but makes the
    /// file harder to read and to search.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// run apk add --no-cache curl
    /// COPY app /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// COPY app /app
    /// ```
    ///
    /// ## Fix safety
    /// The fix re-cases the keyword, which Docker reads case-insensitively: safe.
    ///
    /// ## References
    /// - [BuildKit check ConsistentInstructionCasing](https://docs.docker.com/reference/build-checks/consistent-instruction-casing/)
    pub static INCONSISTENT_INSTRUCTION_CASING = {
        code: "HS304",
        name: "inconsistent-instruction-casing",
        aliases: ["ConsistentInstructionCasing"],
        severity: Warning,
        category: Style,
        fix: Always,
        summary: "Instruction keyword is not in the case most of the file uses",
    };
}

/// HS304
pub(crate) fn inconsistent_instruction_casing(checker: &mut Checker) {
    let instructions = checker.instructions();
    let Some(first_from) = instructions.iter().position(|i| i.keyword == Keyword::From) else {
        return;
    };
    let in_stages = || {
        instructions[first_from..]
            .iter()
            .filter(|i| i.keyword != Keyword::Unknown)
    };
    let (mut lower, mut upper) = (0usize, 0usize);
    for instruction in in_stages() {
        let keyword = instruction.keyword_text.as_str();
        if is_self_consistent_casing(keyword) {
            if keyword == keyword.to_lowercase() {
                lower += 1;
            } else {
                upper += 1;
            }
        }
    }
    let majority_lower = lower > upper;
    for instruction in in_stages() {
        let keyword = instruction.keyword_text.as_str();
        let (wanted, case) = if majority_lower {
            (keyword.to_lowercase(), "lowercase")
        } else {
            (keyword.to_uppercase(), "uppercase")
        };
        if wanted == keyword {
            continue;
        }
        let title = format!("Write `{wanted}`");
        checker.report(
            Diagnostic::new(
                &INCONSISTENT_INSTRUCTION_CASING,
                format!(
                    "Command '{keyword}' should match the case of the command majority ({case})"
                ),
                Location::Text(instruction.keyword_range),
            )
            .with_help(title.clone())
            .with_fix(Fix::safe(
                title,
                Edit::replacement(wanted, instruction.keyword_range),
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::INCONSISTENT_INSTRUCTION_CASING as RULE;
    use crate::rules::dockerfile::buildkit_facts::testing::{fixed, messages};
    use crate::tests::{assert_fires, assert_silent};

    #[test]
    fn majority_with_ties_going_to_upper_case() {
        assert_fires(&RULE, "from a\nCOPY b c\n", &[1]);
        assert_fires(&RULE, "from a\ncopy b c\nCOPY d e\n", &[3]);
        // ARGs before the first FROM are not counted, nor reported.
        assert_silent(&RULE, "arg X\narg Y\nFROM a\nCOPY b c\n");
        assert_eq!(
            messages(&RULE, "frOM a\nfrom b\n"),
            ["Command 'frOM' should match the case of the command majority (lowercase)"]
        );
        assert_eq!(
            fixed(&RULE, "FROM a\nRun b\nrun c\n"),
            "FROM a\nRUN b\nRUN c\n"
        );
    }
}
