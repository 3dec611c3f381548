//! HS309: a relative `WORKDIR` with no absolute one before it (BuildKit's
//! `WorkdirRelativePath`, hadolint's DL3000).

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::{Arguments, Instruction};
use hullscan_semantic::Os;

use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds the first `WORKDIR` of a stage (counting the stages it is built `FROM`) when its
    /// path, after variable expansion, is relative, as BuildKit's `WorkdirRelativePath` check
    /// does. Later relative `WORKDIR`s build on the first one, so only the first is reported.
    /// hadolint's DL3000 is the same check.
    ///
    /// Paths that depend on a variable the Dockerfile does not set (a build arg) are not
    /// reported: their value is only known at build time. A Windows drive path (`C:\app`)
    /// counts as absolute.
    ///
    /// ## Why is this bad?
    /// A relative `WORKDIR` is resolved against the base image's working directory. When the
    /// base image changes it, files land somewhere else and later instructions break in ways
    /// that are hard to trace.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR /app
    /// ```
    ///
    /// ## References
    /// - [BuildKit check WorkdirRelativePath](https://docs.docker.com/reference/build-checks/workdir-relative-path/)
    /// - hadolint `DL3000`
    pub static RELATIVE_WORKDIR = {
        code: "HS309",
        name: "relative-workdir",
        aliases: ["WorkdirRelativePath", "DL3000"],
        severity: Error,
        category: BestPractice,
        fix: None,
        summary: "First `WORKDIR` of the stage is a relative path",
    };
}

/// HS309
pub(crate) fn relative_workdir(checker: &mut Checker, index: usize, instruction: &Instruction) {
    let model = checker.model;
    // A WORKDIR earlier in this stage or a parent stage already fixed the directory.
    if model.workdir_at(index).is_some() {
        return;
    }
    let Arguments::Words(words) = &instruction.args else {
        return;
    };
    let Some(word) = words.first() else {
        return;
    };
    let Ok(expansion) = model.expand(index, &word.value) else {
        return;
    };
    if !expansion.unmatched.is_empty() {
        return;
    }
    let path = expansion.value.as_ref();
    let windows = model
        .stage_of(index)
        .is_some_and(|stage| stage.os == Os::Windows);
    if is_absolute(path, windows) {
        return;
    }
    checker.report(
        Diagnostic::new(
            &RELATIVE_WORKDIR,
            format!(
                "Relative workdir {path:?} can have unexpected results if the base image changes"
            ),
            Location::Text(word.range),
        )
        .with_help("Use an absolute path, such as `/app`"),
    );
}

/// `/...`, a Windows drive path (`C:`, `C:\x`, `C:/x`), or on Windows a rooted `\...`.
fn is_absolute(path: &str, windows: bool) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('/')
        || (windows && path.starts_with('\\'))
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

#[cfg(test)]
mod tests {
    use super::is_absolute;

    use super::RELATIVE_WORKDIR as RULE;
    use crate::tests::{assert_fires, assert_silent};

    #[test]
    fn only_the_first_workdir_of_a_stage_chain() {
        assert_fires(&RULE, "FROM a\nWORKDIR app\nWORKDIR sub\n", &[2]);
        assert_silent(
            &RULE,
            "FROM a AS base\nWORKDIR /app\nFROM base\nWORKDIR sub\n",
        );
        assert_fires(
            &RULE,
            "FROM a AS base\nWORKDIR /app\nFROM a\nWORKDIR sub\n",
            &[4],
        );
        // hadolint's fragments without FROM.
        assert_fires(&RULE, "WORKDIR 'relative/dir'\n", &[1]);
        assert_silent(&RULE, "WORKDIR ${work}\nWORKDIR \"C:\\\"\n");
    }

    #[test]
    fn absolute_paths() {
        assert!(is_absolute("/app", false));
        assert!(is_absolute("C:\\", false));
        assert!(is_absolute("c:/x", false));
        assert!(is_absolute("\\x", true));
        assert!(!is_absolute("\\x", false));
        assert!(!is_absolute("app/", false));
        assert!(!is_absolute("", false));
    }
}
