//! `sha256:<hex>` digests and a reader that hashes what passes through it.

use std::io::{self, Read};

use sha2::{Digest as _, Sha256};

/// A content digest. Only sha256 is produced by Docker and the OCI tools we read; other
/// algorithms are rejected with a clear error rather than silently trusted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Digest {
    hex: String,
}

impl Digest {
    /// Parses `sha256:<64 lowercase hex>`.
    pub fn parse(text: &str) -> Option<Digest> {
        let hex = text.strip_prefix("sha256:")?;
        if hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Some(Digest {
                hex: hex.to_owned(),
            })
        } else {
            None
        }
    }

    pub fn from_hasher(hasher: Sha256) -> Digest {
        Digest {
            hex: hex::encode(hasher.finalize()),
        }
    }

    pub fn of_bytes(bytes: &[u8]) -> Digest {
        let mut hasher = Sha256::new();
        hasher.update(bytes);
        Digest::from_hasher(hasher)
    }

    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// The short form people recognise (`sha256:0123456789ab`).
    pub fn short(&self) -> String {
        format!("sha256:{}", &self.hex[..12])
    }
}

impl std::fmt::Display for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "sha256:{}", self.hex)
    }
}

/// Hashes and counts every byte read through it, so digests are checked on the one pass the
/// reader makes anyway.
pub struct HashingReader<R> {
    inner: R,
    /// `None`: counts only (the digest is known to equal another reader's).
    hasher: Option<Sha256>,
    count: u64,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Some(Sha256::new()),
            count: 0,
        }
    }

    /// Counts bytes without hashing them: for a stream whose digest another reader over the
    /// same bytes already computes (an uncompressed layer's diff ID is its blob digest).
    pub fn counting(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: None,
            count: 0,
        }
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// Reads the rest of the stream (a tar ends with padding the tar reader never asks for)
    /// and returns the digest (`None` for a [`HashingReader::counting`] reader) and byte count
    /// of everything.
    pub fn finish(mut self) -> io::Result<(Option<Digest>, u64)> {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = self.read(&mut buf)?;
            if n == 0 {
                break;
            }
        }
        Ok((self.hasher.map(Digest::from_hasher), self.count))
    }

    pub fn get_ref(&self) -> &R {
        &self.inner
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(hasher) = &mut self.hasher {
            hasher.update(&buf[..n]);
        }
        self.count += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_sha256_hex() {
        let hex = "a".repeat(64);
        assert!(Digest::parse(&format!("sha256:{hex}")).is_some());
        assert!(Digest::parse(&format!("sha512:{hex}")).is_none());
        assert!(Digest::parse("sha256:../../etc/passwd").is_none());
        assert!(Digest::parse(&format!("sha256:{}", "A".repeat(64))).is_none());
    }

    #[test]
    fn hashing_reader_matches_of_bytes() {
        let data = b"hello layer".repeat(1000);
        let mut reader = HashingReader::new(&data[..]);
        let mut first = [0u8; 10];
        reader.read_exact(&mut first).unwrap();
        let (digest, count) = reader.finish().unwrap();
        assert_eq!(count, data.len() as u64);
        assert_eq!(digest, Some(Digest::of_bytes(&data)));
        let (digest, count) = HashingReader::counting(&data[..]).finish().unwrap();
        assert_eq!((digest, count), (None, data.len() as u64));
    }
}
