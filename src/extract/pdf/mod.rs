//! PDF: the text of every page, and everything else a PDF carries.
//!
//! lopdf is the object model (robust parsing, xref repair, decryption);
//! prepub interprets the content streams itself ([`content`]) because the
//! page text, the glyph positions for the failed-redaction check and the
//! form XObjects all need it. Per page: one `body` segment with the page's
//! lines; a quality check that makes the extraction `partial` when the text
//! layer is garbage or missing (a scan); text under black boxes
//! ([`redaction`]); annotations. Per document: Info and XMP metadata,
//! bookmarks, form fields, attachments, and earlier revisions kept by
//! incremental updates ([`revisions`]).
//!
//! Limits: stream decoding is capped per stream and per document
//! ([`streams::Budget`]), the object count before and after parsing, the
//! operations per page, form nesting (`--max-depth`), and the document
//! deadline is checked between pages and inside the interpreter.

mod annotations;
mod appended;
mod attachments;
mod cmap;
mod collections;
mod content;
mod elided;
mod encodings;
mod fonts;
mod geometry;
mod layout;
mod lexer;
mod load;
mod metadata;
mod objects;
mod quality;
mod recover;
mod redaction;
mod render;
mod revisions;
mod streams;
mod structure;
mod truetype;

use super::Request;
use crate::extract::document::{Category, Extraction, Notice, Part, Problem, Segment, Severity};
use crate::extract::picture::{Picture, PicturePlace};
use content::Context;
use load::Protection;
use render::{ImageDrawing, PageDrawing, Renderer};
use std::collections::BTreeMap;
use std::sync::Arc;
use streams::Budget;

pub fn extract(request: &Request<'_>) -> Extraction {
    let limits = request.limits;
    let opened = match load::open(request.bytes, limits, request.passwords) {
        Ok(opened) => opened,
        Err(message) => return Extraction::failed(message),
    };
    let doc = &opened.doc;
    let mut extraction = Extraction::default();
    protection_notice(&opened.protection, &mut extraction);

    let budget = Budget::new(limits);
    budget.charge(opened.inflated);
    if !opened.recovered.is_empty() {
        // Read as poppler reads them, but what a stream with no usable
        // length holds is a guess: a person checks those pages.
        let names: Vec<String> = opened
            .recovered
            .iter()
            .take(10)
            .map(|id| format!("{} {} R", id.0, id.1))
            .collect();
        let more = opened.recovered.len().saturating_sub(names.len());
        extraction.problems.push(Problem::partial(
            None,
            format!(
                "{} stream(s) have a missing or wrong /Length ({}{}): their data was read up to the endstream keyword, which may not be where the writer meant it to end — check the pages that use them",
                opened.recovered.len(),
                names.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            ),
        ));
    }
    for problem in &opened.problems {
        extraction
            .problems
            .push(Problem::partial(None, problem.clone()));
    }
    let context =
        Context::new(doc, &budget, request.deadline, limits.max_depth).with_source(request.bytes);
    let pages = doc.get_pages();
    extraction.pages = Some(pages.len() as u32);
    if pages.is_empty() {
        extraction.problems.push(Problem::failed(
            "the PDF has no readable pages (damaged page tree)",
        ));
    }
    let page_count = pages.len();
    let mut attachments = Vec::new();
    let mut annotation_count = 0;
    // Made for the first page without a text layer: a scan, or text drawn
    // as outlines, is read by drawing the page for OCR.
    let mut renderer: Option<Arc<Renderer>> = None;
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
        let read = read_page(
            &context,
            number,
            page_id,
            &mut extraction,
            &mut annotation_count,
        );
        attachments.extend(read.attachments);
        let mut renderer = || {
            Arc::clone(renderer.get_or_insert_with(|| {
                Renderer::new(request.bytes, opened.password.as_deref(), page_count)
            }))
        };
        for (index, image) in read.pictures.into_iter().enumerate() {
            // Each picture beside the text layer is read where it lands
            // (a pasted screenshot, a photographed notice, a seal): unread,
            // it keeps the document from `pass`.
            let place = PicturePlace::new(Part::Body, image.name).on_page(number);
            let drawing =
                ImageDrawing::new(&renderer(), number, image.rect, image.pixels, place.clone());
            extraction.push_picture(
                Picture::drawn(place, Arc::new(drawing)).if_not_read(format!(
                    "page {number}: picture {} was not read: needs OCR or manual review",
                    index + 1
                )),
            );
        }
        if read.images_not_placed > 0 {
            extraction.problems.push(Problem::partial(
                Some(Part::Image.as_str().to_owned()),
                format!(
                    "page {number}: {} more pictures than the {} read on one page were not read",
                    read.images_not_placed,
                    content::MAX_IMAGES_PER_PAGE
                ),
            ));
        }
        if let Some(reason) = read.missing_text {
            let renderer = renderer();
            // The page stays "no text layer" unless OCR reads it.
            extraction.push_picture(
                Picture::drawn(
                    PicturePlace::rendered_page(number),
                    Arc::new(PageDrawing::new(&renderer, number, read.largest_picture)),
                )
                .if_not_read(format!(
                    "page {number} has {reason}: needs OCR or manual review"
                )),
            );
        }
    }

    read_document_parts(&context, &mut extraction);
    if annotation_count > 0 {
        extraction.notices.push(Notice {
            rule: String::from("hidden.pdf.annotations"),
            category: Category::Hidden,
            severity: Severity::Review,
            message: format!(
                "the file carries {annotation_count} annotation(s) (notes, comments, stamps)"
            ),
            part: Part::Annotation,
            page: None,
            text: String::new(),
        });
    }
    attachments.extend(annotations::embedded_files(doc));
    attachments::read(&attachments, request, &budget, &mut extraction);

    appended::read(request, &budget, &mut extraction);

    let earlier = revisions::read(
        request,
        opened.password.as_deref(),
        &budget,
        &mut extraction,
    );
    if earlier > 0 {
        extraction.notices.push(Notice {
            rule: String::from("hidden.pdf.revisions"),
            category: Category::Hidden,
            severity: Severity::Review,
            message: format!(
                "this file carries {earlier} earlier revision(s) (incremental updates): text removed in a later save is still in the file"
            ),
            part: Part::Deletion,
            page: None,
            text: String::new(),
        });
    }

    // Limits hit while reading a page were reported with the page.
    for message in budget.hits() {
        if !extraction
            .problems
            .iter()
            .any(|problem| problem.message.ends_with(&message))
        {
            extraction.problems.push(Problem::partial(None, message));
        }
    }
    extraction
}

