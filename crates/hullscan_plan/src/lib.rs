//! `hullscan plan`: a Dockerfile's findings (with its build context's and image's, when given)
//! turned into an ordered remediation plan.
//!
//! The order is the one the seed's "runs as root, no healthcheck, `latest`" answer argues for:
//! 1. make the build pass (nothing else can be checked until it does);
//! 2. **reproducibility**: pin the base image, so every later change is measured against a
//!    fixed starting point instead of whatever `latest` was that morning;
//! 3. **security**, highest risk first: secrets already in layers (leaked to anyone who can pull
//!    the image), then root, then attack surface;
//! 4. **operability**: healthcheck, exec form and stop signals (the grace period), logging;
//! 5. **size and cache**: package caches, layer order, `.dockerignore`, multi-stage builds;
//! 6. hygiene: package pins, style and the rest.
//!
//! Each step lists its findings, the fix (a `hullscan fix` command when the findings carry
//! fixes, otherwise the edit to make) and what to verify after it — such as the EACCES trap
//! after switching to a non-root user. Pure: findings in, plan out.

use hullscan_diagnostics::Applicability;
use serde::Serialize;

/// Where a finding was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Dockerfile,
    Context,
    Image,
}

/// A finding as the plan needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanFinding {
    pub code: String,
    pub name: String,
    pub severity: String,
    pub message: String,
    pub origin: Origin,
    /// 1-based line in the Dockerfile (or ignore file), when the finding has one.
    pub line: Option<usize>,
    pub help: Option<String>,
    /// The fix's title and how safe it is, when the finding carries one.
    pub fix: Option<FixInfo>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FixInfo {
    pub title: String,
    pub applicability: &'static str,
}

impl FixInfo {
    pub fn new(title: impl Into<String>, applicability: Applicability) -> Self {
        Self {
            title: title.into(),
            applicability: applicability.as_str(),
        }
    }
}

/// The plan's phases, in the order they are done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Build,
    Reproducibility,
    Security,
    Operability,
    SizeAndCache,
    Hygiene,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Build => "build",
            Phase::Reproducibility => "reproducibility",
            Phase::Security => "security",
            Phase::Operability => "operability",
            Phase::SizeAndCache => "size-and-cache",
            Phase::Hygiene => "hygiene",
        }
    }
}

/// One step of the plan.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    /// 1-based position in the plan.
    pub number: usize,
    /// A stable identifier (`pin-base-image`, `run-as-non-root`, ...).
    pub id: &'static str,
    pub phase: Phase,
    pub title: &'static str,
    /// Why this step comes here.
    pub why: &'static str,
    pub findings: Vec<PlanFinding>,
    /// `hullscan fix` commands that apply the fixes the findings carry.
    pub commands: Vec<String>,
    /// Edits to make by hand (the findings' help and display-only fix titles, deduplicated),
    /// plus the step's own advice.
    pub edits: Vec<String>,
    /// What to check once the step is done.
    pub verify: Vec<&'static str>,
}

/// The plan for one Dockerfile.
#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    /// The Dockerfile's path as given.
    pub dockerfile: String,
    /// The image audited with it, when given.
    pub image: Option<String>,
    pub steps: Vec<Step>,
}

/// A step's static description.
struct StepSpec {
    id: &'static str,
    phase: Phase,
    title: &'static str,
    why: &'static str,
    codes: &'static [&'static str],
    advice: &'static [&'static str],
    verify: &'static [&'static str],
}

