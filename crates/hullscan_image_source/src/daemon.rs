//! The local Docker daemon over its unix socket: a minimal synchronous HTTP/1.1 client for the
//! two Engine API calls hullscan needs (`GET /images/{name}/json` to check the image exists,
//! `GET /images/{name}/get` to stream its `docker save` tar). Async clients (bollard) would
//! pull in tokio for two GET requests.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::{ImageError, Result};

/// The socket from `DOCKER_HOST=unix://…`, else `/var/run/docker.sock`.
pub fn socket_path() -> Option<PathBuf> {
    match std::env::var("DOCKER_HOST") {
        Ok(host) if !host.is_empty() => host.strip_prefix("unix://").map(PathBuf::from),
        _ => Some(PathBuf::from("/var/run/docker.sock")),
    }
}

/// Percent-encodes an image reference for a URL path (`/` and `:` and `@` stay).
fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/:@".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The longest header (or chunk-size) line accepted from the daemon, and the most header
/// bytes in all: a reply that goes past them is refused instead of filling memory.
pub const MAX_HEADER_LINE: u64 = 16 * 1024;
pub const MAX_HEADER_BYTES: u64 = 256 * 1024;

/// Reads one line of at most `max` bytes; a longer one is an error, and so is a line that is
/// not UTF-8.
fn read_line_capped(reader: &mut impl BufRead, max: u64, what: &str) -> io::Result<String> {
    let mut bytes = Vec::new();
    reader.take(max + 1).read_until(b'\n', &mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the daemon sent a {what} longer than {max} bytes"),
        ));
    }
    String::from_utf8(bytes).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the daemon sent a {what} that is not text"),
        )
    })
}

/// A response body: either `Content-Length` bytes, chunked, or until the connection closes.
pub struct Body {
    reader: BufReader<UnixStream>,
    mode: BodyMode,
}

enum BodyMode {
    Length(u64),
    Chunked { remaining: u64, done: bool },
    UntilClose,
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.mode {
            BodyMode::UntilClose => self.reader.read(buf),
            BodyMode::Length(remaining) => {
                if *remaining == 0 {
                    return Ok(0);
                }
                read_counted(
                    &mut self.reader,
                    buf,
                    remaining,
                    "the daemon closed the connection early",
                )
            }
            BodyMode::Chunked { remaining, done } => {
                if *done {
                    return Ok(0);
                }
                if *remaining == 0 {
                    let mut line =
                        read_line_capped(&mut self.reader, MAX_HEADER_LINE, "chunk-size line")?;
                    if line.trim().is_empty() {
                        // The CRLF after the previous chunk's data.
                        line =
                            read_line_capped(&mut self.reader, MAX_HEADER_LINE, "chunk-size line")?;
                    }
                    let size_text = line.trim().split(';').next().unwrap_or("");
                    let size = u64::from_str_radix(size_text, 16).map_err(|_| {
                        io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!("bad chunk size line {:?}", crate::error::printable(&line)),
                        )
                    })?;
                    if size == 0 {
                        *done = true;
                        return Ok(0);
                    }
                    *remaining = size;
                }
                read_counted(
                    &mut self.reader,
                    buf,
                    remaining,
                    "the daemon closed the connection mid-chunk",
                )
            }
        }
    }
}

/// Reads at most `remaining` (not zero) bytes into `buf` and counts them off; the connection
/// closing before then is the error `closed_early`.
fn read_counted(
    reader: &mut impl Read,
    buf: &mut [u8],
    remaining: &mut u64,
    closed_early: &str,
) -> io::Result<usize> {
    let max = buf
        .len()
        .min(usize::try_from(*remaining).unwrap_or(usize::MAX));
    let n = reader.read(&mut buf[..max])?;
    if n == 0 {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, closed_early));
    }
    *remaining -= n as u64;
    Ok(n)
}

