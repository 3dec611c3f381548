use std::fmt;
use std::path::PathBuf;

use hullscan_linter::registry::UnknownRule;

/// Where a user wrote a rule name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameOrigin {
    /// A configuration file, with the 1-based line when known.
    File { path: PathBuf, line: Option<usize> },
    /// A command-line option, e.g. `--select`.
    Flag(&'static str),
}

impl fmt::Display for NameOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameOrigin::File {
                path,
                line: Some(line),
            } => write!(f, "{}:{line}", path.display()),
            NameOrigin::File { path, line: None } => write!(f, "{}", path.display()),
            NameOrigin::Flag(flag) => write!(f, "{flag}"),
        }
    }
}

/// A configuration problem. Every one stops the run with exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: cannot read configuration: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Not a regular file, or over the input cap.
    #[error("cannot read configuration {0}")]
    Input(crate::input::InputError),
    #[error("{}: {message}", location(path, *line))]
    Syntax {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    #[error("{}: {message}", location(path, *line))]
    Value {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    #[error("{origin}: {error}")]
    UnknownRule {
        origin: NameOrigin,
        error: UnknownRule,
    },
    #[error(
        "{origin}: unknown secret detector `{name}` in allow-detectors (expected a detector id such as `github-pat`, an HS7xx code or a secrets rule name such as `saas-token`)"
    )]
    UnknownDetector { origin: NameOrigin, name: String },
    #[error(
        "{origin}: `{value}` in allow-fingerprints is not a fingerprint (16 hex digits, as printed with each finding)"
    )]
    InvalidFingerprint { origin: NameOrigin, value: String },
}

impl From<crate::input::InputError> for ConfigError {
    fn from(error: crate::input::InputError) -> Self {
        ConfigError::Input(error)
    }
}

fn location(path: &std::path::Path, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{}:{line}", path.display()),
        None => path.display().to_string(),
    }
}
