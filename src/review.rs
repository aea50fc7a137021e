//! The review model: one verdict per document (一事一审), one finding per
//! match. This is the JSON contract `prepub.review/1`; every report renderer
//! reads only these types, and `prepub report` reads them back from JSON.
//!
//! Fields may be added in later versions, never renamed.

use crate::document::{Category, ExtractionStatus, Part, Severity};
use serde::{Deserialize, Serialize};

pub const SCHEMA: &str = "prepub.review/1";

/// A whole batch review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub schema: String,
    pub tool: ToolInfo,
    /// When the scan started, RFC 3339 UTC.
    pub started_at: String,
    pub rules: RulesInfo,
    pub summary: Summary,
    pub documents: Vec<DocumentReview>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

impl ToolInfo {
    pub fn current() -> ToolInfo {
        ToolInfo {
            name: "prepub".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// Which rules produced this review, so an auditor can tell whether a rerun
/// used the same ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesInfo {
    /// `sha256:<hex>` over the packs' digests in load order.
    pub digest: String,
    pub packs: Vec<PackInfo>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackInfo {
    pub name: String,
    pub version: String,
    /// SHA-256 of the pack's YAML source (and its term files).
    pub sha256: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub documents: usize,
    pub pass: usize,
    pub review: usize,
    pub block: usize,
    pub findings: usize,
}

impl Summary {
    pub fn of(documents: &[DocumentReview]) -> Summary {
        let mut summary = Summary {
            documents: documents.len(),
            ..Summary::default()
        };
        for document in documents {
            match document.verdict {
                Verdict::Pass => summary.pass += 1,
                Verdict::Review => summary.review += 1,
                Verdict::Block => summary.block += 1,
            }
            summary.findings += document.findings.len();
        }
        summary
    }
}

/// The tool's verdict on one document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Review,
    Block,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Review => "review",
            Verdict::Block => "block",
        }
    }
}

/// The review of one document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentReview {
    /// As given on the command line, `/`-separated; archive members as
    /// `archive.zip!/inner.docx`.
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
    pub format: String,
    /// Pages (slides, sheets) where the format has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    pub verdict: Verdict,
    pub reasons: Vec<String>,
    pub extraction: ExtractionReport,
    pub findings: Vec<Finding>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractionReport {
    pub status: ExtractionStatus,
    /// Text encoding, for text formats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    pub problems: Vec<ProblemReport>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemReport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    pub message: String,
}

/// One match of one rule (or one extractor notice) in one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable fingerprint: rule + normalised match + normalised context +
    /// part, plus an occurrence counter. Independent of line numbers, so it
    /// survives edits elsewhere in the document.
    pub id: String,
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    /// The matched text exactly as in the document (masked for personal
    /// data unless `--show-match`).
    pub text: String,
    pub context: String,
    pub location: Location,
    /// The checks that were made (`--explain`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub explain: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub part: Part,
    pub page: Option<u32>,
    pub line: u32,
    pub column: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}
