//! Pure analyses over a [`BuildContext`] and a parsed Dockerfile: what each COPY brings in,
//! the largest directories and files, sensitive and unwanted paths, and what an edit costs
//! the build cache.

use std::borrow::Cow;
use std::collections::BTreeMap;

use hullscan_dockerfile::{Arguments, Dockerfile, Instruction, Keyword};
use hullscan_ignore::{go_clean, go_filepath_match};
use hullscan_text::TextRange;
use serde::Serialize;

use crate::model::{BuildContext, ContextEntry, EntryKind};

// ---------------------------------------------------------------------------------------------
// Sizes

/// A directory with the totals of everything sent below it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DirTotal {
    pub path: String,
    pub bytes: u64,
    pub files: u64,
}

/// The `limit` directories holding the most bytes (at any depth), biggest first.
pub fn largest_dirs(context: &BuildContext, limit: usize) -> Vec<DirTotal> {
    if limit == 0 {
        return Vec::new();
    }
    let entries = &context.entries;
    let path = |index: usize| entries.get(index).map_or("", |e| e.path.as_str());
    let order = |a: &(usize, u64, u64), b: &(usize, u64, u64)| {
        b.1.cmp(&a.1).then_with(|| path(a.0).cmp(path(b.0)))
    };
    let mut top = dir_totals(context).to_vec();
    if top.len() > limit {
        top.select_nth_unstable_by(limit - 1, order);
        top.truncate(limit);
    }
    top.sort_by(order);
    top.into_iter()
        .map(|(index, bytes, files)| DirTotal {
            path: path(index).to_owned(),
            bytes,
            files,
        })
        .collect()
}

/// Every sent directory with the bytes and entries other than directories sent below it, as
/// `(index into entries, bytes, files)` in order: from the walk for a loaded context,
/// computed on first use otherwise.
pub(crate) fn dir_totals(context: &BuildContext) -> &[(usize, u64, u64)] {
    context
        .dir_totals_cache
        .get_or_init(|| compute_dir_totals(&context.entries))
}

/// [`dir_totals`] from the sorted entries: everything under `d/` counts towards `d`.
pub(crate) fn compute_dir_totals(entries: &[ContextEntry]) -> Vec<(usize, u64, u64)> {
    let mut totals: Vec<(usize, u64, u64)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EntryKind::Dir)
        .map(|(index, _)| (index, 0, 0))
        .collect();
    let index: std::collections::HashMap<&str, usize> = totals
        .iter()
        .enumerate()
        .map(|(slot, &(entry, _, _))| (entries[entry].path.as_str(), slot))
        .collect();
    // One sequential pass: each file counts towards its parent directory. Siblings come in
    // long runs, so the parent is looked up once per run.
    let mut run: Option<(&str, Option<usize>)> = None;
    for entry in entries.iter().filter(|e| e.kind != EntryKind::Dir) {
        let Some((parent, _)) = entry.path.rsplit_once('/') else {
            continue;
        };
        let slot = match run {
            Some((previous, slot)) if previous == parent => slot,
            _ => {
                let slot = nearest_dir(&index, parent);
                run = Some((parent, slot));
                slot
            }
        };
        if let Some(slot) = slot {
            totals[slot].1 += entry.size;
            totals[slot].2 += 1;
        }
    }
    // Then each directory counts towards its parent, deepest first: a child's path sorts
    // after its parent's, so reverse path order visits children first.
    for slot in (0..totals.len()).rev() {
        if let Some((parent, _)) = entries[totals[slot].0].path.rsplit_once('/')
            && let Some(parent_slot) = nearest_dir(&index, parent)
        {
            let (_, bytes, files) = totals[slot];
            totals[parent_slot].1 += bytes;
            totals[parent_slot].2 += files;
        }
    }
    totals
}

/// The index of `dir` or, when it is not an entry, of its nearest ancestor that is (Docker
/// always sends a sent path's directories, so that is `dir` itself in a loaded context).
fn nearest_dir(index: &std::collections::HashMap<&str, usize>, mut dir: &str) -> Option<usize> {
    loop {
        if let Some(&slot) = index.get(dir) {
            return Some(slot);
        }
        dir = dir.rsplit_once('/')?.0;
    }
}

/// The `limit` largest files, biggest first.
pub fn largest_files(context: &BuildContext, limit: usize) -> Vec<&ContextEntry> {
    if limit == 0 {
        return Vec::new();
    }
    let order = |a: &&ContextEntry, b: &&ContextEntry| {
        b.size.cmp(&a.size).then_with(|| a.path.cmp(&b.path))
    };
    let files = context.entries.iter().filter(|e| e.kind == EntryKind::File);
    if limit > 64 {
        let mut files: Vec<&ContextEntry> = files.collect();
        if files.len() > limit {
            files.select_nth_unstable_by(limit - 1, order);
            files.truncate(limit);
        }
        files.sort_by(order);
        return files;
    }
    // The best `limit` so far, in order: most files are turned away by their size alone,
    // without collecting every file first.
    let mut top: Vec<&ContextEntry> = Vec::with_capacity(limit + 1);
    for file in files {
        if top.len() == limit
            && top
                .last()
                .is_some_and(|last| order(&file, last) != std::cmp::Ordering::Less)
        {
            continue;
        }
        let at = top.partition_point(|kept| order(kept, &file) == std::cmp::Ordering::Less);
        top.insert(at, file);
        top.truncate(limit);
    }
    top
}

