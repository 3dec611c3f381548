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

    /// The API host split into host (without brackets) and port, if one is given.
    fn host_port(&self) -> (&str, Option<u16>) {
        let authority = self.api_host();
        if let Some(rest) = authority.strip_prefix('[') {
            // `[::1]:5000`
            let (host, after) = rest.split_once(']').unwrap_or((rest, ""));
            return (host, after.strip_prefix(':').and_then(|p| p.parse().ok()));
        }
        match authority.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => {
                (host, port.parse().ok())
            }
            _ => (authority, None),
        }
    }

    /// The registry's addresses when every one of them is loopback: an IP literal in
    /// 127.0.0.0/8 or `::1`, or a name (`localhost`, or one the resolver maps only to loopback).
    /// `None` for anything else, including a name that does not resolve. The name's spelling
    /// decides nothing: `127.evil.example` is an ordinary host name.
    pub fn loopback_addresses(&self) -> Option<Vec<std::net::SocketAddr>> {
        if self.registry == "docker.io" {
            return None;
        }
        let (host, port) = self.host_port();
        let port = port.unwrap_or(80);
        if let Ok(ip) = host.parse::<std::net::IpAddr>() {
            return ip
                .is_loopback()
                .then(|| vec![std::net::SocketAddr::new(ip, port)]);
        }
        let addresses: Vec<std::net::SocketAddr> =
            std::net::ToSocketAddrs::to_socket_addrs(&(host, port))
                .ok()?
                .collect();
        (!addresses.is_empty() && addresses.iter().all(|a| a.ip().is_loopback()))
            .then_some(addresses)
    }

    pub fn is_loopback(&self) -> bool {
        self.loopback_addresses().is_some()
    }
}

/// How long network reads may take. Every request has a deadline and every read an idle
/// limit, so a registry that stalls, drips or promises more bytes than it sends ends in a
/// clear error instead of a hang.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Connecting (DNS, TCP and TLS).
    pub connect: Duration,
    /// The longest one read may wait for data (an idle connection).
    pub read: Duration,
    /// The deadline of one manifest, config or token request, body included.
    pub request: Duration,
    /// The deadline of one layer download.
    pub layer: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(30),
            read: Duration::from_secs(30),
            request: Duration::from_secs(60),
            layer: Duration::from_secs(3600),
        }
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
    pub timeouts: Timeouts,
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

/// The most bytes read from Docker's client configuration: real ones are a few KiB.
const MAX_DOCKER_CONFIG_BYTES: u64 = 4 << 20;

/// Docker's client configuration, when it is a regular file of at most
/// [`MAX_DOCKER_CONFIG_BYTES`]: opened without blocking (a FIFO there would hang every registry
/// scan) and never read past the cap (`/dev/zero` would never end). Anything else is treated
/// like a missing file: no stored credentials.
fn read_docker_config(path: &std::path::Path) -> Option<Vec<u8>> {
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.custom_flags(libc::O_NONBLOCK);
    }
    let file = open.open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > MAX_DOCKER_CONFIG_BYTES {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(MAX_DOCKER_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() as u64 <= MAX_DOCKER_CONFIG_BYTES).then_some(bytes)
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
    let text = read_docker_config(&dir.join("config.json"))?;
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
pub fn parse_challenge(header: &str) -> (String, FxHashMap<String, String>) {
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

/// The token of a token-endpoint reply (`token`, or OAuth2's `access_token`).
pub fn parse_token_response(body: &[u8]) -> Result<String, String> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|err| format!("the token response is not JSON: {err}"))?;
    let token = value
        .get("token")
        .or_else(|| value.get("access_token"))
        .and_then(|t| t.as_str())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| "the token response has no token".to_owned())?;
    // It goes into a header: anything that is not visible ASCII would corrupt the request.
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("the token response's token is not printable ASCII".to_owned());
    }
    Ok(token.to_owned())
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

