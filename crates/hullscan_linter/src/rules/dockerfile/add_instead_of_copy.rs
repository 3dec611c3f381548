//! HS220: `ADD` of local files, where `COPY` says what happens.

use hullscan_diagnostics::{Applicability, Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::Instruction;

use super::shell_facts::{copy_words, unquote};
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `ADD` instructions whose sources are plain local files: not URLs, not Git
    /// repositories and not local archives (`.tar`, `.tar.gz`, `.tgz`, `.xz`, ...) that `ADD`
    /// unpacks.
    ///
    /// ## Why is this bad?
    /// `ADD` does more than copy: it downloads URLs, clones Git repositories and unpacks local
    /// archives, depending on what the source turns out to be. For plain files that magic is
    /// only a surprise waiting to happen (rename a file to `.tar.gz` and it gets unpacked).
    /// `COPY` does one thing, so the Dockerfile says exactly what happens. Keep `ADD` for the
    /// cases that need it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ADD app.py /app/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY app.py /app/
    /// ```
    ///
    /// ## Fix safety
    /// The fix replaces `ADD` with `COPY`. It is safe when every source has a file extension
    /// that is not an archive one (or is a directory such as `.`): `ADD` would copy such
    /// sources unchanged. For a source without an extension it is unsafe, because `ADD` looks
    /// at the content, and a tar archive under such a name would no longer be unpacked. There
    /// is no fix when `ADD` has flags `COPY` lacks (`--checksum`, `--keep-git-dir`, `--unpack`).
    ///
    /// ## References
    /// - hadolint `DL3020` (which also reports Git sources such as `ADD git@host:repo.git`)
    pub static ADD_INSTEAD_OF_COPY = {
        code: "HS220",
        name: "add-instead-of-copy",
        aliases: ["DL3020"],
        severity: Error,
        category: BestPractice,
        fix: Sometimes,
        summary: "`ADD` of local files where `COPY` does exactly what is meant",
    };
}

/// Extensions of archives `ADD` unpacks.
pub(crate) const ARCHIVE_EXTENSIONS: &[&str] = &[
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz", ".zst", ".tzst",
];

pub(crate) fn is_archive(path: &str) -> bool {
    ARCHIVE_EXTENSIONS.iter().any(|ext| path.ends_with(ext))
}

fn is_remote(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("git@")
        || lower.starts_with("git://")
        || lower.starts_with("ssh://")
}

/// Whether `COPY` certainly copies `source` the way `ADD` would: a directory, or a file whose
/// extension says it is not an archive.
fn surely_not_archive(source: &str) -> bool {
    let name = source.rsplit(['/', '\\']).next().unwrap_or(source);
    source == "."
        || source.ends_with('/')
        || name
            .rsplit_once('.')
            .is_some_and(|(stem, ext)| !stem.is_empty() && !ext.is_empty())
}

/// HS220
pub(crate) fn add_instead_of_copy(checker: &mut Checker, _: usize, instruction: &Instruction) {
    if !instruction.heredocs.is_empty() {
        return;
    }
    let words = copy_words(instruction);
    let Some((_, sources)) = words.split_last() else {
        return;
    };
    if sources.is_empty() {
        return;
    }
    let sources: Vec<&str> = sources.iter().map(|(text, _)| unquote(text)).collect();
    // A variable may hold a URL; only plain local sources are reported.
    if sources
        .iter()
        .any(|source| is_remote(source) || is_archive(source) || source.starts_with('$'))
    {
        return;
    }
    let mut diagnostic = Diagnostic::new(
        &ADD_INSTEAD_OF_COPY,
        "`ADD` of local files: use `COPY`, which only copies",
        Location::Text(instruction.keyword_range),
    )
    .with_help("Use `COPY`");
    let copy_only_flags = ["checksum", "keep-git-dir", "unpack"];
    if !instruction
        .flags
        .iter()
        .any(|flag| copy_only_flags.contains(&flag.name.as_str()))
    {
        let applicability = if sources.iter().all(|source| surely_not_archive(source)) {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        let keyword = if instruction
            .keyword_text
            .bytes()
            .all(|b| b.is_ascii_lowercase())
        {
            "copy"
        } else {
            "COPY"
        };
        diagnostic = diagnostic.with_fix(Fix::new(
            "Replace `ADD` with `COPY`",
            vec![Edit::replacement(keyword, instruction.keyword_range)],
            applicability,
        ));
    }
    checker.report(diagnostic);
}
