//! Scanning content that arrives in pieces (image layers streaming out of a tar reader) or that
//! is too big to scan whole.

use std::io::{self, Read};

use crate::{Finding, ScanStats, Scanner};

/// Limits for scanning one file's content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScanLimits {
    /// Only the first `max_bytes` are scanned; the rest is counted but not read for secrets.
    pub max_bytes: u64,
    /// Content with a NUL byte in its first `binary_sniff` bytes is skipped as binary.
    pub binary_sniff: usize,
}

impl Default for ScanLimits {
    fn default() -> Self {
        Self {
            max_bytes: 16 * 1024 * 1024,
            binary_sniff: 8 * 1024,
        }
    }
}

/// The result of scanning one file's content.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileScan {
    pub findings: Vec<Finding>,
    /// Bytes of content seen in total.
    pub total_bytes: u64,
    /// Bytes actually scanned (less than `total_bytes` when the file was above the cap).
    pub scanned_bytes: u64,
    /// Skipped because it looks binary.
    pub binary: bool,
    pub stats: ScanStats,
}

impl FileScan {
    /// Only a leading window of the content was scanned.
    pub fn truncated(&self) -> bool {
        !self.binary && self.scanned_bytes < self.total_bytes
    }

    /// A note for findings in a truncated file, e.g. "only the first 16 MiB of 40 MiB were
    /// scanned".
    pub fn truncation_note(&self) -> Option<String> {
        self.truncated().then(|| {
            format!(
                "only the first {} of {} were scanned",
                human_bytes(self.scanned_bytes),
                human_bytes(self.total_bytes)
            )
        })
    }
}

fn human_bytes(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= MIB {
        format!("{:.1} MiB", n as f64 / MIB as f64)
    } else {
        format!("{n} bytes")
    }
}

/// How much is scanned at once, and how much of the end of one piece is kept for the next so
/// that secrets (and the name before an `=`) crossing a piece boundary are still seen whole.
const PIECE: usize = 1024 * 1024;
const OVERLAP: usize = 64 * 1024;

/// Scans content fed in chunks of any size, with bounded memory (about 1 MiB + 64 KiB).
///
/// Secrets up to 64 KiB long that straddle chunk boundaries are found once; line and column
/// numbers are those of the whole stream.
#[derive(Debug)]
pub struct StreamScanner<'s> {
    scanner: &'s Scanner,
    limits: ScanLimits,
    buf: Vec<u8>,
    /// Absolute offset of `buf[0]`.
    buf_offset: u64,
    /// Line number of `buf[0]`.
    buf_line: u32,
    sniffed: bool,
    result: FileScan,
}

impl Scanner {
    /// A streaming scan of one file's content under `limits`.
    pub fn stream(&self, limits: ScanLimits) -> StreamScanner<'_> {
        StreamScanner {
            scanner: self,
            limits,
            buf: Vec::new(),
            buf_offset: 0,
            buf_line: 1,
            sniffed: false,
            result: FileScan::default(),
        }
    }

    /// Scans one file's content held in memory: binary sniff, then at most `limits.max_bytes`.
    pub fn scan_content(&self, bytes: &[u8], limits: ScanLimits) -> FileScan {
        let mut result = FileScan {
            total_bytes: bytes.len() as u64,
            ..FileScan::default()
        };
        if memchr::memchr(0, &bytes[..bytes.len().min(limits.binary_sniff)]).is_some() {
            result.binary = true;
            return result;
        }
        let window = &bytes[..bytes
            .len()
            .min(usize::try_from(limits.max_bytes).unwrap_or(usize::MAX))];
        result.scanned_bytes = window.len() as u64;
        result.findings = self.scan_with_stats(window, &mut result.stats);
        result
    }

    /// Reads and scans `reader` to its end under `limits`, holding at most one piece in memory.
    ///
    /// # Errors
    /// The reader's I/O errors.
    pub fn scan_reader<R: Read>(&self, mut reader: R, limits: ScanLimits) -> io::Result<FileScan> {
        let mut stream = self.stream(limits);
        let mut chunk = vec![0u8; 256 * 1024];
        loop {
            let n = match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            stream.feed(&chunk[..n]);
        }
        Ok(stream.finish())
    }
}

impl StreamScanner<'_> {
    /// Feeds the next piece of content.
    pub fn feed(&mut self, mut bytes: &[u8]) {
        self.result.total_bytes += bytes.len() as u64;
        if self.result.binary {
            return;
        }
        let room = self
            .limits
            .max_bytes
            .saturating_sub(self.result.scanned_bytes);
        if (bytes.len() as u64) > room {
            bytes = &bytes[..usize::try_from(room).unwrap_or(usize::MAX)];
        }
        self.result.scanned_bytes += bytes.len() as u64;
        self.buf.extend_from_slice(bytes);
        if !self.sniffed && self.buf.len() >= self.limits.binary_sniff {
            self.sniff();
        }
        if self.result.binary {
            self.buf = Vec::new();
            return;
        }
        while self.buf.len() >= PIECE + OVERLAP {
            self.scan_piece(false);
        }
    }

    fn sniff(&mut self) {
        self.sniffed = true;
        let head = &self.buf[..self.buf.len().min(self.limits.binary_sniff)];
        if memchr::memchr(0, head).is_some() {
            self.result.binary = true;
            self.result.scanned_bytes = 0;
        }
    }

    /// Scans the buffer; unless `last`, keeps the tail from a line start within the last
    /// `OVERLAP` bytes for the next piece and reports only findings that start before it.
    fn scan_piece(&mut self, last: bool) {
        let keep_from = if last {
            self.buf.len()
        } else {
            let soft = self.buf.len() - OVERLAP;
            // Cut at a line start so the next piece sees whole lines.
            memchr::memrchr(b'\n', &self.buf[soft / 2..soft]).map_or(soft, |p| soft / 2 + p + 1)
        };
        let mut stats = ScanStats::default();
        let candidates = self.scanner.candidates(&self.buf, &mut stats);
        let candidates: Vec<_> = candidates
            .into_iter()
            .filter(|c| c.range.start < keep_from)
            .collect();
        let base = usize::try_from(self.buf_offset).unwrap_or(usize::MAX);
        let findings = crate::finish(&self.buf, candidates, self.buf_line, base);
        // The piece's bytes were all looked at; only count them once.
        stats.bytes = keep_from as u64;
        stats.findings = findings.len() as u64;
        self.result.stats.add(&stats);
        self.result.findings.extend(findings);
        self.buf_line += memchr::memchr_iter(b'\n', &self.buf[..keep_from]).count() as u32;
        self.buf_offset += keep_from as u64;
        self.buf.drain(..keep_from);
    }

    /// Scans what is left and returns the result.
    pub fn finish(mut self) -> FileScan {
        if !self.sniffed {
            self.sniff();
        }
        if !self.result.binary && !self.buf.is_empty() {
            self.scan_piece(true);
        }
        self.result
    }
}

/// Text that starts with a UTF-16 byte-order mark, decoded (unpaired surrogates become
/// U+FFFD); `None` without a BOM. Windows editors save `.env` files this way, and the NUL
/// bytes of UTF-16 would otherwise make the file look binary.
pub fn decode_utf16_bom(bytes: &[u8]) -> Option<String> {
    let (little_endian, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ => return None,
    };
    let units = body.chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if little_endian {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}
