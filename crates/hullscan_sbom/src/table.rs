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
    let rows: Vec<[String; 5]> = packages
        .iter()
        .map(|package| {
            [
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
            ]
        })
        .collect();
    let header = ["NAME", "VERSION", "TYPE", "LAYER", "SOURCE"];
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |out: &mut dyn Write, cells: [&str; 5]| -> io::Result<()> {
        let mut text = String::new();
        for (column, cell) in cells.iter().enumerate() {
            if column + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(cell);
                let pad = widths[column] - cell.chars().count() + 2;
                text.extend(std::iter::repeat_n(' ', pad));
            }
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(out, header)?;
    for row in &rows {
        line(out, [&row[0], &row[1], &row[2], &row[3], &row[4]])?;
    }
    for note in &inventory.notes {
        writeln!(out, "note: {note}")?;
    }
    Ok(())
}
