//! `hullscan lint` on Kubernetes manifests: every HS8xx rule fires on a manifest built to have
//! its problem and stays silent on one without it; findings carry a line and column (in SARIF
//! too); comments and annotations suppress; directories are searched by content; the
//! cross-file rules read the Dockerfile named with `--dockerfile`.

use std::path::Path;

use assert_cmd::Command;

const GOOD: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 30
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
        - name: app
          image: example/app:1.4.2
          imagePullPolicy: IfNotPresent
          ports:
            - containerPort: 8080
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          livenessProbe:
            httpGet: {path: /livez, port: 8080}
          readinessProbe:
            httpGet: {path: /readyz, port: 8080}
          lifecycle:
            preStop:
              exec: {command: [sleep, "10"]}
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: {name: db, key: password}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: "1", memory: 256Mi}
      volumes:
        - name: tmp
          emptyDir: {}
"#;

const SECRET: &str = "Zx9kP2qmQ7wR4tY8vB3nL6";

fn lint(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::cargo_bin("hullscan")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["lint", "--no-config", "-f", "concise"])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    (output.status.code().unwrap(), format!("{stdout}{stderr}"))
}

fn variant(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "{from}");
    GOOD.replacen(from, to, 1)
}

/// (code, manifest with the problem, line the finding must be on)
fn cases() -> Vec<(&'static str, String, u32)> {
    vec![
        // An unclosed flow mapping: the error is where the parser finds the next key.
        (
            "HS800",
            variant("metadata:\n  name: web\n", "metadata: {name: web\n"),
            4,
        ),
        (
            "HS801",
            variant(
                "          livenessProbe:\n            httpGet: {path: /livez, port: 8080}\n",
                "",
            ),
            13,
        ),
        (
            "HS802",
            variant(
                "          readinessProbe:\n            httpGet: {path: /readyz, port: 8080}\n",
                "",
            ),
            13,
        ),
        ("HS803", variant("/readyz", "/livez"), 25),
        (
            "HS804",
            variant(
                "      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n",
                "",
            ),
            10,
        ),
        ("HS805", variant("runAsUser: 10001", "runAsUser: 0"), 11),
        (
            "HS806",
            variant(
                "allowPrivilegeEscalation: false",
                "allowPrivilegeEscalation: true",
            ),
            19,
        ),
        (
            "HS807",
            variant(
                "readOnlyRootFilesystem: true\n",
                "readOnlyRootFilesystem: true\n            privileged: true\n",
            ),
            21,
        ),
        ("HS808", variant("drop: [ALL]", "drop: [NET_RAW]"), 22),
        (
            "HS809",
            variant("drop: [ALL]", "drop: [ALL]\n              add: [SYS_ADMIN]"),
            23,
        ),
        (
            "HS810",
            variant(
                "readOnlyRootFilesystem: true",
                "readOnlyRootFilesystem: false",
            ),
            20,
        ),
        (
            "HS811",
            variant("emptyDir: {}", "hostPath: {path: /var/lib/app}"),
            39,
        ),
        (
            "HS812",
            variant("emptyDir: {}", "hostPath: {path: /var/run/docker.sock}"),
            39,
        ),
        (
            "HS813",
            variant(
                "terminationGracePeriodSeconds: 30",
                "terminationGracePeriodSeconds: 12",
            ),
            8,
        ),
        ("HS814", variant("example/app:1.4.2", "example/app"), 14),
        (
            "HS815",
            variant("example/app:1.4.2", "example/app:latest"),
            15,
        ),
        (
            "HS816",
            variant(
                "              valueFrom:\n                secretKeyRef: {name: db, key: password}\n",
                &format!("              value: \"{SECRET}\"\n"),
            ),
            32,
        ),
        (
            "HS817",
            variant("            requests: {cpu: 100m, memory: 128Mi}\n", ""),
            13,
        ),
        (
            "HS818",
            variant(
                "limits: {cpu: \"1\", memory: 256Mi}",
                "limits: {cpu: \"1\"}",
            ),
            13,
        ),
        (
            "HS819",
            variant(
                "limits: {cpu: \"1\", memory: 256Mi}",
                "limits: {memory: 256Mi}",
            ),
            13,
        ),
        (
            "HS820",
            variant("containerPort: 8080", "containerPort: 80"),
            17,
        ),
    ]
}

