//! Output options shared by every command that prints findings.

use std::io::{IsTerminal, Write};

use clap::{Args, ValueEnum};
use hullscan_diagnostics::FileReport;
use hullscan_render::{Newlines, OutputFormat, RenderOptions};

/// A message for stderr that may quote input (file names, bytes from a layer or a registry):
/// credentials masked and control characters escaped, as in every output format.
pub fn safe_message(message: &str) -> String {
    hullscan_render::safe_text(message, Newlines::Keep).into_owned()
}

/// A one-line field (a path, a name) that came from input, made safe to print.
pub fn safe_field(text: &str) -> std::borrow::Cow<'_, str> {
    hullscan_render::safe_text(text, Newlines::Escape)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// hadolint's `tty` is its default, coloured, human format.
    #[value(alias = "tty")]
    Human,
    /// `FILE:LINE:COL: severity[CODE] message`, the GNU error format hadolint's `gnu` is
    /// (editors parse both the same way).
    #[value(alias = "gnu")]
    Concise,
    Json,
    Sarif,
    Checkstyle,
    /// GitLab Code Quality, which hadolint calls `gitlab_codeclimate`.
    #[value(alias = "gitlab_codeclimate", alias = "gitlab-codeclimate")]
    Gitlab,
    Github,
    Junit,
}

/// hadolint format names with no hullscan equivalent, and what to use instead.
const HADOLINT_ONLY_FORMATS: &[(&str, &str)] = &[
    (
        "codeclimate",
        "hadolint's `codeclimate` is Code Climate's engine stream; hullscan writes the GitLab Code Quality report (`-f gitlab`), or use `-f sarif`",
    ),
    (
        "codacy",
        "hadolint's `codacy` format is not supported; Codacy and most code-scanning services import `-f sarif`",
    ),
    (
        "sonarqube",
        "hadolint's `sonarqube` format is not supported; SonarQube imports `-f sarif` (its SARIF importer)",
    ),
];

/// A format name: hullscan's, or one of hadolint's that means the same output; hadolint's names
/// that hullscan cannot honour get an error saying what to use.
fn parse_format(value: &str) -> Result<FormatArg, String> {
    if let Some((_, advice)) = HADOLINT_ONLY_FORMATS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(value))
    {
        return Err((*advice).to_owned());
    }
    FormatArg::from_str(value, true)
}

impl From<FormatArg> for OutputFormat {
    fn from(arg: FormatArg) -> Self {
        match arg {
            FormatArg::Human => OutputFormat::Human,
            FormatArg::Concise => OutputFormat::Concise,
            FormatArg::Json => OutputFormat::Json,
            FormatArg::Sarif => OutputFormat::Sarif,
            FormatArg::Checkstyle => OutputFormat::Checkstyle,
            FormatArg::Gitlab => OutputFormat::Gitlab,
            FormatArg::Github => OutputFormat::Github,
            FormatArg::Junit => OutputFormat::Junit,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Debug, Args)]
pub struct OutputArgs {
    /// Output format: human, concise, json, sarif, checkstyle, gitlab, github, junit (hadolint's
    /// names tty, gnu and gitlab_codeclimate are accepted for the same outputs).
    #[arg(
        long,
        short = 'f',
        default_value = "human",
        global = true,
        value_parser = parse_format,
        value_name = "FORMAT"
    )]
    pub format: FormatArg,
    /// When to colour the human format (`auto`: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value = "auto", global = true)]
    pub color: ColorArg,
    /// Never colour (`--color never`, as hadolint spells it).
    #[arg(long, global = true)]
    pub no_color: bool,
}

impl OutputArgs {
    pub fn render_options(&self) -> RenderOptions {
        let color = match self.color {
            _ if self.no_color => false,
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        };
        RenderOptions {
            color,
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            ..RenderOptions::default()
        }
    }

    /// Renders `reports` to stdout, block-buffered.
    pub fn print(&self, reports: &[FileReport]) -> anyhow::Result<()> {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
        hullscan_render::render(
            reports,
            self.format.into(),
            &self.render_options(),
            &mut out,
        )?;
        out.flush()?;
        Ok(())
    }
}
