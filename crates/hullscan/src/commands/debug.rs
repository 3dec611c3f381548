use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use crate::ExitStatus;

#[derive(Debug, Subcommand)]
pub enum DebugCommand {
    /// Print a Dockerfile's parse tree in the text form of BuildKit's parser test `result`
    /// files (`-` reads stdin). Exits 1 when BuildKit's parser would reject the file.
    Parse {
        /// The Dockerfile.
        file: PathBuf,
    },
}

pub fn run(command: DebugCommand) -> anyhow::Result<ExitStatus> {
    match command {
        DebugCommand::Parse { file } => {
            let bytes = if file.as_os_str() == "-" {
                hullscan_workspace::input::read_stdin()?
            } else {
                hullscan_workspace::input::read_file(&file)?
            };
            let parse = hullscan_dockerfile::parse_bytes(&bytes);
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let dump = hullscan_dockerfile::to_buildkit_result(&parse);
            out.write_all(crate::output::safe_message(&dump).as_bytes())?;
            out.flush()?;
            if parse.is_ok() {
                Ok(ExitStatus::Success)
            } else {
                for error in &parse.errors {
                    eprintln!(
                        "{}",
                        crate::output::safe_message(&format!(
                            "{}: {}",
                            file.display(),
                            error.message
                        ))
                    );
                }
                Ok(ExitStatus::Failure)
            }
        }
    }
}
