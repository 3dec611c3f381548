//! Facts shared by the HS4xx practice rules: the final stage and the stages it is built on, the
//! distribution of its base image, who it runs as, what its CMD/ENTRYPOINT runs, which packages
//! its RUNs install, and container paths.

use hullscan_dockerfile::{Arguments, Instruction, Keyword};
use hullscan_semantic::{Base, Os, Stage};
use hullscan_shell::tools;

use crate::checker::Checker;
use crate::rules::dockerfile::shell_facts::run_commands;

/// The final stage followed by the stages it is built `FROM`, nearest first. Empty when the
/// file has no stage or the final stage is a Windows stage (whose conventions differ).
pub(crate) fn final_chain<'a>(checker: &Checker<'a, '_>) -> Vec<&'a Stage<'a>> {
    let model = checker.model;
    let Some(last) = model.final_stage() else {
        return Vec::new();
    };
    if last.os == Os::Windows {
        return Vec::new();
    }
    chain_of(checker, last.index)
}

/// Like [`final_chain`], but when the final stage is a test stage (named `test`, `tests` or
/// `testing`) built `FROM` an earlier stage, the chain of that earlier stage: the one that is
/// shipped (`docker build --target app`) while the test stage only runs checks on it in CI.
pub(crate) fn shipped_chain<'a>(checker: &Checker<'a, '_>) -> Vec<&'a Stage<'a>> {
    let chain = final_chain(checker);
    match chain.as_slice() {
        [last, parent, ..]
            if last.name.as_deref().is_some_and(|name| {
                matches!(
                    name.to_ascii_lowercase().as_str(),
                    "test" | "tests" | "testing"
                )
            }) =>
        {
            chain_of(checker, parent.index)
        }
        _ => chain,
    }
}

/// Stage `index` followed by the stages it is built `FROM`, nearest first.
pub(crate) fn chain_of<'a>(checker: &Checker<'a, '_>, index: usize) -> Vec<&'a Stage<'a>> {
    let model = checker.model;
    let mut chain = Vec::new();
    let mut current = model.stage(index);
    // FROM only names earlier stages, but bound the walk so a malformed model never loops.
    while let Some(stage) = current {
        if chain.len() > model.stages().len() {
            break;
        }
        chain.push(stage);
        current = stage.parent().and_then(|parent| model.stage(parent));
    }
    chain
}