/// `1204` → `1,204`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `123456789` → `117.7 MiB`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

// ---------------------------------------------------------------------------------------------
// Sensitive and unwanted paths

/// Why a path looks like it holds credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SecretKind {
    DotEnv,
    SshPrivateKey,
    PrivateKeyOrCertificate,
    PackageManagerToken,
    CloudCredentials,
    GitCredentials,
    Kubeconfig,
    DockerConfig,
    TerraformState,
}

impl SecretKind {
    pub fn describe(self) -> &'static str {
        match self {
            SecretKind::DotEnv => "an environment file",
            SecretKind::SshPrivateKey => "an SSH private key",
            SecretKind::PrivateKeyOrCertificate => "a private key or keystore",
            SecretKind::PackageManagerToken => "a package-registry config with a token",
            SecretKind::CloudCredentials => "cloud credentials",
            SecretKind::GitCredentials => "stored Git or netrc credentials",
            SecretKind::Kubeconfig => "a kubeconfig",
            SecretKind::DockerConfig => "Docker registry credentials",
            SecretKind::TerraformState => "Terraform state (holds resource secrets)",
        }
    }
}

/// Files whose content decides whether they hold a token (`.npmrc`, `.pypirc`): the loader
/// reads these (small) files when they are sent.
pub fn needs_content_check(path: &str) -> bool {
    name_needs_content_check(file_name(path))
}

/// [`needs_content_check`] for a bare file name.
pub(crate) fn name_needs_content_check(name: &str) -> bool {
    matches!(name, ".npmrc" | ".pypirc" | ".yarnrc.yml")
}

fn file_name(path: &str) -> &str {
    match path.bytes().rposition(|b| b == b'/') {
        Some(slash) => &path[slash + 1..],
        None => path,
    }
}

/// Whether `content` of a package-manager config holds a credential, judged by value: a
/// credential key (`_authToken`, `_auth`, `_password`; `npmAuthToken`; a `.pypirc` password)
/// set to a literal that is not a placeholder, or anything the secrets engine detects. A key
/// set from the environment (`_authToken=${NPM_TOKEN}`) keeps no secret in the file, and
/// `registry=` lines or settings such as `legacy-peer-deps` are none.
pub fn registry_config_has_token(path: &str, content: &str) -> bool {
    let name = file_name(path);
    let keys: &[&str] = match name {
        ".npmrc" => &["_authtoken", "_auth", "_password"],
        ".yarnrc.yml" => &["npmauthtoken", "npmauthident"],
        ".pypirc" => &["password"],
        _ => return false,
    };
    let literal_credential = content.lines().any(|line| {
        let line = line.trim();
        if line.starts_with(['#', ';']) {
            return false;
        }
        // `.npmrc` keys hold `:` (`//registry/:_authToken=…`): split at `=` there.
        let split = if name == ".npmrc" {
            line.split_once('=')
        } else {
            line.split_once(['=', ':'])
        };
        let Some((key, value)) = split else {
            return false;
        };
        let key = key.trim().to_ascii_lowercase();
        let key = key.rsplit(':').next().unwrap_or_default().trim();
        let value = value.trim().trim_matches(['"', '\'']);
        keys.contains(&key)
            && !value.is_empty()
            && !value.starts_with('$')
            && !hullscan_secrets::is_placeholder(value.as_bytes())
    });
    literal_credential
        || !hullscan_secrets::Scanner::global()
            .scan(content.as_bytes())
            .is_empty()
}

/// The credential directories (`.ssh`, `.aws`, ...) among a path's directory components, as
/// bit flags, so a walk can carry them down instead of searching every path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SecretDirs(u8);

impl SecretDirs {
    const SSH: u8 = 1;
    const AWS: u8 = 2;
    const GCLOUD: u8 = 4;
    const KUBE: u8 = 8;
    const DOCKER: u8 = 16;

    /// The flags of a directory named `name` inside a directory with these flags.
    pub(crate) fn with_component(self, name: &str) -> Self {
        let flag = match name {
            ".ssh" => Self::SSH,
            ".aws" => Self::AWS,
            ".gcloud" => Self::GCLOUD,
            ".kube" => Self::KUBE,
            ".docker" => Self::DOCKER,
            _ => 0,
        };
        Self(self.0 | flag)
    }

    /// The flags of every component of `dir` (a slash-separated directory path).
    fn of_dir(dir: &str) -> Self {
        dir.split('/').fold(Self::default(), |flags, component| {
            flags.with_component(component)
        })
    }

    fn has(self, flag: u8) -> bool {
        self.0 & flag != 0
    }
}

/// Classifies a sent path by name (and, for registry configs, the content the loader read).
pub fn secret_kind(path: &str, content: Option<&str>) -> Option<SecretKind> {
    // A directory component is one followed by `/`: everything before the last slash.
    let (dirs, name) = match path.rsplit_once('/') {
        Some((dir, name)) => (SecretDirs::of_dir(dir), name),
        None => (SecretDirs::default(), path),
    };
    classify_secret(name, dirs, content)
}

