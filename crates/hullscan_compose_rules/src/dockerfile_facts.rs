//! What the Compose rules need from a service's Dockerfile: its final stage's HEALTHCHECK,
//! USER and EXPOSE, read with hullscan's own parser and semantic model.

use hullscan_dockerfile::{Arguments, Keyword};
use hullscan_semantic::SemanticModel;

/// Facts about the final stage of a Dockerfile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DockerfileFacts {
    /// The path as shown to the user.
    pub path: String,
    /// The line of the final stage's HEALTHCHECK (not `NONE`), if any.
    pub healthcheck_line: Option<u32>,
    /// The final stage's USER and its line (inherited from a parent stage too).
    pub user: Option<(String, u32)>,
    /// Ports the final stage EXPOSEs.
    pub exposed: Vec<u16>,
}

impl DockerfileFacts {
    pub fn from_text(path: impl Into<String>, text: &str) -> Self {
        let parse = hullscan_dockerfile::parse(text);
        let dockerfile = &parse.dockerfile;
        let model = SemanticModel::new(dockerfile);
        let mut facts = DockerfileFacts {
            path: path.into(),
            ..DockerfileFacts::default()
        };
        let Some(stage) = model.final_stage() else {
            return facts;
        };
        if let Some(user) = model.stage_user(stage.index) {
            let line = dockerfile.instructions[user.instruction].start_line;
            facts.user = Some((user.word.value.clone(), line));
        }
        // The final stage and the stages it is built on (`FROM base AS final`).
        let mut chain = vec![stage.instructions.clone()];
        let mut parent = stage.parent();
        while let Some(index) = parent {
            let Some(parent_stage) = model.stage(index) else {
                break;
            };
            chain.push(parent_stage.instructions.clone());
            parent = parent_stage.parent();
            if chain.len() > 64 {
                break;
            }
        }
        chain.reverse();
        for range in chain {
            for instruction in &dockerfile.instructions[range] {
                match instruction.keyword {
                    Keyword::Healthcheck => {
                        let none = matches!(&instruction.args, Arguments::Healthcheck(args)
                            if args.kind.as_ref().is_some_and(|k| k.value.eq_ignore_ascii_case("none")));
                        facts.healthcheck_line = (!none).then_some(instruction.start_line);
                    }
                    Keyword::Expose => {
                        if let Arguments::Words(words) = &instruction.args {
                            for word in words {
                                let port = word.value.split('/').next().unwrap_or_default();
                                let port = port.split('-').next().unwrap_or_default();
                                if let Ok(port) = port.parse::<u16>() {
                                    facts.exposed.push(port);
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        facts
    }

    /// Whether the USER is a non-root one (not `root`, `0`, `0:x`, `root:x`).
    pub fn runs_as_non_root(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|(user, _)| !is_root_user(user))
    }
}

/// `root`, `0`, `root:group`, `0:gid`.
pub fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or_default().trim();
    name == "root" || name == "0"
}
