//! HS210: `COPY` of an archive that a later `RUN` unpacks.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Keyword;
use hullscan_text::TextRange;

use super::add_instead_of_copy::ARCHIVE_EXTENSIONS;
use super::shell_facts::{copy_words, run_commands, stage_number, unquote};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds a `COPY` of a local archive (`.tar`, `.tar.gz`, `.tgz`, `.xz`, ...) that a later
    /// `RUN` in the same stage unpacks (`tar -x`, `gunzip`, `unxz`, ...).
    ///
    /// ## Why is this bad?
    /// The copied archive stays in its own layer even after it is unpacked and deleted, so the
    /// image carries the data twice. `ADD` unpacks a local archive while copying, in one layer,
    /// and leaves no archive behind. (For archives downloaded from a URL, or where the layer
    /// size does not matter, a `RUN --mount=type=bind` that unpacks from the context is
    /// another option.)
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// COPY app.tar.gz /opt/
    /// RUN tar -xzf /opt/app.tar.gz -C /opt && rm /opt/app.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// ADD app.tar.gz /opt/
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3010`
    pub static COPY_ARCHIVE_THEN_EXTRACT = {
        code: "HS210",
        name: "copy-archive-then-extract",
        aliases: ["DL3010"],
        severity: Info,
        category: Performance,
        fix: None,
        summary: "`COPY` of an archive that a later `RUN` unpacks: `ADD` does it in one layer",
    };
}

/// Commands that unpack their archive argument.
const UNPACKERS: &[&str] = &[
    "unzip",
    "gunzip",
    "bunzip2",
    "unlzma",
    "unxz",
    "zgz",
    "uncompress",
    "zcat",
    "gzcat",
];

/// The file name at the end of a Unix or Windows path, without quotes.
fn base_name(path: &str) -> &str {
    let path = unquote(path).trim_matches(['"', '\'']);
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn is_tar_extract(args: &[&str]) -> bool {
    args.iter().enumerate().any(|(i, arg)| {
        matches!(*arg, "--extract" | "--get")
            || (arg.starts_with('-') && !arg.starts_with("--") && arg.contains('x'))
            // Old-style `tar xzf file`: the first argument is a letter cluster without a dash.
            || (i == 0 && !arg.starts_with('-') && arg.contains('x') && arg.bytes().all(|b| b.is_ascii_alphabetic()))
    })
}

/// HS210
pub(crate) fn copy_archive_then_extract(checker: &mut Checker) {
    // Per COPY: its stage, its range and the archive names it puts in the image.
    let mut copies: Vec<(Option<usize>, TextRange, Vec<String>, bool)> = Vec::new();
    for (index, instruction) in checker.instructions().iter().enumerate() {
        match instruction.keyword {
            Keyword::Copy if instruction.flag("from").is_none() => {
                let names: Vec<String> = copy_words(instruction)
                    .iter()
                    .map(|(word, _)| base_name(word))
                    .filter(|name| ARCHIVE_EXTENSIONS.iter().any(|ext| name.ends_with(ext)))
                    .map(str::to_owned)
                    .collect();
                if !names.is_empty() {
                    copies.push((
                        stage_number(checker, index),
                        instruction.range,
                        names,
                        false,
                    ));
                }
            }
            Keyword::Run => {
                let stage = stage_number(checker, index);
                for command in run_commands(checker, index) {
                    let args: Vec<&str> =
                        command.invocation.args.iter().map(|w| w.value()).collect();
                    let name = command.invocation.name;
                    let unpacks =
                        (name == "tar" && is_tar_extract(&args)) || UNPACKERS.contains(&name);
                    if !unpacks {
                        continue;
                    }
                    for (copy_stage, _, names, hit) in &mut copies {
                        if *copy_stage == stage
                            && args
                                .iter()
                                .any(|arg| names.iter().any(|n| n == base_name(arg)))
                        {
                            *hit = true;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for (_, range, names, hit) in copies {
        if hit {
            checker.report_at(
                &COPY_ARCHIVE_THEN_EXTRACT,
                format!(
                    "`{}` is copied and then unpacked: the archive stays in the image",
                    names[0]
                ),
                range,
                Some("Use `ADD`, which unpacks local archives as it copies them"),
            );
        }
    }
}
