//! File and process commands: `chown`, `chmod`, `cd`, `rm`, `ln`, `mkdir`, `sudo`.

use crate::args::{FlagSpec, ParsedArgs};
use crate::ast::{SimpleCommand, Word};
use crate::invocation::basename;
use crate::{Invocation, Wrapper};

#[derive(Clone, Debug)]
pub struct Chown<'a, 'src> {
    /// `user`, `user:group`, `:group` or `1000:1000` (the first operand).
    pub owner: Option<&'a str>,
    pub paths: Vec<&'a Word<'src>>,
    pub recursive: bool,
    pub args: ParsedArgs<'a, 'src>,
}

pub fn chown<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<Chown<'a, 'src>> {
    if invocation.name != "chown" {
        return None;
    }
    let spec = FlagSpec {
        long_with_value: &["reference", "from"],
        ..FlagSpec::default()
    };
    let args = invocation.parse_args(&spec);
    let operands = args.operands();
    let has_reference = args.has(&["reference"]);
    let (owner, paths) = if has_reference {
        (None, operands)
    } else {
        (
            operands.first().map(|w| w.value()),
            operands.iter().skip(1).copied().collect(),
        )
    };
    Some(Chown {
        owner,
        paths,
        recursive: args.has(&["R", "recursive"]),
        args,
    })
}

#[derive(Clone, Debug)]
pub struct Chmod<'a, 'src> {
    /// `755`, `u+x`, `a=rX` (the first operand).
    pub mode: Option<&'a str>,
    pub paths: Vec<&'a Word<'src>>,
    pub recursive: bool,
    pub args: ParsedArgs<'a, 'src>,
}

pub fn chmod<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<Chmod<'a, 'src>> {
    if invocation.name != "chmod" {
        return None;
    }
    let spec = FlagSpec {
        long_with_value: &["reference"],
        ..FlagSpec::default()
    };
    // A symbolic mode such as `-x` or `-w` looks like a flag; chmod treats it as the mode.
    let args = invocation.parse_args(&spec);
    let mode_flag = args.flags().find(|f| {
        !f.long
            && f.word.value().len() > 1
            && f.word.value()[1..].bytes().all(|b| b"rwxXst".contains(&b))
    });
    let operands = args.operands();
    let (mode, paths) = match mode_flag {
        Some(flag) if !args.has(&["R"]) || flag.word.value() != "-R" => {
            (Some(flag.word.value()), operands)
        }
        _ => (
            operands.first().map(|w| w.value()),
            operands.iter().skip(1).copied().collect(),
        ),
    };
    Some(Chmod {
        mode,
        paths,
        recursive: args.has(&["R", "recursive"]),
        args,
    })
}

#[derive(Clone, Copy, Debug)]
pub struct Cd<'a, 'src> {
    /// The directory; `None` for a bare `cd` (home).
    pub target: Option<&'a Word<'src>>,
}

pub fn cd<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<Cd<'a, 'src>> {
    if invocation.name != "cd" {
        return None;
    }
    let args = invocation.parse_args(&FlagSpec::default());
    Some(Cd {
        target: args.operands().first().copied(),
    })
}

#[derive(Clone, Debug)]
pub struct Rm<'a, 'src> {
    pub paths: Vec<&'a Word<'src>>,
    pub recursive: bool,
    pub force: bool,
    pub args: ParsedArgs<'a, 'src>,
}

impl Rm<'_, '_> {
    /// True when one of the paths is `path` as written, ignoring a trailing `/` on either side
    /// (so `/var/lib/apt/lists/*` matches `/var/lib/apt/lists/*`, and `/tmp/x/` matches
    /// `/tmp/x`).
    pub fn removes(&self, path: &str) -> bool {
        let wanted = path.trim_end_matches('/');
        self.paths
            .iter()
            .any(|word| word.value().trim_end_matches('/') == wanted)
    }
}

pub fn rm<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<Rm<'a, 'src>> {
    if invocation.name != "rm" {
        return None;
    }
    let args = invocation.parse_args(&FlagSpec::default());
    Some(Rm {
        paths: args.operands(),
        recursive: args.has(&["r", "R", "recursive"]),
        force: args.has(&["f", "force"]),
        args,
    })
}

#[derive(Clone, Debug)]
pub struct Ln<'a, 'src> {
    /// The operands before the last (what the links point to).
    pub targets: Vec<&'a Word<'src>>,
    /// The last operand: the link name or directory (`None` with a single operand).
    pub link_name: Option<&'a Word<'src>>,
    pub symbolic: bool,
    pub force: bool,
    pub args: ParsedArgs<'a, 'src>,
}

pub fn ln<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<Ln<'a, 'src>> {
    if invocation.name != "ln" {
        return None;
    }
    let spec = FlagSpec {
        short_with_value: "St",
        long_with_value: &["suffix", "target-directory"],
        ..FlagSpec::default()
    };
    let args = invocation.parse_args(&spec);
    let mut operands = args.operands();
    let link_name = if operands.len() > 1 {
        operands.pop()
    } else {
        None
    };
    Some(Ln {
        targets: operands,
        link_name,
        symbolic: args.has(&["s", "symbolic"]),
        force: args.has(&["f", "force"]),
        args,
    })
}

#[derive(Clone, Debug)]
pub struct Mkdir<'a, 'src> {
    pub paths: Vec<&'a Word<'src>>,
    /// `-p`/`--parents`.
    pub parents: bool,
    /// The value of `-m`/`--mode`.
    pub mode: Option<&'a str>,
    pub args: ParsedArgs<'a, 'src>,
}

