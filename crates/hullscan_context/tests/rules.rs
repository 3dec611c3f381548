//! Each context rule on small generated contexts: cases that fire and cases that stay silent.

#![allow(clippy::print_stderr)] // tests report skips and table counts on stderr

use std::path::Path;

use hullscan_context::load_context;
use hullscan_context::rules::{
    ContextCheck, ContextFindings, ContextSettings, RULES, check_context,
};
use hullscan_diagnostics::apply_fixes;

fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, content).expect("write");
    }
}

fn run_with(files: &[(&str, &str)], settings: ContextSettings) -> ContextFindings {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(dir.path(), files);
    let context = load_context(dir.path(), None).expect("load");
    let dockerfile_text = files
        .iter()
        .find(|(p, _)| *p == "Dockerfile")
        .map(|(_, t)| *t);
    let parsed = dockerfile_text.map(hullscan_dockerfile::parse);
    let input = ContextCheck {
        context: &context,
        dockerfile: parsed.as_ref().map(|p| &p.dockerfile),
        settings,
    };
    check_context(&input, &|_| true)
}

fn run(files: &[(&str, &str)]) -> ContextFindings {
    run_with(files, ContextSettings::default())
}

/// `(code, message)` of every finding.
fn findings(findings: &ContextFindings) -> Vec<(String, String)> {
    findings
        .ignore_file
        .iter()
        .chain(&findings.dockerfile)
        .map(|d| (d.code.to_string(), d.message.clone()))
        .collect()
}

fn codes(f: &ContextFindings) -> Vec<String> {
    let mut codes: Vec<String> = findings(f).into_iter().map(|(c, _)| c).collect();
    codes.sort();
    codes.dedup();
    codes
}

/// A PKCS#8 Ed25519 private key (made up; the DER structure is what the engine checks).
const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAswVXqfxOkOM1h9osfsETZbgKXK7xQ5XoOozfIXPGGG\n-----END PRIVATE KEY-----\n";

const CLEAN_DOCKERFILE: &str = "FROM node:20\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY src ./src\nCMD [\"node\", \"src/index.js\"]\n";

#[test]
fn clean_context_is_silent() {
    let f = run(&[
        (".dockerignore", ".git\nnode_modules\n"),
        ("Dockerfile", CLEAN_DOCKERFILE),
        ("package.json", "{}"),
        ("package-lock.json", "{}"),
        ("src/index.js", "x"),
        (".git/HEAD", "ref"),
    ]);
    assert_eq!(findings(&f), Vec::<(String, String)>::new());
}

#[test]
fn hs500_invalid_dockerignore() {
    let f = run(&[(".dockerignore", "ok\n!\n")]);
    assert_eq!(codes(&f), ["HS500"]);
    let f = run(&[(".dockerignore", "[Local-Only]/\n"), ("x", "")]);
    assert!(
        codes(&f).contains(&"HS500".to_owned()),
        "{:?}",
        findings(&f)
    );
}

#[test]
fn hs501_missing_dockerignore_and_its_fix() {
    let f = run(&[
        ("Dockerfile", "FROM scratch\nCOPY . .\n"),
        (".git/HEAD", "r"),
        (".env", "API_TOKEN=Xk29fj3kdlw0QmZ7"),
        ("app.py", ""),
    ]);
    let codes = codes(&f);
    assert!(codes.contains(&"HS501".to_owned()), "{codes:?}");
    assert!(!f.ignore_file_exists);
    let missing = f
        .ignore_file
        .iter()
        .find(|d| d.code == "HS501")
        .expect("HS501");
    let fix = missing.fix.as_ref().expect("fix");
    let fixed = apply_fixes(
        f.ignore_source.text(),
        std::slice::from_ref(fix),
        hullscan_diagnostics::Applicability::Unsafe,
    );
    assert!(
        fixed.text.contains("\n.git\n") && fixed.text.contains("\n.env\n"),
        "{}",
        fixed.text
    );
    // Silent without anything unwanted.
    let f = run(&[("Dockerfile", "FROM scratch\nCOPY . .\n"), ("app.py", "")]);
    assert!(findings(&f).is_empty());
}

