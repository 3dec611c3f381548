//! Typed views of the commands lint rules look at.
//!
//! Each view is a pure function from an [`Invocation`](crate::Invocation) (a simple command with
//! wrappers such as `sudo` stripped) to a small struct, or `None` when the command is another
//! tool. Views report what is written; policy (what counts as "pinned enough") stays in rules.

mod apk;
mod apt;
mod archive;
mod fetch;
mod files;
mod gem;
mod go;
mod node;
mod pip;
mod rpm;
mod users;

pub use apk::{Apk, apk};
pub use apt::{Apt, AptTool, apt};
pub use archive::{Tar, Unzip, tar, unzip};
pub use fetch::{
    Curl, Wget, curl, fetch_piped_to_shell, is_shell_name, shell_command_string, url_userinfo, wget,
};
pub use files::{Cd, Chmod, Chown, Ln, Mkdir, Rm, Sudo, cd, chmod, chown, ln, mkdir, rm, sudo};
pub use gem::{Gem, GemSpec, gem};
pub use go::{Go, GoPackage, go};
pub use node::{NodePackage, NodePm, NodeTool, node_package_manager};
pub use pip::{PIP_FLAGS, Pip, Requirement, pip};
pub use rpm::{Rpm, RpmTool, Zypper, rpm, zypper};
pub use users::{GroupAdd, UserAdd, UserTool, groupadd, useradd};

use crate::ast::Word;

/// A package argument split into name and version: `curl=7.88.1-10` (apt), `musl~1.2` (apk).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Package<'a, 'src> {
    pub word: &'a Word<'src>,
    pub name: &'a str,
    /// The version constraint with its operator removed (`7.88.1-10`), if any.
    pub version: Option<&'a str>,
}

/// Splits `text` at the first of `operators` (longest operators first in the list).
fn split_version<'a>(text: &'a str, operators: &[&str]) -> (&'a str, Option<&'a str>) {
    let mut best: Option<(usize, usize)> = None;
    for op in operators {
        if let Some(at) = text.find(op)
            && best.is_none_or(|(b, _)| at < b)
        {
            best = Some((at, op.len()));
        }
    }
    match best {
        Some((at, len)) if at > 0 => (&text[..at], Some(&text[at + len..])),
        _ => (text, None),
    }
}

fn package<'a, 'src>(word: &'a Word<'src>, operators: &[&str]) -> Package<'a, 'src> {
    let (name, version) = split_version(word.value(), operators);
    Package {
        word,
        name,
        version,
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::{Invocation, parse};

    /// Parses `script` and calls `check` with the invocation of its first simple command.
    pub fn with_invocation<R>(script: &str, check: impl FnOnce(&Invocation<'_, '_>) -> R) -> R {
        let parsed = parse(script);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let command = parsed.simple_commands()[0];
        let invocation = command.invocation().expect("a command");
        check(&invocation)
    }
}
