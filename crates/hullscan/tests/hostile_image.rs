//! Hostile network and image-file edges (issue 15): every case runs the real `hullscan`
//! binary as a child process under a time limit (killed after it) and a memory limit (`ulimit
//! -v` through `sh -c`), and asserts a clear error or the right finding. The registry cases
//! talk to a small thread-based HTTP server of the test's own, on loopback only: 127.0.0.1 is
//! the registry, 127.0.0.2 plays "another host". Credentials come from a `DOCKER_CONFIG`
//! directory the test writes, and the server records which Authorization headers reached
//! which host.
#![allow(clippy::print_stderr)] // skip notes

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha2::Digest as _;

const BIN: &str = env!("CARGO_BIN_EXE_hullscan");
/// Virtual memory for the child, in KiB: 4 GiB (threads reserve address space up front).
const MEMORY_KIB: u64 = 4 << 20;

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Outcome {
    fn text(&self) -> String {
        format!(
            "exit {:?} after {:?}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.elapsed, self.stdout, self.stderr
        )
    }
}

/// Runs hullscan with `args` under `ulimit -v` and kills it after `limit`.
fn run_with(
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<Vec<u8>>,
    limit: Duration,
) -> Outcome {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB} && exec \"$0\" \"$@\""))
        .arg(BIN)
        .args(args)
        .env("NO_PROXY", "*")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let started = Instant::now();
    let mut child = command.spawn().expect("spawn hullscan");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "hullscan {args:?} was still running after {limit:?} (killed); stderr so far: {}",
                stderr.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Outcome {
        code,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        elapsed: started.elapsed(),
    }
}

