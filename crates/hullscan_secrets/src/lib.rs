//! hullscan's secret detector: one library used wherever hullscan reads content (Dockerfile
//! ARG/ENV/RUN text, build-context files, image layers and config, `hullscan secrets`).
//!
//! The pipeline, cheapest step first:
//! 1. an Aho-Corasick keyword prefilter (case-sensitive literals, so the SIMD Teddy searcher
//!    runs; most text contains no keyword and costs nothing more);
//! 2. for each keyword hit, only the detectors that keyword wakes up, each looking at a small
//!    window (the hit's line, or a bounded block for multi-line formats);
//! 3. validation that cuts false positives: checksums (GitHub/npm CRC32, age bech32), structure
//!    (PEM/OpenSSH/PGP bodies, JWT segments, PyPI macaroons, GCP service-account JSON), entropy
//!    gates and a placeholder denylist.
//!
//! A [`Finding`] never holds the secret: only its byte range, a short redacted prefix (none for
//! secrets under 16 characters) and a fingerprint: a truncated HMAC-SHA256 of the detector id
//! and the secret, keyed with a [`FingerprintKey`] (the project's `[secrets] fingerprint-salt`,
//! or a documented default), so a printed fingerprint cannot be checked against guesses
//! offline without the salt.

mod allowlist;
mod assignment;
mod block;
mod detectors;
mod redact;
pub mod rules;
mod stream;
mod url;
mod validate;

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use hmac::{Hmac, Mac};
use hullscan_diagnostics::{Diagnostic, Location, RuleMeta};
use regex::bytes::Regex;
use sha2::{Digest, Sha256};

pub use allowlist::{Allowlist, AllowlistError};
pub use assignment::name_is_sensitive;
use detectors::{Check, DETECTORS, Detector, Matcher, Window};
pub use detectors::{Confidence, DetectorMeta, Family};
pub use redact::redact;
pub use stream::{FileScan, ScanLimits, StreamScanner, decode_utf16_bom};
pub use validate::{is_placeholder, shannon_entropy};

/// The key secret fingerprints are computed with: the HMAC-SHA256 key derived from a salt.
///
/// Projects set their own salt (`[secrets] fingerprint-salt` in `hullscan.toml`); without one,
/// [`FingerprintKey::DEFAULT_SALT`] is used. A fingerprint under a secret salt cannot be used
/// to confirm a guessed password offline; under the public default it is as strong as the
/// secret, so set a salt for repositories whose findings are shared.
#[derive(Clone)]
pub struct FingerprintKey {
    mac: Hmac<Sha256>,
    /// SHA-256 of the salt, so two keys can be compared without keeping the salt.
    id: [u8; 32],
}

impl PartialEq for FingerprintKey {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for FingerprintKey {}

impl FingerprintKey {
    /// The salt used when the configuration names none.
    pub const DEFAULT_SALT: &'static str = "hullscan-secret-fingerprint-v2";

    pub fn from_salt(salt: &str) -> FingerprintKey {
        // HMAC accepts keys of any length; this never fails.
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(salt.as_bytes())
            .unwrap_or_else(|err| unreachable!("HMAC takes any key length: {err}"));
        FingerprintKey {
            mac,
            id: Sha256::digest(salt.as_bytes()).into(),
        }
    }

    /// 16 hex digits of HMAC-SHA256 over `digest`.
    fn fingerprint(&self, digest: &[u8; 32]) -> String {
        let mut mac = self.mac.clone();
        mac.update(digest);
        hex::encode(&mac.finalize().into_bytes()[..8])
    }
}

impl Default for FingerprintKey {
    fn default() -> Self {
        static DEFAULT: OnceLock<FingerprintKey> = OnceLock::new();
        DEFAULT
            .get_or_init(|| FingerprintKey::from_salt(FingerprintKey::DEFAULT_SALT))
            .clone()
    }
}

impl std::fmt::Debug for FingerprintKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The salt is the secret that protects fingerprints; never print it.
        f.write_str("FingerprintKey(..)")
    }
}

