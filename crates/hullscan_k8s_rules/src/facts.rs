//! What the cross-file rules know about the Dockerfile that builds an image. The CLI reads and
//! parses the Dockerfile (the I/O edge); [`image_facts`] reads the facts from the parse.

use hullscan_dockerfile::{Dockerfile, Keyword};

/// Facts about the final stage of a Dockerfile, for one image name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageFacts {
    /// The image name the manifests use (`registry/app`, matched without tag or digest).
    pub image: String,
    /// The Dockerfile's path as the user should see it.
    pub dockerfile: String,
    /// The final stage's `HEALTHCHECK` (not `NONE`): its 1-based line.
    pub healthcheck_line: Option<u32>,
    /// The final stage's last `USER`, with its line.
    pub user: Option<(String, u32)>,
    /// Ports the final stage `EXPOSE`s.
    pub exposed_ports: Vec<u16>,
    /// The line of the first `EXPOSE`, when there is one.
    pub expose_line: Option<u32>,
}

impl ImageFacts {
    /// Whether the final `USER` is a non-root user (not `root`, `0` or `0:...`).
    pub fn user_is_non_root(&self) -> bool {
        self.user.as_ref().is_some_and(|(user, _)| {
            let name = user.split(':').next().unwrap_or(user);
            !(name == "root" || name == "0" || name.is_empty())
        })
    }

    /// Whether `reference` (as written in a manifest) names this image: same repository,
    /// whatever the tag or digest.
    pub fn matches(&self, reference: &str) -> bool {
        repository(reference) == repository(&self.image)
    }
}

/// `reference` without its tag and digest (`reg:5000/app:1@sha256:..` → `reg:5000/app`).
pub fn repository(reference: &str) -> &str {
    let without_digest = reference.split('@').next().unwrap_or(reference);
    match without_digest.rfind(':') {
        Some(colon) if !without_digest[colon..].contains('/') => &without_digest[..colon],
        _ => without_digest,
    }
}

/// The facts of `dockerfile`'s final stage, for `image`.
pub fn image_facts(image: &str, path: &str, dockerfile: &Dockerfile) -> ImageFacts {
    let mut facts = ImageFacts {
        image: image.to_owned(),
        dockerfile: path.to_owned(),
        ..ImageFacts::default()
    };
    let final_from = dockerfile
        .instructions
        .iter()
        .rposition(|i| i.keyword == Keyword::From)
        .unwrap_or(0);
    for instruction in &dockerfile.instructions[final_from..] {
        let words: Vec<&str> = instruction.original.split_whitespace().skip(1).collect();
        match instruction.keyword {
            Keyword::Healthcheck => {
                let none = words
                    .iter()
                    .find(|w| !w.starts_with("--"))
                    .is_some_and(|w| w.eq_ignore_ascii_case("NONE"));
                facts.healthcheck_line = (!none).then_some(instruction.start_line);
            }
            Keyword::User => {
                if let Some(user) = words.first() {
                    facts.user = Some(((*user).to_owned(), instruction.start_line));
                }
            }
            Keyword::Expose => {
                facts.expose_line.get_or_insert(instruction.start_line);
                for word in words {
                    let port = word.split('/').next().unwrap_or(word);
                    // A range (`8000-8010`) counts by its first port.
                    let port = port.split('-').next().unwrap_or(port);
                    if let Ok(port) = port.parse::<u16>() {
                        facts.exposed_ports.push(port);
                    }
                }
            }
            _ => {}
        }
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_final_stage() {
        let parse = hullscan_dockerfile::parse(
            "FROM a AS build\nUSER root\nHEALTHCHECK CMD x\nFROM b\nEXPOSE 8080/tcp 9000-9010\nUSER app\nHEALTHCHECK --interval=5s CMD curl -f localhost\n",
        );
        let facts = image_facts("reg:5000/app:1", "Dockerfile", &parse.dockerfile);
        assert_eq!(facts.healthcheck_line, Some(7));
        assert_eq!(facts.user, Some(("app".to_owned(), 6)));
        assert!(facts.user_is_non_root());
        assert_eq!(facts.exposed_ports, [8080, 9000]);
        assert!(facts.matches("reg:5000/app@sha256:00"));
        assert!(facts.matches("reg:5000/app"));
        assert!(!facts.matches("reg:5000/other:1"));
        let parse = hullscan_dockerfile::parse("FROM b\nHEALTHCHECK NONE\nUSER 0:0\n");
        let facts = image_facts("x", "Dockerfile", &parse.dockerfile);
        assert_eq!(facts.healthcheck_line, None);
        assert!(!facts.user_is_non_root());
    }
}
