//! The Dockerfile semantic model: what BuildKit's dispatch layer (`dockerfile2llb`) knows about a
//! file before it pulls any image.
//!
//! [`SemanticModel::new`] walks the parser's flat instruction list once and records:
//!
//! - the global scope: predefined platform ARGs plus the meta ARGs (ARGs before the first FROM),
//!   each default expanded against the ones before it;
//! - stages: index, lower-cased name, the FROM instruction, the base image name expanded with
//!   the global scope, the parent stage for `FROM <stage>`, the `--platform` flag;
//! - the stage graph (`FROM <stage>`, `COPY --from=`, `RUN --mount=from=`), the final stage and
//!   the stages it needs;
//! - per stage the ARG/ENV bindings in order (inherited by `FROM <stage>` children, as BuildKit
//!   copies the parent's state), so "what is `$X` at instruction i" and BuildKit-exact expansion
//!   of an instruction's words can be answered;
//! - per instruction the SHELL, USER and WORKDIR in effect.
//!
//! The base image's own config (its ENV, USER, WORKDIR, SHELL, OS) is not known without pulling
//! it; the model says "from the base image" where that matters instead of guessing.
//!
//! Building the model allocates little: names and values borrow from the [`Dockerfile`], and
//! words that need no expansion are not copied.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use hullscan_dockerfile::{Arguments, Dockerfile, Flag, Instruction, KeyValue, Keyword, Word};
use hullscan_text::TextRange;

use crate::image_ref::{ImageRef, ImageRefError};
use crate::lex::{Env, ExpandError, Expansion, Lexer};

/// Marks "none" in the compact per-instruction table.
const NONE: u32 = u32::MAX;

/// The predefined platform ARGs BuildKit puts in the global scope.
pub const PLATFORM_ARGS: [&str; 11] = [
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDOSVERSION",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETOSVERSION",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
];

/// Proxy ARGs that reach RUN without being declared (in either case).
pub const PROXY_ARGS: [&str; 10] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Build args BuildKit never puts into the environment and never reports as undefined.
pub const NON_ENV_ARGS: [&str; 2] = ["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"];

/// Whether `name` is one of BuildKit's predefined platform ARGs.
pub fn is_platform_arg(name: &str) -> bool {
    PLATFORM_ARGS.contains(&name)
}

/// Whether `name` is a proxy ARG available to RUN without declaration.
pub fn is_proxy_arg(name: &str) -> bool {
    PROXY_ARGS.contains(&name)
}

/// Whether `name` is a valid stage name after lower-casing (`^[a-z][a-z0-9-_.]*$`).
pub fn is_valid_stage_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        })
}

/// An OCI platform, as used for the predefined platform ARGs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Platform {
    /// `linux`, `windows`, ...
    pub os: String,
    /// `amd64`, `arm64`, ...
    pub architecture: String,
    /// `v7`, ... or empty.
    pub variant: String,
    /// Windows OS version, or empty.
    pub os_version: String,
}

impl Platform {
    /// `linux/amd64`, the platform assumed when none is given.
    pub fn linux_amd64() -> Self {
        Self {
            os: "linux".into(),
            architecture: "amd64".into(),
            variant: String::new(),
            os_version: String::new(),
        }
    }

    /// containerd's `platforms.Format`: `os/arch[/variant]`.
    pub fn format(&self) -> String {
        let mut out = format!("{}/{}", self.os, self.architecture);
        if !self.variant.is_empty() {
            out.push('/');
            out.push_str(&self.variant);
        }
        out
    }

    /// containerd's `platforms.FormatAll`: like [`Platform::format`] with `(osversion)`.
    pub fn format_all(&self) -> String {
        let mut out = self.os.clone();
        if !self.os_version.is_empty() {
            out.push('(');
            out.push_str(&self.os_version);
            out.push(')');
        }
        out.push('/');
        out.push_str(&self.architecture);
        if !self.variant.is_empty() {
            out.push('/');
            out.push_str(&self.variant);
        }
        out
    }
}

/// What a build is run with: `--build-arg` values, platforms, `--target`. The model uses it
/// for predefined ARG values and ARG overrides; [`BuildOptions::default`] is a plain
/// `docker build` on linux/amd64.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    build_args: Vec<(String, String)>,
    /// The predefined platform ARGs except `TARGETSTAGE`, which depends on the file.
    platform_args: Vec<(&'static str, String)>,
    target: Option<String>,
}

impl Default for BuildOptions {
    fn default() -> Self {
        let platform = Platform::linux_amd64();
        Self::new(&platform, &platform)
    }
}

static DEFAULT_OPTIONS: LazyLock<BuildOptions> = LazyLock::new(BuildOptions::default);

impl BuildOptions {
    /// Options for a build on `build` targeting `target`.
    pub fn new(build: &Platform, target: &Platform) -> Self {
        let platform_args = vec![
            ("BUILDPLATFORM", build.format()),
            ("BUILDOS", build.os.clone()),
            ("BUILDOSVERSION", build.os_version.clone()),
            ("BUILDARCH", build.architecture.clone()),
            ("BUILDVARIANT", build.variant.clone()),
            ("TARGETPLATFORM", target.format_all()),
            ("TARGETOS", target.os.clone()),
            ("TARGETOSVERSION", target.os_version.clone()),
            ("TARGETARCH", target.architecture.clone()),
            ("TARGETVARIANT", target.variant.clone()),
        ];
        Self {
            build_args: Vec::new(),
            platform_args,
            target: None,
        }
    }

    /// Adds a `--build-arg NAME=VALUE` (a later value for the same name wins).
    pub fn with_build_arg(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.build_args.push((name.into(), value.into()));
        self
    }

    /// Sets `--target`.
    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// The `--build-arg` value for `name`, if given.
    pub fn build_arg(&self, name: &str) -> Option<&str> {
        self.build_args
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Where a binding comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BindingKind {
    /// A predefined platform ARG (global scope).
    Predefined,
    /// An ARG before the first FROM (global scope).
    MetaArg,
    /// An ARG inside a stage.
    Arg,
    /// An ENV inside a stage.
    Env,
}

/// One variable definition: a predefined ARG, an ARG or one ENV pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding<'a> {
    /// The name (for ENV, the expanded key).
    pub name: Cow<'a, str>,
    /// The value after expansion; `None` for an ARG declared without a value (which BuildKit
    /// leaves unset, but does not report as undefined).
    pub value: Option<Cow<'a, str>>,
    /// What defined it.
    pub kind: BindingKind,
    /// The ARG/ENV instruction; `None` for predefined ARGs.
    pub instruction: Option<usize>,
    /// The pair in the instruction's arguments (the ARG word or ENV pair).
    pub pair: Option<&'a KeyValue>,
}

impl Binding<'_> {
    /// Whether this is an ARG (meta or stage) rather than an ENV.
    pub fn is_arg(&self) -> bool {
        !matches!(self.kind, BindingKind::Env)
    }
}

/// What the model knows about `$NAME` at some point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup<'m, 'a> {
    /// Set by this binding.
    Set(&'m Binding<'a>),
    /// Declared with `ARG NAME` but given no value: expands to empty, is not "undefined".
    DeclaredUnset(&'m Binding<'a>),
    /// Not defined by the Dockerfile (the base image may still define it).
    Undefined,
}

