use clap::Subcommand;

use crate::ExitStatus;

#[derive(Debug, Subcommand)]
pub enum DebugCommand {}

pub fn run(command: DebugCommand) -> anyhow::Result<ExitStatus> {
    match command {}
}
