//! HS405: a full-size base image in the final stage where a slim variant exists.

use hullscan_diagnostics::{Applicability, Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_text::{TextRange, TextSize};

use crate::checker::Checker;
use crate::rules::dockerfile::practice_facts::{self, BaseImage};

declare_rule! {
    /// ## What it does
    /// Finds a final stage built on the full variant of an official image that also comes in
    /// a slim variant: `python`, `node`, `ruby`, `perl`, `debian` and `openjdk`-style images
    /// with no `slim`, `alpine` or similar in the tag (`python:3.12`, `node:22`,
    /// `debian:bookworm`). Full `ubuntu` images are fine; they are already small. Images with
    /// no `EXPOSE` and no command other than a bare shell or REPL (development environments,
    /// base images) are left alone.
    ///
    /// ## Why is this bad?
    /// The full language images are built on `buildpack-deps`: compilers, headers, version
    /// control tools and hundreds of libraries, around a gigabyte, most of which an
    /// application never uses at run time. Every extra package is more to pull, more to scan
    /// and a potential vulnerability. The `-slim` variant has the same runtime on a minimal
    /// Debian; Alpine and distroless images are smaller still.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12
    /// COPY app.py /app/
    /// CMD ["python", "/app/app.py"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY app.py /app/
    /// CMD ["python", "/app/app.py"]
    /// ```
    ///
    /// ## Fix safety
    /// The fix only names the slim tag (display only): the slim image lacks packages the full
    /// one has, so the build or the program may need some installed explicitly.
    ///
    /// ## References
    /// - [Docker docs: choose the right base image](https://docs.docker.com/build/building/best-practices/#choose-the-right-base-image)
    pub static HEAVY_BASE_IMAGE = {
        code: "HS405",
        name: "heavy-base-image",
        aliases: [],
        severity: Info,
        category: Performance,
        fix: Sometimes,
        summary: "The final stage uses a full-size base image where a slim variant exists",
    };
}

/// HS405
pub(crate) fn heavy_base_image(checker: &mut Checker) {
    let chain = practice_facts::final_chain(checker);
    let (Some(root), Some(image)) = (chain.last(), practice_facts::base_image(&chain)) else {
        return;
    };
    let Some(word) = root.image_word else {
        return;
    };
    if !practice_facts::looks_like_application(checker, &chain) {
        return;
    }
    let Some(slim_tag) = slim_variant(&image) else {
        return;
    };
    let repository = image.short_name().to_owned();
    let suggestion = format!("{repository}:{slim_tag}");
    let mut diagnostic = Diagnostic::new(
        &HEAVY_BASE_IMAGE,
        format!(
            "`{}` is the full image; the final stage could use `{suggestion}`",
            match &image.tag {
                Some(tag) => format!("{repository}:{tag}"),
                None => repository.clone(),
            }
        ),
        Location::Text(word.range),
    );
    let title = format!("Use `{suggestion}`");
    // Replace the tag only when it is written out literally.
    let literal = &word.value;
    let edit = match &image.tag {
        Some(tag) if literal.to_ascii_lowercase().ends_with(&format!(":{tag}")) => {
            Some(Edit::replacement(
                slim_tag.clone(),
                TextRange::new(
                    word.range.end() - TextSize::of(tag.as_str()),
                    word.range.end(),
                ),
            ))
        }
        None if !literal.contains(['$', '@', ':']) => {
            Some(Edit::insertion(format!(":{slim_tag}"), word.range.end()))
        }
        _ => None,
    };
    diagnostic = diagnostic.with_help(title.clone());
    if let Some(edit) = edit {
        diagnostic = diagnostic.with_fix(Fix::new(title, vec![edit], Applicability::DisplayOnly));
    }
    checker.report(diagnostic);
}

const CODENAMES: &[&str] = &["bookworm", "bullseye", "buster", "trixie", "stretch"];

/// The slim tag for a full official image, `None` when the image is already small or has no
/// slim variant.
fn slim_variant(image: &BaseImage) -> Option<String> {
    if image.name.contains('/') || image.scratch {
        return None;
    }
    let tag = image.tag.clone().unwrap_or_else(|| "latest".to_owned());
    let small = [
        "slim",
        "alpine",
        "distroless",
        "windowsservercore",
        "nanoserver",
        "jre",
        "busybox",
        "minimal",
        "chiseled",
    ];
    if small.iter().any(|marker| tag.contains(marker)) {
        return None;
    }
    let codename = CODENAMES.iter().find(|c| tag.ends_with(*c)).copied();
    match image.short_name() {
        "debian" => Some(match tag.as_str() {
            "latest" => "stable-slim".to_owned(),
            _ => format!("{tag}-slim"),
        }),
        // `3.12-slim-bookworm`: python, ruby and perl put `slim` before the codename.
        "python" | "ruby" | "perl" => Some(match (tag.as_str(), codename) {
            ("latest", _) => "slim".to_owned(),
            (_, Some(codename)) if tag == codename => format!("slim-{codename}"),
            (_, Some(codename)) => format!(
                "{}-slim-{codename}",
                tag.trim_end_matches(codename).trim_end_matches('-')
            ),
            (_, None) => format!("{tag}-slim"),
        }),
        // `22-bookworm-slim`: node puts it after.
        "node" => Some(match tag.as_str() {
            "latest" | "current" => "slim".to_owned(),
            _ => format!("{tag}-slim"),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slim(name: &str, tag: Option<&str>) -> Option<String> {
        slim_variant(&BaseImage {
            name: name.to_owned(),
            tag: tag.map(str::to_owned),
            scratch: false,
        })
    }

    #[test]
    fn slim_tags() {
        assert_eq!(slim("python", Some("3.12")).as_deref(), Some("3.12-slim"));
        assert_eq!(
            slim("python", Some("3.12-bookworm")).as_deref(),
            Some("3.12-slim-bookworm")
        );
        assert_eq!(slim("python", None).as_deref(), Some("slim"));
        assert_eq!(slim("node", Some("22")).as_deref(), Some("22-slim"));
        assert_eq!(
            slim("node", Some("22-bookworm")).as_deref(),
            Some("22-bookworm-slim")
        );
        assert_eq!(
            slim("debian", Some("bookworm")).as_deref(),
            Some("bookworm-slim")
        );
        assert_eq!(slim("python", Some("3.12-slim")), None);
        assert_eq!(slim("node", Some("22-alpine")), None);
        assert_eq!(slim("ubuntu", Some("24.04")), None);
        assert_eq!(slim("myorg/python", Some("3")), None);
    }
}
