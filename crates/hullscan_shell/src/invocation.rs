//! The command that really runs: wrappers and path prefixes stripped.

use crate::args::{FlagSpec, ParsedArgs, parse_args};
use crate::ast::{SimpleCommand, Word};

/// A command that runs another command given as its arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Wrapper {
    Sudo,
    Doas,
    /// `env [-i] [-u NAME] [NAME=VALUE…] command`
    Env,
    Exec,
    Nohup,
    Time,
    /// `command [-p] name` (not `command -v`, which only looks the name up).
    Command,
    Nice,
    /// `gosu USER command`
    Gosu,
    /// `su-exec USER command`
    SuExec,
    /// `busybox APPLET args`
    Busybox,
}

impl Wrapper {
    fn from_name(name: &str) -> Option<Wrapper> {
        Some(match name {
            "sudo" => Wrapper::Sudo,
            "doas" => Wrapper::Doas,
            "env" => Wrapper::Env,
            "exec" => Wrapper::Exec,
            "nohup" => Wrapper::Nohup,
            "time" => Wrapper::Time,
            "command" => Wrapper::Command,
            "nice" => Wrapper::Nice,
            "gosu" => Wrapper::Gosu,
            "su-exec" => Wrapper::SuExec,
            "busybox" => Wrapper::Busybox,
            _ => return None,
        })
    }

    fn spec(self) -> FlagSpec {
        FlagSpec {
            short_with_value: match self {
                Wrapper::Sudo => "uUgCDhprtT",
                Wrapper::Doas => "uC",
                Wrapper::Env => "uCS",
                Wrapper::Exec => "a",
                Wrapper::Time => "fo",
                Wrapper::Nice => "n",
                _ => "",
            },
            long_with_value: match self {
                Wrapper::Sudo => &[
                    "user",
                    "group",
                    "close-from",
                    "chdir",
                    "host",
                    "prompt",
                    "role",
                    "type",
                    "other-user",
                    "command-timeout",
                ],
                Wrapper::Env => &["unset", "chdir", "split-string"],
                Wrapper::Time => &["format", "output"],
                Wrapper::Nice => &["adjustment"],
                _ => &[],
            },
            stop_at_first_operand: true,
            ..FlagSpec::default()
        }
    }
}

/// A simple command seen through its wrappers: for `sudo -E env DEBIAN_FRONTEND=noninteractive
/// /usr/bin/apt-get install -y curl`, the name is `apt-get` and the arguments start at
/// `install`.
#[derive(Clone, Debug)]
pub struct Invocation<'a, 'src> {
    pub command: &'a SimpleCommand<'src>,
    /// The command name without its directory (`apt-get` for `/usr/bin/apt-get`).
    pub name: &'a str,
    pub name_word: &'a Word<'src>,
    /// The index of [`Self::name_word`] in the command's words.
    pub name_index: usize,
    /// The words after the name.
    pub args: &'a [Word<'src>],
    /// The wrappers stripped, outermost first, each with the word that named it.
    pub wrappers: Vec<(Wrapper, &'a Word<'src>)>,
    /// `NAME=VALUE` pairs given to `env`, plus the command's own prefix assignments.
    pub env: Vec<(&'a str, &'a str)>,
}

/// The name without its directory: `apt-get` for `/usr/bin/apt-get`.
pub(crate) fn basename(name: &str) -> &str {
    name.rsplit_once('/').map_or(name, |(_, base)| base)
}

