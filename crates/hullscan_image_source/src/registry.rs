//! A registry (OCI distribution API) as a [`BlobStore`]: the manifest named by the reference
//! becomes a one-entry `index.json`, and `blobs/sha256/<hex>` paths are fetched on demand —
//! manifests from `/manifests/`, configs and layers from `/blobs/`. Layers stream straight into
//! the layer reader, in parallel, never touching disk.
//!
//! Authentication: anonymous, basic, and bearer tokens (the `WWW-Authenticate` challenge),
//! with credentials from `~/.docker/config.json` (`auths`, `credHelpers`, `credsStore`).
//! Plain HTTP only for loopback registries, or when the caller allows it.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use rustc_hash::FxHashMap;

use crate::digest::Digest;
use crate::error::{ImageError, Result};
use crate::layer::{self, CapturePolicy, LayerIndex, Limits};
use crate::spec::{MEDIA_DOCKER_LIST, MEDIA_DOCKER_MANIFEST, MEDIA_OCI_INDEX, MEDIA_OCI_MANIFEST};
use crate::store::BlobStore;

const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

/// `registry/repository:tag` or `…@sha256:…`, normalised like the docker CLI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryRef {
    /// The host as users write it (`docker.io`, `localhost:5000`).
    pub registry: String,
    pub repository: String,
    /// A tag or a `sha256:` digest.
    pub reference: String,
}

impl RegistryRef {
    pub fn parse(text: &str) -> Option<RegistryRef> {
        let (name, reference) = match text.split_once('@') {
            Some((name, digest)) => (name, digest.to_owned()),
            None => {
                let last_slash = text.rfind('/').map_or(0, |i| i + 1);
                match text[last_slash..].rfind(':') {
                    Some(colon) => (
                        &text[..last_slash + colon],
                        text[last_slash + colon + 1..].to_owned(),
                    ),
                    None => (text, "latest".to_owned()),
                }
            }
        };
        if name.is_empty() || reference.is_empty() {
            return None;
        }
        let (registry, repository) = match name.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (first.to_owned(), rest.to_owned())
            }
            _ => ("docker.io".to_owned(), name.to_owned()),
        };
        let repository = if registry == "docker.io" && !repository.contains('/') {
            format!("library/{repository}")
        } else {
            repository
        };
        let valid = repository
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-/".contains(&b));
        valid.then_some(RegistryRef {
            registry,
            repository,
            reference,
        })
    }

    /// The host the API lives on.
    pub fn api_host(&self) -> &str {
        if self.registry == "docker.io" {
            "registry-1.docker.io"
        } else {
            &self.registry
        }
    }

    pub fn is_loopback(&self) -> bool {
        let host = self
            .registry
            .rsplit_once(':')
            .map_or(self.registry.as_str(), |(h, port)| {
                if port.bytes().all(|b| b.is_ascii_digit()) {
                    h
                } else {
                    self.registry.as_str()
                }
            });
        host == "localhost" || host.starts_with("127.") || host == "[::1]"
    }
}

/// How to reach registries.
#[derive(Clone, Debug, Default)]
pub struct RegistryOptions {
    /// Allow plain HTTP to a non-loopback registry.
    pub allow_plain_http: bool,
    /// `user:password` that overrides the docker config.
    pub credentials: Option<(String, String)>,
    /// The docker config directory; default `$DOCKER_CONFIG`, else `~/.docker`.
    pub docker_config_dir: Option<std::path::PathBuf>,
    /// Where `docker-credential-<name>` helpers are looked up, in `PATH` syntax; default
    /// `PATH`.
    pub credential_helper_path: Option<std::ffi::OsString>,
}

fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn unbase64(input: &str) -> Option<Vec<u8>> {
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for byte in input.trim_end_matches('=').bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    Some(out)
}

