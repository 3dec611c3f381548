//! HS216: `npm install` of packages without a version.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;
use hullscan_shell::{FlagSpec, parse_args};

use super::shell_facts::report_unpinned_packages;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `npm install <package>` (also `npm i` and `npm add`) where a package has no
    /// version: `express` instead of `express@4.19.2`. Git URLs with a `#ref`, tarballs and
    /// local paths count as pinned. A plain `npm install` (or `npm ci`), which installs what
    /// the lockfile says, is not reported.
    ///
    /// ## Why is this bad?
    /// A package without a version resolves to its `latest` tag at build time, so the image
    /// changes whenever a new release is published, including releases with breaking changes
    /// or, as has happened, malicious code. Pin the version, or better, add the dependency to
    /// `package.json` and install from the lockfile with `npm ci`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// RUN npm install --global pm2
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// RUN npm install --global pm2@5.4.2
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3016`
    pub static UNPINNED_NPM_PACKAGE = {
        code: "HS216",
        name: "unpinned-npm-package",
        aliases: ["DL3016"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`npm install` of a package without a pinned version",
    };
}

/// npm options that take a value.
const NPM_FLAGS: FlagSpec = FlagSpec {
    short_with_value: "w",
    long_with_value: &[
        "registry",
        "loglevel",
        "prefix",
        "cache",
        "userconfig",
        "globalconfig",
        "tag",
        "omit",
        "include",
        "workspace",
        "install-strategy",
        "only",
        "scope",
    ],
    single_dash_long: &[],
    single_dash_is_long: false,
    stop_at_first_operand: false,
};

/// Whether an npm package specifier names a version, a git ref, a tarball or a path.
fn is_pinned_npm_package(text: &str) -> bool {
    if ["/", "./", "../", "~/"]
        .iter()
        .any(|prefix| text.starts_with(prefix))
    {
        return true;
    }
    if [".tar", ".tar.gz", ".tgz"]
        .iter()
        .any(|suffix| text.ends_with(suffix))
    {
        return true;
    }
    if ["git://", "git+ssh://", "git+http://", "git+https://"]
        .iter()
        .any(|scheme| text.starts_with(scheme))
    {
        return text.contains('#');
    }
    // `@scope/name@version`: the version `@` comes after the scope.
    let name = match text.strip_prefix('@') {
        Some(scoped) => scoped.split_once('/').map_or("", |(_, rest)| rest),
        None => text,
    };
    name.contains('@')
}

/// HS216
pub(crate) fn unpinned_npm_package(checker: &mut Checker, index: usize, _: &Instruction) {
    report_unpinned_packages(
        checker,
        index,
        &UNPINNED_NPM_PACKAGE,
        "npm package(s)",
        "Pin each package as `name@version`, or add it to package.json and use `npm ci`",
        |command, unpinned| {
            if command.invocation.name != "npm" {
                return;
            }
            let args = parse_args(command.invocation.args, &NPM_FLAGS);
            let operands = args.operands();
            if operands
                .first()
                .is_none_or(|word| !matches!(word.value(), "install" | "i" | "add"))
            {
                return;
            }
            unpinned.extend(
                operands
                    .iter()
                    .skip(1)
                    .map(|word| word.value())
                    .filter(|text| !is_pinned_npm_package(text)),
            );
        },
    );
}

#[cfg(test)]
mod tests {
    use super::is_pinned_npm_package;

    #[test]
    fn pinned_forms() {
        for pinned in [
            "express@4.1.1",
            "@org/pkg@>=0.1.0",
            "a.tgz",
            "./dir",
            "git://github.com/npm/npm.git#v1",
        ] {
            assert!(is_pinned_npm_package(pinned), "{pinned}");
        }
        for unpinned in [
            "express",
            "@org/pkg",
            "git+https://isaacs@github.com/npm/npm.git",
        ] {
            assert!(!is_pinned_npm_package(unpinned), "{unpinned}");
        }
    }
}