fn protection_notice(protection: &Protection, extraction: &mut Extraction) {
    let message = match protection {
        Protection::None => return,
        Protection::OwnerPasswordOnly => {
            "the file is encrypted with an owner password only (copy/print restrictions); it opens without a password and was read in full"
        }
        Protection::UserPassword => {
            "the file is encrypted; it was opened with a password supplied by the user"
        }
    };
    let rule = match protection {
        Protection::UserPassword => "metadata.pdf.user-password",
        _ => "metadata.pdf.owner-password",
    };
    extraction.notices.push(Notice {
        rule: String::from(rule),
        category: Category::Metadata,
        severity: Severity::Info,
        message: String::from(message),
        part: Part::Metadata,
        page: None,
        text: String::new(),
    });
}

/// How a replacement or alternate text is labelled, by its key.
pub(crate) fn alternate_label(key: &str) -> String {
    let what = match key {
        "/ActualText" => "replacement text (search and copy use it; not shown)",
        "/Alt" => "alternate description (not shown)",
        "/E" => "expansion of an abbreviation (not shown)",
        content::SHOWN_UNDER_ACTUAL_TEXT => {
            return String::from(
                "shown on the page under an /ActualText replacement, which search and copy read instead",
            );
        }
        _ => "text not shown",
    };
    format!("{key}: {what}")
}

/// What reading a page leaves for the document to do.
struct PageRead<'a> {
    /// Files the page's annotations attach.
    attachments: Vec<annotations::Attachment<'a>>,
    /// What the page has instead of a text layer, when it has none: the
    /// page is drawn whole for OCR.
    missing_text: Option<&'static str>,
    /// Pictures beside a text layer, each read by OCR where it lands.
    pictures: Vec<content::PlacedImage>,
    /// Pictures past [`content::MAX_IMAGES_PER_PAGE`] (never read).
    images_not_placed: usize,
    /// The largest picture the page paints, by the pixels it claims.
    largest_picture: Option<(u32, u32)>,
}