impl<'m, 'a> Lookup<'m, 'a> {
    /// The value, when set.
    pub fn value(&self) -> Option<&'m str> {
        match self {
            Lookup::Set(binding) => binding.value.as_deref(),
            _ => None,
        }
    }
}

/// The operating system a stage runs on, as far as the Dockerfile tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Os {
    /// Linux (the default).
    Linux,
    /// Windows: the stage's `--platform` says so, or its base is a well-known Windows image
    /// (`mcr.microsoft.com/windows/...`, `.../servercore`, `.../nanoserver`, .NET Framework).
    Windows,
}

/// How a stage's base is determined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    /// `FROM scratch`.
    Scratch,
    /// `FROM <earlier stage>`: the index of that stage.
    Stage(usize),
    /// An image to pull; see [`Stage::base_name`] and [`Stage::image_ref`].
    Image,
    /// The name could not be worked out: missing, blank after expansion, or expansion failed.
    Unresolved,
}

/// The `--platform` flag of a FROM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlatformFlag<'a> {
    /// The flag as parsed.
    pub flag: &'a Flag,
    /// The value expanded in the global scope.
    pub expansion: Result<Expansion<'a>, ExpandError>,
}

/// One build stage: a FROM and the instructions up to the next FROM.
#[derive(Clone, Debug)]
pub struct Stage<'a> {
    /// 0-based position among the stages.
    pub index: usize,
    /// The `AS` name, lower-cased as BuildKit does.
    pub name: Option<Cow<'a, str>>,
    /// The name word as written.
    pub name_word: Option<&'a Word>,
    /// The index of the FROM instruction in [`Dockerfile::instructions`].
    pub from_index: usize,
    /// The FROM instruction.
    pub from: &'a Instruction,
    /// Indexes of the stage's instructions, FROM included.
    pub instructions: Range<usize>,
    /// The image word as written (`None` for a bare `FROM`).
    pub image_word: Option<&'a Word>,
    /// The image word expanded with the global scope (matched/unmatched names included).
    pub base_expansion: Option<Result<Expansion<'a>, ExpandError>>,
    /// What the base is.
    pub base: Base,
    /// The `--platform` flag, if any.
    pub platform: Option<PlatformFlag<'a>>,
    /// The stage's OS.
    pub os: Os,
    end_state: State,
}

impl<'a> Stage<'a> {
    /// The parent stage for `FROM <stage>`.
    pub fn parent(&self) -> Option<usize> {
        match self.base {
            Base::Stage(parent) => Some(parent),
            _ => None,
        }
    }

    /// The base name after expansion (`alpine:3.19`, `scratch`, a stage name), if it resolved.
    pub fn base_name(&self) -> Option<&str> {
        match &self.base_expansion {
            Some(Ok(expansion)) if !expansion.value.is_empty() => Some(&expansion.value),
            _ => None,
        }
    }

    /// The parsed and normalised base image reference, for a stage based on an image.
    pub fn image_ref(&self) -> Option<Result<ImageRef<'_>, ImageRefError>> {
        match self.base {
            Base::Image => self.base_name().map(ImageRef::parse),
            _ => None,
        }
    }

    /// The name used in messages: the `AS` name or `stage-N`.
    pub fn display_name(&self) -> Cow<'_, str> {
        match &self.name {
            Some(name) => Cow::Borrowed(name),
            None => Cow::Owned(format!("stage-{}", self.index)),
        }
    }
}

/// How one stage uses another stage or an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DependencyKind {
    /// `FROM <stage>`.
    From,
    /// `COPY --from=<stage>`.
    CopyFrom,
    /// `RUN --mount=from=<stage>`.
    MountFrom,
}

/// What a `--from` refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceRef<'a> {
    /// A stage of this file.
    Stage(usize),
    /// An image (or named context) outside the file.
    Image(Cow<'a, str>),
    /// A numeric index that names no stage (`invalid stage index N`).
    InvalidIndex(String),
    /// A value with a variable reference, which COPY `--from` does not support.
    Variable(&'a str),
}

/// One edge of the stage graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency<'a> {
    /// The stage that depends.
    pub stage: usize,
    /// The instruction that creates the dependency.
    pub instruction: usize,
    /// How.
    pub kind: DependencyKind,
    /// On what.
    pub source: SourceRef<'a>,
}

/// The effective SHELL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell<'a> {
    /// No SHELL instruction applies: the OS default (`/bin/sh -c` or `cmd /S /C`), unless the
    /// base image config sets one.
    Default(Os),
    /// Set by this SHELL instruction (JSON form).
    Custom {
        /// The SHELL instruction's index.
        instruction: usize,
        /// Its words.
        args: &'a [Word],
    },
}

impl Shell<'_> {
    /// The shell's argv.
    pub fn args(&self) -> Vec<&str> {
        match self {
            Shell::Default(Os::Linux) => vec!["/bin/sh", "-c"],
            Shell::Default(Os::Windows) => vec!["cmd", "/S", "/C"],
            Shell::Custom { args, .. } => args.iter().map(|w| w.value.as_str()).collect(),
        }
    }

    /// The program (first argv element).
    pub fn program(&self) -> &str {
        match self {
            Shell::Default(Os::Linux) => "/bin/sh",
            Shell::Default(Os::Windows) => "cmd",
            Shell::Custom { args, .. } => args.first().map_or("", |w| w.value.as_str()),
        }
    }

    /// Whether no SHELL instruction applies.
    pub fn is_default(&self) -> bool {
        matches!(self, Shell::Default(_))
    }
}

/// The USER in effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserSetting<'a> {
    /// The USER instruction.
    pub instruction: usize,
    /// Its argument as written.
    pub word: &'a Word,
}

/// The WORKDIR in effect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkdirSetting<'m> {
    /// The WORKDIR instruction that set it last.
    pub instruction: usize,
    /// The directory, normalised like BuildKit (relative paths joined to the previous WORKDIR,
    /// or to `/` when the base image's is unknown).
    pub path: &'m str,
    /// Whether a relative WORKDIR was resolved against an unknown base-image WORKDIR.
    pub relative_to_base: bool,
}

/// A piece of an instruction that BuildKit's dispatcher expands, with where it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpandableWord<'a> {
    /// The text as the parser stored it (quotes kept; flag values already unquoted).
    pub text: &'a str,
    /// Where it is in the file.
    pub range: TextRange,
    /// What it is.
    pub role: WordRole,
}

/// The role of an [`ExpandableWord`], which decides how BuildKit expands it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WordRole {
    /// FROM image name (global scope).
    FromImage,
    /// FROM `--platform` value (global scope).
    FromPlatform,
    /// ENV or LABEL key.
    Key,
    /// ENV or LABEL value.
    Value,
    /// ARG default (expanded only when no `--build-arg` overrides it).
    ArgDefault,
    /// An ordinary argument word (ADD/COPY sources and destination, WORKDIR, USER, VOLUME,
    /// STOPSIGNAL).
    Argument,
    /// An EXPOSE word: expanded with word splitting, and BuildKit does not report its unmatched
    /// variables.
    ExposePort,
    /// A flag value BuildKit expands (ADD/COPY `--chown`, `--chmod`, ADD `--checksum`).
    Flag,
}

