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
        /// Print the instructions as JSON (`cmd`, `sub_cmd`, `json`, `start_line`, `end_line`,
        /// `flags`, `value`, `heredocs`, as BuildKit's parser reports them), for differential
        /// tests against BuildKit's own parser.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: DebugCommand) -> anyhow::Result<ExitStatus> {
    match command {
        DebugCommand::Parse { file, json } => {
            let bytes = if file.as_os_str() == "-" {
                hullscan_workspace::input::read_stdin()?
            } else {
                hullscan_workspace::input::read_file(&file)?
            };
            let parse = hullscan_dockerfile::parse_bytes(&bytes);
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let dump = if json {
                let instructions: Vec<serde_json::Value> = parse
                    .dockerfile
                    .instructions
                    .iter()
                    .map(instruction_json)
                    .collect();
                let mut text = serde_json::to_string_pretty(&instructions)?;
                text.push('\n');
                text
            } else {
                hullscan_dockerfile::to_buildkit_result(&parse)
            };
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

/// One instruction as BuildKit's parser reports it (values as in its node chain: ENV/LABEL as
/// `key value separator` triples).
fn instruction_json(inst: &hullscan_dockerfile::Instruction) -> serde_json::Value {
    let node = inst.onbuild.as_deref().unwrap_or(inst);
    serde_json::json!({
        "cmd": inst.keyword_text,
        "sub_cmd": inst.onbuild.as_ref().map(|t| t.keyword_text.clone()),
        "json": node.is_json(),
        "start_line": inst.start_line,
        "end_line": inst.end_line,
        "flags": inst.flags.iter().chain(inst.onbuild.iter().flat_map(|t| t.flags.iter()))
            .map(|f| f.to_buildkit_string()).collect::<Vec<_>>(),
        "value": hullscan_dockerfile::buildkit_values(node),
        "heredocs": inst.heredocs.iter().map(|h| serde_json::json!({
            "name": h.name, "fd": h.fd.unwrap_or(0), "content": h.body,
        })).collect::<Vec<_>>(),
    })
}
