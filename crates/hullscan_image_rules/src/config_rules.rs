//! Rules over the image config and history.

use hullscan_diagnostics::{Diagnostic, declare_rule};

use crate::secret_names::{is_real_value, is_secret_name};
use crate::{clean_instruction, config_location, describe_layer, image_location, shorten};
use hullscan_image::model::{Image, SourceKind};

declare_rule! {
    /// ## What it does
    /// Flags images whose config runs the container as root: no `User`, or `root`, `0`,
    /// `0:0`, `root:root`, or a name that the image's `/etc/passwd` maps to UID 0.
    ///
    /// ## Why is this bad?
    /// A process running as root inside the container is root on the host's kernel. Any
    /// container escape or mounted volume becomes a root compromise. dockle only catches an
    /// empty user or exactly `root`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// CMD ["app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd --system --uid 10001 app
    /// USER 10001
    /// CMD ["app"]
    /// ```
    pub static RUNS_AS_ROOT = {
        code: "HS601",
        name: "image-runs-as-root",
        aliases: ["CIS-DI-0001", "DS-0002"],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "Image runs as root",
    };
}

declare_rule! {
    /// ## What it does
    /// Flags images without a `HEALTHCHECK`. An explicit `HEALTHCHECK NONE` is the author's
    /// stated decision (a command-line tool, a batch job, or a service whose orchestrator
    /// probes it instead) and is not reported.
    ///
    /// ## Why is this bad?
    /// Without a health check, Docker and orchestrators that read it only know whether the
    /// process is alive, not whether it works.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// HEALTHCHECK CMD ["wget", "-q", "-O-", "http://localhost/"]
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    pub static MISSING_HEALTHCHECK = {
        code: "HS602",
        name: "image-missing-healthcheck",
        aliases: ["CIS-DI-0006", "DS-0026"],
        severity: Info,
        category: BestPractice,
        fix: None,
        summary: "Image has no HEALTHCHECK",
    };
}

