//! Nothing hullscan prints leaks a credential (issue 14, item 9): fake but format-valid
//! credentials are planted in a Dockerfile, a build-context tree and an image, and every
//! command that reads them (`lint`, `secrets`, `context`, `image`, and an error message that
//! quotes a path) runs as a user runs it, in every output format. No 12-character piece of any
//! planted credential may appear in stdout or stderr.
//!
//! The credentials sit where the detectors see them and where they do not: a `ghp_` token in
//! `ARG`, both AWS keys in `ENV` and the secret key again alone in a `RUN`, a Slack token in a
//! `LABEL`, an npm token and a `# sk_live_...` comment in a `RUN`, a URL password inside a
//! JSON string; in the image, the same values in `Env`, labels and history
//! (`RUN |2 GITHUB_TOKEN=... NPM=...`) and in a layer's file.

mod common;

use std::path::Path;

use assert_cmd::Command;

const FORMATS: [&str; 8] = [
    "human",
    "concise",
    "json",
    "sarif",
    "checkstyle",
    "gitlab",
    "github",
    "junit",
];

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A fixed pseudo-random generator, so the planted values are the same on every run.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn from(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize] as char)
            .collect()
    }
}

/// `prefix` + 30 base62 characters + their CRC32 in 6 base62 digits: GitHub's and npm's token
/// format, with a valid checksum.
fn checksummed(random: &mut Random, prefix: &str) -> String {
    let body = random.from(BASE62, 30);
    let mut crc = crc32fast::hash(body.as_bytes());
    let mut digits = Vec::new();
    for _ in 0..6 {
        digits.push(BASE62[(crc % 62) as usize]);
        crc /= 62;
    }
    digits.reverse();
    format!(
        "{prefix}{body}{}",
        String::from_utf8(digits).expect("ASCII")
    )
}

struct Planted {
    github: String,
    aws_access: String,
    aws_secret: String,
    slack: String,
    npm: String,
    stripe: String,
    url_password: String,
}

impl Planted {
    fn new() -> Planted {
        let mut random = Random(0x9e37_79b9_7f4a_7c15);
        let base64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        Planted {
            github: checksummed(&mut random, "ghp_"),
            aws_access: format!(
                "AKIA{}",
                random.from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
            ),
            aws_secret: random.from(base64, 40),
            slack: format!(
                "xoxb-{}-{}-{}",
                random.from(b"0123456789", 12),
                random.from(b"0123456789", 13),
                random.from(BASE62, 24)
            ),
            npm: checksummed(&mut random, "npm_"),
            stripe: format!("sk_live_{}", random.from(BASE62, 24)),
            url_password: random.from(BASE62, 18),
        }
    }

    fn all(&self) -> [&str; 7] {
        [
            &self.github,
            &self.aws_access,
            &self.aws_secret,
            &self.slack,
            &self.npm,
            &self.stripe,
            &self.url_password,
        ]
    }

    fn dockerfile(&self) -> String {
        format!(
            "FROM alpine:3.20\n\
             ARG GITHUB_TOKEN={github}\n\
             ENV AWS_ACCESS_KEY_ID={access} AWS_SECRET_ACCESS_KEY={secret}\n\
             LABEL team.slack={slack}\n\
             RUN echo '{{\"db\": \"https://admin:{password}@db.example.com/app\"}}' > /etc/app.json && echo {secret} > /root/key\n\
             RUN npm config set //registry.npmjs.org/:_authToken {npm} # {stripe}\n\
             COPY . /app\n\
             CMD node /app/server.js\n",
            github = self.github,
            access = self.aws_access,
            secret = self.aws_secret,
            slack = self.slack,
            password = self.url_password,
            npm = self.npm,
            stripe = self.stripe,
        )
    }

    /// A build context holding the Dockerfile and credentials in files and in a file name.
    fn write_tree(&self, dir: &Path) {
        std::fs::write(dir.join("Dockerfile"), self.dockerfile()).expect("write");
        std::fs::write(
            dir.join(".env"),
            format!(
                "GITHUB_TOKEN={}\nAWS_ACCESS_KEY_ID={}\nSLACK={}\n",
                self.github, self.aws_access, self.slack
            ),
        )
        .expect("write");
        std::fs::create_dir_all(dir.join("config")).expect("mkdir");
        // A detected credential and an undetected one (the AWS secret key without its name) on
        // one line.
        std::fs::write(
            dir.join("config/settings.json"),
            format!(
                "{{\"token\": \"{}\", \"backup\": \"{}\", \"db\": \"https://admin:{}@db.example.com\"}}\n",
                self.npm, self.aws_secret, self.url_password
            ),
        )
        .expect("write");
        std::fs::write(
            dir.join("config/notes.txt"),
            format!("stripe key {} for billing\n", self.stripe),
        )
        .expect("write");
        std::fs::write(
            dir.join(format!("config/{}.key", self.stripe)),
            "placeholder\n",
        )
        .expect("write");
        std::fs::write(dir.join("server.js"), "console.log('hi')\n").expect("write");
    }