/// An expansion error found while building the model (BuildKit fails the build on these).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError {
    /// The instruction.
    pub instruction: usize,
    /// The error.
    pub error: ExpandError,
}

/// SHELL / USER / WORKDIR in effect at a point (indexes; `NONE` = not set in the file).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct State {
    shell: u32,
    user: u32,
    workdir: u32,
}

impl State {
    const INITIAL: State = State {
        shell: NONE,
        user: NONE,
        workdir: NONE,
    };
}

/// A stage's slice of the binding list and its parent (`NONE` for none).
#[derive(Clone, Copy, Debug)]
struct Scope {
    start: u32,
    end: u32,
    parent: u32,
}

/// Finds a name's bindings without walking every binding in scope: looking up a name no
/// binding defines used to cost a pass over the whole stage chain, so a stage of many `ENV`s
/// (or a long `FROM <stage>` chain) using undefined names was quadratic. Built alongside the
/// binding list (see [`BindingIndex::sync`]).
#[derive(Default)]
struct BindingIndex {
    /// The bindings that have a value, by ASCII-lower-cased name, in ascending order.
    values: std::collections::HashMap<String, Vec<u32>>,
    /// The ARG bindings (with or without value), likewise.
    args: std::collections::HashMap<String, Vec<u32>>,
    /// The stage of each indexed binding.
    binding_stage: Vec<u32>,
    /// Per stage, its depth in its `FROM <stage>` chain.
    depth: Vec<u32>,
    /// Per stage, its ancestors 1, 2, 4, ... steps up the chain (binary lifting), so whether
    /// one stage is built on another is known in logarithmic time.
    jumps: Vec<Vec<u32>>,
}

impl BindingIndex {
    /// Indexes the stages and bindings added since the last call.
    fn sync(&mut self, bindings: &[Binding<'_>], scopes: &[Scope]) {
        for scope in &scopes[self.depth.len()..] {
            if scope.parent == NONE {
                self.depth.push(0);
                self.jumps.push(Vec::new());
                continue;
            }
            let mut jumps = vec![scope.parent];
            while let Some(&next) = self.jumps[jumps[jumps.len() - 1] as usize].get(jumps.len() - 1)
            {
                jumps.push(next);
            }
            self.depth.push(self.depth[scope.parent as usize] + 1);
            self.jumps.push(jumps);
        }
        for (at, binding) in bindings.iter().enumerate().skip(self.binding_stage.len()) {
            // The stage whose slice holds the binding: the last one starting at or before it.
            let stage = scopes
                .partition_point(|scope| scope.start as usize <= at)
                .saturating_sub(1);
            self.binding_stage.push(stage as u32);
            let key = ascii_lowercase(&binding.name).into_owned();
            if binding.is_arg() {
                self.args.entry(key.clone()).or_default().push(at as u32);
            }
            if binding.value.is_some() {
                self.values.entry(key).or_default().push(at as u32);
            }
        }
    }

    /// Whether `ancestor` is `stage` or a stage it is built `FROM`, directly or not.
    fn is_ancestor_or_self(&self, ancestor: u32, mut stage: u32) -> bool {
        let (Some(&above), Some(&below)) = (
            self.depth.get(ancestor as usize),
            self.depth.get(stage as usize),
        ) else {
            return false;
        };
        if above > below {
            return false;
        }
        let mut steps = below - above;
        let mut level = 0;
        while steps > 0 {
            if steps & 1 == 1 {
                stage = self.jumps[stage as usize][level];
            }
            steps >>= 1;
            level += 1;
        }
        stage == ancestor
    }
}

/// Per-instruction facts, stored compactly.
#[derive(Clone, Copy, Debug)]
struct InstrInfo {
    /// The stage, or `NONE` before the first FROM.
    stage: u32,
    /// Bindings visible: the stage's bindings up to this index (exclusive); for instructions
    /// before the first FROM (and FROM itself), the number of globals visible.
    bindings_end: u32,
    /// SHELL / USER / WORKDIR in effect before the instruction runs.
    state: State,
}

struct WorkdirEntry<'a> {
    instruction: usize,
    path: Cow<'a, str>,
    relative_to_base: bool,
}

/// The semantic model of one Dockerfile.
pub struct SemanticModel<'a> {
    dockerfile: &'a Dockerfile,
    lexer: Lexer,
    globals: Vec<Binding<'a>>,
    bindings: Vec<Binding<'a>>,
    stages: Vec<Stage<'a>>,
    scopes: Vec<Scope>,
    index: BindingIndex,
    info: Vec<InstrInfo>,
    workdirs: Vec<WorkdirEntry<'a>>,
    dependencies: Vec<Dependency<'a>>,
    reachable: Vec<bool>,
    errors: Vec<ModelError>,
    /// The first stage of each (lower-cased) name.
    first_named: std::collections::HashMap<String, usize>,
    /// The last stage of each (lower-cased) name: what `COPY --from=NAME` means.
    last_named: std::collections::HashMap<String, usize>,
    /// Whether a later stage is built `FROM` each stage.
    is_parent: Vec<bool>,
}

/// An [`Env`] over the bindings visible at one point of a stage: the stage's bindings before
/// that point, then its parent stage's (all of them), and so on up the `FROM <stage>` chain.
#[derive(Clone, Copy)]
pub struct ScopeEnv<'m, 'a> {
    bindings: &'m [Binding<'a>],
    index: &'m BindingIndex,
    stage: u32,
    end: u32,
    case_insensitive: bool,
}

impl<'m, 'a> ScopeEnv<'m, 'a> {
    /// The newest visible binding of `name` among `indexed` (the index's values or args).
    fn find_indexed(
        &self,
        indexed: &'m std::collections::HashMap<String, Vec<u32>>,
        name: &str,
    ) -> Option<&'m Binding<'a>> {
        if self.stage == NONE {
            return None;
        }
        let list = indexed.get(ascii_lowercase(name).as_ref())?;
        // Visible: before `end`, in this stage or one it is built on (whose bindings all come
        // before this stage's), newest first.
        let before_end = list.partition_point(|&at| at < self.end);
        list[..before_end].iter().rev().find_map(|&at| {
            let binding = &self.bindings[at as usize];
            (names_equal(&binding.name, name, self.case_insensitive)
                && self
                    .index
                    .is_ancestor_or_self(self.index.binding_stage[at as usize], self.stage))
            .then_some(binding)
        })
    }

    /// The newest visible binding of `name` that has a value.
    pub fn find_value(&self, name: &str) -> Option<&'m Binding<'a>> {
        self.find_indexed(&self.index.values, name)
    }

    /// The newest visible ARG declaration of `name` (with or without value).
    pub fn find_arg(&self, name: &str) -> Option<&'m Binding<'a>> {
        self.find_indexed(&self.index.args, name)
    }

    /// What `$name` is here.
    pub fn lookup_binding(&self, name: &str) -> Lookup<'m, 'a> {
        if let Some(b) = self.find_value(name) {
            return Lookup::Set(b);
        }
        match self.find_arg(name) {
            Some(b) => Lookup::DeclaredUnset(b),
            None => Lookup::Undefined,
        }
    }
}

fn names_equal(a: &str, b: &str, case_insensitive: bool) -> bool {
    if case_insensitive {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

impl Env for ScopeEnv<'_, '_> {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.find_value(name).and_then(|b| b.value.as_deref())
    }
}

/// An [`Env`] over the first `end` global bindings (predefined ARGs, then meta ARGs).
#[derive(Clone, Copy)]
pub struct GlobalEnv<'m, 'a> {
    globals: &'m [Binding<'a>],
}