fn run(args: &[&str], limit: Duration) -> Outcome {
    run_with(args, &[], None, limit)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

// ---------------------------------------------------------------------------------------------
// Images built by the test: uncompressed tar layers in an OCI layout or served by the registry.

fn sha256_hex(bytes: &[u8]) -> String {
    hex_of(&sha2::Sha256::digest(bytes))
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

enum Item<'a> {
    Dir(&'a str),
    File(&'a str, &'a [u8]),
    Symlink(&'a str, &'a str),
}

fn layer_tar(items: &[Item<'_>]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for item in items {
        let mut header = tar::Header::new_ustar();
        header.set_mtime(0);
        match item {
            Item::Dir(path) => {
                header.set_entry_type(tar::EntryType::Directory);
                header.set_mode(0o755);
                header.set_size(0);
                builder
                    .append_data(&mut header, path, std::io::empty())
                    .unwrap();
            }
            Item::File(path, content) => {
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(0o644);
                header.set_size(content.len() as u64);
                builder.append_data(&mut header, path, *content).unwrap();
            }
            Item::Symlink(path, target) => {
                header.set_entry_type(tar::EntryType::Symlink);
                header.set_mode(0o777);
                header.set_size(0);
                builder.append_link(&mut header, path, target).unwrap();
            }
        }
    }
    builder.into_inner().unwrap()
}

/// An image's documents and layers, as bytes.
struct ImageBytes {
    manifest: Vec<u8>,
    config: Vec<u8>,
    layers: Vec<Vec<u8>>,
}

impl ImageBytes {
    /// `size_lie` is added to every layer descriptor's size.
    fn new(layers: Vec<Vec<u8>>, history: &[&str], size_lie: i64) -> ImageBytes {
        let diff_ids: Vec<String> = layers
            .iter()
            .map(|l| format!("sha256:{}", sha256_hex(l)))
            .collect();
        let history: Vec<serde_json::Value> = history
            .iter()
            .map(|h| serde_json::json!({"created_by": h}))
            .collect();
        let config = serde_json::to_vec(&serde_json::json!({
            "architecture": "amd64", "os": "linux",
            "config": {"User": "1000", "Cmd": ["sh"]},
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": history,
        }))
        .unwrap();
        let descriptors: Vec<serde_json::Value> = layers
            .iter()
            .map(|l| {
                serde_json::json!({
                    "mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": format!("sha256:{}", sha256_hex(l)),
                    "size": l.len() as i64 + size_lie,
                })
            })
            .collect();
        let manifest = serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": format!("sha256:{}", sha256_hex(&config)),
                "size": config.len(),
            },
            "layers": descriptors,
        }))
        .unwrap();
        ImageBytes {
            manifest,
            config,
            layers,
        }
    }

    fn simple() -> ImageBytes {
        let layer = layer_tar(&[Item::Dir("etc"), Item::File("etc/hello", b"hello\n")]);
        ImageBytes::new(vec![layer], &["ADD rootfs.tar /"], 0)
    }

    /// Writes an OCI layout under `root`; returns the path of each layer's blob.
    fn write_layout(&self, root: &Path) -> Vec<PathBuf> {
        let blobs = root.join("blobs/sha256");
        std::fs::create_dir_all(&blobs).unwrap();
        std::fs::write(root.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
        let index = serde_json::json!({
            "schemaVersion": 2,
            "manifests": [{
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": format!("sha256:{}", sha256_hex(&self.manifest)),
                "size": self.manifest.len(),
            }],
        });
        std::fs::write(root.join("index.json"), index.to_string()).unwrap();
        for document in [&self.manifest, &self.config] {
            std::fs::write(blobs.join(sha256_hex(document)), document).unwrap();
        }
        self.layers
            .iter()
            .map(|layer| {
                let path = blobs.join(sha256_hex(layer));
                std::fs::write(&path, layer).unwrap();
                path
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// A loopback HTTP server of the test's own.

#[derive(Clone, Debug)]
struct Request {
    /// The listener's `ip:port`.
    host: String,
    path: String,
    authorization: Option<String>,
}

type Handler = Arc<dyn Fn(&Request, &mut TcpStream) + Send + Sync>;

struct Server {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    /// Serves on `ip` (a loopback address) until 200 connections have come, each answered by
    /// `handler` on its own thread.
    fn start(ip: &str, log: Arc<Mutex<Vec<Request>>>, handler: Handler) -> Server {
        let listener = TcpListener::bind((ip, 0)).expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        assert!(addr.ip().is_loopback());
        let shared_log = Arc::clone(&log);
        std::thread::spawn(move || {
            for stream in listener.incoming().take(200) {
                let Ok(mut stream) = stream else { continue };
                let handler = Arc::clone(&handler);
                let log = Arc::clone(&shared_log);
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                    // Keep-alive: answer requests on this connection until it closes.
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
                        let mut authorization = None;
                        loop {
                            let mut header = String::new();
                            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                                return;
                            }
                            let header = header.trim_end();
                            if header.is_empty() {
                                break;
                            }
                            if let Some((name, value)) = header.split_once(':')
                                && name.eq_ignore_ascii_case("authorization")
                            {
                                authorization = Some(value.trim().to_owned());
                            }
                        }
                        let request = Request {
                            host: addr.to_string(),
                            path,
                            authorization,
                        };
                        log.lock().unwrap().push(request.clone());
                        handler(&request, &mut stream);
                    }
                });
            }
        });
        Server { addr, log }
    }

    fn requests_to(&self, addr: SocketAddr) -> Vec<Request> {
        let host = addr.to_string();
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.host == host)
            .cloned()
            .collect()
    }
}

fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, String)], body: &[u8]) {
    let mut head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

/// Serves `image` as `repo:tag`: the manifest, the config and the layers, by digest.
fn serve_document(image: &ImageBytes, request: &Request, stream: &mut TcpStream) -> bool {
    let manifest_type = "application/vnd.oci.image.manifest.v1+json".to_owned();
    if request.path.contains("/manifests/") {
        respond(
            stream,
            "200 OK",
            &[("Content-Type", manifest_type)],
            &image.manifest,
        );
        return true;
    }
    let wanted = request.path.rsplit(':').next().unwrap_or("");
    if wanted == sha256_hex(&image.config) {
        respond(stream, "200 OK", &[], &image.config);
        return true;
    }
    for layer in &image.layers {
        if wanted == sha256_hex(layer) {
            respond(stream, "200 OK", &[], layer);
            return true;
        }
    }
    false
}

fn docker_config(registry: &str, user: &str, password: &str) -> tempfile::TempDir {
    use base64::Engine as _;
    let dir = tempfile::tempdir().unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    std::fs::write(
        dir.path().join("config.json"),
        format!(r#"{{"auths": {{"{registry}": {{"auth": "{auth}"}}}}}}"#),
    )
    .unwrap();
    dir
}

fn new_log() -> Arc<Mutex<Vec<Request>>> {
    Arc::new(Mutex::new(Vec::new()))
}

/// 127.0.0.2 is loopback on Linux without configuration; skip where it is not.
fn second_loopback_works() -> bool {
    let ok = TcpListener::bind(("127.0.0.2", 0)).is_ok();
    if !ok {
        eprintln!("skipped: cannot bind 127.0.0.2 here");
    }
    ok
}

// ---------------------------------------------------------------------------------------------
// 1. Loopback is decided by the address, not the name's spelling.

#[test]
fn a_name_that_starts_with_127_is_not_loopback() {
    let out = run(
        &[
            "image",
            "-q",
            "docker://127.evil.invalid:5000/x:y",
            "--timeout",
            "5s",
        ],
        secs(60),
    );
    assert_eq!(out.code, Some(2), "{}", out.text());
    assert!(
        out.stderr.contains("https://127.evil.invalid:5000/"),
        "must use HTTPS for a host that is not loopback: {}",
        out.text()
    );
    assert!(!out.stderr.contains("http://127.evil"), "{}", out.text());
}

#[test]
fn a_loopback_literal_registry_is_reached_over_plain_http() {
    let image = Arc::new(ImageBytes::simple());
    let served = Arc::clone(&image);
    let log = new_log();
    let registry = Server::start(
        "127.0.0.1",
        Arc::clone(&log),
        Arc::new(move |request, stream| {
            if !serve_document(&served, request, stream) {
                respond(stream, "404 Not Found", &[], b"");
            }
        }),
    );
    let reference = format!("docker://{}/team/app:1", registry.addr);
    let out = run(&["image", "-q", &reference, "--format", "json"], secs(60));
    assert_eq!(out.code.map(|c| c < 2), Some(true), "{}", out.text());
    assert!(!registry.requests_to(registry.addr).is_empty());
}

// ---------------------------------------------------------------------------------------------
// 2. Credentials go only to the registry they belong to.

/// A registry on 127.0.0.1 that wants a bearer token from `realm`; the token server on
/// `token_server` hands one out to anyone. Returns what each host received.
fn bearer_registry(
    realm_on_same_host: bool,
) -> Option<(Server, Server, Outcome, tempfile::TempDir)> {
    if !second_loopback_works() {
        return None;
    }
    let image = Arc::new(ImageBytes::simple());
    let log = new_log();
    let token_server = Server::start(
        "127.0.0.2",
        Arc::clone(&log),
        Arc::new(|_, stream| respond(stream, "200 OK", &[], br#"{"token":"tok-123"}"#)),
    );
    let token_addr = token_server.addr;
    let registry_addr = Arc::new(Mutex::new(None::<SocketAddr>));
    let own_addr = Arc::clone(&registry_addr);
    let served = Arc::clone(&image);
    let registry = Server::start(
        "127.0.0.1",
        Arc::clone(&log),
        Arc::new(move |request, stream| {
            let me = own_addr.lock().unwrap().expect("address set");
            if request.path.starts_with("/token") {
                respond(stream, "200 OK", &[], br#"{"token":"tok-123"}"#);
                return;
            }
            if request.authorization.as_deref() != Some("Bearer tok-123") {
                let realm = if realm_on_same_host {
                    format!("http://{me}/token")
                } else {
                    format!("http://{token_addr}/token")
                };
                respond(
                    stream,
                    "401 Unauthorized",
                    &[(
                        "WWW-Authenticate",
                        format!(
                            r#"Bearer realm="{realm}",service="reg",scope="repository:team/app:pull""#
                        ),
                    )],
                    b"",
                );
                return;
            }
            if !serve_document(&served, request, stream) {
                respond(stream, "404 Not Found", &[], b"");
            }
        }),
    );
    *registry_addr.lock().unwrap() = Some(registry.addr);
    let config = docker_config(&registry.addr.to_string(), "hull", "s3cret-pass");
    let reference = format!("docker://{}/team/app:1", registry.addr);
    let out = run_with(
        &["image", "-q", &reference],
        &[("DOCKER_CONFIG", config.path().to_str().unwrap())],
        None,
        secs(60),
    );
    Some((registry, token_server, out, config))
}

#[test]
fn basic_credentials_never_go_to_a_token_realm_on_another_host_over_http() {
    let Some((registry, token_server, out, _config)) = bearer_registry(false) else {
        return;
    };
    assert!(out.code.is_some_and(|c| c < 2), "{}", out.text());
    let to_token_host = token_server.requests_to(token_server.addr);
    assert!(!to_token_host.is_empty(), "the token was asked for");
    for request in &to_token_host {
        assert!(
            request.authorization.is_none(),
            "credentials reached another host over plain HTTP: {request:?}"
        );
    }
    // The registry itself only ever saw the token, never the password.
    for request in registry.requests_to(registry.addr) {
        assert!(
            request
                .authorization
                .as_deref()
                .is_none_or(|a| a.starts_with("Bearer")),
            "{request:?}"
        );
    }
}

#[test]
fn a_same_host_token_realm_does_get_the_credentials() {
    // The control for the test above: the same setup with the realm on the registry's host.
    let Some((registry, _token_server, out, _config)) = bearer_registry(true) else {
        return;
    };
    assert!(out.code.is_some_and(|c| c < 2), "{}", out.text());
    let token_requests: Vec<Request> = registry
        .requests_to(registry.addr)
        .into_iter()
        .filter(|r| r.path.starts_with("/token"))
        .collect();
    assert!(!token_requests.is_empty());
    assert!(
        token_requests.iter().all(|r| r
            .authorization
            .as_deref()
            .is_some_and(|a| a.starts_with("Basic "))),
        "{token_requests:?}"
    );
}

#[test]
fn a_redirect_to_another_host_drops_the_authorization_header() {
    if !second_loopback_works() {
        return;
    }
    let image = Arc::new(ImageBytes::simple());
    let log = new_log();
    let served = Arc::clone(&image);
    let elsewhere = Server::start(
        "127.0.0.2",
        Arc::clone(&log),
        Arc::new(move |request, stream| {
            if !serve_document(&served, request, stream) {
                respond(stream, "404 Not Found", &[], b"");
            }
        }),
    );
    let target = elsewhere.addr;
    let registry = Server::start(
        "127.0.0.1",
        Arc::clone(&log),
        Arc::new(move |request, stream| {
            if request.authorization.is_none() {
                respond(
                    stream,
                    "401 Unauthorized",
                    &[("WWW-Authenticate", r#"Basic realm="reg""#.to_owned())],
                    b"",
                );
                return;
            }
            respond(
                stream,
                "307 Temporary Redirect",
                &[("Location", format!("http://{target}{}", request.path))],
                b"",
            );
        }),
    );
    let config = docker_config(&registry.addr.to_string(), "hull", "s3cret-pass");
    let reference = format!("docker://{}/team/app:1", registry.addr);
    let out = run_with(
        &["image", "-q", &reference],
        &[("DOCKER_CONFIG", config.path().to_str().unwrap())],
        None,
        secs(60),
    );
    assert!(out.code.is_some_and(|c| c < 2), "{}", out.text());
    let redirected = elsewhere.requests_to(elsewhere.addr);
    assert!(!redirected.is_empty(), "the redirect was followed");
    for request in redirected {
        assert!(request.authorization.is_none(), "{request:?}");
    }
    assert!(!out.stderr.contains("s3cret") && !out.stdout.contains("s3cret"));
}

// ---------------------------------------------------------------------------------------------
// 3. OCI-layout blobs: regular files inside the layout only.

#[test]
fn a_blob_that_links_outside_the_layout_is_refused_without_quoting_it() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("shadow");
    std::fs::write(&outside, "root:$6$TOPSECRETHASH:19000:0:99999:7:::\n").unwrap();
    let layout = dir.path().join("layout");
    let blobs = ImageBytes::simple().write_layout(&layout);
    std::fs::remove_file(&blobs[0]).unwrap();
    std::os::unix::fs::symlink(&outside, &blobs[0]).unwrap();
    let out = run(&["image", "-q", layout.to_str().unwrap()], secs(60));
    assert_eq!(out.code, Some(2), "{}", out.text());
    assert!(out.stderr.contains("outside the layout"), "{}", out.text());
    assert!(!out.stderr.contains("TOPSECRET"), "{}", out.text());
}

#[test]
fn a_blob_that_is_a_fifo_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = ImageBytes::simple().write_layout(dir.path());
    std::fs::remove_file(&blobs[0]).unwrap();
    let status = Command::new("mkfifo").arg(&blobs[0]).status().unwrap();
    assert!(status.success());
    let out = run(&["image", "-q", dir.path().to_str().unwrap()], secs(30));
    assert_eq!(out.code, Some(2), "{}", out.text());
    assert!(out.stderr.contains("not a regular file"), "{}", out.text());
}

// ---------------------------------------------------------------------------------------------
// 4. Hangs: every network read has an idle limit and every request a deadline.

/// A registry that serves the manifest and config, and answers layer requests with `layer`.
fn registry_with_layer(layer: Handler) -> Server {
    let image = Arc::new(ImageBytes::simple());
    Server::start(
        "127.0.0.1",
        new_log(),
        Arc::new(move |request, stream| {
            let is_layer = image
                .layers
                .iter()
                .any(|l| request.path.ends_with(&sha256_hex(l)));
            if is_layer {
                layer(request, stream);
            } else if !serve_document(&image, request, stream) {
                respond(stream, "404 Not Found", &[], b"");
            }
        }),
    )
}

#[test]
fn a_stalled_layer_with_an_oversized_content_length_times_out_naming_the_url() {
    let registry = registry_with_layer(Arc::new(|_, stream| {
        // Promises a megabyte, sends ten bytes, then nothing.
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n0123456789");
        std::thread::sleep(Duration::from_secs(20));
    }));
    let reference = format!("docker://{}/team/app:1", registry.addr);
    let out = run(
        &["image", "-q", &reference, "--read-timeout", "2s"],
        secs(15),
    );
    assert_eq!(out.code, Some(2), "{}", out.text());
    assert!(out.stderr.contains("no data for 2 s"), "{}", out.text());
    assert!(out.stderr.contains("--read-timeout"), "{}", out.text());
    assert!(
        out.stderr.contains(&format!(
            "http://{}/v2/team/app/blobs/sha256:",
            registry.addr
        )),
        "{}",
        out.text()
    );
}

#[test]
fn a_slowly_dripped_manifest_hits_the_request_deadline() {
    let registry = Server::start(
        "127.0.0.1",
        new_log(),
        Arc::new(|_, stream| {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n");
            // A byte every 300 ms: never idle long enough for the read timeout.
            for _ in 0..100 {
                if stream.write_all(b" ").is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(300));
            }
        }),
    );
    let reference = format!("docker://{}/team/app:1", registry.addr);
    let out = run(
        &[
            "image",
            "-q",
            &reference,
            "--timeout",
            "3s",
            "--read-timeout",
            "2s",
        ],
        secs(20),
    );
    assert_eq!(out.code, Some(2), "{}", out.text());
    assert!(
        out.stderr.contains("not finished within 3 s"),
        "{}",
        out.text()
    );
    assert!(
        out.stderr
            .contains(&format!("http://{}/v2/team/app/manifests/1", registry.addr)),
        "{}",
        out.text()
    );
}

#[test]
fn a_layer_shorter_than_its_content_length_is_a_clear_error() {
    let registry = registry_with_layer(Arc::new(|_, stream| {
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\nshort");
        let _ = stream.shutdown(std::net::Shutdown::Both);
    }));
    let reference = format!("docker://{}/team/app:1", registry.addr);
    let out = run(&["image", "-q", &reference], secs(30));
    assert_eq!(out.code, Some(2), "{}", out.text());
    assert!(out.stderr.contains("blobs/sha256:"), "{}", out.text());
}

#[test]
fn an_endless_daemon_header_line_is_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("docker.sock");
    let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request);
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nX-Endless: ");
                let chunk = vec![b'a'; 64 * 1024];
                // Up to 4 GiB, far past any sane header; stops when the client hangs up.
                for _ in 0..65536 {
                    if stream.write_all(&chunk).is_err() {
                        return;
                    }
                }
            });
        }
    });
    let host = format!("unix://{}", socket.display());
    let out = run_with(
        &["image", "-q", "docker-daemon:busybox:latest"],
        &[("DOCKER_HOST", &host)],
        None,
        secs(30),
    );
    assert_eq!(out.code, Some(2), "{}", out.text());
    assert!(out.stderr.contains("longer than"), "{}", out.text());
}

