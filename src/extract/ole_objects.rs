//! Objects embedded in OLE documents: the `ObjectPool` storage of a .doc
//! (and the `MBD…` storages of an .xls), each one storage per object.
//!
//! An object is published with its host, so each is read as a document of
//! its own through [`super::embedded`] and reported as `attachment`:
//! - a `Package` stream holds an OOXML file (.docx/.xlsx/.pptx);
//! - `\x01Ole10Native` holds a packaged file (its name and bytes);
//! - a storage with `WordDocument`, `Workbook`/`Book` or
//!   `PowerPoint Document` is a whole legacy document, copied into a
//!   compound file of its own;
//! - a `CONTENTS` stream holds the object's native bytes (often a PDF).
//!
//! Anything else (an equation, a chart, a picture-only object) cannot be
//! read as text: the host becomes `partial`, naming the object and its type.

use super::Request;
use super::ole::{Ole, u32_at};
use crate::extract::document::{Extraction, Part, Problem};

/// Reads every embedded object of `ole` into `out`.
pub fn read(ole: &Ole<'_>, request: &Request<'_>, out: &mut Extraction) {
    let mut storages: Vec<String> = ole
        .children("ObjectPool")
        .into_iter()
        .filter(|e| !e.is_stream)
        .map(|e| e.path.clone())
        .collect();
    storages.extend(
        ole.children("")
            .into_iter()
            .filter(|e| !e.is_stream && e.path.starts_with("MBD"))
            .map(|e| e.path.clone()),
    );
    for storage in storages {
        read_one(ole, request, &storage, out);
    }
}

fn read_one(ole: &Ole<'_>, request: &Request<'_>, storage: &str, out: &mut Extraction) {
    let what = format!("embedded object {storage}");
    let has = |name: &str| ole.has_stream(&format!("{storage}/{name}"));
    let problem = |out: &mut Extraction, message: String| {
        out.problems.push(Problem::partial(
            Some(Part::Attachment.as_str().to_owned()),
            message,
        ));
    };
    let read = |name: &str| ole.read(&format!("{storage}/{name}"));
    if has("Package") {
        match read("Package") {
            Ok(bytes) => super::embedded::read(request, &what, "Package", &bytes, out),
            Err(error) => problem(out, format!("{what}: {error}")),
        }
        return;
    }
    if has("\u{1}Ole10Native") {
        match read("\u{1}Ole10Native") {
            Ok(bytes) => match ole10_native(&bytes) {
                Some((name, data)) => {
                    let what = if name.is_empty() {
                        what
                    } else {
                        format!("{what} ({name})")
                    };
                    super::embedded::read(request, &what, &name, data, out)
                }
                None => problem(
                    out,
                    format!("{what}: its packaged file (Ole10Native) is damaged and is not read"),
                ),
            },
            Err(error) => problem(out, format!("{what}: {error}")),
        }
        return;
    }
    if ["WordDocument", "Workbook", "Book", "PowerPoint Document"]
        .iter()
        .any(|name| has(name))
    {
        let name = if has("WordDocument") {
            "object.doc"
        } else if has("PowerPoint Document") {
            "object.ppt"
        } else {
            "object.xls"
        };
        match ole.storage_as_file(storage) {
            Ok(bytes) => super::embedded::read(request, &what, name, &bytes, out),
            Err(error) => problem(out, format!("{what}: {error}")),
        }
        return;
    }
    if has("CONTENTS") {
        match read("CONTENTS") {
            Ok(bytes) => super::embedded::read(request, &what, "CONTENTS", &bytes, out),
            Err(error) => problem(out, format!("{what}: {error}")),
        }
        return;
    }
    let kind = read("\u{1}CompObj")
        .ok()
        .and_then(|bytes| user_type(&bytes))
        .unwrap_or_else(|| "unknown type".into());
    problem(
        out,
        format!(
            "{what} ({kind}) holds no text prepub can read: open the document and check the object by hand"
        ),
    );
}

/// The packaged file of an `\x01Ole10Native` stream: its label and bytes.
fn ole10_native(bytes: &[u8]) -> Option<(String, &[u8])> {
    let total = u32_at(bytes, 0)? as usize;
    let body = bytes.get(4..4usize.checked_add(total)?.min(bytes.len()))?;
    // Packager layout: u16, label\0, path\0, u32, u32, temp path len + path,
    // data len, data. Objects that are not packages hold their data raw.
    if body.len() < 2 || body[0] != 2 || body[1] != 0 {
        return Some((String::new(), body));
    }
    let mut at = 2;
    let label_end = at + body.get(at..)?.iter().position(|&b| b == 0)?;
    let label = String::from_utf8_lossy(&body[at..label_end]).into_owned();
    at = label_end + 1;
    let path_end = at + body.get(at..)?.iter().position(|&b| b == 0)?;
    at = path_end + 1 + 4;
    let temp_len = u32_at(body, at)? as usize;
    at = at.checked_add(4 + temp_len)?;
    let data_len = u32_at(body, at)? as usize;
    let data = body.get(at + 4..(at + 4).checked_add(data_len)?)?;
    Some((label, data))
}

/// The user type ("Microsoft Equation 3.0") of a `\x01CompObj` stream.
fn user_type(bytes: &[u8]) -> Option<String> {
    let len = u32_at(bytes, 28)? as usize;
    let text = bytes.get(32..32 + len.min(256))?;
    let text = String::from_utf8_lossy(text);
    let text = text.trim_end_matches('\0').trim();
    (!text.is_empty()).then(|| text.to_owned())
}
