//! HS277: `go install`/`go get`/`go run` of a module without a version.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;
use hullscan_shell::tools::go;

use super::shell_facts::run_commands;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `go install`, `go get` and `go run` of a remote package without an `@version`, or
    /// with `@latest`/`@none`. Local paths (`.`, `./cmd/app`, `/src/app`) and the patterns
    /// `go.mod` pins (`all`, `std`, `cmd`, `tool`) are fine; for
    /// `go run` only the package (the first argument) is checked, not the program's arguments.
    ///
    /// ## Why is this bad?
    /// Without a version, Go resolves the newest release at build time, so the same Dockerfile
    /// installs different code on different days, and a compromised or broken release flows
    /// straight into the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23
    /// RUN go install golang.org/x/tools/gopls@latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23
    /// RUN go install golang.org/x/tools/gopls@v0.16.2
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3062`
    pub static UNPINNED_GO_MODULE = {
        code: "HS277",
        name: "unpinned-go-module",
        aliases: ["DL3062"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`go install`/`go get`/`go run` of a module without a version",
    };
}

/// Package patterns that name the main module's own packages or tools, whose versions
/// `go.mod` fixes (`go install tool` installs the tools `go.mod` lists).
const GO_META_PACKAGES: &[&str] = &["all", "std", "cmd", "tool"];

/// HS277
pub(crate) fn unpinned_go_module(checker: &mut Checker, index: usize, _: &Instruction) {
    for command in run_commands(checker, index) {
        let Some(go) = go(&command.invocation) else {
            continue;
        };
        let packages = if go.is("install") || go.is("get") {
            &go.packages[..]
        } else if go.is("run") {
            &go.packages[..go.packages.len().min(1)]
        } else {
            continue;
        };
        let unpinned: Vec<String> = packages
            .iter()
            .filter(|package| {
                !package.is_local()
                    && !GO_META_PACKAGES.contains(&package.path)
                    && matches!(package.version, None | Some("latest" | "none" | ""))
            })
            .map(|package| format!("`{}`", package.word.value()))
            .collect();
        if unpinned.is_empty() {
            continue;
        }
        checker.report_at(
            &UNPINNED_GO_MODULE,
            format!(
                "Go module(s) without a fixed version: {}",
                unpinned.join(", ")
            ),
            command.range(),
            Some("Add an explicit version: `module@v1.2.3`"),
        );
    }
}