/// The indices of the instructions of `chain` in build order (root stage first), FROMs
/// excluded.
pub(crate) fn chain_instructions(chain: &[&Stage<'_>]) -> Vec<usize> {
    chain
        .iter()
        .rev()
        .flat_map(|stage| stage.instructions.clone().skip(1))
        .collect()
}

/// The base image the chain starts from, lower-cased: `(repository path, tag)`, e.g.
/// `("library/python", Some("3.12-slim"))` or `("gcr.io/distroless/static", None)`.
pub(crate) struct BaseImage {
    /// `registry/repository` for images outside Docker Hub, `repository` (with `library/`
    /// removed) on Docker Hub.
    pub name: String,
    pub tag: Option<String>,
    pub scratch: bool,
}

impl BaseImage {
    /// The last path segment of the repository (`python`, `static`, `node`).
    pub fn short_name(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or(&self.name)
    }

    pub fn tag(&self) -> &str {
        self.tag.as_deref().unwrap_or("")
    }
}

/// The image at the root of `chain` (the last stage's base), when it resolved.
pub(crate) fn base_image(chain: &[&Stage<'_>]) -> Option<BaseImage> {
    let root = chain.last()?;
    match root.base {
        Base::Scratch => Some(BaseImage {
            name: "scratch".to_owned(),
            tag: None,
            scratch: true,
        }),
        Base::Image => {
            let image = root.image_ref()?.ok()?;
            let repository = image.repository.to_ascii_lowercase();
            let name = if image.registry == "docker.io" {
                repository
                    .strip_prefix("library/")
                    .unwrap_or(&repository)
                    .to_owned()
            } else {
                format!("{}/{repository}", image.registry.to_ascii_lowercase())
            };
            Some(BaseImage {
                name,
                tag: image.tag.map(str::to_ascii_lowercase),
                scratch: false,
            })
        }
        _ => None,
    }
}

/// The family of a base image, as far as its name and tag tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Distro {
    /// Alpine and busybox: busybox `adduser`/`addgroup`, busybox `wget`.
    Alpine,
    /// Debian, Ubuntu and the official language images built on them.
    Debian,
    /// RHEL, Fedora, CentOS, Rocky, Alma, Amazon Linux, Oracle Linux, UBI.
    Rhel,
    /// Distroless, Chainguard static images: no shell, no package manager.
    Distroless,
    /// `FROM scratch`.
    Scratch,
    Unknown,
}

/// Official Docker Hub images whose default tags are Debian-based.
const DEBIAN_BASED: &[&str] = &[
    "debian",
    "ubuntu",
    "python",
    "node",
    "golang",
    "ruby",
    "php",
    "perl",
    "rust",
    "openjdk",
    "eclipse-temurin",
    "amazoncorretto",
    "maven",
    "gradle",
    "buildpack-deps",
    "nginx",
    "httpd",
    "postgres",
    "mysql",
    "mariadb",
    "redis",
    "elixir",
    "erlang",
    "haskell",
    "julia",
    "r-base",
    "swift",
    "gcc",
    "clojure",
    "bash",
    "tomcat",
    "jetty",
    "dotnet",
    "sdk",
    "aspnet",
    "runtime",
    "mongo",
    "rabbitmq",
    "wordpress",
    "composer",
    "kong",
    "traefik",
];

const RHEL_BASED: &[&str] = &[
    "centos",
    "fedora",
    "rockylinux",
    "almalinux",
    "amazonlinux",
    "oraclelinux",
    "ubi8",
    "ubi9",
    "ubi",
    "ubi-minimal",
    "ubi8-minimal",
    "ubi9-minimal",
    "ubi-micro",
    "rhel",
    "stream8",
    "stream9",
    "centos-stream",
];

pub(crate) fn distro(image: &BaseImage) -> Distro {
    if image.scratch {
        return Distro::Scratch;
    }
    let name = image.name.as_str();
    let short = image.short_name();
    let tag = image.tag();
    if name.contains("distroless") || name.starts_with("cgr.dev/chainguard/static") {
        return Distro::Distroless;
    }
    if short == "alpine" || short == "busybox" || tag.contains("alpine") || tag.contains("busybox")
    {
        return Distro::Alpine;
    }
    if RHEL_BASED.contains(&short)
        || name.contains("redhat")
        || name.contains("/ubi")
        || tag.contains("ubi")
        || tag.contains("centos")
        || tag.contains("rocky")
        || tag.contains("oraclelinux")
        || tag.contains("amazonlinux")
    {
        return Distro::Rhel;
    }
    let debian_tag = [
        "bookworm", "bullseye", "buster", "trixie", "jammy", "noble", "focal", "slim",
    ]
    .iter()
    .any(|codename| tag.contains(codename));
    if debian_tag || (!name.contains('/') && DEBIAN_BASED.contains(&short)) {
        return Distro::Debian;
    }
    Distro::Unknown
}

/// How to create and switch to a non-root user on `distro`, for help lines.
pub(crate) fn create_user_help(distro: Distro) -> &'static str {
    match distro {
        Distro::Alpine => {
            "Create a user and switch to it: `RUN addgroup -S app && adduser -S -D -G app app` then `USER app`"
        }
        Distro::Debian | Distro::Rhel => {
            "Create a system user and switch to it: `RUN groupadd -r app && useradd -r -g app --no-log-init app` then `USER app`"
        }
        Distro::Distroless => {
            "Distroless images ship a non-root user: use `USER 65532` (or the `:nonroot` tag)"
        }
        Distro::Scratch => "`scratch` has no user database: use a numeric user, `USER 65532:65532`",
        Distro::Unknown => {
            "Create a non-root user (`adduser -S -D app` on Alpine, `useradd -r app` on Debian/RHEL) and add `USER app`; on distroless use `USER 65532`"
        }
    }
}

/// The distribution of the final image, when its base image resolves.
pub(crate) fn final_distro(checker: &Checker) -> Distro {
    base_image(&final_chain(checker)).map_or(Distro::Unknown, |image| distro(&image))
}

