use clap::Args;

use crate::ExitStatus;

#[derive(Debug, Args)]
pub struct RulesArgs {}

pub fn run(_args: RulesArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`hullscan rules` is not built yet")
}
