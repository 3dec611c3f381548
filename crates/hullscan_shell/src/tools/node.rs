//! `npm`, `yarn` and `pnpm`.

use crate::Invocation;
use crate::args::{FlagSpec, ParsedArgs};
use crate::ast::Word;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeTool {
    Npm,
    Yarn,
    Pnpm,
}

/// A package operand: `@scope/name@1.2.3` is name `@scope/name`, version `1.2.3`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodePackage<'a, 'src> {
    pub word: &'a Word<'src>,
    pub name: &'a str,
    pub version: Option<&'a str>,
}

impl NodePackage<'_, '_> {
    /// A git URL, tarball or local path rather than a registry name.
    pub fn is_url_or_path(&self) -> bool {
        let text = self.word.value();
        text.contains("://")
            || text.starts_with("git+")
            || text.starts_with("github:")
            || text.starts_with(['/', '.', '~'])
            || text.ends_with(".tgz")
            || text.ends_with(".tar.gz")
            || text.ends_with(".tar")
    }
}

#[derive(Clone, Debug)]
pub struct NodePm<'a, 'src> {
    pub tool: NodeTool,
    /// `install`, `i`, `ci`, `add`, `run`, … (`yarn` alone means install: then `None`). For
    /// `yarn global add`, this is `add` and [`Self::global`] is set.
    pub subcommand: Option<&'a Word<'src>>,
    pub packages: Vec<NodePackage<'a, 'src>>,
    /// `-g`/`--global`/`yarn global`.
    pub global: bool,
    /// `--production`, `--prod`, `-P`, `--only=prod[uction]`, `--omit=dev`.
    pub production: bool,
    /// `--frozen-lockfile`, `--immutable` (yarn/pnpm).
    pub frozen_lockfile: bool,
    pub ignore_scripts: bool,
    pub args: ParsedArgs<'a, 'src>,
}

impl NodePm<'_, '_> {
    pub fn is(&self, subcommand: &str) -> bool {
        self.subcommand
            .is_some_and(|word| word.value() == subcommand)
    }

    /// `npm install`/`i`/`add`, `npm ci`, `yarn` (alone), `yarn install`/`add`, `pnpm
    /// install`/`i`/`add`.
    pub fn installs(&self) -> bool {
        match self.subcommand.map(Word::value) {
            None => self.tool == NodeTool::Yarn,
            Some(sub) => matches!(sub, "install" | "i" | "in" | "add" | "ci" | "isntall"),
        }
    }
}

const SPEC: FlagSpec = FlagSpec {
    short_with_value: "wCF",
    long_with_value: &[
        "prefix",
        "registry",
        "cache",
        "omit",
        "include",
        "only",
        "workspace",
        "userconfig",
        "loglevel",
        "cwd",
        "modules-folder",
        "network-timeout",
        "cache-folder",
        "mutex",
        "dir",
        "filter",
        "tag",
    ],
    single_dash_long: &[],
    single_dash_is_long: false,
    stop_at_first_operand: false,
};

fn split_package(text: &str) -> (&str, Option<&str>) {
    // The version follows the last `@` that is not the scope's leading `@`.
    match text.rfind('@') {
        Some(at) if at > 0 => (&text[..at], Some(&text[at + 1..])),
        _ => (text, None),
    }
}

pub fn node_package_manager<'a, 'src>(
    invocation: &Invocation<'a, 'src>,
) -> Option<NodePm<'a, 'src>> {
    let tool = match invocation.name {
        "npm" => NodeTool::Npm,
        "yarn" | "yarnpkg" => NodeTool::Yarn,
        "pnpm" => NodeTool::Pnpm,
        _ => return None,
    };
    let args = invocation.parse_args(&SPEC);
    let operands = args.operands();
    let mut rest = operands.as_slice();
    let mut global = args.has(&["g", "global"]);
    if tool == NodeTool::Yarn && rest.first().is_some_and(|w| w.value() == "global") {
        global = true;
        rest = &rest[1..];
    }
    let subcommand = rest.first().copied();
    let packages = if subcommand
        .is_some_and(|w| matches!(w.value(), "install" | "i" | "in" | "add" | "isntall"))
    {
        rest[1..]
            .iter()
            .map(|word| {
                let (name, version) = split_package(word.value());
                let package = NodePackage {
                    word,
                    name,
                    version,
                };
                if package.is_url_or_path() {
                    NodePackage {
                        name: word.value(),
                        version: None,
                        ..package
                    }
                } else {
                    package
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let values = |names: &[&str]| -> Vec<&'a str> {
        args.find(names).iter().filter_map(|f| f.value).collect()
    };
    let production = args.has(&["production", "prod", "P"])
        || values(&["only"]).iter().any(|v| v.starts_with("prod"))
        || values(&["omit"]).contains(&"dev");
    Some(NodePm {
        tool,
        subcommand,
        packages,
        global,
        production,
        frozen_lockfile: args.has(&["frozen-lockfile", "immutable"]),
        ignore_scripts: args.has(&["ignore-scripts"]),
        args,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::test_support::with_invocation;

    #[test]
    fn npm_install_and_ci() {
        with_invocation(
            "npm install -g --omit=dev @angular/cli@17.3.0 typescript lodash@^4 ./local git+https://x/y.git#v1",
            |inv| {
                let npm = node_package_manager(inv).unwrap();
                assert_eq!(npm.tool, NodeTool::Npm);
                assert!(npm.installs() && npm.global && npm.production);
                let packages: Vec<_> = npm.packages.iter().map(|p| (p.name, p.version)).collect();
                assert_eq!(
                    packages,
                    [
                        ("@angular/cli", Some("17.3.0")),
                        ("typescript", None),
                        ("lodash", Some("^4")),
                        ("./local", None),
                        ("git+https://x/y.git#v1", None),
                    ]
                );
            },
        );
        with_invocation("npm ci --only=production --ignore-scripts", |inv| {
            let npm = node_package_manager(inv).unwrap();
            assert!(npm.is("ci") && npm.installs() && npm.production && npm.ignore_scripts);
            assert!(npm.packages.is_empty());
        });
        with_invocation("npm run build", |inv| {
            assert!(!node_package_manager(inv).unwrap().installs());
        });
    }

    #[test]
    fn yarn_and_pnpm() {
        with_invocation("yarn --frozen-lockfile --production", |inv| {
            let yarn = node_package_manager(inv).unwrap();
            assert!(yarn.subcommand.is_none() && yarn.installs());
            assert!(yarn.frozen_lockfile && yarn.production);
        });
        with_invocation("yarn global add serve@14.2.1", |inv| {
            let yarn = node_package_manager(inv).unwrap();
            assert!(yarn.global && yarn.is("add"));
            assert_eq!(yarn.packages[0].version, Some("14.2.1"));
        });
        with_invocation("pnpm install --prod --filter web", |inv| {
            let pnpm = node_package_manager(inv).unwrap();
            assert_eq!(pnpm.tool, NodeTool::Pnpm);
            assert!(pnpm.production && pnpm.installs());
            assert!(pnpm.packages.is_empty(), "`web` is the value of --filter");
        });
    }
}
