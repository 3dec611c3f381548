//! Splitting a command's arguments into flags and operands.

use crate::ast::Word;

/// How a command spells its options.
#[derive(Clone, Copy, Debug, Default)]
pub struct FlagSpec {
    /// Short flags that take a value, as `-o FILE` or `-oFILE` (one character each).
    pub short_with_value: &'static str,
    /// Long flags (without dashes) that take a value; `--name=value` always works, these also
    /// take the next word as `--name value`.
    pub long_with_value: &'static [&'static str],
    /// Multi-letter flags written with one dash (`wget -nv`, `find -name`): such a word is one
    /// flag, not a cluster of single letters.
    pub single_dash_long: &'static [&'static str],
    /// Every single-dash word is one long flag (Go's `-ldflags`, `-o`): no clusters.
    pub single_dash_is_long: bool,
    /// The first operand ends the options (POSIX style); otherwise flags and operands mix, as
    /// GNU tools allow.
    pub stop_at_first_operand: bool,
}

/// One flag occurrence. A cluster `-yq` gives two flags, `y` and `q`, that share one word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flag<'a, 'src> {
    /// The name without dashes or value: `y`, `no-install-recommends`, `ldflags`.
    pub name: &'a str,
    /// True for `--name` (and single-dash long flags).
    pub long: bool,
    /// The value, attached (`--name=v`, `-ov`) or taken from the next word.
    pub value: Option<&'a str>,
    /// The word holding the flag.
    pub word: &'a Word<'src>,
    /// The word holding the value when it is a separate word.
    pub value_word: Option<&'a Word<'src>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg<'a, 'src> {
    Flag(Flag<'a, 'src>),
    Operand(&'a Word<'src>),
    /// The `--` that ends the options.
    EndOfOptions(&'a Word<'src>),
}

/// A command's arguments split into flags and operands, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedArgs<'a, 'src> {
    pub items: Vec<Arg<'a, 'src>>,
}

impl<'a, 'src> ParsedArgs<'a, 'src> {
    pub fn flags(&self) -> impl Iterator<Item = &Flag<'a, 'src>> + '_ {
        self.items.iter().filter_map(|arg| match arg {
            Arg::Flag(flag) => Some(flag),
            _ => None,
        })
    }

    /// The operands (non-flag words), including those after `--`.
    pub fn operands(&self) -> Vec<&'a Word<'src>> {
        self.items
            .iter()
            .filter_map(|arg| match arg {
                Arg::Operand(word) => Some(*word),
                _ => None,
            })
            .collect()
    }

    /// The operands before `--`.
    pub fn operands_before_separator(&self) -> Vec<&'a Word<'src>> {
        self.items
            .iter()
            .take_while(|arg| !matches!(arg, Arg::EndOfOptions(_)))
            .filter_map(|arg| match arg {
                Arg::Operand(word) => Some(*word),
                _ => None,
            })
            .collect()
    }

    /// True when any flag is spelled as one of `names` (short and long names mixed, no dashes:
    /// `&["y", "yes", "assume-yes"]`).
    pub fn has(&self, names: &[&str]) -> bool {
        self.flags().any(|flag| names.contains(&flag.name))
    }

    /// How many times flags spelled as one of `names` occur.
    pub fn count(&self, names: &[&str]) -> usize {
        self.flags()
            .filter(|flag| names.contains(&flag.name))
            .count()
    }

    /// The value of the last flag spelled as one of `names`.
    pub fn value(&self, names: &[&str]) -> Option<&'a str> {
        self.flags()
            .filter(|flag| names.contains(&flag.name))
            .filter_map(|flag| flag.value)
            .last()
    }

    /// The flag occurrences spelled as one of `names`, in order.
    pub fn find(&self, names: &[&str]) -> Vec<Flag<'a, 'src>> {
        self.flags()
            .filter(|flag| names.contains(&flag.name))
            .copied()
            .collect()
    }
}

