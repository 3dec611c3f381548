//! `hullscan man`: the man page generated from the clap definition.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, CommandFactory};

use crate::ExitStatus;

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `hullscan.1` and one `hullscan-COMMAND.1` per subcommand into this directory
    /// instead of printing `hullscan.1`.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

pub fn run(args: &ManArgs) -> anyhow::Result<ExitStatus> {
    let command = crate::Cli::command();
    let Some(dir) = &args.out_dir else {
        let mut out = std::io::stdout().lock();
        clap_mangen::Man::new(command).render(&mut out)?;
        out.flush()?;
        return Ok(ExitStatus::Success);
    };
    std::fs::create_dir_all(dir)
        .map_err(|err| anyhow::anyhow!("{}: cannot create directory: {err}", dir.display()))?;
    let mut pages = vec![("hullscan".to_owned(), command.clone())];
    for sub in command.get_subcommands() {
        let name = format!("hullscan-{}", sub.get_name());
        // The page's own name, so its NAME section and cross-references read `hullscan-lint`.
        pages.push((name.clone(), sub.clone().display_name(name)));
    }
    for (name, page) in pages {
        let mut roff = Vec::new();
        clap_mangen::Man::new(page).render(&mut roff)?;
        let path = dir.join(format!("{name}.1"));
        hullscan_fs::write_atomically(&path, |out| out.write_all(&roff))
            .map_err(|err| anyhow::anyhow!("{}: cannot write: {err}", path.display()))?;
    }
    Ok(ExitStatus::Success)
}
