//! Image references as Docker normalises them (`distribution/reference`'s
//! `ParseNormalizedNamed`): `ubuntu` is `docker.io/library/ubuntu`, `:latest` is implied when
//! there is neither tag nor digest, `index.docker.io` is `docker.io`.

use std::borrow::Cow;
use std::fmt;

/// Docker Hub's canonical domain.
pub const DEFAULT_REGISTRY: &str = "docker.io";
const LEGACY_REGISTRY: &str = "index.docker.io";
const OFFICIAL_PREFIX: &str = "library/";
/// The tag implied by a reference without tag or digest.
pub const DEFAULT_TAG: &str = "latest";
/// Longest repository path Docker accepts.
const MAX_PATH_LEN: usize = 255;

/// Where the parts of a reference in canonical form (`registry/remainder`) end: the name's
/// length and the tag's and digest's lengths (without their `:` / `@`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ReferenceSpans {
    name: usize,
    tag: Option<usize>,
    digest: Option<usize>,
}

/// `name[:tag][@digest]` with the exact grammar of `distribution/reference` (ASCII classes),
/// matched by hand: this runs for every base image of every file, and the grammar is
/// deterministic once the name's end is known (a name holds no `:` or `@` after its domain),
/// so no backtracking is needed. A name either starts with a domain (everything before the
/// first `/`) or is all path components; the first reading that fits wins, as in the regexp.
fn reference_spans(canonical: &str) -> Option<ReferenceSpans> {
    let name_end_after = |from: usize| {
        canonical[from..]
            .find([':', '@'])
            .map_or(canonical.len(), |offset| from + offset)
    };
    if let Some(slash) = canonical.find('/')
        && is_domain_and_port(&canonical[..slash])
    {
        let name = name_end_after(slash + 1);
        if is_path(&canonical[slash + 1..name])
            && let Some((tag, digest)) = tag_and_digest(&canonical[name..])
        {
            return Some(ReferenceSpans { name, tag, digest });
        }
    }
    let name = name_end_after(0);
    if !is_path(&canonical[..name]) {
        return None;
    }
    let (tag, digest) = tag_and_digest(&canonical[name..])?;
    Some(ReferenceSpans { name, tag, digest })
}

/// `(:tag)?(@digest)?` and nothing else: the tag's and digest's lengths.
fn tag_and_digest(rest: &str) -> Option<(Option<usize>, Option<usize>)> {
    let (tag, rest) = match rest.strip_prefix(':') {
        Some(after) => {
            let end = after.find('@').unwrap_or(after.len());
            (Some(&after[..end]), &after[end..])
        }
        None => (None, rest),
    };
    if tag.is_some_and(|tag| !is_tag(tag)) {
        return None;
    }
    let digest = match rest.strip_prefix('@') {
        Some(digest) if is_digest(digest) => Some(digest.len()),
        Some(_) => return None,
        None if rest.is_empty() => None,
        None => return None,
    };
    Some((tag.map(str::len), digest))
}

/// `path-component(/path-component)*`, a component being `[a-z0-9]+` runs joined by `.`, `_`,
/// `__` or any run of `-`.
fn is_path(path: &str) -> bool {
    path.split('/').all(is_path_component)
}

fn is_path_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    let is_alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let mut i = 0;
    loop {
        // One alphanumeric run.
        let run_start = i;
        while i < bytes.len() && is_alnum(bytes[i]) {
            i += 1;
        }
        if i == run_start {
            return false;
        }
        if i == bytes.len() {
            return true;
        }
        // One separator, then another run must follow.
        match bytes[i] {
            b'.' => i += 1,
            b'_' => {
                i += if bytes.get(i + 1) == Some(&b'_') {
                    2
                } else {
                    1
                }
            }
            b'-' => {
                while i < bytes.len() && bytes[i] == b'-' {
                    i += 1;
                }
            }
            _ => return false,
        }
    }
}

/// `host(:port)?`, the host being dot-separated DNS labels or a bracketed IPv6 address.
fn is_domain_and_port(domain: &str) -> bool {
    let (host, port) = if let Some(after) = domain.strip_prefix('[') {
        let Some(close) = after.find(']') else {
            return false;
        };
        let address = &after[..close];
        if address.is_empty() || !address.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return false;
        }
        (None, &after[close + 1..])
    } else {
        let end = domain.find(':').unwrap_or(domain.len());
        (Some(&domain[..end]), &domain[end..])
    };
    if let Some(host) = host
        && !host.split('.').all(is_domain_component)
    {
        return false;
    }
    match port.strip_prefix(':') {
        Some(digits) => !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
        None => port.is_empty(),
    }
}