pub fn mkdir<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<Mkdir<'a, 'src>> {
    if invocation.name != "mkdir" {
        return None;
    }
    let spec = FlagSpec {
        short_with_value: "m",
        long_with_value: &["mode", "context"],
        ..FlagSpec::default()
    };
    let args = invocation.parse_args(&spec);
    Some(Mkdir {
        paths: args.operands(),
        parents: args.has(&["p", "parents"]),
        mode: args.value(&["m", "mode"]),
        args,
    })
}

/// A `sudo` (or `doas`) use, seen on the raw command (before wrappers are stripped).
#[derive(Clone, Debug)]
pub struct Sudo<'a, 'src> {
    /// The word naming `sudo`.
    pub word: &'a Word<'src>,
    /// The value of `-u`/`--user`.
    pub user: Option<&'a str>,
    /// The name of the command run under sudo (`None` for `sudo -v`, `sudo -i` alone, …).
    pub command: Option<&'a str>,
}

/// The first `sudo`/`doas` in `command`, whether it is the command itself or a wrapper inside
/// `env …`/`exec …`.
pub fn sudo<'a, 'src>(command: &'a SimpleCommand<'src>) -> Option<Sudo<'a, 'src>> {
    let invocation = Invocation::new(command)?;
    let found = invocation
        .wrappers
        .iter()
        .find(|(wrapper, _)| matches!(wrapper, Wrapper::Sudo | Wrapper::Doas))
        .map(|(_, word)| *word);
    let word = match found {
        Some(word) => word,
        None if matches!(invocation.name, "sudo" | "doas") => invocation.name_word,
        None => return None,
    };
    let index = command.words.iter().position(|w| std::ptr::eq(w, word))?;
    let rest = &command.words[index + 1..];
    let spec = FlagSpec {
        short_with_value: "uUgCDhprtT",
        long_with_value: &["user", "group", "chdir", "host", "prompt", "role", "type"],
        stop_at_first_operand: true,
        ..FlagSpec::default()
    };
    let args = crate::args::parse_args(rest, &spec);
    let user = args.value(&["u", "user"]);
    let command_name = (found.is_some())
        .then_some(invocation.name)
        .or_else(|| args.operands().first().map(|w| basename(w.value())));
    Some(Sudo {
        word,
        user,
        command: command_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;
    use crate::tools::test_support::with_invocation;

    #[test]
    fn chown_and_chmod() {
        with_invocation("chown -R app:app /app /data", |inv| {
            let chown = chown(inv).unwrap();
            assert!(chown.recursive);
            assert_eq!(chown.owner, Some("app:app"));
            assert_eq!(chown.paths.len(), 2);
        });
        with_invocation("chmod +x /entrypoint.sh", |inv| {
            let chmod = chmod(inv).unwrap();
            assert_eq!(chmod.mode, Some("+x"));
            assert_eq!(chmod.paths[0].value(), "/entrypoint.sh");
        });
        with_invocation("chmod -R 755 /app", |inv| {
            let chmod = chmod(inv).unwrap();
            assert!(chmod.recursive);
            assert_eq!(chmod.mode, Some("755"));
        });
        with_invocation("chmod -x /tmp/f", |inv| {
            let chmod = chmod(inv).unwrap();
            assert_eq!(chmod.mode, Some("-x"));
            assert_eq!(chmod.paths.len(), 1);
        });
    }

    #[test]
    fn cd_rm_ln_mkdir() {
        with_invocation("cd /usr/src/app", |inv| {
            assert_eq!(
                cd(inv).unwrap().target.map(|w| w.value()),
                Some("/usr/src/app")
            );
        });
        with_invocation("cd", |inv| assert!(cd(inv).unwrap().target.is_none()));
        with_invocation("rm -rf /var/lib/apt/lists/* /tmp/x/", |inv| {
            let rm = rm(inv).unwrap();
            assert!(rm.recursive && rm.force);
            assert!(rm.removes("/var/lib/apt/lists/*"));
            assert!(rm.removes("/tmp/x"));
            assert!(!rm.removes("/var/lib/apt/lists"));
        });
        with_invocation("ln -sf /bin/bash /bin/sh", |inv| {
            let ln = ln(inv).unwrap();
            assert!(ln.symbolic && ln.force);
            assert_eq!(ln.link_name.map(|w| w.value()), Some("/bin/sh"));
            assert_eq!(ln.targets[0].value(), "/bin/bash");
        });
        with_invocation("mkdir -p -m 0700 /a /b", |inv| {
            let mkdir = mkdir(inv).unwrap();
            assert!(mkdir.parents);
            assert_eq!(mkdir.mode, Some("0700"));
            assert_eq!(mkdir.paths.len(), 2);
        });
    }

    #[test]
    fn sudo_views() {
        let script = parse("sudo -u app apt-get update; env A=1 sudo make; sudo -v; ls");
        let commands = script.simple_commands();
        let first = sudo(commands[0]).unwrap();
        assert_eq!((first.user, first.command), (Some("app"), Some("apt-get")));
        let second = sudo(commands[1]).unwrap();
        assert_eq!(second.command, Some("make"));
        let third = sudo(commands[2]).unwrap();
        assert_eq!(third.command, None);
        assert!(sudo(commands[3]).is_none());
    }
}
