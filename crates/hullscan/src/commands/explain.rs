use std::io::Write;

use clap::Args;
use hullscan_linter::registry::{self, Selection};

use crate::ExitStatus;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (`HS101`), name (`untagged-base-image`) or alias (`DL3006`).
    pub rule: String,
}

pub fn run(args: ExplainArgs) -> anyhow::Result<ExitStatus> {
    let rules = match registry::lookup_exact(&args.rule)? {
        Selection::Exact(rules) | Selection::Prefix(rules) => rules,
        Selection::Upstream => anyhow::bail!(
            "`{}` is a hadolint, ShellCheck or BuildKit check that hullscan does not implement",
            args.rule
        ),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (i, rule) in rules.rules().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write!(out, "{}", registry::explanation(rule))?;
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}
