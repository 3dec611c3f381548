//! `pip`, `pip3`, `pip3.12` and `python -m pip`.

use crate::Invocation;
use crate::args::{Arg, FlagSpec, ParsedArgs, parse_args};
use crate::ast::Word;

/// A requirement operand: `flask==3.0.0` is name `flask`, specifier `==3.0.0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requirement<'a, 'src> {
    pub word: &'a Word<'src>,
    /// The project name (extras and markers removed), or the whole text for URLs and paths.
    pub name: &'a str,
    /// The version specifier with its operator (`==3.0.0`, `>=2,<3`), if any.
    pub specifier: Option<&'a str>,
    /// Given with `-e`/`--editable`.
    pub editable: bool,
}

impl Requirement<'_, '_> {
    /// A URL (`git+https://…`), archive or wheel file, or local path rather than a name.
    pub fn is_url_or_path(&self) -> bool {
        let text = self.word.value();
        text.contains("://")
            || text.contains('/')
            || text.starts_with('.')
            || text.ends_with(".whl")
            || text.ends_with(".tar.gz")
            || text.ends_with(".zip")
    }
}

#[derive(Clone, Debug)]
pub struct Pip<'a, 'src> {
    /// The program as written after wrappers (`pip3`, or `python3` for `python3 -m pip`).
    pub program: &'a str,
    /// `install`, `download`, `uninstall`, …
    pub subcommand: Option<&'a Word<'src>>,
    pub requirements: Vec<Requirement<'a, 'src>>,
    /// Values of `-r`/`--requirement`.
    pub requirement_files: Vec<&'a str>,
    /// Values of `-c`/`--constraint`.
    pub constraint_files: Vec<&'a str>,
    pub no_cache_dir: bool,
    pub user: bool,
    pub upgrade: bool,
    pub index_url: Option<&'a str>,
    pub args: ParsedArgs<'a, 'src>,
}

impl Pip<'_, '_> {
    pub fn is(&self, subcommand: &str) -> bool {
        self.subcommand
            .is_some_and(|word| word.value() == subcommand)
    }
}

/// Options of pip (and pipx, which passes them through) that take a value, so the value is not
/// a package. Shared with the lint rules that read pip command lines.
pub const PIP_FLAGS: FlagSpec = FlagSpec {
    short_with_value: "ircetfCb",
    long_with_value: &[
        "index-url",
        "extra-index-url",
        "find-links",
        "requirement",
        "constraint",
        "editable",
        "target",
        "prefix",
        "root",
        "build",
        "platform",
        "python-version",
        "implementation",
        "abi",
        "src",
        "upgrade-strategy",
        "progress-bar",
        "log",
        "cache-dir",
        "trusted-host",
        "proxy",
        "retries",
        "timeout",
        "exists-action",
        "global-option",
        "install-option",
        "build-option",
        "config-settings",
        "only-binary",
        "no-binary",
        "python",
        "report",
        "cert",
        "client-cert",
        "use-feature",
        "use-deprecated",
        "root-user-action",
        "pip-args",
        "suffix",
    ],
    single_dash_long: &[],
    single_dash_is_long: false,
    stop_at_first_operand: false,
};

fn is_pip_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("pip") else {
        return false;
    };
    rest.is_empty() || rest.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

fn is_python_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("python") else {
        return false;
    };
    rest.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// Splits `flask[async]==3.0 ; python_version>"3"` into `flask` and `==3.0`.
fn split_requirement(text: &str) -> (&str, Option<&str>) {
    let text = text.split(';').next().unwrap_or(text).trim();
    let operator_at = text.find(['=', '<', '>', '!', '~']);
    let (head, specifier) = match operator_at {
        Some(at) if at > 0 => (&text[..at], Some(text[at..].trim())),
        _ => (text, None),
    };
    let name = head.split('[').next().unwrap_or(head).trim();
    (name, specifier)
}

