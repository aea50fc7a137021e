//! The stored form of an extraction: a type of its own, so the in-memory
//! model can change without silently changing what old entries mean.

use crate::extract::document::{
    Category, Extraction, Impact, Notice, Part, PictureRecord, Problem, Segment, Severity, TextKind,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};

/// [`Extraction`] as stored. A separate type, so the in-memory model can
/// change without silently changing what old entries mean (the entry
/// format constant changes instead).
#[derive(Serialize, Deserialize)]
pub(super) struct Stored {
    segments: Vec<StoredSegment>,
    problems: Vec<StoredProblem>,
    notices: Vec<StoredNotice>,
    encoding: Option<String>,
    pages: Option<u32>,
    /// What OCR made of each picture (the pictures themselves are gone).
    pictures_read: Vec<PictureRecord>,
}

#[derive(Serialize, Deserialize)]
struct StoredSegment {
    part: Part,
    page: Option<u32>,
    text: String,
    sheet: Option<String>,
    cell: Option<String>,
    label: Option<String>,
    /// Source code rather than writing ([`TextKind::Code`]).
    code: bool,
    /// Boxes of OCR lines ([`Segment::boxes`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    boxes: Vec<[u32; 4]>,
    /// Pictures of OCR lines ([`Segment::crops`]), as base64 PNG.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    crops: Vec<String>,
    /// Read from a picture that is a page ([`Segment::page_picture`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    page_picture: bool,
}

#[derive(Serialize, Deserialize)]
struct StoredProblem {
    part: Option<String>,
    message: String,
    failed: bool,
}

#[derive(Serialize, Deserialize)]
struct StoredNotice {
    rule: String,
    category: Category,
    severity: Severity,
    message: String,
    part: Part,
    page: Option<u32>,
    text: String,
}

impl Stored {
    /// Keeps everything but the file-name segment, which comes from the path
    /// (the scan adds it back for whatever name the bytes have this time).
    pub(super) fn from_extraction(extraction: &Extraction, name: &str) -> Stored {
        let file_name = name.rsplit(['/', '\\']).next().unwrap_or(name);
        Stored {
            segments: extraction
                .segments
                .iter()
                .filter(|s| !(s.part == Part::Filename && s.text == file_name))
                .map(|s| StoredSegment {
                    part: s.part,
                    page: s.page,
                    text: s.text.clone(),
                    sheet: s.sheet.clone(),
                    cell: s.cell.clone(),
                    label: s.label.clone(),
                    code: s.kind == TextKind::Code,
                    boxes: s.boxes.clone(),
                    crops: s.crops.iter().map(|png| BASE64.encode(png)).collect(),
                    page_picture: s.page_picture,
                })
                .collect(),
            problems: extraction
                .problems
                .iter()
                .map(|p| StoredProblem {
                    part: p.part.clone(),
                    message: p.message.clone(),
                    failed: p.impact == Impact::Failed,
                })
                .collect(),
            notices: extraction
                .notices
                .iter()
                .map(|n| StoredNotice {
                    rule: n.rule.clone(),
                    category: n.category,
                    severity: n.severity,
                    message: n.message.clone(),
                    part: n.part,
                    page: n.page,
                    text: n.text.clone(),
                })
                .collect(),
            encoding: extraction.encoding.clone(),
            pages: extraction.pages,
            pictures_read: extraction.pictures_read.clone(),
        }
    }

    pub(super) fn into_extraction(self) -> Extraction {
        Extraction {
            segments: self
                .segments
                .into_iter()
                .map(|s| Segment {
                    part: s.part,
                    page: s.page,
                    text: s.text,
                    sheet: s.sheet,
                    cell: s.cell,
                    label: s.label,
                    kind: if s.code {
                        TextKind::Code
                    } else {
                        TextKind::Prose
                    },
                    boxes: s.boxes,
                    // A picture that does not decode is left out, never
                    // shown broken.
                    crops: s
                        .crops
                        .iter()
                        .map(|png| BASE64.decode(png).unwrap_or_default())
                        .collect(),
                    page_picture: s.page_picture,
                })
                .collect(),
            problems: self
                .problems
                .into_iter()
                .map(|p| Problem {
                    part: p.part,
                    message: p.message,
                    impact: if p.failed {
                        Impact::Failed
                    } else {
                        Impact::Partial
                    },
                })
                .collect(),
            notices: self
                .notices
                .into_iter()
                .map(|n| Notice {
                    rule: n.rule,
                    category: n.category,
                    severity: n.severity,
                    message: n.message,
                    part: n.part,
                    page: n.page,
                    text: n.text,
                })
                .collect(),
            encoding: self.encoding,
            pages: self.pages,
            pictures: Vec::new(),
            pictures_read: self.pictures_read,
        }
    }
}
