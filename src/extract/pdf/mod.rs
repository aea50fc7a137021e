//! PDF: the text of every page, and everything else a PDF carries.
//!
//! lopdf is the object model (robust parsing, xref repair, decryption);
//! prepub interprets the content streams itself ([`content`]) because the
//! page text, the glyph positions for the failed-redaction check and the
//! form XObjects all need it. Per page: one `body` segment with the page's
//! lines; a quality check that makes the extraction `partial` when the text
//! layer is garbage or missing (a scan).
//!
//! Limits: stream decoding is capped per stream and per document
//! ([`streams::Budget`]), the object count before and after parsing, the
//! operations per page, form nesting (`--max-depth`), and the document
//! deadline is checked between pages and inside the interpreter.

mod cmap;
mod collections;
mod content;
mod encodings;
mod fonts;
mod layout;
mod lexer;
mod load;
mod objects;
mod quality;
mod streams;
mod truetype;

use super::Request;
use crate::document::{Category, Extraction, Notice, Part, Problem, Segment, Severity};
use content::Context;
use load::Protection;
use streams::Budget;

pub fn extract(request: &Request<'_>) -> Extraction {
    let limits = request.limits;
    let opened = match load::open(request.bytes, limits, request.passwords) {
        Ok(opened) => opened,
        Err(message) => return Extraction::failed(message),
    };
    let doc = &opened.doc;
    let mut extraction = Extraction::default();
    match opened.protection {
        Protection::None => {}
        Protection::OwnerPasswordOnly => extraction.notices.push(Notice {
            rule: String::from("metadata.pdf.owner-password"),
            category: Category::Metadata,
            severity: Severity::Info,
            message: String::from(
                "the file is encrypted with an owner password only (copy/print restrictions); it opens without a password and was read in full",
            ),
            part: Part::Metadata,
            page: None,
            text: String::new(),
        }),
        Protection::UserPassword => extraction.notices.push(Notice {
            rule: String::from("metadata.pdf.user-password"),
            category: Category::Metadata,
            severity: Severity::Info,
            message: String::from("the file is encrypted; it was opened with a password supplied by the user"),
            part: Part::Metadata,
            page: None,
            text: String::new(),
        }),
    }

    let budget = Budget::new(limits);
    let context = Context::new(doc, &budget, request.deadline, limits.max_depth);
    let pages = doc.get_pages();
    extraction.pages = Some(pages.len() as u32);
    if pages.is_empty() {
        extraction.problems.push(Problem::failed(
            "the PDF has no readable pages (damaged page tree)",
        ));
    }
    let page_count = pages.len();
    for (number, page_id) in pages {
        if request.deadline.passed() {
            extraction.problems.push(Problem::partial(
                None,
                format!(
                    "time budget of {} s exceeded: pages {number}–{page_count} were not read (--timeout)",
                    limits.time_budget.as_secs()
                ),
            ));
            break;
        }
        read_page(&context, number, page_id, &mut extraction);
    }
    for message in budget.hits() {
        extraction.problems.push(Problem::partial(None, message));
    }
    extraction
}

/// Reads one page into segments, problems and notices.
fn read_page(
    context: &Context<'_>,
    number: u32,
    page_id: lopdf::ObjectId,
    extraction: &mut Extraction,
) {
    let content = content::interpret_page(context, page_id);
    let text = layout::page_text(&content, |glyph| !glyph.hidden_layer);
    let part = Some(Part::Body.as_str().to_owned());
    for problem in &content.problems {
        extraction.problems.push(Problem::partial(
            part.clone(),
            format!("page {number}: {problem}"),
        ));
    }
    let counts = quality::count(&content, &text);
    if let Some(reason) = quality::unreliable(&counts) {
        extraction.problems.push(Problem::partial(
            part.clone(),
            format!("page {number}: text layer could not be decoded reliably ({reason})"),
        ));
    } else if let Some(reason) = quality::no_text_layer(&content, &text) {
        extraction.problems.push(Problem::partial(
            part.clone(),
            format!("page {number} {reason}"),
        ));
    }
    extraction.push(Segment::new(Part::Body, text).on_page(number));

    let hidden = layout::page_text(&content, |glyph| glyph.hidden_layer);
    if !hidden.trim().is_empty() {
        extraction.notices.push(Notice {
            rule: String::from("hidden.pdf.optional-content"),
            category: Category::Hidden,
            severity: Severity::Review,
            message: String::from(
                "text in a layer (optional content group) that is hidden by default",
            ),
            part: Part::Hidden,
            page: Some(number),
            text: hidden.chars().take(200).collect(),
        });
        extraction.push(Segment::new(Part::Hidden, hidden).on_page(number));
    }
}
