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
//! - **Pictures.** Every picture entry of the package goes to the OCR
//!   stage, whether or not the reader met it (unreferenced media, `Res`
//!   images, the thumbnail of the first page).
//! - **DTD internal entities** declared in any XML part: their text is what
//!   a reader shows where the entity is used, so it is reviewed as `hidden`
//!   text whichever reader parses the part.

use super::container::{self, Container, SharedName};
use super::{Format, Request, xml};
use crate::extract::document::{Extraction, Part, Problem, Segment};
use crate::extract::limits::Limits;
use crate::extract::picture::{Picture, PicturePlace, has_picture_name};
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
        hand_over_pictures(&container, &mut out);
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
    for picture in other.pictures {
        if !out.pictures.contains(&picture) {
            out.pictures.push(picture);
        }
    }
    out.pages = out.pages.max(other.pages);
    if out.encoding.is_none() {
        out.encoding = other.encoding;
    }
}

fn is_picture(lower: &str) -> bool {
    has_picture_name(lower)
}

/// A thumbnail the producer saved of the first page: it shows the page as
/// last saved, which can differ from the text.
fn is_thumbnail(lower: &str) -> bool {
    lower.starts_with("docprops/thumbnail") || lower.starts_with("thumbnails/")
}

/// Hands every picture of the package to the OCR stage that the format's
/// reader did not hand over itself (with a better place): media parts no
/// reader knows the place of, images of an OFD's `Res` folders, ODF
/// `Pictures/`, and the thumbnail of the first page. A picture published
/// with the file is read whether or not anything shows it.
fn hand_over_pictures(container: &Container<'_>, out: &mut Extraction) {
    let known: HashSet<String> = out
        .pictures
        .iter()
        .map(|picture| picture.place.name.to_lowercase())
        .collect();
    for name in container.names() {
        let lower = name.to_lowercase();
        if lower.ends_with('/') || !is_picture(&lower) || known.contains(&lower) {
            continue;
        }
        let place = if is_thumbnail(&lower) {
            PicturePlace::new(Part::Metadata, name.as_str())
                .with_role("thumbnail of the first page as last saved")
        } else {
            PicturePlace::new(Part::Body, name.as_str())
        };
        match container.read(name) {
            Ok(bytes) => out.push_picture(Picture::new(place, bytes)),
            Err(why) => out.problems.push(Problem::partial(
                Some(Part::Image.as_str().to_owned()),
                format!("picture {name} not read: {why}"),
            )),
        }
    }
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