/// Reads one page into segments, problems and notices.
fn read_page<'a>(
    context: &Context<'a>,
    number: u32,
    page_id: lopdf::ObjectId,
    extraction: &mut Extraction,
    annotation_count: &mut usize,
) -> PageRead<'a> {
    let content = content::interpret_page(context, page_id);
    let text = layout::page_text(&content, |_, glyph| !glyph.hidden_layer);
    let part = Some(Part::Body.as_str().to_owned());
    for problem in &content.problems {
        extraction.problems.push(Problem::partial(
            part.clone(),
            format!("page {number}: {problem}"),
        ));
    }
    let counts = quality::count(&content, &text);
    let mut missing_text = None;
    if let Some(reason) = quality::unreliable(&counts) {
        extraction.problems.push(Problem::partial(
            part.clone(),
            format!("page {number}: text layer could not be decoded reliably ({reason})"),
        ));
    } else {
        missing_text = quality::no_text_layer(&content, &text);
    }
    // A page drawn whole is read whole; otherwise its pictures are read
    // one by one.
    let (pictures, images_not_placed) = if missing_text.is_some() {
        (Vec::new(), 0)
    } else {
        let pictures: Vec<content::PlacedImage> = quality::pictures_beside_text(&content)
            .into_iter()
            .cloned()
            .collect();
        (
            pictures,
            content.image_count.saturating_sub(content.images.len()),
        )
    };
    extraction.push(Segment::new(Part::Body, text).on_page(number));

    let hidden = layout::page_text(&content, |_, glyph| glyph.hidden_layer);
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

    let not_shown = content
        .alternate_texts
        .iter()
        .filter(|(key, _)| *key != content::SHOWN_UNDER_ACTUAL_TEXT)
        .count();
    if not_shown > 0 {
        extraction.notices.push(Notice {
            rule: String::from("hidden.pdf.alternate-text"),
            category: Category::Hidden,
            severity: Severity::Info,
            message: format!(
                "page {number} carries {not_shown} replacement or alternate text(s) (/ActualText, /Alt) that search and screen readers use but the page does not show"
            ),
            part: Part::Hidden,
            page: Some(number),
            text: String::new(),
        });
    }
    for (key, text) in &content.alternate_texts {
        // Glyphs a viewer shows are the page's text, whatever replaces them
        // for search and copy; the rest is not shown.
        let part = if *key == content::SHOWN_UNDER_ACTUAL_TEXT {
            Part::Body
        } else {
            Part::Hidden
        };
        extraction.push(
            Segment::new(part, text.clone())
                .on_page(number)
                .with_label(alternate_label(key)),
        );
    }

    let page_annotations = annotations::page_annotations(context, page_id, number);
    *annotation_count += page_annotations.count;
    let mut hidden_texts = redaction::under_fills(context, &content);
    hidden_texts.extend(redaction::under_annotations(
        &content,
        &page_annotations.covers,
    ));
    for hidden in hidden_texts {
        let (rule, message) = if hidden.annotation {
            (
                "redaction.pdf.text-under-annotation",
                format!(
                    "text under {} is still in the text layer: the redaction was not applied",
                    hidden.cover
                ),
            )
        } else {
            (
                "redaction.pdf.text-under-box",
                format!(
                    "text under {} is still in the text layer (failed redaction: anyone can copy it)",
                    hidden.cover
                ),
            )
        };
        extraction.notices.push(Notice {
            rule: String::from(rule),
            category: Category::Redaction,
            severity: Severity::Block,
            message,
            part: Part::Body,
            page: Some(number),
            text: hidden.text,
        });
    }
    for segment in page_annotations.segments {
        extraction.push(segment);
    }
    let largest_picture = content
        .images
        .iter()
        .filter_map(|image| image.pixels)
        .max_by_key(|&(w, h)| u64::from(w) * u64::from(h));
    PageRead {
        attachments: page_annotations.attachments,
        missing_text,
        pictures,
        images_not_placed,
        largest_picture,
    }
}

/// Metadata, bookmarks and form fields.
fn read_document_parts(context: &Context<'_>, extraction: &mut Extraction) {
    let doc = context.doc;
    let (lines, problems) = metadata::lines(doc, context.budget);
    for problem in problems {
        extraction.problems.push(Problem::partial(
            Some(Part::Metadata.as_str().to_owned()),
            problem,
        ));
    }
    if !lines.is_empty() {
        extraction.push(Segment::new(Part::Metadata, lines.join("\n")));
    }
    let (alternates, cut) = structure::alternate_texts(doc);
    if cut {
        extraction.problems.push(Problem::partial(
            Some(Part::Hidden.as_str().to_owned()),
            "the structure tree (tags) has more elements than are read: the alternate texts (/Alt, /ActualText) of the rest were not read",
        ));
    }
    if !alternates.is_empty() {
        extraction.notices.push(Notice {
            rule: String::from("hidden.pdf.alternate-text"),
            category: Category::Hidden,
            severity: Severity::Info,
            message: format!(
                "the structure tree (tags) carries {} alternate or replacement text(s) (/Alt, /ActualText, /E) that screen readers use but no page shows",
                alternates.len()
            ),
            part: Part::Hidden,
            page: None,
            text: String::new(),
        });
    }
    for alternate in alternates {
        let mut segment = Segment::new(Part::Hidden, alternate.text)
            .with_label(format!("tags {}", alternate_label(alternate.key)));
        segment.page = alternate.page;
        extraction.push(segment);
    }
    let titles = annotations::outline_titles(doc);
    if !titles.is_empty() {
        extraction.push(Segment::new(Part::Annotation, titles.join("\n")).with_label("bookmarks"));
    }
    let has_form = doc.catalog().is_ok_and(|catalog| catalog.has(b"AcroForm"));
    if has_form {
        let widget_pages = annotations::widget_pages(doc);
        let mut by_page: BTreeMap<Option<u32>, Vec<String>> = BTreeMap::new();
        for (page, line) in annotations::form_fields(doc, &widget_pages) {
            by_page.entry(page).or_default().push(line);
        }
        for (page, lines) in by_page {
            let mut segment =
                Segment::new(Part::Annotation, lines.join("\n")).with_label("form fields");
            segment.page = page;
            extraction.push(segment);
        }
    }
}