/// Who an instruction runs as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RunAs {
    Root,
    NonRoot,
    /// No USER in the file (the base image's user) or a value hullscan cannot expand.
    Unknown,
}

/// The user in effect at instruction `index` (set by a USER in its stage or a stage it is built
/// on).
pub(crate) fn run_as_at(checker: &Checker, index: usize) -> RunAs {
    let model = checker.model;
    let Some(setting) = model.user_at(index) else {
        return RunAs::Unknown;
    };
    user_kind(checker, setting.instruction, &setting.word.value)
}

/// The user the final stage's container runs as.
pub(crate) fn final_run_as(checker: &Checker) -> RunAs {
    let model = checker.model;
    let Some(last) = model.final_stage() else {
        return RunAs::Unknown;
    };
    match model.stage_user(last.index) {
        Some(setting) => user_kind(checker, setting.instruction, &setting.word.value),
        None => {
            let chain = final_chain(checker);
            match base_image(&chain) {
                Some(image)
                    if image.name.contains("nonroot") || image.tag().contains("nonroot") =>
                {
                    RunAs::NonRoot
                }
                _ => RunAs::Unknown,
            }
        }
    }
}

fn user_kind(checker: &Checker, instruction: usize, word: &str) -> RunAs {
    let model = checker.model;
    let env = model.env_at(instruction);
    let Ok(expansion) = model.lexer().process_word(word, &env) else {
        return RunAs::Unknown;
    };
    if !expansion.unmatched.is_empty() {
        return RunAs::Unknown;
    }
    let name = expansion.value.trim().split(':').next().unwrap_or_default();
    match name {
        "" => RunAs::Unknown,
        "root" | "0" => RunAs::Root,
        _ => RunAs::NonRoot,
    }
}

/// The last instruction with `keyword` in `chain` (nearest stage first), with its index.
pub(crate) fn last_in_chain<'a>(
    checker: &Checker<'a, '_>,
    chain: &[&Stage<'_>],
    keyword: Keyword,
) -> Option<(usize, &'a Instruction)> {
    let instructions = checker.instructions();
    chain.iter().find_map(|stage| {
        stage
            .instructions
            .clone()
            .rev()
            .find(|index| instructions[*index].keyword == keyword)
            .map(|index| (index, &instructions[index]))
    })
}