#[test]
fn hs502_secret_files() {
    let f = run(&[
        (".dockerignore", "*.log\n"),
        ("a.log", ""),
        (".env.production", "SECRET_KEY=Zk3n8Qv1Lm0Wq2Rt"),
        ("deploy/id_ed25519", KEY),
        ("certs/tls.key", "k"),
        (".npmrc", "//registry.npmjs.org/:_authToken=npm_abc\n"),
        ("ok/.npmrc", "registry=https://example.com\n"),
        (".env.example", "X="),
    ]);
    let secrets: Vec<String> = findings(&f)
        .into_iter()
        .filter(|(c, _)| c == "HS502")
        .map(|(_, m)| m)
        .collect();
    assert_eq!(secrets.len(), 4, "{secrets:?}");
    assert!(secrets.iter().any(|m| m.contains("`.npmrc`")));
    assert!(
        !secrets
            .iter()
            .any(|m| m.contains("ok/.npmrc") || m.contains(".env.example"))
    );
    let with_fix = f
        .ignore_file
        .iter()
        .find(|d| d.code == "HS502")
        .expect("HS502");
    let fixed = apply_fixes(
        f.ignore_source.text(),
        std::slice::from_ref(with_fix.fix.as_ref().expect("fix")),
        hullscan_diagnostics::Applicability::Unsafe,
    );
    assert!(fixed.text.starts_with("*.log\n"));
    // Excluded secrets are silent.
    let f = run(&[
        (".dockerignore", "**/.env*\n"),
        (".env", ""),
        ("a/.env.local", ""),
    ]);
    assert!(findings(&f).is_empty(), "{:?}", findings(&f));
}

#[test]
fn hs503_unwanted_directories() {
    let f = run(&[
        (".dockerignore", "*.md\n"),
        ("a.md", ""),
        (".git/HEAD", ""),
        ("web/node_modules/x/index.js", "abc"),
        ("py/__pycache__/m.pyc", ""),
        ("rust/Cargo.toml", ""),
        ("rust/target/debug/app", ""),
        (
            "docs/target/notes.txt",
            "not build output: no Cargo.toml beside it",
        ),
    ]);
    let dirs: Vec<String> = findings(&f)
        .into_iter()
        .filter(|(c, _)| c == "HS503")
        .map(|(_, m)| m)
        .collect();
    assert_eq!(dirs.len(), 4, "{dirs:?}");
    assert!(
        dirs.iter()
            .any(|m| m.starts_with("`web/node_modules/` (installed dependencies)"))
    );
    assert!(!dirs.iter().any(|m| m.contains("docs/target")));
    // A directory the Dockerfile copies on purpose is not reported.
    let f = run(&[
        (".dockerignore", "*.md\n"),
        ("a.md", ""),
        ("package.json", "{}"),
        ("dist/app.js", ""),
        (
            "Dockerfile",
            "FROM nginx\nCOPY dist /usr/share/nginx/html\n",
        ),
    ]);
    assert!(
        !codes(&f).contains(&"HS503".to_owned()),
        "{:?}",
        findings(&f)
    );
}

#[test]
fn hs504_large_context() {
    let files = [
        (".dockerignore", "x\n"),
        ("x", ""),
        ("data/blob.bin", "0123456789"),
    ];
    let small = ContextSettings {
        max_context_bytes: 8,
    };
    let f = run_with(&files, small);
    assert_eq!(codes(&f), ["HS504"]);
    let f = run_with(
        &files,
        ContextSettings {
            max_context_bytes: 1024,
        },
    );
    assert!(findings(&f).is_empty());
}

fn hs505_messages(f: &ContextFindings) -> Vec<String> {
    findings(f)
        .into_iter()
        .filter(|(c, _)| c == "HS505")
        .map(|(_, m)| m)
        .collect()
}

