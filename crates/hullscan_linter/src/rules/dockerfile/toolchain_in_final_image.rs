//! HS404: compilers and build tools left in the final image.

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_shell::tools;

use crate::checker::Checker;
use crate::rules::dockerfile::practice_facts::{self, BaseImage};
use crate::rules::dockerfile::shell_facts::{RunCommand, run_commands};

declare_rule! {
    /// ## What it does
    /// Finds a final image that carries a build toolchain: its stage (or the stages it is
    /// built `FROM`) starts from a toolchain image (`golang`, `rust`, `maven`, `gradle`, `gcc`,
    /// `buildpack-deps`, a JDK `openjdk`/`eclipse-temurin`, the .NET `sdk`), installs compilers
    /// or headers (`build-essential`, `gcc`, `g++`, `clang`, `make`, `cmake`, `*-dev`,
    /// `*-devel`, `linux-headers`, a JDK) and does not remove them in the same `RUN`, or
    /// compiles (`go build`, `cargo build`, `npm run build`, `mvn package`, `gradle build`,
    /// `gcc`, `make`). Images that look like toolchains or environments on purpose (no
    /// `EXPOSE`, and no `CMD`/`ENTRYPOINT` other than a bare shell or REPL, as in the official
    /// language images) are left alone. When the last stage is a test stage (`FROM app AS
    /// test`, named `test`, `tests` or `testing`), the stage it tests is the shipped image:
    /// tools the test stage installs to run its checks are not reported.
    ///
    /// ## Why is this bad?
    /// A toolchain is needed to build the program, not to run it. Left in the image it adds
    /// hundreds of megabytes to every pull and push, brings its own vulnerabilities to patch,
    /// and hands an attacker who gets a shell in the container a compiler. A multi-stage build
    /// compiles in a builder stage and copies only the result into a small runtime stage; the
    /// toolchain, the sources and the intermediate files stay behind.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23
    /// WORKDIR /src
    /// COPY . .
    /// RUN go build -o /app .
    /// CMD ["/app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// WORKDIR /src
    /// COPY . .
    /// RUN CGO_ENABLED=0 go build -o /app .
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /app /app
    /// CMD ["/app"]
    /// ```
    ///
    /// ## References
    /// - [Docker docs: multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    pub static TOOLCHAIN_IN_FINAL_IMAGE = {
        code: "HS404",
        name: "toolchain-in-final-image",
        aliases: [],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "The final image keeps a compiler or build toolchain; build in a separate stage",
    };
}

/// HS404
pub(crate) fn toolchain_in_final_image(checker: &mut Checker) {
    let chain = practice_facts::shipped_chain(checker);
    let Some(root) = chain.last() else {
        return;
    };
    if !practice_facts::looks_like_application(checker, &chain) {
        return;
    }
    let help = "Build in a builder stage and `COPY --from=<builder>` only the artifacts into a slim runtime stage";
    if let Some(image) = practice_facts::base_image(&chain)
        && let Some(kind) = toolchain_image(&image)
        && let Some(word) = root.image_word
    {
        checker.report(
            Diagnostic::new(
                &TOOLCHAIN_IN_FINAL_IMAGE,
                format!("The final image is built on `{}`, {kind}", image.name),
                Location::Text(word.range),
            )
            .with_help(help),
        );
        return;
    }
    let indices = practice_facts::chain_instructions(&chain);
    for index in practice_facts::runs(checker, &indices) {
        let commands = run_commands(checker, index);
        if commands.iter().any(removes_packages) {
            continue;
        }
        let toolchain_package = practice_facts::installed_packages(checker, index)
            .into_iter()
            .find(|name| is_toolchain_package(name));
        if let Some(package) = toolchain_package {
            checker.report(
                Diagnostic::new(
                    &TOOLCHAIN_IN_FINAL_IMAGE,
                    format!("`{package}` is installed in the final image and never removed"),
                    Location::Text(checker.instructions()[index].range),
                )
                .with_help(help),
            );
            return;
        }
        if let Some(command) = commands.iter().find(|command| compiles(command)) {
            checker.report(
                Diagnostic::new(
                    &TOOLCHAIN_IN_FINAL_IMAGE,
                    format!(
                        "The final image compiles with `{}`, so its toolchain ships with it",
                        command.invocation.name
                    ),
                    Location::Text(command.range()),
                )
                .with_help(help),
            );
            return;
        }
    }
}

