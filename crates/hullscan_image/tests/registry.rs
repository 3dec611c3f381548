//! The registry source against Debian's `docker-registry` on loopback, with and without
//! htpasswd auth, images pushed by skopeo; a manifest list read with `--platform`.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use hullscan_image::{ImageError, Platform, ReadOptions, Selection};

struct Registry {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_registry(htpasswd: Option<(&str, &str)>) -> Registry {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut config = format!(
        "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
        dir.path().join("data").display()
    );
    if let Some((user, password)) = htpasswd {
        let output = Command::new("htpasswd")
            .args(["-Bbn", user, password])
            .output()
            .unwrap();
        std::fs::write(dir.path().join("htpasswd"), output.stdout).unwrap();
        config.push_str(&format!(
            "auth:\n  htpasswd:\n    realm: hullscan-test\n    path: {}\n",
            dir.path().join("htpasswd").display()
        ));
    }
    std::fs::write(dir.path().join("config.yml"), config).unwrap();
    let child = Command::new("docker-registry")
        .args(["serve", dir.path().join("config.yml").to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "registry did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Registry {
        child,
        port,
        _dir: dir,
    }
}

fn small_image(tag: &str, arch: &str, marker: &str) -> UmociImage {
    let image = UmociImage::new(tag);
    image.layer("ADD rootfs.tar /", |root| {
        busybox_rootfs(root);
        write(&root.join("etc/marker"), marker);
    });
    image.config(&[
        "--architecture",
        arch,
        "--os",
        "linux",
        "--config.user",
        "10001",
    ]);
    image
}

fn push(image: &UmociImage, dest: &str, creds: Option<&str>, all: bool) {
    let source = image.reference();
    let mut args = vec!["copy", "--quiet", "--dest-tls-verify=false"];
    if all {
        args.push("--all");
    }
    if let Some(creds) = creds {
        args.push("--dest-creds");
        args.push(creds);
    }
    args.push(&source);
    args.push(dest);
    run("skopeo", &args);
}

fn options() -> ReadOptions<'static> {
    ReadOptions::default()
}

fn marker(image: &hullscan_image::Image) -> bool {
    image
        .fs
        .resolve(&image.layers, "/etc/marker")
        .unwrap()
        .is_some()
}

#[test]
fn anonymous_registry_pull() {
    if !require(&["umoci", "skopeo", "docker-registry"]) || busybox().is_none() {
        return;
    }
    let registry = start_registry(None);
    let image = small_image("1.0", "amd64", "amd64");
    let name = format!("127.0.0.1:{}/hullscan/small:1.0", registry.port);
    push(&image, &format!("docker://{name}"), None, false);
    let (pulled, note) = hullscan_image::open(&format!("docker://{name}"), &options()).unwrap();
    assert!(note.contains("registry"), "{note}");
    assert_eq!(pulled.source, hullscan_image::SourceKind::Registry);
    let local = read(&image.reference());
    assert_eq!(
        pulled.layers.iter().map(|l| &l.diff_id).collect::<Vec<_>>(),
        local.layers.iter().map(|l| &l.diff_id).collect::<Vec<_>>()
    );
    assert!(marker(&pulled));
    assert_eq!(codes(&findings(&pulled)), codes(&findings(&local)));

    // A bare name goes to the registry only when the network is allowed.
    let err = hullscan_image::open(&name, &options()).unwrap_err();
    assert!(err.to_string().contains("--remote"), "{err}");
    let remote = ReadOptions {
        allow_network: true,
        ..options()
    };
    let (_, note) = hullscan_image::open(&name, &remote).unwrap();
    assert!(note.contains("pulled") && note.contains("daemon"), "{note}");

    // A tag that is not there is a clear error.
    let missing = format!("docker://127.0.0.1:{}/hullscan/small:9.9", registry.port);
    let err = hullscan_image::open(&missing, &options()).unwrap_err();
    assert!(matches!(err, ImageError::MissingBlob { .. }), "{err}");
}

#[test]
fn htpasswd_registry_uses_docker_config_credentials() {
    if !require(&["umoci", "skopeo", "docker-registry", "htpasswd"]) || busybox().is_none() {
        return;
    }
    let registry = start_registry(Some(("hull", "scan-pass")));
    let image = small_image("2.0", "amd64", "auth");
    let host = format!("127.0.0.1:{}", registry.port);
    let name = format!("{host}/private/app:2.0");
    push(
        &image,
        &format!("docker://{name}"),
        Some("hull:scan-pass"),
        false,
    );

    // Without credentials: a clear "unauthorized" error.
    let no_config = tempfile::tempdir().unwrap();
    let with_config = tempfile::tempdir().unwrap();
    std::fs::write(
        with_config.path().join("config.json"),
        format!(r#"{{"auths": {{"{host}": {{"auth": "aHVsbDpzY2FuLXBhc3M="}}}}}}"#),
    )
    .unwrap();
    let with_dir = |dir: &Path| ReadOptions {
        registry: hullscan_image::registry::RegistryOptions {
            docker_config_dir: Some(dir.to_owned()),
            ..Default::default()
        },
        ..ReadOptions::default()
    };
    let err =
        hullscan_image::open(&format!("docker://{name}"), &with_dir(no_config.path())).unwrap_err();
    assert!(err.to_string().contains("user and password"), "{err}");
    let (pulled, _) =
        hullscan_image::open(&format!("docker://{name}"), &with_dir(with_config.path())).unwrap();
    assert!(marker(&pulled));
    // Wrong credentials: rejected, and the error says so.
    let wrong = tempfile::tempdir().unwrap();
    std::fs::write(
        wrong.path().join("config.json"),
        format!(r#"{{"auths": {{"{host}": {{"auth": "aHVsbDp3cm9uZw=="}}}}}}"#),
    )
    .unwrap();
    let err =
        hullscan_image::open(&format!("docker://{name}"), &with_dir(wrong.path())).unwrap_err();
    assert!(err.to_string().contains("rejected"), "{err}");
}

#[test]
fn manifest_list_with_platform() {
    if !require(&["umoci", "skopeo", "docker-registry"]) || busybox().is_none() {
        return;
    }
    let amd = small_image("amd", "amd64", "amd64");
    let arm = small_image("arm", "arm64", "arm64");
    // One layout holding both, under an image index with platforms.
    let multi = UmociImage::new("unused");
    let layout = multi.layout();
    let blobs = layout.join("blobs/sha256");
    let mut manifests = Vec::new();
    for (source, arch) in [(&amd, "amd64"), (&arm, "arm64")] {
        let index: serde_json::Value =
            serde_json::from_slice(&std::fs::read(source.layout().join("index.json")).unwrap())
                .unwrap();
        let descriptor = index["manifests"][0].clone();
        for entry in std::fs::read_dir(source.layout().join("blobs/sha256")).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), blobs.join(entry.file_name())).unwrap();
        }
        manifests.push(serde_json::json!({"mediaType": descriptor["mediaType"], "digest": descriptor["digest"], "size": descriptor["size"],
            "platform": {"architecture": arch, "os": "linux"}}));
    }
    let nested = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests}).to_string();
    let digest = hullscan_image::digest::Digest::of_bytes(nested.as_bytes());
    std::fs::write(blobs.join(digest.hex()), &nested).unwrap();
    let top = serde_json::json!({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json",
        "digest": digest.to_string(), "size": nested.len(), "annotations": {"org.opencontainers.image.ref.name": "multi"}}]});
    std::fs::write(layout.join("index.json"), top.to_string()).unwrap();

    let pick = |reference: &str, platform: &str| {
        let options = ReadOptions {
            selection: Selection {
                platform: Platform::parse(platform),
                tag: None,
            },
            ..ReadOptions::default()
        };
        hullscan_image::open(reference, &options)
    };
    let local = format!("oci:{}:multi", layout.display());
    for arch in ["amd64", "arm64"] {
        let (image, _) = pick(&local, &format!("linux/{arch}")).unwrap();
        assert_eq!(image.config.architecture, arch);
    }
    let err = pick(&local, "linux/s390x").unwrap_err();
    assert!(
        err.to_string()
            .contains("available: linux/amd64, linux/arm64"),
        "{err}"
    );

    let registry = start_registry(None);
    let name = format!("docker://127.0.0.1:{}/hullscan/multi:1", registry.port);
    run(
        "skopeo",
        &[
            "copy",
            "--quiet",
            "--all",
            "--dest-tls-verify=false",
            &local,
            &name,
        ],
    );
    for arch in ["arm64", "amd64"] {
        let (image, _) = pick(&name, &format!("linux/{arch}")).unwrap();
        assert_eq!(image.config.architecture, arch);
        let text = image.final_file("/etc/passwd").unwrap().map(|b| b.len());
        assert!(text.is_some());
    }
}