// ---------------------------------------------------------------------------------------------
// 5. Silent wrong answers.

#[test]
fn a_file_written_through_a_symlinked_directory_is_found() {
    // Layer 1 makes /etc a link to /private/etc; layer 2 writes etc/shadow through it, with an
    // empty root password. At run time the file is /private/etc/shadow = /etc/shadow.
    let base = layer_tar(&[
        Item::Dir("private"),
        Item::Dir("private/etc"),
        Item::File(
            "private/etc/passwd",
            b"root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n",
        ),
        Item::Symlink("etc", "private/etc"),
    ]);
    let upper = layer_tar(&[Item::File("etc/shadow", b"root::19000:0:99999:7:::\n")]);
    let image = ImageBytes::new(vec![base, upper], &["ADD a /", "RUN passwd -d root"], 0);
    let dir = tempfile::tempdir().unwrap();
    image.write_layout(dir.path());
    let out = run(
        &[
            "image",
            "-q",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
        ],
        secs(60),
    );
    assert!(out.code.is_some_and(|c| c < 2), "{}", out.text());
    assert!(
        out.stdout.contains("HS610") && out.stdout.contains("empty password"),
        "{}",
        out.text()
    );
}

#[test]
fn an_unknown_target_stage_is_an_error_listing_the_stages() {
    let dir = tempfile::tempdir().unwrap();
    ImageBytes::simple().write_layout(&dir.path().join("layout"));
    let dockerfile = dir.path().join("Dockerfile");
    std::fs::write(
        &dockerfile,
        "FROM alpine AS build\nRUN true\nFROM alpine AS final\nADD rootfs.tar /\n",
    )
    .unwrap();
    let out = run(
        &[
            "image",
            "-q",
            dir.path().join("layout").to_str().unwrap(),
            "--dockerfile",
            dockerfile.to_str().unwrap(),
            "--target",
            "nosuchstage",
        ],
        secs(60),
    );
    assert_eq!(out.code, Some(2), "{}", out.text());
    assert!(
        out.stderr.contains("nosuchstage") && out.stderr.contains("build, final"),
        "{}",
        out.text()
    );
}