/// [`secret_kind`] from a path's file name and its directories' flags.
pub(crate) fn classify_secret(
    name: &str,
    dirs: SecretDirs,
    content: Option<&str>,
) -> Option<SecretKind> {
    let lower: Cow<'_, str> = if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    };
    let lower = lower.as_ref();
    if lower == ".env" || (lower.starts_with(".env.") && !is_env_template(lower)) {
        return Some(SecretKind::DotEnv);
    }
    if matches!(lower, "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519")
        || (dirs.has(SecretDirs::SSH) && !lower.ends_with(".pub") && lower != "known_hosts")
    {
        return Some(SecretKind::SshPrivateKey);
    }
    if [".pem", ".key", ".p12", ".pfx", ".jks", ".keystore"]
        .iter()
        .any(|ext| lower.ends_with(ext))
    {
        return Some(SecretKind::PrivateKeyOrCertificate);
    }
    if name_needs_content_check(name) {
        return content
            .filter(|c| registry_config_has_token(name, c))
            .map(|_| SecretKind::PackageManagerToken);
    }
    if dirs.has(SecretDirs::AWS) || lower == "credentials.json" && dirs.has(SecretDirs::GCLOUD) {
        return Some(SecretKind::CloudCredentials);
    }
    if matches!(lower, ".git-credentials" | ".netrc" | "_netrc") {
        return Some(SecretKind::GitCredentials);
    }
    if lower == "kubeconfig"
        || lower.ends_with(".kubeconfig")
        || (dirs.has(SecretDirs::KUBE) && lower == "config")
    {
        return Some(SecretKind::Kubeconfig);
    }
    if dirs.has(SecretDirs::DOCKER) && lower == "config.json" {
        return Some(SecretKind::DockerConfig);
    }
    if lower.ends_with(".tfstate") || lower.ends_with(".tfstate.backup") {
        return Some(SecretKind::TerraformState);
    }
    None
}

fn is_env_template(lower_name: &str) -> bool {
    [".example", ".sample", ".template", ".dist", ".defaults"]
        .iter()
        .any(|suffix| lower_name.ends_with(suffix))
}

/// Whether a file whose name says `kind` really holds a credential, judged by the secrets
/// engine on (the start of) its content. `None` (content not read) trusts the name.
///
/// - Empty (or blank) files hold nothing.
/// - Key files and SSH files: a private key the engine validates, or binary content (DER,
///   PKCS#12, keystores). Public keys (`authorized_keys`, `*.pub` copies), certificates and
///   SSH `config` are not secrets. A `.key` without PEM markers (a Rails `master.key`, a raw
///   symmetric key) is.
/// - `.env` files: a finding of the engine, or a sensitive name (`*_TOKEN`, `*_PASSWORD`, ...)
///   assigned a value that is not a placeholder.
/// - Docker `config.json`: an `auth` entry (a `credsStore` alone keeps nothing in the file).
pub fn content_confirms_secret(path: &str, kind: SecretKind, content: Option<&str>) -> bool {
    let Some(content) = content else {
        return true;
    };
    if content.trim().is_empty() {
        return false;
    }
    if content.contains('\0') {
        return true;
    }
    let scanner = hullscan_secrets::Scanner::global();
    // An encrypted key's body does not decode to key structure, but it is still a key.
    let has_private_key = || {
        (content.contains("PRIVATE KEY-----")
            && (content.contains("Proc-Type: 4,ENCRYPTED")
                || content.contains("ENCRYPTED PRIVATE KEY")))
            || scanner
                .scan(content.as_bytes())
                .iter()
                .any(|f| f.detector.family == hullscan_secrets::Family::PrivateKey)
    };
    match kind {
        SecretKind::SshPrivateKey => has_private_key(),
        SecretKind::PrivateKeyOrCertificate => {
            if content.contains("-----BEGIN") || content.contains("PuTTY-User-Key-File") {
                has_private_key()
            } else {
                file_name(path).to_ascii_lowercase().ends_with(".key")
                    || !scanner.scan(content.as_bytes()).is_empty()
            }
        }
        SecretKind::DotEnv => {
            !scanner.scan(content.as_bytes()).is_empty()
                || content.lines().any(|line| {
                    let line = line.trim_start();
                    let line = line.strip_prefix("export ").unwrap_or(line);
                    line.split_once('=').is_some_and(|(name, value)| {
                        let value = value.trim().trim_matches(['"', '\'']);
                        !line.starts_with('#')
                            && hullscan_secrets::name_is_sensitive(name.trim())
                            && !value.is_empty()
                            && !value.starts_with('$')
                            && !hullscan_secrets::is_placeholder(value.as_bytes())
                    })
                })
        }
        SecretKind::DockerConfig => content.contains("\"auth"),
        _ => true,
    }
}

/// The sent entries that look like credentials, as `(index into entries, kind)`; computed
/// once per context.
pub fn secrets(context: &BuildContext) -> &[(usize, SecretKind)] {
    context.secrets_cache.get_or_init(|| {
        context
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind != EntryKind::Dir)
            .filter_map(|(i, e)| {
                let content = context.probed_content(&e.path);
                secret_kind(&e.path, content)
                    .filter(|&kind| content_confirms_secret(&e.path, kind, content))
                    .map(|k| (i, k))
            })
            .collect()
    })
}

/// What an unwanted directory is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnwantedKind {
    VersionControl,
    Dependencies,
    Virtualenv,
    Cache,
    BuildOutput,
}

impl UnwantedKind {
    pub fn describe(self) -> &'static str {
        match self {
            UnwantedKind::VersionControl => "version-control metadata",
            UnwantedKind::Dependencies => "installed dependencies",
            UnwantedKind::Virtualenv => "a Python virtualenv",
            UnwantedKind::Cache => "a tool cache",
            UnwantedKind::BuildOutput => "build output",
        }
    }
}

