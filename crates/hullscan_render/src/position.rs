//! Positions and location labels shared by every format.
//!
//! Lines are 1-based; columns are 1-based and count characters (Unicode scalar values), the
//! convention rustc, editors and SARIF's `unicodeCodePoints` column kind use. End columns are
//! exclusive: a finding on `ubuntu` at column 6 ends at column 12.

use std::ops::Range;

use hullscan_diagnostics::{FileReport, ImageLocation, Location};
use hullscan_text::{LineColumn, SourceFile, TextRange, TextSize};

/// A text location as start and (exclusive) end line/column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: LineColumn,
    pub end: LineColumn,
}

/// Where `location` is in `report`'s text, or `None` when it is not a text location or the
/// report carries no source to count lines in.
pub(crate) fn location_span(report: &FileReport, location: &Location) -> Option<Span> {
    let Location::Text(range) = location else {
        return None;
    };
    let source = report.source.as_deref()?;
    Some(range_span(source, *range))
}

/// Line/column span of `range`; offsets past the end are clamped by the line index.
pub(crate) fn range_span(source: &SourceFile, range: TextRange) -> Span {
    Span {
        start: source.line_column(range.start()),
        end: source.line_column(range.end()),
    }
}

/// `range` as byte offsets clamped to `text` and moved down to character boundaries, so slicing
/// never panics on a range a buggy checker computed.
pub(crate) fn clamp_range(text: &str, range: TextRange) -> Range<usize> {
    let clamp = |offset: TextSize| {
        let mut offset = offset.to_usize().min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    };
    let start = clamp(range.start());
    let end = clamp(range.end()).max(start);
    start..end
}

/// The text of 1-based `line` without its terminator, or `""` past the end.
pub(crate) fn line_text(source: &SourceFile, line: u32) -> &str {
    let index = source.line_index();
    let Some(range) = (line as usize)
        .checked_sub(1)
        .and_then(|line| index.line_range(line, source.text()))
    else {
        return "";
    };
    source.slice(range)
}

/// A layer digest shortened for people: the algorithm and 12 hex digits, `sha256:0123456789ab…`.
pub(crate) fn short_digest(digest: &str) -> String {
    let (algorithm, hex) = digest.split_once(':').unwrap_or(("", digest));
    let shown: String = hex.chars().take(12).collect();
    let ellipsis = if hex.chars().count() > 12 { "…" } else { "" };
    if algorithm.is_empty() {
        format!("{shown}{ellipsis}")
    } else {
        format!("{algorithm}:{shown}{ellipsis}")
    }
}

/// A place in an image as one line: `alpine:3.20`, `app:1@layer 3 (sha256:0123456789ab…):/etc/shadow`,
/// `app:1:/etc/shadow` (merged filesystem) or `app:1:config/User` (a config field).
pub fn image_location_label(location: &ImageLocation) -> String {
    image_label(location, short_digest)
}

/// Like [`image_location_label`] with the layer's full digest, for formats read by machines,
/// where a shortened digest would be ambiguous.
pub(crate) fn image_location_full_label(location: &ImageLocation) -> String {
    image_label(location, str::to_owned)
}

fn image_label(location: &ImageLocation, digest: fn(&str) -> String) -> String {
    let mut label = location.image.clone();
    if let Some(layer) = &location.layer {
        label.push_str(&format!(
            "@layer {} ({})",
            layer.index,
            digest(&layer.digest)
        ));
    }
    if let Some(path) = &location.path {
        label.push(':');
        label.push_str(path);
    }
    if let Some(pointer) = &location.config_pointer {
        label.push(':');
        label.push_str(pointer.strip_prefix('/').unwrap_or(pointer));
    }
    label
}

/// A location as one line of text: `path:line:col` for text, `path` for a whole file, the image
/// label for image locations.
pub(crate) fn location_label(report: &FileReport, location: &Location) -> String {
    match location {
        // An image finding that does not name its image is in the report's image.
        Location::Image(image) if image.image.is_empty() => image_location_label(&ImageLocation {
            image: report.path.clone(),
            ..image.clone()
        }),
        Location::Image(image) => image_location_label(image),
        Location::Text(_) => match location_span(report, location) {
            Some(span) => format!("{}:{}", report.path, span.start),
            None => report.path.clone(),
        },
        Location::File => report.path.clone(),
    }
}