#[test]
fn a_wrong_descriptor_size_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let layer = layer_tar(&[Item::File("hello", b"hi\n")]);
    ImageBytes::new(vec![layer], &["ADD a /"], 7).write_layout(dir.path());
    let out = run(&["image", "-q", dir.path().to_str().unwrap()], secs(60));
    assert_eq!(out.code, Some(2), "{}", out.text());
    assert!(out.stderr.contains("descriptor says"), "{}", out.text());
}

#[test]
fn a_registry_that_lies_about_the_layer_size_is_rejected() {
    let image = Arc::new(ImageBytes::new(
        vec![layer_tar(&[Item::File("hello", b"hi\n")])],
        &["ADD a /"],
        -3,
    ));
    let served = Arc::clone(&image);
    let registry = Server::start(
        "127.0.0.1",
        new_log(),
        Arc::new(move |request, stream| {
            if !serve_document(&served, request, stream) {
                respond(stream, "404 Not Found", &[], b"");
            }
        }),
    );
    let reference = format!("docker://{}/team/app:1", registry.addr);
    let out = run(&["image", "-q", &reference], secs(60));
    assert_eq!(out.code, Some(2), "{}", out.text());
    assert!(out.stderr.contains("descriptor says"), "{}", out.text());
}

#[test]
fn a_size_option_too_large_to_hold_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    ImageBytes::simple().write_layout(dir.path());
    let out = run(
        &[
            "image",
            "-q",
            dir.path().to_str().unwrap(),
            "--max-wasted",
            "99999999999TB",
        ],
        secs(30),
    );
    assert_eq!(out.code, Some(2), "{}", out.text());
    assert!(out.stderr.contains("too large"), "{}", out.text());
}