/// Sends `GET path` and returns the status code and body.
fn get(socket: &PathBuf, path: &str) -> Result<(u16, Body)> {
    let daemon_err =
        |err: io::Error| ImageError::Daemon(format!("cannot talk to {}: {err}", socket.display()));
    let mut stream = UnixStream::connect(socket).map_err(daemon_err)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(600)))
        .map_err(daemon_err)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: docker\r\nUser-Agent: hullscan\r\nConnection: close\r\n\r\n"
    )
    .map_err(daemon_err)?;
    let mut reader = BufReader::with_capacity(256 * 1024, stream);
    let status_line =
        read_line_capped(&mut reader, MAX_HEADER_LINE, "status line").map_err(daemon_err)?;
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| {
            ImageError::Daemon(format!(
                "not an HTTP response: {:?}",
                crate::error::printable(&status_line)
            ))
        })?;
    let mut mode = BodyMode::UntilClose;
    let mut header_bytes = status_line.len() as u64;
    loop {
        let line =
            read_line_capped(&mut reader, MAX_HEADER_LINE, "header line").map_err(daemon_err)?;
        header_bytes += line.len() as u64;
        if header_bytes > MAX_HEADER_BYTES {
            return Err(ImageError::Daemon(format!(
                "{}: the reply's headers exceed {MAX_HEADER_BYTES} bytes",
                socket.display()
            )));
        }
        if line.is_empty() || line == "\r\n" || line == "\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            let value = value.trim();
            if name.eq_ignore_ascii_case("transfer-encoding")
                && value.eq_ignore_ascii_case("chunked")
            {
                mode = BodyMode::Chunked {
                    remaining: 0,
                    done: false,
                };
            } else if name.eq_ignore_ascii_case("content-length")
                && !matches!(mode, BodyMode::Chunked { .. })
                && let Ok(length) = value.parse()
            {
                mode = BodyMode::Length(length);
            }
        }
    }
    Ok((status, Body { reader, mode }))
}

fn error_message(body: Body) -> String {
    let mut text = String::new();
    let _ = body.take(64 * 1024).read_to_string(&mut text);
    serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
        .map_or_else(
            || crate::error::printable(&text),
            |m| crate::error::printable(&m),
        )
}

/// Whether the daemon has `name`. `Ok(false)` for "no such image", `Err` when the daemon
/// cannot be reached.
pub fn has_image(name: &str) -> Result<bool> {
    let socket = socket_path()
        .ok_or_else(|| ImageError::Daemon("DOCKER_HOST is not a unix:// socket".to_owned()))?;
    let (status, body) = get(&socket, &format!("/images/{}/json", encode(name)))?;
    match status {
        200 => Ok(true),
        404 => Ok(false),
        _ => Err(ImageError::Daemon(format!(
            "inspecting {name}: HTTP {status}: {}",
            error_message(body)
        ))),
    }
}

/// The most bytes of `GET /images/{name}/json` read: the inspect document is a few KiB; one
/// that goes past this is refused rather than buffered.
const MAX_INSPECT_BYTES: u64 = 4 << 20;

/// The `RepoDigests` of image `name` in the daemon (`repo@sha256:…`, one per repository it
/// was pulled from or pushed to). `Ok(None)` when the daemon has no such image; `Err` when it
/// cannot be reached or answers something else.
pub fn repo_digests(name: &str) -> Result<Option<Vec<String>>> {
    let socket = socket_path()
        .ok_or_else(|| ImageError::Daemon("DOCKER_HOST is not a unix:// socket".to_owned()))?;
    let (status, body) = get(&socket, &format!("/images/{}/json", encode(name)))?;
    match status {
        200 => {}
        404 => return Ok(None),
        _ => {
            return Err(ImageError::Daemon(format!(
                "inspecting {}: HTTP {status}: {}",
                crate::error::printable(name),
                error_message(body)
            )));
        }
    }
    let mut bytes = Vec::new();
    body.take(MAX_INSPECT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| ImageError::Daemon(format!("reading the inspect reply: {err}")))?;
    if bytes.len() as u64 > MAX_INSPECT_BYTES {
        return Err(ImageError::Daemon(format!(
            "the inspect reply for {} exceeds {MAX_INSPECT_BYTES} bytes",
            crate::error::printable(name)
        )));
    }
    let inspect: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|err| ImageError::Daemon(format!("the inspect reply is not JSON: {err}")))?;
    Ok(Some(
        inspect
            .get("RepoDigests")
            .and_then(|v| v.as_array())
            .map(|digests| {
                digests
                    .iter()
                    .filter_map(|d| d.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    ))
}

/// Streams `docker save` of `name` from the daemon.
pub fn export(name: &str) -> Result<Body> {
    let socket = socket_path()
        .ok_or_else(|| ImageError::Daemon("DOCKER_HOST is not a unix:// socket".to_owned()))?;
    let (status, body) = get(&socket, &format!("/images/{}/get", encode(name)))?;
    if status != 200 {
        return Err(ImageError::Daemon(format!(
            "exporting {name}: HTTP {status}: {}",
            error_message(body)
        )));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_references() {
        assert_eq!(encode("library/busybox:1.36"), "library/busybox:1.36");
        assert_eq!(encode("a b?c"), "a%20b%3Fc");
    }
}