/// Credentials for `registry` from the docker config (`$DOCKER_CONFIG/config.json`, else
/// `~/.docker/config.json`): the registry's `credHelpers` entry, else `credsStore`, else
/// `auths`; a helper that fails or knows no credentials falls through to `auths`, as docker
/// does. Helpers are found on `helper_path` (`PATH` syntax), default `PATH`.
pub fn docker_config_credentials(
    registry: &str,
    config_dir: Option<&std::path::Path>,
    helper_path: Option<&std::ffi::OsStr>,
) -> Option<(String, String)> {
    let dir = config_dir
        .map(std::path::Path::to_path_buf)
        .or_else(|| std::env::var_os("DOCKER_CONFIG").map(std::path::PathBuf::from))
        .or_else(|| {
            std::env::var_os("HOME").map(|home| std::path::Path::new(&home).join(".docker"))
        })?;
    let text = std::fs::read(dir.join("config.json")).ok()?;
    let config: serde_json::Value = serde_json::from_slice(&text).ok()?;
    let keys: Vec<String> = if registry == "docker.io" {
        vec![
            "https://index.docker.io/v1/".to_owned(),
            "index.docker.io".to_owned(),
            "docker.io".to_owned(),
        ]
    } else {
        vec![
            registry.to_owned(),
            format!("https://{registry}"),
            format!("http://{registry}"),
        ]
    };
    let helper = keys
        .iter()
        .find_map(|k| {
            config
                .get("credHelpers")?
                .get(k)?
                .as_str()
                .map(str::to_owned)
        })
        .or_else(|| config.get("credsStore")?.as_str().map(str::to_owned));
    if let Some(helper) = helper
        && let Some(found) = credential_helper(&helper, &keys[0], helper_path)
    {
        return Some(found);
    }
    let auth = keys.iter().find_map(|k| {
        config
            .get("auths")?
            .get(k)?
            .get("auth")?
            .as_str()
            .map(str::to_owned)
    })?;
    let decoded = String::from_utf8(unbase64(&auth)?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// Runs `docker-credential-<helper> get` with the server on stdin.
fn credential_helper(
    helper: &str,
    server: &str,
    search_path: Option<&std::ffi::OsStr>,
) -> Option<(String, String)> {
    if !helper
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    let program = format!("docker-credential-{helper}");
    // Found on `search_path` by us, so the helper itself still runs with the user's PATH.
    let program = match search_path {
        Some(path) => std::env::split_paths(path)
            .map(|dir| dir.join(&program))
            .find(|candidate| candidate.is_file())?,
        None => std::path::PathBuf::from(program),
    };
    let mut child = Command::new(program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    {
        use std::io::Write;
        child.stdin.take()?.write_all(server.as_bytes()).ok()?;
    }
    let output = child.wait_with_output().ok()?;
    if !output.status.success() {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    Some((
        value.get("Username")?.as_str()?.to_owned(),
        value.get("Secret")?.as_str()?.to_owned(),
    ))
}

/// Parses `Bearer realm="…",service="…",scope="…"` into its scheme and parameters.
fn parse_challenge(header: &str) -> (String, FxHashMap<String, String>) {
    let (scheme, rest) = header.trim().split_once(' ').unwrap_or((header.trim(), ""));
    let mut params = FxHashMap::default();
    let mut rest = rest.trim();
    while !rest.is_empty() {
        let Some((key, after)) = rest.split_once('=') else {
            break;
        };
        let key = key
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            match quoted.find('"') {
                Some(end) => (&quoted[..end], &quoted[end + 1..]),
                None => (quoted, ""),
            }
        } else {
            match after.find(',') {
                Some(end) => (&after[..end], &after[end..]),
                None => (after, ""),
            }
        };
        params.insert(key, value.to_owned());
        rest = remaining.trim_start_matches(',').trim();
    }
    (scheme.to_ascii_lowercase(), params)
}

fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

pub struct RegistryStore {
    name: String,
    image: RegistryRef,
    base: String,
    agent: ureq::Agent,
    credentials: Option<(String, String)>,
    authorization: Mutex<Option<String>>,
    /// Documents already fetched, by path (`index.json`, `blobs/sha256/<hex>`).
    documents: Mutex<FxHashMap<String, Vec<u8>>>,
}

impl RegistryStore {
    /// Connects and fetches the manifest `image` names.
    pub fn open(image: RegistryRef, options: &RegistryOptions) -> Result<RegistryStore> {
        let name = format!(
            "{}/{}:{}",
            image.registry, image.repository, image.reference
        )
        .replace(":sha256:", "@sha256:");
        let scheme = if image.is_loopback() || options.allow_plain_http {
            "http"
        } else {
            "https"
        };
        let base = format!("{scheme}://{}", image.api_host());
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_recv_response(Some(Duration::from_secs(120)))
            .build()
            .into();
        let credentials = options.credentials.clone().or_else(|| {
            docker_config_credentials(
                &image.registry,
                options.docker_config_dir.as_deref(),
                options.credential_helper_path.as_deref(),
            )
        });
        let store = RegistryStore {
            name,
            image,
            base,
            agent,
            credentials,
            authorization: Mutex::new(None),
            documents: Mutex::new(FxHashMap::default()),
        };
        store.fetch_top_manifest()?;
        Ok(store)
    }

    fn error(&self, message: impl Into<String>) -> ImageError {
        ImageError::format(&self.name, message)
    }

    /// GETs `path` (under `/v2/<repo>/`), answering one auth challenge.
    fn get(&self, path: &str, accept: Option<&str>) -> Result<ureq::http::Response<ureq::Body>> {
        let url = format!("{}/v2/{}/{path}", self.base, self.image.repository);
        for attempt in 0..2 {
            let mut request = self.agent.get(&url);
            if let Some(accept) = accept {
                request = request.header("Accept", accept);
            }
            let authorization = self.authorization.lock().ok().and_then(|a| a.clone());
            if let Some(authorization) = &authorization {
                request = request.header("Authorization", authorization);
            }
            let response = request
                .call()
                .map_err(|err| self.error(format!("GET {url}: {err}")))?;
            if response.status().as_u16() == 401 {
                if attempt == 1 {
                    break;
                }
                let challenge = response
                    .headers()
                    .get("www-authenticate")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                self.authenticate(&challenge)?;
                continue;
            }
            return Ok(response);
        }
        Err(self.error(format!(
            "GET {url}: unauthorized{}",
            if self.credentials.is_some() {
                " (the credentials were rejected)"
            } else {
                " (no credentials for this registry in the docker config)"
            }
        )))
    }

    fn authenticate(&self, challenge: &str) -> Result<()> {
        let (scheme, params) = parse_challenge(challenge);
        let basic = self.credentials.as_ref().map(|(user, password)| {
            format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
        });
        let header = match scheme.as_str() {
            "basic" => basic.ok_or_else(|| {
                self.error(
                    "the registry wants a user and password, and the docker config has none for it",
                )
            })?,
            "bearer" => {
                let realm = params
                    .get("realm")
                    .ok_or_else(|| self.error("bearer challenge without a realm"))?;
                let mut url = format!("{realm}?");
                if let Some(service) = params.get("service") {
                    url.push_str(&format!("service={}&", percent_encode(service)));
                }
                let scope = params
                    .get("scope")
                    .cloned()
                    .unwrap_or_else(|| format!("repository:{}:pull", self.image.repository));
                url.push_str(&format!("scope={}", percent_encode(&scope)));
                let mut request = self.agent.get(&url);
                if let Some(basic) = &basic {
                    request = request.header("Authorization", basic);
                }
                let response = request
                    .call()
                    .map_err(|err| self.error(format!("token request to {realm}: {err}")))?;
                let status = response.status().as_u16();
                let body = response
                    .into_body()
                    .with_config()
                    .limit(1 << 20)
                    .read_to_vec()
                    .map_err(|err| self.error(format!("token response: {err}")))?;
                if status != 200 {
                    return Err(self.error(format!("token request to {realm}: HTTP {status}")));
                }
                let value: serde_json::Value = serde_json::from_slice(&body)
                    .map_err(|err| self.error(format!("token response is not JSON: {err}")))?;
                let token = value
                    .get("token")
                    .or_else(|| value.get("access_token"))
                    .and_then(|t| t.as_str())
                    .ok_or_else(|| self.error("token response has no token"))?;
                format!("Bearer {token}")
            }
            _ => return Err(self.error(format!("unsupported auth challenge `{challenge}`"))),
        };
        if let Ok(mut slot) = self.authorization.lock() {
            *slot = Some(header);
        }
        Ok(())
    }

    fn read_body(
        &self,
        response: ureq::http::Response<ureq::Body>,
        what: &str,
        limit: u64,
    ) -> Result<Vec<u8>> {
        let status = response.status().as_u16();
        if status == 404 {
            return Err(ImageError::MissingBlob {
                source_name: self.name.clone(),
                digest: what.to_owned(),
            });
        }
        if status != 200 {
            return Err(self.error(format!("{what}: HTTP {status}")));
        }
        response
            .into_body()
            .with_config()
            .limit(limit)
            .read_to_vec()
            .map_err(|err| self.error(format!("{what}: {err}")))
    }

    fn fetch_top_manifest(&self) -> Result<()> {
        let response = self.get(&format!("manifests/{}", self.image.reference), Some(ACCEPT))?;
        let media_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_owned();
        let bytes = self.read_body(
            response,
            &format!("manifest {}", self.image.reference),
            8 << 20,
        )?;
        let digest = Digest::of_bytes(&bytes);
        if let Some(expected) = Digest::parse(&self.image.reference)
            && expected != digest
        {
            return Err(ImageError::DigestMismatch {
                source_name: self.name.clone(),
                what: "manifest".to_owned(),
                expected: expected.to_string(),
                actual: digest.to_string(),
            });
        }
        let media_type = if [
            MEDIA_OCI_INDEX,
            MEDIA_OCI_MANIFEST,
            MEDIA_DOCKER_LIST,
            MEDIA_DOCKER_MANIFEST,
        ]
        .contains(&media_type.as_str())
        {
            media_type
        } else {
            String::new()
        };
        let index = serde_json::json!({
            "schemaVersion": 2,
            "manifests": [{"mediaType": media_type, "digest": digest.to_string(), "size": bytes.len()}],
        });
        let mut documents = self
            .documents
            .lock()
            .map_err(|_| self.error("document cache poisoned"))?;
        documents.insert("index.json".to_owned(), index.to_string().into_bytes());
        documents.insert(format!("blobs/sha256/{}", digest.hex()), bytes);
        Ok(())
    }

    fn digest_of(&self, path: &str) -> Option<Digest> {
        Digest::parse(&format!("sha256:{}", path.strip_prefix("blobs/sha256/")?))
    }
}

impl BlobStore for RegistryStore {
    fn name(&self) -> &str {
        &self.name
    }

    fn exists(&self, path: &str) -> bool {
        // Only the synthesised OCI layout: `manifest.json` never exists here.
        path == "index.json"
    }

    fn read_small(&self, path: &str, limit: u64) -> Result<Vec<u8>> {
        if let Some(bytes) = self
            .documents
            .lock()
            .ok()
            .and_then(|d| d.get(path).cloned())
        {
            return Ok(bytes);
        }
        let digest = self
            .digest_of(path)
            .ok_or_else(|| ImageError::MissingBlob {
                source_name: self.name.clone(),
                digest: path.to_owned(),
            })?;
        // Configs are blobs; manifests of an index live under /manifests/.
        let response = self.get(&format!("blobs/{digest}"), None)?;
        let bytes = match self.read_body(response, &format!("blob {digest}"), limit) {
            Err(ImageError::MissingBlob { .. }) => {
                let response = self.get(&format!("manifests/{digest}"), Some(ACCEPT))?;
                self.read_body(response, &format!("manifest {digest}"), limit)?
            }
            other => other?,
        };
        if let Ok(mut documents) = self.documents.lock() {
            documents.insert(path.to_owned(), bytes.clone());
        }
        Ok(bytes)
    }

    fn index_layer(
        &self,
        path: &str,
        what: &str,
        limits: &Limits,
        capture: CapturePolicy<'_>,
        progress: Option<&(dyn Fn(u64) + Sync)>,
    ) -> Result<LayerIndex> {
        let digest = self
            .digest_of(path)
            .ok_or_else(|| ImageError::MissingBlob {
                source_name: self.name.clone(),
                digest: path.to_owned(),
            })?;
        let response = self.get(&format!("blobs/{digest}"), None)?;
        let status = response.status().as_u16();
        if status == 404 {
            return Err(ImageError::MissingBlob {
                source_name: self.name.clone(),
                digest: digest.to_string(),
            });
        }
        if status != 200 {
            return Err(self.error(format!("{what}: HTTP {status}")));
        }
        let reader: Box<dyn Read + Send> = Box::new(
            response
                .into_body()
                .into_with_config()
                .limit(u64::MAX)
                .reader(),
        );
        layer::index_layer(&self.name, what, reader, limits, capture, progress)
    }

    fn size_of(&self, _path: &str) -> Option<u64> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references_like_docker() {
        let r = RegistryRef::parse("busybox").unwrap();
        assert_eq!(
            (
                r.registry.as_str(),
                r.repository.as_str(),
                r.reference.as_str()
            ),
            ("docker.io", "library/busybox", "latest")
        );
        let r = RegistryRef::parse("localhost:5000/team/app:1.2").unwrap();
        assert_eq!(
            (
                r.registry.as_str(),
                r.repository.as_str(),
                r.reference.as_str()
            ),
            ("localhost:5000", "team/app", "1.2")
        );
        assert!(r.is_loopback());
        let digest = format!("sha256:{}", "a".repeat(64));
        let r = RegistryRef::parse(&format!("ghcr.io/o/app@{digest}")).unwrap();
        assert_eq!(r.reference, digest);
        assert!(!r.is_loopback());
        assert!(RegistryRef::parse("Bad/Name").is_none());
    }

    #[test]
    fn base64_round_trips() {
        for text in ["", "a", "ab", "abc", "user:pa ss"] {
            assert_eq!(unbase64(&base64(text.as_bytes())).unwrap(), text.as_bytes());
        }
        assert_eq!(base64(b"user:pass"), "dXNlcjpwYXNz");
    }

    #[test]
    fn parses_bearer_challenge() {
        let (scheme, params) = parse_challenge(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull""#,
        );
        assert_eq!(scheme, "bearer");
        assert_eq!(params["realm"], "https://auth.docker.io/token");
        assert_eq!(params["scope"], "repository:library/busybox:pull");
    }
}
