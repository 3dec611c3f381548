//! HS413: a value in the Dockerfile that looks like a real credential.

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::{Arguments, Instruction, KeyValue, Keyword};
use hullscan_secrets::Scanner;
use hullscan_text::{TextRange, TextSize};

use crate::checker::Checker;
use crate::run_script::run_of;

declare_rule! {
    /// ## What it does
    /// Runs hullscan's secret detectors over the values written in the Dockerfile: `ARG`
    /// defaults, `ENV` and `LABEL` values, and `RUN` scripts (heredoc bodies included). It
    /// reports values that look like real credentials: provider tokens with their checksums
    /// or structure (GitHub, GitLab, AWS, Slack, Stripe, npm, PyPI, ...), private keys, and
    /// high-entropy values assigned to names that say they are secret. Placeholders
    /// (`changeme`, `<token>`, `${TOKEN}`) are ignored. It complements BuildKit's
    /// `SecretsUsedInArgOrEnv` check, which looks only at the names.
    ///
    /// ## Why is this bad?
    /// A Dockerfile is shared, committed and printed in build logs, and every value in it ends
    /// up in the image: `ENV` and `LABEL` values in its configuration, `ARG` values and `RUN`
    /// command lines in `docker history`. Anyone who can pull the image or read the repository
    /// has the credential. Rotate it, and pass build-time secrets with
    /// `RUN --mount=type=secret`, run-time ones from the orchestrator's secret store.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV GITHUB_TOKEN=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
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN --mount=type=secret,id=github_token,env=GITHUB_TOKEN ./fetch-private-deps.sh
    /// ```
    ///
    /// ## References
    /// - [Docker docs: build secrets](https://docs.docker.com/build/building/secrets/)
    pub static CREDENTIAL_IN_DOCKERFILE = {
        code: "HS413",
        name: "credential-in-dockerfile",
        aliases: [],
        severity: Error,
        category: Security,
        fix: None,
        summary: "A value in the Dockerfile looks like a real credential",
    };
}

/// Maps a range in a scanned piece of text to the Dockerfile.
type ToFile<'a> = Box<dyn Fn(TextRange) -> TextRange + 'a>;

const HELP: &str = "Remove it and rotate the credential; pass it with `RUN --mount=type=secret` at build time or from a secret store at run time";

/// HS413
pub(crate) fn credential_in_dockerfile(
    checker: &mut Checker,
    _index: usize,
    instruction: &Instruction,
) {
    let scanner = Scanner::global();
    match instruction.keyword {
        Keyword::Arg | Keyword::Env | Keyword::Label => {
            let pairs: &[KeyValue] = match &instruction.args {
                Arguments::Arg(pairs) => pairs,
                Arguments::KeyValues(list) => &list.pairs,
                _ => return,
            };
            for pair in pairs {
                let (Some(value), Some(range)) = (&pair.value, pair.value_range) else {
                    continue;
                };
                let check = scanner.scan_assignment(&pair.key, value);
                let real = check.findings.iter().find(|finding| {
                    !is_public_identifier(
                        &pair.key,
                        value.get(finding.range.clone()).unwrap_or_default(),
                        finding,
                    )
                });
                if let Some(finding) = real {
                    // The value as written may carry quotes; point at the whole value.
                    checker.report(
                        Diagnostic::new(
                            &CREDENTIAL_IN_DOCKERFILE,
                            format!("`{}` holds {}", pair.key, describe(finding)),
                            Location::Text(range),
                        )
                        .with_help(HELP)
                        .with_fingerprint(
                            finding.fingerprint_with(&checker.settings.fingerprint_key),
                        ),
                    );
                }
            }
        }
        Keyword::Run | Keyword::Onbuild => {
            let Some(run) = run_of(instruction) else {
                return;
            };
            let mut pieces: Vec<(&str, ToFile<'_>)> = Vec::new();
            if let Arguments::Shell(text) = &run.args {
                pieces.push((&text.value, Box::new(|range| text.map.to_file_range(range))));
            }
            for heredoc in &run.heredocs {
                let start = heredoc.body_range.start();
                pieces.push((
                    &heredoc.body,
                    Box::new(move |range: TextRange| range.shifted(start)),
                ));
            }
            for (text, to_file) in pieces {
                for finding in scanner.scan(text.as_bytes()) {
                    if is_public_identifier(
                        "",
                        text.get(finding.range.clone()).unwrap_or_default(),
                        &finding,
                    ) {
                        continue;
                    }
                    let (Ok(start), Ok(end)) = (
                        u32::try_from(finding.range.start),
                        u32::try_from(finding.range.end),
                    ) else {
                        continue;
                    };
                    let range = to_file(TextRange::new(TextSize::new(start), TextSize::new(end)));
                    checker.report(
                        Diagnostic::new(
                            &CREDENTIAL_IN_DOCKERFILE,
                            format!("The `RUN` command contains {}", describe(&finding)),
                            Location::Text(range),
                        )
                        .with_help(HELP)
                        .with_fingerprint(
                            finding.fingerprint_with(&checker.settings.fingerprint_key),
                        ),
                    );
                }
            }
        }
        _ => {}
    }
}

fn describe(finding: &hullscan_secrets::Finding) -> String {
    format!(
        "what looks like a real {} (`{}`, {} confidence)",
        finding.detector.title,
        finding.redacted,
        finding.confidence.as_str()
    )
}

/// Generic (name-based, low-confidence) findings for values that are public identifiers, not
/// credentials: GPG key fingerprints and ids, checksums and commit hashes (all hex), and
/// anything assigned to a name that says it is one.
fn is_public_identifier(name: &str, value: &str, finding: &hullscan_secrets::Finding) -> bool {
    if finding.confidence != hullscan_secrets::Confidence::Low {
        return false;
    }
    let value = value.trim_matches(|c| c == '"' || c == '\'');
    let hex = value.len() >= 8 && value.bytes().all(|b| b.is_ascii_hexdigit());
    let upper = name.to_ascii_uppercase();
    let public_name = [
        "GPG",
        "PGP",
        "FINGERPRINT",
        "SHA",
        "CHECKSUM",
        "HASH",
        "KEYID",
        "KEY_ID",
        "KEYSERVER",
    ]
    .iter()
    .any(|word| upper.contains(word));
    hex || public_name
}
