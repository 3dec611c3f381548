//! HS403: the whole source tree copied before the dependency install.

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::Keyword;
use hullscan_shell::tools;

use crate::checker::Checker;
use crate::rules::dockerfile::shell_facts::{RunCommand, copy_words, run_commands, unquote};

declare_rule! {
    /// ## What it does
    /// Finds a stage that copies the whole build context (`COPY . .`, `COPY ./ /app`,
    /// `COPY * ./`) and only then installs dependencies: `npm ci`/`npm install`, `yarn
    /// install`, `pnpm install`, `pip install -r`, `go mod download`, `bundle install`,
    /// `composer install`, `cargo fetch`/`cargo build`, `mvn dependency:…`. It stays silent
    /// when that ecosystem's manifest (`package.json`, `requirements*.txt`, `go.mod`,
    /// `Gemfile`, `composer.json`, `Cargo.toml`, `pom.xml`) was copied on its own earlier in
    /// the stage.
    ///
    /// ## Why is this bad?
    /// Docker reuses a cached layer only while everything before it is unchanged, and a
    /// `COPY` is unchanged only while every file it copies is. Copying the whole source tree
    /// first means any edit to any file invalidates the copy, so the dependency install after
    /// it runs again on every build, downloading and compiling the same packages. Copy the
    /// manifests and lock files first, install, then copy the rest: the install layer is then
    /// rebuilt only when the dependencies change.
    ///
    /// ## Known problems
    /// Without the build context hullscan cannot tell which files a `COPY .` really copies
    /// (`.dockerignore` may exclude nearly everything); `hullscan context` measures that.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// COPY . .
    /// ```
    ///
    /// ## References
    /// - [Docker docs: optimize cache usage](https://docs.docker.com/build/cache/optimize/)
    pub static SOURCE_COPIED_BEFORE_DEPENDENCY_INSTALL = {
        code: "HS403",
        name: "source-copied-before-dependency-install",
        aliases: [],
        severity: Info,
        category: Performance,
        fix: None,
        summary: "The whole source tree is copied before the dependency install, so every edit reinstalls",
    };
}

/// A dependency ecosystem: its install commands and manifests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ecosystem {
    Node,
    Python,
    Go,
    Ruby,
    Php,
    Rust,
    Maven,
}

impl Ecosystem {
    fn manifests(self) -> &'static [&'static str] {
        match self {
            Ecosystem::Node => &[
                "package.json",
                "package-lock.json",
                "yarn.lock",
                "pnpm-lock.yaml",
                "npm-shrinkwrap.json",
            ],
            Ecosystem::Python => &[
                "requirements",
                "pyproject.toml",
                "poetry.lock",
                "pipfile",
                "setup.py",
                "setup.cfg",
                "uv.lock",
            ],
            Ecosystem::Go => &["go.mod", "go.sum"],
            Ecosystem::Ruby => &["gemfile", "gemfile.lock", ".gemspec"],
            Ecosystem::Php => &["composer.json", "composer.lock"],
            Ecosystem::Rust => &["cargo.toml", "cargo.lock"],
            Ecosystem::Maven => &["pom.xml"],
        }
    }

    fn manifest(self) -> &'static str {
        self.manifests()[0]
    }
}

/// A copy of the whole context, then an install that depends on it.
pub(crate) struct CacheBust {
    pub copy: usize,
    pub install: usize,
    pub ecosystem: Ecosystem,
    pub command: String,
}

/// HS403
pub(crate) fn source_copied_before_dependency_install(checker: &mut Checker) {
    for bust in cache_busts(checker) {
        let instructions = checker.instructions();
        let install = &instructions[bust.install];
        checker.report(
            Diagnostic::new(
                &SOURCE_COPIED_BEFORE_DEPENDENCY_INSTALL,
                format!(
                    "`{}` runs after the whole source tree is copied (line {}), so any source change reinstalls the dependencies",
                    bust.command,
                    instructions[bust.copy].start_line
                ),
                Location::Text(install.range),
            )
            .with_related(Location::Text(instructions[bust.copy].range), "the whole context is copied here")
            .with_help(format!(
                "Copy `{}` and its lock file first, run `{}`, then copy the rest of the source",
                bust.ecosystem.manifest(),
                bust.command
            )),
        );
    }
}

