//! `dnf`, `yum`, `microdnf` and `zypper`.

use crate::Invocation;
use crate::args::{FlagSpec, ParsedArgs};
use crate::ast::Word;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RpmTool {
    Dnf,
    Yum,
    Microdnf,
}

#[derive(Clone, Debug)]
pub struct Rpm<'a, 'src> {
    pub tool: RpmTool,
    /// `install`, `groupinstall`, `clean`, `module`, `update`, …
    pub subcommand: Option<&'a Word<'src>>,
    /// For `module`/`group` commands, the action after it (`install` in `dnf module install`).
    pub action: Option<&'a Word<'src>>,
    /// The operands after the subcommand (and action), as written (`nginx-1.20.1`, `x.rpm`).
    pub packages: Vec<&'a Word<'src>>,
    /// `-y` / `--assumeyes`.
    pub assume_yes: bool,
    /// `clean all`.
    pub clean_all: bool,
    pub args: ParsedArgs<'a, 'src>,
}

impl Rpm<'_, '_> {
    pub fn is(&self, subcommand: &str) -> bool {
        self.subcommand
            .is_some_and(|word| word.value() == subcommand)
    }
}

const RPM_SPEC: FlagSpec = FlagSpec {
    short_with_value: "cRx",
    long_with_value: &[
        "config",
        "installroot",
        "releasever",
        "exclude",
        "enablerepo",
        "disablerepo",
        "repo",
        "repoid",
        "setopt",
        "enableplugin",
        "disableplugin",
        "downloaddir",
        "destdir",
        "forcearch",
    ],
    single_dash_long: &[],
    single_dash_is_long: false,
    stop_at_first_operand: false,
};

pub fn rpm<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<Rpm<'a, 'src>> {
    let tool = match invocation.name {
        "dnf" | "dnf5" | "dnf-3" => RpmTool::Dnf,
        "yum" => RpmTool::Yum,
        "microdnf" => RpmTool::Microdnf,
        _ => return None,
    };
    // `-d` and `-e` take values only in some versions; they are left out so that `-y` after
    // them is never swallowed.
    let args = invocation.parse_args(&RPM_SPEC);
    let operands = args.operands();
    let subcommand = operands.first().copied();
    let grouped = subcommand.is_some_and(|w| matches!(w.value(), "module" | "group"));
    let action = if grouped {
        operands.get(1).copied()
    } else {
        None
    };
    let skip = if grouped { 2 } else { 1 };
    let packages: Vec<_> = operands.iter().skip(skip).copied().collect();
    let clean_all = subcommand.is_some_and(|w| w.value() == "clean")
        && packages.iter().any(|w| w.value() == "all");
    Some(Rpm {
        tool,
        subcommand,
        action,
        packages,
        assume_yes: args.has(&["y", "assumeyes"]),
        clean_all,
        args,
    })
}

#[derive(Clone, Debug)]
pub struct Zypper<'a, 'src> {
    pub subcommand: Option<&'a Word<'src>>,
    /// Operands after the subcommand, as written (`nginx>=1.20`, `x.rpm`).
    pub packages: Vec<&'a Word<'src>>,
    /// `-n`/`--non-interactive` (global) or `-y`/`--no-confirm` (after the subcommand).
    pub non_interactive: bool,
    pub args: ParsedArgs<'a, 'src>,
}

impl Zypper<'_, '_> {
    pub fn is(&self, subcommand: &str) -> bool {
        self.subcommand
            .is_some_and(|word| word.value() == subcommand)
    }
}

pub fn zypper<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<Zypper<'a, 'src>> {
    if invocation.name != "zypper" {
        return None;
    }
    let spec = FlagSpec {
        short_with_value: "Rrt",
        long_with_value: &[
            "root",
            "repo",
            "type",
            "from",
            "config",
            "reposd-dir",
            "cache-dir",
        ],
        ..FlagSpec::default()
    };
    let args = invocation.parse_args(&spec);
    let operands = args.operands();
    Some(Zypper {
        subcommand: operands.first().copied(),
        packages: operands.iter().skip(1).copied().collect(),
        non_interactive: args.has(&["n", "non-interactive", "y", "no-confirm"]),
        args,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::test_support::with_invocation;

    #[test]
    fn dnf_yum_microdnf() {
        with_invocation(
            "dnf -y --setopt=tsflags=nodocs install httpd-2.4.57 mod_ssl",
            |inv| {
                let rpm = rpm(inv).unwrap();
                assert_eq!(rpm.tool, RpmTool::Dnf);
                assert!(rpm.is("install") && rpm.assume_yes && !rpm.clean_all);
                let packages: Vec<_> = rpm.packages.iter().map(|w| w.value()).collect();
                assert_eq!(packages, ["httpd-2.4.57", "mod_ssl"]);
            },
        );
        with_invocation("yum clean all", |inv| {
            let rpm = rpm(inv).unwrap();
            assert_eq!(rpm.tool, RpmTool::Yum);
            assert!(rpm.clean_all && !rpm.assume_yes);
        });
        with_invocation("microdnf module install --assumeyes nodejs:18", |inv| {
            let rpm = rpm(inv).unwrap();
            assert!(rpm.is("module") && rpm.assume_yes);
            assert_eq!(rpm.action.map(|w| w.value()), Some("install"));
            assert_eq!(rpm.packages[0].value(), "nodejs:18");
        });
        with_invocation("yum --enablerepo epel install -y jq", |inv| {
            let rpm = rpm(inv).unwrap();
            assert!(rpm.is("install"));
            assert_eq!(rpm.packages.len(), 1);
        });
    }

    #[test]
    fn zypper_install() {
        with_invocation(
            "zypper -n install --from repo-oss 'nginx>=1.20' curl",
            |inv| {
                let zypper = zypper(inv).unwrap();
                assert!(zypper.is("install") && zypper.non_interactive);
                let packages: Vec<_> = zypper.packages.iter().map(|w| w.value()).collect();
                assert_eq!(packages, ["nginx>=1.20", "curl"]);
            },
        );
        with_invocation("zypper in curl", |inv| {
            assert!(!zypper(inv).unwrap().non_interactive);
        });
    }
}
