//! HS408: a HEALTHCHECK calling `curl`/`wget` in an image that has neither.

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::Keyword;

use crate::checker::Checker;
use crate::rules::dockerfile::practice_facts::{self, Distro};
use crate::rules::dockerfile::service_without_healthcheck::is_none;
use crate::rules::dockerfile::shell_facts::copy_words;

declare_rule! {
    /// ## What it does
    /// Finds a final image whose `HEALTHCHECK` runs `curl` or `wget` when the image cannot have
    /// that program: distroless and `scratch` images have neither, Alpine and busybox have only
    /// busybox `wget`, and slim Debian, `debian` and `ubuntu` images have neither, unless a
    /// `RUN` of the image installs it (or a `COPY` brings a binary of that name).
    ///
    /// ## Why is this bad?
    /// The health check fails with "not found" on every run, so the container is reported
    /// unhealthy (and restarted, or never receives traffic) although the service is fine. On
    /// Alpine use `wget -q --spider http://localhost:PORT/health`; on images without either,
    /// install the tool or probe with the runtime you already have (a small static binary, or
    /// `python -c`, `node -e`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-alpine
    /// CMD ["node", "server.js"]
    /// HEALTHCHECK CMD curl -f http://localhost:3000/health || exit 1
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-alpine
    /// CMD ["node", "server.js"]
    /// HEALTHCHECK CMD wget -q --spider http://localhost:3000/health || exit 1
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    pub static HEALTHCHECK_TOOL_MISSING = {
        code: "HS408",
        name: "healthcheck-tool-missing",
        aliases: [],
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "`HEALTHCHECK` calls `curl`/`wget`, which the final image does not have",
    };
}

/// HS408
pub(crate) fn healthcheck_tool_missing(checker: &mut Checker) {
    let chain = practice_facts::final_chain(checker);
    let Some((_, healthcheck)) =
        practice_facts::last_in_chain(checker, &chain, Keyword::Healthcheck)
    else {
        return;
    };
    if is_none(&healthcheck.args) {
        return;
    }
    let Some(image) = practice_facts::base_image(&chain) else {
        return;
    };
    let distro = practice_facts::distro(&image);
    let tag = image.tag();
    let bare_debian = distro == Distro::Debian
        && (tag.contains("slim") || matches!(image.short_name(), "debian" | "ubuntu"));
    let text = practice_facts::command_text(healthcheck);
    let script = hullscan_shell::parse(&text);
    let used: Vec<&str> = script
        .simple_commands()
        .into_iter()
        .filter_map(|command| command.invocation())
        .map(|invocation| invocation.name)
        .filter(|name| matches!(*name, "curl" | "wget"))
        .collect();
    let indices = practice_facts::chain_instructions(&chain);
    for tool in used {
        let has_tool = match distro {
            Distro::Distroless | Distro::Scratch => false,
            Distro::Alpine => tool == "wget",
            _ if bare_debian => false,
            _ => continue,
        };
        if has_tool || provided(checker, &indices, tool) {
            continue;
        }
        let image_kind = match distro {
            Distro::Distroless => "distroless images have no `curl` or `wget`".to_owned(),
            Distro::Scratch => "`scratch` has no programs at all".to_owned(),
            Distro::Alpine => "Alpine has busybox `wget`, not `curl`".to_owned(),
            _ => format!(
                "`{}:{tag}` has neither `curl` nor `wget`",
                image.short_name()
            ),
        };
        let help = if distro == Distro::Alpine {
            "Use busybox `wget -q --spider http://localhost:<port>/<path>`, or install curl (`apk add --no-cache curl`)"
        } else {
            "Install the tool in the image, or probe with a program the image has (the app's runtime or a small static binary)"
        };
        checker.report(
            Diagnostic::new(
                &HEALTHCHECK_TOOL_MISSING,
                format!("The health check runs `{tool}`, but {image_kind} and no step installs it"),
                Location::Text(healthcheck.range),
            )
            .with_help(help),
        );
        return;
    }
}

/// Whether a RUN of the chain installs `tool` or a COPY brings a file of that name.
fn provided(checker: &Checker, indices: &[usize], tool: &str) -> bool {
    let instructions = checker.instructions();
    indices.iter().any(|&index| {
        let instruction = &instructions[index];
        match instruction.keyword {
            Keyword::Run => {
                practice_facts::installed_packages(checker, index)
                    .iter()
                    .any(|name| {
                        name.trim_matches(['"', '\'']) == tool
                            || name.starts_with(&format!("{tool}="))
                    })
                    || checker
                        .slice(instruction.range)
                        .contains(&format!("/{tool}"))
            }
            Keyword::Copy | Keyword::Add => copy_words(instruction)
                .iter()
                .any(|(word, _)| word.contains(tool)),
            _ => false,
        }
    })
}