/// The steps in plan order. A finding belongs to the first step listing its code; codes no step
/// lists go to the last one.
const STEPS: &[StepSpec] = &[
    StepSpec {
        id: "make-it-build",
        phase: Phase::Build,
        title: "Make the build pass",
        why: "These findings make `docker build` fail or stop at a prompt no one can answer. Every later step is verified by building, so the build has to work first.",
        codes: &[
            "HS001", "HS004", "HS005", "HS211", "HS214", "HS221", "HS222", "HS223", "HS230",
            "HS250", "HS254", "HS258", "HS276", "HS305", "HS306", "HS500", "HS508",
        ],
        advice: &[],
        verify: &[
            "`docker build` of the Dockerfile completes",
            "`hullscan lint` no longer reports these codes",
        ],
    },
    StepSpec {
        id: "pin-base-image",
        phase: Phase::Reproducibility,
        title: "Pin the base image",
        why: "An untagged or `latest` base means any upstream change can break the build overnight without a change on your side, and every later fix would be measured against a moving target. Pinning restores reproducibility immediately.",
        codes: &["HS101", "HS102", "HS106", "HS308", "HS317", "HS612"],
        advice: &[
            "Find what `latest` resolves to today with `docker inspect --format '{{index .RepoDigests 0}}' IMAGE` and pin that exact version (e.g. `node:18.19.0-alpine3.19`), or the digest (`IMAGE@sha256:...`) for bit-for-bit rebuilds",
        ],
        verify: &[
            "`docker build` still succeeds and the application's tests pass on the pinned base",
            "`docker inspect --format '{{index .RepoDigests 0}}'` of the base shows the pinned version",
        ],
    },
    StepSpec {
        id: "remove-secrets",
        phase: Phase::Security,
        title: "Get secrets out of the image and rotate them",
        why: "A secret in a layer, in the image config or in the build history is readable by anyone who can pull the image, and deleting it in a later layer only hides it (`docker history`, `docker save` recover it). Treat it as leaked: rotate first, then rebuild without it.",
        codes: &[
            "HS316", "HS280", "HS413", "HS414", "HS415", "HS416", "HS502", "HS507", "HS604",
            "HS605", "HS606", "HS701", "HS702", "HS703", "HS704", "HS705", "HS706", "HS707",
            "HS708", "HS709",
        ],
        advice: &[
            "Rotate every credential found now; it has been exposed for as long as the image was pullable",
            "Pass build-time secrets with `RUN --mount=type=secret,id=NAME` (never ARG/ENV/COPY), runtime secrets from the environment or a secrets manager, and keep credential files out of the context with `.dockerignore`",
        ],
        verify: &[
            "`hullscan image IMAGE` reports no HS604/HS605/HS606 and `hullscan secrets .` nothing in the context",
            "`docker history --no-trunc IMAGE` shows no secret value",
            "the old credential is revoked and the new one works",
        ],
    },
    StepSpec {
        id: "run-as-non-root",
        phase: Phase::Security,
        title: "Run as a non-root user",
        why: "By default the container runs as root: a container escape (a kernel bug, a runtime bug) then lands on the host as root. A dedicated user, files owned with `COPY --chown` and `USER` before `CMD` remove that.",
        codes: &[
            "HS103", "HS104", "HS204", "HS601", "HS281", "HS402", "HS400", "HS609",
        ],
        advice: &[
            "Create the user, give it the files at copy time (`COPY --chown=app:app`, not `RUN chown`, which stores them twice) and switch with `USER` before `CMD`/`ENTRYPOINT`",
        ],
        verify: &[
            "`docker run --rm --entrypoint id IMAGE` prints a non-zero uid",
            "the EACCES trap: start the container and exercise every write it makes (`/tmp`, log directories, caches such as `/root/.npm`); where one fails with \"permission denied\", chown that directory to the user at build time or point the write somewhere it owns (e.g. `npm_config_cache=/app/.npm`)",
            "a port below 1024 now needs `--cap-add=NET_BIND_SERVICE`; prefer a port above 1024 mapped by the load balancer",
        ],
    },
    StepSpec {
        id: "reduce-attack-surface",
        phase: Phase::Security,
        title: "Reduce the attack surface",
        why: "Every binary in the runtime image is something an attacker with a shell can use: compilers, package managers, SSH servers, setuid files. A multi-stage build keeps them in the build stage.",
        codes: &[
            "HS226", "HS404", "HS411", "HS607", "HS608", "HS610", "HS611",
        ],
        advice: &[
            "Build in one stage and copy only the artefact into a slim, distroless or scratch runtime stage (`COPY --from=build /app/bin /app/bin`)",
        ],
        verify: &[
            "`hullscan image IMAGE` no longer reports these codes",
            "`trivy image --severity HIGH,CRITICAL IMAGE` (or `hullscan vulns`) shows fewer findings than before",
        ],
    },
    StepSpec {
        id: "add-healthcheck",
        phase: Phase::Operability,
        title: "Add a healthcheck",
        why: "A container can be running but broken; a HEALTHCHECK lets Docker and orchestrators see it and restart it. The check must use a tool the image has (curl is not in minimal images).",
        codes: &["HS272", "HS313", "HS407", "HS408", "HS602"],
        advice: &[
            "`HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD curl -f http://localhost:PORT/health || exit 1` when the image has curl; `wget -q --spider` on Alpine; a small static probe binary on distroless. On Kubernetes use liveness/readiness probes instead: it ignores HEALTHCHECK",
        ],
        verify: &[
            "`docker inspect --format '{{.State.Health.Status}}' CONTAINER` turns `healthy` after start",
            "the command the check runs exists in the final image (`docker run --rm --entrypoint sh IMAGE -c 'command -v curl'`)",
        ],
    },
    StepSpec {
        id: "exec-form-and-signals",
        phase: Phase::Operability,
        title: "Receive stop signals: exec form and a grace period",
        why: "In shell form `/bin/sh -c` is PID 1 and does not forward SIGTERM: the application never shuts down cleanly and is killed after the 10-second stop timeout, dropping in-flight requests on every deploy.",
        codes: &["HS105", "HS311", "HS312", "HS409", "HS410", "HS603"],
        advice: &[
            "Use exec form (`CMD [\"node\", \"server.js\"]`); where a shell is needed, `[\"sh\", \"-c\", \"exec node server.js\"]`",
        ],
        verify: &[
            "`time docker stop CONTAINER` returns well under 10 seconds and the application logs its shutdown",
            "the grace period matches the drain time: `--stop-timeout` / Compose `stop_grace_period` / Kubernetes `terminationGracePeriodSeconds` (30-60 s behind a draining load balancer, longer for workers)",
        ],
    },
    StepSpec {
        id: "log-to-stdout",
        phase: Phase::Operability,
        title: "Log to stdout and stderr",
        why: "Files inside the container vanish with it and are invisible to `docker logs` and log drivers.",
        codes: &["HS412"],
        advice: &[],
        verify: &["`docker logs CONTAINER` shows the application's log"],
    },
    StepSpec {
        id: "size-and-cache",
        phase: Phase::SizeAndCache,
        title: "Shrink the image and keep the build cache working",
        why: "Package caches and copies left in layers make every push and pull slower, and copying the source before installing dependencies reinstalls them on every edit. Order from least to most often changed, clean caches in the same RUN, and keep the context small with `.dockerignore`.",
        codes: &[
            "HS209", "HS210", "HS215", "HS219", "HS220", "HS232", "HS252", "HS255", "HS257",
            "HS261", "HS274", "HS275", "HS401", "HS403", "HS405", "HS406", "HS501", "HS503",
            "HS504", "HS509", "HS510", "HS613", "HS614", "HS616",
        ],
        advice: &[],
        verify: &[
            "`docker image ls IMAGE` shows a smaller size than before",
            "after editing one source file, a rebuild reuses the dependency-install layer (`CACHED` in the build output)",
        ],
    },
    StepSpec {
        id: "pin-packages",
        phase: Phase::Hygiene,
        title: "Pin package versions",
        why: "With the base pinned, unpinned packages are the remaining source of drift between two builds of the same commit.",
        codes: &[
            "HS208", "HS213", "HS216", "HS218", "HS228", "HS233", "HS251", "HS253", "HS256",
            "HS277",
        ],
        advice: &[],
        verify: &["two builds of the same commit install the same package versions"],
    },
];