declare_rule! {
    /// ## What it does
    /// Flags an `Entrypoint` (or a `Cmd` without an `Entrypoint`) in shell form, i.e.
    /// `["/bin/sh", "-c", "…"]`, unless the command starts with `exec`.
    ///
    /// ## Why is this bad?
    /// The shell becomes PID 1 and does not forward `SIGTERM`, so `docker stop` waits for
    /// the timeout and then kills the application without a clean shutdown.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD python app.py
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// CMD ["python", "app.py"]
    /// ```
    pub static SHELL_FORM_COMMAND = {
        code: "HS603",
        name: "image-shell-form-command",
        aliases: ["JSONArgsRecommended"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "Image starts its process through a shell",
    };
}

declare_rule! {
    /// ## What it does
    /// Flags `Env` variables and `Labels` whose name looks like it holds a secret
    /// (`DB_PASSWORD`, `API_KEY`, `GITHUB_TOKEN`, …) and whose value is set. Names are
    /// matched word by word, so `GPG_KEY`, `KEYCLOAK_URL` and `PASSWORD_FILE` do not match.
    /// The value is never printed.
    ///
    /// ## Why is this bad?
    /// The config is readable by anyone who can pull the image (`docker inspect`).
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV DB_PASSWORD=hunter2
    /// ```
    ///
    /// Use instead: pass secrets at run time (`docker run -e`, orchestrator secrets) or at
    /// build time with `RUN --mount=type=secret`.
    pub static SECRET_IN_CONFIG = {
        code: "HS604",
        name: "secret-in-image-config",
        aliases: ["CIS-DI-0010", "SecretsUsedInArgOrEnv"],
        severity: Error,
        category: Security,
        fix: None,
        summary: "Secret-looking value in the image's Env or Labels",
    };
}

declare_rule! {
    /// ## What it does
    /// Flags build arguments and `ENV` values with secret-looking names recorded in the
    /// image history, e.g. BuildKit's `RUN |2 TOKEN=abc … /bin/sh -c …`.
    ///
    /// ## Why is this bad?
    /// Build arguments used by a `RUN` are written into the history of the image, in clear
    /// text, for anyone who runs `docker history --no-trunc`.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG NPM_TOKEN
    /// RUN npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci
    /// ```
    pub static SECRET_IN_HISTORY = {
        code: "HS605",
        name: "secret-in-image-history",
        aliases: ["CIS-DI-0010"],
        severity: Error,
        category: Security,
        fix: None,
        summary: "Secret-looking build argument or ENV recorded in the image history",
    };
}

declare_rule! {
    /// ## What it does
    /// Flags ports below 1024 in `ExposedPorts` when the image runs as a non-root user.
    ///
    /// ## Why is this bad?
    /// Binding a port below 1024 needs `CAP_NET_BIND_SERVICE` (or a runtime that lowers
    /// `net.ipv4.ip_unprivileged_port_start`); under a non-root user the server often fails
    /// to start on runtimes that do not.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER app
    /// EXPOSE 80
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// USER app
    /// EXPOSE 8080
    /// ```
    pub static PRIVILEGED_PORT_NON_ROOT = {
        code: "HS609",
        name: "privileged-port-non-root",
        aliases: [],
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "Port below 1024 exposed by an image that runs as non-root",
    };
}

declare_rule! {
    /// ## What it does
    /// Flags an image named without a tag or with `:latest` (and no digest). For archives,
    /// flags an image whose only tags are `:latest`.
    ///
    /// ## Why is this bad?
    /// `latest` moves: what was audited is not what runs next week. Pin a version tag or a
    /// digest.
    ///
    /// ## Example
    /// ```sh
    /// hullscan image myapp
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// hullscan image myapp:1.4.2
    /// ```
    pub static LATEST_OR_UNTAGGED_REFERENCE = {
        code: "HS612",
        name: "latest-or-untagged-reference",
        aliases: ["DKL-DI-0006", "DS-0001"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "Image referenced by `latest` or without a tag",
    };
}

pub(super) fn check(image: &Image, out: &mut Vec<Diagnostic>) {
    let config = image.container_config();

    if let Some(reason) = image.root_user_reason() {
        out.push(
            Diagnostic::new(
                &RUNS_AS_ROOT,
                format!("the image runs as root: {reason}"),
                config_location(image, "/config/User"),
            )
            .with_help(
                "add a non-root user and `USER <uid>` (numeric, so Kubernetes can verify it)",
            ),
        );
    }

    let test = config
        .healthcheck
        .as_ref()
        .and_then(|h| h.test.clone())
        .unwrap_or_default();
    // `HEALTHCHECK NONE` (test `["NONE"]`) was chosen on purpose; only a missing one is reported.
    if test.is_empty() {
        out.push(Diagnostic::new(
            &MISSING_HEALTHCHECK,
            "the image has no HEALTHCHECK",
            config_location(image, "/config/Healthcheck"),
        ));
    }

    let shell_form = |argv: &[String]| -> Option<String> {
        let [shell, flag, script] = argv else {
            return None;
        };
        let shell_name = shell.rsplit('/').next().unwrap_or(shell);
        let is_shell = matches!(shell_name, "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh");
        (is_shell && flag == "-c" && !script.trim_start().starts_with("exec "))
            .then(|| script.clone())
    };
    let entrypoint = config.entrypoint.clone().unwrap_or_default();
    let cmd = config.cmd.clone().unwrap_or_default();
    let (field, pointer, argv) = if entrypoint.is_empty() {
        ("Cmd", "/config/Cmd", cmd)
    } else {
        ("Entrypoint", "/config/Entrypoint", entrypoint)
    };
    if let Some(script) = shell_form(&argv) {
        out.push(
            Diagnostic::new(
                &SHELL_FORM_COMMAND,
                format!("{field} runs `{}` through `{} -c`, so the shell is PID 1 and does not forward signals", shorten(&script, 60), argv[0]),
                config_location(image, pointer),
            )
            .with_help(format!("use the exec form: {field} [\"executable\", \"arg\"] (or start the script with `exec`)")),
        );
    }

    // Secrets judged by value (a GitHub token in `ENV GH=ghp_…`), as `lint` and `secrets` judge
    // them, where the name says nothing: each secret once, at its first place.
    let mut values_reported: Vec<String> = Vec::new();
    for (i, variable) in config.env.iter().flatten().enumerate() {
        let (name, value) = variable.split_once('=').unwrap_or((variable, ""));
        if !(is_secret_name(name) && is_real_value(value)) {
            report_secret_values(
                &format!("environment variable `{name}`"),
                variable,
                config_location(image, &format!("/config/Env/{i}")),
                &mut values_reported,
                out,
            );
        }
        if is_secret_name(name) && is_real_value(value) {
            out.push(
                Diagnostic::new(
                    &SECRET_IN_CONFIG,
                    format!("environment variable `{name}` holds a secret-looking value ({} characters, not shown)", value.chars().count()),
                    config_location(image, &format!("/config/Env/{i}")),
                )
                .with_help("pass it at run time or use a build secret (`RUN --mount=type=secret`)")
                .with_fingerprint(format!("env:{name}")),
            );
        }
    }
    for (name, value) in config.labels.iter().flatten() {
        let escaped = name.replace('~', "~0").replace('/', "~1");
        if !(is_secret_name(name) && is_real_value(value)) {
            report_secret_values(
                &format!("label `{name}`"),
                &format!("{name}={value}"),
                config_location(image, &format!("/config/Labels/{escaped}")),
                &mut values_reported,
                out,
            );
        }
        if is_secret_name(name) && is_real_value(value) {
            out.push(
                Diagnostic::new(
                    &SECRET_IN_CONFIG,
                    format!(
                        "label `{name}` holds a secret-looking value ({} characters, not shown)",
                        value.chars().count()
                    ),
                    config_location(image, &format!("/config/Labels/{escaped}")),
                )
                .with_fingerprint(format!("label:{name}")),
            );
        }
    }

    let env_in_config: Vec<&str> = config.env.iter().flatten().map(String::as_str).collect();
    // A build argument is recorded on every RUN after it: one finding per name and value, at
    // its first history entry, with the later entries as related locations.
    let mut reported: Vec<(String, String, usize)> = Vec::new();
    let env_values: Vec<&str> = env_in_config
        .iter()
        .map(|variable| variable.split_once('=').map_or("", |(_, value)| value))
        .collect();
    for (position, item) in image.history.iter().enumerate() {
        let named: Vec<(String, String)> = history_assignments(&item.created_by)
            .into_iter()
            .filter(|(name, value)| is_secret_name(name) && is_real_value(value))
            .collect();
        // Values the name-based check below reports, or that an `Env` entry already carries,
        // are not reported again by value.
        let mut skip: Vec<&str> = named.iter().map(|(_, value)| value.as_str()).collect();
        skip.extend(env_values.iter().copied());
        report_secret_values_in_history(
            position,
            &item.created_by,
            &skip,
            config_location(image, &format!("/history/{position}/created_by")),
            &mut values_reported,
            out,
        );
        for (name, value) in history_assignments(&item.created_by) {
            if !is_secret_name(&name) || !is_real_value(&value) {
                continue;
            }
            // An ENV still in the config is reported once, by secret-in-image-config.
            if env_in_config.contains(&format!("{name}={value}").as_str()) {
                continue;
            }
            if let Some((_, _, first)) = reported
                .iter()
                .find(|(seen_name, seen_value, _)| *seen_name == name && *seen_value == value)
            {
                let location = config_location(image, &format!("/history/{position}/created_by"));
                if let Some(diagnostic) = out.get_mut(*first) {
                    diagnostic.related.push(hullscan_diagnostics::Related {
                        location,
                        message: format!("history entry {position} records it again"),
                    });
                }
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                &SECRET_IN_HISTORY,
                format!(
                    "history entry {position} records `{name}` with a secret-looking value ({} characters, not shown)",
                    value.chars().count()
                ),
                config_location(image, &format!("/history/{position}/created_by")),
            )
            .with_help("use `RUN --mount=type=secret` instead of a build argument or ENV")
            .with_fingerprint(format!("history:{name}"));
            if let Some(layer) = item.layer {
                diagnostic = diagnostic.with_related(
                    crate::layer_location(image, layer),
                    format!("{} was built with it", describe_layer(image, layer)),
                );
            }
            reported.push((name, value, out.len()));
            out.push(diagnostic);
        }
    }

    let config = image.container_config();
    if image.root_user_reason().is_none() {
        let mut low: Vec<&str> = config
            .exposed_ports
            .iter()
            .flatten()
            .map(|(port, _)| port.as_str())
            .filter(|port| {
                port.split('/')
                    .next()
                    .and_then(|p| p.parse::<u32>().ok())
                    .is_some_and(|p| p < 1024)
            })
            .collect();
        low.sort_unstable();
        if !low.is_empty() {
            out.push(
                Diagnostic::new(
                    &PRIVILEGED_PORT_NON_ROOT,
                    format!(
                        "the image exposes {} but runs as non-root user `{}`",
                        low.join(", "),
                        config.user.clone().unwrap_or_default()
                    ),
                    config_location(image, "/config/ExposedPorts"),
                )
                .with_help("listen on a port ≥ 1024 and map it with `-p 80:8080`"),
            );
        }
    }

    check_reference(image, out);
}

/// `NAME=value` words recorded in a history line: BuildKit's `RUN |N K=v …` build args, the
/// classic builder's `|N K=v /bin/sh -c …`, and `ENV K=v`.
pub(crate) fn history_assignments(created_by: &str) -> Vec<(String, String)> {
    let text = clean_instruction(created_by);
    let mut found = Vec::new();
    let args = text.strip_prefix("RUN ").unwrap_or(text).trim_start();
    if let Some(rest) = args.strip_prefix('|') {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(count) = digits.parse::<usize>() {
            for word in rest[digits.len()..].split_whitespace().take(count) {
                if let Some((name, value)) = word.split_once('=') {
                    found.push((name.to_owned(), value.to_owned()));
                }
            }
        }
    }
    if let Some(rest) = text.strip_prefix("ENV ") {
        for word in rest.split_whitespace() {
            if let Some((name, value)) = word.split_once('=') {
                found.push((name.to_owned(), value.trim_matches('"').to_owned()));
            }
        }
    }
    found
}

fn check_reference(image: &Image, out: &mut Vec<Diagnostic>) {
    let reference = image.reference.as_str();
    if image.source == SourceKind::Daemon || !looks_like_path(reference) {
        let name = reference
            .trim_start_matches("docker-daemon:")
            .trim_start_matches("daemon:");
        if name.contains('@') || name.starts_with("sha256:") {
            return;
        }
        let last = name.rsplit('/').next().unwrap_or(name);
        let tag = last.split_once(':').map(|(_, tag)| tag);
        let message = match tag {
            None => format!("`{name}` has no tag, so it means `{name}:latest`"),
            Some("latest") => format!("`{name}` uses the `latest` tag"),
            Some(_) => return,
        };
        out.push(
            Diagnostic::new(
                &LATEST_OR_UNTAGGED_REFERENCE,
                message,
                image_location(image),
            )
            .with_help("audit and deploy a version tag or a digest (`name@sha256:…`)"),
        );
    } else if !image.repo_tags.is_empty()
        && image
            .repo_tags
            .iter()
            .all(|t| t.ends_with(":latest") || t == "latest")
    {
        out.push(Diagnostic::new(
            &LATEST_OR_UNTAGGED_REFERENCE,
            format!(
                "the archive's only tag is `{}`",
                image.repo_tags.join("`, `")
            ),
            image_location(image),
        ));
    }
}

fn looks_like_path(reference: &str) -> bool {
    ["docker-archive:", "oci-archive:", "archive:", "oci:"]
        .iter()
        .any(|p| reference.starts_with(p))
        || std::path::Path::new(reference).exists()
}

/// Reports each secret the secrets engine finds in `text` (an `Env` entry, a label as
/// `name=value`) by value, under [`SECRET_IN_CONFIG`], unless its fingerprint was reported
/// already. The message names the detector and a redacted prefix, never the value.
fn report_secret_values(
    what: &str,
    text: &str,
    location: hullscan_diagnostics::Location,
    reported: &mut Vec<String>,
    out: &mut Vec<Diagnostic>,
) {
    for finding in hullscan_secrets::Scanner::global().scan(text.as_bytes()) {
        if reported.contains(&finding.fingerprint) {
            continue;
        }
        reported.push(finding.fingerprint.clone());
        out.push(
            Diagnostic::new(
                &SECRET_IN_CONFIG,
                format!(
                    "{what} holds a {} (`{}`, not shown in full)",
                    finding.detector.title, finding.redacted
                ),
                location.clone(),
            )
            .with_help("revoke it, then pass it at run time or use a build secret (`RUN --mount=type=secret`)")
            .with_fingerprint(finding.fingerprint),
        );
    }
}

/// [`report_secret_values`] for a history entry's command, under [`SECRET_IN_HISTORY`]:
/// secrets whose text is one of `skip` (reported by name, or by the `Env` entry) are left out.
fn report_secret_values_in_history(
    position: usize,
    created_by: &str,
    skip: &[&str],
    location: hullscan_diagnostics::Location,
    reported: &mut Vec<String>,
    out: &mut Vec<Diagnostic>,
) {
    for finding in hullscan_secrets::Scanner::global().scan(created_by.as_bytes()) {
        let secret = created_by.get(finding.range.clone()).unwrap_or_default();
        if reported.contains(&finding.fingerprint)
            || skip
                .iter()
                .any(|value| !secret.is_empty() && value.contains(secret))
        {
            continue;
        }
        reported.push(finding.fingerprint.clone());
        out.push(
            Diagnostic::new(
                &SECRET_IN_HISTORY,
                format!(
                    "history entry {position} records a {} (`{}`, not shown in full)",
                    finding.detector.title, finding.redacted
                ),
                location.clone(),
            )
            .with_help("revoke it; pass secrets with `RUN --mount=type=secret`, never in a command or build argument")
            .with_fingerprint(finding.fingerprint),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_build_args_from_history() {
        assert_eq!(
            history_assignments("RUN |2 NPM_TOKEN=abc123 VERSION=1 /bin/sh -c npm ci"),
            vec![
                ("NPM_TOKEN".to_owned(), "abc123".to_owned()),
                ("VERSION".to_owned(), "1".to_owned())
            ]
        );
        assert_eq!(
            history_assignments("|1 TOKEN=x /bin/sh -c make"),
            vec![("TOKEN".to_owned(), "x".to_owned())]
        );
        assert_eq!(
            history_assignments("/bin/sh -c #(nop)  ENV API_KEY=zzz"),
            vec![("API_KEY".to_owned(), "zzz".to_owned())]
        );
        assert!(history_assignments("RUN /bin/sh -c echo |2 A=b").is_empty());
    }
}
