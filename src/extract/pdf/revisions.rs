//! Earlier revisions kept by incremental updates.
//!
//! A PDF saved with an incremental update keeps every earlier version in the
//! file: the update only appends changed objects and a new cross-reference
//! section after the old `%%EOF`. Text deleted in a later save is still
//! there — cut the file at an earlier `%%EOF` and it opens as it was. So
//! each earlier revision is opened the same way, read, and every line it
//! has that the final version does not is reported in the `deletion` part
//! ("present in an earlier revision of this file").

use super::content::{self, Context};
use super::streams::Budget;
use super::{annotations, layout, load, metadata};
use crate::extract::Request;
use crate::extract::document::{Extraction, Part, Problem, Segment};
use std::collections::HashSet;

/// Earlier revisions read at most (signed forms can carry dozens).
const MAX_REVISIONS: usize = 16;

/// Where each `%%EOF` marker ends (after its end-of-line), in file order.
pub fn eof_ends(bytes: &[u8]) -> Vec<usize> {
    let finder = aho_corasick::AhoCorasick::new([b"%%EOF"]);
    let Ok(finder) = finder else {
        return Vec::new();
    };
    finder
        .find_iter(bytes)
        .map(|found| {
            let mut end = found.end();
            if bytes.get(end) == Some(&b'\r') {
                end += 1;
            }
            if bytes.get(end) == Some(&b'\n') {
                end += 1;
            }
            end
        })
        .collect()
}

/// Text with all white space removed, for comparing lines across revisions
/// (layout can differ by a space where nothing was edited).
fn normalized(line: &str) -> String {
    line.chars().filter(|ch| !ch.is_whitespace()).collect()
}

/// Reads the earlier revisions of the file and adds what they have that the
/// final version lacks as `deletion` segments. Returns how many earlier
/// revisions hold text the final version lacks: an incremental update that
/// removes or changes nothing (Microsoft Office's PDF export appends an empty
/// cross-reference section) keeps no earlier content and is not counted.
pub fn read(
    request: &Request<'_>,
    password: Option<&str>,
    budget: &Budget,
    extraction: &mut Extraction,
) -> usize {
    let ends = eof_ends(request.bytes);
    // The last marker closes the final revision; bytes after it are junk.
    let Some((_, earlier)) = ends.split_last() else {
        return 0;
    };
    let mut final_lines: HashSet<String> = HashSet::new();
    for segment in &extraction.segments {
        for line in segment.text.lines() {
            final_lines.insert(normalized(line));
        }
    }
    let mut reported: HashSet<String> = HashSet::new();
    let mut revisions = 0;
    let candidates: Vec<usize> = earlier
        .iter()
        .copied()
        .filter(|&end| end < request.bytes.len())
        .collect();
    if candidates.len() > MAX_REVISIONS {
        extraction.problems.push(Problem::partial(
            Some(Part::Deletion.as_str().to_owned()),
            format!(
                "the file has {} earlier sections; only the first {MAX_REVISIONS} were read for deleted text",
                candidates.len()
            ),
        ));
    }
    for (index, &end) in candidates.iter().take(MAX_REVISIONS).enumerate() {
        if request.deadline.passed() {
            extraction.problems.push(Problem::partial(
                Some(Part::Deletion.as_str().to_owned()),
                format!(
                    "time budget of {} s exceeded before the earlier revisions were all read (--timeout)",
                    request.limits.time_budget.as_secs()
                ),
            ));
            break;
        }
        let Some(doc) = load::open_revision(&request.bytes[..end], request.limits, password) else {
            continue;
        };
        // A real revision is a whole PDF; a prefix that needed its cross-
        // reference table rebuilt (the first section of a linearized file)
        // is not one.
        if doc.xref_recovery.is_some() || doc.get_pages().is_empty() {
            continue;
        }
        let mut differs = false;
        let label = format!("earlier revision {} (file cut at byte {end})", index + 1);
        let context = Context::new(&doc, budget, request.deadline, request.limits.max_depth)
            .with_source(&request.bytes[..end]);
        for (number, page_id) in doc.get_pages() {
            if request.deadline.passed() {
                break;
            }
            let content = content::interpret_page(&context, page_id);
            let mut lines: Vec<String> = layout::lines(&content, |_, _| true)
                .into_iter()
                .map(|line| line.text)
                .collect();
            for segment in annotations::page_annotations(&context, page_id, number).segments {
                lines.extend(segment.text.lines().map(String::from));
            }
            differs |= push_deleted(
                lines,
                Some(number),
                &label,
                &final_lines,
                &mut reported,
                extraction,
            );
        }
        let (metadata_lines, _) = metadata::lines(&doc, budget);
        // Every save rewrites the dates and ids; only other properties are
        // earlier content.
        let metadata_lines: Vec<String> = metadata_lines
            .into_iter()
            .filter(|line| !is_volatile(line))
            .collect();
        differs |= push_deleted(
            metadata_lines,
            None,
            &format!("{label}, metadata"),
            &final_lines,
            &mut reported,
            extraction,
        );
        if differs {
            revisions += 1;
        }
    }
    revisions
}

/// Properties every save rewrites (dates, instance ids, the producer).
fn is_volatile(line: &str) -> bool {
    let key = line.split_once(": ").map_or(line, |(key, _)| key);
    matches!(
        key,
        "ModDate"
            | "CreationDate"
            | "Producer"
            | "xmp:ModifyDate"
            | "xmp:MetadataDate"
            | "xmp:CreateDate"
            | "xmpMM:InstanceID"
            | "xmpMM:DocumentID"
            | "pdf:Producer"
    )
}

/// Adds the lines the final version lacks (once per file) and says whether
/// there were any, reported before or not.
fn push_deleted(
    lines: Vec<String>,
    page: Option<u32>,
    label: &str,
    final_lines: &HashSet<String>,
    reported: &mut HashSet<String>,
    extraction: &mut Extraction,
) -> bool {
    let mut differs = false;
    let deleted: Vec<String> = lines
        .into_iter()
        .filter(|line| {
            let key = normalized(line);
            let missing = !key.is_empty() && !final_lines.contains(&key);
            differs |= missing;
            missing && reported.insert(key)
        })
        .collect();
    if deleted.is_empty() {
        return differs;
    }
    let mut segment = Segment::new(Part::Deletion, deleted.join("\n")).with_label(label);
    segment.page = page;
    extraction.push(segment);
    differs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_eof_markers_and_their_line_ends() {
        let bytes = b"%PDF-1.4\n...%%EOF\r\nupdate %%EOF\n";
        let ends = eof_ends(bytes);
        assert_eq!(ends.len(), 2);
        assert_eq!(&bytes[..ends[0]], b"%PDF-1.4\n...%%EOF\r\n");
        assert_eq!(ends[1], bytes.len());
    }

    #[test]
    fn normalizes_white_space() {
        assert_eq!(normalized("机 密\t★1 年"), "机密★1年");
    }
}