#[test]
fn an_image_archive_on_standard_input_is_read() {
    let dir = tempfile::tempdir().unwrap();
    ImageBytes::simple().write_layout(dir.path());
    let mut archive = tar::Builder::new(Vec::new());
    archive.append_dir_all(".", dir.path()).unwrap();
    let bytes = archive.into_inner().unwrap();
    let out = run_with(
        &["image", "-", "--format", "json"],
        &[],
        Some(bytes),
        secs(60),
    );
    assert!(out.code.is_some_and(|c| c < 2), "{}", out.text());
    assert!(out.stderr.contains("standard input"), "{}", out.text());
    assert!(!out.stderr.contains("daemon"), "{}", out.text());
}

// ---------------------------------------------------------------------------------------------
// 6. `--shellcheck`: private temporary files, gone and ShellCheck stopped even on `kill -9`.

#[test]
fn shellcheck_scripts_are_private_and_cleaned_up_when_hullscan_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    let tmp = dir.path().join("tmp");
    let report = dir.path().join("report");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&tmp).unwrap();
    // A stand-in ShellCheck: reports what it was given, then hangs.
    let fake = bin.join("shellcheck");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'version: 0.9.0'; exit 0; fi\n\
             {{ pwd; stat -c %a . ; for f in *.sh; do stat -c %a \"$f\"; done; echo $$; }} > {report}.part\n\
             mv {report}.part {report}\nexec sleep 60\n",
            report = report.display()
        ),
    )
    .unwrap();
    std::os::unix::fs::PermissionsExt::set_mode(
        &mut std::fs::metadata(&fake).unwrap().permissions(),
        0o755,
    );
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let dockerfile = dir.path().join("Dockerfile");
    std::fs::write(
        &dockerfile,
        "FROM alpine\nRUN curl -H \"Authorization: token ghp_planted\" https://example.invalid\n",
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut child = Command::new(BIN)
        .args(["lint", "--shellcheck", dockerfile.to_str().unwrap()])
        .env("PATH", &path)
        .env("TMPDIR", &tmp)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !report.exists() {
        assert!(
            started.elapsed() < secs(30),
            "the stand-in ShellCheck never ran"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let text = std::fs::read_to_string(&report).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (script_dir, modes, pid) = (lines[0], &lines[1..lines.len() - 1], lines[lines.len() - 1]);
    assert_eq!(modes[0], "700", "the directory is private: {text}");
    assert!(modes.len() >= 2, "{text}");
    assert!(
        modes[1..].iter().all(|m| *m == "600"),
        "files are private: {text}"
    );

    child.kill().unwrap(); // SIGKILL: no destructor runs in hullscan
    child.wait().unwrap();
    let deadline = Instant::now() + secs(10);
    let alive = |pid: &str| {
        Path::new(&format!("/proc/{pid}")).exists() && {
            // A zombie waiting for its reaper counts as gone.
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .map(|stat| !stat.contains(") Z "))
                .unwrap_or(false)
        }
    };
    while (Path::new(script_dir).exists() || alive(pid)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        !Path::new(script_dir).exists(),
        "the scripts were left behind in {script_dir}"
    );
    assert!(!alive(pid), "ShellCheck (pid {pid}) outlived hullscan");
}

/// A `config.json` in `DOCKER_CONFIG` that is a FIFO (or `/dev/zero` behind a symlink) is not
/// waited on nor read forever: the scan goes on without stored credentials.
#[test]
fn a_docker_config_that_is_a_fifo_or_endless_is_not_read() {
    let image = Arc::new(ImageBytes::simple());
    let served = Arc::clone(&image);
    let registry = Server::start(
        "127.0.0.1",
        new_log(),
        Arc::new(move |request, stream| {
            if !serve_document(&served, request, stream) {
                respond(stream, "404 Not Found", &[], b"");
            }
        }),
    );
    let reference = format!("docker://{}/team/app:1", registry.addr);
    let fifo_dir = tempfile::tempdir().unwrap();
    let made = Command::new("mkfifo")
        .arg(fifo_dir.path().join("config.json"))
        .status()
        .is_ok_and(|status| status.success());
    let zero_dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/dev/zero", zero_dir.path().join("config.json")).unwrap();
    let mut dirs = vec![zero_dir.path()];
    if made {
        dirs.push(fifo_dir.path());
    }
    for dir in dirs {
        let out = run_with(
            &["image", "-q", &reference, "--format", "json"],
            &[("DOCKER_CONFIG", dir.to_str().unwrap())],
            None,
            secs(30),
        );
        assert_eq!(out.code.map(|c| c < 2), Some(true), "{}", out.text());
    }
}