/// Splits `words` (a command's arguments, without its name) by `spec`.
pub fn parse_args<'a, 'src>(words: &'a [Word<'src>], spec: &FlagSpec) -> ParsedArgs<'a, 'src> {
    let mut items = Vec::with_capacity(words.len());
    let mut options_ended = false;
    let mut index = 0;
    while index < words.len() {
        let word = &words[index];
        index += 1;
        let text = word.value();
        if options_ended || text.len() < 2 || !text.starts_with('-') {
            if !options_ended && spec.stop_at_first_operand {
                options_ended = true;
            }
            items.push(Arg::Operand(word));
            continue;
        }
        if text == "--" {
            options_ended = true;
            items.push(Arg::EndOfOptions(word));
            continue;
        }
        let long_body = text.strip_prefix("--").or_else(|| {
            let body = &text[1..];
            let name = body.split_once('=').map_or(body, |(name, _)| name);
            (spec.single_dash_is_long || spec.single_dash_long.contains(&name)).then_some(body)
        });
        if let Some(body) = long_body {
            let (name, mut value) = match body.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (body, None),
            };
            let mut value_word = None;
            if value.is_none()
                && spec.long_with_value.contains(&name)
                && let Some(next) = words.get(index)
            {
                value = Some(next.value());
                value_word = Some(next);
                index += 1;
            }
            items.push(Arg::Flag(Flag {
                name,
                long: true,
                value,
                word,
                value_word,
            }));
            continue;
        }
        // A cluster of short flags: `-yq`, `-ofile`, `-o file`.
        let body = &text[1..];
        for (offset, c) in body.char_indices() {
            let name = &body[offset..offset + c.len_utf8()];
            if spec.short_with_value.contains(c) {
                let rest = &body[offset + c.len_utf8()..];
                let (value, value_word) = if !rest.is_empty() {
                    (Some(rest), None)
                } else if let Some(next) = words.get(index) {
                    index += 1;
                    (Some(next.value()), Some(next))
                } else {
                    (None, None)
                };
                items.push(Arg::Flag(Flag {
                    name,
                    long: false,
                    value,
                    word,
                    value_word,
                }));
                break;
            }
            items.push(Arg::Flag(Flag {
                name,
                long: false,
                value: None,
                word,
                value_word: None,
            }));
        }
    }
    ParsedArgs { items }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    fn with_args<R>(
        script: &str,
        spec: &FlagSpec,
        check: impl FnOnce(ParsedArgs<'_, '_>) -> R,
    ) -> R {
        let parsed = parse(script);
        let command = parsed.simple_commands()[0];
        check(parse_args(command.args(), spec))
    }

    #[test]
    fn short_clusters_long_flags_and_values() {
        let spec = FlagSpec {
            short_with_value: "ot",
            long_with_value: &["target-release", "option"],
            ..FlagSpec::default()
        };
        with_args(
            "apt-get -yq install -t bookworm --option=A::B=1 --target-release sid -ofoo x --no-install-recommends",
            &spec,
            |args| {
                assert!(args.has(&["y"]) && args.has(&["q"]));
                assert_eq!(args.value(&["t", "target-release"]), Some("sid"));
                assert_eq!(args.value(&["option"]), Some("A::B=1"));
                assert_eq!(args.value(&["o"]), Some("foo"));
                assert!(args.has(&["no-install-recommends"]));
                let operands: Vec<_> = args.operands().iter().map(|w| w.value()).collect();
                assert_eq!(operands, ["install", "x"]);
                // `bookworm` was taken as the value of `-t`, not as an operand.
                let t = args.find(&["t"]);
                assert_eq!(t[0].value_word.map(|w| w.value()), Some("bookworm"));
            },
        );
    }

    #[test]
    fn double_dash_ends_options_and_stop_at_first_operand() {
        with_args(
            "gem install foo -- --with-opt -v",
            &FlagSpec::default(),
            |args| {
                assert!(!args.has(&["v"]));
                let before: Vec<_> = args
                    .operands_before_separator()
                    .iter()
                    .map(|w| w.value())
                    .collect();
                assert_eq!(before, ["install", "foo"]);
                assert_eq!(args.operands().len(), 4);
            },
        );
        let posix = FlagSpec {
            stop_at_first_operand: true,
            ..FlagSpec::default()
        };
        with_args("sudo -E apt-get -y install", &posix, |args| {
            assert!(args.has(&["E"]));
            assert!(!args.has(&["y"]));
        });
    }

    #[test]
    fn single_dash_long_flags() {
        let go = FlagSpec {
            single_dash_is_long: true,
            long_with_value: &["o", "ldflags"],
            ..FlagSpec::default()
        };
        with_args("go build -ldflags '-s -w' -o /app ./cmd", &go, |args| {
            assert_eq!(args.value(&["ldflags"]), Some("-s -w"));
            assert_eq!(args.value(&["o"]), Some("/app"));
            assert_eq!(args.operands()[1].value(), "./cmd");
        });
        let wget = FlagSpec {
            single_dash_long: &["nv"],
            ..FlagSpec::default()
        };
        with_args("wget -nv -qO- http://x", &wget, |args| {
            assert!(args.has(&["nv"]) && args.has(&["q"]) && args.has(&["O"]));
            assert!(!args.has(&["n"]));
        });
    }

    #[test]
    fn counts_repeated_flags() {
        with_args(
            "apt-get -q -q --quiet install",
            &FlagSpec::default(),
            |args| {
                assert_eq!(args.count(&["q", "quiet"]), 3);
            },
        );
    }
}
