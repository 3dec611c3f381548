use clap::Args;

use crate::ExitStatus;

#[derive(Debug, Args)]
pub struct ExplainArgs {}

pub fn run(_args: ExplainArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`hullscan explain` is not built yet")
}