/// Classifies a sent directory by name (and, for build output, a sibling project manifest).
pub fn unwanted_dir_kind(context: &BuildContext, dir: &str) -> Option<UnwantedKind> {
    let name = file_name(dir);
    let parent = dir.rfind('/').map_or("", |i| &dir[..i]);
    let sibling = |file: &str| {
        let path = if parent.is_empty() {
            file.to_owned()
        } else {
            format!("{parent}/{file}")
        };
        context.contains(&path)
    };
    match name {
        ".git" | ".hg" | ".svn" => Some(UnwantedKind::VersionControl),
        "node_modules" | "bower_components" | ".pnpm-store" => Some(UnwantedKind::Dependencies),
        ".venv" | "venv" => Some(UnwantedKind::Virtualenv),
        "__pycache__" | ".pytest_cache" | ".mypy_cache" | ".ruff_cache" | ".tox" | ".nox"
        | ".gradle" | ".next" | ".nuxt" | ".parcel-cache" | ".terraform" | ".cache" => {
            Some(UnwantedKind::Cache)
        }
        "target" if sibling("Cargo.toml") || sibling("pom.xml") => Some(UnwantedKind::BuildOutput),
        "dist" | "build"
            if sibling("package.json") || sibling("pyproject.toml") || sibling("setup.py") =>
        {
            Some(UnwantedKind::BuildOutput)
        }
        _ => None,
    }
}

/// A directory Docker sends that it should not, with how much it weighs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnwantedDir {
    pub path: String,
    pub kind: UnwantedKind,
    pub bytes: u64,
    pub files: u64,
}

/// The outermost unwanted directories that are sent (not their unwanted subdirectories).
pub fn unwanted_dirs(context: &BuildContext) -> Vec<UnwantedDir> {
    let mut found: Vec<UnwantedDir> = Vec::new();
    for entry in &context.entries {
        if entry.kind != EntryKind::Dir {
            continue;
        }
        let nested = found.iter().any(|d| {
            entry.path.len() > d.path.len()
                && entry.path.starts_with(&d.path)
                && entry.path.as_bytes()[d.path.len()] == b'/'
        });
        if nested {
            continue;
        }
        if let Some(kind) = unwanted_dir_kind(context, &entry.path) {
            let under = context.entries_under(&entry.path);
            found.push(UnwantedDir {
                path: entry.path.clone(),
                kind,
                bytes: under.iter().map(|e| e.size).sum(),
                files: under.iter().filter(|e| e.kind != EntryKind::Dir).count() as u64,
            });
        }
    }
    found
}

// ---------------------------------------------------------------------------------------------
// COPY / ADD

/// A COPY or ADD that reads from the build context.
#[derive(Clone, Debug)]
pub struct ContextCopy<'a> {
    pub instruction: &'a Instruction,
    /// Index of the instruction in the Dockerfile.
    pub index: usize,
    /// 0-based stage index.
    pub stage: usize,
    pub is_add: bool,
    /// Source words as written (quotes kept for shell form), excluding heredocs.
    pub sources: Vec<(String, TextRange)>,
}

fn words(instruction: &Instruction) -> Vec<(String, TextRange)> {
    match &instruction.args {
        Arguments::Words(words) => words.iter().map(|w| (w.value.clone(), w.range)).collect(),
        Arguments::Exec(exec) => exec
            .words
            .iter()
            .map(|w| (w.value.clone(), w.range))
            .collect(),
        _ => Vec::new(),
    }
}

fn is_remote(source: &str) -> bool {
    source.contains("://") || source.starts_with("git@")
}

/// Every COPY/ADD without `--from` and its local sources (URLs, heredocs and sources with
/// variables are left out: they do not name context paths literally).
pub fn context_copies(dockerfile: &Dockerfile) -> Vec<ContextCopy<'_>> {
    let mut stage = 0usize;
    let mut seen_from = false;
    let mut out = Vec::new();
    for (index, instruction) in dockerfile.instructions.iter().enumerate() {
        match instruction.keyword {
            Keyword::From => {
                if seen_from {
                    stage += 1;
                }
                seen_from = true;
            }
            Keyword::Copy | Keyword::Add => {
                if instruction.flag("from").is_some() {
                    continue;
                }
                let mut all = words(instruction);
                if all.len() < 2 {
                    continue;
                }
                all.pop(); // the destination
                let sources = all
                    .into_iter()
                    .filter(|(s, _)| !s.starts_with("<<") && !s.contains('$') && !is_remote(s))
                    .map(|(s, r)| (unquote(&s), r))
                    .collect();
                out.push(ContextCopy {
                    instruction,
                    index,
                    stage,
                    is_add: instruction.keyword == Keyword::Add,
                    sources,
                });
            }
            _ => {}
        }
    }
    out
}

fn unquote(word: &str) -> String {
    for quote in ['"', '\''] {
        if word.len() >= 2 && word.starts_with(quote) && word.ends_with(quote) {
            return word[1..word.len() - 1].to_owned();
        }
    }
    word.to_owned()
}

/// A COPY source cleaned the way BuildKit resolves it against the context root.
pub fn clean_source(source: &str) -> String {
    let cleaned = go_clean(source);
    match cleaned.strip_prefix('/') {
        Some("") => ".".to_owned(),
        Some(rest) => rest.to_owned(),
        None => cleaned,
    }
}

fn has_wildcard(source: &str) -> bool {
    source.contains(['*', '?', '['])
}