/// A registry that wants a bearer token, served from an OCI layout by a tiny HTTP server in
/// this test (the distribution registry's token auth needs a signing PKI): checks the
/// challenge → token → retry flow, with basic credentials sent to the token endpoint.
#[test]
fn bearer_token_flow() {
    use std::io::{BufRead, BufReader, Write};
    if !require(&["umoci"]) || busybox().is_none() {
        return;
    }
    let image = small_image("3.0", "amd64", "bearer");
    let layout = image.layout();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let token_requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = std::sync::Arc::clone(&token_requests);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_owned();
            let mut authorization = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line
                    .strip_prefix("Authorization: ")
                    .or_else(|| line.strip_prefix("authorization: "))
                {
                    authorization = value.trim().to_owned();
                }
            }
            let respond = |stream: &mut std::net::TcpStream,
                           status: &str,
                           headers: &str,
                           body: &[u8]| {
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n",
                    body.len()
                );
                let _ = stream.write_all(body);
            };
            if path.starts_with("/token") {
                seen.lock().unwrap().push(format!("{path} {authorization}"));
                respond(
                    &mut stream,
                    "200 OK",
                    "Content-Type: application/json\r\n",
                    br#"{"token":"t0k3n"}"#,
                );
                continue;
            }
            if authorization != "Bearer t0k3n" {
                let challenge = format!(
                    "WWW-Authenticate: Bearer realm=\"http://127.0.0.1:{port}/token\",service=\"fake\",scope=\"repository:team/app:pull\"\r\n"
                );
                respond(&mut stream, "401 Unauthorized", &challenge, b"{}");
                continue;
            }
            let blob = |digest: &str| {
                std::fs::read(
                    layout
                        .join("blobs/sha256")
                        .join(digest.trim_start_matches("sha256:")),
                )
            };
            let (status, content_type, body) = if path == "/v2/team/app/manifests/3.0" {
                let index: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(layout.join("index.json")).unwrap())
                        .unwrap();
                let digest = index["manifests"][0]["digest"].as_str().unwrap().to_owned();
                (
                    "200 OK",
                    "application/vnd.oci.image.manifest.v1+json",
                    blob(&digest).unwrap(),
                )
            } else if let Some(digest) = path.strip_prefix("/v2/team/app/blobs/") {
                match blob(digest) {
                    Ok(bytes) => ("200 OK", "application/octet-stream", bytes),
                    Err(_) => ("404 Not Found", "application/json", b"{}".to_vec()),
                }
            } else {
                ("404 Not Found", "application/json", b"{}".to_vec())
            };
            respond(
                &mut stream,
                status,
                &format!("Content-Type: {content_type}\r\n"),
                &body,
            );
        }
    });
    let options = ReadOptions {
        registry: hullscan_image::registry::RegistryOptions {
            credentials: Some(("robot".to_owned(), "pw".to_owned())),
            ..Default::default()
        },
        ..ReadOptions::default()
    };
    let (pulled, _) =
        hullscan_image::open(&format!("docker://127.0.0.1:{port}/team/app:3.0"), &options).unwrap();
    assert!(marker(&pulled));
    let requests = token_requests.lock().unwrap();
    assert!(!requests.is_empty());
    assert!(
        requests[0].contains("service=fake")
            && requests[0].contains("scope=repository%3Ateam%2Fapp%3Apull"),
        "{requests:?}"
    );
    assert!(requests[0].ends_with("Basic cm9ib3Q6cHc="), "{requests:?}");
}