/// Answers name lookups for the registry's host with the addresses that were checked to be
/// loopback when plain HTTP was chosen, so a second lookup (DNS rebinding) cannot move a
/// plain-HTTP connection off the machine. Every other host resolves normally.
#[derive(Debug)]
struct PinnedResolver {
    host: String,
    addresses: Vec<std::net::SocketAddr>,
}

impl ureq::unversioned::resolver::Resolver for PinnedResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> std::result::Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let host = uri
            .host()
            .unwrap_or("")
            .trim_start_matches('[')
            .trim_end_matches(']');
        if !self.addresses.is_empty() && host.eq_ignore_ascii_case(&self.host) {
            let port = uri
                .port_u16()
                .unwrap_or(if uri.scheme_str() == Some("https") {
                    443
                } else {
                    80
                });
            let mut out = ureq::unversioned::resolver::DefaultResolver::default().empty();
            for address in self.addresses.iter().take(16) {
                out.push(std::net::SocketAddr::new(address.ip(), port));
            }
            return Ok(out);
        }
        ureq::unversioned::resolver::DefaultResolver::default().resolve(uri, config, timeout)
    }
}

/// `scheme://host:port` of a URL, lower-cased, with the scheme's default port filled in: what
/// "the same host" means when deciding where credentials may go.
fn origin_of(uri: &ureq::http::Uri) -> Option<(String, String, u16)> {
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let host = uri.host()?.to_ascii_lowercase();
    let port = uri
        .port_u16()
        .unwrap_or(if scheme == "https" { 443 } else { 80 });
    Some((scheme, host, port))
}

/// What went wrong with a request, in words that name the limit that was hit.
fn describe_error(err: &ureq::Error, timeouts: &Timeouts, deadline: Duration) -> String {
    match err {
        ureq::Error::Timeout(ureq::Timeout::PerRead) => format!(
            "no data for {} s (the read timeout; raise it with --read-timeout)",
            timeouts.read.as_secs()
        ),
        ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => {
            format!("could not connect within {} s", timeouts.connect.as_secs())
        }
        ureq::Error::Timeout(_) => format!(
            "not finished within {} s (the request deadline; raise it with --timeout)",
            deadline.as_secs()
        ),
        ureq::Error::Io(io) => describe_io(io, timeouts, deadline),
        other => crate::error::printable(&other.to_string()),
    }
}

fn describe_io(err: &std::io::Error, timeouts: &Timeouts, deadline: Duration) -> String {
    if let Some(inner) = err.get_ref().and_then(|e| e.downcast_ref::<ureq::Error>()) {
        return describe_error(inner, timeouts, deadline);
    }
    if err.kind() == std::io::ErrorKind::UnexpectedEof {
        return "the connection closed before the whole body arrived (the server sent less than it announced)".to_owned();
    }
    crate::error::printable(&err.to_string())
}

/// A response body whose errors name the URL and the limit that was hit.
struct BodyReader {
    inner: ureq::BodyReader<'static>,
    url: String,
    timeouts: Timeouts,
    deadline: Duration,
}

impl Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf).map_err(|err| {
            std::io::Error::new(
                err.kind(),
                format!(
                    "GET {}: {}",
                    self.url,
                    describe_io(&err, &self.timeouts, self.deadline)
                ),
            )
        })
    }
}

/// The one-entry `index.json` that stands for a manifest the registry returned with
/// `content_type`, and the manifest's digest.
pub fn top_level_index(content_type: &str, manifest: &[u8]) -> (Digest, Vec<u8>) {
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    let media_type = if [
        MEDIA_OCI_INDEX,
        MEDIA_OCI_MANIFEST,
        MEDIA_DOCKER_LIST,
        MEDIA_DOCKER_MANIFEST,
    ]
    .contains(&media_type)
    {
        media_type
    } else {
        ""
    };
    let digest = Digest::of_bytes(manifest);
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{"mediaType": media_type, "digest": digest.to_string(), "size": manifest.len()}],
    });
    (digest, index.to_string().into_bytes())
}