/// A DNS label: alphanumerics with `-` inside, not at either end.
fn is_domain_component(label: &str) -> bool {
    let bytes = label.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        }
        _ => false,
    }
}

/// `[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}`.
fn is_tag(tag: &str) -> bool {
    let bytes = tag.as_bytes();
    let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    bytes.first().is_some_and(word)
        && bytes.len() <= 128
        && bytes[1..]
            .iter()
            .all(|b| word(b) || *b == b'.' || *b == b'-')
}

/// `algorithm:encoded`: `[A-Za-z][A-Za-z0-9]*` parts joined by one of `-_+.`, then at least 32
/// hex digits (which algorithms and lengths Docker accepts is checked afterwards).
fn is_digest(digest: &str) -> bool {
    let Some((algorithm, encoded)) = digest.split_once(':') else {
        return false;
    };
    let parts_ok = algorithm.split(['-', '_', '+', '.']).all(|part| {
        let bytes = part.as_bytes();
        bytes.first().is_some_and(u8::is_ascii_alphabetic)
            && bytes.iter().all(u8::is_ascii_alphanumeric)
    });
    parts_ok && encoded.len() >= 32 && encoded.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Why a reference is not valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRefError {
    /// Docker's message (e.g. `invalid reference format: repository name (Foo) must be
    /// lowercase`).
    pub message: String,
}

impl fmt::Display for ImageRefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ImageRefError {}

fn error(message: impl Into<String>) -> ImageRefError {
    ImageRefError {
        message: message.into(),
    }
}

/// A parsed, normalised image reference. Borrows from the text it was parsed from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ImageRef<'a> {
    /// The registry domain (with port), `docker.io` for Docker Hub.
    pub registry: &'a str,
    /// The repository path within the registry, `library/ubuntu` for official Hub images.
    pub repository: Cow<'a, str>,
    /// The tag as written; `None` when absent (see [`ImageRef::effective_tag`]).
    pub tag: Option<&'a str>,
    /// The digest (`sha256:…`), if any.
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    /// Parses and normalises `text` the way `docker build` does for a base image name.
    pub fn parse(text: &'a str) -> Result<Self, ImageRefError> {
        if text.len() == 64
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(error(format!(
                "invalid repository name ({text}), cannot specify 64-byte hexadecimal strings"
            )));
        }
        let (registry, remainder, familiar) = split_registry(text);
        // Like Docker, only the text before the first `:` is checked (a digest's `@algo` too).
        let remote = remainder.split_once(':').map_or(remainder, |(r, _)| r);
        if remote.chars().any(char::is_uppercase) {
            return Err(error(format!(
                "invalid reference format: repository name ({remote}) must be lowercase"
            )));
        }
        // Validate the canonical form `registry/remainder`, then split it the same way.
        let canonical = if familiar {
            format!("{registry}/{OFFICIAL_PREFIX}{remainder}")
        } else {
            format!("{registry}/{remainder}")
        };
        let Some(spans) = reference_spans(&canonical) else {
            if text.is_empty() {
                return Err(error("repository name must have at least one component"));
            }
            return Err(error("invalid reference format"));
        };
        let path_len = spans.name.saturating_sub(registry.len() + 1);
        if path_len > MAX_PATH_LEN {
            return Err(error(format!(
                "repository name must not be more than {MAX_PATH_LEN} characters"
            )));
        }
        // Map the spans back onto `remainder`, which is a suffix of `text`.
        let mut rest = remainder;
        let digest = spans.digest.map(|len| {
            let d = &rest[rest.len() - len..];
            rest = &rest[..rest.len() - len - 1];
            d
        });
        let tag = spans.tag.map(|len| {
            let t = &rest[rest.len() - len..];
            rest = &rest[..rest.len() - len - 1];
            t
        });
        if let Some(d) = digest {
            validate_digest(d)?;
        }
        let repository = if familiar {
            Cow::Owned(format!("{OFFICIAL_PREFIX}{rest}"))
        } else {
            Cow::Borrowed(rest)
        };
        Ok(ImageRef {
            registry,
            repository,
            tag,
            digest,
        })
    }

    /// The tag a pull uses: the written tag, or `latest` when there is neither tag nor digest.
    /// `None` for a digest-only reference.
    pub fn effective_tag(&self) -> Option<&str> {
        match (self.tag, self.digest) {
            (Some(tag), _) => Some(tag),
            (None, None) => Some(DEFAULT_TAG),
            (None, Some(_)) => None,
        }
    }

    /// Whether the reference pins nothing: no tag and no digest (so `latest` is implied).
    pub fn is_name_only(&self) -> bool {
        self.tag.is_none() && self.digest.is_none()
    }

    /// Whether the image is on Docker Hub.
    pub fn is_docker_hub(&self) -> bool {
        self.registry == DEFAULT_REGISTRY
    }

    /// Whether this is a Docker Hub official image (`docker.io/library/x`).
    pub fn is_official(&self) -> bool {
        self.is_docker_hub()
            && self
                .repository
                .strip_prefix(OFFICIAL_PREFIX)
                .is_some_and(|rest| !rest.contains('/'))
    }

    /// The short name Docker shows: `ubuntu`, `user/app`, `ghcr.io/o/app` (no tag or digest).
    pub fn familiar_name(&self) -> String {
        if self.is_docker_hub() {
            match self.repository.strip_prefix(OFFICIAL_PREFIX) {
                Some(rest) if !rest.contains('/') => rest.to_owned(),
                _ => self.repository.to_string(),
            }
        } else {
            format!("{}/{}", self.registry, self.repository)
        }
    }

    /// The full name without tag or digest: `docker.io/library/ubuntu`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }
}

