//! `--dockerfile`: ties the image's history (and so its layers) to the instructions of the
//! Dockerfile that built it. The final stage's instructions produce the last history entries,
//! in order, so the two lists are aligned from the end; entries before the first matched one
//! belong to the base image.

use hullscan_diagnostics::{Diagnostic, ImageLocation, Location, Related};
use hullscan_dockerfile::{Instruction, Keyword};
use hullscan_text::TextRange;

use crate::model::Image;

/// The instruction that made a history entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribution {
    /// The Dockerfile's name as the user gave it.
    pub dockerfile: String,
    /// 1-based first line of the instruction.
    pub line: u32,
    /// The instruction's byte range in the Dockerfile.
    pub range: TextRange,
    /// The instruction's logical line (BuildKit's `Original`).
    pub text: String,
}

/// What kind of instruction a history entry records.
fn history_keyword(created_by: &str) -> Option<Keyword> {
    let text = created_by.trim();
    let text = text
        .strip_prefix("/bin/sh -c #(nop)")
        .map_or(text, str::trim);
    let first = text.split_whitespace().next()?;
    if first.starts_with('|') || text.starts_with("/bin/sh -c") || text.starts_with("cmd /S /C") {
        return Some(Keyword::Run); // a RUN (with its build args) in either builder
    }
    match Keyword::from_text(first) {
        Keyword::Unknown => None,
        keyword => Some(keyword),
    }
}

/// The final stage's instructions (after the last FROM), or those of stage `target`.
fn final_stage<'a>(instructions: &'a [Instruction], target: Option<&str>) -> &'a [Instruction] {
    let froms: Vec<usize> = instructions
        .iter()
        .enumerate()
        .filter(|(_, i)| i.keyword == Keyword::From)
        .map(|(n, _)| n)
        .collect();
    let start = match target {
        Some(name) => froms.iter().copied().find(|&n| {
            matches!(&instructions[n].args, hullscan_dockerfile::Arguments::From(from)
                if from.stage_name.as_ref().is_some_and(|s| s.value.eq_ignore_ascii_case(name)))
        }),
        None => froms.last().copied(),
    };
    let Some(start) = start else {
        return &[];
    };
    let end = froms
        .iter()
        .copied()
        .find(|&n| n > start)
        .filter(|_| target.is_some())
        .unwrap_or(instructions.len());
    &instructions[start + 1..end]
}

/// The names of the Dockerfile's stages (`FROM … AS name`), in order: what `--target` may name.
pub fn stage_names(text: &str) -> Vec<String> {
    hullscan_dockerfile::parse(text)
        .dockerfile
        .instructions
        .iter()
        .filter_map(|i| match &i.args {
            hullscan_dockerfile::Arguments::From(from) => {
                from.stage_name.as_ref().map(|s| s.value.clone())
            }
            _ => None,
        })
        .collect()
}

/// Attributes `image`'s history to the Dockerfile `text` (named `name` in messages). Returns
/// how many history entries were matched; with at least one, the base-image boundary becomes
/// the first matched layer.
pub fn attribute(image: &mut Image, name: &str, text: &str, target: Option<&str>) -> usize {
    let parsed = hullscan_dockerfile::parse(text);
    let stage = final_stage(&parsed.dockerfile.instructions, target);
    let mut attribution = vec![None; image.history.len()];
    let mut next_instruction = stage.len();
    let mut matched = 0;
    let mut first_matched_entry = None;
    for (position, item) in image.history.iter().enumerate().rev() {
        let Some(kind) = history_keyword(&item.created_by) else {
            continue;
        };
        // Instructions that left no history entry (BuildKit records no ARG) are skipped.
        let Some(found) = stage[..next_instruction].iter().rposition(|i| {
            i.keyword == kind || (kind == Keyword::Run && i.keyword == Keyword::Run)
        }) else {
            break;
        };
        let skipped_only_silent = stage[found + 1..next_instruction]
            .iter()
            .all(|i| matches!(i.keyword, Keyword::Arg | Keyword::Onbuild));
        if !skipped_only_silent {
            break;
        }
        let instruction = &stage[found];
        attribution[position] = Some(Attribution {
            dockerfile: name.to_owned(),
            line: instruction.start_line,
            range: instruction.range,
            text: instruction.original.clone(),
        });
        next_instruction = found;
        matched += 1;
        first_matched_entry = Some(position);
    }
    if let Some(first) = first_matched_entry {
        let layers_before = image.history[..first]
            .iter()
            .filter(|h| h.layer.is_some())
            .count();
        image.base_layer_count = layers_before;
    }
    image.attribution = attribution;
    matched
}

/// Moves the findings that belong to a Dockerfile instruction onto it: a finding in a layer
/// (or in a history entry) that `attribute` tied to an instruction is located at that
/// instruction's text, with where it is in the image kept as a related location. Returns
/// `(still on the image, now on the Dockerfile)`; call after [`attribute`].
///
/// So the finding is drawn on the line that caused it, and CI annotations (GitHub, GitLab,
/// SARIF) land on a file in the repository rather than on the image.
pub fn attribute_findings(
    image: &Image,
    diagnostics: Vec<Diagnostic>,
) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let mut on_image = Vec::new();
    let mut on_dockerfile = Vec::new();
    for mut diagnostic in diagnostics {
        let Location::Image(location) = &diagnostic.location else {
            on_image.push(diagnostic);
            continue;
        };
        let Some(found) = finding_attribution(image, location) else {
            on_image.push(diagnostic);
            continue;
        };
        let in_image = std::mem::replace(&mut diagnostic.location, Location::Text(found.range));
        diagnostic.related.insert(
            0,
            Related {
                location: in_image,
                message: "where it is in the image".to_owned(),
            },
        );
        on_dockerfile.push(diagnostic);
    }
    (on_image, on_dockerfile)
}

/// The instruction behind an image location: its layer's, or its history entry's for a
/// `/history/N/...` config pointer.
fn finding_attribution<'i>(image: &'i Image, location: &ImageLocation) -> Option<&'i Attribution> {
    if let Some(layer) = &location.layer {
        return image.layer_attribution(usize::try_from(layer.index).ok()?);
    }
    let pointer = location.config_pointer.as_deref()?;
    let position: usize = pointer
        .strip_prefix("/history/")?
        .split('/')
        .next()?
        .parse()
        .ok()?;
    image.attribution.get(position)?.as_ref()
}

impl Image {
    /// The Dockerfile instruction that made `layer`, when `--dockerfile` was given.
    pub fn layer_attribution(&self, layer: usize) -> Option<&Attribution> {
        let history = self.layers.get(layer)?.history?;
        self.attribution.get(history)?.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_history_lines() {
        assert_eq!(
            history_keyword("/bin/sh -c #(nop) COPY file:ab in /x "),
            Some(Keyword::Copy)
        );
        assert_eq!(
            history_keyword("|1 TOKEN=x /bin/sh -c make"),
            Some(Keyword::Run)
        );
        assert_eq!(
            history_keyword("/bin/sh -c apt-get update"),
            Some(Keyword::Run)
        );
        assert_eq!(
            history_keyword("RUN /bin/sh -c make # buildkit"),
            Some(Keyword::Run)
        );
        assert_eq!(
            history_keyword("COPY app /app # buildkit"),
            Some(Keyword::Copy)
        );
        assert_eq!(
            history_keyword("/bin/sh -c #(nop)  CMD [\"sh\"]"),
            Some(Keyword::Cmd)
        );
        assert_eq!(history_keyword("umoci config"), None);
    }
}