/// Issue 14 (precision labels): every labelled finding of the old design was a stale entry
/// (the file is gone) or a guard for output a checkout gains later. Such a pattern excludes
/// nothing Docker would send, so it is harmless: no finding, whatever it names.
#[test]
fn hs505_keeps_quiet_on_stale_entries_and_guards() {
    let f = run(&[
        (
            ".dockerignore",
            "app.egg-info\n.tmp/\nclient/.tmp/\n*.md\nREADME*\n.gitignore\nold-notes.txt\ninstall.sh\nkubernetes\n",
        ),
        ("client/app.js", ""),
        ("main.py", ""),
    ]);
    assert_eq!(hs505_messages(&f), Vec::<String>::new());
}

/// Issue 14: a pattern written with a `/` was anchored on purpose (`/.circleci` in a
/// `.dockerignore`), so `**/` advice would be wrong for it even when deeper paths share its
/// last component.
#[test]
fn hs505_leaves_anchored_patterns_alone() {
    let f = run(&[
        (
            ".dockerignore",
            "/data\n/.circleci\n./*.log\ndocs/*.md\n/build/\n",
        ),
        ("main.py", ""),
        ("app/data/seed.json", ""),
        ("web/.circleci/config.yml", ""),
        ("app/debug.log", ""),
        ("web/docs/intro.md", ""),
        ("web/build/out.js", ""),
    ]);
    assert_eq!(hs505_messages(&f), Vec::<String>::new());
}

/// Issue 14: the `.gitignore` habit, the one shape a user must act on. `*.pyc` and
/// `__pycache__/` match nothing at the root while `pkg/` holds such files, which Docker
/// sends; the finding names one and gives the `**/` pattern that matches at any depth.
#[test]
fn hs505_reports_one_component_patterns_that_miss_deeper_files() {
    let f = run(&[
        (".dockerignore", "*.pyc\n__pycache__/\n"),
        ("main.py", ""),
        ("pkg/a.pyc", ""),
        ("pkg/sub/__pycache__/b.cpython-312.pyc", ""),
    ]);
    let unused = hs505_messages(&f);
    assert_eq!(unused.len(), 2, "{unused:?}");
    assert!(
        unused[0].starts_with("`*.pyc` matches nothing at the context root")
            && unused[0].contains("`pkg/a.pyc`")
            && unused[0].ends_with("use `**/*.pyc` to match at any depth"),
        "{unused:?}"
    );
    assert!(
        unused[1].starts_with("`__pycache__` matches nothing at the context root")
            && unused[1].contains("`pkg/sub/__pycache__`")
            && unused[1].contains("`**/__pycache__`"),
        "{unused:?}"
    );
    // Deeper files another pattern already excludes are not sent: nothing to act on.
    let f = run(&[
        (".dockerignore", "*.pyc\n**/__pycache__\n"),
        ("main.py", ""),
        ("pkg/__pycache__/a.pyc", ""),
    ]);
    assert_eq!(hs505_messages(&f), Vec::<String>::new());
}

#[test]
fn hs505_and_hs506_pattern_usage() {
    let f = run(&[
        (
            ".dockerignore",
            "*.pyc\n!README.md\n*.md\nnode_modules\nnode_modules/fixtures\nbuild\n",
        ),
        ("pkg/mod.pyc", ""),
        ("README.md", ""),
        ("node_modules/a.js", ""),
        ("build/out", ""),
    ]);
    let all = findings(&f);
    let unused: Vec<&str> = all
        .iter()
        .filter(|(c, _)| c == "HS505")
        .map(|(_, m)| m.as_str())
        .collect();
    let shadowed: Vec<&str> = all
        .iter()
        .filter(|(c, _)| c == "HS506")
        .map(|(_, m)| m.as_str())
        .collect();
    // `node_modules/fixtures` matches nothing Docker reads (`node_modules` excludes the
    // directory first), but it names a path, not a name to match at any depth: no finding.
    assert_eq!(unused.len(), 1, "{all:?}");
    assert!(unused[0].starts_with("`*.pyc` matches nothing") && unused[0].contains("`**/*.pyc`"));
    assert_eq!(shadowed.len(), 1, "{all:?}");
    assert!(shadowed[0].starts_with("`!README.md` has no effect"));
    // Patterns that decide something are silent.
    let f = run(&[
        (".dockerignore", "*.md\n!README.md\n"),
        ("a.md", ""),
        ("README.md", ""),
    ]);
    assert!(findings(&f).is_empty(), "{:?}", findings(&f));
}