impl Env for GlobalEnv<'_, '_> {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.globals
            .iter()
            .rev()
            .find(|b| b.name == name && b.value.is_some())
            .and_then(|b| b.value.as_deref())
    }
}

/// The environment an instruction's words are expanded in.
#[derive(Clone, Copy)]
pub enum InstructionEnv<'m, 'a> {
    /// FROM lines and meta ARGs: the global scope.
    Global(GlobalEnv<'m, 'a>),
    /// Inside a stage.
    Stage(ScopeEnv<'m, 'a>),
}

impl Env for InstructionEnv<'_, '_> {
    fn lookup(&self, name: &str) -> Option<&str> {
        match self {
            InstructionEnv::Global(env) => env.lookup(name),
            InstructionEnv::Stage(env) => env.lookup(name),
        }
    }
}

impl<'a> SemanticModel<'a> {
    /// Builds the model for a plain `docker build` on linux/amd64 without build args.
    pub fn new(dockerfile: &'a Dockerfile) -> Self {
        Self::with_options(dockerfile, &DEFAULT_OPTIONS)
    }

    /// Builds the model for a build with the given options.
    pub fn with_options(dockerfile: &'a Dockerfile, options: &'a BuildOptions) -> Self {
        Builder::new(dockerfile, options).build()
    }

