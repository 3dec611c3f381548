//! HS605: a secret recorded in the image history (a build argument, an `ENV`, a command).

use hullscan_diagnostics::{Diagnostic, Location, Related, declare_rule};
use hullscan_image::model::Image;

use super::config_secrets::{config_variables, value_secrets};
use crate::secret_names::{is_real_value, is_secret_name};
use crate::{clean_instruction, config_location, describe_layer, layer_location};

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

pub(super) fn check(image: &Image, out: &mut Vec<Diagnostic>) {
    let config = image.container_config();
    let env_in_config: Vec<&str> = config.env.iter().flatten().map(String::as_str).collect();
    // Secrets the config's values already carry are reported there, by secret-in-image-config.
    let mut values_reported: Vec<String> = value_secrets(&config_variables(image))
        .into_iter()
        .map(|(_, finding)| finding.fingerprint)
        .collect();
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
        report_secret_values(
            position,
            &item.created_by,
            &skip,
            config_location(image, &format!("/history/{position}/created_by")),
            &mut values_reported,
            out,
        );
        for (name, value) in named {
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
                    diagnostic.related.push(Related {
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
                    layer_location(image, layer),
                    format!("{} was built with it", describe_layer(image, layer)),
                );
            }
            reported.push((name, value, out.len()));
            out.push(diagnostic);
        }
    }
}

/// `NAME=value` words recorded in a history line: BuildKit's `RUN |N K=v …` build args, the
/// classic builder's `|N K=v /bin/sh -c …`, and `ENV K=v`.
fn history_assignments(created_by: &str) -> Vec<(String, String)> {
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

/// Reports each secret the secrets engine finds in a history entry's command, unless its
/// fingerprint was reported already or its text is one of `skip` (reported by name, or by the
/// `Env` entry). The message names the detector and a redacted prefix, never the value.
fn report_secret_values(
    position: usize,
    created_by: &str,
    skip: &[&str],
    location: Location,
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