/// The sent entries one COPY source brings in: the entry it names (with everything below it
/// for a directory), or, for a wildcard, every entry at that depth matching it (Go
/// `filepath.Match`) with everything below those.
/// For each COPY/ADD source that names credential-looking files the context analysis judges
/// by content (registry configs such as `.npmrc`, keys, `.env` files), the source word's range
/// and whether any of them holds a credential (the verdict of [`secrets`], which HS502
/// reports). Sources that resolve to no such file have no verdict.
pub fn copied_secret_verdicts(
    context: &BuildContext,
    dockerfile: &Dockerfile,
) -> Vec<(TextRange, bool)> {
    let secret_paths: std::collections::HashSet<&str> = secrets(context)
        .iter()
        .map(|(index, _)| context.entries[*index].path.as_str())
        .collect();
    let mut verdicts = Vec::new();
    for copy in context_copies(dockerfile) {
        for (source, range) in &copy.sources {
            if clean_source(source) == "." {
                continue;
            }
            let judged: Vec<&ContextEntry> = resolve_source(context, source)
                .into_iter()
                .filter(|entry| {
                    entry.kind != EntryKind::Dir
                        && (needs_content_check(&entry.path)
                            || secret_kind(&entry.path, None).is_some())
                })
                .collect();
            if judged.is_empty() {
                continue;
            }
            let holds = judged
                .iter()
                .any(|entry| secret_paths.contains(entry.path.as_str()));
            verdicts.push((*range, holds));
        }
    }
    verdicts
}

pub fn resolve_source<'c>(context: &'c BuildContext, source: &str) -> Vec<&'c ContextEntry> {
    let cleaned = clean_source(source);
    if cleaned == "." {
        return context.entries.iter().collect();
    }
    let mut out = Vec::new();
    if !has_wildcard(&cleaned) {
        if let Ok(i) = context
            .entries
            .binary_search_by(|e| e.path.as_str().cmp(&cleaned))
        {
            out.push(&context.entries[i]);
            if context.entries[i].kind == EntryKind::Dir {
                out.extend(context.entries_under(&cleaned));
            }
        }
        return out;
    }
    let depth = cleaned.matches('/').count();
    for (i, entry) in context.entries.iter().enumerate() {
        if entry.path.matches('/').count() != depth {
            continue;
        }
        if go_filepath_match(&cleaned, &entry.path) == Ok(true) {
            out.push(&context.entries[i]);
            if entry.kind == EntryKind::Dir {
                out.extend(context.entries_under(&entry.path));
            }
        }
    }
    out
}

/// Everything one COPY brings in (files and links, not directories), deduplicated.
pub fn copy_files<'c>(context: &'c BuildContext, copy: &ContextCopy<'_>) -> Vec<&'c ContextEntry> {
    if copy
        .sources
        .iter()
        .any(|(source, _)| clean_source(source) == ".")
    {
        // The whole context: already sorted and unique.
        return context
            .entries
            .iter()
            .filter(|e| e.kind != EntryKind::Dir)
            .collect();
    }
    let mut files: Vec<&ContextEntry> = copy
        .sources
        .iter()
        .flat_map(|(source, _)| resolve_source(context, source))
        .filter(|e| e.kind != EntryKind::Dir)
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    files
}

// ---------------------------------------------------------------------------------------------
// Cache cost

/// Whether a file name is a dependency manifest or lock file.
pub fn is_dependency_manifest(path: &str) -> bool {
    let name = file_name(path);
    // Every manifest name ends in one of these two bytes; checking them first turns most
    // source files (`.js`, `.rs`, `.go`, ...) away without comparing the names below.
    let tail = match name.as_bytes() {
        [.., a, b] => (*a, *b),
        _ => return false,
    };
    if !matches!(
        tail,
        (b'o', b'n') // .json
            | (b'c', b'k') // .lock
            | (b'm', b'l') // .yaml, .toml, .xml, .yml
            | (b'k', b'b') // .lockb
            | (b'r', b'c') // .npmrc, .yarnrc.yml is `ml`
            | (b'l', b'e') // Pipfile, Gemfile, .gradle
            | (b'p', b'y') // setup.py
            | (b'f', b'g') // setup.cfg
            | (b'o', b'd') // go.mod
            | (b'u', b'm') // go.sum
            | (b't', b's') // .kts
            | (b'e', b's') // .properties
            | (b'x', b's') // .exs
            | (b'i', b'g') // NuGet.Config, nuget.config
            | (b'x', b't') // requirements*.txt
            | (b'o', b'j') // .csproj, .fsproj
            | (b'e', b'c') // .gemspec
    ) {
        return false;
    }
    matches!(
        name,
        "package.json"
            | "package-lock.json"
            | "npm-shrinkwrap.json"
            | "yarn.lock"
            | "pnpm-lock.yaml"
            | "pnpm-workspace.yaml"
            | "bun.lockb"
            | "bun.lock"
            | ".npmrc"
            | ".yarnrc.yml"
            | "Pipfile"
            | "Pipfile.lock"
            | "pyproject.toml"
            | "poetry.lock"
            | "uv.lock"
            | "setup.py"
            | "setup.cfg"
            | "go.mod"
            | "go.sum"
            | "Cargo.toml"
            | "Cargo.lock"
            | "Gemfile"
            | "Gemfile.lock"
            | "composer.json"
            | "composer.lock"
            | "pom.xml"
            | "build.gradle"
            | "build.gradle.kts"
            | "settings.gradle"
            | "settings.gradle.kts"
            | "gradle.properties"
            | "mix.exs"
            | "mix.lock"
            | "packages.lock.json"
            | "NuGet.Config"
            | "nuget.config"
    ) || (name.starts_with("requirements") && name.ends_with(".txt"))
        || name.ends_with(".csproj")
        || name.ends_with(".fsproj")
        || name.ends_with(".gemspec")
}