#[test]
fn hs507_exception_reincludes_secret() {
    let f = run(&[
        (".dockerignore", "*\n!deploy\n"),
        ("deploy/id_rsa", KEY),
        ("deploy/run.sh", ""),
        ("other", ""),
    ]);
    let all = findings(&f);
    assert!(
        all.iter().any(|(c, m)| c == "HS507"
            && m == "`!deploy` re-includes `deploy/id_rsa`, which looks like an SSH private key"),
        "{all:?}"
    );
    assert!(
        !all.iter().any(|(c, _)| c == "HS502"),
        "reported once, at the exception"
    );
    let f = run(&[
        (".dockerignore", "*\n!deploy\ndeploy/id_rsa\n"),
        ("deploy/id_rsa", KEY),
        ("deploy/run.sh", ""),
    ]);
    assert!(findings(&f).is_empty(), "{:?}", findings(&f));
}

#[test]
fn hs508_and_hs509_copy_sources() {
    let f = run(&[
        (".dockerignore", "docs\n"),
        ("docs/a.md", ""),
        ("app.py", ""),
        (
            "Dockerfile",
            "FROM python\nCOPY app.py missing.txt /app/\nCOPY docs /docs\nADD *.nothing /x/\nCOPY --from=builder /out /out\n",
        ),
    ]);
    let all = findings(&f);
    assert!(all.contains(&("HS508".to_owned(), "`missing.txt` does not exist in the build context, so this COPY fails with \"not found\"".to_owned())), "{all:?}");
    assert!(
        all.iter()
            .any(|(c, m)| c == "HS508" && m.starts_with("`docs` is excluded by")),
        "{all:?}"
    );
    assert!(
        all.contains(&(
            "HS509".to_owned(),
            "Attempting to Copy file \"docs\" that is excluded by .dockerignore".to_owned()
        )),
        "{all:?}"
    );
    assert_eq!(
        all.iter()
            .filter(|(c, _)| c == "HS508" || c == "HS509")
            .count(),
        3,
        "{all:?}"
    );
    // With an exception BuildKit skips CopyIgnoredFile entirely.
    let f = run(&[
        (".dockerignore", "docs\n!docs/keep.md\n"),
        ("docs/keep.md", ""),
        ("Dockerfile", "FROM python\nCOPY docs /docs\n"),
    ]);
    assert!(findings(&f).is_empty(), "{:?}", findings(&f));
}

