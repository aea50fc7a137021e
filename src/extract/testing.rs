//! Helpers shared by the extractors' unit tests, so each test module says
//! only what is particular to its format.

use super::Request;
use crate::extract::document::{Extraction, ExtractionStatus, Part, Segment};
use crate::extract::limits::{Deadline, Limits};

/// A format's `extract` function.
pub type Reader = fn(&Request<'_>) -> Extraction;

/// Runs a reader on bytes named `name`, with the given limits and deadline.
pub fn run(
    reader: Reader,
    name: &str,
    bytes: &[u8],
    limits: &Limits,
    deadline: Deadline,
) -> Extraction {
    reader(&Request {
        bytes,
        name,
        limits,
        deadline,
        passwords: &[],
    })
}

/// The first segment of `part` whose text contains `needle`; panics with
/// every segment when there is none.
pub fn segment_with<'e>(extraction: &'e Extraction, part: Part, needle: &str) -> &'e Segment {
    extraction
        .segments
        .iter()
        .find(|s| s.part == part && s.text.contains(needle))
        .unwrap_or_else(|| {
            panic!(
                "no {part} segment with {needle}: {:#?}",
                extraction.segments
            )
        })
}

/// Cuts the file at every `cut_step` bytes (never `complete`) and flips a
/// byte at every `flip_step` bytes (no panic): damaged input never passes.
pub fn assert_damage_never_passes(
    read: impl Fn(&[u8]) -> Extraction,
    bytes: &[u8],
    cut_step: usize,
    flip_step: usize,
) {
    for cut in (0..bytes.len()).step_by(cut_step) {
        assert_ne!(
            read(&bytes[..cut]).status(),
            ExtractionStatus::Complete,
            "cut at {cut}"
        );
    }
    for offset in (0..bytes.len()).step_by(flip_step) {
        let mut damaged = bytes.to_vec();
        damaged[offset] ^= 0x5A;
        let _ = read(&damaged);
    }
}
