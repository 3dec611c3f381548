//! The human table: one package a line, aligned, with the OS and per-layer counts first.

use std::io::{self, Write};

use hullscan_inventory::{Inventory, Package};

use crate::{Subject, ecosystem_name};

pub fn write(
    subject: &Subject,
    inventory: &Inventory,
    packages: &[&Package],
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "{} {}", subject.kind.as_str(), subject.name)?;
    if let Some(os) = &inventory.os {
        let name = os.pretty_name.as_deref().unwrap_or(&os.id);
        match &os.osv_ecosystem {
            Some(ecosystem) => writeln!(out, "os: {name} ({ecosystem})")?,
            None => writeln!(out, "os: {name} (release not known to OSV)")?,
        }
    }
    writeln!(out, "{} packages", packages.len())?;
    if packages.is_empty() {
        for note in &inventory.notes {
            writeln!(out, "note: {note}")?;
        }
        return Ok(());
    }
    // The INSTRUCTION column only with --dockerfile (when some layer has an instruction).
    let attributed = packages
        .iter()
        .any(|package| crate::package_instruction(subject, package).is_some());
    let rows: Vec<Vec<String>> = packages
        .iter()
        .map(|package| {
            let mut row = vec![
                package.name.clone(),
                package.version.clone(),
                ecosystem_name(package.ecosystem).to_owned(),
                package
                    .layer
                    .map_or_else(|| "-".to_owned(), |layer| layer.to_string()),
                match &package.source {
                    Some(source)
                        if source.name != package.name || source.version != package.version =>
                    {
                        format!("{} {}", source.name, source.version)
                    }
                    _ => String::new(),
                },
            ];
            if attributed {
                row.push(
                    crate::package_instruction(subject, package)
                        .map_or_else(|| "-".to_owned(), instruction_cell),
                );
            }
            row
        })
        .collect();
    let mut header: Vec<String> = ["NAME", "VERSION", "TYPE", "LAYER", "SOURCE"]
        .map(str::to_owned)
        .to_vec();
    if attributed {
        header.push("INSTRUCTION".to_owned());
    }
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |out: &mut dyn Write, cells: &[String]| -> io::Result<()> {
        let mut text = String::new();
        for (column, cell) in cells.iter().enumerate() {
            text.push_str(cell);
            if column + 1 < cells.len() {
                let pad = widths[column] - cell.chars().count() + 2;
                text.extend(std::iter::repeat_n(' ', pad));
            }
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(out, &header)?;
    for row in &rows {
        line(out, row)?;
    }
    for note in &inventory.notes {
        writeln!(out, "note: {note}")?;
    }
    Ok(())
}

/// `Dockerfile:12 RUN apt-get install -y curl`, the instruction cut to one short line so the
/// table stays readable.
fn instruction_cell(instruction: &crate::LayerInstruction) -> String {
    const MAX_CHARS: usize = 60;
    let text = instruction
        .text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let shown = if text.chars().count() > MAX_CHARS {
        let cut: String = text.chars().take(MAX_CHARS - 1).collect();
        format!("{cut}…")
    } else {
        text
    };
    format!("{} {shown}", instruction.location())
}