/// One secret found in a piece of text.
#[derive(Clone, PartialEq, Eq)]
pub struct Finding {
    pub detector: &'static DetectorMeta,
    /// Byte range of the secret in the scanned bytes.
    pub range: Range<usize>,
    /// 1-based line of the secret's first byte.
    pub line: u32,
    /// 1-based column (in characters) of the secret's first byte.
    pub column: u32,
    /// A short prefix of the secret followed by `…` (only `…` for a secret under 16
    /// characters); never the whole secret.
    pub redacted: String,
    /// 16 hex digits of HMAC-SHA256, keyed with the project's [`FingerprintKey`] (the default
    /// key until [`Finding::set_fingerprint_key`]), over the detector id and the secret; stable
    /// across files and runs under one key, and what `allow-fingerprints` lists.
    pub fingerprint: String,
    pub confidence: Confidence,
    /// SHA-256 of a domain tag, the detector id and the secret, kept (never shown) so the
    /// fingerprint can be recomputed under the project's key.
    digest: [u8; 32],
}

impl std::fmt::Debug for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Finding")
            .field("detector", &self.detector.id)
            .field("range", &self.range)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("redacted", &self.redacted)
            .field("fingerprint", &self.fingerprint)
            .field("confidence", &self.confidence)
            .finish_non_exhaustive()
    }
}

impl Finding {
    /// The fingerprint under `key`.
    pub fn fingerprint_with(&self, key: &FingerprintKey) -> String {
        key.fingerprint(&self.digest)
    }

    /// Recomputes [`Finding::fingerprint`] under `key` (the project's salt), before the finding
    /// is checked against `allow-fingerprints` or shown.
    pub fn set_fingerprint_key(&mut self, key: &FingerprintKey) {
        self.fingerprint = self.fingerprint_with(key);
    }

    /// The rule this finding is reported under.
    pub fn rule(&self) -> &'static RuleMeta {
        rules::rule_for(self.detector.family)
    }

    /// The finding's one-line message: what was found, its redacted prefix, the detector id and
    /// the confidence. Never contains the secret.
    pub fn message(&self) -> String {
        format!(
            "{} `{}` (detector `{}`, {} confidence)",
            self.detector.title,
            self.redacted,
            self.detector.id,
            self.confidence.as_str()
        )
    }

    /// A diagnostic at `location`, with the fingerprint set and a help line on how to fix or
    /// allow it. `note`, when given, is appended to the message (e.g. "only the first 16 MiB
    /// of this file were scanned").
    pub fn to_diagnostic(&self, location: Location, note: Option<&str>) -> Diagnostic {
        let mut message = self.message();
        if let Some(note) = note {
            message.push_str("; ");
            message.push_str(note);
        }
        let mut diagnostic = Diagnostic::new(self.rule(), message, location);
        // A keyword and an entropy gate are not proof: one step below the rule's severity.
        if self.confidence == Confidence::Low {
            diagnostic.severity = lower_severity(diagnostic.severity);
        }
        diagnostic
            .with_help(format!(
                "remove it and rotate the credential; pass secrets with `RUN --mount=type=secret` or at run time. To accept this finding, allow fingerprint `{}`",
                self.fingerprint
            ))
            .with_fingerprint(self.fingerprint.clone())
    }
}

/// The next severity down (`error` → `warning` → `info`).
fn lower_severity(severity: hullscan_diagnostics::Severity) -> hullscan_diagnostics::Severity {
    use hullscan_diagnostics::Severity;
    match severity {
        Severity::Error => Severity::Warning,
        Severity::Warning => Severity::Info,
        other => other,
    }
}

/// What an ARG/ENV (or any `name=value`) check found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssignmentCheck {
    /// The name is sensitive by BuildKit's `SecretsUsedInArgOrEnv` token rule.
    pub name_is_sensitive: bool,
    /// Secrets in the value; ranges are byte offsets into the value.
    pub findings: Vec<Finding>,
}

/// Counters for the prefilter, for benchmarks and `--stats`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanStats {
    pub bytes: u64,
    /// Keyword occurrences the prefilter reported.
    pub keyword_hits: u64,
    /// Detector runs those hits caused (after de-duplicating overlapping windows).
    pub detector_runs: u64,
    pub findings: u64,
}

impl ScanStats {
    pub fn add(&mut self, other: &ScanStats) {
        self.bytes += other.bytes;
        self.keyword_hits += other.keyword_hits;
        self.detector_runs += other.detector_runs;
        self.findings += other.findings;
    }
}

/// A candidate before line numbers, redaction and fingerprints.
#[derive(Clone, Debug)]
struct Candidate {
    detector: usize,
    range: Range<usize>,
    confidence: Confidence,
}

