use clap::Args;

use crate::ExitStatus;

#[derive(Debug, Args)]
pub struct SecretsArgs {}

pub fn run(_args: SecretsArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`hullscan secrets` is not built yet")
}