#[test]
fn every_rule_fires_on_its_problem_and_not_on_the_good_manifest() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.yaml"), GOOD).unwrap();
    for (code, bad, line) in cases() {
        let (status, out) = lint(dir.path(), &["--select", code, "good.yaml"]);
        assert_eq!(status, 0, "{code} on the good manifest: {out}");
        assert!(
            !out.contains(code),
            "{code} fired on the good manifest: {out}"
        );
        std::fs::write(dir.path().join("bad.yaml"), &bad).unwrap();
        let (status, out) = lint(dir.path(), &["--select", code, "bad.yaml"]);
        assert_eq!(status, 1, "{code}: {out}");
        let wanted = format!("bad.yaml:{line}:");
        assert!(
            out.lines()
                .any(|l| l.starts_with(&wanted) && l.contains(&format!("[{code}]"))),
            "{code} not reported at line {line}: {out}"
        );
        assert!(
            !out.contains(SECRET),
            "{code}: the secret was printed: {out}"
        );
    }
}

#[test]
fn the_secret_never_shows_in_snippets_or_json() {
    let dir = tempfile::tempdir().unwrap();
    let bad = variant(
        "              valueFrom:\n                secretKeyRef: {name: db, key: password}\n",
        &format!("              value: \"{SECRET}\"\n"),
    );
    std::fs::write(dir.path().join("bad.yaml"), bad).unwrap();
    for format in ["human", "json", "sarif"] {
        let output = Command::cargo_bin("hullscan")
            .unwrap()
            .current_dir(dir.path())
            .args(["lint", "--no-config", "-f", format, "bad.yaml"])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(all.contains("HS816"), "{format}: {all}");
        assert!(!all.contains(SECRET), "{format} printed the secret");
    }
}

#[test]
fn cpu_limits_are_off_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let bad = variant(
        "limits: {cpu: \"1\", memory: 256Mi}",
        "limits: {memory: 256Mi}",
    );
    std::fs::write(dir.path().join("bad.yaml"), bad).unwrap();
    let (status, out) = lint(dir.path(), &["bad.yaml"]);
    assert_eq!(status, 0, "{out}");
    assert!(!out.contains("HS819"));
}

#[test]
fn sarif_results_have_regions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.yaml"),
        variant("example/app:1.4.2", "example/app"),
    )
    .unwrap();
    let output = Command::cargo_bin("hullscan")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "lint",
            "--no-config",
            "-f",
            "sarif",
            "--select",
            "HS814",
            "bad.yaml",
        ])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let region = &results[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 14);
    assert_eq!(region["startColumn"], 18);
}

#[test]
fn comments_and_annotations_suppress() {
    let dir = tempfile::tempdir().unwrap();
    let trailing = variant(
        "          image: example/app:1.4.2",
        "          image: example/app # hullscan ignore=HS814",
    );
    std::fs::write(dir.path().join("a.yaml"), trailing).unwrap();
    let (status, out) = lint(dir.path(), &["--select", "HS814", "a.yaml"]);
    assert_eq!(status, 0, "{out}");
    let block = variant(
        "          securityContext:\n            allowPrivilegeEscalation: false",
        "          # hullscan ignore=privilege-escalation-allowed\n          securityContext:\n            allowPrivilegeEscalation: true",
    );
    std::fs::write(dir.path().join("b.yaml"), block).unwrap();
    let (status, out) = lint(dir.path(), &["--select", "HS806", "b.yaml"]);
    assert_eq!(status, 0, "{out}");
    let annotated = variant(
        "metadata:\n  name: web\n",
        "metadata:\n  name: web\n  annotations:\n    hullscan.dev/ignore: HS814, missing-liveness-probe\n",
    )
    .replace("example/app:1.4.2", "example/app");
    std::fs::write(dir.path().join("c.yaml"), &annotated).unwrap();
    let (status, out) = lint(dir.path(), &["--select", "HS814", "c.yaml"]);
    assert_eq!(status, 0, "{out}");
    // The annotation covers only its object: a second document still reports.
    std::fs::write(
        dir.path().join("d.yaml"),
        format!(
            "{annotated}---\n{}",
            variant("example/app:1.4.2", "example/app")
        ),
    )
    .unwrap();
    let (status, out) = lint(dir.path(), &["--select", "HS814", "d.yaml"]);
    assert_eq!(status, 1, "{out}");
    assert_eq!(out.matches("[HS814]").count(), 1, "{out}");
    // An unknown name in a suppression is a finding.
    std::fs::write(
        dir.path().join("e.yaml"),
        GOOD.replace("  name: web\n", "  name: web # hullscan ignore=HS8999\n"),
    )
    .unwrap();
    let (_, out) = lint(dir.path(), &["e.yaml"]);
    assert!(out.contains("HS8999"), "{out}");
}

