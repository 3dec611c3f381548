//! One problem, one finding, where a Dockerfile rule and a build-context rule describe the
//! same thing: `COPY . .` before `npm ci` is HS510 (on the COPY, measured in the context) and
//! not also HS403. The context findings reach the checker as `hullscan lint` passes them.

use hullscan_diagnostics::{Diagnostic, Location};
use hullscan_linter::{CheckExtras, LinterSettings};
use hullscan_text::SourceFile;

fn lint_in_context(files: &[(&str, &str)], dockerfile: &str) -> (SourceFile, Vec<Diagnostic>) {
    let dir = std::env::temp_dir().join(format!("hullscan-same-problem-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let dockerfile_path = dir.join("Dockerfile");
    std::fs::write(&dockerfile_path, dockerfile).unwrap();
    let parse = hullscan_dockerfile::parse(dockerfile);
    let model = hullscan_semantic::SemanticModel::new(&parse.dockerfile);
    let settings = LinterSettings::default();
    let context = hullscan_context::load_context(&dir, Some(&dockerfile_path)).unwrap();
    let findings = hullscan_context::rules::check_context(
        &hullscan_context::rules::ContextCheck {
            context: &context,
            dockerfile: Some(&parse.dockerfile),
            settings: hullscan_context::rules::ContextSettings::default(),
        },
        &|rule| settings.is_enabled(rule),
    );
    let _ = std::fs::remove_dir_all(&dir);
    let source = SourceFile::new("Dockerfile", dockerfile);
    let diagnostics = hullscan_linter::check_dockerfile_with(
        &source,
        &parse,
        &model,
        &settings,
        CheckExtras {
            shellcheck: None,
            external: findings.dockerfile,
            ..Default::default()
        },
    )
    .unwrap();
    (source, diagnostics)
}

#[test]
fn copy_before_install_is_one_finding_with_the_install_as_related() {
    let dockerfile = "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\nUSER node\nCMD [\"node\", \"index.js\"]\n";
    let (source, diagnostics) = lint_in_context(
        &[
            ("package.json", "{}"),
            ("package-lock.json", "{}"),
            ("index.js", "console.log(1)"),
            (".dockerignore", "node_modules\n"),
        ],
        dockerfile,
    );
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d.code.as_ref())
        .filter(|code| matches!(*code, "HS403" | "HS510"))
        .collect();
    assert_eq!(codes, ["HS510"], "{diagnostics:#?}");
    let kept = diagnostics.iter().find(|d| d.code == "HS510").unwrap();
    let related_lines: Vec<u32> = kept
        .related
        .iter()
        .filter_map(|related| match related.location {
            Location::Text(range) => Some(source.line_column(range.start()).line),
            _ => None,
        })
        .collect();
    assert!(
        related_lines.contains(&4),
        "the install is a related location: {kept:#?}"
    );
}
