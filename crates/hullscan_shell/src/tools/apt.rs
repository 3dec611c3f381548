//! `apt-get`, `apt` and `aptitude`.

use super::{Package, package};
use crate::Invocation;
use crate::args::{FlagSpec, ParsedArgs};
use crate::ast::Word;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AptTool {
    AptGet,
    Apt,
    Aptitude,
}

#[derive(Clone, Debug)]
pub struct Apt<'a, 'src> {
    pub tool: AptTool,
    /// `install`, `update`, `upgrade`, `clean`, … (the first operand).
    pub subcommand: Option<&'a Word<'src>>,
    /// The operands after the subcommand, split at `=` (`curl=7.88.1-10`). Release forms
    /// (`curl/bookworm-backports`) and `.deb` paths are kept whole, with no version.
    pub packages: Vec<Package<'a, 'src>>,
    /// `-y`, `--yes`, `--assume-yes`, `-qq`, `-q -q`, `--quiet --quiet` or `-q=2` (what makes
    /// apt-get non-interactive).
    pub assume_yes: bool,
    /// `--no-install-recommends` or `-o APT::Install-Recommends=false` (also as a bare operand).
    pub no_install_recommends: bool,
    /// The value of `-t`/`--target-release`.
    pub target_release: Option<&'a str>,
    pub args: ParsedArgs<'a, 'src>,
}

impl Apt<'_, '_> {
    pub fn is(&self, subcommand: &str) -> bool {
        self.subcommand
            .is_some_and(|word| word.value() == subcommand)
    }
}

const SPEC: FlagSpec = FlagSpec {
    short_with_value: "tocah",
    long_with_value: &[
        "target-release",
        "default-release",
        "option",
        "config-file",
        "host-architecture",
    ],
    single_dash_long: &[],
    single_dash_is_long: false,
    stop_at_first_operand: false,
};

pub fn apt<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<Apt<'a, 'src>> {
    let tool = match invocation.name {
        "apt-get" => AptTool::AptGet,
        "apt" => AptTool::Apt,
        "aptitude" => AptTool::Aptitude,
        _ => return None,
    };
    let args = invocation.parse_args(&SPEC);
    let operands = args.operands();
    let subcommand = operands.first().copied();
    let quiet = args.count(&["q", "quiet"]);
    let quiet_two = args
        .find(&["q", "quiet"])
        .iter()
        .any(|flag| flag.word.value() == "-q=2" || flag.word.value() == "--quiet=2");
    let assume_yes = args.has(&["y", "yes", "assume-yes"]) || quiet >= 2 || quiet_two;
    let recommends_off = |value: &str| {
        value.eq_ignore_ascii_case("APT::Install-Recommends=false")
            || value.eq_ignore_ascii_case("APT::Install-Recommends=0")
    };
    let no_install_recommends = args.has(&["no-install-recommends"])
        || args
            .find(&["o", "option"])
            .iter()
            .any(|f| f.value.is_some_and(recommends_off))
        || operands.iter().any(|w| recommends_off(w.value()));
    let packages = operands
        .iter()
        .skip(1)
        .filter(|word| !recommends_off(word.value()))
        .map(|word| {
            let text = word.value();
            if text.ends_with(".deb") || text.contains('/') {
                Package {
                    word,
                    name: text,
                    version: None,
                }
            } else {
                package(word, &["="])
            }
        })
        .collect();
    Some(Apt {
        tool,
        subcommand,
        packages,
        assume_yes,
        no_install_recommends,
        target_release: args.value(&["t", "target-release", "default-release"]),
        args,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::test_support::with_invocation;

    #[test]
    fn install_with_versions_and_flags() {
        with_invocation(
            "sudo apt-get install -y --no-install-recommends -t bookworm-backports curl=7.88.1-10 git ./x.deb",
            |inv| {
                let apt = apt(inv).unwrap();
                assert_eq!(apt.tool, AptTool::AptGet);
                assert!(apt.is("install") && apt.assume_yes && apt.no_install_recommends);
                assert_eq!(apt.target_release, Some("bookworm-backports"));
                let packages: Vec<_> = apt.packages.iter().map(|p| (p.name, p.version)).collect();
                assert_eq!(
                    packages,
                    [
                        ("curl", Some("7.88.1-10")),
                        ("git", None),
                        ("./x.deb", None)
                    ]
                );
            },
        );
    }

    #[test]
    fn non_interactive_spellings() {
        for (script, yes) in [
            ("apt-get install curl", false),
            ("apt-get -q install curl", false),
            ("apt-get -qq install curl", true),
            ("apt-get -q -q install curl", true),
            ("apt-get --quiet --quiet install curl", true),
            ("apt-get -q=2 install curl", true),
            ("apt-get --assume-yes install curl", true),
            ("apt-get install --yes curl", true),
        ] {
            with_invocation(script, |inv| {
                assert_eq!(apt(inv).unwrap().assume_yes, yes, "{script}")
            });
        }
    }

    #[test]
    fn recommends_off_via_option_and_other_tools() {
        with_invocation("apt install -o APT::Install-Recommends=false vim", |inv| {
            let apt = apt(inv).unwrap();
            assert_eq!(apt.tool, AptTool::Apt);
            assert!(apt.no_install_recommends && !apt.assume_yes);
            assert_eq!(apt.packages.len(), 1);
        });
        with_invocation(
            "aptitude install APT::Install-Recommends=false vim",
            |inv| {
                let apt = apt(inv).unwrap();
                assert!(apt.no_install_recommends);
                assert_eq!(apt.packages[0].name, "vim");
            },
        );
        with_invocation("apk add vim", |inv| assert!(apt(inv).is_none()));
    }
}