    /// The Dockerfile.
    pub fn dockerfile(&self) -> &'a Dockerfile {
        self.dockerfile
    }

    /// The first stage named `name` (stage names are lower-cased), if any.
    pub fn first_stage_named(&self, name: &str) -> Option<usize> {
        self.first_named.get(name).copied()
    }

    /// Whether a later stage is built `FROM` stage `stage`.
    pub fn is_parent_stage(&self, stage: usize) -> bool {
        self.is_parent.get(stage).copied().unwrap_or(false)
    }

    /// The lexer for this file's escape token.
    pub fn lexer(&self) -> Lexer {
        self.lexer.clone()
    }

    /// The stages, in file order.
    pub fn stages(&self) -> &[Stage<'a>] {
        &self.stages
    }

    /// Stage `index`.
    pub fn stage(&self, index: usize) -> Option<&Stage<'a>> {
        self.stages.get(index)
    }

    /// The final stage (the last one), which a build without `--target` produces.
    pub fn final_stage(&self) -> Option<&Stage<'a>> {
        self.stages.last()
    }

    /// The stage with this name (case-insensitive, as `COPY --from` looks names up; the last
    /// stage of that name when repeated).
    pub fn stage_by_name(&self, name: &str) -> Option<&Stage<'a>> {
        // A lookup, not a scan: rules ask once per `COPY --from`, and files with tens of
        // thousands of stages exist (hostile or generated).
        let index = match self.last_named.get(name) {
            Some(index) => Some(*index),
            None if name.bytes().any(|b| b.is_ascii_uppercase()) => {
                self.last_named.get(&name.to_ascii_lowercase()).copied()
            }
            None => None,
        }?;
        self.stages.get(index)
    }

    /// The stage instruction `index` belongs to (`None` before the first FROM).
    pub fn stage_of(&self, index: usize) -> Option<&Stage<'a>> {
        let stage = self.info.get(index)?.stage;
        (stage != NONE).then(|| &self.stages[stage as usize])
    }

    /// The stage graph's edges, in file order.
    pub fn dependencies(&self) -> &[Dependency<'a>] {
        &self.dependencies
    }

    /// The edges out of one stage.
    pub fn dependencies_of(&self, stage: usize) -> impl Iterator<Item = &Dependency<'a>> {
        stage_dependencies(&self.dependencies, stage).iter()
    }

    /// Whether the final stage needs stage `index` (it is the final stage, or one the final stage
    /// reaches through `FROM`, `COPY --from` or `RUN --mount=from`).
    pub fn is_reachable(&self, index: usize) -> bool {
        self.reachable.get(index).copied().unwrap_or(false)
    }

    /// The stages the final stage needs, in file order.
    pub fn reachable_stages(&self) -> impl Iterator<Item = &Stage<'a>> {
        self.stages.iter().filter(|s| self.is_reachable(s.index))
    }

    /// Predefined platform ARGs and meta ARGs, in order.
    pub fn globals(&self) -> &[Binding<'a>] {
        &self.globals
    }

    /// The meta ARGs (ARGs before the first FROM).
    pub fn meta_args(&self) -> impl Iterator<Item = &Binding<'a>> {
        self.globals
            .iter()
            .filter(|b| b.kind == BindingKind::MetaArg)
    }

    /// The ARG and ENV bindings of one stage (not including inherited ones).
    pub fn stage_bindings(&self, stage: usize) -> &[Binding<'a>] {
        self.scopes
            .get(stage)
            .map_or(&[], |s| &self.bindings[s.start as usize..s.end as usize])
    }

    /// Expansion errors found while building (meta ARG defaults, stage ARG defaults, ENV,
    /// WORKDIR, USER).
    pub fn errors(&self) -> &[ModelError] {
        &self.errors
    }

    /// The environment instruction `index` is expanded in. For FROM (and anything before the
    /// first FROM) that is the global scope; inside a stage, the bindings before the instruction.
    pub fn env_at(&self, index: usize) -> InstructionEnv<'_, 'a> {
        let Some(info) = self.info.get(index) else {
            return InstructionEnv::Global(GlobalEnv { globals: &[] });
        };
        let is_from = self.dockerfile.instructions[index].keyword == Keyword::From;
        if info.stage == NONE || is_from {
            let end = if is_from {
                self.globals.len()
            } else {
                info.bindings_end as usize
            };
            return InstructionEnv::Global(GlobalEnv {
                globals: &self.globals[..end],
            });
        }
        InstructionEnv::Stage(self.scope_env(info.stage, info.bindings_end))
    }

    /// The words of instruction `index` that BuildKit's dispatcher expands, in order. RUN,
    /// CMD, ENTRYPOINT, SHELL, HEALTHCHECK, MAINTAINER and ONBUILD have none (the shell or a
    /// child build expands them), and neither does COPY `--from`.
    pub fn expandable_words(&self, index: usize) -> Vec<ExpandableWord<'a>> {
        let Some(instruction) = self.dockerfile.instructions.get(index) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let word = |w: &'a Word, role| ExpandableWord {
            text: &w.value,
            range: w.range,
            role,
        };
        let flags = |out: &mut Vec<ExpandableWord<'a>>, names: &[&str]| {
            for flag in &instruction.flags {
                if let (true, Some(text), Some(range)) = (
                    names.contains(&flag.name.as_str()),
                    flag.value.as_deref(),
                    flag.value_range,
                ) {
                    out.push(ExpandableWord {
                        text,
                        range,
                        role: WordRole::Flag,
                    });
                }
            }
        };
        match (instruction.keyword, &instruction.args) {
            (Keyword::From, Arguments::From(from)) => {
                if let Some(flag) = instruction.flag("platform")
                    && let (Some(text), Some(range)) = (flag.value.as_deref(), flag.value_range)
                {
                    out.push(ExpandableWord {
                        text,
                        range,
                        role: WordRole::FromPlatform,
                    });
                }
                out.extend(from.image.iter().map(|w| word(w, WordRole::FromImage)));
            }
            (Keyword::Env | Keyword::Label, Arguments::KeyValues(list)) => {
                for pair in &list.pairs {
                    out.push(ExpandableWord {
                        text: &pair.key,
                        range: pair.key_range,
                        role: WordRole::Key,
                    });
                    if let (Some(text), Some(range)) = (pair.value.as_deref(), pair.value_range) {
                        out.push(ExpandableWord {
                            text,
                            range,
                            role: WordRole::Value,
                        });
                    }
                }
            }
            (Keyword::Arg, Arguments::Arg(pairs)) => {
                for pair in pairs {
                    if let (Some(text), Some(range)) = (pair.value.as_deref(), pair.value_range) {
                        out.push(ExpandableWord {
                            text,
                            range,
                            role: WordRole::ArgDefault,
                        });
                    }
                }
            }
            (Keyword::Add | Keyword::Copy, args) => {
                flags(&mut out, &["chown", "chmod", "checksum"]);
                match args {
                    Arguments::Words(words) => {
                        out.extend(words.iter().map(|w| word(w, WordRole::Argument)));
                    }
                    Arguments::Exec(exec) => {
                        out.extend(exec.words.iter().map(|w| word(w, WordRole::Argument)));
                    }
                    _ => {}
                }
            }
            (
                Keyword::Workdir | Keyword::User | Keyword::Volume | Keyword::Stopsignal,
                Arguments::Words(words),
            ) => out.extend(words.iter().map(|w| word(w, WordRole::Argument))),
            (Keyword::Volume, Arguments::Exec(exec)) => {
                out.extend(exec.words.iter().map(|w| word(w, WordRole::Argument)));
            }
            (Keyword::Expose, Arguments::Words(words)) => {
                out.extend(words.iter().map(|w| word(w, WordRole::ExposePort)));
            }
            _ => {}
        }
        out
    }

    fn scope_env(&self, stage: u32, end: u32) -> ScopeEnv<'_, 'a> {
        ScopeEnv {
            bindings: &self.bindings,
            index: &self.index,
            stage,
            end,
            case_insensitive: self.stages[stage as usize].os == Os::Windows,
        }
    }

    /// The environment at the end of a stage (what a `FROM <stage>` child starts with).
    pub fn stage_env(&self, stage: usize) -> Option<ScopeEnv<'_, 'a>> {
        let scope = self.scopes.get(stage)?;
        Some(self.scope_env(stage as u32, scope.end))
    }

    /// What `$name` is when instruction `index` is expanded.
    pub fn lookup(&self, index: usize, name: &str) -> Lookup<'_, 'a> {
        match self.env_at(index) {
            InstructionEnv::Stage(env) => env.lookup_binding(name),
            InstructionEnv::Global(env) => {
                let mut declared = None;
                for b in env.globals.iter().rev().filter(|b| b.name == name) {
                    if b.value.is_some() {
                        return Lookup::Set(b);
                    }
                    declared.get_or_insert(b);
                }
                declared.map_or(Lookup::Undefined, Lookup::DeclaredUnset)
            }
        }
    }

    /// The value of `$name` when instruction `index` is expanded, if set.
    pub fn value_of(&self, index: usize, name: &str) -> Option<&str> {
        let binding = match self.env_at(index) {
            InstructionEnv::Stage(env) => env.find_value(name),
            InstructionEnv::Global(env) => env.binding(name),
        };
        binding.and_then(|b| b.value.as_deref())
    }

    /// Expands `word` (a word of instruction `index`) as BuildKit's dispatcher would, with
    /// matched/unmatched names.
    pub fn expand<'s>(&self, index: usize, word: &'s str) -> Result<Expansion<'s>, ExpandError> {
        self.lexer.process_word(word, &self.env_at(index))
    }

    /// Expands and word-splits `word` of instruction `index` (BuildKit does this for EXPOSE).
    pub fn expand_words(&self, index: usize, word: &str) -> Result<Vec<String>, ExpandError> {
        self.lexer.process_words(word, &self.env_at(index))
    }

    /// The names in `expansion.unmatched` that BuildKit reports as undefined at instruction
    /// `index`: not declared as an ARG in scope (in a stage) or as a meta ARG (in FROM), and
    /// not one of the build args BuildKit never puts in the environment.
    pub fn undefined_names<'s>(&self, index: usize, expansion: &Expansion<'s>) -> Vec<&'s str> {
        let env = self.env_at(index);
        expansion
            .unmatched
            .iter()
            .copied()
            .filter(|name| !NON_ENV_ARGS.contains(name))
            .filter(|name| match env {
                InstructionEnv::Stage(env) => env.find_arg(name).is_none(),
                InstructionEnv::Global(_) => !self.globals.iter().any(|b| b.name == *name),
            })
            .collect()
    }

    /// The SHELL in effect for instruction `index`.
    pub fn shell_at(&self, index: usize) -> Shell<'a> {
        match self.info.get(index) {
            Some(info) if info.stage != NONE => self.shell_from(info.stage, info.state.shell),
            _ => Shell::Default(Os::Linux),
        }
    }

    /// The SHELL in effect at the end of a stage (what its CMD/ENTRYPOINT use).
    pub fn stage_shell(&self, stage: usize) -> Option<Shell<'a>> {
        let s = self.stages.get(stage)?;
        Some(self.shell_from(stage as u32, s.end_state.shell))
    }

    fn shell_from(&self, stage: u32, shell: u32) -> Shell<'a> {
        if shell == NONE {
            return Shell::Default(self.stages[stage as usize].os);
        }
        let instruction = shell as usize;
        match &self.dockerfile.instructions[instruction].args {
            Arguments::Exec(exec) => Shell::Custom {
                instruction,
                args: &exec.words,
            },
            _ => Shell::Default(self.stages[stage as usize].os),
        }
    }

    /// The USER in effect for instruction `index` (set in its stage or inherited through
    /// `FROM <stage>`); `None` means the base image's user.
    pub fn user_at(&self, index: usize) -> Option<UserSetting<'a>> {
        let info = self.info.get(index)?;
        self.user_from(info.state.user)
    }

    /// The USER at the end of a stage: the user its container runs as, when set in the file.
    pub fn stage_user(&self, stage: usize) -> Option<UserSetting<'a>> {
        self.user_from(self.stages.get(stage)?.end_state.user)
    }

    fn user_from(&self, user: u32) -> Option<UserSetting<'a>> {
        if user == NONE {
            return None;
        }
        let instruction = user as usize;
        match &self.dockerfile.instructions[instruction].args {
            Arguments::Words(words) => words.first().map(|word| UserSetting { instruction, word }),
            _ => None,
        }
    }

    /// The WORKDIR in effect for instruction `index`; `None` means the base image's.
    pub fn workdir_at(&self, index: usize) -> Option<WorkdirSetting<'_>> {
        self.workdir_from(self.info.get(index)?.state.workdir)
    }

    /// The WORKDIR at the end of a stage.
    pub fn stage_workdir(&self, stage: usize) -> Option<WorkdirSetting<'_>> {
        self.workdir_from(self.stages.get(stage)?.end_state.workdir)
    }

    fn workdir_from(&self, workdir: u32) -> Option<WorkdirSetting<'_>> {
        let entry = self.workdirs.get(workdir as usize)?;
        Some(WorkdirSetting {
            instruction: entry.instruction,
            path: &entry.path,
            relative_to_base: entry.relative_to_base,
        })
    }
}