#[test]
fn hs510_dependency_cache_bust() {
    let mut files: Vec<(String, String)> = vec![
        (".dockerignore".into(), "node_modules\n".into()),
        ("package.json".into(), "{}".into()),
        ("package-lock.json".into(), "{}".into()),
        ("Dockerfile".into(), "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\nEXPOSE 3000\nCMD [\"node\", \"dist/index.js\"]\n".into()),
    ];
    for i in 0..1204 {
        files.push((format!("src/m{i}.js"), String::new()));
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let f = run(&borrowed);
    let busts: Vec<String> = findings(&f)
        .into_iter()
        .filter(|(c, _)| c == "HS510")
        .map(|(_, m)| m)
        .collect();
    // The Dockerfile and .dockerignore are copied too (they are ordinary context files).
    assert_eq!(
        busts,
        [
            "editing any of 1,206 non-manifest files (1,204 under src/) re-runs `npm ci` (line 4) and 3 later steps"
        ]
    );
    let f = run(&[
        ("package.json", "{}"),
        ("src/a.js", ""),
        ("Dockerfile", CLEAN_DOCKERFILE),
    ]);
    assert!(!codes(&f).contains(&"HS510".to_owned()));
}

#[test]
fn every_rule_is_documented() {
    let mut seen = std::collections::HashSet::new();
    for rule in RULES {
        assert!(rule.code.starts_with("HS5"), "{}", rule.code);
        assert!(seen.insert(rule.code), "duplicate {}", rule.code);
        let docs = rule.docs_text();
        assert!(docs.starts_with("## What it does"), "{}", rule.code);
        assert!(docs.contains("## Why is this bad?"), "{}", rule.code);
        assert!(docs.contains("## Example"), "{}", rule.code);
        if rule.fix != hullscan_diagnostics::FixAvailability::None {
            assert!(docs.contains("## Fix safety"), "{}", rule.code);
        }
    }
}

/// Issue 14 item 3: a file's name nominates it, its content decides.
#[test]
fn hs502_judges_content_not_names() {
    let cert = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2Fyb290IENBIGZvciB0ZXN0czAKBggqhkjOPQQDAjAQ\n-----END CERTIFICATE-----\n";
    let f = run(&[
        (".dockerignore", "*.log\n"),
        ("a.log", ""),
        (
            "home/.ssh/authorized_keys",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHnY6i3Wc0mC6R8vYwq4sB7xGQ1m0k2s3ZyQwqz2b5yE ops@example\n",
        ),
        ("home/.ssh/config", "Host *\n  IdentitiesOnly yes\n"),
        ("certs/ca.pem", cert),
        ("vault.key", ""),
        (".env", "PORT=3000\nNODE_ENV=production\n"),
        ("keys/server.pem", KEY),
        ("keys/id_rsa", KEY),
    ]);
    let secrets: Vec<String> = findings(&f)
        .into_iter()
        .filter(|(c, _)| c == "HS502")
        .map(|(_, m)| m)
        .collect();
    assert_eq!(secrets.len(), 2, "{secrets:?}");
    assert!(
        secrets[0].starts_with("`keys/id_rsa` looks like an SSH private key"),
        "{secrets:?}"
    );
    assert!(
        secrets[1].starts_with("`keys/server.pem` looks like a private key"),
        "{secrets:?}"
    );
}

/// Issue 14 item 3: a credential the Dockerfile copies by name is one finding, at the COPY,
/// saying it goes into the image, with no `.dockerignore` advice (that would break the build).
#[test]
fn a_secret_file_the_dockerfile_copies_is_one_finding_at_the_copy() {
    for ignore in [None, Some("*.log\n")] {
        let mut files = vec![
            (
                "Dockerfile",
                "FROM nginx\nCOPY certs/server.key /etc/ssl/private/\nCOPY site /usr/share/nginx/html\n",
            ),
            ("certs/server.key", KEY),
            ("site/index.html", "hi"),
            (".git/HEAD", "ref"),
        ];
        if let Some(patterns) = ignore {
            files.push((".dockerignore", patterns));
        }
        let f = run(&files);
        let about_key: Vec<&hullscan_diagnostics::Diagnostic> = f
            .ignore_file
            .iter()
            .chain(&f.dockerfile)
            .filter(|d| d.message.contains("certs/server.key"))
            .collect();
        assert_eq!(about_key.len(), 1, "{:?}", findings(&f));
        let finding = about_key[0];
        assert_eq!(finding.code, "HS502");
        assert!(
            finding.message.contains("puts it into the image (line 2)"),
            "{}",
            finding.message
        );
        assert!(finding.fix.is_none());
        assert!(
            !finding
                .help
                .as_deref()
                .unwrap_or("")
                .contains(".dockerignore")
        );
        assert!(f.dockerfile.iter().any(|d| d.message == finding.message));
        assert_eq!(finding.related.len(), 1);
        // A fix that creates `.dockerignore` never lists the copied file.
        for d in f.ignore_file.iter().filter(|d| d.fix.is_some()) {
            let fixed = apply_fixes(
                f.ignore_source.text(),
                std::slice::from_ref(d.fix.as_ref().expect("fix")),
                hullscan_diagnostics::Applicability::Unsafe,
            );
            assert!(!fixed.text.contains("server.key"), "{}", fixed.text);
        }
    }
}

/// Issue 14 item 3: without `.dockerignore`, a credential file is reported once (HS502), not
/// also in HS501's list; HS501's fix still excludes it.
#[test]
fn a_sent_secret_without_dockerignore_is_reported_once() {
    let f = run(&[
        ("Dockerfile", "FROM scratch\nCOPY . .\n"),
        (".git/HEAD", "r"),
        (".env", "API_TOKEN=Xk29fj3kdlw0QmZ7"),
    ]);
    let about_env: Vec<(String, String)> = findings(&f)
        .into_iter()
        .filter(|(_, m)| m.contains(".env"))
        .collect();
    assert_eq!(about_env.len(), 1, "{:?}", findings(&f));
    assert_eq!(about_env[0].0, "HS502");
    assert!(
        about_env[0]
            .1
            .contains("`COPY .` (line 2) puts it into the image"),
        "{about_env:?}"
    );
    // Only the secret: HS502 alone, and its fix creates the ignore file.
    let f = run(&[
        ("Dockerfile", "FROM scratch\nCOPY . .\n"),
        (".env", "API_TOKEN=Xk29fj3kdlw0QmZ7"),
    ]);
    assert_eq!(codes(&f), ["HS502"]);
    let fix = f.ignore_file[0].fix.as_ref().expect("fix");
    let fixed = apply_fixes(
        f.ignore_source.text(),
        std::slice::from_ref(fix),
        hullscan_diagnostics::Applicability::Unsafe,
    );
    assert!(fixed.text.contains("\n.env\n"), "{}", fixed.text);
}

/// Issue 14 item 3: patterns guarding what a checkout gains later are not dead.
#[test]
fn hs505_and_hs506_leave_patterns_for_generated_files_alone() {
    let f = run(&[
        (
            ".dockerignore",
            ".env*\n!.env.example\ndist\n**/*.egg-info\n__pycache__\n*.log\ncoverage\n",
        ),
        (".env.example", "A="),
        ("pyproject.toml", ""),
        ("src/app.py", ""),
    ]);
    assert!(findings(&f).is_empty(), "{:?}", findings(&f));
    // A mis-anchored pattern is still reported when the files it misses are there.
    let f = run(&[(".dockerignore", "*.pyc\n"), ("pkg/mod.pyc", "")]);
    let all = findings(&f);
    assert_eq!(all.len(), 1, "{all:?}");
    assert!(all[0].1.contains("`**/*.pyc`"), "{all:?}");
}

/// Issue 14 item 3: uv's recommended Dockerfile binds the manifests into the install step,
/// so the `COPY . .` after it does not bust the dependency cache.
#[test]
fn hs510_understands_bind_mounts() {
    let uv = "FROM python:3.12\nWORKDIR /app\nRUN --mount=type=cache,target=/root/.cache/uv \\\n    --mount=type=bind,source=uv.lock,target=uv.lock \\\n    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \\\n    uv sync --locked --no-install-project\nCOPY . /app\nRUN --mount=type=cache,target=/root/.cache/uv uv sync --locked\n";
    let mut files: Vec<(String, String)> = vec![
        (".dockerignore".into(), ".venv\n".into()),
        ("uv.lock".into(), "".into()),
        ("pyproject.toml".into(), "".into()),
        ("Dockerfile".into(), uv.into()),
    ];
    for i in 0..50 {
        files.push((format!("src/m{i}.py"), String::new()));
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let f = run(&borrowed);
    assert!(
        !codes(&f).contains(&"HS510".to_owned()),
        "{:?}",
        findings(&f)
    );
    // Binding the whole source tree into the install step is the cache bust itself.
    files[3].1 = "FROM node:20\nWORKDIR /app\nRUN --mount=type=bind,target=/app --mount=type=cache,target=/root/.npm npm ci\n".into();
    files.push(("package.json".into(), "{}".into()));
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let f = run(&borrowed);
    let busts: Vec<(String, String)> = findings(&f)
        .into_iter()
        .filter(|(c, _)| c == "HS510")
        .collect();
    assert_eq!(busts.len(), 1, "{:?}", findings(&f));
    assert!(
        busts[0].1.contains("re-runs `npm ci` (line 3)"),
        "{busts:?}"
    );
}
