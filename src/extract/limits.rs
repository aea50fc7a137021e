//! Resource limits for reading one document.
//!
//! Hostile files (zip bombs, endless streams, deeply nested objects) must not
//! exhaust the machine or stall a batch. Every limit has a documented default
//! and a command-line flag; hitting one makes the extraction `partial` or
//! `failed` with a message that names the limit — never a silent truncation.

use std::time::{Duration, Instant};

/// Caps applied while reading one document.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest input file read at all (`--max-file-size`).
    pub max_file_bytes: u64,
    /// Decompressed bytes allowed for one part or stream (`--max-part-size`).
    pub max_part_bytes: u64,
    /// Decompressed bytes allowed for the whole document (`--max-inflated`).
    pub max_document_bytes: u64,
    /// Largest compression ratio of a zip entry before it is treated as a
    /// bomb (`--max-zip-ratio`); small entries are exempt.
    pub max_zip_ratio: u64,
    /// Most entries read from one zip container (`--max-zip-entries`).
    pub max_zip_entries: usize,
    /// Most objects read from one PDF (`--max-pdf-objects`).
    pub max_pdf_objects: usize,
    /// Deepest nesting followed (XML elements, form XObjects, archives in
    /// archives) (`--max-depth`).
    pub max_depth: usize,
    /// Most pixels of one picture (one page or frame) decoded for OCR
    /// (`--max-image-pixels`, in megapixels): a picture's header claims its
    /// size before anything is decoded, so a decompression bomb is refused
    /// unread.
    pub max_image_pixels: u64,
    /// Time allowed for one document before it is abandoned (`--timeout`).
    pub time_budget: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 1024 * 1024 * 1024,
            max_part_bytes: 128 * 1024 * 1024,
            max_document_bytes: 256 * 1024 * 1024,
            max_zip_ratio: 1000,
            max_zip_entries: 20_000,
            max_pdf_objects: 2_000_000,
            max_depth: 64,
            max_image_pixels: 64_000_000,
            time_budget: Duration::from_secs(120),
        }
    }
}

/// A deadline for one document, checked by extractors in their loops.
#[derive(Clone, Copy, Debug)]
pub struct Deadline {
    at: Option<Instant>,
}

impl Deadline {
    pub fn after(budget: Duration) -> Deadline {
        Deadline {
            at: Instant::now().checked_add(budget),
        }
    }

    /// A deadline that never passes, for tests and tools.
    pub fn never() -> Deadline {
        Deadline { at: None }
    }

    pub fn passed(&self) -> bool {
        self.at.is_some_and(|at| Instant::now() >= at)
    }
}