/// The last step: findings no other step claims.
const REST: StepSpec = StepSpec {
    id: "remaining-findings",
    phase: Phase::Hygiene,
    title: "Clean up the remaining findings",
    why: "Style and correctness findings that do not change the image's security or size, but make the Dockerfile easier to read and keep it working with future BuildKit versions.",
    codes: &[],
    advice: &[],
    verify: &["`hullscan lint` reports nothing more"],
};

/// Builds the plan. `path` is the Dockerfile as the user named it (used in the `hullscan fix`
/// commands); `findings` are the Dockerfile's, its context's and its image's.
pub fn build_plan(path: &str, image: Option<&str>, findings: Vec<PlanFinding>) -> Plan {
    let mut buckets: Vec<Vec<PlanFinding>> = vec![Vec::new(); STEPS.len() + 1];
    for finding in findings {
        let at = STEPS
            .iter()
            .position(|step| step.codes.contains(&finding.code.as_str()))
            .unwrap_or(STEPS.len());
        buckets[at].push(finding);
    }
    let mut steps = Vec::new();
    for (index, mut findings) in buckets.into_iter().enumerate() {
        if findings.is_empty() {
            continue;
        }
        let spec = STEPS.get(index).unwrap_or(&REST);
        findings.sort_by(|a, b| {
            (a.origin as u8, a.line, &a.code).cmp(&(b.origin as u8, b.line, &b.code))
        });
        let commands = fix_commands(path, &findings);
        let mut edits: Vec<String> = Vec::new();
        for finding in &findings {
            let edit = match &finding.fix {
                Some(fix) if fix.applicability == Applicability::DisplayOnly.as_str() => {
                    Some(fix.title.clone())
                }
                Some(_) => None,
                None => finding.help.clone(),
            };
            if let Some(edit) = edit
                && !edits.contains(&edit)
            {
                edits.push(edit);
            }
        }
        edits.extend(spec.advice.iter().map(|advice| (*advice).to_owned()));
        steps.push(Step {
            number: steps.len() + 1,
            id: spec.id,
            phase: spec.phase,
            title: spec.title,
            why: spec.why,
            findings,
            commands,
            edits,
            verify: spec.verify.to_vec(),
        });
    }
    Plan {
        dockerfile: path.to_owned(),
        image: image.map(str::to_owned),
        steps,
    }
}

