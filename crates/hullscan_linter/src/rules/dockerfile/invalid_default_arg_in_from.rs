//! HS317: a `FROM` whose image is empty or invalid with the ARG defaults (BuildKit's
//! `InvalidDefaultArgInFrom`).

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_semantic::{BindingKind, Env, ImageRef};

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Expands each `FROM` image with the default values of the ARGs declared before the first
    /// `FROM` (ignoring any `--build-arg`) and finds those that are then empty or not a valid
    /// image reference, such as `busybox:` from `FROM busybox:${VERSION}` with
    /// `ARG VERSION` declared without a default. This is BuildKit's `InvalidDefaultArgInFrom`
    /// check.
    ///
    /// ## Why is this bad?
    /// The file only builds when every such ARG is passed with `--build-arg`. A default that
    /// works keeps plain `docker build .` working and documents a sensible value.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG VERSION
    /// FROM busybox:$VERSION
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG VERSION=1.36
    /// FROM busybox:$VERSION
    /// ```
    ///
    /// ## References
    /// - [BuildKit check InvalidDefaultArgInFrom](https://docs.docker.com/reference/build-checks/invalid-default-arg-in-from/)
    pub static INVALID_DEFAULT_ARG_IN_FROM = {
        code: "HS317",
        name: "invalid-default-arg-in-from",
        aliases: ["InvalidDefaultArgInFrom"],
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "`FROM` image is empty or invalid with the ARG defaults",
    };
}

/// The global scope as BuildKit builds it for this check: predefined ARGs, then each meta ARG's
/// default expanded against the ones before it; build args are left out.
struct DefaultsEnv(Vec<(String, String)>);

impl Env for DefaultsEnv {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// HS317
pub(crate) fn invalid_default_arg_in_from(checker: &mut Checker) {
    let model = checker.model;
    let lexer = model.lexer();
    let mut env = DefaultsEnv(Vec::new());
    for binding in model.globals() {
        match binding.kind {
            BindingKind::Predefined => {
                if let Some(value) = &binding.value {
                    env.0.push((binding.name.to_string(), value.to_string()));
                }
            }
            BindingKind::MetaArg => {
                let Some(default) = binding.pair.and_then(|pair| pair.value.as_deref()) else {
                    continue;
                };
                // BuildKit gives up on the whole check when a default does not expand.
                let Ok(expansion) = lexer.process_word(default, &env) else {
                    return;
                };
                let value = expansion.value.into_owned();
                env.0.push((binding.name.to_string(), value));
            }
            _ => {}
        }
    }
    for stage in model.stages() {
        let Some(word) = stage.image_word else {
            continue;
        };
        let Ok(expansion) = lexer.process_word(&word.value, &env) else {
            return;
        };
        if ImageRef::parse(&expansion.value).is_ok() {
            continue;
        }
        checker.report(
            Diagnostic::new(
                &INVALID_DEFAULT_ARG_IN_FROM,
                format!(
                    "Default value for ARG {} results in empty or invalid base image name",
                    word.value
                ),
                Location::Text(word.range),
            )
            .with_help("Give the ARGs used here defaults that make a valid image reference"),
        );
    }
}
