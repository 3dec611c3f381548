//! Finding `BEGIN … END` key blocks in linear time.
//!
//! A regex such as `BEGIN(.{40,16384}?)END` restarts at every `BEGIN` and scans up to 16 KiB
//! each time, so text made of `BEGIN` lines that never close costs the square of its size
//! (measured: ~8 s per MB). Here each `END` is paired with the nearest `BEGIN` before it,
//! and every byte is looked at a bounded number of times.

use std::ops::Range;

use memchr::memmem;

/// The blocks in `text`: `(whole block, body between the markers)`, for bodies of
/// `min_body..=max_body` bytes. Each `end` closes the nearest `begin` before it (an
/// unclosed `BEGIN` line before a real key does not hide the key).
pub(crate) fn blocks(
    text: &[u8],
    begin: &str,
    end: &str,
    min_body: usize,
    max_body: usize,
) -> Vec<(Range<usize>, Range<usize>)> {
    let (begin, end) = (begin.as_bytes(), end.as_bytes());
    let begin_finder = memmem::Finder::new(begin);
    let begin_rfinder = memmem::FinderRev::new(begin);
    let end_finder = memmem::Finder::new(end);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(first) = begin_finder.find(&text[from..]).map(|at| from + at) {
        let body_start = first + begin.len();
        let Some(end_at) = end_finder
            .find(&text[body_start..])
            .map(|at| body_start + at)
        else {
            break;
        };
        // The nearest BEGIN before this END (searching back only over what lies between).
        let start = begin_rfinder
            .rfind(&text[body_start..end_at])
            .map_or(first, |at| body_start + at);
        let body = start + begin.len()..end_at;
        if (min_body..=max_body).contains(&body.len()) {
            out.push((start..end_at + end.len(), body));
        }
        from = end_at + end.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::blocks;

    const B: &str = "-----BEGIN K-----";
    const E: &str = "-----END K-----";

    #[test]
    fn pairs_each_end_with_the_nearest_begin() {
        let body = "x".repeat(50);
        let text = format!("{B}\n{B}\n{body}\n{E}\ntail {B}\n{body}\n{E}");
        let found = blocks(text.as_bytes(), B, E, 40, 100);
        assert_eq!(found.len(), 2);
        let first = &text[found[0].0.clone()];
        assert_eq!(first.matches("BEGIN").count(), 1);
        assert_eq!(text[found[1].1.clone()].trim(), body);
    }

    #[test]
    fn body_length_bounds_apply() {
        let text = format!("{B}short{E}{B}{}{E}", "y".repeat(200));
        assert!(blocks(text.as_bytes(), B, E, 40, 100).is_empty());
        assert_eq!(blocks(text.as_bytes(), B, E, 3, 1000).len(), 2);
    }

    #[test]
    fn unclosed_blocks_end_the_search() {
        let text = format!("{B}\n").repeat(10_000);
        assert!(blocks(text.as_bytes(), B, E, 40, 16384).is_empty());
    }
}
