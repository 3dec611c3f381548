use clap::Args;

use crate::ExitStatus;

#[derive(Debug, Args)]
pub struct ImageArgs {}

pub fn run(_args: ImageArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`hullscan image` is not built yet")
}
