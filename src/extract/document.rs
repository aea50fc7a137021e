//! What an extractor hands to the rest of the pipeline: located text segments,
//! the problems met while reading, and facts about hidden content.
//!
//! Every extractor (one per format, in `crate::extract`) produces an
//! [`Extraction`]; nothing downstream knows which format it came from. That is
//! the seam later formats plug into.

use crate::extract::picture::Picture;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The part of a document a piece of text came from.
///
/// The part is reported with every finding, because *where* a marking sits
/// (a deleted paragraph, a comment, the file properties) is what a reviewer
/// needs to find and fix it.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    #[default]
    Body,
    Header,
    Footer,
    Footnote,
    Endnote,
    Comment,
    Insertion,
    Deletion,
    Hidden,
    Textbox,
    /// Speaker notes of a presentation.
    Notes,
    Metadata,
    Annotation,
    /// An attachment or embedded object.
    Attachment,
    Filename,
    /// Text read by OCR from a picture (a scan, a photo, a screenshot
    /// pasted into the document); the segment's label says where the
    /// picture is and with what confidence it was read.
    Image,
}

impl Part {
    pub const ALL: [Part; 16] = [
        Part::Body,
        Part::Header,
        Part::Footer,
        Part::Footnote,
        Part::Endnote,
        Part::Comment,
        Part::Insertion,
        Part::Deletion,
        Part::Hidden,
        Part::Textbox,
        Part::Notes,
        Part::Metadata,
        Part::Annotation,
        Part::Attachment,
        Part::Filename,
        Part::Image,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Part::Body => "body",
            Part::Header => "header",
            Part::Footer => "footer",
            Part::Footnote => "footnote",
            Part::Endnote => "endnote",
            Part::Comment => "comment",
            Part::Insertion => "insertion",
            Part::Deletion => "deletion",
            Part::Hidden => "hidden",
            Part::Textbox => "textbox",
            Part::Notes => "notes",
            Part::Metadata => "metadata",
            Part::Annotation => "annotation",
            Part::Attachment => "attachment",
            Part::Filename => "filename",
            Part::Image => "image",
        }
    }

    pub fn parse(name: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|part| part.as_str() == name)
    }

    /// Headers and footers hold the 版头/banner lines that "top of the
    /// document" rules look for.
    pub fn is_header_or_footer(self) -> bool {
        matches!(self, Part::Header | Part::Footer)
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A run of text from one part of a document.
///
/// Text keeps its line structure: one paragraph per line, table rows as one
/// line with cells separated by `\t` (so a match never spans two cells).
/// Line numbers in findings count lines across all segments of the same part,
/// in the order the extractor produced them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Segment {
    pub part: Part,
    /// 1-based page (or slide) number, where the format records one.
    pub page: Option<u32>,
    pub text: String,
    /// Spreadsheet sheet name, for `Sheet1!C7` locations.
    pub sheet: Option<String>,
    /// Spreadsheet cell reference such as `C7`.
    pub cell: Option<String>,
    /// Who/when for comments and tracked changes ("张三, 2024-03-01"), shown
    /// in the finding's context so a reviewer knows whose note it was.
    pub label: Option<String>,
    /// Writing, or source code the document carries.
    pub kind: TextKind,
    /// For text read by OCR: where each of its lines is in the picture,
    /// `[x, y, width, height]` in the picture's pixels, line by line (a
    /// finding on line 3 of the text is in `boxes[2]`). Empty otherwise.
    pub boxes: Vec<[u32; 4]>,
    /// For text read by OCR: a small grey PNG of each line's box
    /// ([`crate::extract::ocr::crop`]), line by line like `boxes`; an empty
    /// one where none was made. Empty otherwise.
    pub crops: Vec<Vec<u8>>,
    /// For text read by OCR: the picture is a page or the whole document
    /// (a scan), so its top is the top of a page — where 版头 rules look —
    /// not a figure among the page's text.
    pub page_picture: bool,
}

/// What a segment's text is, for the rule conditions that read the text
/// around a match as writing: quote marks that quote an example, a cue
/// such as 例如 that introduces one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TextKind {
    /// Text written to be read: the body, comments, hidden paragraphs.
    #[default]
    Prose,
    /// Source code the document carries — a page's scripts and style
    /// sheets, Word and RTF field codes, spreadsheet formulas. Its quote
    /// marks delimit strings (`var s = "绝密★长期";`) and the words around a
    /// match are code, so nothing around a marking in it explains the
    /// marking away (see `rules::matcher`).
    Code,
}

impl Segment {
    pub fn new(part: Part, text: impl Into<String>) -> Segment {
        Segment {
            part,
            text: text.into(),
            ..Segment::default()
        }
    }

    /// Marks the text as read from a picture that is a page
    /// ([`Segment::page_picture`]).
    pub fn from_page_picture(mut self, page_picture: bool) -> Segment {
        self.page_picture = page_picture;
        self
    }

    /// The pictures of the text's lines ([`Segment::crops`]).
    pub fn with_crops(mut self, crops: Vec<Vec<u8>>) -> Segment {
        self.crops = crops;
        self
    }