/// The text a CMD/ENTRYPOINT/HEALTHCHECK command runs: the shell-form text, or the exec words
/// joined with spaces.
pub(crate) fn command_text(instruction: &Instruction) -> String {
    match &instruction.args {
        Arguments::Shell(text) => text.value.clone(),
        Arguments::Exec(exec) => exec
            .words
            .iter()
            .map(|w| w.value.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        Arguments::Healthcheck(health) => match &health.command {
            Some(hullscan_dockerfile::HealthcheckCommand::Shell(text)) => text.value.clone(),
            Some(hullscan_dockerfile::HealthcheckCommand::Exec(exec)) => exec
                .words
                .iter()
                .map(|w| w.value.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            None => String::new(),
        },
        _ => String::new(),
    }
}

/// Programs that, run alone as the image's command, make it a general-purpose environment
/// (a shell or a language REPL) rather than an application.
const ENVIRONMENT_COMMANDS: &[&str] = &[
    "bash", "sh", "ash", "zsh", "python", "python3", "python2", "node", "irb", "ruby", "R", "ghci",
    "php", "perl", "jshell", "iex", "erl", "julia", "dotnet", "go", "gradle", "mvn", "pwsh",
];

/// The final image's ENTRYPOINT, then its CMD, with the first answer `reason` gives for the
/// command it runs (see [`command_text`]).
pub(crate) fn main_process_reason<'a>(
    checker: &Checker<'a, '_>,
    reason: impl Fn(&str) -> Option<String>,
) -> Option<(&'a Instruction, String)> {
    let chain = final_chain(checker);
    [Keyword::Entrypoint, Keyword::Cmd]
        .into_iter()
        .filter_map(|keyword| last_in_chain(checker, &chain, keyword))
        .find_map(|(_, instruction)| Some((instruction, reason(&command_text(instruction))?)))
}

/// The first answer `check` gives for the main process's command `text` parsed as a script,
/// or for a script it hands to a shell (`sh -c "…"`, `bash -lc "…"`).
pub(crate) fn in_command_or_shell_script<T>(
    text: &str,
    check: impl Fn(&hullscan_shell::Script<'_>) -> Option<T>,
) -> Option<T> {
    let outer = hullscan_shell::parse(text);
    if let Some(found) = check(&outer) {
        return Some(found);
    }
    outer
        .simple_commands()
        .into_iter()
        .filter_map(|command| command.invocation())
        .filter_map(|invocation| {
            tools::shell_command_string(&invocation).map(|word| word.value().to_owned())
        })
        .find_map(|inner| check(&hullscan_shell::parse(&inner)))
}

/// Whether the final image looks like it packages an application: it `EXPOSE`s a port, or its
/// `CMD`/`ENTRYPOINT` runs something other than a bare shell or REPL. Toolchain and base
/// images (the official `golang` image, a CI runner) have neither.
pub(crate) fn looks_like_application(checker: &Checker, chain: &[&Stage<'_>]) -> bool {
    if last_in_chain(checker, chain, Keyword::Expose).is_some() {
        return true;
    }
    let runs_app = |keyword| {
        let (_, instruction) = last_in_chain(checker, chain, keyword)?;
        let text = command_text(instruction);
        let mut words = text.split_whitespace();
        let program = words.next()?;
        let name = program.rsplit('/').next().unwrap_or(program);
        // `docker-entrypoint.sh` wrappers of the official images run whatever CMD says.
        if keyword == Keyword::Entrypoint && name.contains("entrypoint") {
            return None;
        }
        Some(!(ENVIRONMENT_COMMANDS.contains(&name) && words.next().is_none()))
    };
    runs_app(Keyword::Entrypoint)
        .or_else(|| runs_app(Keyword::Cmd))
        .unwrap_or(false)
}

/// The names of the packages the RUN at `index` installs with any system package manager
/// (apt, apk, dnf/yum/microdnf, zypper).
pub(crate) fn installed_packages<'c>(checker: &'c Checker, index: usize) -> Vec<&'c str> {
    let mut names = Vec::new();
    for command in run_commands(checker, index) {
        let invocation = &command.invocation;
        if let Some(apt) = tools::apt(invocation) {
            if apt.is("install") {
                names.extend(apt.packages.iter().map(|p| p.name));
            }
        } else if let Some(apk) = tools::apk(invocation) {
            if apk.is("add") {
                names.extend(apk.packages.iter().map(|p| p.name));
            }
        } else if let Some(rpm) = tools::rpm(invocation) {
            if rpm.is("install") || rpm.is("groupinstall") {
                names.extend(rpm.packages.iter().map(|w| package_base(w.value())));
            }
        } else if let Some(zypper) = tools::zypper(invocation)
            && zypper
                .subcommand
                .is_some_and(|w| matches!(w.value(), "install" | "in"))
        {
            names.extend(zypper.packages.iter().map(|w| package_base(w.value())));
        }
    }
    names
}

/// `nginx` for `nginx-1.20.1`, `nginx>=1.2`; the name before a version suffix.
fn package_base(text: &str) -> &str {
    let end = text.find(['=', '<', '>']).unwrap_or(text.len());
    &text[..end]
}

/// The RUN instructions (indices) among `indices`.
pub(crate) fn runs(checker: &Checker, indices: &[usize]) -> Vec<usize> {
    let instructions = checker.instructions();
    indices
        .iter()
        .copied()
        .filter(|index| instructions[*index].keyword == Keyword::Run)
        .collect()
}

/// `path` made absolute against `workdir` (default `/`) and normalised: no `.` segments, no
/// trailing slash, `..` resolved. `None` when it holds a variable or a glob.
pub(crate) fn absolute_path(workdir: Option<&str>, path: &str) -> Option<String> {
    if path.contains(['$', '*', '?', '[', '`', '~']) || path.is_empty() {
        return None;
    }
    let joined = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("{}/{path}", workdir.unwrap_or("/"))
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

/// Whether `path` is `dir` or inside it.
pub(crate) fn is_within(path: &str, dir: &str) -> bool {
    dir == "/"
        || path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Where lines added to the final stage go: right after its last build step (the last
/// instruction that is not `CMD`, `ENTRYPOINT`, `HEALTHCHECK`, `EXPOSE`, `LABEL` or
/// `STOPSIGNAL`; the `FROM` when there is none), so that the build steps run as before and the
/// runtime settings follow. An insertion there starts with a line break. `None` when the
/// instruction's last line continues (ends in the escape character).
pub(crate) fn after_last_build_step(checker: &Checker) -> Option<hullscan_text::TextSize> {
    let stage = checker.model.final_stage()?;
    let instructions = checker.instructions();
    let anchor = stage.instructions.clone().rev().find(|&index| {
        instructions.get(index).is_some_and(|instruction| {
            !matches!(
                instruction.keyword,
                Keyword::Cmd
                    | Keyword::Entrypoint
                    | Keyword::Healthcheck
                    | Keyword::Expose
                    | Keyword::Label
                    | Keyword::Stopsignal
            )
        })
    })?;
    let range = instructions[anchor].range;
    // A last line ending in the escape character (a continuation running into the end of the
    // file) would swallow the inserted line.
    let escape = checker.parse.dockerfile.escape;
    if checker.slice(range).trim_end().ends_with(escape) {
        return None;
    }
    Some(range.end())
}

/// Why the final image looks made for others to build on or run their own command in (a base,
/// runtime or toolchain image), rather than an application deployed as it is; `None` when it
/// looks like an application. Such images leave run-time decisions (`USER`) to the images
/// built on them, as the Docker Official Images do.
pub(crate) fn base_image_reason(checker: &Checker, chain: &[&Stage<'_>]) -> Option<&'static str> {
    let instructions = checker.instructions();
    let own = chain_instructions(chain);
    if own.is_empty() {
        // A file that is only `FROM x` (a template fragment a generator completes) decides
        // nothing about the image.
        return Some("adds nothing to its base image");
    }
    if own
        .iter()
        .any(|index| instructions[*index].keyword == Keyword::Onbuild)
    {
        return Some("has `ONBUILD` triggers, so it is a base for other builds");
    }
    let sets_process = [Keyword::Cmd, Keyword::Entrypoint]
        .into_iter()
        .any(|keyword| last_in_chain(checker, chain, keyword).is_some());
    if sets_process && !looks_like_application(checker, chain) {
        return Some(
            "runs a shell, a language runtime or an entrypoint wrapper with no program of its own, so it is a base for other images",
        );
    }
    None
}

/// Programs that start as root only to drop to another user at run time (the entrypoint of
/// the official images runs `gosu <user> "$@"`).
const STEP_DOWN_PROGRAMS: &[&str] = &["gosu", "su-exec", "setpriv", "s6-setuidgid", "chpst"];

/// The program the final image installs (or runs) to drop root at run time, if any: then not
/// setting `USER` is deliberate, the entrypoint steps down after preparing volumes.
pub(crate) fn steps_down_at_run_time(
    checker: &Checker,
    chain: &[&Stage<'_>],
) -> Option<&'static str> {
    for index in runs(checker, &chain_instructions(chain)) {
        let installed = installed_packages(checker, index);
        if let Some(program) = STEP_DOWN_PROGRAMS
            .iter()
            .find(|program| installed.contains(program))
        {
            return Some(program);
        }
        for command in run_commands(checker, index) {
            let name = command.invocation.name;
            if let Some(found) = STEP_DOWN_PROGRAMS.iter().find(|p| **p == name) {
                return Some(found);
            }
        }
    }
    None
}

/// Whether the final image carries code from the build context: a `COPY`/`ADD` of the
/// context's tree (`.`, a directory, a wildcard) or of an application file (an archive, a
/// jar, a script in a language runtime), in the final chain or in a stage it copies from.
/// An image whose context copies are only entrypoint scripts and configuration files
/// packages someone else's software (an official `haproxy` or `rabbitmq` image), configured
/// by whoever runs it.
pub(crate) fn ships_context_code(checker: &Checker, chain: &[&Stage<'_>]) -> bool {
    let model = checker.model;
    let instructions = checker.instructions();
    let mut pending: Vec<usize> = chain.iter().map(|stage| stage.index).collect();
    let mut seen = vec![false; model.stages().len()];
    while let Some(stage_index) = pending.pop() {
        if std::mem::replace(&mut seen[stage_index], true) {
            continue;
        }
        let Some(stage) = model.stage(stage_index) else {
            continue;
        };
        for index in stage.instructions.clone() {
            let instruction = &instructions[index];
            if !matches!(instruction.keyword, Keyword::Copy | Keyword::Add)
                || instruction.flag("from").is_some()
            {
                continue;
            }
            let words = crate::rules::dockerfile::shell_facts::copy_words(instruction);
            let Some((_, sources)) = words.split_last() else {
                continue;
            };
            if sources.iter().any(|(source, _)| {
                is_code_source(crate::rules::dockerfile::shell_facts::unquote(source))
            }) {
                return true;
            }
        }
        for dependency in model.dependencies_of(stage_index) {
            if let hullscan_semantic::SourceRef::Stage(from) = dependency.source
                && from < seen.len()
            {
                pending.push(from);
            }
        }
        if let Some(parent) = stage.parent().filter(|parent| *parent < seen.len()) {
            pending.push(parent);
        }
    }
    false
}

/// Whether a COPY/ADD source names application code rather than a script or config file.
fn is_code_source(source: &str) -> bool {
    if source.contains("://") {
        return false;
    }
    let trimmed = source.trim_start_matches("./");
    if trimmed.is_empty() || trimmed == "." || source.ends_with('/') {
        return true;
    }
    if trimmed.contains(['*', '?', '[']) {
        return true;
    }
    let name = trimmed.rsplit('/').next().unwrap_or(trimmed);
    let Some((stem, extension)) = name.rsplit_once('.') else {
        // No extension: a directory (`src`, `app`) or a manifest such as `Gemfile`.
        return !name.is_empty();
    };
    if stem.is_empty() {
        // A dotfile (`.npmrc`, `.env`): configuration.
        return false;
    }
    const CODE: &[&str] = &[
        "jar", "war", "ear", "js", "mjs", "cjs", "ts", "py", "rb", "php", "go", "rs", "java",
        "whl", "zip", "tgz", "gz", "xz", "bz2", "tar", "dll", "exe", "so", "html", "lock",
        "csproj", "sln",
    ];
    CODE.contains(&extension.to_ascii_lowercase().as_str())
        || matches!(
            name,
            "package.json"
                | "pyproject.toml"
                | "Cargo.toml"
                | "go.mod"
                | "pom.xml"
                | "build.gradle"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(name: &str, tag: Option<&str>) -> BaseImage {
        BaseImage {
            name: name.to_owned(),
            tag: tag.map(str::to_owned),
            scratch: false,
        }
    }

    #[test]
    fn distros_from_names_and_tags() {
        assert_eq!(distro(&image("alpine", Some("3.20"))), Distro::Alpine);
        assert_eq!(distro(&image("node", Some("22-alpine"))), Distro::Alpine);
        assert_eq!(distro(&image("python", Some("3.12-slim"))), Distro::Debian);
        assert_eq!(distro(&image("ubuntu", Some("24.04"))), Distro::Debian);
        assert_eq!(distro(&image("rockylinux", Some("9"))), Distro::Rhel);
        assert_eq!(
            distro(&image("registry.access.redhat.com/ubi9/ubi-minimal", None)),
            Distro::Rhel
        );
        assert_eq!(
            distro(&image("gcr.io/distroless/static-debian12", None)),
            Distro::Distroless
        );
        assert_eq!(
            distro(&image("example.com/team/app", Some("1"))),
            Distro::Unknown
        );
    }

    #[test]
    fn paths() {
        assert_eq!(absolute_path(Some("/app"), ".").as_deref(), Some("/app"));
        assert_eq!(
            absolute_path(Some("/app/"), "./src/").as_deref(),
            Some("/app/src")
        );
        assert_eq!(absolute_path(None, "x").as_deref(), Some("/x"));
        assert_eq!(absolute_path(Some("/a/b"), "../c").as_deref(), Some("/a/c"));
        assert_eq!(absolute_path(Some("/app"), "$HOME"), None);
        assert!(is_within("/app/data", "/app"));
        assert!(is_within("/app", "/app"));
        assert!(!is_within("/application", "/app"));
    }
}
