//! Mapping script ranges back to the file the script came from.

use hullscan_text::{TextRange, TextSize};

/// Turns an offset in a script into an offset in the file it was taken from (for a RUN, through
/// the Dockerfile's line continuations). Implemented for any `Fn(TextSize) -> TextSize`, so the
/// Dockerfile parser's map plugs in as a closure without this crate depending on it:
///
/// ```
/// use hullscan_shell::{map_range, parse};
/// use hullscan_text::{TextRange, TextSize};
///
/// // `RUN apt-get update \` / `  && ls`: BuildKit hands the shell `apt-get update   && ls`.
/// let file = "RUN apt-get update \\\n  && ls\n";
/// let script = "apt-get update   && ls";
/// // Script offsets 0..15 start at file offset 4; from 15 on, the `\` and newline add 2.
/// let to_file = |offset: TextSize| {
///     let o = offset.to_u32();
///     TextSize::new(4 + if o < 15 { o } else { o + 2 })
/// };
/// let parsed = parse(script);
/// let ls = parsed.simple_commands()[1].range;
/// let in_file = map_range(script, ls, &to_file);
/// assert_eq!(&file[in_file.to_range()], "ls");
/// ```
pub trait ToFileOffset {
    fn to_file(&self, script_offset: TextSize) -> TextSize;
}

impl<F: Fn(TextSize) -> TextSize> ToFileOffset for F {
    fn to_file(&self, script_offset: TextSize) -> TextSize {
        self(script_offset)
    }
}

/// The file range of `range`, a range in `script`.
///
/// The end is mapped through the last character of the range, not through `range.end()`, so a
/// range that ends just before a line continuation does not stretch over the continuation in
/// the file. Ranges that fall outside `script` or inside a character are clamped to it.
pub fn map_range(script: &str, range: TextRange, map: &impl ToFileOffset) -> TextRange {
    let len = script.len();
    let mut start = range.start().to_usize().min(len);
    while !script.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end().to_usize().clamp(start, len);
    while !script.is_char_boundary(end) {
        end += 1;
    }
    let file_start = map.to_file(offset(start));
    if end == start {
        return TextRange::empty(file_start);
    }
    let last_char_start = script[..end]
        .char_indices()
        .next_back()
        .map_or(start, |(i, _)| i);
    let last_char_len = end - last_char_start;
    let file_end = map.to_file(offset(last_char_start)) + offset(last_char_len);
    TextRange::new(file_start, file_end.max(file_start))
}

fn offset(value: usize) -> TextSize {
    TextSize::try_from(value).unwrap_or(TextSize::new(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A RUN line `RUN apt-get update \` / `    && ls` whose script is `apt-get update     && ls`
    /// (BuildKit drops the backslash and newline): script offsets after 15 move by 2.
    fn continuation_map(at: u32, gap: u32, base: u32) -> impl Fn(TextSize) -> TextSize {
        move |offset: TextSize| {
            let o = offset.to_u32();
            TextSize::new(base + if o >= at { o + gap } else { o })
        }
    }

    #[test]
    fn maps_start_and_end_through_the_map() {
        let script = "apt-get update     && ls";
        let map = continuation_map(15, 2, 4);
        let update = TextRange::from_usize(8, 14);
        assert_eq!(
            map_range(script, update, &map),
            TextRange::from_usize(12, 18)
        );
        let ls = TextRange::from_usize(22, 24);
        assert_eq!(map_range(script, ls, &map), TextRange::from_usize(28, 30));
    }

    #[test]
    fn range_ending_at_a_continuation_does_not_swallow_it() {
        // "update" ends at 14; offset 15 onwards is shifted. A range 8..15 (update plus the
        // space before the continuation) must end right after that space, not after the gap.
        let script = "apt-get update     && ls";
        let map = continuation_map(15, 2, 0);
        assert_eq!(
            map_range(script, TextRange::from_usize(8, 15), &map),
            TextRange::from_usize(8, 15)
        );
        // A range that spans the continuation covers it.
        assert_eq!(
            map_range(script, TextRange::from_usize(8, 22), &map),
            TextRange::from_usize(8, 24)
        );
    }

    #[test]
    fn empty_and_out_of_bounds_ranges_are_clamped() {
        let script = "ls é";
        let identity = |o: TextSize| o;
        assert_eq!(
            map_range(script, TextRange::from_usize(2, 2), &identity),
            TextRange::from_usize(2, 2)
        );
        // End inside `é` (bytes 3..5) is widened to the character end.
        assert_eq!(
            map_range(script, TextRange::from_usize(3, 4), &identity),
            TextRange::from_usize(3, 5)
        );
        assert_eq!(
            map_range(script, TextRange::from_usize(3, 99), &identity),
            TextRange::from_usize(3, 5)
        );
    }
}
