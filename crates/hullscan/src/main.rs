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
    let cli = match Cli::try_parse() {
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
        Command::Context(args) => commands::context::run(args),
        Command::Image(args) => commands::image::run(*args),
        Command::Sbom(args) => commands::sbom::run(args),
        Command::Secrets(args) => commands::secrets::run(args),
        Command::Rules(args) => commands::rules::run(args),
        Command::Explain(args) => commands::explain::run(args),
        Command::Debug(command) => commands::debug::run(command),
        Command::Db(command) => commands::db::run(command),
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

/// `hullscan lint | head` must end quietly, not with an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
