//! Findings shared by the format tests: a text finding with a fix, a multi-line span, a
//! non-ASCII column, a related location, a whole-file finding, image findings and a clean file.

#![allow(dead_code)] // each test binary uses its own subset

use std::borrow::Cow;
use std::sync::Arc;

use hullscan_diagnostics::{
    Diagnostic, Edit, FileReport, Fix, ImageLocation, LayerRef, Location, Severity, Subject,
};
use hullscan_render::{OutputFormat, RenderOptions, render};
use hullscan_text::{SourceFile, TextRange};

pub const DOCKERFILE: &str = "FROM ubuntu\nRUN apt-get update && \\\n    apt-get install -y curl\nUSER root\nLABEL maintainer=\"José\" description=\"naïve\"\n";

pub fn finding(
    code: &'static str,
    name: &'static str,
    aliases: &'static [&'static str],
    severity: Severity,
    message: &str,
    location: Location,
) -> Diagnostic {
    Diagnostic {
        code: Cow::Borrowed(code),
        name: Cow::Borrowed(name),
        aliases,
        severity,
        message: message.to_owned(),
        location,
        help: None,
        related: Vec::new(),
        fix: None,
        fingerprint: None,
    }
}

/// The byte range of the `nth` (0-based) occurrence of `needle` in `text`.
pub fn find(text: &str, needle: &str, nth: usize) -> TextRange {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` not in text"))
        .0;
    TextRange::from_usize(start, start + needle.len())
}

pub fn dockerfile_report() -> FileReport {
    let source = Arc::new(SourceFile::new("Dockerfile", DOCKERFILE));
    let ubuntu = find(DOCKERFILE, "ubuntu", 0);
    let untagged = finding(
        "HS101",
        "untagged-base-image",
        &["DL3006"],
        Severity::Warning,
        "Base image `ubuntu` has no tag",
        Location::Text(ubuntu),
    )
    .with_help("Pin a tag or a digest so rebuilds are reproducible")
    .with_fix(Fix::safe(
        "Pin the tag",
        Edit::insertion(":24.04", ubuntu.end()),
    ));
    let run_start = find(DOCKERFILE, "RUN", 0).start();
    let run_end = find(DOCKERFILE, "curl", 0).end();
    let recommends = finding(
        "HS205",
        "apt-install-recommends",
        &["DL3015"],
        Severity::Info,
        "`apt-get install` without `--no-install-recommends`",
        Location::Text(TextRange::new(run_start, run_end)),
    )
    .with_fix(Fix::unsafe_edit(
        "Add `--no-install-recommends`",
        Edit::insertion(" --no-install-recommends", find(DOCKERFILE, "-y", 0).end()),
    ));
    let root = finding(
        "HS301",
        "last-user-root",
        &["DL3002"],
        Severity::Error,
        "The last USER is root",
        Location::Text(find(DOCKERFILE, "root", 0)),
    )
    .with_related(
        Location::Text(find(DOCKERFILE, "FROM", 0)),
        "the stage starts here",
    );
    let description = finding(
        "HS150",
        "label-key-style",
        &[],
        Severity::Style,
        "Label key `description` is not namespaced",
        Location::Text(find(DOCKERFILE, "description", 0)),
    );
    let mut report = FileReport::for_source(source, vec![untagged, recommends, root, description]);
    report.sort();
    report
}

pub fn context_report() -> FileReport {
    let env_file = finding(
        "HS501",
        "secret-file-in-context",
        &[],
        Severity::Error,
        "`.env` is sent to the build context",
        Location::File,
    )
    .with_help("Add `.env` to .dockerignore")
    .with_fingerprint("hs501:3f2a9c");
    FileReport {
        path: "context/.env".to_owned(),
        subject: Subject::File,
        source: None,
        diagnostics: vec![env_file],
    }
}

pub fn image_report() -> FileReport {
    let image = "registry.example.com/app:1.0";
    let shadow = finding(
        "HS610",
        "world-readable-shadow",
        &["CIS-DI-0008"],
        Severity::Warning,
        "`/etc/shadow` is world-readable",
        Location::Image(ImageLocation {
            image: image.to_owned(),
            layer: Some(LayerRef {
                index: 3,
                digest: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                    .to_owned(),
            }),
            path: Some("/etc/shadow".to_owned()),
            config_pointer: None,
        }),
    );
    let user = finding(
        "HS601",
        "image-runs-as-root",
        &["CIS-DI-0001"],
        Severity::Warning,
        "The image runs as root",
        Location::Image(ImageLocation {
            image: image.to_owned(),
            layer: None,
            path: None,
            config_pointer: Some("/config/User".to_owned()),
        }),
    )
    .with_help("Set a non-root USER in the Dockerfile");
    FileReport {
        path: image.to_owned(),
        subject: Subject::Image,
        source: None,
        diagnostics: vec![shadow, user],
    }
}

pub fn clean_report() -> FileReport {
    FileReport::for_source(
        Arc::new(SourceFile::new("clean/Dockerfile", "FROM alpine:3.20\n")),
        Vec::new(),
    )
}

pub fn all_reports() -> Vec<FileReport> {
    vec![
        dockerfile_report(),
        context_report(),
        image_report(),
        clean_report(),
    ]
}

pub fn options() -> RenderOptions {
    RenderOptions {
        color: false,
        tool_version: "0.1.0".to_owned(),
        information_uri: Some("https://example.invalid/hullscan".to_owned()),
        rules: Vec::new(),
    }
}

pub fn render_to_string(
    reports: &[FileReport],
    format: OutputFormat,
    options: &RenderOptions,
) -> String {
    let mut out = Vec::new();
    render(reports, format, options, &mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("renderers write UTF-8")
}

/// Reports whose every string carries characters that break naive output: markup, quotes,
/// separators, newlines, control characters, percent signs and non-ASCII.
pub fn hostile_reports() -> Vec<FileReport> {
    const NASTY: &str = "a<b>&\"c\" 'd' 50% x,y:z\r\nnext\tline \u{1}\u{7f} é 😀 ]]> -->";
    let text = format!("FROM {NASTY}\nRUN echo \"{NASTY}\"\n");
    let source = Arc::new(SourceFile::new(
        format!("dir with space/{NASTY}/Dockerfile"),
        text.clone(),
    ));
    let whole = TextRange::from_usize(0, text.len());
    let diagnostic = finding(
        "HS999",
        "nasty-name",
        &["X,Y"],
        Severity::Error,
        NASTY,
        Location::Text(whole),
    )
    .with_help(NASTY)
    .with_related(Location::Text(find(&text, "RUN", 0)), NASTY)
    .with_related(Location::File, NASTY)
    .with_fingerprint(NASTY)
    .with_fix(Fix::safe(
        NASTY,
        Edit::replacement(NASTY, find(&text, "echo", 0)),
    ));
    let file_report = FileReport::for_source(source, vec![diagnostic]);
    let image = finding(
        "HS998",
        "nasty-image",
        &[],
        Severity::Style,
        NASTY,
        Location::Image(ImageLocation {
            image: NASTY.to_owned(),
            layer: Some(LayerRef {
                index: 0,
                digest: NASTY.to_owned(),
            }),
            path: Some(NASTY.to_owned()),
            config_pointer: Some(NASTY.to_owned()),
        }),
    );
    let image_report = FileReport {
        path: NASTY.to_owned(),
        subject: Subject::Image,
        source: None,
        diagnostics: vec![image],
    };
    vec![file_report, image_report]
}