/// A `--from` waiting for all stage names to be known.
struct PendingSource<'a> {
    stage: usize,
    instruction: usize,
    kind: DependencyKind,
    value: Cow<'a, str>,
}

struct Builder<'a> {
    dockerfile: &'a Dockerfile,
    options: &'a BuildOptions,
    lexer: Lexer,
    globals: Vec<Binding<'a>>,
    bindings: Vec<Binding<'a>>,
    stages: Vec<Stage<'a>>,
    scopes: Vec<Scope>,
    index: BindingIndex,
    info: Vec<InstrInfo>,
    workdirs: Vec<WorkdirEntry<'a>>,
    pending: Vec<PendingSource<'a>>,
    errors: Vec<ModelError>,
    state: State,
    /// The latest stage of each (lower-cased) name so far: looking names up by scanning every
    /// stage made files with thousands of stages quadratic.
    latest_named: std::collections::HashMap<String, usize>,
}

impl<'a> Builder<'a> {
    fn new(dockerfile: &'a Dockerfile, options: &'a BuildOptions) -> Self {
        Self {
            dockerfile,
            options,
            lexer: Lexer::new(dockerfile.escape),
            globals: Vec::with_capacity(PLATFORM_ARGS.len() + 2),
            bindings: Vec::new(),
            stages: Vec::new(),
            scopes: Vec::new(),
            index: BindingIndex::default(),
            info: Vec::with_capacity(dockerfile.instructions.len()),
            workdirs: Vec::new(),
            pending: Vec::new(),
            errors: Vec::new(),
            state: State::INITIAL,
            latest_named: std::collections::HashMap::new(),
        }
    }

