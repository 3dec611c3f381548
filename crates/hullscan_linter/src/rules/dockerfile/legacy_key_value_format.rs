//! HS314: `ENV key value` / `LABEL key value` (BuildKit's `LegacyKeyValueFormat`).

use hullscan_diagnostics::{Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::{Arguments, Instruction};

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `ENV` and `LABEL` written in the legacy `KEY value` form instead of `KEY=value`,
    /// as BuildKit's `LegacyKeyValueFormat` check does.
    ///
    /// ## Why is this bad?
    /// In the legacy form the value is the whole rest of the line, spaces included, and only
    /// one variable can be set. `ENV A 1 B 2` sets `A` to `1 B 2`, which is rarely what was
    /// meant. The `KEY=value` form is unambiguous and sets several variables in one
    /// instruction. Docker documents the legacy form as deprecated.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV PYTHONUNBUFFERED 1
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV PYTHONUNBUFFERED=1
    /// ```
    ///
    /// ## Fix safety
    /// The fix rewrites the pair as `KEY=value`, wrapping a value that contains spaces in
    /// double quotes. It is offered only when the value has no quotes or escape characters,
    /// and it is then safe: the variable gets the same value.
    ///
    /// ## References
    /// - [BuildKit check LegacyKeyValueFormat](https://docs.docker.com/reference/build-checks/legacy-key-value-format/)
    pub static LEGACY_KEY_VALUE_FORMAT = {
        code: "HS314",
        name: "legacy-key-value-format",
        aliases: ["LegacyKeyValueFormat"],
        severity: Warning,
        category: Style,
        fix: Sometimes,
        summary: "`ENV`/`LABEL` in the legacy `KEY value` form",
    };
}

/// HS314
pub(crate) fn legacy_key_value_format(
    checker: &mut Checker,
    _index: usize,
    instruction: &Instruction,
) {
    let Arguments::KeyValues(list) = &instruction.args else {
        return;
    };
    if !list.legacy {
        return;
    }
    let keyword = &instruction.keyword_text;
    let message = format!(
        "\"{keyword} key=value\" should be used instead of legacy \"{keyword} key value\" format"
    );
    let mut diagnostic = Diagnostic::new(
        &LEGACY_KEY_VALUE_FORMAT,
        message,
        Location::Text(instruction.range),
    );
    let escape = checker.parse.dockerfile.escape;
    let pair = list.pairs.first();
    let fixed = pair.and_then(|pair| {
        let value = pair.value.as_deref()?;
        if value.is_empty() || value.contains(['"', '\'', escape]) {
            return None;
        }
        let value = if value.contains(char::is_whitespace) {
            format!("\"{value}\"")
        } else {
            value.to_owned()
        };
        Some((format!("{}={value}", pair.key), pair.range))
    });
    match fixed {
        Some((replacement, range)) => {
            let title = format!("Write `{keyword} {replacement}`");
            diagnostic = diagnostic
                .with_help(title.clone())
                .with_fix(Fix::safe(title, Edit::replacement(replacement, range)));
        }
        None => diagnostic = diagnostic.with_help(format!("Write `{keyword} KEY=value`")),
    }
    checker.report(diagnostic);
}

#[cfg(test)]
mod tests {
    use super::LEGACY_KEY_VALUE_FORMAT as RULE;
    use crate::rules::dockerfile::buildkit_facts::testing::{fixed, messages};
    use crate::tests::{assert_fires, assert_silent};

    #[test]
    fn fires_on_the_legacy_form_only() {
        assert_fires(&RULE, "FROM a\nENV A 1\nlabel b c d\n", &[2, 3]);
        assert_silent(&RULE, "FROM a\nENV A=1 B=2\nLABEL b=\"c d\"\n");
        assert_eq!(
            messages(&RULE, "FROM a\nlabel b c\n"),
            ["\"label key=value\" should be used instead of legacy \"label key value\" format"]
        );
    }

    #[test]
    fn fixes_only_values_that_need_no_escaping() {
        assert_eq!(fixed(&RULE, "FROM a\nENV A 1\n"), "FROM a\nENV A=1\n");
        assert_eq!(
            fixed(&RULE, "FROM a\nLABEL d a small  image\n"),
            "FROM a\nLABEL d=\"a small  image\"\n"
        );
        assert_eq!(
            fixed(&RULE, "FROM a\nENV P $HOME/bin\n"),
            "FROM a\nENV P=$HOME/bin\n"
        );
        for unchanged in [
            "FROM a\nENV A \"x y\"\n",
            "FROM a\nENV A x\\ y\n",
            "FROM a\nENV A 'x'\n",
        ] {
            assert_eq!(fixed(&RULE, unchanged), unchanged);
        }
    }
}
