//! Every file of the shared Compose and Kubernetes corpora is read without a panic; the few
//! the reader refuses are listed with why, and must stay exactly those.
#![allow(clippy::print_stderr)] // test reporting

use std::path::Path;

/// Files the reader refuses, with the reason. Each is checked to still fail (so the list stays
/// true) and every other file must parse.
const EXPECTED_FAILURES: &[(&str, &str)] = &[];

fn corpus_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yml" | "yaml" | "json")
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn corpus_reads_without_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if !root.exists() {
        eprintln!("skipping: ../shared/corpus is absent");
        return;
    }
    let mut failures = Vec::new();
    let mut total = 0;
    let mut notes = Vec::new();
    for sub in ["compose", "k8s"] {
        for path in corpus_files(&root.join(sub)) {
            total += 1;
            let text = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) => {
                    failures.push((format!("{sub}/{}", name(&path)), e.to_string()));
                    continue;
                }
            };
            match hullscan_yaml::parse(&text) {
                Err(e) => failures.push((format!("{sub}/{}", name(&path)), e.to_string())),
                Ok(stream) => {
                    for note in &stream.notes {
                        eprintln!(
                            "note: {sub}/{}: line {}: {}",
                            name(&path),
                            note.location.line,
                            note.message
                        );
                        notes.push(name(&path));
                    }
                }
            }
        }
    }
    for (file, why) in &failures {
        eprintln!("refused: {file}: {why}");
    }
    eprintln!("{total} files, {} refused", failures.len());
    assert_eq!(total, 260, "the corpus has 123 compose and 137 k8s files");
    let refused: Vec<&str> = failures.iter().map(|(f, _)| f.as_str()).collect();
    let expected: Vec<&str> = EXPECTED_FAILURES.iter().map(|(f, _)| *f).collect();
    assert_eq!(refused, expected);
    // The corpus quirks are read, with a note each: the duplicate `selector` key, and the flow
    // sequences closed at their parent's indentation (Sentry, OpenTelemetry demo).
    for quirk in [
        "kubernetes__examples___archived__openshift-origin__etcd-controller.yaml",
        "getsentry__self-hosted__docker-compose.yml",
        "open-telemetry__opentelemetry-demo__compose.yaml",
    ] {
        assert!(notes.iter().any(|n| n == quirk), "no note for {quirk}");
    }
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}
