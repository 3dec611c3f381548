use std::io::Write;

use clap::Args;
use hullscan_diagnostics::FixAvailability;
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
        writeln!(out, "# {} ({})", rule.name, rule.code)?;
        writeln!(out)?;
        if !rule.aliases.is_empty() {
            writeln!(out, "Aliases: {}", rule.aliases.join(", "))?;
        }
        let default = if registry::RuleSet::defaults().contains_rule(rule) {
            "on"
        } else {
            "off"
        };
        writeln!(
            out,
            "Severity: {}. Category: {}. Default: {default}.",
            rule.severity,
            rule.category.as_str()
        )?;
        match rule.fix {
            FixAvailability::None => {}
            FixAvailability::Sometimes => writeln!(out, "Fix: sometimes available.")?,
            FixAvailability::Always => writeln!(out, "Fix: always available.")?,
        }
        writeln!(out)?;
        write!(out, "{}", rule.docs_text())?;
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}
