//! What a PDF carries besides its pages' content: annotations (notes, free
//! text, stamps, their authors), form fields, bookmarks, link targets and
//! attached files.
//!
//! A reviewer's comment left in a note (`此处涉密，删除`), a stamp reading
//! `机密`, an attached spreadsheet: each is read into the `annotation` or
//! `attachment` part so the rules see it. Appearance streams are
//! interpreted too, because a stamp's visible text often exists only there.

use super::content::{self, Context, Rect};
use super::encodings::decode_text_string;
use super::geometry::{CoverArea, is_dark};
use super::layout;
use super::objects::{
    as_dict, get, get_array, get_dict, get_name, get_number, get_stream, numbers, reference_id,
    resolve,
};
use crate::extract::document::{Part, Segment};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::HashSet;

/// Annotations, fields or bookmarks followed before giving up.
const MAX_ITEMS: usize = 100_000;

/// An attached file found on a page or in the document's name tree.
#[derive(Debug, Clone)]
pub struct Attachment<'a> {
    pub name: String,
    pub page: Option<u32>,
    pub stream: Option<&'a Stream>,
    pub id: Option<ObjectId>,
}

#[derive(Default)]
pub struct PageAnnotations<'a> {
    pub segments: Vec<Segment>,
    pub covers: Vec<CoverArea>,
    pub attachments: Vec<Attachment<'a>>,
    /// Annotations with text (for the hidden-content notice).
    pub count: usize,
}

/// Reads the annotations of one page.
pub fn page_annotations<'a>(
    context: &Context<'a>,
    page_id: ObjectId,
    number: u32,
) -> PageAnnotations<'a> {
    let doc = context.doc;
    let mut out = PageAnnotations::default();
    let Ok(page) = doc.get_dictionary(page_id) else {
        return out;
    };
    let Some(annotations) = get_array(doc, page, b"Annots") else {
        return out;
    };
    let mut links = Vec::new();
    for item in annotations.iter().take(MAX_ITEMS) {
        let Some(annotation) = resolve(doc, item).and_then(as_dict) else {
            continue;
        };
        let subtype = get_name(doc, annotation, b"Subtype").unwrap_or(b"");
        match subtype {
            b"Widget" => continue,
            b"Popup" if annotation.has(b"Parent") => continue,
            b"Link" => {
                if let Some(target) = link_target(doc, annotation) {
                    links.push(target);
                }
                continue;
            }
            b"FileAttachment" => {
                if let Some(attachment) =
                    get(doc, annotation, b"FS").and_then(|spec| file_spec(doc, spec))
                {
                    out.attachments.push(Attachment {
                        page: Some(number),
                        ..attachment
                    });
                }
            }
            b"Redact" => {
                for rect in annotation_rects(doc, annotation) {
                    out.covers.push(CoverArea {
                        rect,
                        kind: "an unapplied Redact annotation",
                    });
                }
            }
            b"Square" | b"Polygon" | b"Circle" => {
                let interior = get_array(doc, annotation, b"IC").and_then(|c| numbers(doc, c));
                if is_opaque(doc, annotation) && interior.as_deref().is_some_and(is_dark) {
                    for rect in annotation_rects(doc, annotation) {
                        out.covers.push(CoverArea {
                            rect,
                            kind: "a filled dark annotation box",
                        });
                    }
                }
            }
            b"Highlight" => {
                let color = get_array(doc, annotation, b"C").and_then(|c| numbers(doc, c));
                if color.as_deref().is_some_and(is_dark) {
                    for rect in annotation_rects(doc, annotation) {
                        out.covers.push(CoverArea {
                            rect,
                            kind: "a dark highlight annotation",
                        });
                    }
                }
            }
            _ => {}
        }
        let mut lines: Vec<String> = Vec::new();
        let mut push = |text: String| {
            let text = text.trim().to_owned();
            if !text.is_empty() && !lines.contains(&text) {
                lines.push(text);
            }
        };
        if let Some(Object::Name(icon)) = get(doc, annotation, b"Name")
            && subtype == b"Stamp"
        {
            push(format!("stamp: {}", String::from_utf8_lossy(icon)));
        }
        for key in [&b"Subj"[..], b"Contents", b"OverlayText"] {
            if let Some(Object::String(bytes, _)) = get(doc, annotation, key) {
                push(one_paragraph_per_line(&decode_text_string(bytes)));
            }
        }
        if let Some(rich) = get(doc, annotation, b"RC").and_then(|rc| rich_text(context, rc)) {
            push(rich);
        }
        if let Some((stream, id)) = content::appearance_stream(doc, annotation) {
            let appearance = content::interpret_form(context, stream, id);
            push(layout::page_text(&appearance, |_, _| true));
        }
        if lines.is_empty() {
            continue;
        }
        out.count += 1;
        let mut segment = Segment::new(Part::Annotation, lines.join("\n")).on_page(number);
        segment.label = Some(label(doc, annotation, subtype));
        out.segments.push(segment);
    }
    if !links.is_empty() {
        out.segments.push(
            Segment::new(Part::Annotation, links.join("\n"))
                .on_page(number)
                .with_label("links"),
        );
    }
    out
}

