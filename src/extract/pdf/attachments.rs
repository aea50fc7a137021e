//! Reading files attached to a PDF.
//!
//! An attachment is part of what gets published: its name is listed in the
//! `attachment` part, and its content is read through prepub's own
//! extractors (text, PDF, and whatever other formats the dispatcher knows).
//! An attachment that cannot be read makes the extraction `partial` with
//! its name, so it is reviewed by hand rather than passed unread.

use super::annotations::Attachment;
use super::streams::Budget;
use crate::extract::document::{Extraction, Notice, Part, Problem, Segment};
use crate::extract::{Request, detect};
use std::cell::Cell;
use std::collections::HashSet;

/// PDFs nested in PDFs are read this deep and no deeper.
const MAX_NESTING: usize = 3;

thread_local! {
    static NESTING: Cell<usize> = const { Cell::new(0) };
}

/// Lists and reads the attachments into `extraction`.
pub fn read(
    attachments: &[Attachment<'_>],
    request: &Request<'_>,
    budget: &Budget,
    extraction: &mut Extraction,
) {
    let mut seen = HashSet::new();
    let mut names = Vec::new();
    for attachment in attachments {
        if let Some(id) = attachment.id
            && !seen.insert(id)
        {
            continue;
        }
        names.push(attachment.name.clone());
        let mut listing =
            Segment::new(Part::Attachment, attachment.name.clone()).with_label("attached file");
        listing.page = attachment.page;
        extraction.push(listing);

        let Some(stream) = attachment.stream else {
            extraction.problems.push(Problem::partial(
                Some(Part::Attachment.as_str().to_owned()),
                format!(
                    "attachment {} is referred to but not embedded in the file: check it separately",
                    attachment.name
                ),
            ));
            continue;
        };
        let bytes = match budget.decode_lenient(stream) {
            Ok(decoded) => {
                if let Some(damage) = decoded.damage {
                    extraction.problems.push(Problem::partial(
                        Some(Part::Attachment.as_str().to_owned()),
                        format!(
                            "attachment {} is damaged and was read only up to the damage ({damage}): review it separately",
                            attachment.name
                        ),
                    ));
                }
                decoded.bytes
            }
            Err(error) => {
                extraction.problems.push(Problem::partial(
                    Some(Part::Attachment.as_str().to_owned()),
                    format!(
                        "attachment {} could not be read ({error}): review it separately",
                        attachment.name
                    ),
                ));
                continue;
            }
        };
        let nested = NESTING.with(|depth| depth.get());
        if nested >= MAX_NESTING {
            extraction.problems.push(Problem::partial(
                Some(Part::Attachment.as_str().to_owned()),
                format!(
                    "attachment {} is nested more than {MAX_NESTING} files deep: review it separately",
                    attachment.name
                ),
            ));
            continue;
        }
        let format = detect(&bytes, &attachment.name);
        let inner_request = Request {
            bytes: &bytes,
            name: &attachment.name,
            ..*request
        };
        NESTING.with(|depth| depth.set(nested + 1));
        let inner = crate::extract::extract(format, &inner_request);
        NESTING.with(|depth| depth.set(nested));
        merge(&attachment.name, attachment.page, inner, extraction);
    }
    if !names.is_empty() {
        extraction.notices.push(Notice {
            rule: String::from("hidden.pdf.attachments"),
            category: crate::extract::document::Category::Hidden,
            severity: crate::extract::document::Severity::Review,
            message: format!("the file carries {} attached file(s)", names.len()),
            part: Part::Attachment,
            page: None,
            text: names.join("; "),
        });
    }
}

/// Folds an attachment's extraction into the container's: its text as the
/// `attachment` part labelled with its name, its problems and notices
/// prefixed with it.
fn merge(name: &str, page: Option<u32>, inner: Extraction, extraction: &mut Extraction) {
    for segment in inner.segments {
        let label = match segment.page {
            Some(inner_page) => format!("{name}, page {inner_page}"),
            None => name.to_owned(),
        };
        let mut text = segment.text;
        if segment.part != Part::Body && segment.part != Part::Attachment {
            text = format!("[{}] {text}", segment.part);
        }
        let mut merged = Segment::new(Part::Attachment, text).with_label(label);
        merged.page = page;
        extraction.push(merged);
    }
    for problem in inner.problems {
        // An attachment that failed entirely leaves the container partial.
        extraction.problems.push(Problem::partial(
            Some(Part::Attachment.as_str().to_owned()),
            format!("attachment {name}: {}", problem.message),
        ));
    }
    for notice in inner.notices {
        extraction.notices.push(Notice {
            message: format!("in attachment {name}: {}", notice.message),
            part: Part::Attachment,
            page,
            ..notice
        });
    }
}