/// The compiled detector set. Build it once ([`Scanner::new`] or [`Scanner::global`]) and share
/// it across threads.
pub struct Scanner {
    /// Keyword groups of at most [`GROUP_SIZE`] literals each: Teddy, the SIMD multi-literal
    /// searcher, slows down sharply past 16 literals, so several small passes beat one big one.
    groups: Vec<KeywordGroup>,
    /// `://`, by far the most frequent keyword, searched on its own with `memmem`.
    url_finder: memchr::memmem::Finder<'static>,
    url_targets: Vec<(usize, usize)>,
    /// For each keyword: the detectors it wakes and where that detector's own keyword sits
    /// inside it (a keyword that contains another keyword wakes that one's detectors too).
    targets: Vec<Vec<(usize, usize)>>,
    /// Per detector woken by `://`: a host literal that must follow it (`hooks.slack.com`).
    url_gates: Vec<Option<memchr::memmem::Finder<'static>>>,
    /// Lazily compiled regexes, one slot per detector.
    regexes: Vec<OnceLock<Option<Regex>>>,
    /// Gate literals (see `detectors::GATES`): the searcher, which detector each literal
    /// belongs to, and each detector's literals (empty when it has no gate).
    gate_searcher: AhoCorasick,
    gate_owner: Vec<Vec<usize>>,
    gate_literals: Vec<&'static [&'static str]>,
}

struct KeywordGroup {
    searcher: AhoCorasick,
    /// Group-local pattern index to keyword index.
    keywords: Vec<usize>,
}

const GROUP_SIZE: usize = 16;

/// Detectors woken by `://` that only apply to one host; checked before running their regex.
const URL_GATES: &[(&str, &[u8])] = &[
    ("slack-webhook", b"hooks.slack.com"),
    ("discord-webhook", b"discord"),
    ("sentry-dsn", b"sentry.io"),
    ("azure-sas-token", b".windows.net"),
    ("azure-shared-access-key", b".windows.net"),
];

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("detectors", &DETECTORS.len())
            .field("keywords", &(self.targets.len() + 1))
            .finish_non_exhaustive()
    }
}

impl Default for Scanner {
    fn default() -> Self {
        Self::new()
    }
}

/// Lines longer than this are scanned in windows of this many bytes either side of a keyword.
const LINE_WINDOW_CAP: usize = 4096;