/// The dependency-install command in a RUN, as written (`npm ci`, `pip install -r ...`).
pub fn dependency_install(instruction: &Instruction) -> Option<String> {
    if instruction.keyword != Keyword::Run {
        return None;
    }
    let script = match &instruction.args {
        Arguments::Shell(text) => text.value.clone(),
        Arguments::Exec(exec) => exec
            .words
            .iter()
            .map(|w| w.value.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        _ => return None,
    };
    for command in script.split(['&', ';', '|', '\n']) {
        let tokens: Vec<&str> = command.split_whitespace().collect();
        if let Some(found) = install_in_tokens(&tokens) {
            return Some(found);
        }
    }
    None
}

fn install_in_tokens(tokens: &[&str]) -> Option<String> {
    let position = |words: &[&str]| {
        tokens
            .windows(words.len())
            .position(|window| window == words)
    };
    let render =
        |start: usize, len: usize| tokens[start..(start + len).min(tokens.len())].join(" ");
    const PATTERNS: &[&[&str]] = &[
        &["npm", "ci"],
        &["npm", "install"],
        &["npm", "i"],
        &["yarn", "install"],
        &["pnpm", "install"],
        &["pnpm", "i"],
        &["bun", "install"],
        &["poetry", "install"],
        &["pipenv", "install"],
        &["uv", "sync"],
        &["go", "mod", "download"],
        &["cargo", "fetch"],
        &["bundle", "install"],
        &["composer", "install"],
        &["dotnet", "restore"],
        &["mix", "deps.get"],
        &["gradle", "dependencies"],
    ];
    for pattern in PATTERNS {
        if let Some(start) = position(pattern) {
            // `npm install <pkg>` / `-g` installs tools, not the manifest's dependencies.
            let rest = &tokens[start + pattern.len()..];
            if pattern[0] == "npm" && rest.iter().any(|t| !t.starts_with('-') || *t == "-g") {
                continue;
            }
            return Some(render(start, pattern.len()));
        }
    }
    // `yarn` alone installs.
    if tokens.first() == Some(&"yarn") && tokens.iter().skip(1).all(|t| t.starts_with('-')) {
        return Some(tokens.join(" "));
    }
    // pip install -r requirements.txt / pip install . / -e .
    for (i, token) in tokens.iter().enumerate() {
        if matches!(*token, "pip" | "pip3") && tokens.get(i + 1) == Some(&"install") {
            let rest = &tokens[i + 2..];
            if let Some(r) = rest
                .iter()
                .position(|t| *t == "-r" || *t == "--requirement")
            {
                return Some(render(i, 2 + r + 2));
            }
            if rest.iter().any(|t| *t == "." || *t == "-e") {
                return Some(render(i, 2 + rest.len()));
            }
        }
        if (*token == "mvn" || token.ends_with("/mvnw") || *token == "./mvnw")
            && tokens[i + 1..].iter().any(|t| t.starts_with("dependency:"))
        {
            return Some(tokens[i..].join(" "));
        }
    }
    None
}

/// The cache cost of one COPY that brings manifests and other files in before an install.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CacheBust {
    /// The COPY's instruction index.
    pub copy_index: usize,
    pub copy_line: u32,
    pub manifests: Vec<String>,
    /// Files the COPY brings in that are not manifests.
    pub other_files: u64,
    /// The top-level directory holding most of `other_files` (`""` for the context root).
    pub main_dir: String,
    /// How many of `other_files` are under `main_dir`.
    pub main_dir_files: u64,
    pub install_command: String,
    pub install_line: u32,
    /// Instructions after the install in the same stage (all re-run with it).
    pub later_steps: usize,
}

impl CacheBust {
    /// "editing any of 1,204 files under src/ re-runs `npm ci` (line 7) and 4 later steps".
    pub fn describe(&self) -> String {
        let what = if self.main_dir.is_empty() || self.main_dir_files == 0 {
            format!("any of {} non-manifest files", thousands(self.other_files))
        } else if self.main_dir_files == self.other_files {
            format!(
                "any of {} files under {}/",
                thousands(self.other_files),
                self.main_dir
            )
        } else {
            format!(
                "any of {} non-manifest files ({} under {}/)",
                thousands(self.other_files),
                thousands(self.main_dir_files),
                self.main_dir
            )
        };
        let steps = match self.later_steps {
            0 => String::new(),
            1 => " and 1 later step".to_owned(),
            n => format!(" and {n} later steps"),
        };
        format!(
            "editing {what} re-runs `{}` (line {}){steps}",
            self.install_command, self.install_line
        )
    }
}

/// What a `RUN --mount=...` mounts, as far as the cache is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MountKind {
    /// `type=bind` (the default): its content is part of the step's cache key.
    Bind,
    /// `type=cache`, `type=secret`, `type=ssh`, `type=tmpfs`: not part of the cache key.
    Other,
}

