//! What every zip-based format (DOCX, XLSX, PPTX, ODF, OFD) needs around its
//! own reader, so that no format can forget it:
//!
//! - **Empty files.** A `.docx` (or `.pdf`, `.ofd` …) of 0 bytes, or of only
//!   blanks or NUL bytes, is `failed` ("empty file"), not read as text and
//!   passed.
//! - **Entries sharing a name.** Readers disagree about which of two
//!   `word/document.xml` counts, so the format's reader runs once per copy
//!   ([`container::with_variant`]), the results are merged without doubling
//!   what the copies share, and the package is `partial`.
//! - **Pictures and no text.** A package whose only content is pictures
//!   holds text prepub cannot read until OCR: `partial`.
//! - **DTD internal entities** declared in any XML part: their text is what
//!   a reader shows where the entity is used, so it is reviewed as `hidden`
//!   text whichever reader parses the part.

use super::container::{self, Container, SharedName};
use super::{Format, Request, xml};
use crate::extract::document::{Extraction, Part, Problem, Segment};
use crate::extract::limits::Limits;
use std::collections::HashSet;

/// Most copies of one entry name read; more are reported unread.
pub const MAX_COPIES: usize = 4;

/// Bytes of the start of each XML part looked at for a DOCTYPE.
const PROLOG_BYTES: u64 = 64 * 1024;

/// Formats read out of a zip container.
pub fn is_package(format: Format) -> bool {
    matches!(
        format,
        Format::Docx
            | Format::Xlsx
            | Format::Pptx
            | Format::Odt
            | Format::Ods
            | Format::Odp
            | Format::Ofd
    )
}

/// Formats whose files are binary containers, never empty when whole.
fn is_binary(format: Format) -> bool {
    is_package(format)
        || matches!(
            format,
            Format::Pdf
                | Format::Zip
                | Format::Doc
                | Format::Xls
                | Format::Ppt
                | Format::Wps
                | Format::Encrypted
                | Format::Rtf
                | Format::Image
                | Format::Archive
        )
}

/// Whether `bytes` hold nothing at all: no bytes, or only blanks and NULs
/// (a file cut to nothing, or preallocated and never written).
pub fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b == 0 || b.is_ascii_whitespace())
}

/// `failed` for a file of a binary format that holds nothing.
pub fn empty_file(format: Format, bytes: &[u8]) -> Option<Extraction> {
    if !is_binary(format) || !is_blank(bytes) {
        return None;
    }
    let what = if bytes.is_empty() {
        "0 bytes".to_owned()
    } else {
        format!("{} bytes, all blank or NUL", bytes.len())
    };
    Some(Extraction::failed(format!(
        "empty file ({what}): a {} document cannot be empty; it was cut short or never written, so nothing was reviewed",
        format.as_str()
    )))
}