impl fmt::Display for ImageRef<'_> {
    /// The fully normalised form: registry, repository, the effective tag and the digest
    /// (`docker.io/library/ubuntu:latest`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(tag) = self.effective_tag() {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// Docker's domain split: the first path element is a registry when it is `localhost`,
/// contains `.` or `:`, or has upper-case letters; otherwise the image is on Docker Hub.
/// Returns `(registry, remainder, familiar)` where `familiar` means `library/` must be
/// prefixed to the remainder.
fn split_registry(name: &str) -> (&str, &str, bool) {
    let Some((maybe_domain, maybe_remote)) = name.split_once('/') else {
        return (DEFAULT_REGISTRY, name, true);
    };
    let (domain, remote) = if maybe_domain == "localhost"
        || maybe_domain.contains(['.', ':'])
        || maybe_domain.bytes().any(|b| b.is_ascii_uppercase())
    {
        if maybe_domain == LEGACY_REGISTRY {
            (DEFAULT_REGISTRY, maybe_remote)
        } else {
            (maybe_domain, maybe_remote)
        }
    } else {
        (DEFAULT_REGISTRY, name)
    };
    let familiar = domain == DEFAULT_REGISTRY && !remote.contains('/');
    (domain, remote, familiar)
}

/// go-digest's validation for the algorithms Docker registers.
fn validate_digest(digest: &str) -> Result<(), ImageRefError> {
    let (algorithm, encoded) = digest.split_once(':').unwrap_or((digest, ""));
    let expected_len = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return Err(error("unsupported digest algorithm")),
    };
    if encoded.len() != expected_len
        || !encoded
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(error("invalid checksum digest format"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(text: &str) -> String {
        ImageRef::parse(text).unwrap().to_string()
    }

    #[test]
    fn normalises_like_docker() {
        assert_eq!(norm("ubuntu"), "docker.io/library/ubuntu:latest");
        assert_eq!(norm("ubuntu:22.04"), "docker.io/library/ubuntu:22.04");
        assert_eq!(norm("user/app:1"), "docker.io/user/app:1");
        assert_eq!(norm("docker.io/ubuntu"), "docker.io/library/ubuntu:latest");
        assert_eq!(
            norm("index.docker.io/ubuntu"),
            "docker.io/library/ubuntu:latest"
        );
        assert_eq!(norm("localhost/app"), "localhost/app:latest");
        assert_eq!(norm("localhost:5000/a/b:t"), "localhost:5000/a/b:t");
        assert_eq!(norm("ghcr.io/owner/img:v1"), "ghcr.io/owner/img:v1");
        assert_eq!(norm("[::1]:5000/app"), "[::1]:5000/app:latest");
        let digest = format!("sha256:{}", "a".repeat(64));
        assert_eq!(
            norm(&format!("alpine@{digest}")),
            format!("docker.io/library/alpine@{digest}")
        );
        assert_eq!(
            norm(&format!("alpine:3@{digest}")),
            format!("docker.io/library/alpine:3@{digest}")
        );
    }

    #[test]
    fn parts() {
        let r = ImageRef::parse("registry.example.com:443/team/app:1.2").unwrap();
        assert_eq!(r.registry, "registry.example.com:443");
        assert_eq!(r.repository, "team/app");
        assert_eq!(r.tag, Some("1.2"));
        assert_eq!(r.digest, None);
        assert!(!r.is_official());
        let r = ImageRef::parse("python").unwrap();
        assert!(r.is_official() && r.is_name_only());
        assert_eq!(r.effective_tag(), Some("latest"));
        assert_eq!(r.familiar_name(), "python");
        let r = ImageRef::parse("library/python:3").unwrap();
        assert!(r.is_official());
        assert_eq!(r.familiar_name(), "python");
        // An upper-case first element is taken as a domain, so the rest may be valid.
        let r = ImageRef::parse("MyRegistry/app").unwrap();
        assert_eq!(r.registry, "MyRegistry");
    }

    /// distribution/reference's grammar as one regexp: the oracle the hand-written matcher
    /// must agree with.
    fn grammar_regex() -> regex::Regex {
        let alnum = "[a-z0-9]+";
        let separator = "(?:[._]|__|[-]+)";
        let path_component = format!("{alnum}(?:{separator}{alnum})*");
        let domain_component = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
        let domain_name = format!(r"{domain_component}(?:\.{domain_component})*");
        let host = format!(r"(?:{domain_name}|\[(?:[a-fA-F0-9:]+)\])");
        let domain_and_port = format!("{host}(?::[0-9]+)?");
        let name = format!("(?:{domain_and_port}/)?{path_component}(?:/{path_component})*");
        let tag = r"[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}";
        let digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
        regex::Regex::new(&format!("^({name})(?::({tag}))?(?:@({digest}))?$")).unwrap()
    }

    fn oracle(re: &regex::Regex, text: &str) -> Option<ReferenceSpans> {
        let caps = re.captures(text)?;
        Some(ReferenceSpans {
            name: caps.get(1).map_or(0, |m| m.len()),
            tag: caps.get(2).map(|m| m.len()),
            digest: caps.get(3).map(|m| m.len()),
        })
    }

    #[test]
    fn hand_written_grammar_agrees_with_the_regexp() {
        let re = grammar_regex();
        let hex64 = "0123456789abcdef".repeat(4);
        // Pieces that exercise every production and its edges, glued together at random.
        let pieces = [
            "a",
            "z9",
            "A",
            "-",
            "--",
            ".",
            "_",
            "__",
            "___",
            "/",
            "//",
            ":",
            "::",
            "@",
            "[",
            "]",
            "[::1]",
            "[fe80::1]",
            "localhost",
            "docker.io",
            "my_reg.com",
            "reg-",
            "-reg",
            "5000",
            ":5000",
            "v1.2",
            "sha256:",
            &hex64,
            "sha256+b64:",
            "x.y_z",
            "UP",
            " ",
            "$",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut checked = 0;
        let mut matched = 0;
        for _ in 0..60_000 {
            let count = 1 + next() % 7;
            let mut text = String::new();
            for _ in 0..count {
                text.push_str(pieces[(next() % pieces.len() as u64) as usize]);
            }
            let expected = oracle(&re, &text);
            assert_eq!(reference_spans(&text), expected, "{text:?}");
            checked += 1;
            matched += usize::from(expected.is_some());
        }
        // The generator must reach both outcomes often, or the comparison proves little.
        assert!(
            matched > checked / 20,
            "only {matched} of {checked} matched"
        );
        assert!(matched < checked, "every generated text matched");
        for text in [
            "docker.io/library/ubuntu:22.04",
            "localhost:5000/a/b:t@sha256:0123456789abcdef0123456789abcdef",
            "[::1]:5000/app",
            "my_reg.com/app",
            "a.b/c__d---e:tag_1.2-x",
            "reg:99999/app",
        ] {
            assert_eq!(reference_spans(text), oracle(&re, text), "{text:?}");
            assert!(reference_spans(text).is_some(), "{text:?}");
        }
    }

    #[test]
    fn rejects_invalid() {
        assert!(ImageRef::parse("").is_err());
        assert!(
            ImageRef::parse("Ubuntu")
                .unwrap_err()
                .message
                .contains("must be lowercase")
        );
        assert!(ImageRef::parse("ubuntu:").is_err());
        assert!(ImageRef::parse("ubuntu:tag with space").is_err());
        assert!(ImageRef::parse("ubuntu@sha256:abc").is_err());
        assert!(ImageRef::parse(&"a".repeat(64)).is_err());
        assert!(ImageRef::parse("a//b").is_err());
        assert!(ImageRef::parse("$IMAGE").is_err());
        assert!(ImageRef::parse(&format!("a@md5:{}", "0".repeat(32))).is_err());
    }
}