/// Who and when, or what kind of annotation it is.
fn label(doc: &Document, annotation: &Dictionary, subtype: &[u8]) -> String {
    let author = match get(doc, annotation, b"T") {
        Some(Object::String(bytes, _)) => decode_text_string(bytes).trim().to_owned(),
        _ => String::new(),
    };
    let date =
        [&b"M"[..], b"CreationDate"]
            .iter()
            .find_map(|key| match get(doc, annotation, key) {
                Some(Object::String(bytes, _)) => pdf_date(bytes),
                _ => None,
            });
    let kind = String::from_utf8_lossy(subtype).into_owned();
    match (author.is_empty(), date) {
        (false, Some(date)) => format!("{author}, {date}"),
        (false, None) => author,
        (true, Some(date)) => format!("{kind}, {date}"),
        (true, None) => kind,
    }
}

/// `D:20240301120000+08'00'` → `2024-03-01`.
pub fn pdf_date(bytes: &[u8]) -> Option<String> {
    let text = decode_text_string(bytes);
    let digits: String = text
        .trim_start_matches("D:")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (digits.len() >= 8).then(|| format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..8]))
}

fn one_paragraph_per_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text of a rich-text (XHTML) annotation body, tags removed.
fn rich_text(context: &Context<'_>, object: &Object) -> Option<String> {
    let markup = match resolve(context.doc, object)? {
        Object::String(bytes, _) => decode_text_string(bytes),
        Object::Stream(stream) => {
            let bytes = context.budget.decode(stream).ok()?;
            decode_text_string(&bytes)
        }
        _ => return None,
    };
    let mut text = String::new();
    let mut in_tag = false;
    for ch in markup.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(ch),
            _ => {}
        }
    }
    let text = text
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

fn is_opaque(doc: &Document, annotation: &Dictionary) -> bool {
    get_number(doc, annotation, b"CA").is_none_or(|alpha| alpha >= 0.999)
}

/// The areas an annotation marks: its quadrilaterals, else its rectangle.
fn annotation_rects(doc: &Document, annotation: &Dictionary) -> Vec<Rect> {
    if let Some(points) = get_array(doc, annotation, b"QuadPoints").and_then(|q| numbers(doc, q))
        && points.len() >= 8
    {
        return points
            .chunks_exact(8)
            .map(|quad| {
                Rect::from_points(&[
                    (quad[0], quad[1]),
                    (quad[2], quad[3]),
                    (quad[4], quad[5]),
                    (quad[6], quad[7]),
                ])
            })
            .filter(|rect| rect.is_finite() && rect.area() > 0.0)
            .collect();
    }
    get_array(doc, annotation, b"Rect")
        .and_then(|r| numbers(doc, r))
        .and_then(|values| match values.as_slice() {
            [x0, y0, x1, y1] => Some(Rect::from_corners(*x0, *y0, *x1, *y1)),
            _ => None,
        })
        .filter(|rect| rect.is_finite() && rect.area() > 0.0)
        .into_iter()
        .collect()
}

fn link_target(doc: &Document, annotation: &Dictionary) -> Option<String> {
    let action = get_dict(doc, annotation, b"A")?;
    match get_name(doc, action, b"S")? {
        b"URI" => match get(doc, action, b"URI")? {
            Object::String(bytes, _) => Some(decode_text_string(bytes)),
            _ => None,
        },
        b"Launch" | b"GoToR" | b"GoToE" => {
            let spec = get(doc, action, b"F")?;
            file_spec(doc, spec).map(|file| format!("file: {}", file.name))
        }
        _ => None,
    }
}

