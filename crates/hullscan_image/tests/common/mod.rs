//! Builds test images with real tools (umoci, skopeo, docker) over a busybox-static rootfs.
//! Every helper returns `None` (and the test prints why it skips) when a tool is missing.
#![allow(dead_code, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::Command;

use hullscan_diagnostics::Diagnostic;
use hullscan_image::{Image, ReadOptions};
use hullscan_image_rules::{ImageRuleSettings, check_image};

pub fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool} >/dev/null 2>&1")])
        .status()
        .is_ok_and(|s| s.success())
}

/// Returns false (after saying why) when any tool is missing.
pub fn require(tools: &[&str]) -> bool {
    let missing: Vec<&&str> = tools.iter().filter(|t| !have(t)).collect();
    if missing.is_empty() {
        true
    } else {
        eprintln!(
            "skipping: {missing:?} not installed (apt-get install -y umoci skopeo busybox-static docker-registry)"
        );
        false
    }
}

pub fn busybox() -> Option<PathBuf> {
    ["/bin/busybox", "/usr/bin/busybox"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

pub fn run(program: &str, args: &[&str]) {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A busybox-static root filesystem: /bin/busybox, /bin/sh, accounts.
pub fn busybox_rootfs(root: &Path) {
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::create_dir_all(root.join("tmp")).unwrap();
    std::fs::copy(busybox().expect("busybox"), root.join("bin/busybox")).unwrap();
    std::os::unix::fs::symlink("busybox", root.join("bin/sh")).unwrap();
    write(
        &root.join("etc/passwd"),
        "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\napp:x:10001:10001::/home/app:/bin/false\n",
    );
    write(
        &root.join("etc/group"),
        "root:x:0:\nnogroup:x:65534:\napp:x:10001:\n",
    );
    write(
        &root.join("etc/shadow"),
        "root:*:19000:0:99999:7:::\nnobody:!:19000::::::\napp:!:19000::::::\n",
    );
}

/// An OCI layout built with umoci, one `layer` call per layer.
pub struct UmociImage {
    pub dir: tempfile::TempDir,
    pub tag: String,
}

impl UmociImage {
    pub fn new(tag: &str) -> UmociImage {
        let dir = tempfile::tempdir().unwrap();
        let layout = dir.path().join("oci");
        run("umoci", &["init", "--layout", layout.to_str().unwrap()]);
        run(
            "umoci",
            &["new", "--image", &format!("{}:{tag}", layout.display())],
        );
        UmociImage {
            dir,
            tag: tag.to_owned(),
        }
    }

    pub fn layout(&self) -> PathBuf {
        self.dir.path().join("oci")
    }

    pub fn image_arg(&self) -> String {
        format!("{}:{}", self.layout().display(), self.tag)
    }

    /// Unpacks the current image, lets `change` edit the rootfs, repacks one layer.
    pub fn layer(&self, created_by: &str, change: impl FnOnce(&Path)) {
        let bundle = self.dir.path().join("bundle");
        let _ = std::fs::remove_dir_all(&bundle);
        run(
            "umoci",
            &[
                "unpack",
                "--image",
                &self.image_arg(),
                bundle.to_str().unwrap(),
            ],
        );
        change(&bundle.join("rootfs"));
        run(
            "umoci",
            &[
                "repack",
                "--image",
                &self.image_arg(),
                "--history.created_by",
                created_by,
                bundle.to_str().unwrap(),
            ],
        );
        std::fs::remove_dir_all(&bundle).unwrap();
    }

    pub fn config(&self, args: &[&str]) {
        let image = self.image_arg();
        let mut all = vec!["config", "--image", image.as_str()];
        all.extend_from_slice(args);
        run("umoci", &all);
    }

    /// `oci:DIR:TAG` for hullscan and skopeo.
    pub fn reference(&self) -> String {
        format!("oci:{}", self.image_arg())
    }

    /// Copies the image with skopeo to `dest` (e.g. `docker-archive:/x.tar:name:tag`).
    pub fn skopeo_copy(&self, dest: &str) {
        run("skopeo", &["copy", "--quiet", &self.reference(), dest]);
    }
}

pub fn read(reference: &str) -> Image {
    match hullscan_image::open(reference, &ReadOptions::default()) {
        Ok((image, _)) => image,
        Err(err) => panic!("reading {reference}: {err}"),
    }
}

pub fn findings(image: &Image) -> Vec<Diagnostic> {
    check_image(image, &ImageRuleSettings::default())
}

pub fn codes(diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut codes: Vec<String> = diagnostics.iter().map(|d| d.code.to_string()).collect();
    codes.sort();
    codes.dedup();
    codes
}

pub fn with_code<'a>(diagnostics: &'a [Diagnostic], code: &str) -> Vec<&'a Diagnostic> {
    diagnostics.iter().filter(|d| d.code == code).collect()
}
