//! Documents inside documents: OFD attachments, objects embedded in
//! spreadsheets and slides.
//!
//! An embedded document is published with its host, so it is read with the
//! extractor of its own format and its text reported as `attachment`, with
//! the embedded name as the label. Whatever cannot be read (a legacy OLE
//! object, an unknown blob, nesting too deep) makes the host `partial`: a
//! reviewer must open it by hand.
//!
//! Nesting is bounded per thread (one document is extracted on one thread)
//! so a document embedding itself, or a chain of them, cannot recurse
//! without end.

use super::{Format, Request, detect, xml};
use crate::extract::document::{Extraction, Part, Problem, Segment};
use std::cell::Cell;

/// Deepest chain of documents inside documents that is opened.
pub const MAX_NESTING: usize = 3;

thread_local! {
    static NESTING: Cell<usize> = const { Cell::new(0) };
}

/// Reads an embedded document into `out` as `attachment` segments.
///
/// `what` says what the host calls it in messages ("OFD attachment 名单",
/// "embedded object xl/embeddings/oleObject1.bin"); `file_name` (with an
/// extension where known) helps format detection.
pub fn read(
    request: &Request<'_>,
    what: &str,
    file_name: &str,
    bytes: &[u8],
    out: &mut Extraction,
) {
    let label = what.to_owned();
    if looks_like_xml(bytes) {
        let parsed = xml::parse_bytes(bytes, request.limits.max_depth);
        if parsed.document().name != "html" {
            if parsed.error.is_some() {
                out.problems.push(Problem::partial(
                    Some(Part::Attachment.as_str().to_owned()),
                    format!("{what} is malformed XML; part of it is not read"),
                ));
            }
            let lines = xml::leaf_lines(parsed.document());
            out.push(Segment::new(Part::Attachment, lines.join("\n")).with_label(label));
            return;
        }
    }
    let depth = NESTING.with(Cell::get);
    if depth >= MAX_NESTING {
        out.problems.push(Problem::partial(
            Some(Part::Attachment.as_str().to_owned()),
            format!(
                "{what} is nested more than {MAX_NESTING} documents deep and is not opened: extract it and review it separately"
            ),
        ));
        return;
    }
    let format = detect(bytes, file_name);
    if format == Format::Unknown
        && bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
    {
        out.problems.push(Problem::partial(
            Some(Part::Attachment.as_str().to_owned()),
            format!("{what} is an OLE object prepub cannot read: open the document, extract the object and review it by hand"),
        ));
        return;
    }
    if format == Format::Zip {
        out.problems.push(Problem::partial(
            Some(Part::Attachment.as_str().to_owned()),
            format!("{what} is a zip archive, which is not opened inside a document: extract it and review it separately"),
        ));
        return;
    }
    let nested = Request {
        bytes,
        name: file_name,
        ..*request
    };
    NESTING.with(|nesting| nesting.set(depth + 1));
    let inner = super::extract(format, &nested);
    NESTING.with(|nesting| nesting.set(depth));
    for segment in inner.segments {
        out.push(Segment {
            part: Part::Attachment,
            label: Some(match &segment.label {
                Some(inner_label) => format!("{label}: {} {inner_label}", segment.part),
                None => format!("{label}: {}", segment.part),
            }),
            ..segment
        });
    }
    for problem in inner.problems {
        out.problems.push(Problem::partial(
            Some(Part::Attachment.as_str().to_owned()),
            format!("{what}: {}", problem.message),
        ));
    }
    out.notices.extend(inner.notices);
    // Its pictures are the host's: OCR reads them with the host's, located
    // as inside the embedded document.
    for mut picture in inner.pictures {
        picture.place.part = Part::Attachment;
        picture.place.whole_document = false;
        picture.place.name = if picture.place.name.is_empty() {
            what.to_owned()
        } else {
            format!("{what}: {}", picture.place.name)
        };
        out.push_picture(picture);
    }
}

fn looks_like_xml(bytes: &[u8]) -> bool {
    let head = xml::decode(&bytes[..bytes.len().min(512)]);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with("<?xml") || (head.starts_with('<') && !head[1..].starts_with('!'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::document::ExtractionStatus;
    use crate::extract::limits::{Deadline, Limits};

    fn read_one(bytes: &[u8], file_name: &str) -> Extraction {
        let limits = Limits::default();
        let request = Request {
            bytes: b"",
            name: "host",
            limits: &limits,
            deadline: Deadline::never(),
            passwords: &[],
        };
        let mut out = Extraction::default();
        read(&request, "embedded thing", file_name, bytes, &mut out);
        out
    }

    #[test]
    fn xml_becomes_name_value_lines() {
        let out = read_one("<a><Name>张三</Name><Id>1</Id></a>".as_bytes(), "x.xml");
        assert_eq!(out.segments[0].text, "Name: 张三\nId: 1");
        assert_eq!(out.segments[0].part, Part::Attachment);
    }

    #[test]
    fn text_goes_through_its_extractor() {
        let out = read_one("内部资料".as_bytes(), "note.txt");
        assert_eq!(out.segments[0].text, "内部资料");
        assert_eq!(
            out.segments[0].label.as_deref(),
            Some("embedded thing: body")
        );
        assert_eq!(out.status(), ExtractionStatus::Complete);
    }

    #[test]
    fn unreadable_objects_make_the_host_partial() {
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        let out = read_one(&ole, "oleObject1.bin");
        assert_eq!(out.status(), ExtractionStatus::Partial);
        assert!(
            out.problems[0].message.contains("OLE object"),
            "{:?}",
            out.problems
        );
        let mut word = ole.to_vec();
        word.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        let out = read_one(&word, "oleObject2.bin");
        assert_eq!(out.status(), ExtractionStatus::Partial);
        assert!(
            out.problems[0]
                .message
                .starts_with("embedded thing: legacy binary Word")
        );
    }

    #[test]
    fn nesting_is_bounded() {
        NESTING.with(|n| n.set(MAX_NESTING));
        let out = read_one(b"plain", "a.txt");
        NESTING.with(|n| n.set(0));
        assert!(out.problems[0].message.contains("nested"));
    }
}
