//! HS400: a non-root final image that `EXPOSE`s a port below 1024.

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::{Arguments, Keyword};

use crate::checker::Checker;
use crate::rules::dockerfile::practice_facts::{self, RunAs};
use crate::rules::dockerfile::shell_facts::run_commands;

declare_rule! {
    /// ## What it does
    /// Finds a final stage that runs as a non-root `USER` and `EXPOSE`s a privileged port (below
    /// 1024), unless a RUN gives a binary the `cap_net_bind_service` file capability.
    ///
    /// ## Why is this bad?
    /// Switching to a non-root user is right, but on Linux only root (or a process holding
    /// `CAP_NET_BIND_SERVICE`) may listen on ports below 1024. The image builds fine and the
    /// server then fails at startup with "permission denied" when it tries to bind port 80 or
    /// 443. Listen on a high port (8080, 8443) and let the port mapping, load balancer or
    /// Service map 80 to it; or grant just that one capability (`--cap-add=NET_BIND_SERVICE`, or
    /// `setcap cap_net_bind_service=+ep` on the binary) rather than going back to root.
    ///
    /// ## Known problems
    /// Docker Engine 20.10 and later set `net.ipv4.ip_unprivileged_port_start=0` in containers,
    /// so under plain `docker run` the bind may succeed. Other runtimes, orchestrators and
    /// hardened hosts do not, so the image only works everywhere on a high port.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// USER nginx
    /// EXPOSE 80
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// USER nginx
    /// EXPOSE 8080
    /// ```
    ///
    /// ## References
    /// - [Docker run reference: runtime privilege and Linux capabilities](https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities)
    pub static PRIVILEGED_PORT_AS_NON_ROOT = {
        code: "HS400",
        name: "privileged-port-as-non-root",
        aliases: [],
        severity: Info,
        category: Correctness,
        fix: None,
        summary: "A non-root image exposes a port below 1024, which it cannot bind without `NET_BIND_SERVICE`",
    };
}

/// HS400
pub(crate) fn privileged_port_as_non_root(checker: &mut Checker) {
    if practice_facts::final_run_as(checker) != RunAs::NonRoot {
        return;
    }
    let chain = practice_facts::final_chain(checker);
    let indices = practice_facts::chain_instructions(&chain);
    let grants_capability = practice_facts::runs(checker, &indices)
        .into_iter()
        .any(|index| {
            run_commands(checker, index).iter().any(|command| {
                command.invocation.name == "setcap"
                    && command
                        .arg_values()
                        .any(|arg| arg.to_ascii_lowercase().contains("cap_net_bind_service"))
            }) || tools_mentions_authbind(checker, index)
        });
    if grants_capability {
        return;
    }
    let model = checker.model;
    let instructions = checker.instructions();
    for index in indices {
        let instruction = &instructions[index];
        if instruction.keyword != Keyword::Expose {
            continue;
        }
        let Arguments::Words(words) = &instruction.args else {
            continue;
        };
        for word in words {
            let Ok(expansion) = model.expand(index, &word.value) else {
                continue;
            };
            if !expansion.unmatched.is_empty() {
                continue;
            }
            let Some(port) = first_port(&expansion.value) else {
                continue;
            };
            if port == 0 || port >= 1024 {
                continue;
            }
            let suggestion = if port == 80 {
                8080
            } else if port == 443 {
                8443
            } else {
                port + 8000
            };
            checker.report(
                Diagnostic::new(
                    &PRIVILEGED_PORT_AS_NON_ROOT,
                    format!("Port {port} is privileged, but the image runs as a non-root user, which cannot bind it"),
                    Location::Text(word.range),
                )
                .with_help(format!(
                    "Listen on a high port (e.g. `EXPOSE {suggestion}`) and map it at run time (`-p {port}:{suggestion}`), or grant `NET_BIND_SERVICE`"
                )),
            );
        }
    }
}

/// `authbind` also lets non-root processes bind low ports.
fn tools_mentions_authbind(checker: &Checker, index: usize) -> bool {
    practice_facts::installed_packages(checker, index).contains(&"authbind")
}

/// The first port of `80`, `80/tcp`, `8000-8010/udp`.
fn first_port(text: &str) -> Option<u32> {
    let port = text.split('/').next()?;
    let start = port.split('-').next()?;
    start.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::first_port;

    #[test]
    fn ports() {
        assert_eq!(first_port("80"), Some(80));
        assert_eq!(first_port("443/tcp"), Some(443));
        assert_eq!(first_port("100-200/udp"), Some(100));
        assert_eq!(first_port("$PORT"), None);
    }
}
