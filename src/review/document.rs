//! One document's review: its identity, its findings and its verdict.

use crate::extract::Format;
use crate::extract::document::{Extraction, Part, Segment};
use crate::review::findings::{Reviewed, mask_problems, review_texts};
use crate::review::mask::TextMask;
use crate::review::verdict::verdict_for;
use crate::review::{DocumentReview, ExtractionReport, ReviewOptions};
use crate::rules::DocumentIndex;
use crate::rules::RuleSet;
use sha2::{Digest, Sha256};
use std::panic::{AssertUnwindSafe, catch_unwind};

pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "panic".to_owned()
    }
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Turns an extraction into the document's review.
pub fn review_document(
    path: &str,
    bytes: &[u8],
    format: Format,
    extraction: Extraction,
    rules: &RuleSet,
    options: &ReviewOptions,
) -> DocumentReview {
    let identity = Identity::of(bytes);
    review_extraction(path, identity, format, extraction, rules, options)
}

/// What a review records about the file's bytes, so the bytes themselves
/// can be dropped before matching (a large file then is not in memory twice,
/// as bytes and as text, while its text is matched).
#[derive(Clone, Debug)]
pub struct Identity {
    pub sha256: String,
    pub bytes: u64,
}

impl Identity {
    pub fn of(bytes: &[u8]) -> Identity {
        Identity {
            sha256: sha256_hex(bytes),
            bytes: bytes.len() as u64,
        }
    }
}

/// [`review_document`] given the file's identity rather than its bytes.
pub fn review_extraction(
    path: &str,
    identity: Identity,
    format: Format,
    mut extraction: Extraction,
    rules: &RuleSet,
    options: &ReviewOptions,
) -> DocumentReview {
    if !extraction.segments.iter().any(|s| s.part == Part::Filename) {
        let file_name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        extraction
            .segments
            .push(Segment::new(Part::Filename, file_name));
    }
    let reviewed = catch_unwind(AssertUnwindSafe(|| {
        review_texts(&extraction, rules, options)
    }));
    let Reviewed { findings, problems } = match reviewed {
        Ok(reviewed) => reviewed,
        Err(payload) => {
            extraction
                .problems
                .push(crate::extract::document::Problem::failed(format!(
                    "internal error while matching rules ({}); the document was not reviewed",
                    panic_message(&payload)
                )));
            Reviewed {
                findings: Vec::new(),
                problems: problems_without_matching(&extraction, rules, options),
            }
        }
    };
    let report = ExtractionReport {
        status: extraction.status(),
        encoding: extraction.encoding.clone(),
        problems,
        pictures: extraction.pictures_read.clone(),
    };
    let (verdict, reasons) = verdict_for(&findings, &report);
    let particulars = masked_particulars(&extraction, rules, options);
    DocumentReview {
        path: path.to_owned(),
        sha256: identity.sha256,
        bytes: identity.bytes,
        format: format.as_str().to_owned(),
        pages: extraction.pages,
        verdict,
        waived: 0,
        reasons,
        extraction: report,
        particulars,
        findings,
        resolved: Vec::new(),
        stale_decisions: Vec::new(),
        reused_from: None,
    }
}

/// The form's particulars of the document, with personal data masked (a
/// title can name a person); none if reading them panics.
fn masked_particulars(
    extraction: &Extraction,
    rules: &RuleSet,
    options: &ReviewOptions,
) -> crate::review::Particulars {
    catch_unwind(AssertUnwindSafe(|| {
        let index = DocumentIndex::default();
        let text_mask = TextMask::new(rules, &index, options.show_match);
        let mut particulars = crate::review::particulars::read(&extraction.segments);
        for value in [
            &mut particulars.title,
            &mut particulars.number,
            &mut particulars.date,
        ]
        .into_iter()
        .flatten()
        {
            *value = text_mask.apply(value, Part::Body);
        }
        particulars
    }))
    .unwrap_or_default()
}

/// The problems of a document whose matching panicked, masked as well as
/// can be without the document's text: if masking panics too, a message is
/// not shown rather than shown unmasked.
fn problems_without_matching(
    extraction: &Extraction,
    rules: &RuleSet,
    options: &ReviewOptions,
) -> Vec<crate::review::ProblemReport> {
    let index = DocumentIndex::default();
    let text_mask = TextMask::new(rules, &index, options.show_match);
    catch_unwind(AssertUnwindSafe(|| mask_problems(extraction, &text_mask))).unwrap_or_else(|_| {
        extraction
            .problems
            .iter()
            .map(|problem| crate::review::ProblemReport {
                part: problem.part.clone(),
                message: "(message not shown: personal data in it could not be masked)".into(),
            })
            .collect()
    })
}