/// A `docker-credential-hstest` helper in a fresh directory: it records the server it was
/// asked about in `asked` and knows credentials only for `known_server`.
fn fake_credential_helper(known_server: &str) -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let helper = dir.path().join("docker-credential-hstest");
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\n[ \"$1\" = get ] || exit 2\nserver=$(cat)\nprintf '%s\\n' \"$server\" >> '{asked}'\n\
             if [ \"$server\" = '{known_server}' ]; then\n  echo '{{\"ServerURL\":\"'\"$server\"'\",\"Username\":\"helper-user\",\"Secret\":\"scan-pass\"}}'\n\
             else\n  echo 'credentials not found in native keychain'\n  exit 1\nfi\n",
            asked = dir.path().join("asked").display(),
        ),
    )
    .unwrap();
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn asked(helpers: &tempfile::TempDir) -> String {
    std::fs::read_to_string(helpers.path().join("asked")).unwrap_or_default()
}

#[test]
fn credential_helpers_come_before_auths_and_fall_back_to_them() {
    use hullscan_image::registry::docker_config_credentials;
    let helpers = fake_credential_helper("127.0.0.1:5000");
    let path = helpers.path().as_os_str();
    let config = tempfile::tempdir().unwrap();
    // `auths` holds hull:from-auths for every registry used below.
    let auth = "aHVsbDpmcm9tLWF1dGhz";
    std::fs::write(
        config.path().join("config.json"),
        format!(
            r#"{{"credHelpers": {{"127.0.0.1:5000": "hstest", "evil.example": "../hstest"}},
                "credsStore": "hstest",
                "auths": {{"127.0.0.1:5000": {{"auth": "{auth}"}}, "other.example": {{"auth": "{auth}"}},
                           "evil.example": {{"auth": "{auth}"}}, "https://index.docker.io/v1/": {{"auth": "{auth}"}}}}}}"#
        ),
    )
    .unwrap();
    let lookup =
        |registry: &str| docker_config_credentials(registry, Some(config.path()), Some(path));
    let helper_user = Some(("helper-user".to_owned(), "scan-pass".to_owned()));
    let from_auths = Some(("hull".to_owned(), "from-auths".to_owned()));

    // The registry's own helper answers, and is asked with the registry as the server.
    assert_eq!(lookup("127.0.0.1:5000"), helper_user);
    assert_eq!(asked(&helpers), "127.0.0.1:5000\n");
    // `credsStore` is asked for the rest; when it knows nothing, `auths` is used.
    assert_eq!(lookup("other.example"), from_auths);
    assert_eq!(asked(&helpers), "127.0.0.1:5000\nother.example\n");
    // Docker Hub is asked for under its legacy server URL.
    assert_eq!(lookup("docker.io"), from_auths);
    assert!(
        asked(&helpers).ends_with("https://index.docker.io/v1/\n"),
        "{}",
        asked(&helpers)
    );
    // A helper name that is not a plain name is never run.
    let before = asked(&helpers);
    assert_eq!(lookup("evil.example"), from_auths);
    assert_eq!(asked(&helpers), before);
    // A configured helper that is not installed falls back to `auths` too.
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(
        docker_config_credentials(
            "127.0.0.1:5000",
            Some(config.path()),
            Some(empty.path().as_os_str())
        ),
        from_auths
    );
}

