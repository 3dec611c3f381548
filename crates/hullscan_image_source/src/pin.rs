//! The digest an image tag points to now, for pinning it in a Dockerfile (`hullscan fix
//! --resolve-digests`): the registry first, the local daemon's `RepoDigests` when the registry
//! cannot be reached. Nothing here runs unless the user asked for that flag.
//!
//! The registry's answer is the digest of the top-level document the tag names: for a
//! multi-platform image that is the index, so the pin keeps every platform, as `docker pull
//! name@digest` would.

use crate::daemon;
use crate::digest::Digest;
use crate::error::printable;
use crate::registry::{RegistryOptions, RegistryRef, RegistryStore};

/// Where a digest came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigestSource {
    Registry,
    Daemon,
}

impl DigestSource {
    pub fn as_str(self) -> &'static str {
        match self {
            DigestSource::Registry => "registry",
            DigestSource::Daemon => "daemon",
        }
    }
}

/// A tag's digest and where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedDigest {
    pub digest: Digest,
    pub source: DigestSource,
}

/// Resolves `reference` (`name:tag` as written in a Dockerfile) to the digest of what the tag
/// points to. The registry is asked first (the manifest `GET` with every index and manifest
/// media type accepted, its body hashed); when that fails, the daemon's `RepoDigests` for the
/// same repository. The error says why both failed.
pub fn resolve_digest(
    reference: &str,
    options: &RegistryOptions,
) -> Result<ResolvedDigest, String> {
    let image = RegistryRef::parse(reference)
        .ok_or_else(|| format!("`{}` is not an image reference", printable(reference)))?;
    if Digest::parse(&image.reference).is_some() {
        return Err(format!(
            "`{}` is already pinned to a digest",
            printable(reference)
        ));
    }
    let registry_error = match RegistryStore::open(image.clone(), options) {
        Ok(store) => match store.manifest_digest() {
            Some(digest) => {
                return Ok(ResolvedDigest {
                    digest: digest.clone(),
                    source: DigestSource::Registry,
                });
            }
            None => "the registry sent no manifest".to_owned(),
        },
        Err(err) => err.to_string(),
    };
    match daemon_digest(reference, &image) {
        Ok(Some(digest)) => Ok(ResolvedDigest {
            digest,
            source: DigestSource::Daemon,
        }),
        Ok(None) => Err(format!(
            "registry: {registry_error}; daemon: no digest for this repository (not pulled from a registry)"
        )),
        Err(daemon_error) => Err(format!(
            "registry: {registry_error}; daemon: {daemon_error}"
        )),
    }
}

/// The digest of `reference` among the daemon's `RepoDigests` for its repository: `None` when
/// the daemon lacks the image or never pulled it from that repository (a local build has no
/// repository digest).
fn daemon_digest(reference: &str, image: &RegistryRef) -> Result<Option<Digest>, String> {
    let Some(repo_digests) = daemon::repo_digests(reference).map_err(|err| err.to_string())? else {
        return Ok(None);
    };
    Ok(repo_digests
        .iter()
        .filter_map(|entry| {
            let (name, digest) = entry.split_once('@')?;
            let named = RegistryRef::parse(name)?;
            (named.registry == image.registry && named.repository == image.repository)
                .then(|| Digest::parse(digest))
                .flatten()
        })
        .next())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_tag() {
        let options = RegistryOptions::default();
        let err = resolve_digest("Not A Name", &options).unwrap_err();
        assert!(err.contains("not an image reference"), "{err}");
        let pinned = format!("alpine@sha256:{}", "a".repeat(64));
        let err = resolve_digest(&pinned, &options).unwrap_err();
        assert!(err.contains("already pinned"), "{err}");
    }
}