    fn build(mut self) -> SemanticModel<'a> {
        let dockerfile = self.dockerfile;
        self.add_predefined_args();
        for (index, instruction) in dockerfile.instructions.iter().enumerate() {
            if instruction.keyword == Keyword::From {
                self.finish_stage(index);
                self.start_stage(index, instruction);
                continue;
            }
            match self.stages.len().checked_sub(1) {
                None => self.pre_stage_instruction(index, instruction),
                Some(stage) => self.stage_instruction(stage, index, instruction),
            }
        }
        self.finish_stage(dockerfile.instructions.len());
        self.index.sync(&self.bindings, &self.scopes);
        let dependencies = self.resolve_sources();
        // `stage_dependencies` finds a stage's edges by binary search.
        debug_assert!(dependencies.is_sorted_by_key(|d| d.stage));
        let reachable = reachable_from_final(self.stages.len(), &dependencies);
        let mut first_named = std::collections::HashMap::new();
        let mut last_named = std::collections::HashMap::new();
        let mut is_parent = vec![false; self.stages.len()];
        for stage in &self.stages {
            if let Some(name) = &stage.name {
                first_named.entry(name.to_string()).or_insert(stage.index);
                last_named.insert(name.to_string(), stage.index);
            }
            if let Some(parent) = stage.parent() {
                is_parent[parent] = true;
            }
        }
        SemanticModel {
            dockerfile,
            lexer: self.lexer,
            globals: self.globals,
            bindings: self.bindings,
            stages: self.stages,
            index: self.index,
            scopes: self.scopes,
            info: self.info,
            workdirs: self.workdirs,
            dependencies,
            reachable,
            errors: self.errors,
            first_named,
            last_named,
            is_parent,
        }
    }

    fn add_predefined_args(&mut self) {
        let options = self.options;
        for (name, value) in &options.platform_args {
            let value = options.build_arg(name).unwrap_or(value);
            self.globals.push(predefined(name, Cow::Borrowed(value)));
        }
        // TARGETSTAGE: `--target`, else the last stage's name, else `default`.
        let target = match (options.build_arg("TARGETSTAGE"), &options.target) {
            (Some(value), _) => Cow::Borrowed(value),
            (None, Some(target)) => Cow::Borrowed(target.as_str()),
            (None, None) => self
                .dockerfile
                .instructions
                .iter()
                .rev()
                .find(|i| i.keyword == Keyword::From)
                .and_then(|i| match &i.args {
                    Arguments::From(from) => from.stage_name.as_ref(),
                    _ => None,
                })
                .map_or(Cow::Borrowed("default"), |w| ascii_lowercase(&w.value)),
        };
        self.globals.push(predefined("TARGETSTAGE", target));
    }

    /// Instructions before the first FROM: meta ARGs (anything else is an error for the
    /// instructions layer and has no effect here).
    fn pre_stage_instruction(&mut self, index: usize, instruction: &'a Instruction) {
        self.info.push(InstrInfo {
            stage: NONE,
            bindings_end: self.globals.len() as u32,
            state: State::INITIAL,
        });
        let Arguments::Arg(pairs) = &instruction.args else {
            return;
        };
        for pair in pairs {
            let value = if let Some(value) = self.options.build_arg(&pair.key) {
                Some(Cow::Borrowed(value))
            } else if let Some(default) = &pair.value {
                let env = GlobalEnv {
                    globals: &self.globals,
                };
                match self.lexer.process_word(default, &env) {
                    Ok(expansion) => Some(expansion.value),
                    Err(error) => {
                        self.errors.push(ModelError {
                            instruction: index,
                            error,
                        });
                        None
                    }
                }
            } else {
                None
            };
            self.globals.push(Binding {
                name: Cow::Borrowed(&pair.key),
                value,
                kind: BindingKind::MetaArg,
                instruction: Some(index),
                pair: Some(pair),
            });
        }
    }

    fn finish_stage(&mut self, end: usize) {
        let Some(stage) = self.stages.last_mut() else {
            return;
        };
        stage.instructions.end = end;
        stage.end_state = self.state;
        if let Some(scope) = self.scopes.last_mut() {
            scope.end = self.bindings.len() as u32;
        }
    }

    fn start_stage(&mut self, index: usize, from: &'a Instruction) {
        let stage_index = self.stages.len();
        let from_args = match &from.args {
            Arguments::From(args) => Some(args),
            _ => None,
        };
        let image_word = from_args.and_then(|a| a.image.as_ref());
        let name_word = from_args.and_then(|a| a.stage_name.as_ref());
        let env = GlobalEnv {
            globals: &self.globals,
        };
        let base_expansion = image_word.map(|w| self.lexer.process_word(&w.value, &env));
        let platform = from.flag("platform").map(|flag| PlatformFlag {
            flag,
            expansion: self
                .lexer
                .process_word(flag.value.as_deref().unwrap_or(""), &env),
        });
        let base = match &base_expansion {
            Some(Ok(expansion)) if !expansion.value.is_empty() => {
                let name = &*expansion.value;
                // BuildKit looks the expanded name up, case-sensitively, among the stages
                // registered so far (whose names are lower-cased); the latest one wins.
                match self.latest_named.get(name) {
                    Some(&parent) => Base::Stage(parent),
                    None if name == "scratch" => Base::Scratch,
                    None => Base::Image,
                }
            }
            _ => Base::Unresolved,
        };
        let platform_os = platform
            .as_ref()
            .and_then(|p| p.expansion.as_ref().ok())
            .map(|e| {
                if e.value.starts_with("windows") {
                    Os::Windows
                } else {
                    Os::Linux
                }
            });
        let os = match (base, platform_os) {
            (Base::Stage(parent), _) => self.stages[parent].os,
            (_, Some(os)) => os,
            (Base::Image, None) => {
                let name = base_expansion
                    .as_ref()
                    .and_then(|e| e.as_ref().ok())
                    .map_or("", |e| &*e.value);
                if looks_like_windows_image(name) {
                    Os::Windows
                } else {
                    Os::Linux
                }
            }
            _ => Os::Linux,
        };
        let parent = match base {
            Base::Stage(parent) => parent as u32,
            _ => NONE,
        };
        self.state = match base {
            Base::Stage(parent) => self.stages[parent].end_state,
            _ => State::INITIAL,
        };
        let start = self.bindings.len() as u32;
        self.scopes.push(Scope {
            start,
            end: start,
            parent,
        });
        self.info.push(InstrInfo {
            stage: stage_index as u32,
            bindings_end: start,
            state: self.state,
        });
        if let Base::Stage(parent) = base {
            self.pending.push(PendingSource {
                stage: stage_index,
                instruction: index,
                kind: DependencyKind::From,
                value: Cow::Owned(parent.to_string()),
            });
        }
        if let Some(word) = name_word {
            self.latest_named
                .insert(ascii_lowercase(&word.value).into_owned(), stage_index);
        }
        self.stages.push(Stage {
            index: stage_index,
            name: name_word.map(|w| ascii_lowercase(&w.value)),
            name_word,
            from_index: index,
            from,
            instructions: index..index + 1,
            image_word,
            base_expansion,
            base,
            platform,
            os,
            end_state: State::INITIAL,
        });
    }

    fn scope_env(&self, stage: usize, end: usize) -> ScopeEnv<'_, 'a> {
        ScopeEnv {
            bindings: &self.bindings,
            index: &self.index,
            stage: stage as u32,
            end: end as u32,
            case_insensitive: self.stages[stage].os == Os::Windows,
        }
    }

    fn stage_instruction(&mut self, stage: usize, index: usize, instruction: &'a Instruction) {
        let start = self.bindings.len();
        self.info.push(InstrInfo {
            stage: stage as u32,
            bindings_end: start as u32,
            state: self.state,
        });
        match instruction.keyword {
            Keyword::Arg => {
                if let Arguments::Arg(pairs) = &instruction.args {
                    for pair in pairs {
                        self.add_stage_arg(stage, index, pair);
                    }
                }
            }
            Keyword::Env => {
                if let Arguments::KeyValues(list) = &instruction.args {
                    for pair in &list.pairs {
                        // Every pair is expanded against the environment before the
                        // instruction: `ENV A=1 B=$A` gives B the old A.
                        let name = self.expand_in_stage(stage, start, index, &pair.key);
                        let value = pair
                            .value
                            .as_deref()
                            .map(|v| self.expand_in_stage(stage, start, index, v));
                        self.bindings.push(Binding {
                            name,
                            value: Some(value.unwrap_or(Cow::Borrowed(""))),
                            kind: BindingKind::Env,
                            instruction: Some(index),
                            pair: Some(pair),
                        });
                    }
                }
            }
            Keyword::Shell => {
                if matches!(instruction.args, Arguments::Exec(_)) {
                    self.state.shell = index as u32;
                }
            }
            Keyword::User => {
                if matches!(&instruction.args, Arguments::Words(w) if !w.is_empty()) {
                    self.state.user = index as u32;
                }
            }
            Keyword::Workdir => {
                if let Arguments::Words(words) = &instruction.args
                    && let Some(word) = words.first()
                {
                    self.set_workdir(stage, index, word);
                }
            }
            Keyword::Copy => {
                if let Some(value) = instruction.flag("from").and_then(|f| f.value.as_deref()) {
                    self.pending.push(PendingSource {
                        stage,
                        instruction: index,
                        kind: DependencyKind::CopyFrom,
                        value: Cow::Borrowed(value),
                    });
                }
            }
            Keyword::Run => self.add_mount_sources(stage, index, instruction),
            _ => {}
        }
    }

    /// Expands `word` of instruction `index` with the first `end` bindings of `stage` in scope;
    /// on failure records the error and keeps the word as written.
    fn expand_in_stage(
        &mut self,
        stage: usize,
        end: usize,
        index: usize,
        word: &'a str,
    ) -> Cow<'a, str> {
        self.index.sync(&self.bindings, &self.scopes);
        let env = ScopeEnv {
            bindings: &self.bindings,
            index: &self.index,
            stage: stage as u32,
            end: end as u32,
            case_insensitive: self.stages[stage].os == Os::Windows,
        };
        match self.lexer.process_word(word, &env) {
            Ok(expansion) => expansion.value,
            Err(error) => {
                self.errors.push(ModelError {
                    instruction: index,
                    error,
                });
                Cow::Borrowed(word)
            }
        }
    }

    /// BuildKit's `dispatchArg`: a `--build-arg` wins, then the default (expanded in the stage
    /// environment, which includes the ARGs before it in the same instruction), then the
    /// global value of the same name; otherwise the ARG is declared but unset.
    fn add_stage_arg(&mut self, stage: usize, index: usize, pair: &'a KeyValue) {
        let value = if let Some(value) = self.options.build_arg(&pair.key) {
            Some(Cow::Borrowed(value))
        } else if let Some(default) = &pair.value {
            Some(self.expand_in_stage(stage, self.bindings.len(), index, default))
        } else {
            GlobalEnv {
                globals: &self.globals,
            }
            .binding(&pair.key)
            .and_then(|b| b.value.clone())
        };
        // These two are tracked as declared but never enter the environment.
        let value = value.filter(|_| !NON_ENV_ARGS.contains(&pair.key.as_str()));
        self.bindings.push(Binding {
            name: Cow::Borrowed(&pair.key),
            value,
            kind: BindingKind::Arg,
            instruction: Some(index),
            pair: Some(pair),
        });
    }

    fn set_workdir(&mut self, stage: usize, index: usize, word: &'a Word) {
        let path = self.expand_in_stage(stage, self.bindings.len(), index, &word.value);
        let previous = self.workdirs.get(self.state.workdir as usize);
        let relative = !path.starts_with('/');
        let relative_to_base = previous.map_or(relative, |p| p.relative_to_base && relative)
            || (previous.is_none() && relative);
        let path = normalize_workdir(previous.map(|p| &*p.path), path);
        self.state.workdir = self.workdirs.len() as u32;
        self.workdirs.push(WorkdirEntry {
            instruction: index,
            path,
            relative_to_base,
        });
    }

    fn add_mount_sources(&mut self, stage: usize, index: usize, instruction: &'a Instruction) {
        for flag in instruction.flags.iter().filter(|f| f.name == "mount") {
            let Some(spec) = flag.value.as_deref() else {
                continue;
            };
            let Some(from) = mount_from(spec) else {
                continue;
            };
            let end = self.bindings.len();
            let value = match from {
                Cow::Borrowed(text) => self.expand_in_stage(stage, end, index, text),
                Cow::Owned(text) => {
                    self.index.sync(&self.bindings, &self.scopes);
                    let env = self.scope_env(stage, end);
                    match self.lexer.process_word(&text, &env) {
                        Ok(expansion) => Cow::Owned(expansion.value.into_owned()),
                        Err(_) => Cow::Owned(text),
                    }
                }
            };
            self.pending.push(PendingSource {
                stage,
                instruction: index,
                kind: DependencyKind::MountFrom,
                value,
            });
        }
    }

    fn resolve_sources(&mut self) -> Vec<Dependency<'a>> {
        let pending = std::mem::take(&mut self.pending);
        let mut out = Vec::with_capacity(pending.len());
        for p in pending {
            let source = match p.kind {
                DependencyKind::From => match p.value.parse::<usize>() {
                    Ok(parent) => SourceRef::Stage(parent),
                    Err(_) => continue,
                },
                DependencyKind::CopyFrom => self.resolve_copy_from(p.value),
                DependencyKind::MountFrom => match self.stage_named(&p.value) {
                    Some(stage) => SourceRef::Stage(stage),
                    None => SourceRef::Image(p.value),
                },
            };
            out.push(Dependency {
                stage: p.stage,
                instruction: p.instruction,
                kind: p.kind,
                source,
            });
        }
        out
    }

    /// BuildKit's `COPY --from` resolution: no variables, then a numeric stage index, then a
    /// stage name (case-insensitive, any stage of the file), else an image.
    fn resolve_copy_from(&self, value: Cow<'a, str>) -> SourceRef<'a> {
        if let Cow::Borrowed(text) = value {
            let unchanged = self
                .lexer
                .process_word(text, &crate::lex::EmptyEnv)
                .is_ok_and(|e| e.value == text);
            if !unchanged {
                return SourceRef::Variable(text);
            }
        }
        if let Some(index) = go_atoi(&value) {
            return match usize::try_from(index) {
                Ok(index) if index < self.stages.len() => SourceRef::Stage(index),
                _ => SourceRef::InvalidIndex(value.into_owned()),
            };
        }
        match self.stage_named(&value) {
            Some(stage) => SourceRef::Stage(stage),
            None => SourceRef::Image(value),
        }
    }

    fn stage_named(&self, name: &str) -> Option<usize> {
        self.latest_named.get(&*ascii_lowercase(name)).copied()
    }
}