/// One `--mount` of a RUN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    pub kind: MountKind,
    /// `source=` (`src=`); for a bind of the context, `None` means its root.
    pub source: Option<String>,
    /// Whether it mounts from a stage or image (`from=`) rather than the build context.
    pub from_elsewhere: bool,
    /// The flag's range in the Dockerfile.
    pub range: TextRange,
}

/// The `--mount` flags of an instruction (BuildKit's `type=bind` default included).
pub fn mounts(instruction: &Instruction) -> Vec<Mount> {
    instruction
        .flags
        .iter()
        .filter(|flag| flag.name == "mount")
        .filter_map(|flag| {
            let value = flag.value.as_deref()?;
            let mut kind = MountKind::Bind;
            let mut source = None;
            let mut from_elsewhere = false;
            for field in value.split(',') {
                let (key, val) = field.split_once('=').unwrap_or((field, ""));
                match key.trim().to_ascii_lowercase().as_str() {
                    "type" if val.trim() != "bind" => kind = MountKind::Other,
                    "source" | "src" => source = Some(val.trim().to_owned()),
                    "from" => from_elsewhere = true,
                    _ => {}
                }
            }
            Some(Mount {
                kind,
                source,
                from_elsewhere,
                range: flag.range,
            })
        })
        .collect()
}

/// The build-context sources a RUN bind-mounts (part of its cache key, like a COPY's).
fn context_binds(instruction: &Instruction) -> Vec<(String, TextRange)> {
    mounts(instruction)
        .into_iter()
        .filter(|m| m.kind == MountKind::Bind && !m.from_elsewhere)
        .map(|m| (m.source.unwrap_or_else(|| ".".to_owned()), m.range))
        .collect()
}