#[test]
fn htpasswd_registry_accepts_credentials_from_a_helper() {
    if !require(&["umoci", "skopeo", "docker-registry", "htpasswd"]) || busybox().is_none() {
        return;
    }
    let registry = start_registry(Some(("helper-user", "scan-pass")));
    let image = small_image("3.0", "amd64", "helper");
    let host = format!("127.0.0.1:{}", registry.port);
    let name = format!("{host}/private/helped:3.0");
    push(
        &image,
        &format!("docker://{name}"),
        Some("helper-user:scan-pass"),
        false,
    );

    let helpers = fake_credential_helper(&host);
    let config = tempfile::tempdir().unwrap();
    std::fs::write(
        config.path().join("config.json"),
        format!(r#"{{"credHelpers": {{"{host}": "hstest"}}}}"#),
    )
    .unwrap();
    let options = ReadOptions {
        registry: hullscan_image::registry::RegistryOptions {
            docker_config_dir: Some(config.path().to_owned()),
            credential_helper_path: Some(helpers.path().as_os_str().to_owned()),
            ..Default::default()
        },
        ..ReadOptions::default()
    };
    let (pulled, _) = hullscan_image::open(&format!("docker://{name}"), &options).unwrap();
    assert!(marker(&pulled));
    assert!(
        asked(&helpers).lines().all(|server| server == host),
        "{}",
        asked(&helpers)
    );
    assert!(!asked(&helpers).is_empty());
}