/// `hullscan fix` commands for the step's fixable findings: one for the safe fixes, one with
/// `--unsafe-fixes` for the rest.
fn fix_commands(path: &str, findings: &[PlanFinding]) -> Vec<String> {
    let codes_with = |applicability: Applicability| -> Vec<&str> {
        let mut codes: Vec<&str> = findings
            .iter()
            .filter(|f| f.origin != Origin::Image)
            .filter(|f| {
                f.fix
                    .as_ref()
                    .is_some_and(|fix| fix.applicability == applicability.as_str())
            })
            .map(|f| f.code.as_str())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    };
    let quoted = shell_quote(path);
    let mut commands = Vec::new();
    let safe = codes_with(Applicability::Safe);
    if !safe.is_empty() {
        commands.push(format!("hullscan fix --select {} {quoted}", safe.join(",")));
    }
    let risky = codes_with(Applicability::Unsafe);
    if !risky.is_empty() {
        commands.push(format!(
            "hullscan fix --unsafe-fixes --select {} --diff {quoted}   # review the diff, then run without --diff",
            risky.join(",")
        ));
    }
    commands
}

/// `text` quoted for a POSIX shell when it needs it.
fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | ':' | '@'));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The plan as text for a terminal.
pub fn render_human(plan: &Plan) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let total: usize = plan.steps.iter().map(|step| step.findings.len()).sum();
    let _ = write!(out, "Remediation plan for {}", plan.dockerfile);
    if let Some(image) = &plan.image {
        let _ = write!(out, " (image {image})");
    }
    if plan.steps.is_empty() {
        out.push_str(": nothing to do, no findings.\n");
        return out;
    }
    let _ = writeln!(
        out,
        ": {total} finding(s) in {} step(s)\n",
        plan.steps.len()
    );
    for step in &plan.steps {
        let _ = writeln!(
            out,
            "{}. [{}] {}",
            step.number,
            step.phase.as_str(),
            step.title
        );
        let _ = writeln!(out, "   Why: {}", step.why);
        out.push_str("   Findings:\n");
        for finding in &step.findings {
            let place = match (finding.origin, finding.line) {
                (Origin::Image, _) => "image".to_owned(),
                (Origin::Context, Some(line)) => format!("ignore file line {line}"),
                (Origin::Context, None) => "context".to_owned(),
                (Origin::Dockerfile, Some(line)) => format!("line {line}"),
                (Origin::Dockerfile, None) => "file".to_owned(),
            };
            let fix = finding
                .fix
                .as_ref()
                .map(|fix| format!(" [fix: {}]", fix.applicability))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "     - {place}: {} {}: {}{fix}",
                finding.code, finding.name, finding.message
            );
        }
        if !step.commands.is_empty() || !step.edits.is_empty() {
            out.push_str("   Fix:\n");
            for command in &step.commands {
                let _ = writeln!(out, "     $ {command}");
            }
            for edit in &step.edits {
                let _ = writeln!(out, "     - {edit}");
            }
        }
        out.push_str("   Verify:\n");
        for check in &step.verify {
            let _ = writeln!(out, "     - {check}");
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(code: &str, line: usize, fix: Option<FixInfo>) -> PlanFinding {
        PlanFinding {
            code: code.to_owned(),
            name: format!("name-of-{code}"),
            severity: "warning".to_owned(),
            message: format!("message of {code}"),
            origin: Origin::Dockerfile,
            line: Some(line),
            help: Some(format!("help for {code}")),
            fix,
        }
    }

    #[test]
    fn orders_reproducibility_then_security_then_operability_then_size() {
        let plan = build_plan(
            "Dockerfile",
            None,
            vec![
                finding(
                    "HS219",
                    3,
                    Some(FixInfo::new("add --no-cache", Applicability::Safe)),
                ),
                finding("HS407", 1, None),
                finding(
                    "HS105",
                    5,
                    Some(FixInfo::new("exec form", Applicability::Safe)),
                ),
                finding("HS103", 1, None),
                finding("HS102", 1, Some(FixInfo::new("pin", Applicability::Unsafe))),
                finding("HS999", 9, None),
            ],
        );
        let ids: Vec<&str> = plan.steps.iter().map(|step| step.id).collect();
        assert_eq!(
            ids,
            [
                "pin-base-image",
                "run-as-non-root",
                "add-healthcheck",
                "exec-form-and-signals",
                "size-and-cache",
                "remaining-findings"
            ]
        );
        let numbers: Vec<usize> = plan.steps.iter().map(|step| step.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
        // Fixable findings get a command; an unsafe one is shown as a diff first.
        assert_eq!(
            plan.steps[0].commands,
            [
                "hullscan fix --unsafe-fixes --select HS102 --diff Dockerfile   # review the diff, then run without --diff"
            ]
        );
        assert_eq!(
            plan.steps[4].commands,
            ["hullscan fix --select HS219 Dockerfile"]
        );
        // The root step warns about the EACCES trap.
        assert!(plan.steps[1].verify.iter().any(|v| v.contains("EACCES")));
        // Unfixable findings contribute their help as an edit.
        assert!(plan.steps[1].edits.contains(&"help for HS103".to_owned()));
    }

    #[test]
    fn no_findings_no_steps() {
        let plan = build_plan("Dockerfile", None, Vec::new());
        assert!(plan.steps.is_empty());
        assert!(render_human(&plan).contains("nothing to do"));
    }

    #[test]
    fn paths_are_quoted_for_the_shell() {
        assert_eq!(shell_quote("a b/Dockerfile"), "'a b/Dockerfile'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(
            shell_quote("docker/Dockerfile.prod"),
            "docker/Dockerfile.prod"
        );
    }
}