/// Every install that follows a whole-context copy in its stage, with no earlier copy of its
/// ecosystem's manifests. Pure: reads only the checker's parse and model.
pub(crate) fn cache_busts(checker: &Checker) -> Vec<CacheBust> {
    let instructions = checker.instructions();
    let mut found = Vec::new();
    for stage in checker.model.stages() {
        let mut broad_copy: Option<usize> = None;
        let mut manifest_copies: Vec<String> = Vec::new();
        let mut reported: Vec<Ecosystem> = Vec::new();
        for index in stage.instructions.clone().skip(1) {
            let instruction = &instructions[index];
            match instruction.keyword {
                Keyword::Copy | Keyword::Add if instruction.flag("from").is_none() => {
                    let words = copy_words(instruction);
                    let Some((_, sources)) = words.split_last() else {
                        continue;
                    };
                    let mut broad = false;
                    for (source, _) in sources {
                        let source = unquote(source);
                        if matches!(source, "." | "./" | "*" | "./*" | "/") {
                            broad = true;
                        } else if broad_copy.is_none() {
                            manifest_copies.push(source.to_ascii_lowercase());
                        }
                    }
                    if broad && broad_copy.is_none() {
                        broad_copy = Some(index);
                    }
                }
                Keyword::Run => {
                    let Some(copy) = broad_copy else {
                        continue;
                    };
                    for command in run_commands(checker, index) {
                        let Some(ecosystem) = installs_dependencies(command) else {
                            continue;
                        };
                        let copied_first = manifest_copies.iter().any(|source| {
                            ecosystem
                                .manifests()
                                .iter()
                                .any(|manifest| source.contains(manifest))
                        });
                        if copied_first || reported.contains(&ecosystem) {
                            continue;
                        }
                        reported.push(ecosystem);
                        let words: Vec<&str> = std::iter::once(command.invocation.name)
                            .chain(command.arg_values())
                            .take(3)
                            .collect();
                        found.push(CacheBust {
                            copy,
                            install: index,
                            ecosystem,
                            command: words.join(" "),
                        });
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    found
}

/// The ecosystem whose dependencies `command` installs from manifests in the source tree.
fn installs_dependencies(command: &RunCommand<'_, '_>) -> Option<Ecosystem> {
    let invocation = &command.invocation;
    if let Some(node) = tools::node_package_manager(invocation) {
        return (node.installs() && node.packages.is_empty() && !node.global)
            .then_some(Ecosystem::Node);
    }
    if let Some(pip) = tools::pip(invocation) {
        return (pip.is("install") && !pip.requirement_files.is_empty())
            .then_some(Ecosystem::Python);
    }
    if let Some(go) = tools::go(invocation) {
        return (go.is("mod") && go.mod_action.is_some_and(|a| a.value() == "download"))
            .then_some(Ecosystem::Go);
    }
    let args: Vec<&str> = command
        .arg_values()
        .filter(|a| !a.starts_with('-'))
        .collect();
    let first = args.first().copied().unwrap_or("");
    match invocation.name {
        "bundle" if matches!(first, "install" | "") => Some(Ecosystem::Ruby),
        "composer" if first == "install" => Some(Ecosystem::Php),
        "cargo" if matches!(first, "fetch" | "build") => Some(Ecosystem::Rust),
        "mvn" | "mvnw" if args.iter().any(|a| a.starts_with("dependency:")) => {
            Some(Ecosystem::Maven)
        }
        "poetry" if first == "install" => Some(Ecosystem::Python),
        _ => None,
    }
}