/// Runs `read` on a package, then the checks every package needs.
pub fn extract(
    format: Format,
    request: &Request<'_>,
    read: fn(Format, &Request<'_>) -> Extraction,
) -> Extraction {
    let shared = container::shared_names(request.bytes, request.limits);
    let mut out = if shared.is_empty() {
        read(format, request)
    } else {
        read_every_copy(format, request, read, &shared)
    };
    if let Ok(container) = Container::open(request.bytes, request.limits) {
        pictures_without_text(&container, &mut out);
        dtd_entities(&container, &mut out);
    }
    out
}

fn read_every_copy(
    format: Format,
    request: &Request<'_>,
    read: fn(Format, &Request<'_>) -> Extraction,
    shared: &[SharedName],
) -> Extraction {
    let most = shared.iter().map(|s| s.count).max().unwrap_or(1);
    let variants = most.clamp(1, MAX_COPIES);
    // All the reads together stay within the one document budget.
    let limits = Limits {
        max_document_bytes: request.limits.max_document_bytes / variants as u64,
        ..request.limits.clone()
    };
    let each = Request {
        limits: &limits,
        ..*request
    };
    let mut out = container::with_variant(0, || read(format, &each));
    for variant in 1..variants {
        let other = container::with_variant(variant, || read(format, &each));
        merge(&mut out, other);
    }
    for name in shared {
        let count = match name.count {
            2 => "two".to_owned(),
            n => n.to_string(),
        };
        let named = if name.spellings.len() > 1 {
            format!(
                "named {} (one part name to most readers, which differ in which they open)",
                name.spellings.join(", ")
            )
        } else {
            format!("named {}", name.name)
        };
        let read = if name.count <= MAX_COPIES {
            if name.count == 2 {
                "both read"
            } else {
                "all read"
            }
            .to_owned()
        } else {
            format!(
                "the first {MAX_COPIES} read, {} more not read",
                name.count - MAX_COPIES
            )
        };
        out.problems.push(Problem::partial(
            None,
            format!("{count} entries {named}: {read}; readers disagree about which one counts, so check the file by hand"),
        ));
    }
    out
}

/// Adds to `out` what `other` read that `out` does not already hold.
fn merge(out: &mut Extraction, other: Extraction) {
    let mut seen: HashSet<Segment> = out.segments.iter().cloned().collect();
    for segment in other.segments {
        if seen.insert(segment.clone()) {
            out.segments.push(segment);
        }
    }
    for problem in other.problems {
        if !out.problems.contains(&problem) {
            out.problems.push(problem);
        }
    }
    for notice in other.notices {
        if !out.notices.contains(&notice) {
            out.notices.push(notice);
        }
    }
    out.pages = out.pages.max(other.pages);
    if out.encoding.is_none() {
        out.encoding = other.encoding;
    }
}

/// File name endings of pictures.
const PICTURES: &[&str] = &[
    ".png", ".jpg", ".jpeg", ".jpe", ".gif", ".bmp", ".dib", ".tif", ".tiff", ".emf", ".wmf",
    ".emz", ".wmz", ".webp", ".svg", ".jp2", ".jpx", ".jb2", ".jbig2", ".pcx", ".ico", ".heic",
];

fn is_picture(lower: &str) -> bool {
    PICTURES.iter().any(|end| lower.ends_with(end))
        && !lower.starts_with("docprops/thumbnail")
        && !lower.starts_with("thumbnails/")
}

/// Whether a segment is text of the document, not a name or property the
/// package carries around it.
fn is_document_text(segment: &Segment) -> bool {
    !matches!(segment.part, Part::Metadata | Part::Filename)
        && segment.label.as_deref() != Some("alt text")
        && !segment.text.trim().is_empty()
}

/// `partial` when the package holds pictures and no text: the text is in
/// the pictures, which prepub cannot read (no OCR yet).
fn pictures_without_text(container: &Container<'_>, out: &mut Extraction) {
    let pictures = container
        .names()
        .iter()
        .filter(|name| is_picture(&name.to_lowercase()))
        .count();
    if pictures == 0 || out.segments.iter().any(is_document_text) {
        return;
    }
    let holds = if pictures == 1 {
        "1 picture".to_owned()
    } else {
        format!("{pictures} pictures")
    };
    out.problems.push(Problem::partial(
        None,
        format!("no text: the document holds {holds} and no text; needs OCR or manual review"),
    ));
}

/// Reviews the text of the internal DTD entities any XML part declares.
fn dtd_entities(container: &Container<'_>, out: &mut Extraction) {
    for name in container.names() {
        let lower = name.to_lowercase();
        if lower.ends_with('/') || is_picture(&lower) || lower.ends_with(".bin") {
            continue;
        }
        let Ok(head) = container.read_head(name, PROLOG_BYTES) else {
            continue;
        };
        let text = xml::decode(&head);
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        if !trimmed.starts_with('<') || !trimmed.contains("<!DOCTYPE") {
            continue;
        }
        let Some(doctype) = xml::doctype(trimmed) else {
            if head.len() as u64 >= PROLOG_BYTES {
                out.problems.push(Problem::partial(
                    Some(Part::Hidden.as_str().to_owned()),
                    format!(
                        "{name}: its DOCTYPE is longer than {PROLOG_BYTES} bytes and is not read"
                    ),
                ));
            }
            continue;
        };
        let mut entities = xml::Entities::declared_in(doctype);
        if entities.is_empty() {
            continue;
        }
        let lines: Vec<String> = entities
            .expanded()
            .into_iter()
            .map(|(_, text)| text.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|text| !text.is_empty())
            .collect();
        out.push(
            Segment::new(Part::Hidden, lines.join("\n"))
                .with_label(format!("DTD entities declared in {name}")),
        );
        if let Some(over) = entities.over {
            out.problems.push(Problem::partial(
                Some(Part::Hidden.as_str().to_owned()),
                format!("{name}: {over}"),
            ));
        }
    }
}
