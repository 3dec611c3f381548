//! HS308: a variable in `FROM` that no global ARG declares (BuildKit's `UndefinedArgInFrom`).

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::Instruction;
use hullscan_semantic::WordRole;

use crate::checker::Checker;
use crate::rules::dockerfile::buildkit_facts::suggest;

declare_rule! {
    /// ## What it does
    /// Finds variables in a `FROM` image or `--platform` value that are neither an ARG
    /// declared before the first `FROM` nor one of BuildKit's predefined platform ARGs, as
    /// BuildKit's `UndefinedArgInFrom` check does. `${X:-default}` counts as a use of `X`.
    ///
    /// ## Why is this bad?
    /// `FROM` is expanded with the global ARGs only. An undeclared variable expands to an
    /// empty string (or its default), so the stage silently builds from a different image or
    /// platform than intended, usually because of a typo or an ARG declared inside a stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG VERSION=3.20
    /// FROM alpine:${VERSOIN}
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG VERSION=3.20
    /// FROM alpine:${VERSION}
    /// ```
    ///
    /// ## References
    /// - [BuildKit check UndefinedArgInFrom](https://docs.docker.com/reference/build-checks/undefined-arg-in-from/)
    pub static UNDEFINED_ARG_IN_FROM = {
        code: "HS308",
        name: "undefined-arg-in-from",
        aliases: ["UndefinedArgInFrom"],
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "`FROM` uses a variable that no global ARG declares",
    };
}

/// HS308
pub(crate) fn undefined_arg_in_from(
    checker: &mut Checker,
    index: usize,
    _instruction: &Instruction,
) {
    let model = checker.model;
    for word in model.expandable_words(index) {
        if !matches!(word.role, WordRole::FromImage | WordRole::FromPlatform) {
            continue;
        }
        let Ok(expansion) = model.expand(index, word.text) else {
            continue;
        };
        for name in model.undefined_names(index, &expansion) {
            let candidates = model.globals().iter().map(|b| b.name.as_ref());
            let mut message = format!("FROM argument '{name}' is not declared");
            if let Some(suggestion) = suggest(name, candidates) {
                message.push_str(&format!(" (did you mean {suggestion}?)"));
            }
            checker.report(
                Diagnostic::new(&UNDEFINED_ARG_IN_FROM, message, Location::Text(word.range))
                    .with_help(format!("Declare `ARG {name}` before the first `FROM`")),
            );
        }
    }
}
