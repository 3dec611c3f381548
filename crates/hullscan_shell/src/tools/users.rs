//! `useradd`, `adduser` (Debian and BusyBox), `groupadd` and `addgroup`.

use crate::Invocation;
use crate::args::{FlagSpec, ParsedArgs};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserTool {
    Useradd,
    /// Debian's `adduser` (long options) or BusyBox/Alpine's (short options); both parse here.
    Adduser,
}

#[derive(Clone, Debug)]
pub struct UserAdd<'a, 'src> {
    pub tool: UserTool,
    /// The user name (the first operand).
    pub name: Option<&'a str>,
    /// The value of `-u`/`--uid`.
    pub uid: Option<&'a str>,
    /// The primary group: `-g`/`--gid` (useradd), `--ingroup`/`--gid` (Debian adduser), `-G`
    /// (BusyBox adduser).
    pub group: Option<&'a str>,
    /// `-l`/`--no-log-init` (useradd).
    pub no_log_init: bool,
    /// `-r`/`--system` (useradd), `-S`/`--system` (adduser).
    pub system: bool,
    /// The value of `-s`/`--shell`.
    pub shell: Option<&'a str>,
    /// `-M`/`--no-create-home` (useradd), `-H`/`--no-create-home` (adduser).
    pub no_create_home: bool,
    /// `-D`/`--disabled-password` (adduser).
    pub disabled_password: bool,
    pub args: ParsedArgs<'a, 'src>,
}

const USERADD_SPEC: FlagSpec = FlagSpec {
    short_with_value: "ugGsdcekKpRPbZ",
    long_with_value: &[
        "uid",
        "gid",
        "groups",
        "shell",
        "home-dir",
        "comment",
        "expiredate",
        "inactive",
        "key",
        "password",
        "root",
        "prefix",
        "base-dir",
        "selinux-user",
    ],
    single_dash_long: &[],
    single_dash_is_long: false,
    stop_at_first_operand: false,
};

const ADDUSER_SPEC: FlagSpec = FlagSpec {
    short_with_value: "uGshgkd",
    long_with_value: &[
        "uid",
        "gid",
        "ingroup",
        "shell",
        "home",
        "gecos",
        "comment",
        "conf",
        "firstuid",
        "lastuid",
        "add-extra-groups",
    ],
    single_dash_long: &[],
    single_dash_is_long: false,
    stop_at_first_operand: false,
};

pub fn useradd<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<UserAdd<'a, 'src>> {
    let (tool, spec) = match invocation.name {
        "useradd" => (UserTool::Useradd, &USERADD_SPEC),
        "adduser" => (UserTool::Adduser, &ADDUSER_SPEC),
        _ => return None,
    };
    let args = invocation.parse_args(spec);
    let name = args.operands().first().map(|w| w.value());
    let user = match tool {
        UserTool::Useradd => UserAdd {
            tool,
            name,
            uid: args.value(&["u", "uid"]),
            group: args.value(&["g", "gid"]),
            no_log_init: args.has(&["l", "no-log-init"]),
            system: args.has(&["r", "system"]),
            shell: args.value(&["s", "shell"]),
            no_create_home: args.has(&["M", "no-create-home"]),
            disabled_password: false,
            args,
        },
        UserTool::Adduser => UserAdd {
            tool,
            name,
            uid: args.value(&["u", "uid"]),
            group: args.value(&["G", "ingroup", "gid"]),
            no_log_init: false,
            system: args.has(&["S", "system"]),
            shell: args.value(&["s", "shell"]),
            no_create_home: args.has(&["H", "no-create-home"]),
            disabled_password: args.has(&["D", "disabled-password", "disabled-login"]),
            args,
        },
    };
    Some(user)
}

#[derive(Clone, Debug)]
pub struct GroupAdd<'a, 'src> {
    pub name: Option<&'a str>,
    /// The value of `-g`/`--gid`.
    pub gid: Option<&'a str>,
    /// `-r`/`--system` (groupadd), `-S`/`--system` (addgroup).
    pub system: bool,
    pub args: ParsedArgs<'a, 'src>,
}

pub fn groupadd<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<GroupAdd<'a, 'src>> {
    if !matches!(invocation.name, "groupadd" | "addgroup") {
        return None;
    }
    let spec = FlagSpec {
        short_with_value: "gKpR",
        long_with_value: &["gid", "key", "password", "root", "prefix", "conf"],
        ..FlagSpec::default()
    };
    let args = invocation.parse_args(&spec);
    Some(GroupAdd {
        name: args.operands().first().map(|w| w.value()),
        gid: args.value(&["g", "gid"]),
        system: args.has(&["r", "S", "system"]),
        args,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::test_support::with_invocation;

    #[test]
    fn useradd_flags() {
        with_invocation(
            "useradd -r -l -u 1000001 -g app -s /sbin/nologin -M app",
            |inv| {
                let user = useradd(inv).unwrap();
                assert_eq!(user.tool, UserTool::Useradd);
                assert_eq!(user.name, Some("app"));
                assert_eq!(user.uid, Some("1000001"));
                assert_eq!(user.group, Some("app"));
                assert!(user.system && user.no_log_init && user.no_create_home);
                assert_eq!(user.shell, Some("/sbin/nologin"));
            },
        );
        with_invocation("useradd --uid=10001 --create-home app", |inv| {
            let user = useradd(inv).unwrap();
            assert_eq!(user.uid, Some("10001"));
            assert!(!user.no_log_init && !user.system);
        });
    }

    #[test]
    fn adduser_debian_and_busybox() {
        with_invocation("adduser -D -S -H -u 1001 -G app -s /bin/false app", |inv| {
            let user = useradd(inv).unwrap();
            assert_eq!(user.tool, UserTool::Adduser);
            assert!(user.disabled_password && user.system && user.no_create_home);
            assert_eq!(
                (user.uid, user.group, user.name),
                (Some("1001"), Some("app"), Some("app"))
            );
        });
        with_invocation(
            "adduser --system --uid 999 --ingroup www --disabled-password web",
            |inv| {
                let user = useradd(inv).unwrap();
                assert!(user.system && user.disabled_password);
                assert_eq!(
                    (user.uid, user.group, user.name),
                    (Some("999"), Some("www"), Some("web"))
                );
            },
        );
    }

    #[test]
    fn groupadd_and_addgroup() {
        with_invocation("groupadd -r -g 1001 app", |inv| {
            let group = groupadd(inv).unwrap();
            assert!(group.system);
            assert_eq!((group.gid, group.name), (Some("1001"), Some("app")));
        });
        with_invocation("addgroup -S app", |inv| {
            let group = groupadd(inv).unwrap();
            assert!(group.system && group.gid.is_none());
        });
    }
}
