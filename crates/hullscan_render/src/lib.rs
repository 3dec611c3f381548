//! Output formats for hullscan findings. Renderers read [`FileReport`]s and write to any
//! `io::Write`; they never touch files, so every format is testable on strings.

use std::io;

use hullscan_diagnostics::FileReport;

/// Every output format `--format` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// rustc-style snippets with a help line (the default).
    Human,
    /// One line per finding: `file:line:col: CODE message`.
    Concise,
    /// The documented, stable JSON array for tools.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    Checkstyle,
    /// GitLab code quality report.
    Gitlab,
    /// GitHub Actions workflow commands.
    Github,
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

/// Settings that change how findings are drawn, not which are drawn.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// ANSI colour in the human format (the CLI decides from the terminal and `NO_COLOR`).
    pub color: bool,
    /// The tool version written into SARIF and similar headers.
    pub tool_version: String,
}

/// Writes `reports` in `format`.
///
/// # Errors
/// Only the writer's I/O errors.
pub fn render(
    reports: &[FileReport],
    format: OutputFormat,
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let _ = (reports, format, options, out);
    Err(io::Error::other(
        "renderers are being written (hullscan_render)",
    ))
}