    /// An OCI layout whose config and history carry the credentials and whose one layer holds
    /// them in a file.
    fn write_image(&self, dir: &Path) {
        let env_file = format!(
            "GITHUB_TOKEN={}\nNPM_TOKEN={}\nAWS_SECRET_ACCESS_KEY={}\n# {}\n",
            self.github, self.npm, self.aws_secret, self.stripe
        );
        let config = serde_json::json!({
            "architecture": "amd64",
            "os": "linux",
            "config": {
                "Env": [
                    "PATH=/usr/local/bin:/usr/bin:/bin",
                    format!("GITHUB_TOKEN={}", self.github),
                    format!("AWS_ACCESS_KEY_ID={}", self.aws_access),
                    format!("AWS_SECRET_ACCESS_KEY={}", self.aws_secret),
                    format!("DATABASE_URL=postgres://admin:{}@db.example.com/app", self.url_password),
                ],
                "Labels": {
                    "team.slack": self.slack,
                    "billing": self.stripe,
                },
                "Cmd": ["/bin/sh", "-c", format!("curl -u admin:{} https://db.example.com && node server.js # {}", self.url_password, self.stripe)],
            },
            "history": [
                {"created_by": format!("ENV AWS_SECRET_ACCESS_KEY={} AWS_ACCESS_KEY_ID={}", self.aws_secret, self.aws_access), "empty_layer": true},
                {"created_by": format!("LABEL team.slack={}", self.slack), "empty_layer": true},
                {"created_by": format!(
                    "RUN |2 GITHUB_TOKEN={} NPM={} /bin/sh -c echo \"//registry.npmjs.org/:_authToken=$NPM\" > ~/.npmrc && echo {} # {}",
                    self.github, self.npm, self.aws_secret, self.stripe
                )},
            ],
        });
        common::write_oci_layout(dir, "leaky", config, &[("app/.env", env_file.as_bytes())]);
    }
}

/// Every 12-character piece of `credential`.
fn pieces(credential: &str) -> Vec<&str> {
    (0..=credential.len().saturating_sub(12))
        .map(|start| &credential[start..(start + 12).min(credential.len())])
        .collect()
}

/// Runs hullscan with `args` and fails the test if its output holds a piece of a credential.
/// Returns the exit code and stdout.
fn run_clean(planted: &Planted, dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let output = Command::cargo_bin("hullscan")
        .expect("binary")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run hullscan");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    for credential in planted.all() {
        for piece in pieces(credential) {
            assert!(
                !stdout.contains(piece) && !stderr.contains(piece),
                "`hullscan {}` printed `{piece}`, part of a planted credential\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
                args.join(" ")
            );
        }
    }
    (output.status.code(), stdout)
}

#[test]
fn no_command_or_format_prints_a_credential() {
    let planted = Planted::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = dir.path().join("app");
    std::fs::create_dir(&tree).expect("mkdir");
    planted.write_tree(&tree);
    let image = dir.path().join("image");
    std::fs::create_dir(&image).expect("mkdir");
    planted.write_image(&image);
    let image_ref = format!("oci:{}", image.display());
    let dockerfile = tree.join("Dockerfile");
    let dockerfile = dockerfile.to_str().expect("UTF-8 path");

    for format in FORMATS {
        // lint: the Dockerfile and its build context, with every rule on.
        let (code, stdout) = run_clean(
            &planted,
            dir.path(),
            &["lint", "--select", "ALL", "--format", format, "app"],
        );
        assert_eq!(code, Some(1), "lint -f {format}: {stdout}");
        assert!(stdout.contains("HS413"), "lint -f {format}: {stdout}");
        // secrets over the tree.
        let (code, stdout) = run_clean(
            &planted,
            dir.path(),
            &["secrets", "--format", format, "app"],
        );
        assert_eq!(code, Some(1), "secrets -f {format}: {stdout}");
        // image, alone and with its Dockerfile.
        let (code, stdout) = run_clean(
            &planted,
            dir.path(),
            &["image", "--format", format, &image_ref],
        );
        assert_eq!(code, Some(1), "image -f {format}: {stdout}");
        assert!(stdout.contains("HS6"), "image -f {format}: {stdout}");
        let (code, _) = run_clean(
            &planted,
            dir.path(),
            &[
                "image",
                "--format",
                format,
                "--dockerfile",
                dockerfile,
                &image_ref,
            ],
        );
        assert_eq!(code, Some(1), "image --dockerfile -f {format}");
    }
    // context has a human and a JSON report.
    for format in ["human", "json"] {
        let (code, stdout) = run_clean(
            &planted,
            dir.path(),
            &["context", "--format", format, "app"],
        );
        assert!(matches!(code, Some(0 | 1)), "context -f {format}: {stdout}");
        assert!(
            stdout.contains("settings.json"),
            "context -f {format}: {stdout}"
        );
    }
    // Error messages quote what they could not read.
    let missing = format!("app/{}.Dockerfile", planted.github);
    let (code, _) = run_clean(&planted, dir.path(), &["lint", &missing]);
    assert_eq!(code, Some(2));
    let missing_image = format!("oci:{}/{}", dir.path().display(), planted.stripe);
    let (code, _) = run_clean(&planted, dir.path(), &["image", &missing_image]);
    assert_eq!(code, Some(2));
}
