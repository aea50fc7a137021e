//! Extraction: file bytes → located text segments.
//!
//! Takes a file's bytes and the [`limits::Limits`] every reader is bound by;
//! gives an [`document::Extraction`] — located segments, the problems met
//! while reading (anything not read in full), and notices of hidden content.
//!
//! One module per format, each exposing `extract(&Request) -> Extraction` and
//! nothing else the pipeline depends on, so a format library can be swapped
//! without touching matching, review or reporting. [`detect`] decides the
//! format from the content (extension only as a tie-breaker), and
//! [`extract`] dispatches.

pub mod archive;
pub mod container;
mod detect;
pub mod doc;
pub mod document;
pub mod docx;
pub mod embedded;
mod fields;
pub mod html;
pub mod legacy;
pub mod limits;
pub mod members;
pub mod mime;
pub mod ocr;
pub mod odf;
pub mod ofd;
pub mod ole;
pub mod ole_objects;
pub mod ole_properties;
mod package;
pub mod pdf;
pub mod people;
pub mod picture;
pub mod ppt;
pub mod pptx;
pub mod properties;
pub mod rtf;
#[cfg(test)]
mod testing;
pub mod text;
pub mod xls;
pub mod xlsx;
pub mod xml;

pub use detect::{Format, detect};

use crate::extract::document::Extraction;
use crate::extract::limits::{Deadline, Limits};

/// What an extractor is given: the whole file and the limits to respect.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub bytes: &'a [u8],
    /// The document's display name (for messages and the `filename` part).
    pub name: &'a str,
    pub limits: &'a Limits,
    pub deadline: Deadline,
    /// Passwords to try on encrypted documents (`--password`).
    pub passwords: &'a [String],
}

/// Reads one document of a known format.
///
/// Formats prepub cannot read come back as a `failed` extraction whose
/// message says what the file is and what to do about it, so the document is
/// reported for manual review and never silently dropped.
pub fn extract(format: Format, request: &Request<'_>) -> Extraction {
    if let Some(empty) = package::empty_file(format, request.bytes) {
        return empty;
    }
    let extraction = if package::is_package(format) {
        package::extract(format, request, dispatch)
    } else {
        dispatch(format, request)
    };
    finish(format, extraction)
}

/// Whether `format` is plain text, read by [`extract_plain_text`].
pub fn is_plain_text(format: Format) -> bool {
    matches!(
        format,
        Format::Txt | Format::Md | Format::Csv | Format::Log | Format::Text
    )
}

/// [`extract`] of a plain-text document ([`is_plain_text`]) whose bytes the
/// caller gives up: a large text file becomes its text without being held
/// twice (see [`text::extract_owned`]).
pub fn extract_plain_text(format: Format, bytes: Vec<u8>) -> Extraction {
    debug_assert!(is_plain_text(format), "{format} is not plain text");
    finish(format, text::extract_owned(bytes))
}

/// What every extraction gets once its reader is done.
fn finish(format: Format, mut extraction: Extraction) -> Extraction {
    people::note_people(format, &mut extraction);
    extraction.compact_problems();
    extraction
}

fn dispatch(format: Format, request: &Request<'_>) -> Extraction {
    match format {
        plain if is_plain_text(plain) => text::extract(request),
        Format::Pdf => pdf::extract(request),
        Format::Ofd => ofd::extract(request),
        Format::Html => html::extract(request),
        Format::Mail => mime::extract(request),
        Format::Xlsx => xlsx::extract(request),
        Format::Pptx => pptx::extract(request),
        Format::Odt | Format::Ods | Format::Odp => odf::extract(request),
        Format::Docx => docx::extract(request),
        Format::Doc | Format::Xls | Format::Ppt | Format::Wps => legacy::extract(format, request),
        Format::Rtf => rtf::extract(request),
        Format::Image => picture::extract(request),
        // An OLE compound file holding no office document says what it is.
        Format::Unknown if request.bytes.starts_with(ole::MAGIC) => {
            legacy::extract(format, request)
        }
        other => Extraction::failed(other.unsupported_reason()),
    }
}