impl Scanner {
    /// Builds the prefilter over every detector's keywords.
    pub fn new() -> Self {
        let mut keywords: Vec<&'static str> = Vec::new();
        for detector in DETECTORS {
            for &kw in detector.keywords {
                if !keywords.contains(&kw) && !detectors::URL_KEYWORDS.contains(&kw) {
                    keywords.push(kw);
                }
            }
        }
        let targets_of = |pattern: &str| {
            let mut targets: Vec<(usize, usize)> = Vec::new();
            for (index, detector) in DETECTORS.iter().enumerate() {
                let offset = detector
                    .keywords
                    .iter()
                    .filter_map(|kw| memchr::memmem::find(pattern.as_bytes(), kw.as_bytes()))
                    .min();
                if let Some(offset) = offset {
                    targets.push((index, offset));
                }
            }
            targets
        };
        let targets = keywords.iter().map(|k| targets_of(k)).collect();
        // Sorting puts keywords with a common start in one group, which keeps Teddy's
        // fingerprint buckets tight.
        let mut order: Vec<usize> = (0..keywords.len()).collect();
        order.sort_by_key(|&i| keywords[i]);
        let groups = order
            .chunks(GROUP_SIZE)
            .map(|chunk| KeywordGroup {
                searcher: AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(chunk.iter().map(|&i| keywords[i]))
                    .unwrap_or_else(|err| unreachable!("keyword literals always build: {err}")),
                keywords: chunk.to_vec(),
            })
            .collect();
        let url_gates = DETECTORS
            .iter()
            .map(|d| {
                URL_GATES
                    .iter()
                    .find(|(id, _)| *id == d.meta.id)
                    .map(|(_, gate)| memchr::memmem::Finder::new(*gate))
            })
            .collect();
        let mut gate_literals: Vec<&'static [&'static str]> = vec![&[]; DETECTORS.len()];
        let mut gate_patterns: Vec<&'static str> = Vec::new();
        let mut gate_owner: Vec<Vec<usize>> = Vec::new();
        for &(id, literals) in detectors::GATES {
            let index = detectors::detector_index(id);
            gate_literals[index] = literals;
            for &literal in literals {
                match gate_patterns.iter().position(|p| *p == literal) {
                    Some(existing) => gate_owner[existing].push(index),
                    None => {
                        gate_patterns.push(literal);
                        gate_owner.push(vec![index]);
                    }
                }
            }
        }
        let gate_searcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&gate_patterns)
            .unwrap_or_else(|err| unreachable!("gate literals always build: {err}"));
        Self {
            gate_searcher,
            gate_owner,
            gate_literals,
            groups,
            url_finder: memchr::memmem::Finder::new(b"://"),
            url_targets: targets_of("://"),
            targets,
            url_gates,
            regexes: DETECTORS.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// A process-wide scanner, built on first use.
    pub fn global() -> &'static Scanner {
        static SCANNER: OnceLock<Scanner> = OnceLock::new();
        SCANNER.get_or_init(Scanner::new)
    }

    /// Every detector, in table order.
    pub fn detectors(&self) -> impl ExactSizeIterator<Item = &'static DetectorMeta> {
        DETECTORS.iter().map(|d| &d.meta)
    }

    /// The distinct prefilter keywords.
    pub fn keyword_count(&self) -> usize {
        self.targets.len() + 1
    }

    /// How many keyword hits the prefilter alone reports in `bytes` (for benchmarks).
    #[doc(hidden)]
    pub fn prefilter_hits(&self, bytes: &[u8]) -> usize {
        self.keyword_hits(bytes).len()
    }

    /// Every keyword occurrence as (position, keyword index or `usize::MAX` for `://`), sorted
    /// by position.
    fn keyword_hits(&self, bytes: &[u8]) -> Vec<(usize, usize)> {
        let mut hits = Vec::new();
        for group in &self.groups {
            hits.extend(
                group
                    .searcher
                    .find_iter(bytes)
                    .map(|m| (m.start(), group.keywords[m.pattern().as_usize()])),
            );
        }
        hits.extend(self.url_finder.find_iter(bytes).map(|at| (at, usize::MAX)));
        hits.sort_unstable();
        hits
    }

    /// Scans `bytes` (any encoding; detectors look at ASCII) and returns findings sorted by
    /// position.
    pub fn scan(&self, bytes: &[u8]) -> Vec<Finding> {
        self.scan_with_stats(bytes, &mut ScanStats::default())
    }

    /// [`Scanner::scan`], adding prefilter counters to `stats`.
    pub fn scan_with_stats(&self, bytes: &[u8], stats: &mut ScanStats) -> Vec<Finding> {
        let candidates = self.candidates(bytes, stats);
        let findings = finish(bytes, candidates, 1, 0);
        stats.findings += findings.len() as u64;
        findings
    }

    /// Checks a `name=value` pair such as a Dockerfile `ARG`/`ENV` or an image `Env` entry.
    ///
    /// `name_is_sensitive` follows BuildKit's `SecretsUsedInArgOrEnv` token rule exactly. The
    /// findings are secrets in the value: every format detector, the detectors that need the
    /// name as context (`AWS_SECRET_ACCESS_KEY=...`), and, when the name is sensitive, the
    /// generic high-entropy check. A sensitive name with an empty, placeholder or `$VAR` value
    /// yields no finding.
    pub fn scan_assignment(&self, name: &str, value: &str) -> AssignmentCheck {
        let name_is_sensitive = assignment::name_is_sensitive(name);
        let joined = format!("{name}={value}");
        let offset = name.len() + 1;
        let mut stats = ScanStats::default();
        let mut candidates: Vec<Candidate> = self
            .candidates(joined.as_bytes(), &mut stats)
            .into_iter()
            .filter(|c| c.range.start >= offset)
            .map(|mut c| {
                c.range = c.range.start - offset..c.range.end - offset;
                c
            })
            .collect();
        if candidates.is_empty()
            && name_is_sensitive
            && assignment::value_looks_secret(value.trim().as_bytes())
        {
            let trimmed_start = value.len() - value.trim_start().len();
            candidates.push(Candidate {
                detector: detectors::detector_index("generic-secret-assignment"),
                range: trimmed_start..trimmed_start + value.trim().len(),
                confidence: Confidence::Low,
            });
        }
        AssignmentCheck {
            name_is_sensitive,
            findings: finish(value.as_bytes(), candidates, 1, 0),
        }
    }

    fn regex(&self, index: usize) -> Option<&Regex> {
        self.regexes[index]
            .get_or_init(|| match DETECTORS[index].matcher {
                // Patterns are static and covered by a test that compiles every one of them.
                Matcher::Regex(pattern) => Regex::new(&format!("(?-u){pattern}")).ok(),
                Matcher::UrlCredentials | Matcher::Assignment | Matcher::Block { .. } => None,
            })
            .as_ref()
    }

    fn candidates(&self, bytes: &[u8], stats: &mut ScanStats) -> Vec<Candidate> {
        stats.bytes += bytes.len() as u64;
        let mut out = Vec::new();
        // Per detector: the end of the last window it scanned, so a line with the keyword
        // several times is scanned once.
        let mut scanned_until: Vec<usize> = Vec::new();
        // Which gated detectors have a gate literal on the current line (computed once per line).
        let mut gate_line: Option<Range<usize>> = None;
        let mut gate_open: Vec<bool> = Vec::new();
        for (hit_start, keyword) in self.keyword_hits(bytes) {
            stats.keyword_hits += 1;
            if scanned_until.is_empty() {
                scanned_until = vec![0; DETECTORS.len()];
            }
            let targets = if keyword == usize::MAX {
                &self.url_targets
            } else {
                &self.targets[keyword]
            };
            let mut ran_url = false;
            let mut ran_assignment = false;
            for &(index, offset) in targets {
                let detector = &DETECTORS[index];
                let at = hit_start + offset;
                match detector.matcher {
                    // Several detector ids share one hand-written matcher; run it once per hit.
                    Matcher::UrlCredentials if ran_url => {}
                    Matcher::Assignment if ran_assignment => {}
                    Matcher::Regex(_) | Matcher::Block { .. } => {
                        if at < scanned_until[index] {
                            continue;
                        }
                        if let Some(gate) = &self.url_gates[index] {
                            let after = &bytes[at..bytes.len().min(at + 96)];
                            if gate.find(after).is_none() {
                                continue;
                            }
                        }
                        if !self.gate_literals[index].is_empty() {
                            let open = if matches!(detector.window, Window::Line) {
                                let line = line_bounds(bytes, at);
                                if gate_line.as_ref() != Some(&line) {
                                    gate_open.clear();
                                    gate_open.resize(DETECTORS.len(), false);
                                    for m in self.gate_searcher.find_iter(&bytes[line.clone()]) {
                                        for &owner in &self.gate_owner[m.pattern().as_usize()] {
                                            gate_open[owner] = true;
                                        }
                                    }
                                    gate_line = Some(line);
                                }
                                gate_open[index]
                            } else {
                                let around = window(bytes, at, detector.window);
                                self.gate_literals[index].iter().any(|literal| {
                                    memchr::memmem::find(&bytes[around.clone()], literal.as_bytes())
                                        .is_some()
                                })
                            };
                            if !open {
                                continue;
                            }
                        }
                        let window = window(bytes, at, detector.window);
                        scanned_until[index] = window.end;
                        stats.detector_runs += 1;
                        self.run_regex(index, bytes, window, &mut out);
                    }
                    Matcher::UrlCredentials => {
                        ran_url = true;
                        stats.detector_runs += 1;
                        // The matcher bounds its own look-back and look-ahead, so it gets the
                        // whole buffer rather than a line window (computing one costs more).
                        let line = 0..bytes.len();
                        if let Some(cred) = url::url_credential(bytes, at) {
                            let id = match cred.kind {
                                url::UrlKind::Database => "database-url",
                                url::UrlKind::GitHost => "git-credentials",
                                url::UrlKind::Other => "url-credentials",
                            };
                            let index = detectors::detector_index(id);
                            out.push(Candidate {
                                detector: index,
                                range: cred.password.start + line.start
                                    ..cred.password.end + line.start,
                                confidence: DETECTORS[index].meta.confidence,
                            });
                        }
                    }
                    Matcher::Assignment => {
                        ran_assignment = true;
                        stats.detector_runs += 1;
                        if let Some(candidate) = assignment_candidate(bytes, at) {
                            out.push(candidate);
                        }
                    }
                }
            }
        }
        out
    }

    fn run_regex(
        &self,
        index: usize,
        bytes: &[u8],
        window: Range<usize>,
        out: &mut Vec<Candidate>,
    ) {
        let detector = &DETECTORS[index];
        let text = &bytes[window.clone()];
        if let Matcher::Block {
            begin,
            end,
            min_body,
            max_body,
        } = detector.matcher
        {
            for (whole, body) in block::blocks(text, begin, end, min_body, max_body) {
                if self.candidate_ok(detector, &text[body], text) {
                    out.push(Candidate {
                        detector: index,
                        range: whole.start + window.start..whole.end + window.start,
                        confidence: detector.meta.confidence,
                    });
                }
            }
            return;
        }
        let Some(regex) = self.regex(index) else {
            return;
        };
        for caps in regex.captures_iter(text) {
            let Some(whole) = caps.get(0) else { continue };
            let secret = caps.get(1).unwrap_or(whole);
            let value = secret.as_bytes();
            if !self.candidate_ok(detector, value, text) {
                continue;
            }
            // Private keys are reported as the whole block; the body alone is what was checked.
            let range = if detector.meta.family == Family::PrivateKey
                && matches!(detector.check, Check::PrivateKey(_))
            {
                whole.range()
            } else {
                secret.range()
            };
            out.push(Candidate {
                detector: index,
                range: range.start + window.start..range.end + window.start,
                confidence: detector.meta.confidence,
            });
        }
    }
}

