//! Errors from reading an image. Each names the source and what was wrong with it.

use std::io;

/// Why an image could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("{source_name}: {what} is not valid JSON: {message}")]
    Json {
        source_name: String,
        what: String,
        message: String,
    },
    #[error("{source_name}: {message}")]
    Format {
        source_name: String,
        message: String,
    },
    #[error("{source_name}: blob {digest} is missing")]
    MissingBlob { source_name: String, digest: String },
    #[error("{source_name}: {what} has digest {actual}, but the manifest says {expected}")]
    DigestMismatch {
        source_name: String,
        what: String,
        expected: String,
        actual: String,
    },
    #[error("{source_name}: {what}: {message}")]
    Layer {
        source_name: String,
        what: String,
        message: String,
    },
    #[error(
        "{source_name}: {what} exceeds the limit of {limit} {unit} (raise it with the matching option if the image is legitimate)"
    )]
    LimitExceeded {
        source_name: String,
        what: String,
        limit: u64,
        unit: &'static str,
    },
    #[error("docker daemon: {0}")]
    Daemon(String),
}

impl ImageError {
    pub(crate) fn format(source_name: &str, message: impl Into<String>) -> Self {
        ImageError::Format {
            source_name: source_name.to_owned(),
            message: message.into(),
        }
    }

    pub(crate) fn io(path: impl Into<String>, source: io::Error) -> Self {
        ImageError::Io {
            path: path.into(),
            source,
        }
    }
}

/// `text` with control characters escaped, for messages that quote bytes from an image or a
/// server (so nothing hostile reaches the terminal), cut to 1,000 characters.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(256));
    for (count, c) in text.chars().enumerate() {
        if count >= 1000 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

pub type Result<T, E = ImageError> = std::result::Result<T, E>;
