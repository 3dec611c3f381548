//! The `go` tool.

use crate::Invocation;
use crate::args::{FlagSpec, ParsedArgs};
use crate::ast::Word;

/// A package operand: `golang.org/x/tools/gopls@v0.15.0` is path `…/gopls`, version `v0.15.0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoPackage<'a, 'src> {
    pub word: &'a Word<'src>,
    pub path: &'a str,
    pub version: Option<&'a str>,
}

impl GoPackage<'_, '_> {
    /// `.`, `./…`, `../…` or `/…`: a package of the local module.
    pub fn is_local(&self) -> bool {
        self.path == "."
            || self.path.starts_with("./")
            || self.path.starts_with("../")
            || self.path.starts_with('/')
    }
}

#[derive(Clone, Debug)]
pub struct Go<'a, 'src> {
    /// `build`, `install`, `get`, `mod`, `run`, `test`, …
    pub subcommand: Option<&'a Word<'src>>,
    /// For `go mod`, the action (`download`, `tidy`, `vendor`).
    pub mod_action: Option<&'a Word<'src>>,
    pub packages: Vec<GoPackage<'a, 'src>>,
    /// The value of `-o`.
    pub output: Option<&'a str>,
    pub args: ParsedArgs<'a, 'src>,
}

impl Go<'_, '_> {
    pub fn is(&self, subcommand: &str) -> bool {
        self.subcommand
            .is_some_and(|word| word.value() == subcommand)
    }
}

const SPEC: FlagSpec = FlagSpec {
    short_with_value: "",
    long_with_value: &[
        "o",
        "p",
        "C",
        "ldflags",
        "gcflags",
        "asmflags",
        "gccgoflags",
        "tags",
        "mod",
        "modfile",
        "pkgdir",
        "buildmode",
        "compiler",
        "overlay",
        "pgo",
        "covermode",
        "coverpkg",
        "exec",
        "toolexec",
        "run",
        "timeout",
        "count",
        "bench",
    ],
    single_dash_long: &[],
    single_dash_is_long: true,
    stop_at_first_operand: false,
};

pub fn go<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<Go<'a, 'src>> {
    if invocation.name != "go" {
        return None;
    }
    let args = invocation.parse_args(&SPEC);
    let operands = args.operands();
    let subcommand = operands.first().copied();
    let is_mod = subcommand.is_some_and(|w| w.value() == "mod");
    let mod_action = if is_mod {
        operands.get(1).copied()
    } else {
        None
    };
    let skip = if is_mod { 2 } else { 1 };
    let packages = operands
        .iter()
        .skip(skip)
        .map(|word| {
            let text = word.value();
            let (path, version) = match text.rsplit_once('@') {
                Some((path, version)) => (path, Some(version)),
                None => (text, None),
            };
            GoPackage {
                word,
                path,
                version,
            }
        })
        .collect();
    Some(Go {
        subcommand,
        mod_action,
        packages,
        output: args.value(&["o"]),
        args,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::test_support::with_invocation;

    #[test]
    fn go_build_install_mod() {
        with_invocation(
            "CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o /out/app ./cmd/app",
            |inv| {
                let go = go(inv).unwrap();
                assert!(go.is("build"));
                assert_eq!(go.output, Some("/out/app"));
                assert!(go.packages[0].is_local());
                assert_eq!(go.args.value(&["ldflags"]), Some("-s -w"));
            },
        );
        with_invocation(
            "go install golang.org/x/tools/gopls@v0.15.0 example.com/x@latest",
            |inv| {
                let go = go(inv).unwrap();
                let packages: Vec<_> = go.packages.iter().map(|p| (p.path, p.version)).collect();
                assert_eq!(
                    packages,
                    [
                        ("golang.org/x/tools/gopls", Some("v0.15.0")),
                        ("example.com/x", Some("latest"))
                    ]
                );
            },
        );
        with_invocation("go mod download -x", |inv| {
            let go = go(inv).unwrap();
            assert!(go.is("mod"));
            assert_eq!(go.mod_action.map(|w| w.value()), Some("download"));
            assert!(go.packages.is_empty());
        });
    }
}
