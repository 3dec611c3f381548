//! HS407: a final image that looks like a network service and has no HEALTHCHECK.

use hullscan_diagnostics::{Applicability, Diagnostic, Edit, Fix, Location, declare_rule};
use hullscan_dockerfile::{Arguments, HealthcheckArgs, Keyword};

use crate::checker::Checker;
use crate::rules::dockerfile::practice_facts;

declare_rule! {
    /// ## What it does
    /// Finds a final stage that looks like a long-running service (it `EXPOSE`s a port, or its
    /// `CMD`/`ENTRYPOINT` starts a known server such as nginx, gunicorn, uvicorn, puma,
    /// php-fpm or `npm start`) and has no `HEALTHCHECK`, neither in the stage nor in a stage
    /// it is built `FROM`. `HEALTHCHECK NONE` counts as a decision and silences it.
    ///
    /// Only an image that carries code from its build context (a `COPY`/`ADD` of `.`, a
    /// directory, a wildcard or an application file, in the final stage or a stage it copies
    /// from) is asked. An image that packages someone else's server and copies in only
    /// entrypoint scripts and configuration (the official `haproxy`, `rabbitmq`, `mongo`
    /// images) is configured by whoever runs it, so its health check belongs to that
    /// deployment: the Docker Official Images ship none for this reason. An image whose
    /// program comes from its base (it only `EXPOSE`s, with no `CMD`/`ENTRYPOINT` of its own)
    /// inherits its base's health check too, which hullscan cannot see.
    ///
    /// Unlike hadolint's DL3057, which asks every image for a health check, this rule only
    /// asks services, so it is on by default.
    ///
    /// ## Why is this bad?
    /// A container can be running while the service in it is broken: deadlocked, out of
    /// connections, stuck after a failed reload. Without a health check Docker and Swarm only
    /// see that the process exists, so nothing restarts it or takes it out of rotation. A
    /// `HEALTHCHECK` lets the engine mark it unhealthy. On Kubernetes, liveness and readiness
    /// probes replace it; there, write `HEALTHCHECK NONE` to say so.
    ///
    /// ## Known problems
    /// hullscan does not read the base image, which may define a health check already.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . /app
    /// EXPOSE 8000
    /// CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . /app
    /// EXPOSE 8000
    /// HEALTHCHECK --interval=30s --timeout=3s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"]
    /// CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD <probe>` after the
    /// final stage's last build step, probing `http://localhost:<exposed port>/` (8080 when no
    /// port is exposed) with busybox `wget -q --spider` on Alpine or `curl -fsS` elsewhere. It is
    /// unsafe when that tool is in the image (the probed path is a guess: point it at the
    /// service's health endpoint), and only shown when it is not, since the container would then
    /// always be unhealthy. No fix for distroless or `scratch` images, which have neither.
    ///
    /// ## References
    /// - [Dockerfile reference: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    /// - hadolint `DL3057` (asks every image)
    pub static SERVICE_WITHOUT_HEALTHCHECK = {
        code: "HS407",
        name: "service-without-healthcheck",
        aliases: [],
        severity: Info,
        category: BestPractice,
        fix: Sometimes,
        summary: "A service image without a `HEALTHCHECK`",
    };
}

/// Programs that run a network service.
pub(crate) const SERVERS: &[&str] = &[
    "nginx",
    "httpd",
    "apache2",
    "apache2-foreground",
    "apachectl",
    "gunicorn",
    "uvicorn",
    "hypercorn",
    "daphne",
    "waitress-serve",
    "uwsgi",
    "puma",
    "unicorn",
    "thin",
    "php-fpm",
    "caddy",
    "traefik",
    "haproxy",
    "envoy",
    "redis-server",
    "postgres",
    "mysqld",
    "mongod",
    "memcached",
    "rabbitmq-server",
    "catalina.sh",
    "tomcat",
    "jetty",
    "http-server",
    "serve",
    "lighttpd",
    "varnishd",
    "sshd",
    "vsftpd",
    "named",
    "dnsmasq",
    "coredns",
];