    /// The boxes of the text's lines in its picture ([`Segment::boxes`]).
    pub fn with_boxes(mut self, boxes: Vec<[u32; 4]>) -> Segment {
        self.boxes = boxes;
        self
    }

    pub fn on_page(mut self, page: u32) -> Segment {
        self.page = Some(page);
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Segment {
        self.label = Some(label.into());
        self
    }

    /// Marks the text as source code ([`TextKind::Code`]).
    pub fn as_code(mut self) -> Segment {
        self.kind = TextKind::Code;
        self
    }

    pub fn in_cell(mut self, sheet: impl Into<String>, cell: impl Into<String>) -> Segment {
        self.sheet = Some(sheet.into());
        self.cell = Some(cell.into());
        self
    }
}

/// How completely a document was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExtractionStatus {
    Complete,
    Partial,
    Failed,
}

impl ExtractionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExtractionStatus::Complete => "complete",
            ExtractionStatus::Partial => "partial",
            ExtractionStatus::Failed => "failed",
        }
    }
}

/// Whether a problem left some text unread, or the whole document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// Some of the document could not be read; the rest was reviewed.
    Partial,
    /// Nothing trustworthy could be read.
    Failed,
}

/// Something that kept part of a document from being read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The part affected, or `None` for the whole file.
    pub part: Option<String>,
    pub message: String,
    pub impact: Impact,
}

impl Problem {
    pub fn partial(part: impl Into<Option<String>>, message: impl Into<String>) -> Problem {
        Problem {
            part: part.into(),
            message: message.into(),
            impact: Impact::Partial,
        }
    }

    pub fn failed(message: impl Into<String>) -> Problem {
        Problem {
            part: None,
            message: message.into(),
            impact: Impact::Failed,
        }
    }
}

/// The category of a finding: the first segment of its rule id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Marking,
    Personal,
    Term,
    Disclosure,
    Hidden,
    Metadata,
    Redaction,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Marking,
        Category::Personal,
        Category::Term,
        Category::Disclosure,
        Category::Hidden,
        Category::Metadata,
        Category::Redaction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Marking => "marking",
            Category::Personal => "personal",
            Category::Term => "term",
            Category::Disclosure => "disclosure",
            Category::Hidden => "hidden",
            Category::Metadata => "metadata",
            Category::Redaction => "redaction",
        }
    }

    pub fn parse(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious a finding is. Ordered: `Info < Review < Block`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Review,
    Block,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Review => "review",
            Severity::Block => "block",
        }
    }

    pub fn parse(name: &str) -> Option<Severity> {
        match name {
            "info" => Some(Severity::Info),
            "review" => Some(Severity::Review),
            "block" => Some(Severity::Block),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A finding the extractor makes by itself, independently of any rule: "this
/// document carries 3 comments", "author: 张三", "text under a black box".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// Dotted id such as `hidden.docx.comments`; first segment is the category.
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    pub part: Part,
    pub page: Option<u32>,
    /// The text the notice is about (an author's name, the text under a box).
    pub text: String,
}

/// What the OCR stage made of one picture. Every picture a document holds
/// ends in one of these, so the review shows that none was skipped.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum PictureOutcome {
    /// Recognised; its text is reviewed as part `image`. `confidence` is
    /// Tesseract's mean word confidence (0–100).
    Read { confidence: u8 },
    /// Judged to hold no text (blank, a solid colour, an icon under the
    /// size threshold, nothing legible found), with the reason.
    NoText { reason: String },
    /// Not read; the document is `partial` with the same reason.
    NotRead { reason: String },
}

/// One picture's [`PictureOutcome`], with where the picture is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PictureRecord {
    /// "page 3, image 2 (word/media/image2.png)".
    pub picture: String,
    #[serde(flatten)]
    pub outcome: PictureOutcome,
}

/// Everything an extractor learned about one document.
#[derive(Clone, Debug, Default)]
pub struct Extraction {
    pub segments: Vec<Segment>,
    pub problems: Vec<Problem>,
    pub notices: Vec<Notice>,
    /// Text encoding used, for text-like formats ("UTF-8", "GB18030", …).
    pub encoding: Option<String>,
    /// Number of pages (or slides, or sheets) where the format has them.
    pub pages: Option<u32>,
    /// Pictures the reader met, waiting for the OCR stage
    /// ([`crate::extract::ocr`]), which empties this list into segments,
    /// problems and [`Extraction::pictures_read`].
    pub pictures: Vec<Picture>,
    /// What the OCR stage made of each picture, in document order.
    pub pictures_read: Vec<PictureRecord>,
}

impl Extraction {
    pub fn status(&self) -> ExtractionStatus {
        if self.problems.iter().any(|p| p.impact == Impact::Failed) {
            ExtractionStatus::Failed
        } else if self.problems.is_empty() {
            ExtractionStatus::Complete
        } else {
            ExtractionStatus::Partial
        }
    }

    /// An extraction that read nothing, with the reason.
    pub fn failed(message: impl Into<String>) -> Extraction {
        Extraction {
            problems: vec![Problem::failed(message)],
            ..Extraction::default()
        }
    }

