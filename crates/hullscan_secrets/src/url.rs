//! Passwords in URLs: `scheme://user:password@host`. Hand-written rather than a regex because
//! `://` occurs on most lines of documentation; the common case (no `@` before the first `/`)
//! returns after a few bytes.

use crate::assignment;
use crate::validate;

/// What kind of URL carries the password, which picks the detector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UrlKind {
    Database,
    GitHost,
    Other,
}

pub(crate) struct UrlCredential {
    pub kind: UrlKind,
    /// The password's byte range in the searched text.
    pub password: std::ops::Range<usize>,
}

const DATABASE_SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "mysql",
    "mysqlx",
    "mariadb",
    "mongodb",
    "mongodb+srv",
    "redis",
    "rediss",
    "amqp",
    "amqps",
    "mssql",
    "sqlserver",
    "oracle",
    "cockroachdb",
    "clickhouse",
    "couchdb",
    "neo4j",
    "neo4j+s",
    "bolt",
    "cassandra",
    "memcached",
    "postgresql+psycopg2",
    "postgresql+asyncpg",
    "mysql+pymysql",
    "mysql+mysqldb",
];

const GIT_HOSTS: &[&str] = &[
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "dev.azure.com",
    "codeberg.org",
    "gitea.com",
    "ssh.dev.azure.com",
];

fn is_scheme_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-')
}

fn ends_userinfo(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'/' | b'?'
                | b'#'
                | b'"'
                | b'\''
                | b'`'
                | b'<'
                | b'>'
                | b'('
                | b')'
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'\\'
                | b','
        )
}

/// Parses the URL whose `://` starts at `sep` in `text`.
pub(crate) fn url_credential(text: &[u8], sep: usize) -> Option<UrlCredential> {
    let after = sep + 3;
    // Fast exit: find `@` before the authority ends.
    let mut at = None;
    let mut colon = None;
    let limit = text.len().min(after + 512);
    let mut i = after;
    while i < limit {
        let b = text[i];
        if b == b'@' {
            at = Some(i);
            break;
        }
        if ends_userinfo(b) {
            return None;
        }
        if b == b':' && colon.is_none() {
            colon = Some(i);
        }
        i += 1;
    }
    let (at, colon) = (at?, colon?);
    let mut scheme_start = sep;
    let scheme_floor = sep.saturating_sub(32);
    while scheme_start > scheme_floor && is_scheme_byte(text[scheme_start - 1]) {
        scheme_start -= 1;
    }
    let scheme = text[scheme_start..sep].to_ascii_lowercase();
    if scheme.is_empty() || !scheme[0].is_ascii_alphabetic() {
        return None;
    }
    let user = &text[after..colon];
    let password = colon + 1..at;
    let secret = &text[password.clone()];
    let host_end = (at + 1..text.len().min(at + 256))
        .find(|&j| ends_userinfo(text[j]) || text[j] == b':')
        .unwrap_or(text.len().min(at + 256));
    let host = text[at + 1..host_end].to_ascii_lowercase();
    if host.is_empty()
        || !host
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    {
        return None;
    }
    let scheme_str = std::str::from_utf8(&scheme).unwrap_or_default();
    let kind = if DATABASE_SCHEMES.contains(&scheme_str) {
        UrlKind::Database
    } else if GIT_HOSTS.iter().any(|h| host.as_slice() == h.as_bytes()) {
        UrlKind::GitHost
    } else {
        UrlKind::Other
    };
    password_ok(user, secret, kind).then_some(UrlCredential { kind, password })
}

fn password_ok(user: &[u8], password: &[u8], kind: UrlKind) -> bool {
    if password.is_empty() || password == user || validate::is_placeholder(password) {
        return false;
    }
    // Tokens used as the password of a git URL are long and random; database and other URL
    // passwords may be shorter, but must not be a word, a reference or a default.
    let min_len = match kind {
        UrlKind::GitHost => 8,
        UrlKind::Database | UrlKind::Other => 6,
    };
    if password.len() < min_len
        || password.contains(&b'$')
        || password.contains(&b'%') && password.len() < 10
    {
        return false;
    }
    if password.len() >= 8 {
        assignment::value_looks_secret(password)
    } else {
        // Short passwords: at least letters and digits, not a default.
        let classes = validate::CharClasses::of(password);
        classes.count() >= 2 && classes.digit && !validate::is_placeholder(password)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &[u8]) -> Option<(UrlKind, String)> {
        let sep = memchr::memmem::find(text, b"://")?;
        url_credential(text, sep).map(|c| {
            (
                c.kind,
                String::from_utf8_lossy(&text[c.password]).into_owned(),
            )
        })
    }

    #[test]
    fn kinds_and_rejections() {
        assert_eq!(
            find(b"DATABASE_URL=postgres://app:Zq7vK2mR9xLw@db.internal:5432/app"),
            Some((UrlKind::Database, "Zq7vK2mR9xLw".into()))
        );
        assert_eq!(
            find(b"https://bot:Tk93jdlQ0aPzWm21@github.com/org/repo.git"),
            Some((UrlKind::GitHost, "Tk93jdlQ0aPzWm21".into()))
        );
        assert_eq!(find(b"see https://example.com/path@v2"), None);
        assert_eq!(find(b"postgres://postgres:postgres@localhost/db"), None);
        assert_eq!(find(b"postgres://user:${DB_PASSWORD}@db/app"), None);
        assert_eq!(find(b"http://user:password@proxy:8080"), None);
    }
}
