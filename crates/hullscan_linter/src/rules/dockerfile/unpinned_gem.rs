//! HS228: `gem install` without a version.

use hullscan_diagnostics::declare_rule;
use hullscan_dockerfile::Instruction;
use hullscan_shell::{Arg, FlagSpec, parse_args};

use super::shell_facts::report_unpinned_packages;
use crate::checker::Checker;

declare_rule! {
    /// ## What it does
    /// Finds `gem install` (or `gem i`) of gems without a version: `bundler` instead of
    /// `bundler:2.5.16`, when no `-v`/`--version` is given. Arguments after `--` go to the
    /// gem's build and are not looked at.
    ///
    /// ## Why is this bad?
    /// Without a version, RubyGems installs the newest release at build time, so rebuilding
    /// the same Dockerfile can bring in a new major version and break the application.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ruby:3.3-slim
    /// RUN gem install bundler
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM ruby:3.3-slim
    /// RUN gem install bundler:2.5.16
    /// ```
    ///
    /// ## References
    /// - hadolint `DL3028`
    pub static UNPINNED_GEM = {
        code: "HS228",
        name: "unpinned-gem",
        aliases: ["DL3028"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "`gem install` of a gem without a pinned version",
    };
}

/// `gem install` flags that take no value; any other `--long` flag written without `=`
/// takes the next word (as in `--use-system-libraries true`).
const BOOLEAN_FLAGS: &[&str] = &[
    "no-document",
    "no-ri",
    "no-rdoc",
    "conservative",
    "minimal-deps",
    "force",
    "user-install",
    "no-user-install",
    "env-shebang",
    "ignore-dependencies",
    "development",
    "development-all",
    "prerelease",
    "both",
    "local",
    "remote",
    "clear-sources",
    "quiet",
    "verbose",
    "no-verbose",
    "backtrace",
    "debug",
    "wrappers",
    "no-wrappers",
    "lock",
    "no-lock",
    "suggestions",
    "no-suggestions",
    "default",
    "post-install-message",
    "no-post-install-message",
    "vendor",
    "explain",
    "system",
    "format-executable",
    "no-format-executable",
    "silent",
    "norc",
    "update-sources",
    "no-update-sources",
];

const GEM_FLAGS: FlagSpec = FlagSpec {
    short_with_value: "vsinPg",
    long_with_value: &[
        "version",
        "source",
        "install-dir",
        "bindir",
        "platform",
        "trust-policy",
        "file",
        "document",
        "config-file",
        "build-root",
    ],
    single_dash_long: &[],
    single_dash_is_long: false,
    stop_at_first_operand: false,
};

/// HS228
pub(crate) fn unpinned_gem(checker: &mut Checker, index: usize, _: &Instruction) {
    report_unpinned_packages(
        checker,
        index,
        &UNPINNED_GEM,
        "gem(s)",
        "Pin each gem as `name:version` (or pass `--version`)",
        |command, unpinned| {
            if command.invocation.name != "gem" {
                return;
            }
            let args = parse_args(command.invocation.args, &GEM_FLAGS);
            if args.has(&["v", "version"]) {
                return;
            }
            let mut operands = Vec::new();
            let mut skip_value = false;
            for item in &args.items {
                match item {
                    Arg::EndOfOptions(_) => break,
                    Arg::Flag(flag) => {
                        skip_value = flag.long
                            && flag.value.is_none()
                            && !BOOLEAN_FLAGS.contains(&flag.name);
                    }
                    Arg::Operand(word) => {
                        if !std::mem::take(&mut skip_value) {
                            operands.push(word.value());
                        }
                    }
                }
            }
            if operands
                .first()
                .is_none_or(|sub| !matches!(*sub, "install" | "i"))
            {
                return;
            }
            unpinned.extend(operands.iter().skip(1).filter(|gem| !gem.contains(':')));
        },
    );
}
