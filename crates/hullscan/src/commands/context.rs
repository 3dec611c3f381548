use clap::Args;

use crate::ExitStatus;

#[derive(Debug, Args)]
pub struct ContextArgs {}

pub fn run(_args: ContextArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`hullscan context` is not built yet")
}