    pub fn push(&mut self, segment: Segment) {
        if !segment.text.is_empty() {
            self.segments.push(segment);
        }
    }

    /// Hands a picture to the OCR stage. An empty one is not a picture.
    pub fn push_picture(&mut self, picture: Picture) {
        if !picture.is_empty() {
            self.pictures.push(picture);
        }
    }

    /// Merges identical problems (same part, message and impact) into the
    /// first of them, whose message then says how often it occurred: an OFD
    /// with 100,000 references to one broken page gave 100,000 copies of one
    /// sentence (45 MB of JSON). Order of first occurrence is kept.
    pub fn compact_problems(&mut self) {
        if self.problems.len() < 2 {
            return;
        }
        let mut first: std::collections::HashMap<(Option<String>, String, Impact), usize> =
            std::collections::HashMap::new();
        let mut kept: Vec<(Problem, u64)> = Vec::new();
        for problem in std::mem::take(&mut self.problems) {
            let key = (
                problem.part.clone(),
                problem.message.clone(),
                problem.impact,
            );
            match first.get(&key) {
                Some(&index) => kept[index].1 += 1,
                None => {
                    first.insert(key, kept.len());
                    kept.push((problem, 1));
                }
            }
        }
        let merged: Vec<Problem> = kept
            .into_iter()
            .map(|(mut problem, count)| {
                if count > 1 {
                    problem.message =
                        format!("{} (repeated {} times)", problem.message, thousands(count));
                }
                problem
            })
            .collect();
        // Problems that differ only in their numbers ("page 1 is missing",
        // "page 2 is missing", … 100,000 times): the first few are kept,
        // the next one stands for the rest and says how many there were.
        type Key = (Option<String>, String, Impact);
        let mut alike: std::collections::HashMap<Key, (usize, u64)> =
            std::collections::HashMap::new();
        let mut out: Vec<Problem> = Vec::with_capacity(merged.len());
        for problem in merged {
            let key = (
                problem.part.clone(),
                without_numbers(&problem.message),
                problem.impact,
            );
            let entry = alike.entry(key).or_insert((usize::MAX, 0));
            entry.1 += 1;
            if entry.1 <= ALIKE_KEPT + 1 {
                entry.0 = out.len();
                out.push(problem);
            }
        }
        for (index, count) in alike.into_values() {
            if count > ALIKE_KEPT + 1
                && let Some(problem) = out.get_mut(index)
            {
                problem.message = format!(
                    "{} (and {} more problems like it)",
                    problem.message,
                    thousands(count - ALIKE_KEPT - 1)
                );
            }
        }
        self.problems = out;
    }
}

/// Problems alike but for their numbers kept one by one before the rest are
/// counted.
const ALIKE_KEPT: u64 = 10;

/// A message with every run of digits replaced by `#`.
fn without_numbers(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_number = false;
    for c in message.chars() {
        if c.is_ascii_digit() || (in_number && c == ',') {
            if !in_number {
                out.push('#');
                in_number = true;
            }
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

/// `99727` → `99,727`.
fn thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_problems_are_counted_not_repeated() {
        let mut extraction = Extraction::default();
        for _ in 0..99_727 {
            extraction
                .problems
                .push(Problem::partial(Some("body".into()), "page 1 is missing"));
        }
        extraction
            .problems
            .push(Problem::partial(Some("body".into()), "page 2 is missing"));
        extraction
            .problems
            .push(Problem::partial(None, "page 1 is missing"));
        extraction.compact_problems();
        assert_eq!(extraction.problems.len(), 3);
        assert_eq!(
            extraction.problems[0].message,
            "page 1 is missing (repeated 99,727 times)"
        );
        assert_eq!(extraction.problems[1].message, "page 2 is missing");
        assert_eq!(extraction.problems[2].part, None);
        assert_eq!(extraction.status(), ExtractionStatus::Partial);
    }

    #[test]
    fn problems_alike_but_for_numbers_are_counted_after_the_first_few() {
        let mut extraction = Extraction::default();
        for page in 1..=100_000 {
            extraction.problems.push(Problem::partial(
                Some("body".into()),
                format!("OFD page {page}: its content Pages/P.xml is missing"),
            ));
        }
        extraction
            .problems
            .push(Problem::partial(None, "something else"));
        extraction.compact_problems();
        assert_eq!(extraction.problems.len(), 12, "{:?}", extraction.problems);
        assert_eq!(
            extraction.problems[10].message,
            "OFD page 11: its content Pages/P.xml is missing (and 99,989 more problems like it)"
        );
        assert_eq!(extraction.problems[11].message, "something else");
    }

    #[test]
    fn a_failed_problem_stays_failed_when_merged() {
        let mut extraction = Extraction::default();
        extraction.problems.push(Problem::failed("empty file"));
        extraction.problems.push(Problem::failed("empty file"));
        extraction.compact_problems();
        assert_eq!(extraction.problems.len(), 1);
        assert_eq!(extraction.status(), ExtractionStatus::Failed);
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(999), "999");
    }
}