pub fn pip<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<Pip<'a, 'src>> {
    let args_words: &'a [Word<'src>] = if is_pip_name(invocation.name) {
        invocation.args
    } else if is_python_name(invocation.name) {
        // `python -m pip …` (possibly with interpreter flags such as `-u` first).
        let position = invocation
            .args
            .windows(2)
            .position(|pair| pair[0].value() == "-m" && pair[1].value() == "pip")?;
        if invocation.args[..position]
            .iter()
            .any(|w| !w.value().starts_with('-'))
        {
            return None;
        }
        &invocation.args[position + 2..]
    } else {
        return None;
    };
    let args = parse_args(args_words, &PIP_FLAGS);
    let operands = args.operands();
    let subcommand = operands.first().copied();
    let mut requirements: Vec<Requirement<'a, 'src>> = operands
        .iter()
        .skip(1)
        .map(|word| {
            let (name, specifier) = split_requirement(word.value());
            Requirement {
                word,
                name,
                specifier,
                editable: false,
            }
        })
        .collect();
    for item in &args.items {
        if let Arg::Flag(flag) = item
            && matches!(flag.name, "e" | "editable")
            && let Some(word) = flag.value_word
        {
            requirements.push(Requirement {
                word,
                name: word.value(),
                specifier: None,
                editable: true,
            });
        }
    }
    let values = |names: &[&str]| -> Vec<&'a str> {
        args.find(names)
            .iter()
            .filter_map(|flag| flag.value)
            .collect()
    };
    Some(Pip {
        program: invocation.name,
        subcommand,
        requirement_files: values(&["r", "requirement"]),
        constraint_files: values(&["c", "constraint"]),
        no_cache_dir: args.has(&["no-cache-dir"]),
        user: args.has(&["user"]),
        upgrade: args.has(&["U", "upgrade"]),
        index_url: args.value(&["i", "index-url"]),
        requirements,
        args,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::test_support::with_invocation;

    #[test]
    fn pip_install_forms() {
        with_invocation(
            "pip3 install --no-cache-dir --user -r requirements.txt 'flask[async]==3.0.0' requests 'numpy>=1.26,<2' -e ./lib",
            |inv| {
                let pip = pip(inv).unwrap();
                assert!(pip.is("install") && pip.no_cache_dir && pip.user && !pip.upgrade);
                assert_eq!(pip.requirement_files, ["requirements.txt"]);
                let reqs: Vec<_> = pip
                    .requirements
                    .iter()
                    .map(|r| (r.name, r.specifier, r.editable))
                    .collect();
                assert_eq!(
                    reqs,
                    [
                        ("flask", Some("==3.0.0"), false),
                        ("requests", None, false),
                        ("numpy", Some(">=1.26,<2"), false),
                        ("./lib", None, true),
                    ]
                );
                assert!(pip.requirements[3].is_url_or_path());
            },
        );
    }

    #[test]
    fn python_dash_m_pip_and_versions() {
        with_invocation(
            "python3.12 -m pip install -U pip==24.0 -c constraints.txt",
            |inv| {
                let pip = pip(inv).unwrap();
                assert_eq!(pip.program, "python3.12");
                assert!(pip.upgrade);
                assert_eq!(pip.constraint_files, ["constraints.txt"]);
                assert_eq!(pip.requirements[0].specifier, Some("==24.0"));
            },
        );
        with_invocation("pip3.11 install -i https://mirror/simple x", |inv| {
            let pip = pip(inv).unwrap();
            assert_eq!(pip.index_url, Some("https://mirror/simple"));
            assert_eq!(pip.requirements.len(), 1);
        });
        with_invocation("python3 script.py -m pip", |inv| {
            assert!(pip(inv).is_none())
        });
        with_invocation("pipx install black", |inv| assert!(pip(inv).is_none()));
        with_invocation("pipenv install", |inv| assert!(pip(inv).is_none()));
    }
}
