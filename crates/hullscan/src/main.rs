//! The `hullscan` binary: argument parsing, file and image I/O, parallel fan-out, printing and
//! exit codes. Everything it calls below is pure.

#![allow(clippy::print_stdout, clippy::print_stderr)] // the binary is where output belongs

mod commands;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Linting is allocation-heavy and parallel; mimalloc's thread-local heaps cut the time glibc's
// malloc spends in its arenas by about a tenth of the whole run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Checks container builds against Docker best practice.
#[derive(Debug, Parser)]
#[command(name = "hullscan", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The most MiB read from any one Dockerfile, stdin or configuration file; a larger one is
    /// an error naming it.
    #[arg(
        long,
        global = true,
        env = "HULLSCAN_MAX_INPUT_MIB",
        value_name = "MIB",
        default_value_t = hullscan_workspace::input::DEFAULT_MAX_INPUT_MIB
    )]
    max_input_mib: u64,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lint Dockerfiles (and their build contexts, when present).
    Lint(commands::lint::LintArgs),
    /// Apply the fixes findings carry (safe ones; `--unsafe-fixes` for more), or show them as a
    /// diff (`--diff`).
    Fix(commands::fix::FixArgs),
    /// An ordered remediation plan for a Dockerfile's findings (and its context's and image's).
    Plan(commands::plan::PlanArgs),
    /// Report what `docker build` would send as the build context, and what each COPY costs.
    Context(commands::context::ContextArgs),
    /// Audit a built image: a docker-save tar, an OCI layout, a registry or the local daemon.
    Image(Box<commands::image::ImageArgs>),
    /// List every installed package of an image or a directory, as CycloneDX, SPDX or JSON.
    Sbom(commands::sbom::SbomArgs),
    /// Scan files and directories for secrets.
    Secrets(commands::secrets::SecretsArgs),
    /// List every rule.
    Rules(commands::rules::RulesArgs),
    /// Print a rule's documentation.
    Explain(commands::explain::ExplainArgs),
    /// Developer tools.
    #[command(subcommand)]
    Debug(commands::debug::DebugCommand),
    /// Manage the offline vulnerability database (OSV).
    #[command(subcommand)]
    Db(commands::db::DbCommand),
    /// Run the language server (LSP over stdin/stdout) for editors.
    Server,
    /// Print a shell completion script.
    Completions(commands::completions::CompletionsArgs),
    /// Print the man page (roff), or write one page per command to a directory.
    Man(commands::man::ManArgs),
    /// Match an image, a directory or a stored SBOM against the vulnerability database.
    Vulns(commands::vulns::VulnsArgs),
}

/// How a run ended, as the process exit code CI gates on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// No finding at or above the failure threshold.
    Success,
    /// Findings at or above the failure threshold.
    Failure,
    /// A usage, configuration or I/O error.
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => ExitCode::from(0),
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse_from(hadolint_style_args(std::env::args_os().collect())) {
        Ok(cli) => cli,
        Err(err) => {
            let usage_error = err.use_stderr();
            let _ = err.print();
            return if usage_error {
                ExitStatus::Error.into()
            } else {
                ExitStatus::Success.into()
            };
        }
    };
    hullscan_workspace::input::set_max_input_mib(cli.max_input_mib);
    // Recursive walks (build contexts, directory trees) run on the pool's threads: give them
    // room for the deepest trees the walks accept (stack is reserved, not committed).
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(16 << 20)
        .build_global();
    let result = match cli.command {
        Command::Lint(args) => commands::lint::run(args),
        Command::Fix(args) => commands::fix::run(args),
        Command::Plan(args) => commands::plan::run(args),
        Command::Context(args) => commands::context::run(args),
        Command::Image(args) => commands::image::run(*args),
        Command::Sbom(args) => commands::sbom::run(args),
        Command::Secrets(args) => commands::secrets::run(args),
        Command::Rules(args) => commands::rules::run(args),
        Command::Explain(args) => commands::explain::run(args),
        Command::Debug(command) => commands::debug::run(command),
        Command::Db(command) => commands::db::run(command),
        Command::Server => hullscan_server::run_stdio().map(|()| ExitStatus::Success),
        Command::Completions(args) => commands::completions::run(&args),
        Command::Man(args) => commands::man::run(&args),
        Command::Vulns(args) => commands::vulns::run(args),
    };
    match result {
        Ok(status) => status.into(),
        Err(err) if is_broken_pipe(&err) => ExitStatus::Success.into(),
        Err(err) => {
            // Errors quote paths and bytes from input; print them like any other output.
            eprintln!(
                "hullscan: error: {}",
                output::safe_message(&format!("{err:#}"))
            );
            ExitStatus::Error.into()
        }
    }
}

/// hadolint is run as `hadolint [FLAGS] Dockerfile...`: when the first argument is not a
/// subcommand but an existing file (or `-`, stdin), or a flag with an existing file among the
/// arguments, the arguments are taken as `hullscan lint`'s, so a migrating user's scripts keep
/// working. Anything else is parsed as written, so typos still get clap's errors.
fn hadolint_style_args(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    use clap::CommandFactory;
    let Some(first) = args.get(1).and_then(|arg| arg.to_str()) else {
        return args;
    };
    let command = Cli::command();
    let subcommand_names: Vec<&str> = command
        .get_subcommands()
        .flat_map(|sub| std::iter::once(sub.get_name()).chain(sub.get_all_aliases()))
        .collect();
    let is_subcommand = |arg: &std::ffi::OsString| {
        arg.to_str()
            .is_some_and(|arg| subcommand_names.contains(&arg))
    };
    let is_own_flag = matches!(first, "-h" | "--help" | "-V" | "--version")
        || first.starts_with("--max-input-mib");
    let is_file = |arg: &std::ffi::OsString| std::path::Path::new(arg).is_file();
    // Flags first (`hullscan -f json Dockerfile`) only when no subcommand follows them
    // (`hullscan --format json lint Dockerfile` is hullscan's own spelling).
    let lint = !is_subcommand(&args[1])
        && !is_own_flag
        && (first == "-"
            || is_file(&args[1])
            || (first.starts_with('-')
                && !args[2..].iter().any(is_subcommand)
                && args[2..].iter().any(is_file)));
    if lint {
        args.insert(1, "lint".into());
    }
    args
}

/// `hullscan lint | head` must end quietly, not with an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