/// HS407
pub(crate) fn service_without_healthcheck(checker: &mut Checker) {
    let chain = practice_facts::final_chain(checker);
    let Some(last) = chain.first() else {
        return;
    };
    if practice_facts::last_in_chain(checker, &chain, Keyword::Healthcheck).is_some() {
        return;
    }
    if !practice_facts::ships_context_code(checker, &chain) {
        return;
    }
    let exposes = practice_facts::last_in_chain(checker, &chain, Keyword::Expose).is_some();
    let own_process = [Keyword::Entrypoint, Keyword::Cmd]
        .into_iter()
        .any(|keyword| practice_facts::last_in_chain(checker, &chain, keyword).is_some());
    let server = [Keyword::Entrypoint, Keyword::Cmd]
        .into_iter()
        .find_map(|keyword| {
            let (_, instruction) = practice_facts::last_in_chain(checker, &chain, keyword)?;
            server_in(&practice_facts::command_text(instruction))
        });
    let reason = match (server, exposes) {
        (Some(server), _) => format!("runs `{server}`"),
        (None, true) if own_process => "exposes a port".to_owned(),
        (None, _) => return,
    };
    let mut diagnostic = Diagnostic::new(
        &SERVICE_WITHOUT_HEALTHCHECK,
        format!("The final image {reason} but has no `HEALTHCHECK`"),
        Location::Text(last.from.range),
    )
    .with_help(
        "Add `HEALTHCHECK CMD <probe>` (or `HEALTHCHECK NONE` when an orchestrator probes it)",
    );
    if let Some(fix) = healthcheck_skeleton(checker, &chain) {
        diagnostic = diagnostic.with_fix(fix);
    }
    checker.report(diagnostic);
}

/// A `HEALTHCHECK` probing the exposed port (8080 when none is), after the final stage's last
/// build step. It calls busybox `wget` on Alpine (always there) and `curl` elsewhere; the fix is
/// unsafe when that tool is in the image (the probed path still has to be checked), and only
/// shown when it is not (the image would report unhealthy).
fn healthcheck_skeleton(checker: &Checker, chain: &[&hullscan_semantic::Stage<'_>]) -> Option<Fix> {
    let distro = practice_facts::final_distro(checker);
    let port = practice_facts::last_in_chain(checker, chain, Keyword::Expose)
        .and_then(|(_, expose)| {
            let Arguments::Words(words) = &expose.args else {
                return None;
            };
            let first = words.first()?.value.split('/').next()?.to_owned();
            first.parse::<u16>().ok().map(|port| port.to_string())
        })
        .unwrap_or_else(|| "8080".to_owned());
    let (probe, tool_present) = match distro {
        practice_facts::Distro::Alpine => (
            format!("wget -q --spider http://localhost:{port}/ || exit 1"),
            true,
        ),
        practice_facts::Distro::Debian | practice_facts::Distro::Rhel => {
            let has_curl =
                practice_facts::runs(checker, &practice_facts::chain_instructions(chain))
                    .into_iter()
                    .any(|index| {
                        practice_facts::installed_packages(checker, index).contains(&"curl")
                    });
            (
                format!("curl -fsS http://localhost:{port}/ || exit 1"),
                has_curl,
            )
        }
        // No shell and no HTTP client: a probe there is a program of the application's own.
        _ => return None,
    };
    let at = practice_facts::after_last_build_step(checker)?;
    Some(Fix::new(
        "Add a HEALTHCHECK probing the service (adjust the path to its health endpoint)",
        vec![Edit::insertion(
            format!("\nHEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD {probe}"),
            at,
        )],
        if tool_present {
            Applicability::Unsafe
        } else {
            Applicability::DisplayOnly
        },
    ))
}

/// The first known server program among the words of `text`.
pub(crate) fn server_in(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        let name = word
            .trim_matches(['"', '\'', ';', '(', ')'])
            .rsplit('/')
            .next()
            .unwrap_or_default();
        if SERVERS.contains(&name) {
            return Some(name.to_owned());
        }
        let next = words.get(i + 1).copied().unwrap_or_default();
        let is_start = matches!(
            (name, next),
            ("npm" | "yarn" | "pnpm", "start")
                | ("rails" | "flask", "server" | "run")
                | ("manage.py", "runserver")
        );
        if is_start {
            return Some(format!("{name} {next}"));
        }
    }
    None
}

/// Whether `args` is `HEALTHCHECK NONE`.
pub(crate) fn is_none(args: &Arguments) -> bool {
    matches!(args, Arguments::Healthcheck(HealthcheckArgs { kind: Some(kind), .. }) if kind.value.eq_ignore_ascii_case("none"))
}
