//! Regressions from issue 14 item 6 and issue 15 item 4, through the library call every
//! command uses (`Scanner::scan` / `Finding::to_diagnostic`).

use base64::Engine as _;
use hullscan_diagnostics::{Location, Severity};
use hullscan_secrets::{Confidence, Scanner};

/// A PKCS#8 Ed25519 private key as `openssl genpkey -algorithm ed25519` writes it: a 48-byte
/// DER (64 base64 characters on one line).
fn ed25519_pkcs8() -> String {
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend((0u8..32).map(|i| i.wrapping_mul(37).wrapping_add(11)));
    let body = base64::engine::general_purpose::STANDARD.encode(&der);
    assert_eq!(body.len(), 64);
    format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n")
}

#[test]
fn pkcs8_ed25519_private_key_is_found() {
    let key = ed25519_pkcs8();
    let findings = Scanner::new().scan(key.as_bytes());
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].detector.id, "private-key-pkcs8");
    assert_eq!(findings[0].confidence, Confidence::High);
}

#[test]
fn a_short_body_that_is_not_one_der_sequence_is_not_a_key() {
    let body = base64::engine::general_purpose::STANDARD.encode([0x30u8; 48]);
    let text = format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n");
    assert!(Scanner::new().scan(text.as_bytes()).is_empty());
}

#[test]
fn a_key_after_many_unclosed_begin_lines_is_found_once() {
    let mut text = "-----BEGIN PRIVATE KEY-----\n".repeat(5_000);
    text.push_str(&ed25519_pkcs8());
    let findings = Scanner::new().scan(text.as_bytes());
    assert_eq!(findings.len(), 1, "{findings:?}");
    let found = &text[findings[0].range.clone()];
    assert_eq!(found.matches("BEGIN").count(), 1, "{found}");
}

/// `ghp_` + 30 random characters + the base62 CRC32 of those, as GitHub issues them.
fn github_token_with_checksum(valid: bool) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let random = "Zx81QmTq7LpW3nVb5cYd0eRf9gHj2K";
    let mut crc = crc32fast::hash(random.as_bytes());
    if !valid {
        crc ^= 0x5a5a;
    }
    let mut checksum = Vec::new();
    for _ in 0..6 {
        checksum.push(ALPHABET[(crc % 62) as usize]);
        crc /= 62;
    }
    checksum.reverse();
    format!("ghp_{random}{}", String::from_utf8(checksum).unwrap())
}

#[test]
fn a_provider_token_failing_its_checksum_is_not_reported_by_the_generic_detector() {
    let scanner = Scanner::new();
    let good = github_token_with_checksum(true);
    let found = scanner.scan(format!("GITHUB_TOKEN={good}\n").as_bytes());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].detector.id, "github-pat");
    let bad = github_token_with_checksum(false);
    for text in [
        format!("GITHUB_TOKEN={bad}\n"),
        format!("export API_TOKEN=\"{bad}\"\n"),
        format!("password: {bad}\n"),
    ] {
        let found = scanner.scan(text.as_bytes());
        assert!(found.is_empty(), "{text}: {found:?}");
    }
    let check = scanner.scan_assignment("GITHUB_TOKEN", &bad);
    assert!(check.findings.is_empty(), "{:?}", check.findings);
}

#[test]
fn low_confidence_findings_are_warnings_not_errors() {
    let scanner = Scanner::new();
    let found = scanner.scan(b"DB_PASSWORD=Vq8#mZ2!rT5xL9pW\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].confidence, Confidence::Low);
    assert_eq!(
        found[0].to_diagnostic(Location::File, None).severity,
        Severity::Warning
    );
    let key = ed25519_pkcs8();
    let found = scanner.scan(key.as_bytes());
    assert_eq!(
        found[0].to_diagnostic(Location::File, None).severity,
        Severity::Error
    );
}
