//! `tar` and `unzip`.

use crate::Invocation;
use crate::args::{FlagSpec, ParsedArgs, parse_args};
use crate::ast::Word;

#[derive(Clone, Debug)]
pub struct Tar<'a, 'src> {
    /// `-x`, `--extract`, `--get`, or `x` in an old-style first argument (`tar xzf f`).
    pub extract: bool,
    /// `-c`/`--create`.
    pub create: bool,
    /// The archive: the value of `-f`/`--file`.
    pub file: Option<&'a str>,
    /// The value of `-C`/`--directory`.
    pub directory: Option<&'a str>,
    /// Operands (members to extract or files to add).
    pub members: Vec<&'a Word<'src>>,
    pub args: ParsedArgs<'a, 'src>,
}

const TAR_SPEC: FlagSpec = FlagSpec {
    short_with_value: "fCTXbIHKLNV",
    long_with_value: &[
        "file",
        "directory",
        "files-from",
        "exclude-from",
        "exclude",
        "use-compress-program",
        "format",
        "owner",
        "group",
        "mode",
        "mtime",
        "strip-components",
        "transform",
        "blocking-factor",
    ],
    single_dash_long: &[],
    single_dash_is_long: false,
    stop_at_first_operand: false,
};

pub fn tar<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<Tar<'a, 'src>> {
    if !matches!(invocation.name, "tar" | "gtar" | "bsdtar") {
        return None;
    }
    let words = invocation.args;
    // Old-style options: a first argument without a dash is a bundle of letters whose values
    // (for `f`, `C`, …) are the following words in order.
    let old_style = words
        .first()
        .map(Word::value)
        .filter(|first| !first.starts_with('-') && !first.is_empty())
        .filter(|first| first.chars().all(|c| c.is_ascii_alphabetic()));
    let mut old_file = None;
    let mut old_directory = None;
    let rest: &'a [Word<'src>] = match old_style {
        Some(bundle) => {
            let mut next = 1;
            for letter in bundle.chars() {
                if TAR_SPEC.short_with_value.contains(letter) {
                    let value = words.get(next).map(Word::value);
                    next += 1;
                    match letter {
                        'f' => old_file = value,
                        'C' => old_directory = value,
                        _ => {}
                    }
                }
            }
            &words[next.min(words.len())..]
        }
        None => words,
    };
    let args = parse_args(rest, &TAR_SPEC);
    let bundle = old_style.unwrap_or("");
    Some(Tar {
        extract: bundle.contains('x') || args.has(&["x", "extract", "get"]),
        create: bundle.contains('c') || args.has(&["c", "create"]),
        file: args.value(&["f", "file"]).or(old_file),
        directory: args.value(&["C", "directory"]).or(old_directory),
        members: args.operands(),
        args,
    })
}

#[derive(Clone, Debug)]
pub struct Unzip<'a, 'src> {
    /// The archive (the first operand).
    pub file: Option<&'a str>,
    /// The value of `-d` (extraction directory).
    pub directory: Option<&'a str>,
    pub args: ParsedArgs<'a, 'src>,
}

pub fn unzip<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<Unzip<'a, 'src>> {
    if invocation.name != "unzip" {
        return None;
    }
    let spec = FlagSpec {
        short_with_value: "dxP",
        ..FlagSpec::default()
    };
    let args = invocation.parse_args(&spec);
    Some(Unzip {
        file: args.operands().first().map(|w| w.value()),
        directory: args.value(&["d"]),
        args,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::test_support::with_invocation;

    #[test]
    fn tar_option_styles() {
        with_invocation(
            "tar -xzf /tmp/app.tar.gz -C /opt --strip-components 1",
            |inv| {
                let tar = tar(inv).unwrap();
                assert!(tar.extract && !tar.create);
                assert_eq!(tar.file, Some("/tmp/app.tar.gz"));
                assert_eq!(tar.directory, Some("/opt"));
                assert!(
                    tar.members.is_empty(),
                    "1 is the value of --strip-components"
                );
            },
        );
        with_invocation("tar xzf app.tgz -C /srv", |inv| {
            let tar = tar(inv).unwrap();
            assert!(tar.extract);
            assert_eq!((tar.file, tar.directory), (Some("app.tgz"), Some("/srv")));
        });
        with_invocation("tar xfC app.tar /dst member", |inv| {
            let tar = tar(inv).unwrap();
            assert_eq!((tar.file, tar.directory), (Some("app.tar"), Some("/dst")));
            assert_eq!(tar.members[0].value(), "member");
        });
        with_invocation("tar --create --file=out.tar dir", |inv| {
            let tar = tar(inv).unwrap();
            assert!(tar.create && !tar.extract);
            assert_eq!(tar.file, Some("out.tar"));
        });
    }

    #[test]
    fn unzip_file_and_directory() {
        with_invocation("unzip -q /tmp/x.zip -d /opt/x", |inv| {
            let unzip = unzip(inv).unwrap();
            assert_eq!(
                (unzip.file, unzip.directory),
                (Some("/tmp/x.zip"), Some("/opt/x"))
            );
        });
    }
}
