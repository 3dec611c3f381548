//! Reads container image bytes for hullscan: what the user named ([`ImageRef`]), every source
//! (a `docker save` tar in either layout, an OCI layout directory, an OCI archive, the Docker
//! daemon, a registry), manifest and platform resolution, and the layer reader that streams each
//! layer once and verifies every digest. It judges nothing: the model lives in `hullscan_image`,
//! the rules in `hullscan_image_rules`.

pub mod daemon;
pub mod digest;
pub mod error;
pub mod layer;
pub mod pin;
pub mod registry;
pub mod resolve;
pub mod spec;
pub mod store;

use std::path::{Path, PathBuf};

pub use error::{ImageError, Result};
pub use resolve::Selection;
pub use spec::Platform;

/// What the user named, after looking at prefixes and the filesystem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageRef {
    /// A tar: `docker save` (either layout) or an OCI archive.
    Archive(PathBuf),
    /// An OCI layout directory, optionally with a tag (`oci:DIR:TAG`).
    OciDir(PathBuf, Option<String>),
    /// An image in the local daemon (`docker-daemon:NAME`).
    Daemon(String),
    /// An image in a registry (`docker://NAME`).
    Registry(String),
    /// A bare name: the daemon first, then a registry.
    Name(String),
    /// A tar read once as a stream: `-` (standard input), or a path that is not a regular file
    /// (`/dev/stdin`, a FIFO, a process substitution).
    Stream(PathBuf),
}

impl ImageRef {
    pub fn parse(text: &str) -> ImageRef {
        for prefix in ["docker-archive:", "oci-archive:", "archive:"] {
            if let Some(path) = text.strip_prefix(prefix) {
                return ImageRef::Archive(PathBuf::from(path));
            }
        }
        if let Some(rest) = text.strip_prefix("oci:") {
            // `oci:DIR:TAG` as skopeo writes it; a DIR that exists wins over splitting.
            if Path::new(rest).is_dir() {
                return ImageRef::OciDir(PathBuf::from(rest), None);
            }
            return match rest.rsplit_once(':') {
                Some((dir, tag)) if !tag.contains('/') => {
                    ImageRef::OciDir(PathBuf::from(dir), Some(tag.to_owned()))
                }
                _ => ImageRef::OciDir(PathBuf::from(rest), None),
            };
        }
        for prefix in ["docker-daemon:", "daemon:"] {
            if let Some(name) = text.strip_prefix(prefix) {
                return ImageRef::Daemon(name.to_owned());
            }
        }
        for prefix in ["docker://", "registry:"] {
            if let Some(name) = text.strip_prefix(prefix) {
                return ImageRef::Registry(name.to_owned());
            }
        }
        if text == "-" {
            return ImageRef::Stream(PathBuf::from("-"));
        }
        let path = Path::new(text);
        if path.metadata().is_ok_and(|m| !m.is_dir() && !m.is_file()) {
            return ImageRef::Stream(path.to_owned());
        }
        if path.is_dir() {
            ImageRef::OciDir(path.to_owned(), None)
        } else if path.is_file() {
            ImageRef::Archive(path.to_owned())
        } else {
            ImageRef::Name(text.to_owned())
        }
    }
}
