//! HS310: a variable used in an instruction Docker expands, but never defined (BuildKit's
//! `UndefinedVar`).

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::{Instruction, Keyword};
use hullscan_semantic::WordRole;

use crate::checker::Checker;
use crate::rules::dockerfile::buildkit_facts::{base_image_defines, base_image_env, suggest};

declare_rule! {
    /// ## What it does
    /// Finds variables used in the parts of instructions that Docker itself expands (`ENV`,
    /// `LABEL`, `ARG` defaults, `ADD`/`COPY` paths and `--chown`/`--chmod`, `WORKDIR`, `USER`,
    /// `VOLUME`, `STOPSIGNAL`) that no `ARG` or `ENV` before them defines in the stage (or a
    /// stage it is built `FROM`), as BuildKit's `UndefinedVar` check does. `${X:-default}`
    /// counts as a use of `X`. `RUN`, `CMD` and `ENTRYPOINT` are not checked: the shell expands
    /// those when the container runs.
    ///
    /// Variables the base image defines are not findings. hullscan does not pull images, so
    /// it knows `PATH` (set by every image but `scratch`) and the documented variables of
    /// common official images (`GOPATH` in `golang`, `JAVA_HOME` in `eclipse-temurin`, ...).
    ///
    /// ## Why is this bad?
    /// An undefined variable expands to an empty string without any error, so a typo such as
    /// `$PAHT` silently produces a wrong path, an empty label or a copy of the wrong files.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ARG APP_DIR=/srv/app
    /// COPY . $APPDIR
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ARG APP_DIR=/srv/app
    /// COPY . $APP_DIR
    /// ```
    ///
    /// ## References
    /// - [BuildKit check UndefinedVar](https://docs.docker.com/reference/build-checks/undefined-var/)
    pub static UNDEFINED_VARIABLE = {
        code: "HS310",
        name: "undefined-variable",
        aliases: ["UndefinedVar"],
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "Variable is used but never defined",
    };
}

/// The keywords whose words BuildKit expands in the stage environment.
pub(crate) const EXPANDED: &[Keyword] = &[
    Keyword::Env,
    Keyword::Label,
    Keyword::Arg,
    Keyword::Add,
    Keyword::Copy,
    Keyword::Workdir,
    Keyword::User,
    Keyword::Volume,
    Keyword::Stopsignal,
];

/// HS310
pub(crate) fn undefined_variable(checker: &mut Checker, index: usize, _instruction: &Instruction) {
    let model = checker.model;
    let Some(stage) = model.stage_of(index) else {
        return;
    };
    let root = checker.chain_root(stage.index);
    let mut reported: Vec<&str> = Vec::new();
    for word in model.expandable_words(index) {
        if matches!(
            word.role,
            WordRole::ExposePort | WordRole::FromImage | WordRole::FromPlatform
        ) {
            continue;
        }
        let Ok(expansion) = model.expand(index, word.text) else {
            continue;
        };
        for name in model.undefined_names(index, &expansion) {
            if reported.contains(&name) || base_image_defines(root, name) {
                continue;
            }
            reported.push(name);
            // Candidates as BuildKit sees them: the image's variables, then the stage's before
            // this instruction, then each parent stage's. Lazy, so `suggest` stops the chain
            // walk at its candidate limit.
            let own = model
                .stage_bindings(stage.index)
                .iter()
                .take_while(|binding| binding.instruction.is_some_and(|i| i < index));
            let parents =
                std::iter::successors(stage.parent().and_then(|i| model.stage(i)), |current| {
                    current.parent().and_then(|i| model.stage(i))
                })
                .take(model.stages().len())
                .flat_map(|parent| model.stage_bindings(parent.index));
            let candidates = base_image_env(root)
                .into_iter()
                .chain(own.chain(parents).map(|binding| binding.name.as_ref()));
            let mut message = format!("Usage of undefined variable '${name}'");
            if let Some(suggestion) = suggest(name, candidates) {
                message.push_str(&format!(" (did you mean ${suggestion}?)"));
            }
            checker.report(
                Diagnostic::new(&UNDEFINED_VARIABLE, message, Location::Text(word.range))
                    .with_help(format!(
                        "Define it first with `ARG {name}` or `ENV {name}=...`, or fix the name"
                    )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UNDEFINED_VARIABLE as RULE;
    use crate::rules::dockerfile::buildkit_facts::testing::messages;
    use crate::tests::{assert_fires, assert_silent};

    #[test]
    fn messages_and_suggestions() {
        assert_eq!(
            messages(&RULE, "FROM alpine\nARG DIR_ASSETS=a\nCOPY $DIR_ASSET .\n"),
            ["Usage of undefined variable '$DIR_ASSET' (did you mean $DIR_ASSETS?)"]
        );
        assert_eq!(
            messages(&RULE, "FROM alpine\nENV PATH=$PAHT:/x\n"),
            ["Usage of undefined variable '$PAHT' (did you mean $PATH?)"]
        );
        // Reported once per instruction, even when used twice.
        assert_eq!(messages(&RULE, "FROM a\nCOPY $x $x/\n").len(), 1);
    }

    #[test]
    fn scope_follows_buildkit() {
        // Used before its ARG; the later RUN is the shell's business.
        assert_fires(
            &RULE,
            "FROM a\nCOPY $foo .\nARG foo=bar\nRUN echo $foo\n",
            &[2],
        );
        // Inherited from the parent stage; declared without a value.
        assert_silent(
            &RULE,
            "FROM a AS base\nARG foo=x\nFROM base\nCOPY $foo .\nARG bar\nCOPY ${bar:-y} .\n",
        );
        // Global ARGs are not visible in a stage unless declared again.
        assert_fires(&RULE, "ARG V=1\nFROM a\nLABEL v=$V\n", &[3]);
    }
}
