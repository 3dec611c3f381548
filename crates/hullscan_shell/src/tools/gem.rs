//! Ruby's `gem`.

use crate::Invocation;
use crate::args::{FlagSpec, ParsedArgs};
use crate::ast::Word;

/// A gem operand: `rails:7.1.3` is name `rails`, version `7.1.3`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GemSpec<'a, 'src> {
    pub word: &'a Word<'src>,
    pub name: &'a str,
    /// A version written inline with `:`.
    pub version: Option<&'a str>,
}

#[derive(Clone, Debug)]
pub struct Gem<'a, 'src> {
    /// `install`, `i`, `update`, …
    pub subcommand: Option<&'a Word<'src>>,
    /// Operands after the subcommand and before `--` (what follows `--` goes to the gem's
    /// build, not to `gem`).
    pub gems: Vec<GemSpec<'a, 'src>>,
    /// The value of `-v`/`--version`.
    pub version: Option<&'a str>,
    /// `--no-document`, `-N`, or both `--no-ri` and `--no-rdoc`.
    pub no_document: bool,
    pub args: ParsedArgs<'a, 'src>,
}

impl Gem<'_, '_> {
    pub fn is_install(&self) -> bool {
        self.subcommand
            .is_some_and(|w| matches!(w.value(), "install" | "i"))
    }
}

const SPEC: FlagSpec = FlagSpec {
    short_with_value: "vsinPg",
    long_with_value: &[
        "version",
        "source",
        "install-dir",
        "bindir",
        "platform",
        "trust-policy",
        "file",
        "document",
    ],
    single_dash_long: &[],
    single_dash_is_long: false,
    stop_at_first_operand: false,
};

pub fn gem<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<Gem<'a, 'src>> {
    if invocation.name != "gem" {
        return None;
    }
    let args = invocation.parse_args(&SPEC);
    let operands = args.operands_before_separator();
    let gems = operands
        .iter()
        .skip(1)
        .map(|word| {
            let text = word.value();
            let (name, version) = match text.split_once(':') {
                Some((name, version)) => (name, Some(version)),
                None => (text, None),
            };
            GemSpec {
                word,
                name,
                version,
            }
        })
        .collect();
    Some(Gem {
        subcommand: operands.first().copied(),
        gems,
        version: args.value(&["v", "version"]),
        no_document: args.has(&["no-document", "N"])
            || (args.has(&["no-ri"]) && args.has(&["no-rdoc"])),
        args,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::test_support::with_invocation;

    #[test]
    fn gem_install() {
        with_invocation(
            "gem install --no-document bundler:2.5.6 rake -- --with-x",
            |inv| {
                let gem = gem(inv).unwrap();
                assert!(gem.is_install() && gem.no_document && gem.version.is_none());
                let gems: Vec<_> = gem.gems.iter().map(|g| (g.name, g.version)).collect();
                assert_eq!(gems, [("bundler", Some("2.5.6")), ("rake", None)]);
            },
        );
        with_invocation("gem i rails -v 7.1.3 --no-ri --no-rdoc", |inv| {
            let gem = gem(inv).unwrap();
            assert!(gem.is_install() && gem.no_document);
            assert_eq!(gem.version, Some("7.1.3"));
            assert_eq!(gem.gems.len(), 1);
        });
        with_invocation("gem update --system", |inv| {
            let gem = gem(inv).unwrap();
            assert!(!gem.is_install() && !gem.no_document);
        });
    }
}
