//! `hullscan completions SHELL`: a completion script generated from the clap definition, so it
//! never lags behind the flags.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::ExitStatus;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, elvish, fish, powershell or zsh.
    pub shell: Shell,
}

pub fn run(args: &CompletionsArgs) -> anyhow::Result<ExitStatus> {
    let mut command = crate::Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut command, "hullscan", &mut out);
    Ok(ExitStatus::Success)
}
