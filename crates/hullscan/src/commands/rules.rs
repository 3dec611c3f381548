use std::io::Write;

use clap::{Args, ValueEnum};
use hullscan_diagnostics::{FixAvailability, RuleMeta};
use hullscan_linter::registry::{self, RULES};

use crate::ExitStatus;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// An aligned table.
    Text,
    /// A JSON array of rule objects.
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: RulesFormat,
    /// Only rules matching this selector (code, name, alias or prefix such as `HS1`).
    pub selector: Option<String>,
}

pub fn run(args: RulesArgs) -> anyhow::Result<ExitStatus> {
    let rules: Vec<&RuleMeta> = match &args.selector {
        Some(selector) => registry::lookup_selector(selector)?
            .rules()
            .rules()
            .collect(),
        None => RULES.to_vec(),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        RulesFormat::Json => {
            let values: Vec<serde_json::Value> = rules.iter().map(|rule| rule_json(rule)).collect();
            serde_json::to_writer_pretty(&mut out, &values)?;
            writeln!(out)?;
        }
        RulesFormat::Text => write_table(&mut out, &rules)?,
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}

fn fixable(rule: &RuleMeta) -> &'static str {
    match rule.fix {
        FixAvailability::None => "no",
        FixAvailability::Sometimes => "sometimes",
        FixAvailability::Always => "yes",
    }
}

fn rule_json(rule: &RuleMeta) -> serde_json::Value {
    serde_json::json!({
        "code": rule.code,
        "name": rule.name,
        "aliases": rule.aliases,
        "severity": rule.severity.as_str(),
        "category": rule.category.as_str(),
        "fixable": fixable(rule),
        "default_enabled": registry::RuleSet::defaults().contains_rule(rule),
        "summary": rule.summary,
    })
}

fn write_table(out: &mut impl Write, rules: &[&RuleMeta]) -> std::io::Result<()> {
    let header = [
        "CODE", "NAME", "ALIASES", "SEVERITY", "CATEGORY", "FIX", "SUMMARY",
    ];
    let rows: Vec<[String; 7]> = rules
        .iter()
        .map(|rule| {
            let mut summary = rule.summary.to_owned();
            if !registry::RuleSet::defaults().contains_rule(rule) {
                summary.push_str(" (off by default)");
            }
            [
                rule.code.to_owned(),
                rule.name.to_owned(),
                if rule.aliases.is_empty() {
                    "-".to_owned()
                } else {
                    rule.aliases.join(",")
                },
                rule.severity.as_str().to_owned(),
                rule.category.as_str().to_owned(),
                fixable(rule).to_owned(),
                summary,
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.len());
        }
    }
    let mut write_row = |cells: &[&str]| -> std::io::Result<()> {
        let last = cells.len() - 1;
        for (i, cell) in cells.iter().enumerate() {
            if i == last {
                writeln!(out, "{cell}")?;
            } else {
                write!(out, "{cell:<width$}  ", width = widths[i])?;
            }
        }
        Ok(())
    };
    write_row(&header)?;
    for row in &rows {
        write_row(&row.each_ref().map(String::as_str))?;
    }
    Ok(())
}
