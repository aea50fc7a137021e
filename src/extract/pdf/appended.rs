//! Data appended after the PDF's end: a polyglot.
//!
//! Viewers stop at the PDF's last `%%EOF`, but whatever follows it is
//! published with the file: a zip archive appended to a PDF is a valid
//! archive as well (zip readers find their directory at the end), and
//! anything else there is a document no viewer shows. So what follows is
//! read as content of this document — a zip's members and any other
//! document through their own readers, as attachments — and reported
//! (`hidden.pdf.appended-data`); what cannot be read makes the extraction
//! `partial`. A few bytes of white space or padding are not reported.

use super::streams::Budget;
use crate::extract::document::{Category, Extraction, Notice, Part, Problem, Severity};
use crate::extract::{Format, Request, archive, detect, embedded};

/// Appended bytes, past white space and NULs, at most this long are padding.
const MAX_PADDING: usize = 16;

/// The zip archive at the end of `bytes`, from its end-of-directory record:
/// where it starts.
fn zip_start(bytes: &[u8]) -> Option<usize> {
    let search_from = bytes.len().saturating_sub(22 + 65_535);
    let eocd = search_from
        + bytes[search_from..]
            .windows(4)
            .rposition(|window| window == b"PK\x05\x06")?;
    let record = bytes.get(eocd..eocd + 22)?;
    let size = u32::from_le_bytes(record[12..16].try_into().ok()?) as usize;
    let offset = u32::from_le_bytes(record[16..20].try_into().ok()?) as usize;
    let start = eocd.checked_sub(size)?.checked_sub(offset)?;
    bytes[start..].starts_with(b"PK\x03\x04").then_some(start)
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|window| window == needle)
}

/// Reads what follows the PDF's end into `extraction`.
pub fn read(request: &Request<'_>, budget: &Budget, extraction: &mut Extraction) {
    let bytes = request.bytes;
    // A zip whose directory says it starts after a %%EOF of the PDF.
    let zip = zip_start(bytes).filter(|&start| find_last(&bytes[..start], b"%%EOF").is_some());
    let (start, kind) = match zip {
        Some(start) => (start, "a zip archive"),
        None => {
            let Some(eof) = find_last(bytes, b"%%EOF") else {
                return;
            };
            (eof + 5, "")
        }
    };
    let tail = &bytes[start..];
    let content = tail.trim_ascii();
    let content_len = content.iter().filter(|&&byte| byte != 0).count();
    if zip.is_none() && content_len <= MAX_PADDING {
        return;
    }
    let format = if zip.is_some() {
        Format::Zip
    } else {
        detect(content, "")
    };
    let kind = if kind.is_empty() {
        match format {
            Format::Unknown => "data of no known format",
            Format::Text | Format::Txt => "text",
            _ => "a document",
        }
    } else {
        kind
    };
    let what = format!(
        "the {} bytes appended after the PDF's end (%%EOF)",
        tail.len()
    );
    extraction.notices.push(Notice {
        rule: String::from("hidden.pdf.appended-data"),
        category: Category::Hidden,
        severity: Severity::Review,
        message: format!(
            "{what} hold {kind}: viewers do not show it, but it is published with the file (a polyglot)"
        ),
        part: Part::Attachment,
        page: None,
        text: String::new(),
    });
    let problem =
        |message: String| Problem::partial(Some(Part::Attachment.as_str().to_owned()), message);
    // Read or not, it is not the document a viewer shows: never `pass`.
    extraction.problems.push(problem(format!(
        "{what} hold {kind}, which is not part of the PDF a viewer shows: it was read as far as it could be, but remove it before publication or review it separately"
    )));
    if format == Format::Unknown {
        extraction.problems.push(problem(format!(
            "{what} are {kind} and could not be read: review them separately"
        )));
        return;
    }
    if format != Format::Zip {
        embedded::read(request, &what, "appended", content, extraction);
        return;
    }
    let limits = crate::extract::limits::Limits {
        max_document_bytes: budget.remaining(),
        ..request.limits.clone()
    };
    match archive::members(tail, &limits) {
        Ok(members) => {
            for member in members {
                let label = format!("{} in the zip appended after the PDF's end", member.name);
                match member.content {
                    Ok(data) => {
                        budget.charge(data.len() as u64);
                        embedded::read(request, &label, &member.name, &data, extraction);
                    }
                    Err(why) => extraction.problems.push(problem(format!(
                        "{label} could not be read ({why}): review it separately"
                    ))),
                }
            }
        }
        Err(why) => extraction.problems.push(problem(format!(
            "{what} are a zip archive that could not be read ({why}): review it separately"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zip_is_found_from_its_directory_after_the_pdf() {
        let mut zip = Vec::new();
        {
            let mut writer = zip::ZipWriter::new(std::io::Cursor::new(&mut zip));
            writer
                .start_file("a.txt", zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut writer, b"%%EOF inside").unwrap();
            writer.finish().unwrap();
        }
        let mut file = b"%PDF-1.4\n1 0 obj 1 endobj\n%%EOF\n".to_vec();
        let start = file.len();
        file.extend_from_slice(&zip);
        assert_eq!(zip_start(&file), Some(start));
        assert_eq!(zip_start(b"%PDF-1.4\n%%EOF\n"), None);
    }
}