#[test]
fn directories_are_searched_by_content_and_stdin_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("deploy")).unwrap();
    std::fs::write(
        dir.path().join("deploy/app.yml"),
        variant("example/app:1.4.2", "example/app"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("ci.yaml"),
        "jobs:\n  build:\n    image: nginx\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("deploy/chart.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n",
    )
    .unwrap();
    let (status, out) = lint(dir.path(), &["--select", "HS8", "."]);
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains("deploy/app.yml:14:18: warning[HS814]"),
        "{out}"
    );
    assert!(
        !out.contains("ci.yaml") && !out.contains("chart.yaml"),
        "{out}"
    );
    let output = Command::cargo_bin("hullscan")
        .unwrap()
        .args([
            "lint",
            "--no-config",
            "-f",
            "concise",
            "--select",
            "HS814",
            "-",
        ])
        .write_stdin(variant("example/app:1.4.2", "example/app"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("-:14:18: warning[HS814]"), "{out}");
}

#[test]
fn cross_file_rules_read_the_dockerfile() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.20\nUSER app\nEXPOSE 8080\nHEALTHCHECK CMD wget -qO- localhost:8080/livez\n",
    )
    .unwrap();
    let map = ["--dockerfile", "example/app=Dockerfile"];
    // Silent on the good manifest.
    std::fs::write(dir.path().join("good.yaml"), GOOD).unwrap();
    let (status, out) = lint(
        dir.path(),
        &[&["--select", "HS821,HS822,HS823", "good.yaml"][..], &map].concat(),
    );
    assert_eq!(status, 0, "{out}");
    // No probes at all.
    let no_probes = variant(
        "          livenessProbe:\n            httpGet: {path: /livez, port: 8080}\n          readinessProbe:\n            httpGet: {path: /readyz, port: 8080}\n",
        "",
    );
    std::fs::write(dir.path().join("a.yaml"), no_probes).unwrap();
    let (status, out) = lint(
        dir.path(),
        &[&["--select", "HS821", "a.yaml"][..], &map].concat(),
    );
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains("a.yaml:14:18: warning[HS821]") && out.contains("Dockerfile:4"),
        "{out}"
    );
    // Without the mapping the rule has nothing to compare with.
    let (status, _) = lint(dir.path(), &["--select", "HS821", "a.yaml"]);
    assert_eq!(status, 0);
    // USER app overridden to root.
    std::fs::write(
        dir.path().join("b.yaml"),
        variant("runAsUser: 10001", "runAsUser: 0"),
    )
    .unwrap();
    let (status, out) = lint(
        dir.path(),
        &[&["--select", "HS822", "b.yaml"][..], &map].concat(),
    );
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains("b.yaml:11:") && out.contains("USER app"),
        "{out}"
    );
    // A probe on a port the Dockerfile does not expose.
    std::fs::write(
        dir.path().join("c.yaml"),
        variant("{path: /readyz, port: 8080}", "{path: /readyz, port: 3000}"),
    )
    .unwrap();
    let (status, out) = lint(
        dir.path(),
        &[&["--select", "HS823", "c.yaml"][..], &map].concat(),
    );
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains("c.yaml:26:") && out.contains("port 3000"),
        "{out}"
    );
    // A missing Dockerfile is a clear error.
    let (status, out) = lint(
        dir.path(),
        &["--dockerfile", "x=nope/Dockerfile", "good.yaml"],
    );
    assert_eq!(status, 2, "{out}");
    assert!(out.contains("nope/Dockerfile"), "{out}");
}

#[test]
fn the_configuration_maps_images_to_dockerfiles() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("docker")).unwrap();
    std::fs::write(
        dir.path().join("docker/Dockerfile"),
        "FROM alpine:3.20\nUSER app\nEXPOSE 8080\nHEALTHCHECK CMD wget -qO- localhost:8080/livez\n",
    )
    .unwrap();
    let no_probes = variant(
        "          livenessProbe:\n            httpGet: {path: /livez, port: 8080}\n          readinessProbe:\n            httpGet: {path: /readyz, port: 8080}\n",
        "",
    );
    std::fs::write(dir.path().join("a.yaml"), no_probes).unwrap();
    let run = || {
        let output = Command::cargo_bin("hullscan")
            .unwrap()
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .args(["lint", "-f", "concise", "--select", "HS821", "a.yaml"])
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.code().unwrap(), text)
    };
    // Without a mapping there is no Dockerfile to compare with.
    let (status, out) = run();
    assert_eq!(status, 0, "{out}");
    // `[dockerfiles]` in hullscan.toml, relative to the configuration's directory.
    std::fs::write(
        dir.path().join("hullscan.toml"),
        "[dockerfiles]\n\"example/app\" = \"docker/Dockerfile\"\n",
    )
    .unwrap();
    let (status, out) = run();
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains("a.yaml:14:18: warning[HS821]") && out.contains("Dockerfile:4"),
        "{out}"
    );
}
