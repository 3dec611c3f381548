//! Output formats for hullscan findings. Renderers read [`FileReport`]s and write to any
//! `io::Write`; they never touch files, so every format is testable on strings.
//!
//! One module per format. Positions shared by every format (1-based lines, character columns,
//! exclusive end columns, image location labels) are computed once in [`position`], so the
//! formats cannot drift apart on what "column 7" means.

mod checkstyle;
mod concise;
mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod position;
mod safe;
mod sarif;
mod xml;

use std::io;
use std::ops::Range;

use hullscan_diagnostics::{FileReport, RuleMeta};
use rayon::prelude::*;

pub use hullscan_text::Newlines;
pub use position::image_location_label;
pub use safe::safe_text;

/// Every output format `--format` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// rustc-style snippets with a help line (the default).
    Human,
    /// One line per finding: `file:line:col: severity[CODE] message`.
    Concise,
    /// The documented, stable JSON array for tools (`docs/json-format.md`).
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// Checkstyle 4.3 XML, as read by Jenkins and most CI dashboards.
    Checkstyle,
    /// GitLab code quality report.
    Gitlab,
    /// GitHub Actions workflow commands.
    Github,
    /// JUnit XML: one test suite per file, one failing test case per finding.
    Junit,
}

impl OutputFormat {
    pub const ALL: [OutputFormat; 8] = [
        OutputFormat::Human,
        OutputFormat::Concise,
        OutputFormat::Json,
        OutputFormat::Sarif,
        OutputFormat::Checkstyle,
        OutputFormat::Gitlab,
        OutputFormat::Github,
        OutputFormat::Junit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Human => "human",
            OutputFormat::Concise => "concise",
            OutputFormat::Json => "json",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Checkstyle => "checkstyle",
            OutputFormat::Gitlab => "gitlab",
            OutputFormat::Github => "github",
            OutputFormat::Junit => "junit",
        }
    }
}

impl std::str::FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OutputFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<_> = OutputFormat::ALL.iter().map(|f| f.as_str()).collect();
                format!(
                    "unknown format `{s}` (expected one of: {})",
                    names.join(", ")
                )
            })
    }
}

/// A report as the formats see it: made safe by [`safe`], borrowed when it needed nothing.
type SafeReport<'a> = std::borrow::Cow<'a, FileReport>;

/// Settings that change how findings are drawn, not which are drawn.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// ANSI colour in the human format (the CLI decides from the terminal and `NO_COLOR`).
    pub color: bool,
    /// The tool version written into SARIF and similar headers.
    pub tool_version: String,
    /// The project's home page, written as SARIF `tool.driver.informationUri` when set.
    pub information_uri: Option<String>,
    /// Rule metadata (from the linter's registry) for formats that describe rules, not just
    /// findings: SARIF takes each rule's summary and default severity from here. Rules not
    /// listed fall back to what their findings carry (name, severity).
    pub rules: Vec<&'static RuleMeta>,
}

impl RenderOptions {
    fn rule(&self, code: &str) -> Option<&'static RuleMeta> {
        self.rules.iter().copied().find(|rule| rule.code == code)
    }
}

/// Writes `reports` in `format`. Every text that came from input is drawn redacted and with
/// control characters escaped (see [`safe_text`]), whatever the format.
///
/// # Errors
/// Only the writer's I/O errors.
pub fn render(
    reports: &[FileReport],
    format: OutputFormat,
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let reports = &safe::safe_reports(reports);
    match format {
        OutputFormat::Human => human::render(reports, options, out),
        OutputFormat::Concise => concise::render(reports, out),
        OutputFormat::Json => json::render(reports, out),
        OutputFormat::Sarif => sarif::render(reports, options, out),
        OutputFormat::Checkstyle => checkstyle::render(reports, out),
        OutputFormat::Gitlab => gitlab::render(reports, out),
        OutputFormat::Github => github::render(reports, out),
        OutputFormat::Junit => junit::render(reports, out),
    }
}

/// How many files' parts are drawn at once: enough to keep every core busy, few enough that
/// the drawn text of a huge run never sits in memory all at once.
const PARALLEL_BATCH: usize = 512;

/// How many findings are drawn at once, at most (beyond one part): a file with a million
/// findings is drawn in pieces, so its drawn text never sits in memory whole.
const BATCH_FINDINGS: usize = 16_384;

/// The fewest findings a part of one file holds (when the file has that many).
const PART_FINDINGS: usize = 4096;

/// A file is drawn in at most this many parts: formats that prepare something per part (the
/// human format masks the file's text) do it at most this often per file.
const MAX_PARTS_PER_FILE: usize = 16;

/// Draws each report's part of the output with `part` on every core, then hands the parts to
/// `sink` in report order. For the formats whose output is a sequence of per-file parts:
/// drawing dominates rendering, and doing it on one thread after a parallel lint would leave
/// the other cores idle at the end of every run.
///
/// A part is a range of one report's findings: a report with many findings is drawn in several
/// consecutive parts (see [`BATCH_FINDINGS`]), each handed to `sink` before the next batch is
/// drawn. A report without findings is one empty part.
fn render_parts_in_parallel(
    reports: &[SafeReport<'_>],
    part: impl Fn(&FileReport, Range<usize>, &mut Vec<u8>) -> io::Result<()> + Sync,
    mut sink: impl FnMut(&FileReport, Range<usize>, &[u8]) -> io::Result<()>,
) -> io::Result<()> {
    let mut batch: Vec<(&FileReport, Range<usize>)> = Vec::new();
    let mut findings = 0;
    let mut draw = |batch: &mut Vec<(&FileReport, Range<usize>)>| -> io::Result<()> {
        let parts: Vec<io::Result<Vec<u8>>> = batch
            .par_iter()
            .map(|(report, range)| {
                let mut buffer = Vec::new();
                if !range.is_empty() {
                    part(report, range.clone(), &mut buffer)?;
                }
                Ok(buffer)
            })
            .collect();
        for ((report, range), drawn) in batch.drain(..).zip(parts) {
            sink(report, range, &drawn?)?;
        }
        Ok(())
    };
    for report in reports {
        let count = report.diagnostics.len();
        let size = PART_FINDINGS.max(count.div_ceil(MAX_PARTS_PER_FILE));
        let mut start = 0;
        loop {
            let end = count.min(start + size);
            batch.push((report, start..end));
            findings += end - start;
            if batch.len() >= PARALLEL_BATCH || findings >= BATCH_FINDINGS {
                draw(&mut batch)?;
                findings = 0;
            }
            if end >= count {
                break;
            }
            start = end;
        }
    }
    draw(&mut batch)
}