fn is_env_assignment(text: &str) -> Option<(&str, &str)> {
    let (name, value) = text.split_once('=')?;
    let mut bytes = name.bytes();
    let first = bytes.next()?;
    ((first.is_ascii_alphabetic() || first == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    .then_some((name, value))
}

impl<'a, 'src> Invocation<'a, 'src> {
    /// `None` for a command with no words (only assignments or redirects).
    pub fn new(command: &'a SimpleCommand<'src>) -> Option<Self> {
        let words = &command.words;
        let mut env: Vec<(&'a str, &'a str)> = command
            .assignments
            .iter()
            .map(|assignment| (assignment.name, assignment.value.value()))
            .collect();
        let mut wrappers = Vec::new();
        let mut index = 0;
        while let Some(word) = words.get(index) {
            let Some(wrapper) = Wrapper::from_name(basename(word.value())) else {
                break;
            };
            let rest = &words[index + 1..];
            let parsed = parse_args(rest, &wrapper.spec());
            if wrapper == Wrapper::Command && parsed.has(&["v", "V"]) {
                break;
            }
            // The index (into `rest`) of the first operand: the wrapped command, or for
            // gosu/su-exec the user before it.
            let first_operand = parsed.items.iter().find_map(|item| match item {
                crate::args::Arg::Operand(operand) => {
                    rest.iter().position(|w| std::ptr::eq(w, *operand))
                }
                _ => None,
            });
            let Some(mut command_at) = first_operand else {
                break;
            };
            if wrapper == Wrapper::Env {
                while let Some((name, value)) = rest
                    .get(command_at)
                    .and_then(|w| is_env_assignment(w.value()))
                {
                    env.push((name, value));
                    command_at += 1;
                }
            }
            if matches!(wrapper, Wrapper::Gosu | Wrapper::SuExec) {
                command_at += 1;
            }
            if command_at >= rest.len() {
                break;
            }
            wrappers.push((wrapper, word));
            index += 1 + command_at;
        }
        let name_word = words.get(index)?;
        Some(Invocation {
            command,
            name: basename(name_word.value()),
            name_word,
            name_index: index,
            args: &words[index + 1..],
            wrappers,
            env,
        })
    }

    /// True when the command (after stripping) is `name`.
    pub fn is(&self, name: &str) -> bool {
        self.name == name
    }

    pub fn has_wrapper(&self, wrapper: Wrapper) -> bool {
        self.wrappers.iter().any(|(w, _)| *w == wrapper)
    }

    pub fn parse_args(&self, spec: &FlagSpec) -> ParsedArgs<'a, 'src> {
        parse_args(self.args, spec)
    }

    /// The argument values after quote removal.
    pub fn arg_values(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.args.iter().map(Word::value)
    }
}

/// The name of the command that runs, after stripping wrappers and paths; see [`Invocation`].
pub fn command_name<'a>(command: &'a SimpleCommand<'_>) -> Option<&'a str> {
    Invocation::new(command).map(|invocation| invocation.name)
}

impl<'src> SimpleCommand<'src> {
    /// The command that runs, with wrappers and paths stripped; see [`Invocation`].
    pub fn invocation(&self) -> Option<Invocation<'_, 'src>> {
        Invocation::new(self)
    }

    /// The name of the command that runs (`apt-get` for `sudo /usr/bin/apt-get …`).
    pub fn command_name(&self) -> Option<&str> {
        command_name(self)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Wrapper, parse};

    fn name_and_args(script: &str) -> (String, Vec<String>, Vec<Wrapper>) {
        let parsed = parse(script);
        let command = parsed.simple_commands()[0];
        let invocation = command.invocation().expect("a command");
        (
            invocation.name.to_owned(),
            invocation.arg_values().map(str::to_owned).collect(),
            invocation.wrappers.iter().map(|(w, _)| *w).collect(),
        )
    }

    #[test]
    fn strips_wrappers_and_paths() {
        let (name, args, wrappers) = name_and_args(
            "sudo -E -u root env -i DEBIAN_FRONTEND=noninteractive /usr/bin/apt-get install -y x",
        );
        assert_eq!(name, "apt-get");
        assert_eq!(args, ["install", "-y", "x"]);
        assert_eq!(wrappers, [Wrapper::Sudo, Wrapper::Env]);

        assert_eq!(
            name_and_args("exec nohup time -p gosu app:app node server.js").0,
            "node"
        );
        assert_eq!(name_and_args("command -p ls -l").0, "ls");
        assert_eq!(name_and_args("nice -n 10 make -j4").0, "make");
        assert_eq!(name_and_args("busybox wget -q http://x").0, "wget");
        assert_eq!(name_and_args("su-exec nobody /app/run").0, "run");
    }

    #[test]
    fn wrappers_without_a_command_are_the_command() {
        assert_eq!(name_and_args("sudo -v").0, "sudo");
        assert_eq!(name_and_args("env").0, "env");
        assert_eq!(name_and_args("command -v curl").0, "command");
        let (name, args, _) = name_and_args("env FOO=1");
        assert_eq!((name.as_str(), args.len()), ("env", 1));
    }

    #[test]
    fn collects_environment() {
        let parsed = parse("PIP_NO_CACHE_DIR=1 env A=b pip install x");
        let invocation = parsed.simple_commands()[0].invocation().unwrap();
        assert_eq!(invocation.name, "pip");
        assert_eq!(invocation.env, [("PIP_NO_CACHE_DIR", "1"), ("A", "b")]);
        assert!(invocation.has_wrapper(Wrapper::Env));
    }

    #[test]
    fn assignment_only_command_has_no_invocation() {
        let parsed = parse("FOO=bar");
        assert!(parsed.simple_commands()[0].invocation().is_none());
    }
}