impl<'m, 'a> GlobalEnv<'m, 'a> {
    /// The newest global binding of `name` that has a value.
    fn binding(&self, name: &str) -> Option<&'m Binding<'a>> {
        self.globals
            .iter()
            .rev()
            .find(|b| b.name == name && b.value.is_some())
    }
}

fn predefined<'a>(name: &'static str, value: Cow<'a, str>) -> Binding<'a> {
    Binding {
        name: Cow::Borrowed(name),
        value: Some(value),
        kind: BindingKind::Predefined,
        instruction: None,
        pair: None,
    }
}

fn ascii_lowercase(text: &str) -> Cow<'_, str> {
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

/// Go's `strconv.Atoi` on a stage reference: optional sign, then decimal digits only.
fn go_atoi(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The `from=` value of a `--mount` spec (CSV of `key=value` fields; keys are
/// case-insensitive; a field may be double-quoted with `""` for a quote).
fn mount_from(spec: &str) -> Option<Cow<'_, str>> {
    let mut rest = spec;
    loop {
        let (field, next) = csv_field(rest);
        let (key, value) = match &field {
            Cow::Borrowed(f) => match f.split_once('=') {
                Some((k, v)) => (k, Cow::Borrowed(v)),
                None => (*f, Cow::Borrowed("")),
            },
            Cow::Owned(f) => match f.split_once('=') {
                Some((k, v)) => (k, Cow::Owned(v.to_owned())),
                None => (f.as_str(), Cow::Borrowed("")),
            },
        };
        if key.trim().eq_ignore_ascii_case("from") {
            return Some(match value {
                Cow::Borrowed(v) => Cow::Borrowed(v),
                Cow::Owned(v) => Cow::Owned(v),
            });
        }
        rest = next?;
    }
}

/// Splits off one CSV field; returns it and the text after its comma (`None` at the end).
fn csv_field(text: &str) -> (Cow<'_, str>, Option<&str>) {
    if let Some(quoted) = text.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                if quoted[i + 1..].starts_with('"') {
                    value.push('"');
                    chars.next();
                    continue;
                }
                let after = &quoted[i + 1..];
                return match after.find(',') {
                    Some(comma) => (Cow::Owned(value), Some(&after[comma + 1..])),
                    None => (Cow::Owned(value), None),
                };
            }
            value.push(c);
        }
        return (Cow::Owned(value), None);
    }
    match text.find(',') {
        Some(comma) => (Cow::Borrowed(&text[..comma]), Some(&text[comma + 1..])),
        None => (Cow::Borrowed(text), None),
    }
}

/// BuildKit's Linux WORKDIR normalisation: an absolute path is kept as written; a relative one
/// is joined to the previous WORKDIR (or `/`) and cleaned; an empty one keeps the previous.
fn normalize_workdir<'a>(previous: Option<&str>, path: Cow<'a, str>) -> Cow<'a, str> {
    let parent = previous.unwrap_or("/");
    if path.is_empty() {
        return Cow::Owned(clean_path(parent));
    }
    if path.starts_with('/') {
        return path;
    }
    Cow::Owned(clean_path(&format!("{parent}/{path}")))
}

/// Go's `path.Clean` for a rooted path.
fn clean_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    let mut out = String::with_capacity(path.len());
    for part in &parts {
        out.push('/');
        out.push_str(part);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Whether an image name is a well-known Windows base image. The image config (which carries
/// the OS) is not available without pulling, so this is a name heuristic.
fn looks_like_windows_image(name: &str) -> bool {
    let has = |needle: &str| {
        name.as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    };
    let starts = |prefix: &str| {
        name.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    has("servercore")
        || has("nanoserver")
        || starts("mcr.microsoft.com/windows")
        || starts("microsoft/windowsservercore")
        || starts("mcr.microsoft.com/dotnet/framework/")
}

/// The edges out of `stage`: a slice, found by binary search, since edges are recorded in file
/// order and so sorted by stage. Filtering every edge per stage made a long `COPY --from` chain
/// quadratic (each of its stages visited once, each visit scanning every edge).
fn stage_dependencies<'d, 'a>(
    dependencies: &'d [Dependency<'a>],
    stage: usize,
) -> &'d [Dependency<'a>] {
    let start = dependencies.partition_point(|d| d.stage < stage);
    let end = start + dependencies[start..].partition_point(|d| d.stage == stage);
    &dependencies[start..end]
}

/// The stages the final stage needs.
fn reachable_from_final(stage_count: usize, dependencies: &[Dependency<'_>]) -> Vec<bool> {
    let mut reachable = vec![false; stage_count];
    let Some(last) = stage_count.checked_sub(1) else {
        return reachable;
    };
    let mut stack = vec![last];
    reachable[last] = true;
    while let Some(stage) = stack.pop() {
        for dep in stage_dependencies(dependencies, stage) {
            if let SourceRef::Stage(target) = dep.source
                && target < stage_count
                && !reachable[target]
            {
                reachable[target] = true;
                stack.push(target);
            }
        }
    }
    reachable
}