/// A file specification: a string, or a dictionary with names and maybe an
/// embedded stream.
fn file_spec<'a>(doc: &'a Document, object: &'a Object) -> Option<Attachment<'a>> {
    match resolve(doc, object)? {
        Object::String(bytes, _) => Some(Attachment {
            name: decode_text_string(bytes),
            page: None,
            stream: None,
            id: None,
        }),
        Object::Dictionary(spec) => {
            let name = [&b"UF"[..], b"F", b"DOS", b"Unix", b"Mac"]
                .iter()
                .find_map(|key| match get(doc, spec, key) {
                    Some(Object::String(bytes, _)) => Some(decode_text_string(bytes)),
                    _ => None,
                })
                .unwrap_or_else(|| String::from("(unnamed attachment)"));
            let embedded = get_dict(doc, spec, b"EF");
            let entry = embedded.and_then(|ef| ef.get(b"UF").or_else(|_| ef.get(b"F")).ok());
            let stream = embedded
                .and_then(|ef| get_stream(doc, ef, b"UF").or_else(|| get_stream(doc, ef, b"F")));
            Some(Attachment {
                name,
                page: None,
                stream,
                id: entry.and_then(reference_id),
            })
        }
        _ => None,
    }
}

/// Files in the document's `/EmbeddedFiles` name tree.
pub fn embedded_files(doc: &Document) -> Vec<Attachment<'_>> {
    let mut files = Vec::new();
    let Ok(catalog) = doc.catalog() else {
        return files;
    };
    let Some(tree) =
        get_dict(doc, catalog, b"Names").and_then(|names| get_dict(doc, names, b"EmbeddedFiles"))
    else {
        return files;
    };
    let mut seen = HashSet::new();
    let mut stack = vec![tree];
    while let Some(node) = stack.pop() {
        if files.len() >= MAX_ITEMS {
            break;
        }
        if let Some(names) = get_array(doc, node, b"Names") {
            for pair in names.chunks(2) {
                if let [key, value] = pair
                    && let Some(mut file) = file_spec(doc, value)
                {
                    if file.name == "(unnamed attachment)"
                        && let Some(Object::String(bytes, _)) = resolve(doc, key)
                    {
                        file.name = decode_text_string(bytes);
                    }
                    files.push(file);
                }
            }
        }
        for kid in get_array(doc, node, b"Kids").unwrap_or(&[]) {
            if let Some(id) = reference_id(kid)
                && !seen.insert(id)
            {
                continue;
            }
            if let Some(kid) = resolve(doc, kid).and_then(as_dict)
                && stack.len() < MAX_ITEMS
            {
                stack.push(kid);
            }
        }
    }
    files
}

/// Bookmark titles, depth first, one per line.
pub fn outline_titles(doc: &Document) -> Vec<String> {
    let mut titles = Vec::new();
    let Ok(catalog) = doc.catalog() else {
        return titles;
    };
    let Some(outlines) = get_dict(doc, catalog, b"Outlines") else {
        return titles;
    };
    let mut seen = HashSet::new();
    // (item, depth) pairs; an item's siblings are pushed as it is visited.
    let mut stack: Vec<(&Object, usize)> = Vec::new();
    if let Ok(first) = outlines.get(b"First") {
        stack.push((first, 0));
    }
    while let Some((object, depth)) = stack.pop() {
        if titles.len() >= MAX_ITEMS || depth > 64 {
            break;
        }
        if let Some(id) = reference_id(object)
            && !seen.insert(id)
        {
            continue;
        }
        let Some(item) = resolve(doc, object).and_then(as_dict) else {
            continue;
        };
        if let Some(Object::String(bytes, _)) = get(doc, item, b"Title") {
            let title = decode_text_string(bytes)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if !title.is_empty() {
                titles.push(title);
            }
        }
        if let Ok(next) = item.get(b"Next") {
            stack.push((next, depth));
        }
        if let Ok(first) = item.get(b"First") {
            stack.push((first, depth + 1));
        }
    }
    titles
}