impl Scanner {
    /// Whether a detector's candidate `value` passes its check (`text` is the window).
    fn candidate_ok(&self, detector: &Detector, value: &[u8], text: &[u8]) -> bool {
        match detector.check {
            Check::Random => validate::looks_random(value),
            Check::NotPlaceholder => !validate::is_placeholder(value),
            Check::Crc32Base62 => validate::crc32_base62_checksum_ok(value),
            Check::PrivateKey(body) => validate::private_key_body_ok(value, body),
            Check::Custom(check) => check(value),
            Check::Context(check) => check(value, text),
            Check::InMatcher => true,
        }
    }
}

fn line_bounds(bytes: &[u8], at: usize) -> Range<usize> {
    let floor = at.saturating_sub(LINE_WINDOW_CAP);
    let start = memchr::memrchr(b'\n', &bytes[floor..at]).map_or(floor, |p| floor + p + 1);
    let ceil = bytes.len().min(at + LINE_WINDOW_CAP);
    let end = memchr::memchr(b'\n', &bytes[at..ceil]).map_or(ceil, |p| at + p);
    start..end
}

fn window(bytes: &[u8], at: usize, window: Window) -> Range<usize> {
    match window {
        Window::Line => line_bounds(bytes, at),
        Window::Around { before, after } => {
            // Start at a line start so anchored patterns (`^user:`) still work.
            let floor = at.saturating_sub(before);
            let start = if before == 0 {
                line_bounds(bytes, at).start
            } else {
                floor
            };
            start..bytes.len().min(at + after)
        }
    }
}