/// Each COPY that brings dependency manifests in together with other files before the
/// stage's dependency install, and each install step that bind-mounts them together
/// (`RUN --mount=type=bind,target=. npm ci`): either way, any edit re-runs the install.
///
/// A COPY after a dependency install of the same stage is not one: the dependencies were
/// installed from the manifests alone (copied, or bind-mounted as in uv's and BuildKit's own
/// recommended `RUN --mount=type=bind,source=uv.lock,... uv sync --no-install-project`), and
/// the later install step only adds the project. Cache, secret and SSH mounts never count.
pub fn cache_busts(dockerfile: &Dockerfile, context: &BuildContext) -> Vec<CacheBust> {
    let mut copies = context_copies(dockerfile);
    let instructions = &dockerfile.instructions;
    // Install steps that bind-mount context files are judged like a COPY right before them.
    let mut stage = 0usize;
    let mut seen_from = false;
    for (index, instruction) in instructions.iter().enumerate() {
        if instruction.keyword == Keyword::From {
            stage += usize::from(seen_from);
            seen_from = true;
        }
        if instruction.keyword != Keyword::Run || dependency_install(instruction).is_none() {
            continue;
        }
        let sources = context_binds(instruction);
        if !sources.is_empty() {
            copies.push(ContextCopy {
                instruction,
                index,
                stage,
                is_add: false,
                sources,
            });
        }
    }
    copies.sort_by_key(|copy| copy.index);
    let mut out = Vec::new();
    for copy in &copies {
        let is_mount = copy.instruction.keyword == Keyword::Run;
        // An install earlier in the same stage: the dependencies are already in place.
        let installed_before = instructions[..copy.index]
            .iter()
            .rev()
            .take_while(|i| i.keyword != Keyword::From)
            .any(|i| dependency_install(i).is_some());
        if installed_before {
            continue;
        }
        // The first install after this COPY (or the mounting step itself), before the next
        // FROM.
        let mut install = None;
        let mut stage_end = instructions.len();
        let first = if is_mount { copy.index } else { copy.index + 1 };
        for (i, instruction) in instructions.iter().enumerate().skip(first) {
            if instruction.keyword == Keyword::From {
                stage_end = i;
                break;
            }
            if install.is_none()
                && let Some(command) = dependency_install(instruction)
            {
                install = Some((i, command));
            }
        }
        let Some((install_index, install_command)) = install else {
            continue;
        };
        let files = copy_files(context, copy);
        // One pass: manifests by name, the others counted per top-level directory (a
        // directory's paths are contiguous in sorted order, so the map sees one update per
        // run rather than one per file).
        let mut manifests: Vec<String> = Vec::new();
        let mut other_files = 0u64;
        let mut per_dir: BTreeMap<&str, u64> = BTreeMap::new();
        let mut run: (&str, u64) = ("", 0);
        for entry in &files {
            if is_dependency_manifest(&entry.path) {
                manifests.push(entry.path.clone());
                continue;
            }
            other_files += 1;
            let top = entry.path.split_once('/').map_or("", |(top, _)| top);
            if top != run.0 {
                if run.1 > 0 {
                    *per_dir.entry(run.0).or_default() += run.1;
                }
                run = (top, 0);
            }
            run.1 += 1;
        }
        if run.1 > 0 {
            *per_dir.entry(run.0).or_default() += run.1;
        }
        if manifests.is_empty() || other_files == 0 {
            continue;
        }
        let (main_dir, main_dir_files) = per_dir
            .iter()
            .filter(|(dir, _)| !dir.is_empty())
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map_or((String::new(), 0), |(d, n)| ((*d).to_owned(), *n));
        out.push(CacheBust {
            copy_index: copy.index,
            copy_line: copy.instruction.start_line,
            manifests,
            other_files,
            main_dir,
            main_dir_files,
            install_command,
            install_line: instructions[install_index].start_line,
            later_steps: stage_end - install_index - 1,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_and_bytes() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1204), "1,204");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
    }

    #[test]
    fn content_decides_whether_a_named_file_is_a_secret() {
        let key = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAswVXqfxOkOM1h9osfsETZbgKXK7xQ5XoOozfIXPGGG\n-----END PRIVATE KEY-----\n";
        let encrypted = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0011\n\nq1w2e3\n-----END RSA PRIVATE KEY-----\n";
        let confirms = |path: &str, content: &str| {
            let kind = secret_kind(path, Some(content)).expect("a secret-looking name");
            content_confirms_secret(path, kind, Some(content))
        };
        assert!(confirms("id_rsa", key));
        assert!(confirms("id_rsa", encrypted));
        assert!(confirms("tls/server.pem", key));
        assert!(confirms(
            "config/master.key",
            "4f6a1c9e2b7d8a0f3e5c6b1a9d2e7f40"
        ));
        assert!(confirms("keystore.p12", "\u{0}\u{1}binary"));
        assert!(!confirms("vault.key", ""));
        assert!(!confirms("vault.key", "  \n"));
        assert!(!confirms(
            ".ssh/authorized_keys",
            "ssh-ed25519 AAAAC3Nza ops@example\n"
        ));
        assert!(!confirms(
            "ca.pem",
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        ));
        assert!(confirms(".env", "API_TOKEN=Xk29fj3kdlw0QmZ7\n"));
        assert!(!confirms(
            ".env",
            "PORT=3000\n# API_TOKEN=\nAPI_TOKEN=\nDB_PASSWORD=changeme\n"
        ));
        assert!(!confirms(
            ".docker/config.json",
            r#"{"credsStore":"desktop"}"#
        ));
        // Without content (not read), the name decides.
        assert!(content_confirms_secret(
            "id_rsa",
            SecretKind::SshPrivateKey,
            None
        ));
    }

    #[test]
    fn secret_names() {
        assert_eq!(secret_kind(".env", None), Some(SecretKind::DotEnv));
        assert_eq!(
            secret_kind("app/.env.production", None),
            Some(SecretKind::DotEnv)
        );
        assert_eq!(secret_kind(".env.example", None), None);
        assert_eq!(
            secret_kind("keys/id_rsa", None),
            Some(SecretKind::SshPrivateKey)
        );
        assert_eq!(secret_kind("keys/id_rsa.pub", None), None);
        assert_eq!(
            secret_kind("tls/server.pem", None),
            Some(SecretKind::PrivateKeyOrCertificate)
        );
        assert_eq!(
            secret_kind(".aws/credentials", None),
            Some(SecretKind::CloudCredentials)
        );
        assert_eq!(secret_kind(".npmrc", Some("registry=https://r\n")), None);
        assert_eq!(
            secret_kind(".npmrc", Some("//r/:_authToken=abc\n")),
            Some(SecretKind::PackageManagerToken)
        );
        assert_eq!(
            secret_kind("ops/kubeconfig", None),
            Some(SecretKind::Kubeconfig)
        );
        assert_eq!(secret_kind("src/main.rs", None), None);
    }

    #[test]
    fn manifest_names_pass_the_quick_name_filter() {
        for name in [
            "package.json",
            "package-lock.json",
            "npm-shrinkwrap.json",
            "yarn.lock",
            "pnpm-lock.yaml",
            "pnpm-workspace.yaml",
            "bun.lockb",
            "bun.lock",
            ".npmrc",
            ".yarnrc.yml",
            "Pipfile",
            "Pipfile.lock",
            "pyproject.toml",
            "poetry.lock",
            "uv.lock",
            "setup.py",
            "setup.cfg",
            "go.mod",
            "go.sum",
            "Cargo.toml",
            "Cargo.lock",
            "Gemfile",
            "Gemfile.lock",
            "composer.json",
            "composer.lock",
            "pom.xml",
            "build.gradle",
            "build.gradle.kts",
            "settings.gradle",
            "settings.gradle.kts",
            "gradle.properties",
            "mix.exs",
            "mix.lock",
            "packages.lock.json",
            "NuGet.Config",
            "nuget.config",
            "requirements.txt",
            "requirements-dev.txt",
            "App.csproj",
            "App.fsproj",
            "app.gemspec",
        ] {
            assert!(is_dependency_manifest(name), "{name}");
            assert!(is_dependency_manifest(&format!("a/b/{name}")), "a/b/{name}");
        }
        for path in [
            "src/index.js",
            "main.rs",
            "requirements.md",
            "src/config.ts",
            "x",
            "",
        ] {
            assert!(!is_dependency_manifest(path), "{path}");
        }
    }

    #[test]
    fn install_commands() {
        let check =
            |script: &str| install_in_tokens(&script.split_whitespace().collect::<Vec<_>>());
        assert_eq!(check("npm ci --omit=dev"), Some("npm ci".to_owned()));
        assert_eq!(check("npm install -g pnpm"), None);
        assert_eq!(
            check("pip install --no-cache-dir -r requirements.txt"),
            Some("pip install --no-cache-dir -r requirements.txt".to_owned())
        );
        assert_eq!(check("go mod download"), Some("go mod download".to_owned()));
        assert_eq!(
            check("yarn --frozen-lockfile"),
            Some("yarn --frozen-lockfile".to_owned())
        );
        assert_eq!(check("echo hi"), None);
    }
}
