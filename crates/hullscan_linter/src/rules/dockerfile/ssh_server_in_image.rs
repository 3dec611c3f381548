//! HS411: an SSH server in the image.

use hullscan_diagnostics::{Diagnostic, Location, declare_rule};
use hullscan_dockerfile::{Arguments, Keyword};

use crate::checker::Checker;
use crate::rules::dockerfile::practice_facts;

declare_rule! {
    /// ## What it does
    /// Finds a final image that installs an SSH server (`openssh-server`, Alpine's `openssh`,
    /// `dropbear`, Debian's `ssh` metapackage), `EXPOSE`s port 22, or starts `sshd`.
    ///
    /// ## Why is this bad?
    /// Containers are replaced, not logged into: a fix is a new image, rebuilt and redeployed,
    /// never a change made over SSH to a running container (which the next deployment loses
    /// anyway). An SSH server adds a second long-running process, host keys and credentials
    /// that must live in the image, and a network-facing login service to attack. For
    /// debugging, `docker exec` and `kubectl exec` reach a shell without any of that.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends openssh-server && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - [Docker docs: docker exec](https://docs.docker.com/reference/cli/docker/container/exec/)
    pub static SSH_SERVER_IN_IMAGE = {
        code: "HS411",
        name: "ssh-server-in-image",
        aliases: [],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "The image runs or installs an SSH server",
    };
}

const SSH_SERVERS: &[&str] = &[
    "openssh-server",
    "openssh",
    "dropbear",
    "ssh",
    "openssh-server-pam",
];

/// HS411
pub(crate) fn ssh_server_in_image(checker: &mut Checker) {
    let chain = practice_facts::final_chain(checker);
    let instructions = checker.instructions();
    for index in practice_facts::chain_instructions(&chain) {
        let instruction = &instructions[index];
        let evidence = match instruction.keyword {
            Keyword::Run => practice_facts::installed_packages(checker, index)
                .into_iter()
                .map(|name| name.trim_matches(['"', '\'']))
                .find(|name| SSH_SERVERS.contains(name))
                .map(|name| format!("installs the SSH server `{name}`")),
            Keyword::Expose => match &instruction.args {
                Arguments::Words(words) => words
                    .iter()
                    .any(|w| w.value == "22" || w.value.starts_with("22/"))
                    .then(|| "exposes the SSH port 22".to_owned()),
                _ => None,
            },
            Keyword::Cmd | Keyword::Entrypoint => practice_facts::command_text(instruction)
                .split_whitespace()
                .any(|word| word.trim_matches(['"', '\'', ';']).rsplit('/').next() == Some("sshd"))
                .then(|| "starts `sshd`".to_owned()),
            _ => None,
        };
        if let Some(evidence) = evidence {
            checker.report(
                Diagnostic::new(&SSH_SERVER_IN_IMAGE, format!("The final image {evidence}"), Location::Text(instruction.range))
                    .with_help("Patch by rebuilding and redeploying the image; debug with `docker exec` instead of SSH"),
            );
            return;
        }
    }
}