pub struct RegistryStore {
    name: String,
    image: RegistryRef,
    base: String,
    /// `scheme, host, port` of the registry's API.
    origin: (String, String, u16),
    agent: ureq::Agent,
    timeouts: Timeouts,
    credentials: Option<(String, String)>,
    /// Whether the registry is reached over plain HTTP to a host that is not loopback (only
    /// with `--plain-http`): credentials are never sent there.
    insecure_remote: bool,
    authorization: Mutex<Option<String>>,
    /// Documents already fetched, by path (`index.json`, `blobs/sha256/<hex>`).
    documents: Mutex<FxHashMap<String, Vec<u8>>>,
    /// The digest of the manifest (or index) the reference names: the sha256 of the bytes the
    /// registry sent, which is what `name@<digest>` pulls.
    manifest_digest: Option<Digest>,
}

impl RegistryStore {
    /// Connects and fetches the manifest `image` names.
    pub fn open(image: RegistryRef, options: &RegistryOptions) -> Result<RegistryStore> {
        let name = format!(
            "{}/{}:{}",
            image.registry, image.repository, image.reference
        )
        .replace(":sha256:", "@sha256:");
        let loopback = image.loopback_addresses();
        let plain = loopback.is_some() || options.allow_plain_http;
        let scheme = if plain { "http" } else { "https" };
        let base = format!("{scheme}://{}", image.api_host());
        let timeouts = options.timeouts;
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // A redirect (to a blob store, a CDN) never carries our Authorization header.
            .redirect_auth_headers(ureq::config::RedirectAuthHeaders::Never)
            .max_redirects(5)
            .timeout_connect(Some(timeouts.connect))
            .timeout_resolve(Some(timeouts.connect))
            .timeout_per_read(Some(timeouts.read))
            .timeout_recv_response(Some(timeouts.request))
            .timeout_global(Some(timeouts.request))
            .build();
        let resolver = PinnedResolver {
            host: image.host_port().0.to_ascii_lowercase(),
            addresses: if plain {
                loopback.clone().unwrap_or_default()
            } else {
                Vec::new()
            },
        };
        let agent = ureq::Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::default(),
            resolver,
        );
        let credentials = options.credentials.clone().or_else(|| {
            docker_config_credentials(
                &image.registry,
                options.docker_config_dir.as_deref(),
                options.credential_helper_path.as_deref(),
            )
        });
        let origin = base
            .parse::<ureq::http::Uri>()
            .ok()
            .as_ref()
            .and_then(origin_of)
            .ok_or_else(|| ImageError::format(&name, "not a valid registry host"))?;
        let mut store = RegistryStore {
            name,
            image,
            base,
            origin,
            agent,
            timeouts,
            credentials,
            insecure_remote: plain && loopback.is_none(),
            authorization: Mutex::new(None),
            documents: Mutex::new(FxHashMap::default()),
            manifest_digest: None,
        };
        store.manifest_digest = Some(store.fetch_top_manifest()?);
        Ok(store)
    }

    /// The digest of the manifest or index the reference named, as fetched by [`Self::open`].
    pub fn manifest_digest(&self) -> Option<&Digest> {
        self.manifest_digest.as_ref()
    }

    fn error(&self, message: impl Into<String>) -> ImageError {
        ImageError::format(&self.name, message)
    }

    /// GETs `path` (under `/v2/<repo>/`), answering one auth challenge. `deadline` bounds the
    /// whole request, body included.
    fn get(
        &self,
        path: &str,
        accept: Option<&str>,
        deadline: Duration,
    ) -> Result<(String, ureq::http::Response<ureq::Body>)> {
        let url = format!("{}/v2/{}/{path}", self.base, self.image.repository);
        for attempt in 0..2 {
            let mut request = self
                .agent
                .get(&url)
                .config()
                .timeout_global(Some(deadline))
                .build();
            if let Some(accept) = accept {
                request = request.header("Accept", accept);
            }
            let authorization = self.authorization.lock().ok().and_then(|a| a.clone());
            if let Some(authorization) = &authorization {
                request = request.header("Authorization", authorization);
            }
            let response = request.call().map_err(|err| {
                self.error(format!(
                    "GET {url}: {}",
                    describe_error(&err, &self.timeouts, deadline)
                ))
            })?;
            if response.status().as_u16() == 401 {
                // Only the registry itself may ask for its credentials: a challenge from a
                // host a redirect led to is not answered.
                let answered_by = ureq::ResponseExt::get_uri(&response);
                if origin_of(answered_by).as_ref() != Some(&self.origin) {
                    return Err(self.error(format!(
                        "GET {url}: a redirect to another host asked for credentials; not sent"
                    )));
                }
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
            return Ok((url, response));
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

    /// The Basic authorization for this registry's credentials, when they may be sent to
    /// `target`: the registry itself, or its token realm when that is the same host or HTTPS
    /// (as Docker does); never over plain HTTP to a host that is not loopback.
    fn basic_for(&self, target: &ureq::http::Uri) -> Result<Option<String>> {
        let Some((user, password)) = &self.credentials else {
            return Ok(None);
        };
        let Some(origin) = origin_of(target) else {
            return Ok(None);
        };
        let same_host = origin == self.origin;
        if origin.0 == "http" {
            let loopback_registry = !self.insecure_remote;
            if !same_host || !loopback_registry {
                if same_host {
                    return Err(self.error(
                        "refusing to send the docker config's credentials over plain HTTP to a registry that is not on loopback",
                    ));
                }
                return Ok(None);
            }
        } else if origin.0 != "https" {
            return Ok(None);
        }
        Ok(Some(format!(
            "Basic {}",
            base64(format!("{user}:{password}").as_bytes())
        )))
    }

    fn authenticate(&self, challenge: &str) -> Result<()> {
        let (scheme, params) = parse_challenge(challenge);
        let registry_uri: ureq::http::Uri = self
            .base
            .parse()
            .map_err(|_| self.error("not a valid registry URL"))?;
        let header = match scheme.as_str() {
            "basic" => self.basic_for(&registry_uri)?.ok_or_else(|| {
                self.error(
                    "the registry wants a user and password, and the docker config has none for it",
                )
            })?,
            "bearer" => {
                let realm = params
                    .get("realm")
                    .ok_or_else(|| self.error("bearer challenge without a realm"))?;
                let realm_uri: ureq::http::Uri = realm
                    .parse()
                    .ok()
                    .filter(|u: &ureq::http::Uri| {
                        matches!(u.scheme_str(), Some("http" | "https")) && u.host().is_some()
                    })
                    .ok_or_else(|| {
                        self.error(format!(
                            "the token realm `{}` is not an http(s) URL",
                            crate::error::printable(realm)
                        ))
                    })?;
                let shown_realm = crate::error::printable(realm);
                let mut url = format!("{realm}{}", if realm.contains('?') { "&" } else { "?" });
                if let Some(service) = params.get("service") {
                    url.push_str(&format!("service={}&", percent_encode(service)));
                }
                let scope = params
                    .get("scope")
                    .cloned()
                    .unwrap_or_else(|| format!("repository:{}:pull", self.image.repository));
                url.push_str(&format!("scope={}", percent_encode(&scope)));
                let mut request = self.agent.get(&url);
                if let Some(basic) = self.basic_for(&realm_uri)? {
                    request = request.header("Authorization", basic);
                }
                let deadline = self.timeouts.request;
                let response = request.call().map_err(|err| {
                    self.error(format!(
                        "token request to {shown_realm}: {}",
                        describe_error(&err, &self.timeouts, deadline)
                    ))
                })?;
                let status = response.status().as_u16();
                let body = response
                    .into_body()
                    .with_config()
                    .limit(1 << 20)
                    .read_to_vec()
                    .map_err(|err| {
                        self.error(format!(
                            "token response from {shown_realm}: {}",
                            describe_error(&err, &self.timeouts, deadline)
                        ))
                    })?;
                if status != 200 {
                    return Err(
                        self.error(format!("token request to {shown_realm}: HTTP {status}"))
                    );
                }
                format!(
                    "Bearer {}",
                    parse_token_response(&body).map_err(|m| self.error(m))?
                )
            }
            _ => {
                return Err(self.error(format!(
                    "unsupported auth challenge `{}`",
                    crate::error::printable(&scheme)
                )));
            }
        };
        if let Ok(mut slot) = self.authorization.lock() {
            *slot = Some(header);
        }
        Ok(())
    }

    fn read_body(
        &self,
        (url, response): (String, ureq::http::Response<ureq::Body>),
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
            return Err(self.error(format!("{what}: GET {url}: HTTP {status}")));
        }
        response
            .into_body()
            .with_config()
            .limit(limit)
            .read_to_vec()
            .map_err(|err| {
                self.error(format!(
                    "{what}: GET {url}: {}",
                    describe_error(&err, &self.timeouts, self.timeouts.request)
                ))
            })
    }

    /// Fetches the manifest (or index) the reference names and returns its digest.
    fn fetch_top_manifest(&self) -> Result<Digest> {
        let response = self.get(
            &format!("manifests/{}", self.image.reference),
            Some(ACCEPT),
            self.timeouts.request,
        )?;
        let content_type = response
            .1
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let bytes = self.read_body(
            response,
            &format!("manifest {}", self.image.reference),
            8 << 20,
        )?;
        let (digest, index) = top_level_index(&content_type, &bytes);
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
        let mut documents = self
            .documents
            .lock()
            .map_err(|_| self.error("document cache poisoned"))?;
        documents.insert("index.json".to_owned(), index);
        documents.insert(format!("blobs/sha256/{}", digest.hex()), bytes);
        Ok(digest)
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
        let deadline = self.timeouts.request;
        let response = self.get(&format!("blobs/{digest}"), None, deadline)?;
        let bytes = match self.read_body(response, &format!("blob {digest}"), limit) {
            Err(ImageError::MissingBlob { .. }) => {
                let response = self.get(&format!("manifests/{digest}"), Some(ACCEPT), deadline)?;
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
        let deadline = self.timeouts.layer;
        let (url, response) = self.get(&format!("blobs/{digest}"), None, deadline)?;
        let status = response.status().as_u16();
        if status == 404 {
            return Err(ImageError::MissingBlob {
                source_name: self.name.clone(),
                digest: digest.to_string(),
            });
        }
        if status != 200 {
            return Err(self.error(format!("{what}: GET {url}: HTTP {status}")));
        }
        let reader: Box<dyn Read + Send> = Box::new(BodyReader {
            inner: response
                .into_body()
                .into_with_config()
                .limit(u64::MAX)
                .reader(),
            url,
            timeouts: self.timeouts,
            deadline,
        });
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
    fn loopback_is_decided_by_address_not_spelling() {
        let loopback = |text: &str| RegistryRef::parse(text).unwrap().is_loopback();
        assert!(loopback("127.0.0.1:5000/x:y"));
        assert!(loopback("127.9.8.7/x:y"));
        assert!(loopback("[::1]:5000/x:y"));
        assert!(loopback("localhost:5000/x:y"));
        assert!(!loopback("127.evil.invalid:5000/x:y"));
        assert!(!loopback("127.0.0.1.invalid/x:y"));
        assert!(!loopback("10.0.0.1:5000/x:y"));
        assert!(!loopback("busybox"));
    }

    #[test]
    fn token_replies() {
        assert_eq!(parse_token_response(br#"{"token":"abc"}"#).unwrap(), "abc");
        assert_eq!(
            parse_token_response(br#"{"access_token":"xyz"}"#).unwrap(),
            "xyz"
        );
        assert!(parse_token_response(br#"{"token":"a\r\nX-Evil: 1"}"#).is_err());
        assert!(parse_token_response(b"<html>").is_err());
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
