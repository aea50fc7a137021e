//! Review: one document's findings and verdict.
//!
//! Takes an extraction and the rules' matches; gives a [`DocumentReview`]:
//! findings located in the original text with masked contexts and stable
//! ids, and the verdict. [`model`] is the JSON contract every report reads.

pub mod document;
pub mod findings;
pub mod mask;
pub mod model;
mod parallel;
pub mod particulars;
pub mod signature;
pub mod verdict;

pub use document::{Identity, panic_message, review_document, review_extraction, sha256_hex};
pub use findings::{find_all, findings_in_text};
pub use mask::{is_masked_category, mask, mask_text};
pub use model::*;
pub use verdict::{verdict_for, verdict_of};

/// What the review stage needs to know about how to show findings.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReviewOptions {
    /// Show personal data unmasked (`--show-match`).
    pub show_match: bool,
    /// Record the conditions checked for each finding (`--explain`).
    pub explain: bool,
    /// Threads the windows of one large text are matched on (`--jobs`);
    /// `None`: as many as the machine has cores. The findings are the same
    /// whatever it is.
    pub threads: Option<std::num::NonZeroUsize>,
}