fn assignment_candidate(bytes: &[u8], at: usize) -> Option<Candidate> {
    let line = line_bounds(bytes, at);
    let text = &bytes[line.clone()];
    let found = assignment::parse_assignment(text, at - line.start)?;
    let name = &text[found.name.clone()];
    let value = &text[found.value.clone()];
    if !assignment::generic_name_is_secret(name) {
        return None;
    }
    // Documentation: `https://example.com/cb?access_token=...`, `# example: password=...`.
    if memchr::memmem::find(&text.to_ascii_lowercase(), b"example").is_some() {
        return None;
    }
    // A kubeconfig `users[].user.token`.
    let is_kube_token = name == b"token" && {
        let head = &bytes[line.start.saturating_sub(400)..line.start];
        memchr::memmem::find(head, b"user:").is_some()
    };
    let ok = if is_kube_token {
        value.len() >= 20 && validate::looks_random(value)
    } else {
        assignment::value_looks_secret(value)
    };
    if !ok {
        return None;
    }
    let id = if is_kube_token {
        "kubeconfig-token"
    } else {
        "generic-secret-assignment"
    };
    let detector = detectors::detector_index(id);
    Some(Candidate {
        detector,
        range: found.value.start + line.start..found.value.end + line.start,
        confidence: DETECTORS[detector].meta.confidence,
    })
}