/// Form fields with values, as (page, `name: value`) — page from the
/// widget's `/P` or from which page lists it.
pub fn form_fields(
    doc: &Document,
    widget_pages: &std::collections::HashMap<ObjectId, u32>,
) -> Vec<(Option<u32>, String)> {
    let mut out = Vec::new();
    let Ok(catalog) = doc.catalog() else {
        return out;
    };
    let Some(form) = get_dict(doc, catalog, b"AcroForm") else {
        return out;
    };
    let mut seen = HashSet::new();
    let mut stack: Vec<(&Object, String)> = get_array(doc, form, b"Fields")
        .unwrap_or(&[])
        .iter()
        .rev()
        .map(|field| (field, String::new()))
        .collect();
    let page_numbers: std::collections::HashMap<ObjectId, u32> = doc
        .get_pages()
        .into_iter()
        .map(|(number, id)| (id, number))
        .collect();
    while let Some((object, parent_name)) = stack.pop() {
        if out.len() >= MAX_ITEMS || seen.len() >= MAX_ITEMS {
            break;
        }
        let id = reference_id(object);
        if let Some(id) = id
            && !seen.insert(id)
        {
            continue;
        }
        let Some(field) = resolve(doc, object).and_then(as_dict) else {
            continue;
        };
        let partial = match get(doc, field, b"T") {
            Some(Object::String(bytes, _)) => decode_text_string(bytes),
            _ => String::new(),
        };
        let name = match (parent_name.is_empty(), partial.is_empty()) {
            (true, _) => partial,
            (false, true) => parent_name.clone(),
            (false, false) => format!("{parent_name}.{partial}"),
        };
        let value = field_value(doc, field);
        if let Some(value) = value {
            let page = field
                .get(b"P")
                .ok()
                .and_then(reference_id)
                .and_then(|page| page_numbers.get(&page).copied())
                .or_else(|| id.and_then(|id| widget_pages.get(&id).copied()))
                .or_else(|| {
                    // The value sits on the field; its widgets are its kids.
                    get_array(doc, field, b"Kids")
                        .unwrap_or(&[])
                        .iter()
                        .filter_map(reference_id)
                        .find_map(|kid| widget_pages.get(&kid).copied())
                });
            let label = if name.is_empty() {
                String::from("(field)")
            } else {
                name.clone()
            };
            out.push((page, format!("{label}: {value}")));
        }
        for kid in get_array(doc, field, b"Kids").unwrap_or(&[]).iter().rev() {
            stack.push((kid, name.clone()));
        }
    }
    out
}

fn field_value(doc: &Document, field: &Dictionary) -> Option<String> {
    let value = match get(doc, field, b"V")? {
        Object::String(bytes, _) => decode_text_string(bytes),
        Object::Name(name) if name != b"Off" => String::from_utf8_lossy(name).into_owned(),
        Object::Array(items) => items
            .iter()
            .filter_map(|item| match resolve(doc, item)? {
                Object::String(bytes, _) => Some(decode_text_string(bytes)),
                Object::Name(name) => Some(String::from_utf8_lossy(name).into_owned()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("; "),
        Object::Stream(stream) => {
            // Rich-text values can be streams; keep them short and plain.
            decode_text_string(&stream.content)
                .chars()
                .take(10_000)
                .collect()
        }
        _ => return None,
    };
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    (!value.is_empty()).then_some(value)
}

/// Which page lists each widget annotation, for fields without `/P`.
pub fn widget_pages(doc: &Document) -> std::collections::HashMap<ObjectId, u32> {
    let mut map = std::collections::HashMap::new();
    for (number, page_id) in doc.get_pages() {
        let Ok(page) = doc.get_dictionary(page_id) else {
            continue;
        };
        for item in get_array(doc, page, b"Annots")
            .unwrap_or(&[])
            .iter()
            .take(MAX_ITEMS)
        {
            if let Some(id) = reference_id(item) {
                map.insert(id, number);
            }
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_darkness() {
        assert_eq!(
            pdf_date(b"D:20240301120000+08'00'").as_deref(),
            Some("2024-03-01")
        );
        assert_eq!(pdf_date(b"yesterday"), None);
        assert!(is_dark(&[0.0]));
        assert!(is_dark(&[0.1, 0.1, 0.2]));
        assert!(!is_dark(&[1.0, 1.0, 0.0]));
        assert!(is_dark(&[0.0, 0.0, 0.0, 1.0]));
        assert!(!is_dark(&[]));
    }
}
