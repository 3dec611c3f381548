//! HS319: a comment right above `FROM ... AS` or `ARG` that does not start with the name it
//! describes (BuildKit's experimental `InvalidDefinitionDescription`).

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::{Arguments, Instruction};

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds a comment directly above a named `FROM ... AS <stage>` or an `ARG` whose first
    /// word is not the stage name or one of the ARG's names, as BuildKit's experimental
    /// `InvalidDefinitionDescription` check does. BuildKit reads such comments as descriptions
    /// (`docker build --call=outline` prints them) when they have the form
    /// `# <name> <description>`.
    ///
    /// Off by default, as in BuildKit: enable it in the configuration or with
    /// `# check=experimental=InvalidDefinitionDescription`.
    ///
    /// ## Why is this bad?
    /// A description comment in the wrong form is not shown as the build argument's or
    /// stage's description. If the comment is not meant as a description, an empty line or a
    /// bare `#` line between it and the instruction says so.
    ///
    /// ## Example
    /// ```dockerfile
    /// # the Go version to build with
    /// ARG GO_VERSION=1.22
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # GO_VERSION the Go version to build with
    /// ARG GO_VERSION=1.22
    /// ```
    ///
    /// ## References
    /// - [BuildKit check InvalidDefinitionDescription](https://docs.docker.com/reference/build-checks/invalid-definition-description/)
    pub static INVALID_DEFINITION_DESCRIPTION = {
        code: "HS319",
        name: "invalid-definition-description",
        aliases: ["InvalidDefinitionDescription"],
        severity: Warning,
        category: Style,
        fix: None,
        summary: "Description comment does not start with the stage or ARG name",
    };
}

/// HS319
pub(crate) fn invalid_definition_description(
    checker: &mut Checker,
    _index: usize,
    instruction: &Instruction,
) {
    let (kind, keys): (&str, Vec<String>) = match &instruction.args {
        Arguments::From(from) => match &from.stage_name {
            Some(name) => ("FROM", vec![name.value.to_lowercase()]),
            None => return,
        },
        Arguments::Arg(pairs) => ("ARG", pairs.iter().map(|pair| pair.key.clone()).collect()),
        _ => return,
    };
    let Some(last) = instruction.prev_comments.last() else {
        return;
    };
    if keys.is_empty() {
        return;
    }
    let first_word = last.text.split(' ').next().unwrap_or_default();
    if keys.iter().any(|key| key == first_word) {
        return;
    }
    let example = if keys.len() > 1 {
        "<arg_key>"
    } else {
        keys[0].as_str()
    };
    checker.report(
        Diagnostic::new(
            &INVALID_DEFINITION_DESCRIPTION,
            format!("Comment for {kind} should follow the format: `# {example} <description>`"),
            Location::Text(instruction.range),
        )
        .with_related(Location::Text(last.range), "this comment")
        .with_help(format!(
            "Start the comment with `{example}`, or separate it from the instruction with an empty line"
        )),
    );
}