/// Resolves overlaps (a specific detector beats a generic one), then adds positions, redaction
/// and fingerprints. `first_line`/`line_start_offset` place `bytes` inside a larger stream.
fn finish(
    bytes: &[u8],
    mut candidates: Vec<Candidate>,
    first_line: u32,
    base_offset: usize,
) -> Vec<Finding> {
    if candidates.is_empty() {
        return Vec::new();
    }
    candidates.sort_by_key(|c| (DETECTORS[c.detector].priority, c.detector, c.range.start));
    let mut kept: Vec<Candidate> = Vec::with_capacity(candidates.len());
    // Kept ranges by start (they never overlap one another), so each candidate is checked
    // against its one possible neighbour, not against every kept range: thousands of findings
    // on one line were quadratic.
    let mut kept_ranges: std::collections::BTreeMap<usize, usize> =
        std::collections::BTreeMap::new();
    for candidate in candidates {
        let (start, end) = (candidate.range.start, candidate.range.end);
        let overlaps = if start < end {
            kept_ranges
                .range(..end)
                .next_back()
                .is_some_and(|(&k_start, &k_end)| k_start < end && start < k_end)
        } else {
            kept.iter()
                .any(|k| k.range.start < end && start < k.range.end)
        };
        if !overlaps {
            if start < end {
                kept_ranges.insert(start, end);
            }
            kept.push(candidate);
        }
    }
    kept.sort_by_key(|c| (c.range.start, c.detector));
    let mut findings = Vec::with_capacity(kept.len());
    let default_key = FingerprintKey::default();
    let mut line = first_line;
    let mut counted_to = 0;
    // Characters from the current line's start to `counted_to`, carried from finding to
    // finding (they come in order), so many findings on one long line stay linear.
    let mut column_chars: u32 = 0;
    let count_chars = |from: &[u8]| from.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u32;
    for candidate in kept {
        let start = candidate.range.start.max(counted_to);
        let between = &bytes[counted_to..start];
        line += memchr::memchr_iter(b'\n', between).count() as u32;
        column_chars = match memchr::memrchr(b'\n', between) {
            Some(newline) => count_chars(&between[newline + 1..]),
            None => column_chars + count_chars(between),
        };
        counted_to = start;
        let column = 1 + column_chars;
        let detector = &DETECTORS[candidate.detector];
        let secret = &bytes[candidate.range.clone()];
        let digest = secret_digest(detector.meta.id, secret, detector);
        findings.push(Finding {
            detector: &detector.meta,
            range: candidate.range.start + base_offset..candidate.range.end + base_offset,
            line,
            column,
            redacted: shown_prefix(secret, detector),
            fingerprint: default_key.fingerprint(&digest),
            confidence: candidate.confidence,
            digest,
        });
    }
    findings
}

/// Secrets shorter than this show no prefix at all: a few characters of a short password
/// narrow a guess too much.
const MIN_LEN_WITH_PREFIX: usize = 16;

/// A short, safe prefix: the header line of a key block, otherwise a quarter of the secret and
/// at most 8 characters, and nothing for a secret under [`MIN_LEN_WITH_PREFIX`] characters.
fn shown_prefix(secret: &[u8], detector: &Detector) -> String {
    let shown = if detector.meta.family == Family::PrivateKey
        && matches!(detector.check, Check::PrivateKey(_))
    {
        let header_end = memchr::memchr2(b'\n', b'\\', secret).unwrap_or(secret.len().min(40));
        &secret[..header_end.min(secret.len() / 2)]
    } else if secret.len() < MIN_LEN_WITH_PREFIX {
        &[]
    } else {
        &secret[..(secret.len() / 4)
            .clamp(1, 8)
            .min(secret.len().saturating_sub(1))]
    };
    let mut text = String::from_utf8_lossy(shown).trim_end().to_owned();
    text.push('…');
    text
}

/// What a fingerprint is computed over: SHA-256 of a domain tag, the detector id and the
/// secret. Never shown; the fingerprint is an HMAC of it under the project's key.
fn secret_digest(id: &str, secret: &[u8], detector: &Detector) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"hullscan-secret-v1\0");
    hasher.update(id.as_bytes());
    hasher.update(b"\0");
    // Key blocks are fingerprinted by their body without line breaks or `\n` escapes, so the same
    // key in a PEM file and inside a JSON string gets one fingerprint.
    if matches!(detector.check, Check::PrivateKey(_)) {
        hasher.update(validate::pem_body_bytes(secret));
    } else {
        hasher.update(secret);
    }
    hasher.finalize().into()
}

/// Whether `bytes` looks binary: a NUL in the first 8 KiB (ripgrep's heuristic).
pub fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8 * 1024)]).is_some()
}

#[cfg(test)]
mod tests;
