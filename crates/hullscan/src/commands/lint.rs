use clap::Args;

use crate::ExitStatus;

#[derive(Debug, Args)]
pub struct LintArgs {}

pub fn run(_args: LintArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`hullscan lint` is not built yet")
}