/// Why `image` is a toolchain image, if it is one.
fn toolchain_image(image: &BaseImage) -> Option<&'static str> {
    let tag = image.tag();
    let name = image.name.as_str();
    match image.short_name() {
        "golang" => Some("the Go toolchain"),
        "rust" => Some("the Rust toolchain"),
        "maven" => Some("Maven and a JDK"),
        "gradle" => Some("Gradle and a JDK"),
        "gcc" => Some("the GNU compilers"),
        "buildpack-deps" => Some("compilers and development headers"),
        "openjdk" | "eclipse-temurin" | "amazoncorretto" | "sapmachine"
            if !tag.contains("jre") && (image.short_name() == "openjdk" || tag.contains("jdk")) =>
        {
            Some("a full JDK (use a JRE image to run)")
        }
        "sdk" if name.contains("dotnet") => {
            Some("the .NET SDK (use `dotnet/aspnet` or `dotnet/runtime` to run)")
        }
        _ => None,
    }
}

const TOOLCHAIN_PACKAGES: &[&str] = &[
    "build-essential",
    "build-base",
    "gcc",
    "g++",
    "clang",
    "llvm",
    "make",
    "cmake",
    "autoconf",
    "automake",
    "libtool",
    "linux-headers",
    "musl-dev",
    "libc-dev",
    "libc6-dev",
    "golang",
    "golang-go",
    "rustc",
    "cargo",
    "default-jdk",
    "gcc-c++",
    "kernel-headers",
    "kernel-devel",
    "glibc-devel",
    "maven",
    "gradle",
    "pkg-config",
    "pkgconf",
];

fn is_toolchain_package(name: &str) -> bool {
    let name = name.trim_matches(['"', '\'']);
    TOOLCHAIN_PACKAGES.contains(&name)
        || name.ends_with("-dev")
        || name.ends_with("-devel")
        || (name.starts_with("openjdk")
            && name.contains("jdk")
            && !name.contains("jre")
            && name != "openjdk")
        || name.starts_with("gcc-")
        || name.starts_with("g++-")
        || name.starts_with("clang-")
}

/// `apk del`, `apt-get purge/remove/autoremove`, `dnf/yum remove`: the usual "install, build,
/// remove in one RUN" pattern, which leaves no toolchain behind.
fn removes_packages(command: &RunCommand<'_, '_>) -> bool {
    let invocation = &command.invocation;
    if let Some(apk) = tools::apk(invocation) {
        return apk.is("del");
    }
    if let Some(apt) = tools::apt(invocation) {
        return apt.is("purge") || apt.is("remove") || apt.is("autoremove");
    }
    if let Some(rpm) = tools::rpm(invocation) {
        return rpm.is("remove") || rpm.is("erase") || rpm.is("autoremove");
    }
    false
}

fn compiles(command: &RunCommand<'_, '_>) -> bool {
    let invocation = &command.invocation;
    let args: Vec<&str> = command
        .arg_values()
        .filter(|a| !a.starts_with('-'))
        .collect();
    let first = args.first().copied().unwrap_or("");
    if let Some(node) = tools::node_package_manager(invocation) {
        return node.is("build") || (node.is("run") && args.get(1).is_some_and(|a| *a == "build"));
    }
    match invocation.name {
        "go" => first == "build",
        "cargo" => first == "build",
        "mvn" | "mvnw" => args
            .iter()
            .any(|a| matches!(*a, "package" | "install" | "verify")),
        "gradle" | "gradlew" => args
            .iter()
            .any(|a| matches!(*a, "build" | "assemble" | "bootJar" | "shadowJar")),
        "gcc" | "g++" | "cc" | "c++" | "clang" | "make" | "cmake" => true,
        _ => false,
    }
}
