//! HS233: `yum install` of packages without a version.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::{Arguments, Instruction, Keyword};
use hullscan_shell::tools::{RpmTool, rpm};

use super::shell_facts::run_commands;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `yum install` of packages without a version: `tomcat` instead of
    /// `tomcat-9.0.87`. A name counts as versioned when a `-`-separated part after the first
    /// starts with a digit and all such parts use only version characters (`gcc-c++-8.5.0`,
    /// `openssl-1:1.1.1k`). `.rpm` files count as pinned, a `$VAR` counts when the variable is
    /// an `ARG` or an `ENV` of the stage, and `yum module install` needs `name:stream`.
    ///
    /// ## Why is this bad?
    /// Without a version yum installs the newest package in the enabled repositories, so
    /// rebuilding the same Dockerfile can produce a different image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM rockylinux:9
    /// RUN yum install -y tomcat && yum clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM rockylinux:9
    /// RUN yum install -y tomcat-9.0.87 && yum clean all
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3033`
    pub static UNPINNED_YUM_PACKAGE = {
        code: "HS233",
        name: "unpinned-yum-package",
        aliases: ["DL3033"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`yum install` of a package without a pinned version",
    };
}

/// Whether an rpm package name carries a version: some `-` part after the first starts with a
/// digit, and every part after the first uses only version characters.
pub(crate) fn rpm_name_has_version(text: &str) -> bool {
    if text.ends_with(".rpm") {
        return true;
    }
    let mut parts = text.split('-').skip(1).peekable();
    if parts.peek().is_none() {
        return false;
    }
    let version_char = |c: char| c.is_ascii_alphanumeric() || ".~^_:+".contains(c);
    let mut any_digit = false;
    for part in parts {
        if !part.chars().all(version_char) {
            return false;
        }
        any_digit |= part.starts_with(|c: char| c.is_ascii_digit());
    }
    any_digit
}

/// The variable names `$X`/`${X…}` in `text`.
fn variable_names(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        let braced = rest.strip_prefix('{');
        let body = braced.unwrap_or(rest);
        let end = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(body.len());
        if end > 0 {
            names.push(&body[..end]);
        }
        rest = body;
    }
    names
}

/// Whether `name` is declared by an ARG anywhere in the file, or by an ENV in the stage of
/// instruction `index` before it (or in the stages it is built `FROM`).
pub(crate) fn variable_is_declared(checker: &Checker, index: usize, name: &str) -> bool {
    let instructions = checker.instructions();
    let declares = |instruction: &Instruction, keyword: Keyword| {
        if instruction.keyword != keyword {
            return false;
        }
        match &instruction.args {
            Arguments::Arg(pairs) => pairs.iter().any(|pair| pair.key == name),
            Arguments::KeyValues(list) => list.pairs.iter().any(|pair| pair.key == name),
            _ => false,
        }
    };
    if instructions.iter().any(|i| declares(i, Keyword::Arg)) {
        return true;
    }
    let model = checker.model;
    let Some(stage) = model.stage_of(index) else {
        return instructions[..index.min(instructions.len())]
            .iter()
            .any(|i| declares(i, Keyword::Env));
    };
    if instructions
        .get(stage.instructions.start..index)
        .unwrap_or_default()
        .iter()
        .any(|i| declares(i, Keyword::Env))
    {
        return true;
    }
    let mut parent = stage.parent();
    for _ in 0..model.stages().len() {
        let Some(stage) = parent.and_then(|p| model.stage(p)) else {
            break;
        };
        if instructions
            .get(stage.instructions.clone())
            .unwrap_or_default()
            .iter()
            .any(|i| declares(i, Keyword::Env))
        {
            return true;
        }
        parent = stage.parent();
    }
    false
}

/// HS233
pub(crate) fn unpinned_yum_package(checker: &mut Checker, index: usize, _: &Instruction) {
    for command in run_commands(checker, index) {
        let Some(yum) = rpm(&command.invocation) else {
            continue;
        };
        if yum.tool != RpmTool::Yum {
            continue;
        }
        let module = yum.is("module");
        let installs = if module {
            yum.action.is_some_and(|action| action.value() == "install")
        } else {
            yum.is("install")
        };
        if !installs {
            continue;
        }
        let unpinned: Vec<String> = yum
            .packages
            .iter()
            .map(|word| word.value())
            .filter(|text| {
                let names = variable_names(text);
                if !names.is_empty()
                    && names
                        .iter()
                        .all(|name| variable_is_declared(checker, index, name))
                {
                    return false;
                }
                if module {
                    !text.contains(':')
                } else {
                    !rpm_name_has_version(text)
                }
            })
            .map(|text| format!("`{text}`"))
            .collect();
        if unpinned.is_empty() {
            continue;
        }
        checker.report_at(
            &UNPINNED_YUM_PACKAGE,
            format!("unpinned yum package(s): {}", unpinned.join(", ")),
            command.range(),
            Some(if module {
                "Name the module stream as `name:stream`"
            } else {
                "Pin each package as `name-version`"
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{rpm_name_has_version, variable_names};

    #[test]
    fn version_detection() {
        for versioned in [
            "tomcat-9.2",
            "openssl-1:1.1.1k",
            "rpm-sign-4.16.1.3",
            "gcc-c++-1.1.1",
            "x.rpm",
        ] {
            assert!(rpm_name_has_version(versioned), "{versioned}");
        }
        for bare in ["tomcat", "rpm-sign", "python3-devel", "git-core-${version}"] {
            assert!(!rpm_name_has_version(bare), "{bare}");
        }
        assert_eq!(variable_names("a-${v}-$w"), ["v", "w"]);
    }
}
