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
    Human,
    Concise,
    Json,
    Sarif,
    Checkstyle,
    Gitlab,
    Github,
    Junit,
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
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human", global = true)]
    pub format: FormatArg,
    /// When to colour the human format (`auto`: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value = "auto", global = true)]
    pub color: ColorArg,
}

impl OutputArgs {
    pub fn render_options(&self) -> RenderOptions {
        let color = match self.color {
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
