//! HS213: `pip install` of packages without a version.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::PIP_FLAGS;
use hullscan_shell::{Word, parse_args};

use super::shell_facts::{RunCommand, report_unpinned_packages};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `pip install` (also `pip3`, `python -m pip` and `pipx`) of packages without a
    /// version specifier (`==`, `>=`, `~=`, ...). VCS URLs pinned with `@ref`, wheels,
    /// `.tar.gz` archives and paths count as pinned. Installs from a requirements file
    /// (`-r`), with a constraints file (`-c`) or of the current project (`.`) are left alone:
    /// the versions live in those files.
    ///
    /// ## Why is this bad?
    /// Without a version, every build installs the newest release on PyPI. A rebuild months
    /// later silently picks up new major versions, with their breaking changes and new
    /// dependencies. Pinned versions make the image reproducible and updates reviewable.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir flask
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir flask==3.0.3
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3013`
    pub static UNPINNED_PIP_PACKAGE = {
        code: "HS213",
        name: "unpinned-pip-package",
        aliases: ["DL3013"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`pip install` of a package without a pinned version",
    };
}

/// The words after `pip` for `pip…`/`pipx` and `python… -m pip`; `None` for other commands.
pub(crate) fn pip_arguments<'c, 'a>(command: &RunCommand<'c, 'a>) -> Option<&'c [Word<'a>]> {
    let invocation = &command.invocation;
    let name = invocation.name;
    if let Some(rest) = name.strip_prefix("pip") {
        let is_pip =
            rest.is_empty() || rest == "x" || rest.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        return is_pip.then_some(invocation.args);
    }
    let version = name.strip_prefix("python")?;
    if !version.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let at = invocation
        .args
        .windows(2)
        .position(|pair| pair[0].value() == "-m" && pair[1].value() == "pip")?;
    Some(&invocation.args[at + 2..])
}

/// Whether a requirement operand names a version or something version-like.
fn is_pinned_requirement(text: &str) -> bool {
    let vcs = ["git+", "hg+", "svn+", "bzr+"];
    if vcs.iter().any(|prefix| text.starts_with(prefix)) {
        // `git+https://host/repo.git@v1.2#egg=name`: the `@` after the host path is the ref.
        let path = text.split_once("://").map_or(text, |(_, rest)| rest);
        let path = path.split('#').next().unwrap_or(path);
        return path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('@'));
    }
    text.ends_with(".whl")
        || text.ends_with(".tar.gz")
        || text.contains('/')
        || text.contains(['=', '<', '>'])
}

/// HS213
pub(crate) fn unpinned_pip_package(checker: &mut Checker, index: usize, _: &Instruction) {
    report_unpinned_packages(
        checker,
        index,
        &UNPINNED_PIP_PACKAGE,
        "pip package(s)",
        "Pin each package (`name==version`), or install from a requirements or constraints file",
        |command, unpinned| {
            let Some(words) = pip_arguments(command) else {
                return;
            };
            let args = parse_args(words, &PIP_FLAGS);
            let operands = args.operands();
            if operands
                .first()
                .is_none_or(|word| word.value() != "install")
            {
                return;
            }
            if args.has(&["r", "requirement", "c", "constraint"])
                || operands.iter().skip(1).any(|word| word.value() == ".")
            {
                return;
            }
            unpinned.extend(
                operands
                    .iter()
                    .skip(1)
                    .map(|word| word.value())
                    .filter(|text| !is_pinned_requirement(text)),
            );
        },
    );
}

#[cfg(test)]
mod tests {
    use super::is_pinned_requirement;

    #[test]
    fn pinned_forms() {
        for pinned in [
            "flask==3.0",
            "a>=1",
            "a~=1.2",
            "a!=1",
            "pkg.whl",
            "pkg.tar.gz",
            "foo/bar",
            "https://x/y.zip",
            "git+https://github.com/o/r.git@v1#egg=r",
        ] {
            assert!(is_pinned_requirement(pinned), "{pinned}");
        }
        for unpinned in [
            "flask",
            "git+https://github.com/o/r.git#egg=r",
            "git+ssh://git@github.com/o/r.git",
        ] {
            assert!(!is_pinned_requirement(unpinned), "{unpinned}");
        }
    }
}
