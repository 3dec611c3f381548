//! Alpine's `apk`.

use super::{Package, package};
use crate::Invocation;
use crate::args::{FlagSpec, ParsedArgs};
use crate::ast::Word;

#[derive(Clone, Debug)]
pub struct Apk<'a, 'src> {
    /// `add`, `del`, `update`, `upgrade`, `cache`, …
    pub subcommand: Option<&'a Word<'src>>,
    /// Operands after the subcommand, split at `=`, `~`, `>`, `<` (`musl=1.2.4-r2`).
    pub packages: Vec<Package<'a, 'src>>,
    /// `--no-cache`.
    pub no_cache: bool,
    /// `-U`/`--update-cache`.
    pub update_cache: bool,
    /// The value of `-t`/`--virtual`.
    pub virtual_name: Option<&'a str>,
    pub args: ParsedArgs<'a, 'src>,
}

impl Apk<'_, '_> {
    pub fn is(&self, subcommand: &str) -> bool {
        self.subcommand
            .is_some_and(|word| word.value() == subcommand)
    }
}

const SPEC: FlagSpec = FlagSpec {
    short_with_value: "tXp",
    long_with_value: &[
        "virtual",
        "repository",
        "root",
        "arch",
        "repositories-file",
        "keys-dir",
        "cache-dir",
        "cache-max-age",
        "timeout",
    ],
    single_dash_long: &[],
    single_dash_is_long: false,
    stop_at_first_operand: false,
};

pub fn apk<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<Apk<'a, 'src>> {
    if invocation.name != "apk" {
        return None;
    }
    let args = invocation.parse_args(&SPEC);
    let operands = args.operands();
    Some(Apk {
        subcommand: operands.first().copied(),
        packages: operands
            .iter()
            .skip(1)
            .map(|word| package(word, &[">=", "<=", "=", "~", ">", "<"]))
            .collect(),
        no_cache: args.has(&["no-cache"]),
        update_cache: args.has(&["U", "update-cache", "update"]),
        virtual_name: args.value(&["t", "virtual"]),
        args,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::test_support::with_invocation;

    #[test]
    fn add_with_pins_and_virtual() {
        with_invocation(
            "apk add --no-cache -t .build-deps musl=1.2.4-r2 curl~8 'python3>=3.11' gcc",
            |inv| {
                let apk = apk(inv).unwrap();
                assert!(apk.is("add") && apk.no_cache && !apk.update_cache);
                assert_eq!(apk.virtual_name, Some(".build-deps"));
                let packages: Vec<_> = apk.packages.iter().map(|p| (p.name, p.version)).collect();
                assert_eq!(
                    packages,
                    [
                        ("musl", Some("1.2.4-r2")),
                        ("curl", Some("8")),
                        ("python3", Some("3.11")),
                        ("gcc", None)
                    ]
                );
            },
        );
        with_invocation("apk --update add curl", |inv| {
            let apk = apk(inv).unwrap();
            assert!(apk.update_cache && !apk.no_cache);
            assert_eq!(apk.packages[0].name, "curl");
        });
    }
}
