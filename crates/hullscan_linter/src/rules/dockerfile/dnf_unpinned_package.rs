//! HS256: `dnf`/`microdnf install` of a package without a version.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::{RpmTool, rpm};

use super::shell_facts::run_commands;
use super::stage_scan::{env_pairs_in_scope, referenced_names};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds packages given to `dnf install` or `microdnf install` without a version
    /// (`httpd` rather than `httpd-2.4.62`), and modules given to `dnf module install` without a
    /// stream (`nodejs` rather than `nodejs:20`). A version may come from a variable declared
    /// with `ARG`, or with `ENV` in this stage or a stage it is built on. Local `.rpm` files and
    /// `group install` are not checked.
    ///
    /// ## Why is this bad?
    /// Without a version, each build installs whatever the repositories hold that day, so the
    /// same Dockerfile yields different images over time and an upstream release can break the
    /// build with no change on your side.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf -y install tomcat && dnf clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf -y install tomcat-9.0.87 && dnf clean all
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3041`
    pub static DNF_UNPINNED_PACKAGE = {
        code: "HS256",
        name: "dnf-unpinned-package",
        aliases: ["DL3041"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`dnf install` of a package without a version",
    };
}

/// Whether an RPM package argument names a version: `name-version[-release]`, where the parts
/// after the name use only version characters and at least one starts with a digit
/// (`gcc-c++-11.4.1`, `openssl-1:3.0.7`).
pub(crate) fn rpm_names_version(package: &str) -> bool {
    if package.ends_with(".rpm") {
        return true;
    }
    let mut parts = package.split('-');
    parts.next();
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && rest.iter().all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".~^_:+".contains(c))
        })
        && rest
            .iter()
            .any(|part| part.starts_with(|c: char| c.is_ascii_digit()))
}

/// HS256
pub(crate) fn dnf_unpinned_package(checker: &mut Checker, index: usize, _: &Instruction) {
    let commands = run_commands(checker, index);
    if commands.is_empty() {
        return;
    }
    let instructions = checker.instructions();
    let mut known_names: Option<Vec<&str>> = None;
    for command in commands {
        let Some(rpm) = rpm(&command.invocation) else {
            continue;
        };
        if rpm.tool == RpmTool::Yum {
            continue;
        }
        let module = rpm.is("module") && rpm.action.is_some_and(|w| w.value() == "install");
        if !(rpm.is("install") || module) {
            continue;
        }
        let mut unpinned = Vec::new();
        for package in &rpm.packages {
            let text = package.value();
            let names = referenced_names(text);
            let pinned = if !names.is_empty() {
                // A version in a variable: fine when the variable is one the build defines.
                let known = known_names.get_or_insert_with(|| {
                    env_pairs_in_scope(instructions, checker.scanned_stages(), index)
                        .into_iter()
                        .map(|(key, _)| key)
                        .collect()
                });
                names
                    .iter()
                    .all(|name| known.contains(name) || checker.arg_declared_before(index, name))
            } else if module {
                text.contains(':')
            } else {
                rpm_names_version(text)
            };
            if !pinned {
                unpinned.push(format!("`{text}`"));
            }
        }
        if unpinned.is_empty() {
            continue;
        }
        checker.report_at(
            &DNF_UNPINNED_PACKAGE,
            format!(
                "unpinned {} package(s): {}",
                command.invocation.name,
                unpinned.join(", ")
            ),
            command.range(),
            Some(if module {
                "Give each module a stream: `name:stream`"
            } else {
                "Pin each package as `name-version` (see `dnf list --showduplicates <name>`)"
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::rpm_names_version;

    #[test]
    fn versions_in_package_names() {
        for pinned in [
            "tomcat-9.0.1",
            "rpm-sign-4.16.1.3",
            "gcc-c++-1.1.1",
            "openssl-1:1.1.1k",
            "x.rpm",
        ] {
            assert!(rpm_names_version(pinned), "{pinned}");
        }
        for unpinned in ["tomcat", "rpm-sign", "python3-devel", "a-", "foo-bar-baz"] {
            assert!(!rpm_names_version(unpinned), "{unpinned}");
        }
    }
}
