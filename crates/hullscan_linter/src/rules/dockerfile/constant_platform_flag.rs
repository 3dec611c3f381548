//! HS318: `FROM --platform=<constant>` (BuildKit's `FromPlatformFlagConstDisallowed`).

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::Instruction;

use crate::checker::Checker;
use crate::rules::dockerfile::buildkit_facts;

declare_rule! {
    /// ## What it does
    /// Finds `FROM --platform=` with a constant platform such as `linux/amd64`, unless the
    /// stage name mentions that platform's OS or architecture (`AS build-amd64`), as BuildKit's
    /// `FromPlatformFlagConstDisallowed` check does.
    ///
    /// ## Why is this bad?
    /// A fixed platform makes the stage ignore `--platform` on the command line, so a
    /// multi-platform build silently produces the same architecture for every target, or runs
    /// under emulation. Use `$BUILDPLATFORM` for build tools and `$TARGETPLATFORM` (the default)
    /// for what ships.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 alpine:3.20
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM alpine:3.20
    /// ```
    ///
    /// ## References
    /// - [BuildKit check FromPlatformFlagConstDisallowed](https://docs.docker.com/reference/build-checks/from-platform-flag-const-disallowed/)
    pub static CONSTANT_PLATFORM_FLAG = {
        code: "HS318",
        name: "constant-platform-flag",
        aliases: ["FromPlatformFlagConstDisallowed"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`FROM --platform` uses a constant platform",
    };
}

const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "windows",
    "zos",
];
const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "ppc64",
    "ppc64le",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

/// containerd's architecture normalisation for the common aliases.
fn normalize_arch(arch: &str) -> String {
    let lower = arch.to_lowercase();
    match lower.as_str() {
        "i386" => "386".into(),
        "x86_64" | "x86-64" | "amd64" => "amd64".into(),
        "aarch64" | "arm64" => "arm64".into(),
        "armhf" | "armel" | "arm" => "arm".into(),
        _ => lower,
    }
}

/// The OS and architecture of a platform specifier, as containerd's `platforms.Parse` reads
/// it (`os`, `arch`, `os/arch`, `os/arch/variant`); `None` when it would not parse.
pub(crate) fn parse_platform(text: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = text.split('/').collect();
    let valid = |part: &&str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    };
    if parts.len() > 3 || !parts.iter().all(valid) {
        return None;
    }
    if let [single] = parts.as_slice() {
        let lower = single.to_lowercase();
        if KNOWN_OS.contains(&lower.as_str()) {
            return Some((lower, "amd64".into()));
        }
        let arch = normalize_arch(single);
        return KNOWN_ARCH
            .contains(&arch.as_str())
            .then(|| ("linux".into(), arch));
    }
    let os = parts[0].to_lowercase();
    let os = if os == "macos" { "darwin".into() } else { os };
    Some((os, normalize_arch(parts[1])))
}

/// HS318
pub(crate) fn constant_platform_flag(
    checker: &mut Checker,
    index: usize,
    _instruction: &Instruction,
) {
    let Some((stage, platform, expansion)) = buildkit_facts::from_platform(checker, index) else {
        return;
    };
    if !expansion.matched.is_empty() || !expansion.unmatched.is_empty() {
        return;
    }
    let Some((os, arch)) = parse_platform(&expansion.value) else {
        return;
    };
    let name = stage.name.as_deref().unwrap_or_default();
    if name.contains(os.as_str()) || name.contains(arch.as_str()) {
        return;
    }
    checker.report(
        Diagnostic::new(
            &CONSTANT_PLATFORM_FLAG,
            format!(
                "FROM --platform flag should not use constant value {:?}",
                expansion.value.as_ref()
            ),
            Location::Text(platform.flag.range),
        )
        .with_help("Use `--platform=$BUILDPLATFORM` for build tools, or drop the flag"),
    );
}

#[cfg(test)]
mod tests {
    use super::parse_platform;

    #[test]
    fn platforms() {
        assert_eq!(
            parse_platform("linux/amd64"),
            Some(("linux".into(), "amd64".into()))
        );
        assert_eq!(
            parse_platform("linux/arm/v7"),
            Some(("linux".into(), "arm".into()))
        );
        assert_eq!(
            parse_platform("arm64"),
            Some(("linux".into(), "arm64".into()))
        );
        assert_eq!(
            parse_platform("windows"),
            Some(("windows".into(), "amd64".into()))
        );
        assert_eq!(parse_platform("bogus"), None);
        assert_eq!(parse_platform("linux/"), None);
        assert_eq!(parse_platform(""), None);
    }
}
